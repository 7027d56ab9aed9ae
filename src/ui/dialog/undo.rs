//! The undo dialog: the revision picker, then the coloured, scrollable template diff.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::hints;
use crate::app::dialog::undo::{UndoDialog, UndoPreview};
use crate::cluster::Health;
use crate::cluster::ops::DiffLine;
use crate::cluster::ops::rollout_history::Revision;
use crate::theme::Theme;

/// The title and lines of the undo dialog; at most `room` diff lines are shown.
pub fn lines(theme: &Theme, d: &UndoDialog, room: usize) -> (String, Vec<Line<'static>>) {
    let mut lines = Vec::new();
    if d.paused {
        lines.push(Line::from(Span::styled(
            format!(
                "deployment/{} is paused: kubectl refuses to undo it. Enter resumes and undoes in one patch.",
                d.key.name
            ),
            theme.health(Health::Warn),
        )));
        lines.push(Line::from(""));
    }
    let title = if let Some(preview) = &d.preview {
        diff(theme, d, preview, room.max(3), &mut lines);
        format!(
            "undo {}/{} to revision {}",
            d.key.kind.word(),
            d.key.name,
            preview.revision
        )
    } else {
        picker(theme, d, &mut lines);
        format!("undo {}/{}: pick a revision", d.key.kind.word(), d.key.name)
    };
    (title, lines)
}

/// A revision as `kubectl rollout history` lists it: its number (marked "(now)" when
/// current) in `number_width` cells, CHANGE-CAUSE in 40, then the images.
pub fn revision_text(r: &Revision, number_width: usize) -> String {
    let number = if r.current {
        format!("{} (now)", r.revision)
    } else {
        r.revision.to_string()
    };
    let cause = r.change_cause.as_deref().unwrap_or("<none>");
    format!(
        "{number:<number_width$} {:<40} {}",
        super::super::truncate(cause, 40),
        r.images.join(",")
    )
}

fn picker(theme: &Theme, d: &UndoDialog, lines: &mut Vec<Line<'static>>) {
    match &d.revisions {
        None => lines.push(hints(theme, "reading the rollout history…")),
        Some(Err(e)) => lines.push(Line::from(Span::styled(e.clone(), theme.error()))),
        Some(Ok(revisions)) => {
            lines.push(Line::from(Span::styled(
                format!("{:<9} {:<40} {}", "REVISION", "CHANGE-CAUSE", "IMAGES"),
                theme.muted_style().add_modifier(Modifier::BOLD),
            )));
            for (i, r) in revisions.iter().enumerate() {
                let text = revision_text(r, 9);
                let style = if i == d.selected {
                    theme.selection()
                } else {
                    theme.text()
                };
                lines.push(Line::from(Span::styled(text, style)));
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(hints(
        theme,
        "Up/Down pick · Enter show the diff · Esc cancel",
    ));
}

fn diff(
    theme: &Theme,
    d: &UndoDialog,
    preview: &UndoPreview,
    room: usize,
    lines: &mut Vec<Line<'static>>,
) {
    if preview.diff.is_empty() {
        lines.push(hints(
            theme,
            &format!(
                "the current template already matches revision {}: nothing will change",
                preview.revision
            ),
        ));
    } else {
        lines.push(hints(
            theme,
            &format!(
                "pod template: - current, + revision {} (lines {}-{} of {})",
                preview.revision,
                preview.scroll + 1,
                (preview.scroll + room).min(preview.diff.len()),
                preview.diff.len()
            ),
        ));
        lines.extend(diff_lines(theme, &preview.diff, preview.scroll, room));
    }
    lines.push(Line::from(""));
    let action = d.operation(preview.revision).to_string();
    lines.push(Line::from(vec![
        Span::styled("Enter sends: ", theme.muted_style()),
        Span::styled(action, theme.health(Health::Ok)),
    ]));
    lines.push(hints(
        theme,
        "Up/Down/PgUp/PgDn scroll · Enter send · Esc back to the list",
    ));
}

/// Unified-diff lines coloured (hunks accent, `-` error, `+` ok), `room` of them from
/// `scroll`. Also the editor's live-versus-edit diff.
pub fn diff_lines(
    theme: &Theme,
    diff: &[DiffLine],
    scroll: usize,
    room: usize,
) -> Vec<Line<'static>> {
    diff.iter()
        .skip(scroll)
        .take(room)
        .map(|line| {
            let style = match line {
                DiffLine::Hunk(_) => Style::new().fg(theme.accent),
                DiffLine::Context(_) => theme.text(),
                DiffLine::Removed(_) => theme.health(Health::Err),
                DiffLine::Added(_) => theme.health(Health::Ok),
            };
            Line::from(Span::styled(line.to_unified(), style))
        })
        .collect()
}
