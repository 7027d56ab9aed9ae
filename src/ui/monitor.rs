//! The monitoring cockpit: a grid of Deployment cards (rollout phase, readiness, a bar of
//! new versus old replicas, pod health, image) above the most recent warnings.

use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::rollout::{event_line, progress_bar};
use super::truncate;
use crate::app::State;
use crate::app::monitor::{Card, MonitorView};
use crate::cluster::{Detail, Kind, WatchState};
use crate::human_duration::age;

/// Columns a card wants at least.
const CARD_MIN_WIDTH: u16 = 38;
/// Rows of a card: its border and four lines, and a line of use where metrics are shown.
fn card_height(state: &State) -> u16 {
    if state.metrics.available() { 7 } else { 6 }
}

/// Draws the monitor.
pub fn draw(state: &State, view: &MonitorView, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let cards = &view.cache.cards;
    let scope = state.namespace.as_deref().unwrap_or("all");
    let mut title = vec![Span::styled(
        format!(" monitor({scope})[{}] ", cards.len()),
        Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
    )];
    // A wall screen is read from across the room: say loudly when it is not live.
    if let Some(since) = stale_since(state) {
        title.push(Span::styled(format!(" {since} "), theme.error()));
    }
    let block = Block::bordered()
        .border_style(Style::new().fg(theme.border_focused))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    // The cards take the rows they need (the warnings keep at least a third of the
    // screen), the warnings what is left.
    let columns = (inner.width / CARD_MIN_WIDTH).max(1);
    let card_rows = u16::try_from(cards.len().div_ceil(usize::from(columns)))
        .unwrap_or(u16::MAX)
        .max(1);
    let cards_height = card_rows
        .saturating_mul(card_height(state))
        .min(inner.height.saturating_sub((inner.height / 3).max(2)))
        .max(card_height(state).min(inner.height));
    let cards_area = Rect {
        height: cards_height,
        ..inner
    };
    let warn_area = Rect {
        y: cards_area.y + cards_area.height,
        height: inner.height - cards_area.height,
        ..inner
    };
    if cards.is_empty() {
        let text = if state.watch_states.get(&Kind::Deployment) == Some(&WatchState::Syncing) {
            "loading…".to_owned()
        } else if view.chosen.is_empty() {
            format!("no Deployments in {scope}")
        } else {
            format!("none of {} found in {scope}", view.chosen.join(", "))
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.muted_style())),
            cards_area,
        );
    } else {
        draw_cards(state, view, frame, cards_area);
    }
    draw_warnings(state, view, frame, warn_area);
}

/// "reconnecting (last update 2m ago)" while any watch the monitor reads is down.
fn stale_since(state: &State) -> Option<String> {
    crate::app::monitor::MONITOR_KINDS
        .iter()
        .filter_map(|k| match state.watch_states.get(k) {
            Some(WatchState::Reconnecting { last_update, .. }) => Some(*last_update),
            _ => None,
        })
        .min()
        .map(|oldest| match oldest {
            Some(t) => format!("reconnecting (last update {} ago)", age(Some(t), state.now)),
            None => "reconnecting (no update yet)".to_owned(),
        })
}

fn draw_cards(state: &State, view: &MonitorView, frame: &mut Frame, area: Rect) {
    let columns = (area.width / CARD_MIN_WIDTH).max(1);
    let card_height = card_height(state);
    let rows = (area.height / card_height).max(1);
    let per_page = usize::from(columns * rows);
    let first = (view.selected / per_page) * per_page;
    let width = area.width / columns;
    for (i, card) in view
        .cache
        .cards
        .iter()
        .enumerate()
        .skip(first)
        .take(per_page)
    {
        let at = u16::try_from(i - first).unwrap_or(0);
        let (col, row) = (at % columns, at / columns);
        let height = card_height.min(area.height.saturating_sub(row * card_height));
        let rect = Rect {
            x: area.x + col * width,
            y: area.y + row * card_height,
            // The last column takes what the division left over.
            width: if col + 1 == columns {
                area.width - col * width
            } else {
                width
            },
            height,
        };
        draw_card(state, card, i == view.selected, frame, rect);
    }
    let hidden = view.cache.cards.len().saturating_sub(first + per_page);
    if first > 0 || hidden > 0 {
        let page = format!(
            " cards {}-{} of {} ",
            first + 1,
            (first + per_page).min(view.cache.cards.len()),
            view.cache.cards.len()
        );
        let w = u16::try_from(page.width()).unwrap_or(0);
        let spot = Rect {
            x: area.right().saturating_sub(w + 1),
            y: area.bottom().saturating_sub(1),
            width: w.min(area.width),
            height: 1,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(page, state.theme.muted_style())),
            spot,
        );
    }
}

