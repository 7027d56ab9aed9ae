//! Honest pane messages (issue 17): "no pods here" only once a list said so, and "last
//! update" counts only data that arrived. A pane whose first list has not come back, or
//! failed, or whose credentials were rejected says that instead.

mod ui_fixtures;

use kdeck::app::state::State;
use kdeck::app::{Msg, update};
use kdeck::cluster::{ClusterUpdate, Kind, WatchState};
use kdeck::keymap::Keymap;
use kdeck::theme::Theme;
use ui_fixtures::{ago, now, render, text};

/// A dashboard on the pods of `default` that has received nothing from the cluster yet.
fn nothing_received() -> State {
    let mut state = State::new(
        Kind::Pod,
        Some("default".into()),
        Keymap::default_keymap(),
        Theme::dark(),
    );
    state.now = now();
    state.connection.context = "kdeck-demo".into();
    let _ = update(&mut state, Msg::Resize(120, 40));
    state
}

fn pods_watch(state: &mut State, watch: WatchState) -> String {
    let _ = update(
        state,
        Msg::Cluster(vec![ClusterUpdate::State {
            kind: Kind::Pod,
            state: watch,
        }]),
    );
    state.refresh_views();
    text(&render(state))
}

#[test]
fn no_pods_here_only_once_a_list_said_so() {
    let mut state = nothing_received();
    let screen = text(&render(&state));
    assert!(
        !screen.contains("no pods here"),
        "before any answer:\n{screen}"
    );

    let screen = pods_watch(&mut state, WatchState::Syncing);
    assert!(screen.contains("loading…"), "{screen}");
    assert!(!screen.contains("no pods here"), "{screen}");

    // The first list failed: nothing was listed, and no update ever came.
    let failed = WatchState::Reconnecting {
        reason: "connection refused".into(),
        last_update: None,
    };
    let screen = pods_watch(&mut state, failed);
    assert!(screen.contains("nothing listed yet"), "{screen}");
    assert!(screen.contains("reconnecting (no update yet)"), "{screen}");
    assert!(!screen.contains("no pods here"), "{screen}");
    assert!(!screen.contains("last update"), "{screen}");

    let rejected = WatchState::Unauthorized(
        "credentials rejected by the server for context kdeck-demo: Unauthorized".into(),
    );
    let screen = pods_watch(&mut state, rejected);
    assert!(
        screen.contains("credentials rejected by the server for context kdeck-demo"),
        "{screen}"
    );
    assert!(screen.contains("State: credentials rejected"), "{screen}");
    assert!(!screen.contains("no pods here"), "{screen}");
    assert!(!screen.contains("reconnecting"), "{screen}");

    // A list that succeeded and found nothing: now it may say so.
    let _ = update(
        &mut state,
        Msg::Cluster(vec![ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: Vec::new(),
        }]),
    );
    let screen = pods_watch(&mut state, WatchState::Live);
    assert!(screen.contains("no pods here"), "{screen}");

    // Dropped after that list: the title counts from the data that arrived.
    let dropped = WatchState::Reconnecting {
        reason: "the watch stream ended".into(),
        last_update: ago(120),
    };
    let screen = pods_watch(&mut state, dropped);
    assert!(
        screen.contains("reconnecting (last update 2m ago): the watch stream ended"),
        "{screen}"
    );
}
