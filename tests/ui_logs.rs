//! The logs view at the update level and on ratatui's `TestBackend`: following and
//! pausing, the multi-pod view joining and marking pods from the pod rows, search, filter,
//! save and copy, the buffer cap, and escape sequences drawn inert.

mod ui_fixtures;

use kdeck::action::Action;
use kdeck::app::logs::{LogScope, LogsCommand, LogsView};
use kdeck::app::navigation::selected_row;
use kdeck::app::state::{Screen, State};
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::{ClusterUpdate, Kind, LogChunk};
use kdeck::ui::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ui_fixtures::{rows, state};

fn run(state: &mut State, actions: &[Msg]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for a in actions {
        effects.extend(update(state, a.clone()));
    }
    effects
}

fn screen_text(state: &State) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| draw(state, f)).expect("draw");
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            let symbol = buf[(x, y)].symbol();
            assert!(
                !symbol.chars().any(char::is_control),
                "a control character reached cell ({x},{y}): {symbol:?}"
            );
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

fn select(state: &mut State, name: &str) {
    run(state, &[Msg::Action(Action::Top)]);
    for _ in 0..50 {
        if selected_row(state).is_some_and(|r| r.meta.name == name) {
            return;
        }
        run(state, &[Msg::Action(Action::Down)]);
    }
    panic!("{name} is not in the table");
}

fn view(state: &State) -> &LogsView {
    match state.screen() {
        Screen::Logs(v) => v,
        _ => panic!("not on a logs view: {:?}", state.breadcrumb()),
    }
}

fn started(effects: &[Effect]) -> Vec<(String, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartLogs(r) => Some((r.target.pod.clone(), r.stream)),
            _ => None,
        })
        .collect()
}

fn lines(stream: u64, texts: &[&str]) -> Msg {
    Msg::LogStream {
        stream,
        chunk: LogChunk::Lines(texts.iter().map(|t| (*t).to_owned()).collect()),
    }
}

fn key(c: LogsCommand) -> Msg {
    Msg::Action(Action::LogsKey(c))
}

fn typed(text: &str) -> Vec<Msg> {
    let mut out: Vec<Msg> = text.chars().map(Msg::InputChar).collect();
    out.push(Msg::InputSubmit);
    out
}

/// The logs view of pod myapp-deploy-5b8d7f9c6d-4xk2p and its stream id.
fn pod_logs(size: (u16, u16)) -> (State, u64) {
    let mut s = state(Kind::Pod, size);
    select(&mut s, "myapp-deploy-5b8d7f9c6d-4xk2p");
    let effects = run(&mut s, &[Msg::Action(Action::ShowLogs)]);
    let started = started(&effects);
    assert_eq!(started.len(), 1, "{effects:?}");
    (s, started[0].1)
}

