//! The logs view: the lines (sanitised, cut or wrapped, search matches highlighted, pod
//! labels in a stable colour per pod), and a status row (following or paused with the
//! count of new lines, quiet, dropped lines, the filter, or the line being typed).
//! Only the lines on screen are formatted.

use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr as _;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::app::State;
use crate::app::logs::commands::hints;
use crate::app::logs::line_text::stamp;
use crate::app::logs::sanitize::{cut, sanitize};
use crate::app::logs::{LogsView, PromptPurpose};
use crate::cluster::{Detail, Kind, Row};

/// Colours of pod labels; a pod keeps its colour for as long as its name.
const POD_COLOURS: [Color; 8] = [
    Color::Cyan,
    Color::Magenta,
    Color::Yellow,
    Color::Green,
    Color::Blue,
    Color::LightRed,
    Color::LightCyan,
    Color::LightMagenta,
];

/// The colour of a pod's label: chosen by a hash of its name.
pub fn pod_colour(pod: &str) -> Color {
    let mut h: u32 = 0x811c_9dc5;
    for b in pod.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    POD_COLOURS[h as usize % POD_COLOURS.len()]
}

/// The OSC 52 sequence that puts `text` on the clipboard (the terminal's, so over SSH too).
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// Draws a logs view.
pub fn draw(state: &State, view: &LogsView, frame: &mut Frame, area: Rect) {
    draw_with(state, view, frame, area, true);
}

/// Draws a logs view as a pane of another screen (the canary pane): no key hints.
pub fn draw_tail(state: &State, view: &LogsView, frame: &mut Frame, area: Rect) {
    draw_with(state, view, frame, area, false);
}

fn draw_with(state: &State, view: &LogsView, frame: &mut Frame, area: Rect, hints: bool) {
    let theme = &state.theme;
    let mut title = format!("{} [{} lines]", view.title(), view.buffer.len());
    if view.multi_pod() {
        let mut pods: Vec<(&str, bool)> = view
            .sources
            .iter()
            .map(|s| (s.pod.as_str(), s.ended.is_some()))
            .collect();
        pods.dedup_by_key(|(pod, _)| *pod);
        let ended = pods.iter().filter(|(_, ended)| *ended).count();
        let _ = write!(title, " [{} pods, {ended} ended]", pods.len());
    }
    if view.buffer.dropped() > 0 {
        let _ = write!(title, " [{} dropped]", view.buffer.dropped());
    }
    let block = Block::bordered()
        .border_style(Style::new().fg(theme.border_focused))
        .title(Span::styled(
            format!(" {title} "),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [body, status] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let lines = visible_lines(state, view, body);
    let mut paragraph = Paragraph::new(lines);
    if view.wrap {
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    frame.render_widget(paragraph, body);
    let hint_width = hints.then_some(status.width);
    frame.render_widget(Paragraph::new(status_line(state, view, hint_width)), status);
    if let Some(selected) = view.picker {
        draw_picker(state, view, selected, frame, body);
    }
}

fn visible_lines<'a>(state: &State, view: &'a LogsView, body: Rect) -> Vec<Line<'a>> {
    let height = usize::from(body.height);
    let width = usize::from(body.width).max(1);
    let len = view.visible_len();
    if len == 0 {
        let text = if view.sources.iter().any(|s| s.started) {
            "waiting for log lines…"
        } else {
            "waiting for a running container…"
        };
        return vec![Line::from(Span::styled(text, state.theme.muted_style()))];
    }
    let rows = |line: &Line| {
        if view.wrap {
            line.width().max(1).div_ceil(width)
        } else {
            1
        }
    };
    let mut out = Vec::new();
    if view.follow {
        // From the tail upwards until the screen is full.
        let mut used = 0;
        for i in (0..len).rev() {
            let Some(line) = render_line(state, view, i) else {
                continue;
            };
            used += rows(&line);
            out.push(line);
            if used >= height {
                break;
            }
        }
        out.reverse();
        if used > height && view.wrap {
            // The oldest line shown is partly above the top: drop it rather than the newest.
            out.remove(0);
        }
    } else {
        let mut used = 0;
        for i in view.position_of(view.top)..len {
            if used >= height {
                break;
            }
            let Some(line) = render_line(state, view, i) else {
                continue;
            };
            used += rows(&line);
            out.push(line);
        }
    }
    out
}

fn render_line<'a>(state: &State, view: &'a LogsView, i: usize) -> Option<Line<'a>> {
    let theme = &state.theme;
    let seq = view.visible_seq(i)?;
    let entry = view.buffer.get(seq)?;
    let mut spans = Vec::new();
    if view.multi_pod()
        && let Some(source) = view.sources.get(usize::from(entry.source))
    {
        let mut style = Style::new().fg(pod_colour(&source.pod));
        if source.ended.is_some() {
            style = style.add_modifier(Modifier::DIM | Modifier::CROSSED_OUT);
        }
        spans.push(Span::styled(format!("{} ", source.label), style));
    }
    if view.timestamps
        && let Some(at) = entry.at
    {
        spans.push(Span::styled(format!("{} ", stamp(at)), theme.muted_style()));
    }
    let text = sanitize(cut(&entry.text, view.settings.max_line_chars)).into_owned();
    let base = if entry.note {
        theme.muted_style().add_modifier(Modifier::ITALIC)
    } else {
        theme.text()
    };
    match &view.search {
        Some(search) if !entry.note => {
            let current = view.current_match == Some(seq);
            let hit = if current {
                theme.selection().add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::Black).bg(Color::Yellow)
            };
            let mut at = 0;
            for range in search.find_iter(&text) {
                if range.start < at {
                    continue;
                }
                spans.push(Span::styled(text[at..range.start].to_owned(), base));
                spans.push(Span::styled(text[range.clone()].to_owned(), hit));
                at = range.end;
            }
            spans.push(Span::styled(text[at..].to_owned(), base));
        }
        _ => spans.push(Span::styled(text, base)),
    }
    Some(Line::from(spans))
}

