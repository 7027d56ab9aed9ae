//! Action sequences against the dashboard state: navigation, filters, sorting, namespace
//! switches, drill-down and back, command-mode completion, read-only refusals.

mod ui_fixtures;

use kdeck::action::Action;
use kdeck::app::monitor::RolloutPhase;
use kdeck::app::state::{Mode, Scope, Screen, State};
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::watch::WatchScope;
use kdeck::cluster::{ClusterUpdate, Kind};
use ui_fixtures::{rows, state};

fn run(state: &mut State, actions: &[Msg]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for a in actions {
        effects.extend(update(state, a.clone()));
    }
    state.refresh_views();
    effects
}

fn typed(text: &str) -> Vec<Msg> {
    text.chars().map(Msg::InputChar).collect()
}

fn command(state: &mut State, text: &str) -> Vec<Effect> {
    let mut actions = vec![Msg::Action(Action::CommandMode)];
    actions.extend(typed(text));
    actions.push(Msg::InputSubmit);
    run(state, &actions)
}

fn table(state: &State) -> &kdeck::app::state::TableView {
    match state.screen() {
        Screen::Table(t) => t,
        other => panic!("expected a table, got {other:?}"),
    }
}

fn visible_names(state: &State) -> Vec<String> {
    let t = table(state);
    let store = state.stores.of(t.kind);
    t.visible
        .iter()
        .map(|s| {
            store
                .get(*s)
                .expect("visible slots are live")
                .meta
                .name
                .clone()
        })
        .collect()
}

fn selected_name(state: &State) -> String {
    let t = table(state);
    visible_names(state)[t.selected].clone()
}

#[test]
fn moves_the_selection_and_clamps_at_both_ends() {
    let mut s = state(Kind::Pod, (120, 40));
    let n = visible_names(&s).len();
    assert_eq!(n, 9, "default namespace pods: {:?}", visible_names(&s));
    run(
        &mut s,
        &[Msg::Action(Action::Down), Msg::Action(Action::Down)],
    );
    assert_eq!(table(&s).selected, 2);
    run(
        &mut s,
        &[
            Msg::Action(Action::Up),
            Msg::Action(Action::Up),
            Msg::Action(Action::Up),
        ],
    );
    assert_eq!(table(&s).selected, 0);
    run(&mut s, &[Msg::Action(Action::Bottom)]);
    assert_eq!(table(&s).selected, n - 1);
    run(&mut s, &[Msg::Action(Action::PageUp)]);
    assert_eq!(table(&s).selected, 0);
    run(&mut s, &[Msg::Action(Action::PageDown)]);
    assert_eq!(table(&s).selected, n - 1);
    run(&mut s, &[Msg::Action(Action::Top)]);
    assert_eq!(table(&s).selected, 0);
}

#[test]
fn filters_by_substring_regex_and_label_selector_and_esc_clears() {
    let mut s = state(Kind::Pod, (120, 40));
    let mut actions = vec![Msg::Action(Action::FilterMode)];
    actions.extend(typed("hello"));
    run(&mut s, &actions);
    assert_eq!(visible_names(&s), ["hello-deploy-6f8d4b7c9-kq2xd"]);
    assert!(matches!(s.mode, Mode::Filter(_)));
    run(&mut s, &[Msg::InputSubmit]);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(visible_names(&s).len(), 1, "the filter stays after Enter");

    run(&mut s, &[Msg::Action(Action::Back)]);
    assert_eq!(visible_names(&s).len(), 9, "Esc clears the filter");

    let mut actions = vec![Msg::Action(Action::FilterMode)];
    actions.extend(typed("^web-[0-9]$"));
    actions.push(Msg::InputSubmit);
    run(&mut s, &actions);
    assert_eq!(visible_names(&s), ["web-0", "web-1"]);

    run(&mut s, &[Msg::Action(Action::Back)]);
    let mut actions = vec![Msg::Action(Action::FilterMode)];
    actions.extend(typed("-l app=myapp"));
    actions.push(Msg::InputSubmit);
    run(&mut s, &actions);
    let names = visible_names(&s);
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("myapp-deploy-")));

    // Esc while typing drops the filter.
    let mut actions = vec![Msg::Action(Action::FilterMode)];
    actions.extend(typed("zzz"));
    actions.push(Msg::InputCancel);
    run(&mut s, &actions);
    assert_eq!(visible_names(&s).len(), 9);
}

