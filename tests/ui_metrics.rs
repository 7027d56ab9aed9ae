//! CPU and memory use in the dashboard (issue 19), at the update level and on screen:
//! which poll each screen asks for, the use columns of the pods and nodes panes filled
//! from a sample (snapshots at 120x40 and 80x24), their colours at 80 % and 100 %,
//! sorting by them, `n/a` where the server has no metrics API, hidden where metrics are
//! forbidden, and the containers view, describe and rollout view with use.

mod ui_fixtures;

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use kdeck::action::Action;
use kdeck::app::state::{Screen, State};
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::Kind;
use kdeck::cluster::metrics::{
    MetricsReport, MetricsTarget, NodeSample, PodSample, PodUsage, Usage,
};
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ui_fixtures::{render, state, text};

const MI: u64 = 1024 * 1024;

fn usage(cpu_millis: u64, memory_mib: u64) -> Usage {
    Usage {
        cpu_nanos: cpu_millis * 1_000_000,
        memory_bytes: memory_mib * MI,
    }
}

fn taken(seconds_ago: i64) -> Option<Timestamp> {
    ui_fixtures::ago(seconds_ago)
}

/// A sample of the fixture's pods in `default` (requests 100m/64Mi, limits 500m/128Mi):
/// the old myapp pod over its memory request, the new one over its CPU request and near
/// its memory limit, hello near its CPU request.
fn pod_sample(seconds_ago: i64, leak_mib: u64) -> PodSample {
    let pods = [
        ("dnsutil-rs-p8w5k", usage(12, 20)),
        ("hello-deploy-6f8d4b7c9-kq2xd", usage(85, 40)),
        ("myapp-deploy-5b8d7f9c6d-4xk2p", usage(5, 70)),
        ("myapp-deploy-5b8d7f9c6d-9qwzt", usage(3, 30)),
        ("myapp-deploy-7c5ddbdf54-h7lmn", usage(120, leak_mib)),
    ];
    PodSample {
        namespace: Some("default".into()),
        taken: taken(seconds_ago),
        pods: pods
            .into_iter()
            .map(|(name, u)| {
                let app = name.split('-').next().unwrap_or(name).to_owned();
                (
                    ("default".to_owned(), name.to_owned()),
                    PodUsage {
                        containers: vec![(app, u)],
                    },
                )
            })
            .collect(),
    }
}

fn node_sample() -> NodeSample {
    NodeSample {
        taken: taken(7),
        nodes: [
            ("kdeck-control-plane", usage(410, 1320)),
            ("kdeck-worker", usage(6600, 9000)),
            ("kdeck-worker2", usage(8100, 15_000)),
        ]
        .into_iter()
        .map(|(n, u)| (n.to_owned(), u))
        .collect(),
        pods_per_node: Some(HashMap::from([
            ("kdeck-control-plane".to_owned(), 8),
            ("kdeck-worker".to_owned(), 95),
            ("kdeck-worker2".to_owned(), 110),
        ])),
    }
}

fn act(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for m in msgs {
        effects.extend(update(state, m));
    }
    state.refresh_views();
    effects
}

fn polls(effects: &[Effect]) -> Vec<Option<MetricsTarget>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::PollMetrics { target, interval } => {
                assert_eq!(*interval, Duration::from_secs(15), "the default interval");
                Some(target.clone())
            }
            _ => None,
        })
        .collect()
}

fn command(text: &str) -> Vec<Msg> {
    let mut msgs = vec![Msg::Action(Action::CommandMode)];
    msgs.extend(text.chars().map(Msg::InputChar));
    msgs.push(Msg::InputSubmit);
    msgs
}

/// The position of the first cell of `needle` on the line that contains `line_with`.
fn find(buf: &Buffer, line_with: &str, needle: &str) -> (u16, u16) {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if line.contains(line_with)
            && let Some(i) = line.find(needle)
        {
            return (line[..i].chars().count() as u16, y as u16);
        }
    }
    panic!("no {needle:?} on a line with {line_with:?}:\n{t}");
}

fn visible_names(state: &State) -> Vec<String> {
    let Screen::Table(t) = state.screen() else {
        panic!("a table");
    };
    let store = state.stores.of(t.kind);
    t.visible
        .iter()
        .filter_map(|s| store.get(*s))
        .map(|r| r.meta.name.clone())
        .collect()
}

fn with_pod_metrics(size: (u16, u16)) -> State {
    let mut s = state(Kind::Pod, size);
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Pods(pod_sample(7, 110)))],
    );
    s
}

