//! The `:pf` screen: every port-forward with its local address, target, pod, bytes in
//! and out, connections (open of all) and state; `X` stops the selected one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr as _;

use crate::app::State;
use crate::app::port_forwards::{Forward, ForwardState, ForwardsView};
use crate::cluster::Health;

/// `1.2 KiB`: a byte count in binary units.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn health(forward: &Forward) -> Health {
    match forward.state {
        ForwardState::Active => Health::Ok,
        ForwardState::Starting | ForwardState::Moving | ForwardState::Stopping => Health::Warn,
        ForwardState::Ended(_) => Health::Err,
    }
}

/// Draws the forwards.
pub fn draw(state: &State, view: &ForwardsView, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let title = format!(" port-forwards [{} active] ", state.forwards.active());
    let block = Block::bordered()
        .border_style(Style::new().fg(theme.border_focused))
        .title(Span::styled(
            title,
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    if state.forwards.list.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "no port-forwards: F on a pod, Service or Deployment starts one",
                theme.muted_style(),
            ))
            .block(block),
            area,
        );
        return;
    }
    let header = Row::new(
        ["LOCAL", "TARGET", "POD", "IN", "OUT", "CONNS", "STATE"]
            .map(|h| Cell::from(h).style(theme.muted_style().add_modifier(Modifier::BOLD))),
    );
    let rows = state.forwards.list.iter().enumerate().map(|(i, f)| {
        let style = if i == view.selected {
            theme.selection()
        } else {
            theme.health(health(f))
        };
        let state_text = match &f.last_error {
            Some(e) if f.state == ForwardState::Active => format!("active (last error: {e})"),
            _ => f.state_text(),
        };
        Row::new([
            f.local_text(),
            f.plan.target_text(),
            format!("{}:{}", f.plan.pod, f.plan.remote_port),
            human_bytes(f.stats.bytes_in),
            human_bytes(f.stats.bytes_out),
            format!("{}/{}", f.stats.open, f.stats.connections),
            state_text,
        ])
        .style(style)
    });
    let widths = column_widths(state, area.width.saturating_sub(2));
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(1),
        area,
    );
}

/// The columns' widths in `width`: LOCAL whole (it is what the user types), the
/// counters fixed, TARGET and POD as wide as their longest (pod names are long) or an
/// equal share of what is left, STATE the rest.
fn column_widths(state: &State, width: u16) -> [Constraint; 7] {
    const COUNTERS: usize = 9 + 9 + 5;
    const STATE_MIN: usize = 8;
    const SPACING: usize = 6;
    let widest = |text: &dyn Fn(&Forward) -> String, title: usize| {
        let most = state.forwards.list.iter().map(|f| text(f).width()).max();
        most.unwrap_or(0).max(title)
    };
    let local = widest(&Forward::local_text, 5);
    let target = widest(&|f| f.plan.target_text(), 6);
    let pod = widest(&|f| format!("{}:{}", f.plan.pod, f.plan.remote_port), 3);
    let room = usize::from(width).saturating_sub(local + COUNTERS + STATE_MIN + SPACING);
    let (target, pod) = if target + pod <= room {
        (target, pod)
    } else {
        let half = room / 2;
        let target = target.min(half.max(room.saturating_sub(pod)));
        (target, pod.min(room.saturating_sub(target)))
    };
    let length = |n: usize| Constraint::Length(u16::try_from(n).unwrap_or(u16::MAX));
    [
        length(local),
        length(target),
        length(pod),
        length(9),
        length(9),
        length(5),
        Constraint::Min(8),
    ]
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn bytes_in_binary_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
