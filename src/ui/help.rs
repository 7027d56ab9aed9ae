//! The `?` overlay, generated from the active keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::State;

/// Draws the help overlay into `area`.
pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let key = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = state
        .keymap
        .help()
        .into_iter()
        .map(|(keys, name, desc)| {
            Line::from(vec![
                Span::styled(format!("{keys:>18}  "), key),
                Span::styled(format!("{desc:<28}"), theme.text()),
                Span::styled(name, theme.muted_style()),
            ])
        })
        .collect();
    lines.push(Line::from(Span::styled(
        "          Ctrl-c  quit (always)",
        theme.muted_style(),
    )));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).style(theme.text()).block(
            Block::bordered()
                .title(Span::styled(" help (any key closes) ", key))
                .border_style(Style::new().fg(theme.border_focused)),
        ),
        area,
    );
}
