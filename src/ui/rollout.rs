//! The rollout view of one Deployment: the screen to watch during a canary. Its
//! ReplicaSets, pods grouped by ReplicaSet, rollout history, the endpoints of the
//! Services that select it, recent events, and a progress bar of old versus new replicas.
//! Everything comes from the cached slots in `RolloutCache`; nothing scans the stores here.

mod plan;
mod sections;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr as _;

use super::truncate;
use crate::action::Action;
use crate::app::State;
use crate::app::state::RolloutView;
use crate::cluster::ops::rollout_status_of_row;
use crate::cluster::{DeploymentRow, Detail, Health, Kind, ReplicaSetRow, Row};
pub(crate) use sections::event_line;
use sections::{allocate, sections};

fn deployment(row: &Row) -> Option<&DeploymentRow> {
    match &row.detail {
        Detail::Deployment(d) => Some(d),
        _ => None,
    }
}

fn replica_set(row: &Row) -> Option<&ReplicaSetRow> {
    match &row.detail {
        Detail::ReplicaSet(r) => Some(r),
        _ => None,
    }
}

/// Draws the rollout view.
pub fn draw(state: &State, view: &RolloutView, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let cache = &view.cache;
    let dep_row = cache
        .deployment
        .and_then(|s| state.stores.of(Kind::Deployment).get(s));
    let dep = dep_row.and_then(deployment);
    let mut title = vec![Span::styled(
        format!(" rollout {}({}) ", view.name, view.namespace),
        Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
    )];
    if dep.is_some_and(|d| d.paused) {
        title.push(Span::styled(" PAUSED ", theme.badge_readonly()));
    }
    let block = Block::bordered()
        .border_style(Style::new().fg(theme.border_focused))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(dep) = dep else {
        let text = if state.stores.of(Kind::Deployment).is_empty() {
            "loading…"
        } else {
            "this Deployment is gone"
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.muted_style())),
            inner,
        );
        return;
    };
    let plan_lines = plan::lines(state, &view.namespace, &view.name);
    let plan_height = u16::try_from(plan_lines.len()).unwrap_or(0);
    let [summary_area, progress_area, status_area, plan_area, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(plan_height),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(plan_lines), plan_area);
    let strategy = match (&dep.max_surge, &dep.max_unavailable) {
        (Some(s), Some(u)) => format!("{} (surge {s}, unavailable {u})", dep.strategy),
        _ => dep.strategy.clone(),
    };
    let summary = format!(
        "READY {}/{}  UP-TO-DATE {}  AVAILABLE {}  {}  IMAGES {}",
        dep.ready,
        dep.desired,
        dep.updated,
        dep.available,
        strategy,
        dep.images.join(",")
    );
    let health = dep_row.map_or(Health::Neutral, |r| r.health);
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(&summary, usize::from(inner.width)).into_owned(),
            theme.health(health),
        )),
        summary_area,
    );
    draw_progress(state, view, dep, frame, progress_area);
    // What `kubectl rollout status` would print now.
    let status = rollout_status_of_row(&view.name, dep);
    let status_style = if status.failed {
        theme.error()
    } else if status.done {
        theme.health(Health::Ok)
    } else {
        theme.health(Health::Warn)
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(&status.message, usize::from(inner.width)).into_owned(),
            status_style,
        )),
        status_area,
    );
    // The canary pane: a tail of the new pods' logs, when there is room for it.
    let rest = match &view.new_pod_logs {
        Some(logs) if rest.height >= 24 => {
            let [top, tail] = Layout::vertical([
                Constraint::Fill(1),
                Constraint::Length((rest.height / 4).max(8)),
            ])
            .areas(rest);
            super::logs::draw_tail(state, logs, frame, tail);
            top
        }
        _ => rest,
    };

    let sections = sections(state, view);
    let [rs, history, pods, endpoints, events] = sections;
    if rest.width >= 100 && rest.height >= 20 {
        // Wide: ReplicaSets beside the history, the timeline, then pods, endpoints and
        // events full width.
        let heights = allocate(
            &[
                rs.wanted().max(history.wanted()),
                timeline::WANTED,
                pods.wanted(),
                endpoints.wanted(),
                events.wanted(),
            ],
            &[4, timeline::MIN, 4, 2, 3],
            rest.height,
        );
        let mut y = rest.y;
        let mut next = |h: u16| {
            let area = Rect {
                y,
                height: h,
                ..rest
            };
            y += h;
            area
        };
        let top = next(heights[0]);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .spacing(1)
                .areas(top);
        rs.draw(state, frame, left);
        history.draw(state, frame, right);
        timeline::draw(state, view, frame, next(heights[1]));
        pods.draw(state, frame, next(heights[2]));
        endpoints.draw(state, frame, next(heights[3]));
        events.draw(state, frame, next(heights[4]));
    } else {
        // Narrow: one column; the history is folded into the ReplicaSets section.
        let heights = allocate(
            &[
                rs.wanted(),
                timeline::WANTED,
                pods.wanted(),
                endpoints.wanted(),
                events.wanted(),
            ],
            &[3, timeline::MIN, 3, 2, 3],
            rest.height,
        );
        let mut y = rest.y;
        let area = |y: u16, height: u16| Rect { y, height, ..rest };
        rs.draw(state, frame, area(y, heights[0]));
        y += heights[0];
        timeline::draw(state, view, frame, area(y, heights[1]));
        y += heights[1];
        for (section, h) in [&pods, &endpoints, &events].into_iter().zip(&heights[2..]) {
            section.draw(state, frame, area(y, *h));
            y += h;
        }
    }
}