#[test]
fn sorts_by_column_and_reverses() {
    let mut s = state(Kind::Pod, (120, 40));
    assert_eq!(
        selected_name(&s),
        "dnsutil-rs-p8w5k",
        "sorted by NAME first"
    );
    // NAME, READY, STATUS, RESTARTS, AGE: four steps to AGE, youngest first.
    run(
        &mut s,
        &[
            Msg::Action(Action::SortNext),
            Msg::Action(Action::SortNext),
            Msg::Action(Action::SortNext),
            Msg::Action(Action::SortNext),
            Msg::Action(Action::Top),
        ],
    );
    assert_eq!(table(&s).sort_column, 4);
    assert_eq!(selected_name(&s), "myapp-deploy-7c5ddbdf54-tz8vb");
    run(
        &mut s,
        &[Msg::Action(Action::SortReverse), Msg::Action(Action::Top)],
    );
    assert!(table(&s).sort_reverse);
    assert_ne!(selected_name(&s), "myapp-deploy-7c5ddbdf54-tz8vb");
    run(&mut s, &[Msg::Action(Action::SortPrev)]);
    assert_eq!(table(&s).sort_column, 3);
    assert!(!table(&s).sort_reverse);
}

#[test]
fn namespace_switch_restarts_namespaced_watches_and_all_namespaces_shows_everything() {
    let mut s = state(Kind::Pod, (120, 40));
    let effects = run(&mut s, &[Msg::Action(Action::AllNamespaces)]);
    assert_eq!(s.namespace, None);
    assert!(
        effects.contains(&Effect::Watch {
            kind: Kind::Pod,
            namespace: None,
            scope: WatchScope::All,
        }),
        "{effects:?}"
    );
    // The new watch sends everything again.
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: rows(Kind::Pod),
        }])],
    );
    assert_eq!(visible_names(&s).len(), 11);

    let effects = command(&mut s, "ns kube-system");
    assert_eq!(s.namespace.as_deref(), Some("kube-system"));
    assert!(effects.contains(&Effect::Watch {
        kind: Kind::Pod,
        namespace: Some("kube-system".into()),
        scope: WatchScope::All,
    }));
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: rows(Kind::Pod),
        }])],
    );
    assert_eq!(
        visible_names(&s),
        ["coredns-5d78c9869d-abcde", "kube-proxy-8fj2k"]
    );

    // Enter on the namespaces pane switches too and shows its pods.
    command(&mut s, "ns");
    assert_eq!(table(&s).kind, Kind::Namespace);
    let default_at = visible_names(&s)
        .iter()
        .position(|n| n == "default")
        .unwrap();
    let mut moves = vec![Msg::Action(Action::Top)];
    moves.extend(std::iter::repeat_n(Msg::Action(Action::Down), default_at));
    moves.push(Msg::Action(Action::Enter));
    run(&mut s, &moves);
    assert_eq!(s.namespace.as_deref(), Some("default"));
    assert_eq!(table(&s).kind, Kind::Pod);
}