fn draw_card(state: &State, card: &Card, selected: bool, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let Some(row) = state.stores.of(Kind::Deployment).get(card.deployment) else {
        return;
    };
    let Detail::Deployment(dep) = &row.detail else {
        return;
    };
    let health = theme.health(card.health);
    let name = if state.all_namespaces() {
        format!(" {}/{} ", row.meta.namespace, row.meta.name)
    } else {
        format!(" {} ", row.meta.name)
    };
    let mut name_style = health.add_modifier(Modifier::BOLD);
    if selected {
        name_style = name_style.add_modifier(Modifier::REVERSED);
    }
    let block = Block::bordered()
        .border_type(if selected {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(health)
        .title(Span::styled(name, name_style));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);
    let (new_ready, _) = card.new_replicas;
    let status = format!(
        "{}  READY {}/{}  AVAILABLE {}",
        card.phase.label(),
        dep.ready,
        dep.desired,
        dep.available
    );
    let counts = &card.pods;
    let mut pods = format!("pods {} ready", counts.ready);
    for (n, what) in [
        (counts.starting, "starting"),
        (counts.failing, "failing"),
        (counts.terminating, "terminating"),
        (counts.restarts, "restarts"),
    ] {
        if n > 0 {
            let _ = write!(pods, " · {n} {what}");
        }
    }
    let pods_style = if counts.failing > 0 {
        theme.error()
    } else {
        theme.text()
    };
    let bar_label = format!(" new {new_ready}/{} old {}", dep.desired, card.old_replicas);
    let bar_width = w.saturating_sub(bar_label.width());
    let mut bar = progress_bar(
        theme,
        bar_width,
        card.new_replicas,
        card.old_replicas,
        dep.desired,
    );
    bar.push(Span::styled(bar_label, theme.text()));
    let mut lines = vec![
        Line::from(Span::styled(truncate(&status, w).into_owned(), health)),
        Line::from(bar),
        Line::from(Span::styled(truncate(&pods, w).into_owned(), pods_style)),
        Line::from(Span::styled(
            truncate(&dep.images.join(", "), w).into_owned(),
            theme.muted_style(),
        )),
    ];
    if state.metrics.available() {
        lines.push(super::usage::card_line(state, row).unwrap_or_else(|| {
            Line::from(Span::styled("cpu/mem: no sample yet", theme.muted_style()))
        }));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_warnings(state: &State, view: &MonitorView, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let theme = &state.theme;
    let w = usize::from(area.width);
    let store = state.stores.of(Kind::Event);
    let title = format!("── Recent warnings [{}] ", view.cache.warnings.len());
    let title = format!("{title}{}", "─".repeat(w.saturating_sub(title.width())));
    let mut lines = vec![Line::from(Span::styled(
        truncate(&title, w).into_owned(),
        Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
    ))];
    if view.cache.warnings.is_empty() {
        lines.push(Line::from(Span::styled("no warnings", theme.muted_style())));
    }
    for (text, style) in view
        .cache
        .warnings
        .iter()
        .filter_map(|s| store.get(*s))
        .filter_map(|row| event_line(state, row))
        .take(usize::from(area.height - 1))
    {
        lines.push(Line::from(Span::styled(
            truncate(&text, w).into_owned(),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
