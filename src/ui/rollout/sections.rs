//! The sections of the rollout view (ReplicaSets, history, pods by ReplicaSet, endpoints,
//! events): lines built from the cached slots, and how they share the rows.

use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::replica_set;
use crate::app::State;
use crate::app::state::RolloutView;
use crate::cluster::columns::selector_text;
use crate::cluster::{Detail, Health, Kind, Row};
use crate::human_duration::age;
use crate::ui::truncate;

/// A titled list of lines, cut to the height it gets.
pub(super) struct Section {
    title: String,
    lines: Vec<(String, Style)>,
}

impl Section {
    pub(super) fn wanted(&self) -> u16 {
        (self.lines.len() + 1).min(200) as u16
    }

    pub(super) fn draw(&self, state: &State, frame: &mut Frame, area: Rect) {
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
        let title = format!("{title}{}", "─".repeat(w.saturating_sub(title.width())));
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
pub(super) fn allocate(wanted: &[u16], mins: &[u16], total: u16) -> Vec<u16> {
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

pub(super) fn sections(state: &State, view: &RolloutView) -> [Section; 5] {
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
        .map(|r| r.meta.name.width())
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
        .map(|r| r.meta.name.width())
        .max()
        .unwrap_or(4)
        .min(40);
    let status_width = pod_rows()
        .filter_map(|r| match &r.detail {
            Detail::Pod(p) => Some(p.status.width()),
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
        // The ReplicaSet of each revision is in the section beside this one: the room
        // goes to the change-cause.
        history.push((
            format!("{marker} {rev:>3}  {:<16} {cause}", truncate(&images, 16)),
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
        // With their use: old and new versions compare line by line during a canary.
        pod_lines.push((
            format!(
                "{} (rev {rev}{}) {} pod{}{}",
                row.meta.name,
                if current { ", current" } else { "" },
                pods.len(),
                if pods.len() == 1 { "" } else { "s" },
                crate::ui::usage::replica_set_summary(state, pods)
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
            title: "History (rev, images, change-cause)".to_owned(),
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
    lines.extend(
        view.cache
            .events
            .iter()
            .filter_map(|s| store.get(*s))
            .filter_map(|row| event_line(state, row)),
    );
    if lines.is_empty() {
        lines.push(("no recent events".to_owned(), theme.muted_style()));
    }
    Section {
        title: format!("Events [{}]", view.cache.events.len()),
        lines,
    }
}

/// One event as a line: last seen, type, reason, object, message; warnings in red.
pub(crate) fn event_line(state: &State, row: &Row) -> Option<(String, Style)> {
    let Detail::Event(e) = &row.detail else {
        return None;
    };
    let theme = &state.theme;
    let style = if e.type_ == "Warning" {
        theme.health(Health::Err)
    } else {
        theme.text()
    };
    Some((
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
    ))
}
