//! Drawing: a pure function of the state, one file per screen or widget.

pub mod ascii;
pub mod dialog;
pub mod footer;
pub mod forwards;
pub mod header;
pub mod help;
pub mod history_view;
pub mod logs;
pub mod monitor;
pub mod rollout;
pub mod table;
pub mod text_view;
pub mod usage;
pub mod yaml;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::app::State;
use crate::app::state::{Mode, Screen};

/// The smallest terminal kdeck draws on.
pub const MIN_SIZE: (u16, u16) = (40, 10);

/// Draws the whole screen.
pub fn draw(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let theme = &state.theme;
    frame.render_widget(Block::new().style(theme.text()), area);
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = format!(
            "terminal too small ({}x{}); need at least {}x{}",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        frame.render_widget(
            Paragraph::new(Line::from(msg)).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        if state.ascii {
            ascii::downgrade(frame.buffer_mut());
        }
        return;
    }
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw(state, frame, header_area);
    draw_screen(state, state.screen(), frame, body);
    footer::draw(state, frame, footer_area);
    dialog::draw(state, frame, body);
    if state.mode == Mode::Help {
        help::draw(state, frame, help::area(state, body));
    }
    if state.ascii {
        ascii::downgrade(frame.buffer_mut());
    }
}

fn draw_screen(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) {
    match screen {
        Screen::Table(t) => table::draw(state, t, frame, area),
        Screen::Rollout(r) => rollout::draw(state, r, frame, area),
        Screen::Containers(c) => text_view::draw_containers(state, c, frame, area),
        Screen::Text(t) => text_view::draw_text(state, t, frame, area),
        Screen::Yaml(y) => yaml::draw(state, y, frame, area),
        Screen::Logs(l) => logs::draw(state, l, frame, area),
        Screen::Contexts { selected } => text_view::draw_contexts(state, *selected, frame, area),
        Screen::Monitor(m) => monitor::draw(state, m, frame, area),
        Screen::Forwards(f) => forwards::draw(state, f, frame, area),
        Screen::History(h) => history_view::draw(state, h, frame, area),
    }
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// `text` cut to `width` terminal columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};
    if text.width() <= width {
        return std::borrow::Cow::Borrowed(text);
    }
    if width == 0 {
        return std::borrow::Cow::Borrowed("");
    }
    // Columns, not characters: a CJK character takes two.
    let mut out = String::with_capacity(width + 2);
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    std::borrow::Cow::Owned(out)
}
