//! The rollout view of one Deployment: the screen to watch during a canary. Its
//! ReplicaSets, pods grouped by ReplicaSet, rollout history, the endpoints of the
//! Services that select it, recent events, and a progress bar of old versus new replicas.
//! Everything comes from the cached slots in `RolloutCache`; nothing scans the stores here.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::columns::selector_text;
use super::truncate;
use crate::app::State;
use crate::app::state::RolloutView;
use crate::cluster::{DeploymentRow, Detail, Health, Kind, ReplicaSetRow, Row};
use crate::human_duration::age;

/// A titled list of lines, cut to the height it gets.
struct Section {
    title: String,
    lines: Vec<(String, Style)>,
}

impl Section {
    fn wanted(&self) -> u16 {
        (self.lines.len() + 1).min(200) as u16
    }

    fn draw(&self, state: &State, frame: &mut Frame, area: Rect) {
        if area.height == 0 {
            return;
        }
        let w = usize::from(area.width);
        let room = usize::from(area.height - 1);
        let hidden = self.lines.len().saturating_sub(room);
        // What does not fit is counted in the title, so every row shows content.
        let title = if hidden > 0 {
            format!("── {} (+{hidden} more) ", self.title)
        } else {
            format!("── {} ", self.title)
        };
        let title = format!(
            "{title}{}",
            "─".repeat(w.saturating_sub(title.chars().count()))
        );
        let mut lines = vec![Line::from(Span::styled(
            truncate(&title, w).into_owned(),
            Style::new()
                .fg(state.theme.accent)
                .add_modifier(Modifier::BOLD),
        ))];
        for (text, style) in self.lines.iter().take(room) {
            lines.push(Line::from(Span::styled(
                truncate(text, w).into_owned(),
                *style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// Gives each section its minimum, then what it wants, in order, within `total` rows.
fn allocate(wanted: &[u16], mins: &[u16], total: u16) -> Vec<u16> {
    let mut got: Vec<u16> = mins.to_vec();
    let mut left = total.saturating_sub(got.iter().sum());
    if got.iter().sum::<u16>() > total {
        // Not even the minimums fit: fill in order.
        let mut left = total;
        return mins
            .iter()
            .map(|m| {
                let g = (*m).min(left);
                left -= g;
                g
            })
            .collect();
    }
    for (g, w) in got.iter_mut().zip(wanted) {
        let more = w.saturating_sub(*g).min(left);
        *g += more;
        left -= more;
    }
    if let Some(last) = got.last_mut() {
        *last += left;
    }
    got
}

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
    let [summary_area, progress_area, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
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

    let sections = sections(state, view);
    let [rs, history, pods, endpoints, events] = sections;
    if rest.width >= 100 && rest.height >= 20 {
        // Wide: ReplicaSets beside the history, then pods, endpoints and events full width.
        let heights = allocate(
            &[
                rs.wanted().max(history.wanted()),
                pods.wanted(),
                endpoints.wanted(),
                events.wanted(),
            ],
            &[4, 4, 2, 3],
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
        pods.draw(state, frame, next(heights[1]));
        endpoints.draw(state, frame, next(heights[2]));
        events.draw(state, frame, next(heights[3]));
    } else {
        // Narrow: one column; the history is folded into the ReplicaSets section.
        let heights = allocate(
            &[
                rs.wanted(),
                pods.wanted(),
                endpoints.wanted(),
                events.wanted(),
            ],
            &[3, 3, 2, 3],
            rest.height,
        );
        let mut y = rest.y;
        for (section, h) in [&rs, &pods, &endpoints, &events].into_iter().zip(heights) {
            section.draw(
                state,
                frame,
                Rect {
                    y,
                    height: h,
                    ..rest
                },
            );
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
    let label = if dep.paused {
        format!("{label}, paused")
    } else {
        label
    };
    let bar_width = usize::from(area.width)
        .saturating_sub(label.chars().count())
        .min(40);
    let total = dep.desired.max(new_total + old).max(1) as usize;
    let cells = |n: i32| (n.max(0) as usize * bar_width) / total;
    let (ready_cells, up_cells, old_cells) =
        (cells(new_ready), cells(new_total - new_ready), cells(old));
    let empty = bar_width.saturating_sub(ready_cells + up_cells + old_cells);
    let line = Line::from(vec![
        Span::styled("█".repeat(ready_cells), Style::new().fg(theme.progress_new)),
        Span::styled("▒".repeat(up_cells), Style::new().fg(theme.progress_new)),
        Span::styled("█".repeat(old_cells), Style::new().fg(theme.progress_old)),
        Span::styled("·".repeat(empty), theme.muted_style()),
        Span::styled(label, theme.text()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn sections(state: &State, view: &RolloutView) -> [Section; 5] {
    let theme = &state.theme;
    let cache = &view.cache;
    let rs_store = state.stores.of(Kind::ReplicaSet);
    let pod_store = state.stores.of(Kind::Pod);
    let mut rs_lines = Vec::new();
    let mut history = Vec::new();
    let mut pod_lines = Vec::new();
    let rs_rows: Vec<&Row> = cache
        .replica_sets
        .iter()
        .filter_map(|s| rs_store.get(*s))
        .collect();
    let rs_width = rs_rows
        .iter()
        .map(|r| r.meta.name.chars().count())
        .max()
        .unwrap_or(4)
        .min(32);
    let pod_rows = || {
        cache
            .pods_by_rs
            .iter()
            .flatten()
            .filter_map(|s| pod_store.get(*s))
    };
    let pod_width = pod_rows()
        .map(|r| r.meta.name.chars().count())
        .max()
        .unwrap_or(4)
        .min(40);
    let status_width = pod_rows()
        .filter_map(|r| match &r.detail {
            Detail::Pod(p) => Some(p.status.chars().count()),
            _ => None,
        })
        .max()
        .unwrap_or(6);
    rs_lines.push((
        format!("  {:<rs_width$} REV  DES CUR RDY  AGE     IMAGES", "NAME"),
        theme.muted_style(),
    ));
    for (i, slot) in cache.replica_sets.iter().enumerate() {
        let Some(row) = rs_store.get(*slot) else {
            continue;
        };
        let Some(rs) = replica_set(row) else {
            continue;
        };
        let current = cache.current == Some(i);
        let marker = if current { "●" } else { " " };
        let rev = rs
            .revision
            .map_or_else(|| "-".to_owned(), |r| r.to_string());
        let images = rs.images.join(",");
        let style = if i == view.selected {
            theme.selection()
        } else if current {
            theme.health(row.health)
        } else if rs.current == 0 {
            theme.muted_style()
        } else {
            theme.health(row.health)
        };
        if current || rs.current > 0 || rs.desired > 0 || i == view.selected {
            rs_lines.push((
                format!(
                    "{marker} {:<rs_width$} {rev:>3}  {:>3} {:>3} {:>3}  {:<7} {images}",
                    truncate(&row.meta.name, rs_width),
                    rs.desired,
                    rs.current,
                    rs.ready,
                    age(row.meta.created, state.now)
                ),
                style,
            ));
        }
        let cause = rs.change_cause.as_deref().unwrap_or("<none>");
        history.push((
            format!(
                "{marker} {rev:>3}  {:<rs_width$} {:<16} {cause}",
                truncate(&row.meta.name, rs_width),
                truncate(&images, 16)
            ),
            if current {
                theme.health(Health::Ok)
            } else {
                theme.text()
            },
        ));
        let pods = cache.pods_by_rs.get(i).map_or(&[][..], Vec::as_slice);
        if pods.is_empty() {
            continue;
        }
        pod_lines.push((
            format!(
                "{} (rev {rev}{}) {} pod{}",
                row.meta.name,
                if current { ", current" } else { "" },
                pods.len(),
                if pods.len() == 1 { "" } else { "s" }
            ),
            Style::new().fg(theme.accent),
        ));
        for pod in pods.iter().filter_map(|s| pod_store.get(*s)) {
            let Detail::Pod(p) = &pod.detail else {
                continue;
            };
            pod_lines.push((
                format!(
                    "  {:<pod_width$} {}/{} {:<status_width$} {:>6} {:>3} {}",
                    truncate(&pod.meta.name, pod_width),
                    p.ready,
                    p.total,
                    p.status,
                    age(pod.meta.created, state.now),
                    p.restarts,
                    p.node.as_deref().unwrap_or("")
                ),
                theme.health(if pod.meta.deleting {
                    Health::Dim
                } else {
                    pod.health
                }),
            ));
        }
    }
    if rs_lines.len() == 1 {
        rs_lines.push(("no ReplicaSets yet".to_owned(), theme.muted_style()));
    }
    if pod_lines.is_empty() {
        pod_lines.push(("no pods".to_owned(), theme.muted_style()));
    }
    [
        Section {
            title: format!("ReplicaSets [{}]", cache.replica_sets.len()),
            lines: rs_lines,
        },
        Section {
            title: "History (rev, ReplicaSet, images, change-cause)".to_owned(),
            lines: history,
        },
        Section {
            title: "Pods by ReplicaSet".to_owned(),
            lines: pod_lines,
        },
        endpoints_section(state, view),
        events_section(state, view),
    ]
}

fn endpoints_section(state: &State, view: &RolloutView) -> Section {
    let theme = &state.theme;
    let svc_store = state.stores.of(Kind::Service);
    let ep_store = state.stores.of(Kind::Endpoints);
    let mut lines = Vec::new();
    for (svc_slot, ep_slot) in &view.cache.services {
        let Some(svc) = svc_store.get(*svc_slot) else {
            continue;
        };
        let selector = match &svc.detail {
            Detail::Service(s) => selector_text(&s.selector),
            _ => String::new(),
        };
        let addresses = ep_slot
            .and_then(|s| ep_store.get(s))
            .and_then(|r| match &r.detail {
                Detail::Endpoints(e) => Some(e),
                _ => None,
            });
        let Some(ep) = addresses else {
            lines.push((
                format!("svc/{} ({selector}): no endpoints", svc.meta.name),
                theme.health(Health::Warn),
            ));
            continue;
        };
        let names = |ready: bool| {
            ep.addresses
                .iter()
                .filter(|a| a.ready == ready)
                .map(|a| a.pod.clone().unwrap_or_else(|| a.ip.clone()))
                .collect::<Vec<_>>()
        };
        let (ready, not_ready) = (names(true), names(false));
        let style = if not_ready.is_empty() && !ready.is_empty() {
            theme.health(Health::Ok)
        } else {
            theme.health(Health::Warn)
        };
        let mut text = format!(
            "svc/{} {}  ready {}: {}",
            svc.meta.name,
            ep.ports.join(","),
            ready.len(),
            ready.join(" ")
        );
        if !not_ready.is_empty() {
            let _ = write!(
                text,
                "  not-ready {}: {}",
                not_ready.len(),
                not_ready.join(" ")
            );
        }
        lines.push((text, style));
    }
    if lines.is_empty() {
        lines.push((
            "no Service selects these pods".to_owned(),
            theme.muted_style(),
        ));
    }
    Section {
        title: "Endpoints".to_owned(),
        lines,
    }
}

fn events_section(state: &State, view: &RolloutView) -> Section {
    let theme = &state.theme;
    let store = state.stores.of(Kind::Event);
    let mut lines = Vec::new();
    for row in view.cache.events.iter().filter_map(|s| store.get(*s)) {
        let Detail::Event(e) = &row.detail else {
            continue;
        };
        let style = if e.type_ == "Warning" {
            theme.health(Health::Err)
        } else {
            theme.text()
        };
        lines.push((
            format!(
                "{:>6} {:<7} {:<18} {:<36} {}",
                age(e.last_seen.or(e.first_seen), state.now),
                e.type_,
                truncate(&e.reason, 18),
                truncate(
                    &format!("{}/{}", e.object_kind.to_lowercase(), e.object_name),
                    36
                ),
                e.message
            ),
            style,
        ));
    }
    if lines.is_empty() {
        lines.push(("no recent events".to_owned(), theme.muted_style()));
    }
    Section {
        title: format!("Events [{}]", view.cache.events.len()),
        lines,
    }
}
