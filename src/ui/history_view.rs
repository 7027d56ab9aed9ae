//! The history view: a Deployment's revisions (as `kubectl rollout history` lists them,
//! the two compared marked `left` and `right`), then their pod templates side by side,
//! the older on the left, changed lines coloured and unchanged runs folded; below
//! [`SIDE_BY_SIDE_MIN_WIDTH`](crate::app::history_view::SIDE_BY_SIDE_MIN_WIDTH) columns
//! a unified diff, saying so.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr as _;

use super::truncate;
use crate::app::State;
use crate::app::history_view::side_by_side::{NumberedLine, SideRow};
use crate::app::history_view::{Comparison, HistoryView, unified};
use crate::cluster::Health;
use crate::cluster::ops::Revision;
use crate::theme::Theme;

/// Columns of a line number, and the space after it.
const NUMBER_WIDTH: usize = 4;

/// Draws the history view.
pub fn draw(state: &State, view: &HistoryView, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let block = Block::bordered()
        .border_style(Style::new().fg(theme.border_focused))
        .title(Span::styled(
            format!(" history deployment/{} ", view.name),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let revisions = match &view.revisions {
        None => {
            return message(
                frame,
                inner,
                theme.muted_style(),
                "reading the rollout history…",
            );
        }
        Some(Err(e)) => return message(frame, inner, theme.error(), e),
        Some(Ok(list)) if list.is_empty() => {
            let text = format!(
                "deployment/{} has no revisions (no ReplicaSets yet)",
                view.name
            );
            return message(frame, inner, theme.muted_style(), &text);
        }
        Some(Ok(list)) => list,
    };
    let list_rows = view.list_rows(inner.height);
    let [list_area, summary_area, diff_area] = Layout::vertical([
        Constraint::Length(list_rows),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(revision_lines(theme, view, revisions, list_area)),
        list_area,
    );
    let Some(comparison) = &view.comparison else {
        let text = "only one revision: nothing to compare yet";
        return message(frame, summary_area, theme.muted_style(), text);
    };
    let narrow = unified(area.width);
    frame.render_widget(
        Paragraph::new(summary(
            theme,
            view,
            comparison,
            (!narrow).then_some(usize::from(summary_area.width)),
        )),
        summary_area,
    );
    if comparison.side_by_side.identical() {
        return;
    }
    let room = usize::from(diff_area.height);
    let total = view.diff_rows(narrow);
    let scroll = view.scroll.min(total.saturating_sub(room));
    let lines = if narrow {
        super::dialog::undo::diff_lines(theme, &comparison.unified, scroll, room)
    } else {
        side_by_side_lines(
            theme,
            comparison,
            scroll,
            room,
            usize::from(diff_area.width),
        )
    };
    frame.render_widget(Paragraph::new(lines), diff_area);
}

fn message(frame: &mut Frame, area: Rect, style: Style, text: &str) {
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(text, usize::from(area.width)).into_owned(),
            style,
        )),
        area,
    );
}

/// The revision table, scrolled so the cursor shows.
fn revision_lines(
    theme: &Theme,
    view: &HistoryView,
    revisions: &[Revision],
    area: Rect,
) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    let rows = usize::from(area.height).saturating_sub(1).max(1);
    let first = view.cursor.saturating_sub(rows - 1);
    let (left, right) = view
        .comparison
        .as_ref()
        .map_or((None, None), |c| (Some(c.left), Some(c.right)));
    let header = format!(
        "{:<6} {:<10} {:<40} {}",
        "", "REVISION", "CHANGE-CAUSE", "IMAGES"
    );
    let mut lines = vec![Line::from(Span::styled(
        truncate(&header, width).into_owned(),
        theme.muted_style().add_modifier(Modifier::BOLD),
    ))];
    for (i, r) in revisions.iter().enumerate().skip(first).take(rows) {
        let side = if Some(r.revision) == left {
            "left"
        } else if Some(r.revision) == right {
            "right"
        } else if view.marks.contains(&r.revision) {
            "marked"
        } else {
            ""
        };
        let text = format!("{side:<6} {}", super::dialog::undo::revision_text(r, 10));
        let style = if i == view.cursor {
            theme.selection()
        } else if side.is_empty() {
            theme.text()
        } else {
            Style::new().fg(theme.accent)
        };
        lines.push(Line::from(Span::styled(
            truncate(&text, width).into_owned(),
            style,
        )));
    }
    lines
}

