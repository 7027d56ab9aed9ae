//! The YAML view (highlighted in the theme's colours, line numbers, search matches)
//! and its editor (text area, parse status, the diff to confirm, the conflict).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::dialog::undo::diff_lines;
use crate::app::State;
use crate::app::editor::{Editor, Phase};
use crate::app::yaml_view::YamlView;
use crate::cluster::Health;
use crate::highlight::Role;
use crate::theme::Theme;

/// The colour of a highlight role in `theme`.
pub fn role_style(theme: &Theme, role: Role) -> Style {
    let s = Style::new();
    match role {
        Role::Text => s.fg(theme.fg),
        Role::Key => s.fg(theme.accent),
        Role::String => s.fg(theme.status_ok),
        Role::Literal => s.fg(theme.status_warn),
        Role::Comment | Role::Punctuation => s.fg(theme.muted),
        Role::Marker => s.fg(theme.header_key),
    }
}

fn block<'a>(theme: &Theme, title: &str) -> Block<'a> {
    Block::bordered()
        .border_style(Style::new().fg(theme.border_focused))
        .title(Span::styled(
            format!(" {title} "),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ))
}

fn hints(theme: &Theme, text: &str) -> Line<'static> {
    Line::from(Span::styled(text.to_owned(), theme.muted_style()))
}

/// Draws the YAML view, or its editor while editing.
pub fn draw(state: &State, view: &YamlView, frame: &mut Frame, area: Rect) {
    if let Some(editor) = &view.editor {
        draw_editor(state, editor, view.stale, frame, area);
        return;
    }
    let theme = &state.theme;
    let mut title = view.title();
    for (on, flag) in [
        (view.stale, "[changed on the server: y reloads]"),
        (view.options.managed_fields, "[managedFields]"),
        (view.options.hide_status, "[status folded]"),
        (view.options.reveal_secrets, "[secrets shown]"),
    ] {
        if on {
            title.push(' ');
            title.push_str(flag);
        }
    }
    let b = block(theme, &title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [text_area, hint_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let hint = match &view.prompt {
        Some(q) => Line::from(vec![
            Span::styled("/", Style::new().fg(theme.accent)),
            Span::styled(format!("{q}▏"), theme.text()),
        ]),
        None => hints(theme, &crate::app::yaml_view::command::hints(&state.keymap)),
    };
    frame.render_widget(Paragraph::new(hint), hint_area);
    let body: Vec<Line> = match &view.object {
        None => vec![Line::from(Span::styled("loading…", theme.muted_style()))],
        Some(Err(e)) => vec![Line::from(Span::styled(e.clone(), theme.error()))],
        Some(Ok(_)) => {
            let width = view.lines.len().to_string().len();
            let query = view.search.as_deref().map(str::to_ascii_lowercase);
            view.lines
                .iter()
                .enumerate()
                .skip(view.scroll)
                .take(usize::from(text_area.height))
                .map(|(i, pieces)| {
                    let mut spans = vec![Span::styled(
                        format!("{:>width$} ", i + 1),
                        theme.muted_style(),
                    )];
                    for (role, text) in pieces {
                        spans.extend(with_matches(theme, *role, text, query.as_deref()));
                    }
                    Line::from(spans)
                })
                .collect()
        }
    };
    frame.render_widget(Paragraph::new(body).style(theme.text()), text_area);
}

/// `text` in its role's colour, with the search matches in the selection colour.
fn with_matches(theme: &Theme, role: Role, text: &str, query: Option<&str>) -> Vec<Span<'static>> {
    let style = role_style(theme, role);
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return vec![Span::styled(text.to_owned(), style)];
    };
    // ASCII lowercasing keeps byte offsets, so positions found map back to `text`.
    let lower = text.to_ascii_lowercase();
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find(query) {
        let start = at + found;
        let end = start + query.len();
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            break;
        }
        if start > at {
            spans.push(Span::styled(text[at..start].to_owned(), style));
        }
        spans.push(Span::styled(text[start..end].to_owned(), theme.selection()));
        at = end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_owned(), style));
    }
    spans
}

