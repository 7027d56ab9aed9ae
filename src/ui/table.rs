//! The one table engine: lays out a kind's columns for the width (dropping the least
//! important first), and formats only the rows that are on screen.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::truncate;
use crate::app::State;
use crate::app::state::TableView;
use crate::cluster::columns::{CellContext, Column, Width};
use crate::cluster::{Row, WatchState};
use crate::human_duration::age;

/// One laid-out column: which, where, how wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// Index into the column list.
    pub index: usize,
    /// X offset from the table's left edge.
    pub x: u16,
    /// Width.
    pub width: u16,
}

/// Lays out `columns` in `width` cells with one space between columns.
pub fn layout(columns: &[&Column], width: u16) -> Vec<Placed> {
    layout_fitted(columns, width, |_| None)
}

/// Lays out `columns` in `width` cells with one space between columns, dropping the
/// least important columns until the rest fit at their minimum widths. The spare
/// width goes to the fill columns by weight, but a fill column grows no wider than
/// `content(index)` says its text needs (when it says): on a wide terminal NAME is as
/// wide as the longest name, and what no column needs stays at the right, as k9s
/// leaves it, rather than pushing the other columns away from the names.
pub fn layout_fitted(
    columns: &[&Column],
    width: u16,
    content: impl Fn(usize) -> Option<u16>,
) -> Vec<Placed> {
    let min = |c: &Column| match c.width {
        Width::Fixed(w) => w,
        Width::Fill { min, .. } => min,
    };
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let needed = |kept: &[usize]| -> u16 {
        kept.iter().map(|i| min(columns[*i])).sum::<u16>() + kept.len().saturating_sub(1) as u16
    };
    while kept.len() > 1 && needed(&kept) > width {
        let Some((drop_at, _)) = kept
            .iter()
            .enumerate()
            .min_by_key(|(_, i)| columns[**i].priority)
        else {
            break;
        };
        kept.remove(drop_at);
    }
    let mut spare = width.saturating_sub(needed(&kept));
    let mut widths: Vec<u16> = kept.iter().map(|i| min(columns[*i])).collect();
    // How far each column may grow: a fixed one not at all, a fill one up to its content.
    let room: Vec<(u16, u16)> = kept
        .iter()
        .map(|&i| match columns[i].width {
            Width::Fixed(w) => (0, w),
            Width::Fill { min, weight } => (weight, content(i).map_or(u16::MAX, |c| c.max(min))),
        })
        .collect();
    // Share the spare by weight among the columns that can still grow, again and
    // again, until it is gone or none can.
    while spare > 0 {
        let open: Vec<usize> = (0..kept.len())
            .filter(|&n| room[n].0 > 0 && widths[n] < room[n].1)
            .collect();
        let weights: u16 = open.iter().map(|&n| room[n].0).sum();
        if weights == 0 {
            break;
        }
        let mut given = 0;
        for (k, &n) in open.iter().enumerate() {
            let share = if k + 1 == open.len() {
                spare - given
            } else {
                spare * room[n].0 / weights
            };
            let share = share.min(room[n].1 - widths[n]);
            widths[n] += share;
            given += share;
        }
        if given == 0 {
            break;
        }
        spare -= given;
    }
    let mut x = 0;
    let mut placed = Vec::with_capacity(kept.len());
    for (&index, w) in kept.iter().zip(widths) {
        let w = w.min(width.saturating_sub(x));
        placed.push(Placed { index, x, width: w });
        x = x.saturating_add(w + 1);
    }
    placed
}

/// The k9s-like title: `pods(default)</nginx>[3]`, `[500…]` while the list's pages are
/// still coming.
pub fn title(state: &State, table: &TableView) -> String {
    let scope = if table.kind.namespaced() {
        state.namespace.as_deref().unwrap_or("all")
    } else {
        "cluster"
    };
    let filter = table
        .filter
        .as_ref()
        .map(|f| format!("</{}>", f.text))
        .unwrap_or_default();
    let loading = if state.stores.of(table.kind).listing() {
        "…"
    } else {
        ""
    };
    format!(
        "{}({scope}){filter}[{}{loading}]",
        table.kind.plural(),
        table.visible.len()
    )
}

