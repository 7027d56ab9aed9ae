//! Live use as it is drawn outside the tables' columns: the colour of a cell near or over
//! what it is measured by, the age of the sample in a pane's title, sparklines of the last
//! samples, the use of a pod's containers (containers view, describe), of a ReplicaSet's
//! pods (rollout view) and of a Deployment's pods (monitor cards).

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::State;
use crate::app::metrics::MetricsApi;
use crate::app::metrics::history::Subject;
use crate::app::metrics::summary::GroupUsage;
use crate::cluster::columns::Tone;
use crate::cluster::metrics::Usage;
use crate::cluster::{Amounts, ContainerRow, Detail, Kind, ObjectKey, Row};

/// `style` with the colour of `tone` (bold when over).
pub fn toned(state: &State, style: Style, tone: Tone) -> Style {
    let theme = &state.theme;
    match tone {
        Tone::Normal => style,
        Tone::Near if theme.monochrome => style.add_modifier(Modifier::UNDERLINED),
        Tone::Over if theme.monochrome => style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        Tone::Near => style.fg(theme.usage_high),
        Tone::Over => style.fg(theme.usage_over).add_modifier(Modifier::BOLD),
    }
}

/// What a pane of `kind` says about its use in its title: the sample's age, `n/a`, or
/// that the user may not read metrics.
pub fn title_note(state: &State, kind: Kind) -> Option<Span<'static>> {
    if !matches!(kind, Kind::Pod | Kind::Node) {
        return None;
    }
    let m = &state.metrics;
    let theme = &state.theme;
    match &m.api {
        MetricsApi::Unknown => None,
        MetricsApi::Unavailable(_) => Some(Span::styled(" metrics n/a ", theme.muted_style())),
        MetricsApi::Forbidden(_) => Some(Span::styled(" metrics forbidden ", theme.error())),
        MetricsApi::Available => {
            let text = match m.taken(kind) {
                Some(taken) => {
                    let (age, _) = crate::app::metrics::sample_age(taken, state.now);
                    format!(" cpu/mem {age} ago ")
                }
                None => " cpu/mem: no sample yet ".to_owned(),
            };
            Some(Span::styled(text, theme.muted_style()))
        }
    }
}

/// A sparkline of `values` (oldest first) in one character each, scaled to their maximum.
pub fn sparkline(values: &[u64], ascii: bool) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    const ASCII: [char; 8] = ['_', '.', ':', '-', '=', '+', '*', '#'];
    let levels = if ascii { ASCII } else { BARS };
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .map(|v| {
            let level = usize::try_from(v.saturating_mul(7) / max).unwrap_or(7);
            levels[level.min(7)]
        })
        .collect()
}

fn ring_values(state: &State, subject: &Subject, pick: fn(&Usage) -> u64) -> Vec<u64> {
    state
        .metrics
        .history
        .of(subject)
        .map(|ring| ring.iter().map(pick).collect())
        .unwrap_or_default()
}

/// `12m` as `kubectl top` prints CPU.
pub fn cpu(u: Usage) -> String {
    format!("{}m", u.cpu_millis())
}

/// `45Mi` as `kubectl top` prints memory.
pub fn memory(u: Usage) -> String {
    format!("{}Mi", u.memory_mib())
}

fn share(used: u64, of: Option<u64>) -> Option<u64> {
    of.filter(|o| *o > 0).map(|o| used.saturating_mul(100) / o)
}