#[test]
fn each_screen_polls_what_it_shows_and_only_that() {
    let mut s = state(Kind::Deployment, (120, 40));
    assert_eq!(
        polls(&act(&mut s, [Msg::Resize(120, 40)])),
        Vec::<Option<MetricsTarget>>::new(),
        "the deployments pane shows no use: no poll was ever asked"
    );
    let default_pods = Some(MetricsTarget::Pods {
        namespace: Some("default".into()),
    });
    assert_eq!(polls(&act(&mut s, command("pods"))), [default_pods]);
    assert!(
        polls(&act(&mut s, [Msg::Action(Action::Down)])).is_empty(),
        "the same target is not asked again"
    );
    assert_eq!(
        polls(&act(&mut s, command("ns kube-system"))),
        [Some(MetricsTarget::Pods {
            namespace: Some("kube-system".into())
        })]
    );
    assert_eq!(
        polls(&act(&mut s, command("nodes"))),
        [Some(MetricsTarget::Nodes)]
    );
    assert_eq!(polls(&act(&mut s, command("deploy"))), [None], "stopped");
    // A sample of a namespace left behind is not shown.
    act(&mut s, command("ns default"));
    act(&mut s, command("pods"));
    let mut stale = pod_sample(7, 110);
    stale.namespace = Some("kube-system".into());
    act(&mut s, [Msg::Metrics(MetricsReport::Pods(stale))]);
    assert!(s.metrics.samples.pods.is_none());
}

#[test]
fn the_pods_pane_shows_use_against_requests_and_limits() {
    for size in [(120, 40), (80, 24)] {
        let s = with_pod_metrics(size);
        let screen = text(&render(&s));
        insta::assert_snapshot!(format!("pods_with_metrics_{}x{}", size.0, size.1), screen);
        assert!(screen.contains("cpu/mem 5s ago"), "{screen}");
        if size.0 == 120 {
            assert!(screen.contains("CPU    MEM     %CPU/R"), "{screen}");
        } else {
            // At 80 columns the percentages go first, then CPU; MEM stays with RESTARTS.
            assert!(screen.contains("RESTARTS     MEM"), "{screen}");
            assert!(!screen.contains('%'), "{screen}");
        }
    }
    let s = with_pod_metrics((160, 40));
    let screen = text(&render(&s));
    let line = screen
        .lines()
        .find(|l| l.contains("myapp-deploy-7c5ddbdf54-h7lmn"))
        .unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    // CPU, MEM, %CPU/R, %MEM/R, %CPU/L, %MEM/L after the pod's own columns.
    let at = cells.iter().position(|c| *c == "120m").expect(line);
    assert_eq!(
        cells[at..at + 6],
        ["120m", "110Mi", "120", "171", "24", "85"]
    );
    let pending = screen.lines().find(|l| l.contains("web-1")).unwrap();
    assert!(
        pending.contains(" -  "),
        "no metrics for a pending pod: {pending}"
    );
}

#[test]
fn use_near_or_over_its_measure_is_coloured() {
    let s = with_pod_metrics((160, 40));
    let buf = render(&s);
    let theme = &s.theme;
    // hello: 85 % of its CPU request; the old myapp pod: 109 % of its memory request.
    let near = find(&buf, "hello-deploy", " 85 ");
    assert_eq!(buf[(near.0 + 1, near.1)].fg, theme.usage_high);
    let over = find(&buf, "myapp-deploy-5b8d7f9c6d-4xk2p", " 109 ");
    assert_eq!(buf[(over.0 + 1, over.1)].fg, theme.usage_over);
    let calm = find(&buf, "dnsutil", " 31 ");
    assert_ne!(buf[(calm.0 + 1, calm.1)].fg, theme.usage_high);
    assert_ne!(buf[(calm.0 + 1, calm.1)].fg, theme.usage_over);
    assert_ne!(theme.usage_high, Color::Reset);
}

#[test]
fn sorting_by_mem_puts_the_biggest_first_and_follows_new_samples() {
    let mut s = with_pod_metrics((160, 40));
    // NAME READY STATUS RESTARTS AGE IP NODE REPLICASET, then CPU and MEM.
    let to_mem = std::iter::repeat_n(Msg::Action(Action::SortNext), 9);
    act(&mut s, to_mem.chain([Msg::Action(Action::SortReverse)]));
    assert_eq!(visible_names(&s)[0], "myapp-deploy-7c5ddbdf54-h7lmn");
    // The next sample: the old pod now uses the most.
    let mut next = pod_sample(2, 10);
    next.taken = taken(1);
    act(&mut s, [Msg::Metrics(MetricsReport::Pods(next))]);
    assert_eq!(visible_names(&s)[0], "myapp-deploy-5b8d7f9c6d-4xk2p");
    // Rows without metrics count as least: last when the biggest come first.
    assert_eq!(
        visible_names(&s)[5..],
        ["web-1", "web-0", "testqc", "myapp-deploy-7c5ddbdf54-tz8vb"]
    );
}