/// Draws a table pane.
pub fn draw(state: &State, table: &TableView, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let mut title = vec![Span::styled(
        format!(" {} ", title(state, table)),
        Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
    )];
    let watch = state.watch_states.get(&table.kind);
    title.extend(super::usage::title_note(state, table.kind));
    if let Some(WatchState::Reconnecting {
        reason,
        last_update,
    }) = watch
    {
        // The age first: a long reason is cut at the pane's edge, the age must not be.
        let since = match last_update {
            Some(t) => format!("last update {} ago", age(Some(*t), state.now)),
            None => "no update yet".to_owned(),
        };
        title.push(Span::styled(
            format!(" reconnecting ({since}): {reason} "),
            theme.error(),
        ));
    }
    // Over the rows last listed, which are kept: they may be stale.
    if let Some(WatchState::Unauthorized(why)) = watch
        && !table.visible.is_empty()
    {
        title.push(Span::styled(format!(" {why} "), theme.error()));
    }
    let block = Block::bordered()
        .border_style(Style::new().fg(theme.border_focused))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let message = match watch {
        Some(WatchState::Forbidden(why)) => Some(format!("forbidden: {why}")),
        Some(WatchState::Unavailable(why)) => Some(format!("not available on this cluster: {why}")),
        Some(WatchState::Unauthorized(why)) => Some(why.clone()),
        Some(WatchState::Syncing) if table.visible.is_empty() => Some("loading…".to_owned()),
        // "No pods here" only once a list said so.
        Some(WatchState::Reconnecting {
            last_update: None, ..
        }) if table.visible.is_empty() => Some("nothing listed yet".to_owned()),
        _ if table.visible.is_empty() => Some(format!("no {} here", table.kind.plural())),
        _ => None,
    };
    if let Some(message) = message {
        let style = if matches!(
            watch,
            Some(
                WatchState::Forbidden(_) | WatchState::Unavailable(_) | WatchState::Unauthorized(_)
            )
        ) {
            theme.error()
        } else {
            theme.muted_style()
        };
        let columns = state.columns(table.kind);
        draw_titles(
            &columns,
            &layout_fitted(&columns, inner.width, |index| {
                Some(title_width(columns[index]))
            }),
            table,
            state,
            frame.buffer_mut(),
            inner,
        );
        let msg_area = Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        };
        frame.render_widget(Paragraph::new(Span::styled(message, style)), msg_area);
        return;
    }
    let store = state.stores.of(table.kind);
    let rows = table.visible.iter().filter_map(|slot| store.get(*slot));
    draw_rows(
        state,
        table,
        rows,
        table.selected,
        table.offset,
        frame.buffer_mut(),
        inner,
    );
}

/// The width of a column's title with the sort mark.
fn title_width(column: &Column) -> u16 {
    u16::try_from(column.title.chars().count() + 1).unwrap_or(u16::MAX)
}

fn draw_titles(
    columns: &[&Column],
    placed: &[Placed],
    table: &TableView,
    state: &State,
    buf: &mut Buffer,
    area: Rect,
) {
    let style = state.theme.muted_style().add_modifier(Modifier::BOLD);
    for p in placed {
        let mut t = columns[p.index].title.to_owned();
        if p.index == table.sort_column {
            t.push(if table.sort_reverse { '↓' } else { '↑' });
        }
        buf.set_stringn(
            area.x + p.x,
            area.y,
            truncate(&t, usize::from(p.width)),
            usize::from(p.width),
            style,
        );
    }
}

