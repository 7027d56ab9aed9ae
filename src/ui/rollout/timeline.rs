//! The rollout view's timeline: ratatui sparklines over time of the new ReplicaSet's and
//! the old ones' ready replicas (muted where reconstructed), a row of marks (a plan's
//! steps and holds, Warning events, a failed gate, the promotion) and the time axis with
//! a legend. Computed by `app::rollout_screen::timeline`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};
use unicode_width::UnicodeWidthStr as _;

use crate::app::State;
use crate::app::rollout_screen::timeline;
use crate::app::rollout_timeline::chart::{Mark, TimelineChart};
use crate::app::state::RolloutView;
use crate::human_duration::human_duration;
use crate::ui::truncate;

/// The label column: `new 3 `.
const LABEL: usize = 7;

/// Sparkline bars in ASCII.
const ASCII_BARS: bar::Set<'static> = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: "_",
    one_eighth: ".",
    empty: " ",
};

/// Rows the timeline would like (title, two bars of two rows, marks, axis).
pub const WANTED: u16 = 7;
/// Rows it needs at least (title, one row per bar).
pub const MIN: u16 = 3;

fn mark_symbol(mark: Mark, ascii: bool) -> String {
    match mark {
        Mark::Step(n) if n < 10 => n.to_string(),
        Mark::Step(_) => "+".to_owned(),
        Mark::Hold => "h".to_owned(),
        Mark::TakenOver => "T".to_owned(),
        Mark::Warning => "!".to_owned(),
        Mark::Completed => if ascii { "v" } else { "✓" }.to_owned(),
        Mark::Failed => if ascii { "x" } else { "✗" }.to_owned(),
    }
}

/// Draws the timeline of `view` into `area`.
pub fn draw(state: &State, view: &RolloutView, frame: &mut Frame, area: Rect) {
    if area.height == 0 || area.width <= LABEL as u16 + 2 {
        return;
    }
    let theme = &state.theme;
    let columns = usize::from(area.width) - LABEL;
    let Some(c) = timeline(state, view, columns) else {
        return;
    };
    let w = usize::from(area.width);
    let when = |t: jiff::Timestamp| t.strftime("%H:%M:%S").to_string();
    let dur =
        |a: jiff::Timestamp, b: jiff::Timestamp| human_duration(b.duration_since(a).as_secs());
    let gap = if state.ascii { ":" } else { "┊" };
    let shown = match c.axis.segments.as_slice() {
        [last, current] => format!(
            "last rollout {} ({}) {gap} current since {} ({})",
            when(last.start),
            dur(last.start, last.end),
            when(current.start),
            dur(current.start, current.end)
        ),
        [one, ..] => format!("since {} ({})", when(one.start), dur(one.start, one.end)),
        [] => String::new(),
    };
    let start = c.axis.start();
    let source = match c.live_since {
        Some(since) if start.is_some_and(|s| since > s) => format!(
            "live since {}; before: reconstructed (desired replicas, from ScalingReplicaSet events)",
            when(since)
        ),
        Some(_) => "live".to_owned(),
        None => "reconstructed (desired replicas, from ScalingReplicaSet events)".to_owned(),
    };
    let title = format!("── Timeline {shown} · {source} ");
    let rule = if state.ascii { "-" } else { "─" };
    let title = format!("{title}{}", rule.repeat(w.saturating_sub(title.width())));
    let accent = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let mut y = area.y;
    let line = |frame: &mut Frame, text: Line<'static>, y: &mut u16| {
        if *y < area.bottom() {
            frame.render_widget(Paragraph::new(text), Rect::new(area.x, *y, area.width, 1));
            *y += 1;
        }
    };
    line(
        frame,
        Line::from(Span::styled(truncate(&title, w).into_owned(), accent)),
        &mut y,
    );
    let rows_left = area.bottom().saturating_sub(y);
    let bar_height = if rows_left >= 6 { 2 } else { 1 };
    for (name, values, color) in [
        ("new", &c.new, theme.progress_new),
        ("old", &c.old, theme.progress_old),
    ] {
        if y + bar_height > area.bottom() {
            break;
        }
        let last = values.last().copied().flatten().unwrap_or(0);
        let label = format!("{name} {last:<2} ");
        let label_area = Rect::new(area.x, y + bar_height - 1, LABEL as u16, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(label, theme.muted_style())),
            label_area,
        );
        let bars: Vec<SparklineBar> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let style = if i < c.live_from {
                    theme.muted_style()
                } else {
                    Style::new().fg(color)
                };
                SparklineBar::from(*v).style(Some(style))
            })
            .collect();
        let sparkline = Sparkline::default()
            .data(bars)
            .absent_value_symbol(gap)
            .absent_value_style(theme.muted_style())
            .max(c.max)
            .bar_set(if state.ascii {
                ASCII_BARS
            } else {
                bar::NINE_LEVELS
            });
        let bar_area = Rect::new(
            area.x + LABEL as u16,
            y,
            area.width - LABEL as u16,
            bar_height,
        );
        frame.render_widget(sparkline, bar_area);
        y += bar_height;
    }
    line(frame, marks_line(state, &c, columns), &mut y);
    line(frame, axis_line(state, &c, columns), &mut y);
}

fn marks_line(state: &State, c: &TimelineChart, columns: usize) -> Line<'static> {
    let theme = &state.theme;
    let mut spans = vec![Span::raw(" ".repeat(LABEL))];
    let mut col = 0;
    for (at, mark) in &c.marks {
        if *at >= columns || *at < col {
            continue;
        }
        spans.push(Span::raw(" ".repeat(at - col)));
        let style = match mark {
            Mark::Failed | Mark::Warning => theme.error(),
            Mark::Completed => theme.health(crate::cluster::Health::Ok),
            _ => Style::new().fg(theme.accent),
        };
        spans.push(Span::styled(mark_symbol(*mark, state.ascii), style));
        col = at + 1;
    }
    Line::from(spans)
}

fn axis_line(state: &State, c: &TimelineChart, columns: usize) -> Line<'static> {
    let theme = &state.theme;
    let mut row: Vec<char> = vec![' '; columns];
    let put = |at: usize, text: &str, row: &mut Vec<char>| {
        let chars: Vec<char> = text.chars().collect();
        let free =
            at + chars.len() <= columns && row[at..at + chars.len()].iter().all(|c| *c == ' ');
        if free {
            row[at..at + chars.len()].copy_from_slice(&chars);
        }
    };
    put(columns.saturating_sub(3), "now", &mut row);
    for segment in &c.axis.segments {
        put(
            segment.first,
            &segment.start.strftime("%H:%M:%S").to_string(),
            &mut row,
        );
    }
    let (failed, done, dot) = if state.ascii {
        ("x", "v", "/")
    } else {
        ("✗", "✓", "·")
    };
    let legend = format!(
        "1-9 step {dot} h hold {dot} ! warning {dot} {failed} gate failed {dot} {done} promoted {dot} dim: reconstructed"
    );
    // The legend goes in the widest free stretch, if it fits there.
    let mut best = (0, 0);
    let mut run_start = 0;
    for (i, c) in row.iter().chain(std::iter::once(&'|')).enumerate() {
        if *c != ' ' {
            if i - run_start > best.1 {
                best = (run_start, i - run_start);
            }
            run_start = i + 1;
        }
    }
    let len = legend.chars().count();
    if best.1 >= len + 4 {
        put(best.0 + (best.1 - len) / 2, &legend, &mut row);
    }
    Line::from(vec![
        Span::raw(" ".repeat(LABEL)),
        Span::styled(row.into_iter().collect::<String>(), theme.muted_style()),
    ])
}