#[test]
fn without_a_metrics_api_the_columns_say_na_once() {
    let mut s = state(Kind::Pod, (120, 40));
    let why = "the server could not find the requested resource (404)".to_owned();
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Unavailable(why.clone()))],
    );
    let status = s.status.clone().unwrap();
    assert!(status.contains("no metrics API"), "{status}");
    let screen = text(&render(&s));
    assert!(screen.contains("metrics n/a"), "{screen}");
    let row = screen.lines().find(|l| l.contains("dnsutil")).unwrap();
    assert!(row.contains("n/a"), "{row}");
    // Said once: the same answer a minute later leaves the status line alone.
    s.status = None;
    act(&mut s, [Msg::Metrics(MetricsReport::Unavailable(why))]);
    assert_eq!(s.status, None);
}

#[test]
fn sparkline_rings_are_kept_for_the_pods_on_screen_only() {
    use kdeck::app::metrics::history::Subject;
    let pod = |name: &str| Subject::Pod {
        namespace: "default".into(),
        name: name.into(),
    };
    // A terminal a few rows high: the pods table shows its first rows only.
    let mut s = state(Kind::Pod, (160, 3));
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Pods(pod_sample(7, 110)))],
    );
    let names = visible_names(&s);
    let (first, last) = ("dnsutil-rs-p8w5k", "myapp-deploy-7c5ddbdf54-h7lmn");
    assert_eq!(names[0], first);
    let at = names.iter().position(|n| n == last).expect("a listed pod");
    assert!(at >= 3, "{last} is below the first rows: {names:?}");
    let history = &s.metrics.history;
    assert!(history.of(&pod(first)).is_some(), "{first} is on screen");
    assert!(history.of(&pod(last)).is_none(), "{last} is not on screen");
    assert!(history.len() <= 3, "{} rings", history.len());
    // Scrolled to the last row: its ring starts, the first's goes.
    if let Screen::Table(t) = s.screens.last_mut().expect("a screen") {
        t.offset = at;
        t.selected = at;
    }
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Pods(pod_sample(0, 110)))],
    );
    let history = &s.metrics.history;
    assert!(history.of(&pod(last)).is_some(), "{last} is on screen now");
    assert!(history.of(&pod(first)).is_none(), "{first} left the screen");
}

#[test]
fn a_failed_polls_line_goes_with_the_next_answer_but_not_another_message() {
    let mut s = with_pod_metrics((160, 40));
    let failed = || {
        Msg::Metrics(MetricsReport::Failed(
            "credentials rejected by the server: Unauthorized".into(),
        ))
    };
    act(&mut s, [failed()]);
    assert!(text(&render(&s)).contains("metrics: credentials rejected"));
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Pods(pod_sample(1, 110)))],
    );
    let screen = text(&render(&s));
    assert!(!screen.contains("credentials rejected"), "{screen}");
    // Something said after the failure stays.
    act(&mut s, [failed()]);
    s.status = Some("scaled myapp".into());
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Pods(pod_sample(0, 110)))],
    );
    assert_eq!(s.status.as_deref(), Some("scaled myapp"));
}

#[test]
fn forbidden_metrics_hide_the_columns_with_a_note() {
    let mut s = with_pod_metrics((160, 40));
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Forbidden(
            "pods.metrics.k8s.io is forbidden".into(),
        ))],
    );
    let screen = text(&render(&s));
    assert!(screen.contains("metrics forbidden"), "{screen}");
    assert!(
        !screen.contains("%CPU/R") && !screen.contains("110Mi"),
        "{screen}"
    );
    assert!(s.status.unwrap().contains("forbidden"));
}

#[test]
fn the_nodes_pane_shows_use_against_allocatable_and_pods_against_capacity() {
    for size in [(120, 40), (80, 24)] {
        let mut s = state(Kind::Node, size);
        act(&mut s, [Msg::Metrics(MetricsReport::Nodes(node_sample()))]);
        let screen = text(&render(&s));
        insta::assert_snapshot!(format!("nodes_with_metrics_{}x{}", size.0, size.1), screen);
    }
    let mut s = state(Kind::Node, (160, 40));
    act(&mut s, [Msg::Metrics(MetricsReport::Nodes(node_sample()))]);
    let buf = render(&s);
    let screen = text(&buf);
    let worker2 = screen
        .lines()
        .find(|l| l.contains("kdeck-worker2"))
        .unwrap();
    for cell in [
        "8100m", "101", "15000Mi", "94", "8000m", "15953Mi", "110/110",
    ] {
        assert!(worker2.contains(cell), "{cell} in {worker2}");
    }
    let full = find(&buf, "kdeck-worker2", "110/110");
    assert_eq!(buf[(full.0, full.1)].fg, s.theme.usage_over);
}