#[test]
fn l_on_a_deployment_follows_its_pods_and_their_comings_and_goings() {
    let mut s = state(Kind::Deployment, (120, 40));
    select(&mut s, "myapp-deploy");
    let effects = run(&mut s, &[Msg::Action(Action::ShowLogs)]);
    assert_eq!(
        view(&s).scope,
        LogScope::Workload {
            kind: Kind::Deployment,
            name: "myapp-deploy".into()
        }
    );
    let streams = started(&effects);
    let pods: Vec<&str> = streams.iter().map(|(p, _)| p.as_str()).collect();
    assert!(pods.contains(&"myapp-deploy-5b8d7f9c6d-4xk2p"), "{pods:?}");
    assert!(pods.contains(&"myapp-deploy-7c5ddbdf54-h7lmn"), "{pods:?}");
    assert!(
        pods.iter().all(|p| p.starts_with("myapp-deploy-")),
        "{pods:?}"
    );
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Watch {
                kind: Kind::ReplicaSet,
                ..
            }
        )) || s.watching.contains_key(&Kind::ReplicaSet)
    );
    for (pod, stream) in &streams {
        run(&mut s, &[lines(*stream, &[&format!("hello from {pod}")])]);
    }
    let text = screen_text(&s);
    assert!(text.contains("logs deployment/myapp-deploy"), "{text}");
    assert!(
        text.contains("5b8d7f9c6d-4xk2p hello from myapp-deploy-5b8d7f9c6d-4xk2p"),
        "{text}"
    );

    // A new pod of the new ReplicaSet joins as soon as its row shows it running.
    let mut new_pod = rows(Kind::Pod)
        .into_iter()
        .find(|r| r.meta.name == "myapp-deploy-7c5ddbdf54-h7lmn")
        .expect("fixture pod");
    new_pod.meta.name = "myapp-deploy-7c5ddbdf54-new01".into();
    // The step that takes the pod's row also starts its stream.
    let effects = run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Pod,
            rows: vec![new_pod],
        }])],
    );
    let joined = started(&effects);
    assert_eq!(
        joined.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["myapp-deploy-7c5ddbdf54-new01"]
    );
    assert!(
        started(&kdeck::app::logs_screen::reconcile(&mut s)).is_empty(),
        "joined once"
    );

    // A pod that goes is marked, its lines kept.
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Deleted {
            kind: Kind::Pod,
            keys: vec![("default".into(), "myapp-deploy-5b8d7f9c6d-4xk2p".into())],
        }])],
    );
    kdeck::app::logs_screen::reconcile(&mut s);
    let v = view(&s);
    let gone = v
        .sources
        .iter()
        .find(|x| x.pod == "myapp-deploy-5b8d7f9c6d-4xk2p")
        .expect("source kept");
    assert!(gone.ended.is_some());
    assert!(screen_text(&s).contains("pods, 1 ended]"));
    let text = screen_text(&s);
    assert!(
        text.contains("pod myapp-deploy-5b8d7f9c6d-4xk2p ended"),
        "{text}"
    );
    assert!(
        text.contains("hello from myapp-deploy-5b8d7f9c6d-4xk2p"),
        "{text}"
    );
    assert!(
        !kdeck::app::logs_screen::active_streams(&s).contains(&gone.stream),
        "its stream is stopped"
    );
}

#[test]
fn scrolling_up_pauses_and_counts_new_lines_until_g() {
    let (mut s, stream) = pod_logs((100, 24));
    let first: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
    let refs: Vec<&str> = first.iter().map(String::as_str).collect();
    run(&mut s, &[lines(stream, &refs)]);
    let text = screen_text(&s);
    assert!(
        text.contains("line 99") && text.contains("following"),
        "{text}"
    );
    run(&mut s, &[Msg::Action(Action::PageUp)]);
    run(&mut s, &[lines(stream, &["new a", "new b", "new c"])]);
    let text = screen_text(&s);
    assert!(text.contains("paused, 3 new lines"), "{text}");
    assert!(
        !text.contains("new c"),
        "the view stays where it was: {text}"
    );
    run(&mut s, &[Msg::Action(Action::Bottom)]);
    let text = screen_text(&s);
    assert!(
        text.contains("new c") && text.contains("following"),
        "{text}"
    );
}

#[test]
fn filter_shows_only_matches_and_keeps_the_rest_search_highlights_and_moves() {
    let (mut s, stream) = pod_logs((100, 24));
    run(
        &mut s,
        &[lines(
            stream,
            &[
                "GET / 200",
                "GET /x 404",
                "POST /y 500",
                "GET /z 404",
                "GET /a 200",
            ],
        )],
    );
    run(&mut s, &[key(LogsCommand::Filter)]);
    run(&mut s, &typed("~ (404|500)$"));
    let text = screen_text(&s);
    assert!(
        text.contains("/x 404") && text.contains("/y 500") && !text.contains("GET / 200"),
        "{text}"
    );
    assert!(text.contains("filter \"~ (404|500)$\": 3 of 5"), "{text}");
    assert_eq!(view(&s).buffer.len(), 5, "the other lines are kept");
    run(&mut s, &[key(LogsCommand::Filter)]);
    run(&mut s, &[Msg::InputClear]);
    run(&mut s, &typed("~(unclosed"));
    assert!(
        s.status
            .as_deref()
            .is_some_and(|m| m.starts_with("invalid regex")),
        "{:?}",
        s.status
    );
    run(&mut s, &[Msg::Action(Action::Back)]);
    assert!(view(&s).filter.is_none(), "Esc clears the filter");

    run(&mut s, &[key(LogsCommand::Search)]);
    run(&mut s, &typed("404"));
    let v = view(&s);
    let newest = v.current_match.expect("a match");
    assert_eq!(
        v.buffer.get(newest).unwrap().text,
        "GET /z 404",
        "search starts at the newest"
    );
    run(&mut s, &[key(LogsCommand::PrevMatch)]);
    assert_eq!(
        view(&s)
            .buffer
            .get(view(&s).current_match.unwrap())
            .unwrap()
            .text,
        "GET /x 404"
    );
    run(&mut s, &[key(LogsCommand::PrevMatch)]);
    assert!(
        s.status
            .as_deref()
            .is_some_and(|m| m.contains("no more matches"))
    );
    run(&mut s, &[key(LogsCommand::NextMatch)]);
    assert_eq!(
        view(&s)
            .buffer
            .get(view(&s).current_match.unwrap())
            .unwrap()
            .text,
        "GET /z 404"
    );
}