fn event_watches(effects: &[Effect]) -> Vec<&WatchScope> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Watch {
                kind: Kind::Event,
                namespace,
                scope,
            } => {
                assert_eq!(namespace.as_deref(), Some("default"));
                Some(scope)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_events_watch_keeps_a_rollouts_own_events_and_every_one_for_the_events_pane() {
    let mut s = state(Kind::Pod, (120, 40));
    let open_myapp = |s: &mut State| {
        command(s, "deploy");
        run(s, &[Msg::Action(Action::Down), Msg::Action(Action::Enter)])
    };
    let myapp = WatchScope::EventsOf(vec![("default".into(), "myapp-deploy".into())]);
    assert_eq!(event_watches(&open_myapp(&mut s)), [&myapp]);
    assert_eq!(s.watching.get(&Kind::Event), Some(&myapp));
    // Moving in the view asks for nothing again.
    assert!(event_watches(&run(&mut s, &[Msg::Action(Action::Down)])).is_empty());

    // The events pane shows every event: the watch starts again, keeping all.
    assert_eq!(
        event_watches(&command(&mut s, "events")),
        [&WatchScope::All]
    );
    // Back in a rollout view, the namespace's events are let go.
    assert_eq!(event_watches(&open_myapp(&mut s)), [&myapp]);
    // Another screen that reads no events leaves the watch as it is.
    assert!(event_watches(&command(&mut s, "pods")).is_empty());
    assert_eq!(s.watching.get(&Kind::Event), Some(&myapp));
}

#[test]
fn drills_down_from_deployment_to_logs_and_back_along_the_breadcrumb() {
    let mut s = state(Kind::Pod, (120, 40));
    command(&mut s, "deploy");
    assert_eq!(visible_names(&s), ["hello-deploy", "myapp-deploy"]);
    let effects = run(
        &mut s,
        &[Msg::Action(Action::Down), Msg::Action(Action::Enter)],
    );
    let Screen::Rollout(r) = s.screen() else {
        panic!("rollout view expected")
    };
    assert_eq!(r.name, "myapp-deploy");
    assert_eq!(r.cache.replica_sets.len(), 3);
    assert_eq!(
        r.cache.current,
        Some(0),
        "revision 2 is current and listed first"
    );
    assert_eq!(r.cache.pods_by_rs[0].len(), 2);
    assert_eq!(r.cache.pods_by_rs[1].len(), 2);
    assert_eq!(r.cache.services.len(), 1, "myapp-svc selects the pods");
    assert_eq!(
        r.cache.events.len(),
        3,
        "two Deployment events and one pod event"
    );
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Watch {
            kind: Kind::Event,
            ..
        }
    )));

    run(
        &mut s,
        &[Msg::Action(Action::Down), Msg::Action(Action::Enter)],
    );
    assert_eq!(
        table(&s).scope,
        Scope::OwnedBy {
            kind: "ReplicaSet".into(),
            name: "myapp-deploy-5b8d7f9c6d".into()
        }
    );
    assert_eq!(visible_names(&s).len(), 2);
    run(&mut s, &[Msg::Action(Action::Enter)]);
    assert!(matches!(s.screen(), Screen::Containers(_)));
    let effects = run(&mut s, &[Msg::Action(Action::Enter)]);
    // The logs view shows no CPU or memory: the poll the containers view asked for stops.
    let (stops, effects): (Vec<Effect>, Vec<Effect>) = effects
        .into_iter()
        .partition(|e| matches!(e, Effect::PollMetrics { .. }));
    assert!(matches!(
        stops.as_slice(),
        [Effect::PollMetrics { target: None, .. }]
    ));
    let stream = match effects.as_slice() {
        [Effect::StartLogs(r)] => {
            assert_eq!(
                (r.target.pod.as_str(), r.target.container.as_deref()),
                ("myapp-deploy-5b8d7f9c6d-4xk2p", Some("myapp"))
            );
            assert!(r.options.follow && r.options.reconnect && r.options.timestamps);
            assert_eq!(r.options.tail, Some(200));
            r.stream
        }
        other => panic!("one log stream asked for: {other:?}"),
    };
    assert_eq!(
        s.breadcrumb(),
        [
            "deployments",
            "rollout myapp-deploy",
            "myapp-deploy-5b8d7f9c6d pods",
            "myapp-deploy-5b8d7f9c6d-4xk2p containers",
            "logs myapp-deploy-5b8d7f9c6d-4xk2p/myapp"
        ]
    );
    let lines = (0..100).map(|i| format!("line {i}")).collect();
    let chunk = kdeck::cluster::LogChunk::Lines(lines);
    run(&mut s, &[Msg::LogStream { stream, chunk }]);
    let Screen::Logs(l) = s.screen() else {
        panic!("logs view")
    };
    assert!(l.follow && l.buffer.len() == 100);
    run(&mut s, &[Msg::Action(Action::PageUp)]);
    let Screen::Logs(l) = s.screen() else {
        panic!("logs view")
    };
    assert!(!l.follow, "scrolling up stops following");
    run(&mut s, &[Msg::Action(Action::Bottom)]);
    let Screen::Logs(l) = s.screen() else {
        panic!("logs view")
    };
    assert!(l.follow, "G follows again");
    run(
        &mut s,
        &[
            Msg::Action(Action::Back),
            Msg::Action(Action::Back),
            Msg::Action(Action::Back),
            Msg::Action(Action::Back),
        ],
    );
    assert_eq!(s.breadcrumb(), ["deployments"]);
    run(&mut s, &[Msg::Action(Action::Back)]);
    assert_eq!(s.breadcrumb(), ["deployments"], "the root stays");
}