fn draw_progress(
    state: &State,
    view: &RolloutView,
    dep: &DeploymentRow,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let rs_store = state.stores.of(Kind::ReplicaSet);
    let current = view
        .cache
        .current
        .and_then(|i| view.cache.replica_sets.get(i));
    let (mut new_ready, mut new_total, mut old) = (0_i32, 0_i32, 0_i32);
    for slot in &view.cache.replica_sets {
        let Some(rs) = rs_store.get(*slot).and_then(replica_set) else {
            continue;
        };
        if Some(slot) == current {
            new_ready = rs.ready;
            new_total = rs.current;
        } else {
            old += rs.current;
        }
    }
    let label = if old == 0 && new_ready >= dep.desired {
        format!(" new {new_ready}/{} ready, rollout complete", dep.desired)
    } else {
        format!(
            " new {new_ready}/{} ready ({new_total} up), old {old}",
            dep.desired
        )
    };
    let label = match (dep.paused, dep.canary) {
        // The canary waits for the user: say which keys end it.
        (true, true) => {
            let hints: Vec<String> = [(Action::Promote, "promote"), (Action::Abort, "abort")]
                .into_iter()
                .filter_map(|(action, what)| {
                    let keys = state.keymap.keys_of(&action);
                    keys.first().map(|k| format!("{k} {what}"))
                })
                .collect();
            format!("{label}, canary paused: {}", hints.join(" · "))
        }
        (true, false) => format!("{label}, paused"),
        (false, _) => label,
    };
    let bar_width = usize::from(area.width)
        .saturating_sub(label.width())
        .min(40);
    let mut spans = progress_bar(theme, bar_width, (new_ready, new_total), old, dep.desired);
    spans.push(Span::styled(label, theme.text()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A bar of `width` cells: new ready replicas solid, new ones not yet ready shaded, old
/// replicas in the old colour, the rest of `desired` dotted.
pub fn progress_bar(
    theme: &crate::theme::Theme,
    width: usize,
    (new_ready, new_total): (i32, i32),
    old: i32,
    desired: i32,
) -> Vec<Span<'static>> {
    let total = desired.max(new_total + old).max(1).unsigned_abs() as usize;
    let cells = |n: i32| (n.max(0).unsigned_abs() as usize * width) / total;
    let (ready_cells, up_cells, old_cells) =
        (cells(new_ready), cells(new_total - new_ready), cells(old));
    let empty = width.saturating_sub(ready_cells + up_cells + old_cells);
    vec![
        Span::styled("█".repeat(ready_cells), Style::new().fg(theme.progress_new)),
        Span::styled("▒".repeat(up_cells), Style::new().fg(theme.progress_new)),
        Span::styled("█".repeat(old_cells), Style::new().fg(theme.progress_old)),
        Span::styled("·".repeat(empty), theme.muted_style()),
    ]
}