/// Draws rows (already filtered and sorted) under a title row, formatting only those on screen.
pub fn draw_rows<'a>(
    state: &State,
    table: &TableView,
    rows: impl Iterator<Item = &'a Row>,
    selected: usize,
    offset: usize,
    buf: &mut Buffer,
    area: Rect,
) {
    if area.height < 2 {
        return;
    }
    let columns = state.columns(table.kind);
    let height = usize::from(area.height - 1);
    let offset = if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    };
    let ctx = CellContext {
        now: state.now,
        samples: Some(&state.metrics.samples),
    };
    let on_screen: Vec<&Row> = rows.skip(offset).take(height).collect();
    // Only the columns that fit are formatted; the fill ones are as wide as their
    // longest text on screen (and their title, with the sort mark).
    let kept = layout(&columns, area.width);
    let cells: Vec<Vec<(usize, Cow<'_, str>)>> = on_screen
        .iter()
        .map(|row| {
            kept.iter()
                .map(|p| (p.index, (columns[p.index].cell)(row, &ctx)))
                .collect()
        })
        .collect();
    let placed = layout_fitted(&columns, area.width, |index| {
        let longest = cells
            .iter()
            .filter_map(|row| row.iter().find(|(i, _)| *i == index))
            .map(|(_, text)| text.chars().count())
            .max()
            .unwrap_or(0);
        Some(u16::try_from(longest).map_or(u16::MAX, |w| w.max(title_width(columns[index]))))
    });
    draw_titles(&columns, &placed, table, state, buf, area);
    for (n, (row, row_cells)) in on_screen.iter().zip(&cells).enumerate() {
        let y = area.y + 1 + n as u16;
        let style = if offset + n == selected {
            state.theme.selection()
        } else if row.meta.deleting {
            state.theme.health(crate::cluster::Health::Dim)
        } else {
            state.theme.health(row.health)
        };
        buf.set_style(
            Rect {
                y,
                height: 1,
                ..area
            },
            style,
        );
        for (p, (_, text)) in placed.iter().zip(row_cells) {
            let column = columns[p.index];
            let w = usize::from(p.width);
            // A use near or over what it is measured by stands out, but not on the selection.
            let style = match column.tone.map(|tone| tone(row, &ctx)) {
                Some(tone) if offset + n != selected => super::usage::toned(state, style, tone),
                _ => style,
            };
            buf.set_stringn(area.x + p.x, y, truncate(text, w), w, style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Kind;
    use crate::cluster::columns::columns_for;

    #[test]
    fn narrow_tables_drop_low_priority_columns_and_never_overflow() {
        for width in [40_u16, 80, 120, 200] {
            for kind in crate::app::state::PANES {
                let cols = columns_for(kind, true, &[]);
                let placed = layout(&cols, width);
                assert!(!placed.is_empty());
                let end = placed.last().map(|p| p.x + p.width).unwrap();
                assert!(end <= width, "{kind:?} at {width}: ends at {end}");
                assert!(
                    placed
                        .iter()
                        .any(|p| cols[p.index].title == "NAME" || kind == Kind::Event)
                );
            }
        }
    }

    #[test]
    fn fill_columns_grow_only_to_their_content_and_pass_the_rest_on() {
        let cols = columns_for(Kind::Deployment, true, &[]);
        let name = cols.iter().position(|c| c.title == "NAME").unwrap();
        let images = cols.iter().position(|c| c.title == "IMAGES").unwrap();
        let wide = layout(&cols, 200);
        let fitted = layout_fitted(&cols, 200, |i| (i == name).then_some(20));
        let width_of =
            |placed: &[Placed], i: usize| placed.iter().find(|p| p.index == i).unwrap().width;
        assert!(
            width_of(&wide, name) > 40,
            "unfitted, NAME takes most of the spare"
        );
        assert_eq!(width_of(&fitted, name), 20, "as wide as its content");
        assert!(
            width_of(&fitted, images) > width_of(&wide, images),
            "what NAME does not need goes to the other fill column"
        );
        let all_fitted = layout_fitted(&cols, 200, |_| Some(1));
        assert_eq!(width_of(&all_fitted, name), 16, "never under its minimum");
        let end = all_fitted.last().map(|p| p.x + p.width).unwrap();
        assert!(
            end < 120,
            "what no column needs stays at the right: ends at {end}"
        );
        for (a, b) in wide.iter().zip(&all_fitted) {
            assert_eq!(a.index, b.index, "the same columns are kept");
        }
    }
}
