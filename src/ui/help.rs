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
    let rows = usize::from(inner.height).max(1);
    let columns = entries.len().div_ceil(rows).max(1);
    let width = usize::from(inner.width) / columns;
    let key_width = entries
        .iter()
        .map(|(k, _, _)| k.width())
        .max()
        .unwrap_or(0)
        .min(width / 2);
    for (c, chunk) in entries.chunks(rows).enumerate() {
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
        let x = inner.x + (c * width) as u16;
        let col_area = Rect::new(x, inner.y, width as u16, inner.height);
        frame.render_widget(Paragraph::new(lines), col_area);
    }
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