#[test]
fn rollout_cache_follows_new_rows() {
    let mut s = state(Kind::Deployment, (120, 40));
    run(
        &mut s,
        &[Msg::Action(Action::Bottom), Msg::Action(Action::Enter)],
    );
    let mut pod = rows(Kind::Pod).remove(3);
    pod.meta.name = "myapp-deploy-7c5ddbdf54-new01".into();
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Pod,
            rows: vec![pod],
        }])],
    );
    let Screen::Rollout(r) = s.screen() else {
        panic!("rollout view expected")
    };
    assert_eq!(r.cache.pods_by_rs[0].len(), 3);
}

#[test]
fn command_mode_completes_and_rejects_unknown_commands() {
    let mut s = state(Kind::Pod, (120, 40));
    let mut actions = vec![Msg::Action(Action::CommandMode)];
    actions.extend(typed("depl"));
    actions.push(Msg::InputComplete);
    run(&mut s, &actions);
    assert_eq!(s.mode, Mode::Command("deploy".into()));
    run(&mut s, &vec![Msg::InputBackspace; 6]);
    run(&mut s, &typed("ns kube-s"));
    run(&mut s, &[Msg::InputComplete]);
    assert_eq!(s.mode, Mode::Command("ns kube-system".into()));
    run(&mut s, &[Msg::InputCancel]);
    assert_eq!(s.mode, Mode::Normal);
    command(&mut s, "bogus");
    assert!(
        s.status
            .as_deref()
            .unwrap_or_default()
            .contains("unknown command")
    );
    command(&mut s, "svc");
    assert_eq!(table(&s).kind, Kind::Service);
    run(&mut s, &[Msg::Action(Action::NextPane)]);
    assert_eq!(table(&s).kind, Kind::Endpoints);
    run(
        &mut s,
        &[Msg::Action(Action::PrevPane), Msg::Action(Action::PrevPane)],
    );
    assert_eq!(table(&s).kind, Kind::ReplicaSet);
    command(&mut s, "q");
    assert!(s.quit);
}

#[test]
fn context_picker_asks_the_loop_to_switch_and_discovery_is_read_again() {
    use kdeck::cluster::registry::discovered::intern;
    use kdeck::cluster::registry::{Catalog, ResourceFacts};

    let mut s = state(Kind::Pod, (120, 40));
    command(&mut s, "ctx");
    assert!(matches!(s.screen(), Screen::Contexts { selected: 0 }));
    let effects = run(
        &mut s,
        &[Msg::Action(Action::Down), Msg::Action(Action::Enter)],
    );
    assert_eq!(effects, [Effect::SwitchContext("staging".into())]);
    assert_eq!(s.connection_state(), "switching to staging");
    // The old cluster's discovery named a custom resource the new one may not serve.
    let widgets = intern(ResourceFacts {
        group: "ctx.test-update".into(),
        version: "v1".into(),
        api_kind: "Widget".into(),
        plural: "widgets".into(),
        singular: "widget".into(),
        namespaced: true,
        verbs: vec!["list".into(), "watch".into()],
        ..ResourceFacts::default()
    });
    s.catalog = Catalog::of_resources(&[widgets]);
    assert!(s.catalog.lookup("widgets").is_ok());
    let effects = run(
        &mut s,
        &[Msg::Connected {
            context: "staging".into(),
            server: "https://s".into(),
            namespace: "default".into(),
        }],
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Discover)),
        "the new cluster's discovery is read: {effects:?}"
    );
    assert!(
        !s.catalog.discovered() && s.catalog.lookup("widgets").is_err(),
        "the old cluster's kinds are not offered meanwhile"
    );
    assert_eq!(s.connection.context, "staging");
    assert!(
        s.stores.of(Kind::Pod).is_empty(),
        "rows of the old cluster are dropped"
    );
    command(&mut s, "ctx nowhere");
    assert!(s.status.as_deref().unwrap_or_default().contains("nowhere"));
}

