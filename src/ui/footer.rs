//! The footer: the command or filter line while typing, else the status message, else
//! key hints generated from the active keymap. A hint the user cannot use here (a
//! read-only session, or the server said no) is drawn muted and struck through.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr as _;

use super::truncate;
use crate::action::{Action, HistoryCommand, PodCommand};
use crate::app::State;
use crate::app::permissions;
use crate::app::state::{Mode, Screen};
use crate::cluster::Kind;

/// The hints every screen starts with.
const FIRST_HINTS: [Action; 2] = [Action::Help, Action::CommandMode];

/// The hints of every screen after the usable changes.
const HINTS: [Action; 5] = [
    Action::FilterMode,
    Action::Enter,
    Action::Back,
    Action::Quit,
    Action::Describe,
];

/// The changes hinted where they apply to the shown screen's kind: right after
/// [`FIRST_HINTS`] when usable (at 80 columns they are what a user looks for), after
/// [`HINTS`], struck, when not.
const CHANGE_HINTS: [Action; 11] = [
    Action::PodKey(PodCommand::Shell),
    Action::PodKey(PodCommand::Attach),
    Action::Trigger,
    Action::SetImage,
    Action::Canary,
    Action::Scale,
    Action::Undo,
    Action::Restart,
    Action::PortForward,
    Action::Edit,
    Action::Delete,
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
        // A status longer than the row ends in an ellipsis, so a cut is visible.
        _ => match &state.status {
            Some(status) if state.status_ok => Line::from(Span::styled(
                truncate(status, usize::from(area.width)).into_owned(),
                theme.health(crate::cluster::Health::Ok),
            )),
            Some(status) => Line::from(Span::styled(
                truncate(status, usize::from(area.width)).into_owned(),
                theme.error(),
            )),
            // Under the editor, its keys: the table's would type text there.
            None => match state.screen() {
                Screen::Yaml(y) if y.editor.is_some() => Line::from(Span::styled(
                    truncate(
                        &crate::app::editor::command::more_hints(&state.keymap),
                        usize::from(area.width),
                    )
                    .into_owned(),
                    theme.muted_style(),
                )),
                _ => hints(state, area.width),
            },
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Why `action` cannot be used on the shown screen: `read-only` (the session) or
/// `forbidden` (the server's answer); `None` when it can.
pub fn unavailable(state: &State, action: &Action) -> Option<&'static str> {
    if !action.is_mutation() {
        return None;
    }
    if state.readonly {
        return Some("read-only");
    }
    permissions::denial(state, action).map(|_| "forbidden")
}

/// The actions hinted on the shown screen: help and commands, the changes that apply to
/// its kind and can be used, the common keys, then the changes that cannot be used.
fn hinted(state: &State) -> Vec<Action> {
    if let Screen::Forwards(_) = state.screen() {
        return vec![
            Action::Help,
            Action::CommandMode,
            Action::Delete,
            Action::Back,
            Action::Quit,
        ];
    }
    if let Screen::History(_) = state.screen() {
        return vec![
            Action::Help,
            Action::HistoryKey(HistoryCommand::Mark),
            Action::Undo,
            Action::PageDown,
            Action::Back,
            Action::Quit,
        ];
    }
    let changes: Vec<Action> = permissions::target_kind(state).map_or_else(Vec::new, |kind| {
        let namespace = state.namespace.as_deref();
        CHANGE_HINTS
            .into_iter()
            .filter(|a| permissions::question(a, kind, namespace).is_some())
            .collect()
    });
    let (usable, unusable): (Vec<Action>, Vec<Action>) = changes
        .into_iter()
        .partition(|a| unavailable(state, a).is_none());
    // A Deployment's revisions (a view, not a change): after the keys of every screen.
    let views =
        (permissions::target_kind(state) == Some(Kind::Deployment)).then_some(Action::History);
    FIRST_HINTS
        .into_iter()
        .chain(usable)
        .chain(HINTS)
        .chain(views)
        .chain(unusable)
        .collect()
}

/// Key hints, as many whole hints as fit in `width` (never one cut in the middle).
fn hints(state: &State, width: u16) -> Line<'static> {
    let theme = &state.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    for action in hinted(state) {
        let Some(key) = state
            .keymap
            .keys_of(&action)
            .first()
            .map(ToString::to_string)
        else {
            continue;
        };
        let word = match (state.screen(), &action) {
            (Screen::Forwards(_), Action::Delete) => "stop",
            (Screen::History(_), Action::Undo) => "undo to this",
            (Screen::History(_), Action::PageDown) => "scroll diff",
            _ => short(&action),
        };
        let label = format!(" {word}  ");
        let needed = key.width() + 2 + label.trim_end().width();
        if used + needed > usize::from(width) {
            break;
        }
        used += needed + 2;
        let (key_style, label_style) = if unavailable(state, &action).is_some() {
            let struck = theme.muted_style().add_modifier(Modifier::CROSSED_OUT);
            (struck, struck)
        } else {
            (
                Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
                theme.muted_style(),
            )
        };
        spans.push(Span::styled(format!("<{key}>"), key_style));
        spans.push(Span::styled(label, label_style));
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
        Action::SetImage => "image",
        Action::Restart => "restart",
        Action::Undo => "undo",
        Action::Canary => "canary",
        Action::Trigger => "run now",
        Action::PodKey(PodCommand::Shell) => "shell",
        Action::PodKey(PodCommand::Attach) => "attach",
        Action::HistoryKey(HistoryCommand::Mark) => "mark",
        Action::History => "history",
        Action::PortForward => "port-forward",
        other => other.description(),
    }
}
