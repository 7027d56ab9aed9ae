//! The open operation dialog, drawn over the screen: its fields, what Enter will
//! send, the keys, and the last error (the input stays for a retry).

pub mod streams;
pub mod undo;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::app::State;
use crate::app::dialog::Dialog;
use crate::app::dialog::confirm::ConfirmDialog;
use crate::app::dialog::image::{ImageDialog, ImageField};
use crate::app::dialog::scale::ScaleDialog;
use crate::cluster::Health;
use crate::cluster::ops::{Operation, propagation_name};
use crate::theme::Theme;

/// Dependents listed by name in a delete confirmation; the rest are counted.
const DEPENDENTS_SHOWN: usize = 8;

/// Draws the open dialog, if any, centred in `area`.
pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let Some(dialog) = &state.dialogs.open else {
        return;
    };
    let theme = &state.theme;
    let (title, mut lines) = match dialog {
        Dialog::Scale(d) => scale(theme, d),
        Dialog::Image(d) => image(theme, d),
        Dialog::Undo(d) => undo::lines(theme, d, usize::from(area.height.saturating_sub(8))),
        Dialog::Confirm(d) => confirm(theme, d),
        Dialog::Container(d) => streams::container_picker(theme, d),
        Dialog::Forward(d) => streams::forward(theme, d),
        Dialog::Leftovers(d) => streams::leftovers(theme, d, state.now),
    };
    if let Some(error) = &state.dialogs.error {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(error.clone(), theme.error())));
    }
    let width = area.width.saturating_sub(4).min(90);
    // Rows once wrapped inside the borders, so the last line (the keys) is never cut.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    let accent = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let block = Block::bordered()
        .title(Span::styled(format!(" {title} "), accent))
        .border_style(Style::new().fg(theme.border_focused))
        .style(theme.text());
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// `label: value█` with the cursor when the field has focus.
fn field(theme: &Theme, label: &str, value: &str, focused: bool) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!("{label}: "), theme.muted_style()),
        Span::styled(value.to_owned(), theme.text().add_modifier(Modifier::BOLD)),
    ];
    if focused {
        spans.push(Span::styled("█", Style::new().fg(theme.accent)));
    }
    Line::from(spans)
}

/// The line naming what Enter sends (or what is missing).
fn will_send(theme: &Theme, operation: Result<Operation, String>) -> Line<'static> {
    match operation {
        Ok(m) => Line::from(vec![
            Span::styled("Enter sends: ", theme.muted_style()),
            Span::styled(m.to_string(), theme.health(Health::Ok)),
        ]),
        Err(e) => Line::from(Span::styled(e, theme.health(Health::Warn))),
    }
}

/// A line of key hints.
pub(super) fn hints(theme: &Theme, text: &str) -> Line<'static> {
    Line::from(Span::styled(text.to_owned(), theme.muted_style()))
}

fn scale(theme: &Theme, d: &ScaleDialog) -> (String, Vec<Line<'static>>) {
    let title = format!("scale {}/{}", d.key.kind.word(), d.key.name);
    let lines = vec![
        field(theme, "replicas", &d.input, true),
        Line::from(Span::styled(
            format!("now: {}", d.current),
            theme.muted_style(),
        )),
        Line::from(""),
        will_send(theme, d.operation()),
        hints(theme, "+/- or digits · Backspace · Enter send · Esc cancel"),
    ];
    (title, lines)
}