#[test]
fn read_only_sessions_refuse_every_mutating_key_before_asking() {
    let mut s = state(Kind::Deployment, (120, 40));
    s.readonly = true;
    for a in [
        Msg::Action(Action::Scale),
        Msg::Action(Action::SetImage),
        Msg::Action(Action::Pause),
        Msg::Action(Action::Resume),
        Msg::Action(Action::Restart),
        Msg::Action(Action::Undo),
        Msg::Action(Action::Edit),
        Msg::Action(Action::EditExternal),
        Msg::Action(Action::Delete),
    ] {
        let effects = run(&mut s, std::slice::from_ref(&a));
        assert!(effects.is_empty(), "{a:?}");
        assert_eq!(s.mode, Mode::Normal, "{a:?} must not prompt");
        assert!(
            s.status
                .as_deref()
                .unwrap_or_default()
                .starts_with("read-only session"),
            "{a:?}: {:?}",
            s.status
        );
    }
}

#[test]
fn describe_shows_what_the_rows_know_at_once() {
    let mut s = state(Kind::Pod, (120, 40));
    run(&mut s, &[Msg::Action(Action::Describe)]);
    let Screen::Text(t) = s.screen() else {
        panic!("describe view")
    };
    assert!(
        t.text
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap()
            .contains("Controlled By:    ReplicaSet/dnsutil-rs")
    );
}

#[test]
fn a_forbidden_kind_does_not_stop_the_others() {
    let mut s = state(Kind::Secret, (120, 40));
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::State {
            kind: Kind::Secret,
            state: kdeck::cluster::WatchState::Forbidden("secrets is forbidden".into()),
        }])],
    );
    command(&mut s, "po");
    assert_eq!(visible_names(&s).len(), 9);
}

#[test]
fn fifty_thousand_pods_are_indexed_once_and_views_are_cached() {
    let mut s = state(Kind::Pod, (120, 40));
    let template = rows(Kind::Pod).remove(0);
    let pods: Vec<_> = (0..50_000)
        .map(|i| {
            let mut p = template.clone();
            p.meta.namespace = format!("ns-{}", i % 10).into();
            p.meta.name = format!("pod-{i:05}");
            p
        })
        .collect();
    run(&mut s, &[Msg::Action(Action::AllNamespaces)]);
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: pods,
        }])],
    );
    assert_eq!(table(&s).visible.len(), 50_000);
    let generation = table(&s).computed_from;
    s.refresh_views();
    assert_eq!(
        table(&s).computed_from,
        generation,
        "no recompute without a change"
    );
    run(&mut s, &[Msg::Action(Action::Bottom)]);
    assert_eq!(selected_name(&s), "pod-49999");
    let mut actions = vec![Msg::Action(Action::FilterMode)];
    actions.extend(typed("pod-4999"));
    run(&mut s, &actions);
    assert_eq!(visible_names(&s).len(), 10, "pod-49990 to pod-49999");
}

