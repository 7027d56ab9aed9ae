//! The dialogs of shells, port-forwards and debug pods: the container picker, the
//! port-forward dialog (with its second question for an exposed address) and the
//! debug pods an earlier kdeck left behind.

use jiff::Timestamp;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::{field, hints};
use crate::app::dialog::container_picker::ContainerPicker;
use crate::app::dialog::leftover_pods::LeftoverDialog;
use crate::app::dialog::port_forward::{ForwardDialog, ForwardField};
use crate::cluster::Health;
use crate::human_duration::age;
use crate::theme::Theme;

/// A selectable line: `▸ text` when selected.
fn choice(theme: &Theme, text: &str, selected: bool) -> Line<'static> {
    let (mark, style) = if selected {
        ("▸", theme.selection())
    } else {
        (" ", theme.text())
    };
    Line::from(Span::styled(format!("{mark} {text}"), style))
}

/// The container picker's title and lines.
pub fn container_picker(theme: &Theme, d: &ContainerPicker) -> (String, Vec<Line<'static>>) {
    let mut lines: Vec<Line<'static>> = d
        .target
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let default = if d.target.default.as_ref() == Some(c) {
                "  (default)"
            } else {
                ""
            };
            choice(theme, &format!("{c}{default}"), i == d.selected)
        })
        .collect();
    if !d.target.left_out.is_empty() {
        lines.push(Line::from(""));
        lines.push(hints(
            theme,
            &format!("not offered: {}", d.target.left_out.join(", ")),
        ));
    }
    lines.push(Line::from(""));
    lines.push(hints(theme, "Up/Down container · Enter open · Esc cancel"));
    (d.title(), lines)
}

/// The port-forward dialog's title and lines.
pub fn forward(theme: &Theme, d: &ForwardDialog) -> (String, Vec<Line<'static>>) {
    let title = format!("port-forward {}/{}", d.target.kind.word(), d.target.name);
    let mut lines = Vec::new();
    match &d.choices {
        None => lines.push(hints(theme, "reading the pod's ports…")),
        Some(Err(e)) => lines.push(Line::from(Span::styled(e.clone(), theme.error()))),
        Some(Ok((choices, _))) => {
            lines.push(Line::from(vec![
                Span::styled("pod: ", theme.muted_style()),
                Span::styled(choices.pod.clone(), theme.text()),
            ]));
            if choices.ports.is_empty() {
                lines.push(hints(
                    theme,
                    "the pod declares no port: type the one to reach",
                ));
            }
            for (i, port) in choices.ports.iter().enumerate() {
                let text = format!("{:>5}  {}", port.remote, port.label);
                lines.push(choice(theme, &text, d.selected == Some(i)));
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(field(
        theme,
        "pod port",
        &d.remote,
        d.focus == ForwardField::Remote,
    ));
    let local = if d.local.is_empty() && d.focus != ForwardField::Local {
        "(the pod port's number if free, else any free one)"
    } else {
        d.local.as_str()
    };
    lines.push(field(
        theme,
        "local port",
        local,
        d.focus == ForwardField::Local,
    ));
    lines.push(field(
        theme,
        "address",
        &d.address,
        d.focus == ForwardField::Address,
    ));
    lines.push(Line::from(""));
    if d.confirming {
        lines.push(Line::from(Span::styled(
            format!(
                "{} is reachable from other machines: anyone who can reach it reaches the pod. Enter again to listen on it, Esc to go back.",
                d.address.trim()
            ),
            theme.health(Health::Warn).add_modifier(Modifier::BOLD),
        )));
    } else {
        match d.plan() {
            Ok(plan) => lines.push(Line::from(vec![
                Span::styled("Enter starts: ", theme.muted_style()),
                Span::styled(
                    format!(
                        "{}:{} -> {} (pod port {})",
                        plan.address,
                        plan.local_port
                            .map_or_else(|| "…".to_owned(), |p| p.to_string()),
                        plan.target_text(),
                        plan.remote_port
                    ),
                    theme.health(Health::Ok),
                ),
            ])),
            Err(e) => lines.push(Line::from(Span::styled(e, theme.health(Health::Warn)))),
        }
    }
    lines.push(hints(
        theme,
        "Up/Down port · Tab next field · digits · Enter start · Esc cancel",
    ));
    (title, lines)
}

/// The leftover debug pods' title and lines.
pub fn leftovers(
    theme: &Theme,
    d: &LeftoverDialog,
    now: Timestamp,
) -> (String, Vec<Line<'static>>) {
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{} debug pod(s) started by kdeck (:run) were not deleted: a kdeck ended before its shell did.",
            d.pods.len()
        ),
        theme.text(),
    ))];
    lines.push(Line::from(""));
    for pod in &d.pods {
        let by = if pod.started_by.is_empty() {
            String::new()
        } else {
            format!(", started by {}", pod.started_by)
        };
        lines.push(Line::from(format!(
            "  {}/{}  ({}, {} ago{by})",
            pod.namespace,
            pod.name,
            pod.image,
            age(pod.created, now)
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Delete them?",
        theme.text().add_modifier(Modifier::BOLD),
    )));
    lines.push(hints(theme, "Enter/y delete · Esc/n keep"));
    ("debug pods left behind".to_owned(), lines)
}