fn image(theme: &Theme, d: &ImageDialog) -> (String, Vec<Line<'static>>) {
    let verb = if d.canary { "canary" } else { "set image" };
    let title = format!("{verb} deployment/{}", d.key.name);
    let mut lines = Vec::new();
    match &d.containers {
        None => lines.push(hints(theme, "reading the containers…")),
        Some(Err(e)) => lines.push(Line::from(Span::styled(e.clone(), theme.error()))),
        Some(Ok(list)) => {
            for (i, c) in list.iter().enumerate() {
                let style = if i == d.selected {
                    theme.selection()
                } else {
                    theme.text()
                };
                let mark = if i == d.selected { "▸" } else { " " };
                lines.push(Line::from(Span::styled(
                    format!("{mark} {}  (now {})", c.name, c.image),
                    style,
                )));
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(field(
        theme,
        "image",
        &d.image,
        d.focus == ImageField::Image,
    ));
    if d.canary {
        lines.push(field(
            theme,
            "new pods, or a plan",
            &d.new_pods,
            d.focus == ImageField::NewPods,
        ));
        lines.extend(plan_lines(theme, d));
    }
    lines.push(Line::from(""));
    lines.push(will_send(theme, d.operation()));
    let keys = if d.canary {
        "Tab image/plan · Up/Down container (plan field: saved plans) · +/- pods · Ctrl-u clear · Enter send · Esc cancel"
    } else {
        "Up/Down container · type the image · Ctrl-u clear · Enter send · Esc cancel"
    };
    lines.push(hints(theme, keys));
    (title, lines)
}

/// What the canary's plan field stands for: a number of pods, or a plan's steps (with
/// the new pods of each on this Deployment) and its gates.
fn plan_lines(theme: &Theme, d: &ImageDialog) -> Vec<Line<'static>> {
    match d.plan_preview() {
        None => vec![hints(
            theme,
            "  a number: that many new pods, then paused · or a plan: 1 pod, hold 2m; 50%, hold 5m",
        )],
        Some(Err(e)) => vec![Line::from(Span::styled(
            format!("  {e}"),
            theme.health(Health::Warn),
        ))],
        Some(Ok((steps, gates))) => {
            let mut lines = Vec::new();
            if let Some(named) = d.plan_line() {
                lines.push(hints(theme, &format!("  {named}")));
            }
            lines.push(Line::from(vec![
                Span::styled("  steps: ", theme.muted_style()),
                Span::styled(steps, theme.text()),
            ]));
            lines.push(Line::from(vec![
                Span::styled("  gates: ", theme.muted_style()),
                Span::styled(gates, theme.text()),
            ]));
            lines
        }
    }
}

fn confirm(theme: &Theme, d: &ConfirmDialog) -> (String, Vec<Line<'static>>) {
    let mut lines = vec![Line::from(Span::styled(
        format!("{}?", d.operation),
        theme.text().add_modifier(Modifier::BOLD),
    ))];
    let title = match &d.operation {
        Operation::Delete { key, propagation } => {
            lines.push(Line::from(""));
            let definition = key.kind.is_resource_definition();
            if definition {
                // The server deletes every object of the resource before the definition.
                lines.push(Line::from(format!(
                    "every {} object, in every namespace, goes with it",
                    key.name
                )));
            }
            match &d.dependents {
                None => lines.push(hints(theme, "finding what it owns…")),
                Some(Err(e)) => lines.push(Line::from(Span::styled(e.clone(), theme.error()))),
                Some(Ok(deps)) if deps.is_empty() && definition => {
                    lines.push(hints(theme, "it owns nothing else"));
                }
                Some(Ok(deps)) if deps.is_empty() => {
                    lines.push(hints(theme, "it owns nothing: only it goes"));
                }
                Some(Ok(deps)) => {
                    let fate = match propagation {
                        crate::cluster::ops::Propagation::Orphan => "stay (orphaned)",
                        _ => "go with it",
                    };
                    lines.push(Line::from(format!(
                        "{} owned object(s) {fate}:",
                        deps.len()
                    )));
                    for dep in deps.iter().take(DEPENDENTS_SHOWN) {
                        lines.push(Line::from(format!("  {}/{}", dep.kind.word(), dep.name)));
                    }
                    if deps.len() > DEPENDENTS_SHOWN {
                        lines.push(hints(
                            theme,
                            &format!("  … and {} more", deps.len() - DEPENDENTS_SHOWN),
                        ));
                    }
                }
            }
            lines.push(Line::from(""));
            lines.push(field(
                theme,
                "propagation",
                propagation_name(*propagation),
                false,
            ));
            lines.push(hints(theme, "Tab cycles Background/Foreground/Orphan"));
            format!("delete {}/{}", key.kind.word(), key.name)
        }
        Operation::Restart(_) => {
            lines.push(hints(
                theme,
                "sets the restartedAt template annotation (kubectl rollout restart)",
            ));
            "restart".to_owned()
        }
        Operation::Trigger(key) => {
            lines.push(hints(
                theme,
                &format!(
                    "creates job.batch/{}-manual-… from its job template, marked manual (kubectl create job --from=cronjob/{})",
                    key.name, key.name
                ),
            ));
            "run now".to_owned()
        }
        Operation::Suspend { key, suspend } => {
            lines.push(hints(
                theme,
                &format!(
                    "patches spec.suspend to {suspend} (kubectl patch cronjob {} -p '{{\"spec\":{{\"suspend\":{suspend}}}}}')",
                    key.name
                ),
            ));
            if *suspend {
                lines.push(hints(
                    theme,
                    "no Job starts until it is resumed; running Jobs go on",
                ));
            }
            if *suspend { "suspend" } else { "resume" }.to_owned()
        }
        Operation::Promote(_) => {
            lines.push(hints(
                theme,
                "restores the original strategy and resumes the rollout",
            ));
            "promote canary".to_owned()
        }
        Operation::Abort(_) => {
            lines.push(hints(
                theme,
                "rolls back to the revision before the canary and resumes",
            ));
            "abort canary".to_owned()
        }
        Operation::PlanWrite(_) => {
            lines.push(hints(
                theme,
                "takes the lease: this kdeck drives the plan from its current step, checking its gates",
            ));
            "continue canary plan".to_owned()
        }
        _ => "confirm".to_owned(),
    };
    lines.push(Line::from(""));
    lines.push(hints(theme, "Enter/y send · Esc/n cancel"));
    (title, lines)
}