#[test]
fn save_writes_the_filtered_lines_and_copy_uses_osc52() {
    let (mut s, stream) = pod_logs((100, 24));
    run(
        &mut s,
        &[lines(
            stream,
            &["2026-11-30T10:00:00.5Z one", "2026-11-30T10:00:01Z two"],
        )],
    );
    run(
        &mut s,
        &[key(LogsCommand::ToggleTimestamps), key(LogsCommand::Filter)],
    );
    run(&mut s, &typed("two"));
    let effects = run(&mut s, &[key(LogsCommand::Save)]);
    assert!(effects.is_empty());
    let prompt = view(&s).prompt.clone().expect("a prompt");
    assert_eq!(
        prompt.text, "kdeck-myapp-deploy-5b8d7f9c6d-4xk2p.log",
        "a default path"
    );
    let mut actions = vec![Msg::InputClear];
    actions.extend(typed("/tmp/out.log"));
    let effects = run(&mut s, &actions);
    assert_eq!(
        effects,
        [Effect::SaveText {
            path: "/tmp/out.log".into(),
            text: "2026-11-30T10:00:01.000Z two\n".into()
        }]
    );
    let effects = run(&mut s, &[key(LogsCommand::Copy)]);
    let [Effect::CopyText(text)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(text.contains("two"));
    assert!(kdeck::ui::logs::osc52("hi").starts_with("\x1b]52;c;aGk="));
}

#[test]
fn the_buffer_cap_holds_under_a_flood_and_the_drops_are_shown() {
    let mut s = state(Kind::Pod, (100, 24));
    s.log_settings.caps.max_lines = 500;
    select(&mut s, "myapp-deploy-5b8d7f9c6d-4xk2p");
    let stream = started(&run(&mut s, &[Msg::Action(Action::ShowLogs)]))[0].1;
    for batch in 0..20 {
        let flood: Vec<String> = (0..1000).map(|i| format!("flood {batch}-{i}")).collect();
        run(
            &mut s,
            &[Msg::LogStream {
                stream,
                chunk: LogChunk::Lines(flood),
            }],
        );
        assert!(view(&s).buffer.len() <= 500);
    }
    assert_eq!(view(&s).buffer.dropped(), 19_500);
    let text = screen_text(&s);
    assert!(text.contains("19500 dropped"), "{text}");
    assert!(text.contains("flood 19-999"), "{text}");
}

#[test]
fn escape_sequences_are_drawn_inert() {
    let (mut s, stream) = pod_logs((160, 24));
    let hostile = format!("x {}", kdeck::sim::logs::log_lines::ESCAPES);
    run(&mut s, &[lines(stream, &[&hostile, "bad \u{fffd} utf-8"])]);
    let text = screen_text(&s);
    assert!(text.contains("title^[]0;PWNED-TITLE^G"), "{text}");
    assert!(text.contains("clip^[]52;c;UFdORUQ=^G"), "{text}");
    assert!(text.contains("clear^[[2J^[[1;1H"), "{text}");
    assert!(text.contains("c1^[[6n"), "{text}");
    assert!(text.contains("bad \u{fffd} utf-8"), "{text}");
}

#[test]
fn previous_restarts_the_stream_and_toggles_show() {
    let (mut s, stream) = pod_logs((120, 30));
    run(&mut s, &[lines(stream, &["current"])]);
    let effects = run(&mut s, &[key(LogsCommand::TogglePrevious)]);
    let [Effect::StartLogs(r)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(r.options.previous && !r.options.follow && r.stream != stream);
    run(&mut s, &[lines(stream, &["stale chunk of the old stream"])]);
    run(&mut s, &[lines(r.stream, &["before the crash"])]);
    let text = screen_text(&s);
    assert!(
        text.contains("(previous)") && text.contains("before the crash"),
        "{text}"
    );
    assert!(!text.contains("stale chunk"), "{text}");
    run(&mut s, &[key(LogsCommand::ToggleWrap)]);
    assert!(screen_text(&s).contains("[wrap previous]"));
}

#[test]
fn a_quiet_pod_says_so_and_a_line_ends_the_quiet() {
    let (mut s, stream) = pod_logs((120, 30));
    run(
        &mut s,
        &[Msg::LogStream {
            stream,
            chunk: LogChunk::Quiet(3),
        }],
    );
    let text = screen_text(&s);
    assert!(
        text.contains("no lines in the last 3 minutes, following"),
        "{text}"
    );
    run(&mut s, &[lines(stream, &["awake"])]);
    assert!(!screen_text(&s).contains("no lines in the last"));
}

#[test]
fn long_lines_are_cut_on_screen_and_saved_whole() {
    let mut s = state(Kind::Pod, (100, 30));
    s.log_settings.max_line_chars = 120;
    select(&mut s, "myapp-deploy-5b8d7f9c6d-4xk2p");
    let stream = started(&run(&mut s, &[Msg::Action(Action::ShowLogs)]))[0].1;
    let long = format!("{}END", "x".repeat(300));
    run(
        &mut s,
        &[lines(stream, &[&long]), key(LogsCommand::ToggleWrap)],
    );
    let text = screen_text(&s);
    assert!(text.contains("xxxxxxxx") && !text.contains("END"), "{text}");
    let effects = run(&mut s, &[key(LogsCommand::Save), Msg::InputSubmit]);
    let [Effect::SaveText { text, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(text.trim_end(), long);
}

#[test]
fn the_container_picker_switches_the_stream() {
    let mut s = state(Kind::Pod, (120, 30));
    let mut pod = rows(Kind::Pod)
        .into_iter()
        .find(|r| r.meta.name == "myapp-deploy-5b8d7f9c6d-4xk2p")
        .expect("fixture pod");
    if let kdeck::cluster::Detail::Pod(p) = &mut pod.detail {
        let mut containers = p.containers.to_vec();
        let mut sidecar = containers[0].clone();
        sidecar.name = "sidecar".into();
        containers.push(sidecar);
        p.containers = containers.into();
    }
    run(
        &mut s,
        &[Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Pod,
            rows: vec![pod],
        }])],
    );
    select(&mut s, "myapp-deploy-5b8d7f9c6d-4xk2p");
    let effects = run(&mut s, &[Msg::Action(Action::ShowLogs)]);
    assert_eq!(
        view(&s).picker,
        Some(0),
        "several containers: the picker opens"
    );
    let text = screen_text(&s);
    assert!(
        text.contains("container (Enter picks") && text.contains("sidecar"),
        "{text}"
    );
    let first = started(&effects)[0].1;
    let effects = run(
        &mut s,
        &[Msg::Action(Action::Down), Msg::Action(Action::Enter)],
    );
    let [Effect::StartLogs(r)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(r.target.container.as_deref(), Some("sidecar"));
    assert_ne!(r.stream, first);
    assert!(view(&s).title().ends_with("/sidecar"));
    run(&mut s, &[key(LogsCommand::PickContainer)]);
    assert_eq!(view(&s).picker, Some(0));
    run(&mut s, &[Msg::Action(Action::Back)]);
    assert_eq!(view(&s).picker, None, "Esc closes the picker");
    assert!(matches!(s.screen(), Screen::Logs(_)));
}