#[test]
fn containers_and_describe_show_use() {
    let mut s = with_pod_metrics((160, 40));
    let rows = visible_names(&s);
    let at = rows
        .iter()
        .position(|n| n == "myapp-deploy-7c5ddbdf54-h7lmn")
        .unwrap();
    let mut msgs = vec![Msg::Action(Action::Top)];
    msgs.extend(std::iter::repeat_n(Msg::Action(Action::Down), at));
    msgs.push(Msg::Action(Action::Enter));
    act(&mut s, msgs);
    let screen = text(&render(&s));
    let line = screen
        .lines()
        .find(|l| l.contains("Running"))
        .expect(&screen);
    assert!(
        line.contains("120m") && line.contains("110Mi") && line.contains("171"),
        "{screen}"
    );
    // Describe starts with the pod's use against its requests and limits.
    act(
        &mut s,
        [Msg::Action(Action::Back), Msg::Action(Action::Describe)],
    );
    let screen = text(&render(&s));
    assert!(
        screen.contains("120m    120% of request 100m · 24% of limit 500m"),
        "{screen}"
    );
    assert!(screen.contains("myapp: CPU 120m"), "{screen}");
}

#[test]
fn describe_draws_a_sparkline_of_the_samples_seen() {
    let mut s = with_pod_metrics((160, 40));
    for (i, mib) in [20, 40, 60, 80, 100, 120].into_iter().enumerate() {
        let mut sample = pod_sample(0, mib);
        sample.taken = taken(100 - i as i64 * 15);
        act(&mut s, [Msg::Metrics(MetricsReport::Pods(sample))]);
    }
    let rows = visible_names(&s);
    let at = rows
        .iter()
        .position(|n| n == "myapp-deploy-7c5ddbdf54-h7lmn")
        .unwrap();
    let mut msgs = vec![Msg::Action(Action::Top)];
    msgs.extend(std::iter::repeat_n(Msg::Action(Action::Down), at));
    msgs.push(Msg::Action(Action::Describe));
    act(&mut s, msgs);
    let screen = text(&render(&s));
    let mem = screen.lines().find(|l| l.contains("MEM ")).expect(&screen);
    // The first sample (110 MiB) and the six after it, growing, scaled to the largest.
    assert!(mem.contains("▇▂▃▄▅▆█ "), "{mem}");
}

#[test]
fn the_rollout_view_compares_the_replica_sets_pods() {
    let mut s = state(Kind::Deployment, (160, 40));
    let effects = act(
        &mut s,
        [Msg::Action(Action::Bottom), Msg::Action(Action::Enter)],
    );
    assert_eq!(
        polls(&effects),
        [Some(MetricsTarget::Pods {
            namespace: Some("default".into())
        })],
        "the rollout view polls its namespace's pods"
    );
    act(
        &mut s,
        [Msg::Metrics(MetricsReport::Pods(pod_sample(7, 110)))],
    );
    let screen = text(&render(&s));
    // The old ReplicaSet's two pods: 5m and 3m, 70Mi and 30Mi; of the new one's two, one
    // has metrics (the other is being created).
    assert!(
        screen.contains(
            "myapp-deploy-5b8d7f9c6d (rev 1) 2 pods · cpu avg 4m max 5m · mem avg 50Mi max 70Mi"
        ),
        "{screen}"
    );
    assert!(
        screen.contains(
            "myapp-deploy-7c5ddbdf54 (rev 2, current) 2 pods · cpu avg 120m max 120m · mem avg 110Mi max 110Mi"
        ),
        "{screen}"
    );
}

/// The idle loop redraws when the sample's age in the title would read differently (in
/// steps of 5 s under a minute), not only when an AGE cell would: rows days old alone
/// would let the title say "5s ago" for an hour.
#[test]
fn an_idle_pods_pane_redraws_when_the_sample_age_it_shows_changes() {
    use kdeck::app::age_tick::next_age_change;
    let days_old_rows = state(Kind::Pod, (120, 40));
    assert!(
        next_age_change(&days_old_rows).is_none_or(|d| d > Duration::from_secs(60)),
        "the fixture's rows are days old by the wall clock"
    );
    let mut s = state(Kind::Pod, (120, 40));
    let mut sample = pod_sample(0, 110);
    sample.taken = Some(Timestamp::now() - jiff::SignedDuration::from_secs(7));
    act(&mut s, [Msg::Metrics(MetricsReport::Pods(sample))]);
    let due = next_age_change(&s).expect("a redraw is due");
    assert!(
        due <= Duration::from_secs(3),
        "\"5s ago\" turns \"10s ago\" within 3 s: {due:?}"
    );
    // A pane without use columns does not wake for the sample.
    act(&mut s, command("deploy"));
    assert!(next_age_change(&s).is_none_or(|d| d > Duration::from_secs(60)));
}