#[test]
fn changed_rows_keep_their_place_and_new_gone_or_resorted_rows_move() {
    let mut s = state(Kind::Pod, (120, 40));
    let names = visible_names(&s);
    let first = names[0].clone();
    let changed =
        |name: &str, status: &str| ui_fixtures::pod("default", name, None, status, false, 60);
    // A row that only changes (sorted by NAME): same rows, same order, the new contents.
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Pod,
            rows: vec![changed(&first, "CrashLoopBackOff")],
        }])],
    );
    assert_eq!(visible_names(&s), names);
    let t = table(&s);
    assert_eq!(t.computed_from, Some(s.stores.of(Kind::Pod).generation()));
    // A new row and a gone row change the list.
    run(
        &mut s,
        &[
            Msg::Cluster(vec![ClusterUpdate::Applied {
                kind: Kind::Pod,
                rows: vec![changed("aaa-new", "Pending")],
            }]),
            Msg::Cluster(vec![ClusterUpdate::Deleted {
                kind: Kind::Pod,
                keys: vec![("default".into(), names[1].clone())],
            }]),
        ],
    );
    let now = visible_names(&s);
    assert_eq!(now[0], "aaa-new");
    assert!(!now.contains(&names[1]), "{now:?}");
    // Sorted by STATUS, a changed status re-sorts.
    run(
        &mut s,
        &[Msg::Action(Action::SortNext), Msg::Action(Action::SortNext)],
    );
    let statuses = |s: &State| -> Vec<String> {
        let t = table(s);
        t.visible
            .iter()
            .map(
                |slot| match &s.stores.of(Kind::Pod).get(*slot).expect("live").detail {
                    kdeck::cluster::Detail::Pod(p) => p.status.to_string(),
                    _ => unreachable!(),
                },
            )
            .collect()
    };
    let position = |s: &State| visible_names(s).iter().position(|n| *n == first);
    let before = position(&s);
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Pod,
            rows: vec![changed(&first, "Unknown")],
        }])],
    );
    let after = statuses(&s);
    assert!(after.is_sorted(), "{after:?}");
    assert_eq!(position(&s), Some(after.len() - 1), "Unknown sorts last");
    assert_ne!(position(&s), before);
    // With a filter, a row that stops matching goes.
    run(
        &mut s,
        &[
            Msg::Action(Action::SortPrev),
            Msg::Action(Action::SortPrev),
            Msg::Action(Action::FilterMode),
        ],
    );
    run(&mut s, &typed("aaa"));
    run(&mut s, &[Msg::InputSubmit]);
    assert_eq!(visible_names(&s), ["aaa-new"]);
}

#[test]
fn rollout_events_of_one_second_are_newest_write_first() {
    let mut s = state(Kind::Deployment, (120, 40));
    run(
        &mut s,
        &[Msg::Action(Action::Bottom), Msg::Action(Action::Enter)],
    );
    let template = rows(Kind::Event)
        .into_iter()
        .find(|r| r.meta.name == "myapp-deploy.1")
        .expect("fixture event");
    // Three writes in the same second, arriving out of order; a fourth a second later.
    let at = ui_fixtures::now();
    let written = |name: &str, rv: &str, seconds_ago: i64| {
        let mut e = template.clone();
        e.meta.name = name.into();
        e.meta.resource_version = rv.into();
        if let kdeck::cluster::Detail::Event(ev) = &mut e.detail {
            ev.last_seen = Some(at - jiff::SignedDuration::from_secs(seconds_ago));
        }
        e
    };
    let rows = vec![
        written("second", "1002", 100),
        written("first", "1001", 100),
        written("newest", "900", 99),
        written("third", "1003", 100),
    ];
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Event,
            rows,
        }])],
    );
    let Screen::Rollout(r) = s.screen() else {
        panic!("rollout view expected")
    };
    let names: Vec<&str> = r
        .cache
        .events
        .iter()
        .filter_map(|slot| s.stores.of(Kind::Event).get(*slot))
        .map(|e| e.meta.name.as_str())
        .filter(|n| ["first", "second", "third", "newest"].contains(n))
        .collect();
    assert_eq!(names, ["newest", "third", "second", "first"]);
}