/// The line between the list and the diff: what is compared, and how. Side by side,
/// each column's revision above it.
fn summary(
    theme: &Theme,
    view: &HistoryView,
    c: &Comparison,
    width: Option<usize>,
) -> Line<'static> {
    if c.side_by_side.identical() {
        return Line::from(Span::styled(
            format!(
                "revisions {} and {}: identical pod templates",
                c.left, c.right
            ),
            theme.health(Health::Ok),
        ));
    }
    let (removed, added) = (c.side_by_side.removed, c.side_by_side.added);
    let lines = |n: usize| {
        if n == 1 {
            "1 line".to_owned()
        } else {
            format!("{n} lines")
        }
    };
    let title = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let Some(width) = width else {
        // Said short: at 80 columns the whole line must fit.
        return Line::from(vec![
            Span::styled(
                format!(
                    "revision {} → {}: -{} +{}",
                    c.left,
                    c.right,
                    lines(removed),
                    lines(added)
                ),
                title,
            ),
            Span::styled(" · unified diff (narrow screen)", theme.muted_style()),
        ]);
    };
    let now = |rev: i64| {
        let current = view.list().iter().any(|r| r.revision == rev && r.current);
        if current { " (now)" } else { "" }
    };
    let column = width.saturating_sub(1) / 2;
    let half = |text: String| {
        let text = truncate(&text, column).into_owned();
        let pad = column.saturating_sub(text.width());
        Span::styled(format!("{text}{}", " ".repeat(pad)), title)
    };
    Line::from(vec![
        half(format!(
            "revision {}{}: {} only here",
            c.left,
            now(c.left),
            lines(removed)
        )),
        Span::styled("│", theme.muted_style()),
        half(format!(
            "revision {}{}: {} only here",
            c.right,
            now(c.right),
            lines(added)
        )),
    ])
}

/// `room` rows of the side-by-side diff from `scroll`, in two columns of `width`.
fn side_by_side_lines(
    theme: &Theme,
    c: &Comparison,
    scroll: usize,
    room: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let column = width.saturating_sub(1) / 2;
    let cell = |line: Option<(usize, &str)>, style: Style| -> Span<'static> {
        let text = line.map_or_else(String::new, |(number, text)| {
            format!("{number:>w$} {text}", w = NUMBER_WIDTH - 1)
        });
        let mut text = truncate(&text, column).into_owned();
        let pad = column.saturating_sub(text.width());
        text.push_str(&" ".repeat(pad));
        Span::styled(text, style)
    };
    let numbered = |l: &Option<NumberedLine>| l.as_ref().map(|l| (l.number, l.text.clone()));
    let separator = || Span::styled("│", theme.muted_style());
    c.side_by_side
        .rows
        .iter()
        .skip(scroll)
        .take(room)
        .map(|row| match row {
            SideRow::Same { left, right, text } => Line::from(vec![
                cell(Some((*left, text)), theme.text()),
                separator(),
                cell(Some((*right, text)), theme.text()),
            ]),
            SideRow::Changed { left, right } => {
                let (l, r) = (numbered(left), numbered(right));
                Line::from(vec![
                    cell(
                        l.as_ref().map(|(n, t)| (*n, t.as_str())),
                        changed_style(theme, Health::Err),
                    ),
                    separator(),
                    cell(
                        r.as_ref().map(|(n, t)| (*n, t.as_str())),
                        changed_style(theme, Health::Ok),
                    ),
                ])
            }
            SideRow::Folded { count } => {
                let plural = if *count == 1 { "" } else { "s" };
                let text = format!("┄┄ {count} unchanged line{plural} ┄┄");
                let pad = width.saturating_sub(text.width()) / 2;
                Line::from(Span::styled(
                    format!("{}{text}", " ".repeat(pad)),
                    theme.muted_style(),
                ))
            }
        })
        .collect()
}

/// A changed line: the older side in the error colour, the newer in the ok colour, bold
/// so that it shows in monochrome too.
fn changed_style(theme: &Theme, health: Health) -> Style {
    theme.health(health).add_modifier(Modifier::BOLD)
}
