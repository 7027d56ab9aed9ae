//! Simple screens: YAML and describe text, a pod's containers, the context picker.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::truncate;
use crate::app::State;
use crate::app::state::{ContainersView, TextView};
use crate::cluster::{Detail, Health, Kind, Row};

fn block<'a>(state: &State, title: &str) -> Block<'a> {
    Block::bordered()
        .border_style(Style::new().fg(state.theme.border_focused))
        .title(Span::styled(
            format!(" {title} "),
            Style::new()
                .fg(state.theme.accent)
                .add_modifier(Modifier::BOLD),
        ))
}

/// Draws a YAML or describe view; a describe of a pod or a node starts with its use.
pub fn draw_text(state: &State, view: &TextView, frame: &mut Frame, area: Rect) {
    let (lines, style): (Vec<Line>, Style) = match &view.text {
        None => (vec![Line::from("loading…")], state.theme.muted_style()),
        Some(Err(e)) => (vec![Line::from(e.as_str())], state.theme.error()),
        Some(Ok(text)) => (
            text.lines().skip(view.scroll).map(Line::from).collect(),
            state.theme.text(),
        ),
    };
    let usage = view
        .key
        .as_ref()
        .map(|key| super::usage::describe_lines(state, key))
        .unwrap_or_default();
    let b = block(state, &view.title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    // The use lines, then a blank line, then the text.
    let top = u16::try_from(usage.len() + 1)
        .unwrap_or(u16::MAX)
        .min(inner.height / 2);
    let text_area = if usage.is_empty() {
        inner
    } else {
        frame.render_widget(
            Paragraph::new(usage),
            Rect {
                height: top,
                ..inner
            },
        );
        Rect {
            y: inner.y + top,
            height: inner.height - top,
            ..inner
        }
    };
    frame.render_widget(Paragraph::new(lines).style(style), text_area);
}

/// Draws the containers of a pod.
pub fn draw_containers(state: &State, view: &ContainersView, frame: &mut Frame, area: Rect) {
    let b = block(state, &format!("containers({})", view.name));
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let Some(Row {
        detail: Detail::Pod(pod),
        ..
    }) = state.stores.of(Kind::Pod).find(&view.namespace, &view.name)
    else {
        {
            frame.render_widget(
                Paragraph::new(Span::styled("the pod is gone", state.theme.error())),
                inner,
            );
            return;
        }
    };
    let w = usize::from(inner.width);
    let pod_row = state.stores.of(Kind::Pod).find(&view.namespace, &view.name);
    let mut lines = vec![Line::from(Span::styled(
        truncate(
            &format!(
                "{:<24} {:<6} {:<9} {}{:<28} IMAGE",
                "NAME",
                "READY",
                "RESTARTS",
                super::usage::container_header(state),
                "STATE"
            ),
            w,
        )
        .into_owned(),
        state.theme.muted_style().add_modifier(Modifier::BOLD),
    ))];
    for (i, c) in pod.containers.iter().enumerate() {
        let name = if c.init {
            format!("{} (init)", c.name)
        } else {
            c.name.to_string()
        };
        let usage = pod_row.map_or_else(String::new, |row| {
            super::usage::container_cells(state, row, c)
        });
        let text = format!(
            "{:<24} {:<6} {:<9} {usage}{:<28} {}",
            truncate(&name, 24),
            c.ready,
            c.restarts,
            truncate(&c.state, 28),
            c.image
        );
        let style = if i == view.selected {
            state.theme.selection()
        } else if c.ready {
            state.theme.health(Health::Ok)
        } else {
            state.theme.health(Health::Warn)
        };
        lines.push(Line::from(Span::styled(
            truncate(&text, w).into_owned(),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Draws the kubeconfig context picker.
pub fn draw_contexts(state: &State, selected: usize, frame: &mut Frame, area: Rect) {
    let contexts = &state.connection.contexts;
    let lines: Vec<Line> = if contexts.is_empty() {
        vec![Line::from(Span::styled(
            "no contexts in the kubeconfig",
            state.theme.muted_style(),
        ))]
    } else {
        contexts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let marker = if *c == state.connection.context {
                    "* "
                } else {
                    "  "
                };
                let style = if i == selected {
                    state.theme.selection()
                } else {
                    state.theme.text()
                };
                Line::from(Span::styled(format!("{marker}{c}"), style))
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines).block(block(state, &format!("contexts[{}]", contexts.len()))),
        area,
    );
}