fn draw_editor(state: &State, editor: &Editor, stale: bool, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let kind = editor.key.kind.word();
    let mut title = if editor.creating() {
        format!("create {kind} (--- separates documents)")
    } else {
        format!("edit {kind}/{}", editor.key.name)
    };
    if !editor.creating() && editor.dirty() {
        title.push_str(" [modified]");
    }
    if stale {
        title.push_str(" [changed on the server since opened]");
    }
    let b = block(theme, &title);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [text_area, status_area, hint_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(&*editor.textarea(), text_area);
    mark_error_line(theme, editor, frame, text_area);
    let status = match (&editor.notice, &editor.parse_error) {
        (Some((message, true)), _) => Span::styled(message.clone(), theme.error()),
        (_, Some(e)) => Span::styled(format!("✗ {e}"), theme.error()),
        (Some((message, false)), None) => Span::styled(message.clone(), theme.muted_style()),
        (None, None) => Span::styled("✓ YAML ok", theme.health(Health::Ok)),
    };
    frame.render_widget(Paragraph::new(Line::from(status)), status_area);
    let editing = crate::app::editor::command::hints(&state.keymap);
    if let (Phase::Editing, Some(typed)) = (&editor.phase, &editor.find.prompt) {
        let find_hints = crate::app::editor::command::find_hints(&state.keymap);
        let prompt = Line::from(vec![
            Span::styled("find: ", Style::new().fg(theme.accent)),
            Span::styled(format!("{typed}▏"), theme.text()),
            Span::styled(format!("  {find_hints}"), theme.muted_style()),
        ]);
        frame.render_widget(Paragraph::new(prompt), hint_area);
        return;
    }
    let hint = match &editor.phase {
        Phase::Editing => editing.as_str(),
        Phase::OfferRecovery(_) => "r restore the unsent edit · d discard it",
        Phase::External => "waiting for the editor…",
        Phase::Checking | Phase::Sending => "waiting for the server…",
        Phase::Confirm { .. } => "Enter/y send · Esc/n keep editing · Up/Down scroll",
        Phase::Conflict { .. } => {
            "r re-apply your edit on the new version · l reload · Esc keep editing"
        }
        Phase::ConfirmDiscard => "y discard your changes · any other key keeps editing",
    };
    frame.render_widget(Paragraph::new(hints(theme, hint)), hint_area);
    draw_panel(theme, editor, frame, text_area);
}

/// Paints the line number of the first parse error's line, when it is on screen.
fn mark_error_line(theme: &Theme, editor: &Editor, frame: &mut Frame, area: Rect) {
    let Some(error) = &editor.parse_error else {
        return;
    };
    let (top, _) = editor.textarea().scroll_offset();
    let Some(row) = error.line.checked_sub(1 + usize::from(top)) else {
        return;
    };
    let Ok(row) = u16::try_from(row) else {
        return;
    };
    if row >= area.height {
        return;
    }
    let gutter = editor.textarea().line_number_width().min(area.width);
    let style = if theme.monochrome {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().fg(theme.bg).bg(theme.status_err)
    };
    let marked = Rect::new(area.x, area.y + row, gutter.max(1), 1);
    frame.buffer_mut().set_style(marked, style);
}

/// The panel over the lower part of the text for confirm, conflict, recovery, discard.
fn draw_panel(theme: &Theme, editor: &Editor, frame: &mut Frame, area: Rect) {
    let height = (area.height * 2 / 3).max(5).min(area.height);
    let panel = Rect::new(area.x, area.y + area.height - height, area.width, height);
    let room = usize::from(height.saturating_sub(2));
    let (title, mut lines) = match &editor.phase {
        Phase::Confirm { diff, scroll } if editor.creating() => (
            "to create: + your objects".to_owned(),
            diff_lines(theme, diff, *scroll, room),
        ),
        Phase::Confirm { diff, scroll } => (
            "the change: - live, + your edit".to_owned(),
            diff_lines(theme, diff, *scroll, room),
        ),
        Phase::Conflict { latest: None, .. } => (
            "conflict".to_owned(),
            vec![hints(theme, "reading the object as it is now…")],
        ),
        Phase::Conflict {
            diff,
            scroll,
            latest: Some(_),
        } => (
            "conflict: changed on the server since you opened it (- then, + now)".to_owned(),
            diff_lines(theme, diff, *scroll, room),
        ),
        Phase::OfferRecovery(_) => (
            "unsent edit found".to_owned(),
            vec![Line::from(Span::styled(
                if editor.creating() {
                    "an unsent text of this create was saved earlier: r restores it, d discards it"
                } else {
                    "an unsent edit of this object was saved earlier: r restores it, d discards it"
                },
                theme.health(Health::Warn),
            ))],
        ),
        Phase::ConfirmDiscard => (
            "discard changes?".to_owned(),
            vec![Line::from(Span::styled(
                "your changes are not saved: y discards them, any other key keeps editing",
                theme.health(Health::Warn),
            ))],
        ),
        Phase::Editing | Phase::External | Phase::Checking | Phase::Sending => return,
    };
    if lines.is_empty() {
        lines.push(hints(theme, "no difference"));
    }
    frame.render_widget(Clear, panel);
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.text())
            .block(block(theme, &title)),
        panel,
    );
}
