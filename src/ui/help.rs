//! The `?` overlay, generated from the active keymap (the shown view's own section first,
//! then `[normal]`); in as many columns as it needs to fit the screen. Keys the user cannot
//! use here are muted and marked "(read-only)" or "(forbidden)".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr as _;

use super::footer::unavailable;
use super::truncate;
use crate::action::Action;
use crate::app::State;
use crate::app::state::Screen;
use crate::keymap::Section;

/// Draws the help overlay into `area`.
pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let key_style = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let mut entries: Vec<(String, String, bool)> = state
        .keymap
        .help_of_view(view_section(state))
        .into_iter()
        .map(|(keys, name, desc)| {
            let why = Action::from_name(&name).and_then(|a| unavailable(state, &a));
            match why {
                Some(why) => (keys, format!("{desc} ({why})"), false),
                None => (keys, desc.to_owned(), true),
            }
        })
        .collect();
    entries.push(("Ctrl-c".to_owned(), "quit (always)".to_owned(), true));
    let block = Block::bordered()
        .title(Span::styled(" help (any key closes) ", key_style))
        .border_style(Style::new().fg(theme.border_focused));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block.style(theme.text()), area);
    let (columns, rows) = layout(entries.len(), inner.height, inner.width);
    let rows = rows.min(usize::from(inner.height).max(1));
    let room = rows * columns;
    if entries.len() > room && room >= 3 {
        // Too small for all: the first keys, how many are left out, and how to quit.
        let quit = entries.split_off(entries.len() - 2);
        let hidden = entries.len() - (room - 3);
        entries.truncate(room - 3);
        entries.push(("…".to_owned(), format!("{hidden} more keys"), false));
        entries.extend(quit);
    }
    let chunks: Vec<&[(String, String, bool)]> = entries.chunks(rows).collect();
    let widest = |chunk: &[(String, String, bool)], part: fn(&(String, String, bool)) -> &str| {
        chunk.iter().map(|e| part(e).width()).max().unwrap_or(0)
    };
    // Each column as wide as its keys and descriptions, shrunk in proportion when they
    // do not all fit; two spaces between columns.
    let natural: Vec<usize> = chunks
        .iter()
        .map(|c| widest(c, |e| &e.0) + 2 + widest(c, |e| &e.1))
        .collect();
    let columns = chunks.len().max(1);
    let room = usize::from(inner.width).saturating_sub(2 * (columns - 1));
    let total: usize = natural.iter().sum::<usize>().max(1);
    let mut x = inner.x;
    for (chunk, natural) in chunks.iter().zip(&natural) {
        let width = if total <= room {
            natural + (room - total) / columns
        } else {
            natural * room / total
        };
        let key_width = widest(chunk, |e| &e.0).min(width / 2);
        let lines: Vec<Line> = chunk
            .iter()
            .map(|(keys, desc, usable)| {
                let desc_width = width.saturating_sub(key_width + 2);
                let (keys_style, desc_style) = if *usable {
                    (key_style, theme.text())
                } else {
                    (theme.muted_style(), theme.muted_style())
                };
                Line::from(vec![
                    Span::styled(
                        format!("{:>key_width$}  ", truncate(keys, key_width)),
                        keys_style,
                    ),
                    Span::styled(truncate(desc, desc_width).into_owned(), desc_style),
                ])
            })
            .collect();
        let width = u16::try_from(width).unwrap_or(u16::MAX);
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(x, inner.y, width, inner.height).intersection(inner),
        );
        x = x.saturating_add(width + 2);
    }
}

/// The narrowest a column of keys is drawn (a key and a few words).
const MIN_COLUMN: usize = 18;

/// How many columns `entries` lines need in `height` rows (no more than `width` has
/// room for), and how many lines a column then holds (the columns balanced, so the
/// last is not a short tail).
fn layout(entries: usize, height: u16, width: u16) -> (usize, usize) {
    let fit = (usize::from(width) + 2) / (MIN_COLUMN + 2);
    let columns = entries
        .div_ceil(usize::from(height).max(1))
        .clamp(1, fit.max(1));
    (columns, entries.div_ceil(columns).max(1))
}

/// Where the overlay goes in `body`: one column of 60 cells when its lines fit the
/// height, else as many balanced columns as they need, over the width.
pub fn area(state: &State, body: Rect) -> Rect {
    let entries = entries(state);
    let (columns, rows) = layout(entries, body.height.saturating_sub(2), body.width);
    let width = match columns {
        1 => 60,
        // A margin where there is room for one, else every cell for the keys.
        _ if body.width >= 100 => body.width - 4,
        _ => body.width,
    };
    super::centered(body, width, u16::try_from(rows + 2).unwrap_or(u16::MAX))
}

/// The keymap section of the shown view's own keys (`[normal]` for views without).
fn view_section(state: &State) -> Section {
    match state.screen() {
        Screen::Logs(_) => Section::Logs,
        Screen::Yaml(_) => Section::Yaml,
        Screen::History(_) => Section::History,
        _ if crate::app::shell_session::pod_view(state) => Section::Pods,
        _ => Section::Normal,
    }
}

/// How many lines the overlay lists (its height, less the border and a spare line).
pub fn entries(state: &State) -> usize {
    state.keymap.help_of_view(view_section(state)).len() + 1
}