#[test]
fn the_monitor_shows_cards_and_warnings_and_opens_a_rollout() {
    let mut s = state(Kind::Pod, (120, 40));
    command(&mut s, "pulses");
    let Screen::Monitor(m) = s.screen() else {
        panic!("monitor expected, got {:?}", s.breadcrumb())
    };
    // By namespace and name; hello-deploy is complete, myapp-deploy (2 of 3 up to date)
    // is rolling out.
    let names: Vec<&str> = m
        .cache
        .cards
        .iter()
        .filter_map(|c| s.stores.of(Kind::Deployment).get(c.deployment))
        .map(|r| r.meta.name.as_str())
        .collect();
    assert_eq!(names, ["hello-deploy", "myapp-deploy"]);
    assert_eq!(m.cache.cards[0].phase, RolloutPhase::Complete);
    assert_eq!(m.cache.cards[1].phase, RolloutPhase::Progressing);
    let screen = ui_fixtures::text(&ui_fixtures::render(&s));
    assert!(screen.contains("monitor(default)[2]"), "{screen}");
    assert!(screen.contains("Recent warnings [2]"), "{screen}");
    assert!(screen.contains("BackOff"), "{screen}");
    assert!(screen.contains("rolling out  READY "), "{screen}");

    // Enter opens the selected card's rollout view; Esc comes back to the monitor.
    run(
        &mut s,
        &[Msg::Action(Action::Down), Msg::Action(Action::Enter)],
    );
    assert_eq!(s.breadcrumb(), ["monitor", "rollout myapp-deploy"]);
    run(&mut s, &[Msg::Action(Action::Back)]);
    // `:monitor NAME` narrows it, to the warnings of what it shows too.
    command(&mut s, "monitor default/hello-deploy");
    let Screen::Monitor(m) = s.screen() else {
        panic!("monitor expected")
    };
    assert_eq!(m.cache.cards.len(), 1);
    assert!(
        m.cache.warnings.is_empty(),
        "no warning involves hello-deploy"
    );
    // Another namespace keeps the monitor (the fixture has no watches to refill it).
    command(&mut s, "ns kube-system");
    assert_eq!(s.breadcrumb(), ["monitor"]);
}

#[test]
fn the_monitor_fits_eighty_by_twenty_four_and_forty_by_ten() {
    for size in [(80, 24), (40, 10)] {
        let mut s = state(Kind::Pod, size);
        command(&mut s, "monitor");
        let screen = ui_fixtures::text(&ui_fixtures::render(&s));
        assert!(screen.contains("hello-deploy"), "{size:?}\n{screen}");
    }
}

/// A pod that only changes (its status, under churn) does not make the rollout view
/// rescan every pod; a pod that comes does.
#[test]
fn rollout_cache_rescans_pods_only_when_pods_come_or_go() {
    let mut s = state(Kind::Deployment, (120, 40));
    run(
        &mut s,
        &[Msg::Action(Action::Bottom), Msg::Action(Action::Enter)],
    );
    let computed = |s: &State| match s.screen() {
        Screen::Rollout(r) => r.cache.computed_from,
        _ => panic!("rollout view expected"),
    };
    let before = computed(&s);
    assert!(before.is_some());
    let mut changed = rows(Kind::Pod).remove(3);
    changed.meta.resource_version = "999".into();
    if let kdeck::cluster::Detail::Pod(p) = &mut changed.detail {
        p.restarts += 1;
    }
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Pod,
            rows: vec![changed],
        }])],
    );
    assert_eq!(computed(&s), before, "a changed pod keeps the cache");
    let mut new = rows(Kind::Pod).remove(3);
    new.meta.name = "myapp-deploy-7c5ddbdf54-new02".into();
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Pod,
            rows: vec![new],
        }])],
    );
    assert_ne!(computed(&s), before, "a new pod is grouped");
}

/// The monitor recounts a card's pods when a pod only changes (no regrouping of every
/// pod), and groups a pod that comes.
#[test]
fn the_monitor_recounts_a_changed_pod_and_groups_a_new_one() {
    let mut s = state(Kind::Pod, (120, 40));
    command(&mut s, "monitor myapp-deploy");
    let myapp = |s: &State| match s.screen() {
        Screen::Monitor(m) => m.cache.cards[0].pods,
        _ => panic!("monitor expected"),
    };
    let before = myapp(&s);
    let mut changed = rows(Kind::Pod).remove(3);
    if let kdeck::cluster::Detail::Pod(p) = &mut changed.detail {
        p.restarts += 5;
    }
    changed.health = kdeck::cluster::Health::Err;
    let apply = |s: &mut State, row: kdeck::cluster::Row| {
        run(
            s,
            &[Msg::Cluster(vec![ClusterUpdate::Applied {
                kind: Kind::Pod,
                rows: vec![row],
            }])],
        );
        s.refresh_views();
    };
    apply(&mut s, changed.clone());
    let after = myapp(&s);
    assert_eq!(
        after.restarts,
        before.restarts + 5,
        "{before:?} -> {after:?}"
    );
    assert_eq!(after.failing, before.failing + 1, "{before:?} -> {after:?}");
    let mut new = changed;
    new.meta.name = "myapp-deploy-7c5ddbdf54-new02".into();
    apply(&mut s, new);
    assert_eq!(myapp(&s).failing, after.failing + 1, "the new pod counts");
    // A ReplicaSet's status change moves the card's new replicas.
    let new_rs = |s: &State| match s.screen() {
        Screen::Monitor(m) => m.cache.cards[0].new_replicas,
        _ => panic!("monitor expected"),
    };
    assert_eq!(new_rs(&s), (1, 2));
    let mut rs = rows(Kind::ReplicaSet)
        .into_iter()
        .find(|r| r.meta.name == "myapp-deploy-7c5ddbdf54")
        .expect("the new ReplicaSet");
    if let kdeck::cluster::Detail::ReplicaSet(r) = &mut rs.detail {
        r.ready = 2;
    }
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::ReplicaSet,
            rows: vec![rs],
        }])],
    );
    s.refresh_views();
    assert_eq!(new_rs(&s), (2, 2));
}

