//! The footer: the command or filter line while typing, else the status message, else
//! key hints generated from the active keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::state::Mode;
use crate::app::{Action, State};

const HINTS: [Action; 7] = [
    Action::Help,
    Action::CommandMode,
    Action::FilterMode,
    Action::Enter,
    Action::Back,
    Action::Quit,
    Action::Describe,
];

/// Draws the footer into `area` (1 row).
pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let line = match &state.mode {
        Mode::Command(text) => Line::from(vec![
            Span::styled(
                ":",
                Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(text.as_str(), theme.text()),
            Span::styled("█", Style::new().fg(theme.accent)),
            Span::styled(
                state
                    .status
                    .as_deref()
                    .map(|s| format!("   {s}"))
                    .unwrap_or_default(),
                theme.muted_style(),
            ),
        ]),
        Mode::Filter(text) => Line::from(vec![
            Span::styled(
                "/",
                Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(text.as_str(), theme.text()),
            Span::styled("█", Style::new().fg(theme.accent)),
            Span::styled(
                state
                    .status
                    .as_deref()
                    .map(|s| format!("   {s}"))
                    .unwrap_or_default(),
                theme.error(),
            ),
        ]),
        _ if !state.warnings.is_empty() => {
            Line::from(Span::styled(state.warnings.join("; "), theme.error()))
        }
        _ => match &state.status {
            Some(status) if state.status_ok => Line::from(Span::styled(
                status.as_str(),
                theme.health(crate::cluster::Health::Ok),
            )),
            Some(status) => Line::from(Span::styled(status.as_str(), theme.error())),
            None => hints(state, area.width),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Key hints, as many whole hints as fit in `width` (never one cut in the middle).
fn hints(state: &State, width: u16) -> Line<'static> {
    let theme = &state.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    for action in HINTS {
        let Some(key) = state
            .keymap
            .keys_of(&action)
            .first()
            .map(ToString::to_string)
        else {
            continue;
        };
        let label = format!(" {}  ", short(&action));
        let needed = key.chars().count() + 2 + label.trim_end().chars().count();
        if used + needed > usize::from(width) {
            break;
        }
        used += needed + 2;
        spans.push(Span::styled(
            format!("<{key}>"),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(label, theme.muted_style()));
    }
    Line::from(spans)
}

fn short(action: &Action) -> &'static str {
    match action {
        Action::Help => "help",
        Action::CommandMode => "command",
        Action::FilterMode => "filter",
        Action::Enter => "open",
        Action::Back => "back",
        Action::Describe => "describe",
        Action::Quit => "quit",
        other => other.description(),
    }
}