/// `30% of request 40m · 6% of limit 200m`, for what is set.
fn against(
    used: u64,
    request: Option<u64>,
    limit: Option<u64>,
    show: impl Fn(u64) -> String,
) -> String {
    let mut parts = Vec::new();
    for (what, amount) in [("request", request), ("limit", limit)] {
        if let (Some(a), Some(p)) = (amount, share(used, amount)) {
            parts.push(format!("{p}% of {what} {}", show(a)));
        }
    }
    if parts.is_empty() {
        "no request or limit".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// The lines a describe of a pod or a node starts with: a sparkline and the last sample of
/// its CPU and memory, against its requests and limits (or what is allocatable), and for a
/// pod each container's. Empty when there is nothing to say.
pub fn describe_lines(state: &State, key: &ObjectKey) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let samples = &state.metrics.samples;
    if let Some(why) = &samples.unavailable {
        return vec![Line::from(Span::styled(
            format!("CPU and memory: n/a (no metrics API: {why})"),
            theme.muted_style(),
        ))];
    }
    let Some(row) = state.stores.of(key.kind).find(&key.namespace, &key.name) else {
        return Vec::new();
    };
    let (subject, usage) = match key.kind {
        Kind::Pod => (
            Subject::Pod {
                namespace: key.namespace.clone(),
                name: key.name.clone(),
            },
            samples
                .pods
                .as_ref()
                .and_then(|s| s.pods.get(&key.namespace, &key.name))
                .map(crate::cluster::metrics::PodUsageRef::total),
        ),
        Kind::Node => (
            Subject::Node(key.name.clone()),
            samples
                .nodes
                .as_ref()
                .and_then(|s| s.nodes.get(&key.name).copied()),
        ),
        _ => return Vec::new(),
    };
    let Some(usage) = usage else {
        return if state.metrics.api == MetricsApi::Available {
            vec![Line::from(Span::styled(
                "CPU and memory: no metrics for it in the last sample",
                theme.muted_style(),
            ))]
        } else {
            Vec::new()
        };
    };
    let (requests, limits) = amounts(row);
    let cpu_spark = sparkline(&ring_values(state, &subject, |u| u.cpu_nanos), state.ascii);
    let mem_spark = sparkline(
        &ring_values(state, &subject, |u| u.memory_bytes),
        state.ascii,
    );
    let mib = |b: u64| format!("{}Mi", b / (1024 * 1024));
    let millis = |m: u64| format!("{m}m");
    let mut lines = vec![
        Line::from(vec![
            Span::styled("CPU ", theme.muted_style()),
            Span::styled(format!("{cpu_spark:<30} "), Style::new().fg(theme.accent)),
            Span::styled(
                format!(
                    "{:<7} {}",
                    cpu(usage),
                    against(
                        usage.cpu_millis(),
                        requests.cpu_millis,
                        limits.cpu_millis,
                        millis
                    )
                ),
                theme.text(),
            ),
        ]),
        Line::from(vec![
            Span::styled("MEM ", theme.muted_style()),
            Span::styled(format!("{mem_spark:<30} "), Style::new().fg(theme.accent)),
            Span::styled(
                format!(
                    "{:<7} {}",
                    memory(usage),
                    against(
                        usage.memory_bytes,
                        requests.memory_bytes,
                        limits.memory_bytes,
                        mib
                    )
                ),
                theme.text(),
            ),
        ]),
    ];
    if let Detail::Pod(p) = &row.detail {
        for c in p.containers.iter().filter(|c| !c.init) {
            lines.push(Line::from(Span::styled(
                format!("  {}", container_summary(state, row, c)),
                theme.text(),
            )));
        }
    }
    if let (Detail::Node(n), Some(counts)) = (
        &row.detail,
        samples
            .nodes
            .as_ref()
            .and_then(|s| s.pods_per_node.as_ref()),
    ) {
        let running = counts.get(&key.name).copied().unwrap_or(0);
        let capacity = n
            .pod_capacity
            .map_or_else(|| "?".to_owned(), |c| c.to_string());
        lines.push(Line::from(Span::styled(
            format!("PODS {running} of {capacity}"),
            theme.text(),
        )));
    }
    lines
}

/// The requests and limits of a pod, or a node's allocatable (as both).
fn amounts(row: &Row) -> (Amounts, Amounts) {
    match &row.detail {
        Detail::Pod(p) => (p.requests(), p.limits()),
        Detail::Node(n) => (n.allocatable, Amounts::default()),
        _ => (Amounts::default(), Amounts::default()),
    }
}

fn container_usage(state: &State, pod: &Row, name: &str) -> Option<Usage> {
    state
        .metrics
        .samples
        .pods
        .as_ref()?
        .pods
        .get(&pod.meta.namespace, &pod.meta.name)?
        .container(name)
}

/// `nginx: CPU 3m (30% of request 10m) · MEM 12Mi (...)`, for describe.
fn container_summary(state: &State, pod: &Row, c: &ContainerRow) -> String {
    let Some(u) = container_usage(state, pod, &c.name) else {
        return format!("{}: no metrics", c.name);
    };
    let r = &c.resources;
    format!(
        "{}: CPU {} ({}) · MEM {} ({})",
        c.name,
        cpu(u),
        against(
            u.cpu_millis(),
            r.requests.cpu_millis,
            r.limits.cpu_millis,
            |m| format!("{m}m")
        ),
        memory(u),
        against(
            u.memory_bytes,
            r.requests.memory_bytes,
            r.limits.memory_bytes,
            |b| { format!("{}Mi", b / (1024 * 1024)) }
        ),
    )
}

/// The use columns' titles in the containers view (empty when no use is shown).
pub fn container_header(state: &State) -> String {
    if state.metrics.shows_columns(Kind::Pod) {
        format!(
            "{:<6} {:<7} {:<6} {:<6} {:<6} {:<6} ",
            "CPU", "MEM", "%CPU/R", "%MEM/R", "%CPU/L", "%MEM/L"
        )
    } else {
        String::new()
    }
}

/// One container's use cells in the containers view, under [`container_header`].
pub fn container_cells(state: &State, pod: &Row, c: &ContainerRow) -> String {
    if !state.metrics.shows_columns(Kind::Pod) {
        return String::new();
    }
    if state.metrics.samples.unavailable.is_some() {
        return format!(
            "{:<6} {:<7} {:<6} {:<6} {:<6} {:<6} ",
            "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"
        );
    }
    let Some(u) = container_usage(state, pod, &c.name) else {
        return format!(
            "{:<6} {:<7} {:<6} {:<6} {:<6} {:<6} ",
            "-", "-", "-", "-", "-", "-"
        );
    };
    let r = &c.resources;
    let pct = |p: Option<u64>| p.map_or_else(|| "-".to_owned(), |p| p.to_string());
    format!(
        "{:<6} {:<7} {:<6} {:<6} {:<6} {:<6} ",
        cpu(u),
        memory(u),
        pct(share(u.cpu_millis(), r.requests.cpu_millis)),
        pct(share(u.memory_bytes, r.requests.memory_bytes)),
        pct(share(u.cpu_millis(), r.limits.cpu_millis)),
        pct(share(u.memory_bytes, r.limits.memory_bytes)),
    )
}

/// What a ReplicaSet's pods use, after its heading in the rollout view's pods section:
/// ` · cpu avg 2m max 3m · mem avg 4Mi max 5Mi` (empty without metrics).
pub fn replica_set_summary(state: &State, pods: &[usize]) -> String {
    if !state.metrics.available() {
        return String::new();
    }
    let group: Option<GroupUsage> =
        state.metrics.samples.pods.as_ref().and_then(|sample| {
            crate::app::metrics::summary::group_usage(&state.stores, sample, pods)
        });
    group.map_or_else(
        || " · no metrics yet".to_owned(),
        |g| {
            format!(
                " · cpu avg {} max {} · mem avg {} max {}",
                cpu(g.average),
                cpu(g.max),
                memory(g.average),
                memory(g.max)
            )
        },
    )
}

/// A monitor card's use line: the sparklines and last total of its Deployment's pods.
pub fn card_line(state: &State, deployment: &Row) -> Option<Line<'static>> {
    if !state.metrics.available() {
        return None;
    }
    let theme = &state.theme;
    let subject = Subject::Deployment {
        namespace: deployment.meta.namespace.to_string(),
        name: deployment.meta.name.clone(),
    };
    let ring = state.metrics.history.of(&subject)?;
    let last = ring.back().copied()?;
    let cpus: Vec<u64> = ring.iter().map(|u| u.cpu_nanos).collect();
    let mems: Vec<u64> = ring.iter().map(|u| u.memory_bytes).collect();
    Some(Line::from(vec![
        Span::styled("cpu ", theme.muted_style()),
        Span::styled(sparkline(&cpus, state.ascii), Style::new().fg(theme.accent)),
        Span::styled(format!(" {}  ", cpu(last)), theme.text()),
        Span::styled("mem ", theme.muted_style()),
        Span::styled(sparkline(&mems, state.ascii), Style::new().fg(theme.accent)),
        Span::styled(format!(" {}", memory(last)), theme.text()),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_their_maximum() {
        assert_eq!(sparkline(&[0, 1, 2, 3, 4, 5, 6, 7], false), "▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[10, 10], false), "██");
        assert_eq!(sparkline(&[0, 70], true), "_#");
        assert_eq!(sparkline(&[], false), "");
        assert_eq!(
            against(30, Some(100), Some(300), |m| format!("{m}m")),
            "30% of request 100m · 10% of limit 300m"
        );
        assert_eq!(
            against(30, None, None, |m| m.to_string()),
            "no request or limit"
        );
    }
}