/// A CRD whose version the server stopped serving: the pane's watch gets 404 although
/// discovery listed it; kdeck reads discovery again once (not on every 404) and shows the
/// resource at the version served now.
#[test]
fn a_404_for_a_discovered_kind_reads_discovery_again_once_and_follows_the_move() {
    use kdeck::cluster::WatchState;
    use kdeck::cluster::registry::discovered::intern;
    use kdeck::cluster::registry::{Catalog, ResourceFacts};

    let at = |version: &str| {
        intern(ResourceFacts {
            group: "moved.test-update".into(),
            version: version.into(),
            api_kind: "Gadget".into(),
            plural: "gadgets".into(),
            singular: "gadget".into(),
            namespaced: true,
            verbs: vec!["list".into(), "watch".into(), "get".into()],
            ..ResourceFacts::default()
        })
    };
    let (old, new) = (at("v1beta1"), at("v1"));
    let mut s = ui_fixtures::state(Kind::Pod, (120, 40));
    s.catalog = Catalog::of_resources(&[old]);
    kdeck::app::update::show_pane(&mut s, Kind::Other(old));
    let gone = || {
        Msg::Cluster(vec![ClusterUpdate::State {
            kind: Kind::Other(old),
            state: WatchState::Unavailable(
                "the server could not find the requested resource".into(),
            ),
        }])
    };
    let effects = update::update(&mut s, gone());
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Discover)),
        "{effects:?}"
    );
    let again = update::update(&mut s, gone());
    assert!(
        !again.iter().any(|e| matches!(e, Effect::Discover)),
        "asked once, not in a loop: {again:?}"
    );
    update::update(&mut s, Msg::Discovered(Ok(vec![new])));
    assert!(
        matches!(s.screen(), Screen::Table(t) if t.kind == Kind::Other(new)),
        "the pane follows the resource to v1"
    );
}

/// A resource whose discovery lacks `delete` and `update`: X and e are neither hinted
/// nor sent, and say why.
#[test]
fn verbs_a_discovered_resource_lacks_are_not_offered() {
    use kdeck::app::permissions::question;
    use kdeck::cluster::registry::discovered::intern;
    use kdeck::cluster::registry::{Catalog, ResourceFacts};

    let id = intern(ResourceFacts {
        group: "readonly.test-update".into(),
        version: "v1".into(),
        api_kind: "Report".into(),
        plural: "reports".into(),
        singular: "report".into(),
        namespaced: true,
        verbs: vec!["get".into(), "list".into(), "watch".into()],
        ..ResourceFacts::default()
    });
    let kind = Kind::Other(id);
    for action in [Action::Delete, Action::Edit] {
        assert_eq!(question(&action, kind, Some("default")), None, "{action:?}");
    }
    let mut s = state(Kind::Pod, (120, 40));
    s.catalog = Catalog::of_resources(&[id]);
    kdeck::app::update::show_pane(&mut s, kind);
    let footer = ui_fixtures::text(&ui_fixtures::render(&s));
    let last = footer.lines().last().unwrap_or_default().to_owned();
    assert!(!last.contains("delete"), "{last}");
}