/// The state of the view, then (given the row's width) as many key hints as fit.
fn status_line<'a>(state: &State, view: &LogsView, hint_width: Option<u16>) -> Line<'a> {
    let theme = &state.theme;
    let accent = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    if let Some(prompt) = &view.prompt {
        let label = match prompt.purpose {
            PromptPurpose::Search => "search (text or ~regex): ",
            PromptPurpose::Filter => "filter (text or ~regex): ",
            PromptPurpose::Save => "save to: ",
        };
        return Line::from(vec![
            Span::styled(label, accent),
            Span::styled(prompt.text.clone(), theme.text()),
            Span::styled("█", Style::new().fg(theme.accent)),
        ]);
    }
    let mut parts: Vec<Span> = Vec::new();
    if view.follow {
        match view.quiet_minutes {
            Some(m) => parts.push(Span::styled(
                format!(
                    "no lines in the last {m} minute{}, following",
                    if m == 1 { "" } else { "s" }
                ),
                theme.muted_style(),
            )),
            None => parts.push(Span::styled(
                "following",
                theme.health(crate::cluster::Health::Ok),
            )),
        }
    } else {
        parts.push(Span::styled(
            format!("paused, {} new lines (G follows)", view.new_while_paused),
            theme.health(crate::cluster::Health::Warn),
        ));
    }
    if view.buffer.dropped() > 0 {
        let caps = view.buffer.caps();
        parts.push(Span::styled(
            format!(
                " · {} dropped (cap {} lines / {} MiB)",
                view.buffer.dropped(),
                caps.max_lines,
                caps.max_bytes / (1024 * 1024)
            ),
            theme.health(crate::cluster::Health::Warn),
        ));
    }
    if let Some(filter) = &view.filter {
        parts.push(Span::styled(
            format!(
                " · filter {:?}: {} of {}",
                filter.text,
                view.filtered.len(),
                view.buffer.len()
            ),
            accent,
        ));
    }
    if let Some(search) = &view.search {
        parts.push(Span::styled(
            format!(" · search {:?} (n/N)", search.text),
            accent,
        ));
    }
    let toggles: Vec<&str> = [
        (view.timestamps, "time"),
        (view.wrap, "wrap"),
        (view.previous, "previous"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    if !toggles.is_empty() {
        parts.push(Span::styled(
            format!(" · [{}]", toggles.join(" ")),
            theme.muted_style(),
        ));
    }
    if let Some(notice) = &view.notice {
        parts.push(Span::styled(
            format!(" · {}", sanitize(notice)),
            theme.muted_style(),
        ));
    }
    if let Some(width) = hint_width {
        // Whole hints only, as many as fit after the state.
        let mut room = usize::from(width).saturating_sub(parts.iter().map(Span::width).sum());
        let mut shown = String::new();
        for (k, d) in hints(&state.keymap) {
            let hint = format!("{}{k} {d}", if shown.is_empty() { "   " } else { "  " });
            if hint.width() > room {
                break;
            }
            room -= hint.width();
            shown.push_str(&hint);
        }
        parts.push(Span::styled(shown, theme.muted_style()));
    }
    Line::from(parts)
}

fn draw_picker(state: &State, view: &LogsView, selected: usize, frame: &mut Frame, body: Rect) {
    let pod = view.sources.first().map_or("", |s| s.pod.as_str());
    // The same list as `pod_containers`, init containers marked.
    let containers: Vec<String> = match state.stores.of(Kind::Pod).find(&view.namespace, pod) {
        Some(Row {
            detail: Detail::Pod(p),
            ..
        }) => p
            .containers
            .iter()
            .map(|c| {
                if c.init {
                    format!("{} (init)", c.name)
                } else {
                    c.name.to_string()
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let height = u16::try_from(containers.len() + 2).unwrap_or(u16::MAX);
    let area = super::centered(body, 40, height);
    let lines: Vec<Line> = containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let style = if i == selected {
                state.theme.selection()
            } else {
                state.theme.text()
            };
            Line::from(Span::styled(c.clone(), style))
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(Style::new().fg(state.theme.accent))
                .title(" container (Enter picks, Esc closes) "),
        ),
        area,
    );
}
