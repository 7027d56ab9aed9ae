//! A list's pages at the update level: the rows of its first page are shown at once with a
//! title that says more are coming (`pods(default)[2…]`), the next pages add theirs, and
//! the rows the list did not name go only at its end.

mod ui_fixtures;

use kdeck::app::state::{Screen, State};
use kdeck::app::{Msg, update};
use kdeck::cluster::{ClusterUpdate, Kind, Row, RowsClaim, WatchState};
use ui_fixtures::{pod, render, rows, state, text};

fn send(state: &mut State, update_: ClusterUpdate) {
    let _ = update(state, Msg::Cluster(vec![update_]));
    state.refresh_views();
}

fn visible(state: &State) -> Vec<String> {
    let Screen::Table(t) = state.screen() else {
        panic!("not a table")
    };
    let store = state.stores.of(t.kind);
    let mut names: Vec<String> = t
        .visible
        .iter()
        .filter_map(|s| store.get(*s))
        .map(|r| r.meta.name.clone())
        .collect();
    names.sort();
    names
}

fn title_line(state: &State) -> String {
    text(&render(state))
        .lines()
        .find(|l| l.contains("pods("))
        .unwrap_or_default()
        .to_owned()
}

fn named(prefix: &str, n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| {
            pod(
                "default",
                &format!("{prefix}-{i}"),
                None,
                "Running",
                true,
                60,
            )
        })
        .collect()
}

#[test]
fn pages_show_at_once_and_the_unlisted_go_at_the_end() {
    let mut s = state(Kind::Pod, (120, 30));
    // A pane that shows the rows of an earlier list, one of which ("web-0") was deleted
    // while the watch was down: the new list does not name it.
    send(
        &mut s,
        ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: named("web", 3),
        },
    );
    send(
        &mut s,
        ClusterUpdate::State {
            kind: Kind::Pod,
            state: WatchState::Syncing,
        },
    );
    assert!(
        title_line(&s).contains("pods(default)[3]"),
        "{}",
        title_line(&s)
    );

    // Page 1: its rows at once, the old ones kept for now, and the title says "more".
    let mut page1 = named("api", 2);
    page1.push(named("web", 2).remove(1));
    send(
        &mut s,
        ClusterUpdate::Listed {
            kind: Kind::Pod,
            rows: page1,
            first: true,
            claim: RowsClaim::default(),
        },
    );
    assert_eq!(visible(&s), ["api-0", "api-1", "web-0", "web-1", "web-2"]);
    assert!(
        title_line(&s).contains("pods(default)[5…]"),
        "{}",
        title_line(&s)
    );

    // Page 2 adds its rows.
    send(
        &mut s,
        ClusterUpdate::Listed {
            kind: Kind::Pod,
            rows: named("db", 1),
            first: false,
            claim: RowsClaim::default(),
        },
    );
    assert_eq!(
        visible(&s),
        ["api-0", "api-1", "db-0", "web-0", "web-1", "web-2"]
    );

    // The end: web-2 in the last page; web-0, which no page named, is gone.
    send(
        &mut s,
        ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: named("web", 3).split_off(2),
        },
    );
    send(
        &mut s,
        ClusterUpdate::State {
            kind: Kind::Pod,
            state: WatchState::Live,
        },
    );
    assert_eq!(visible(&s), ["api-0", "api-1", "db-0", "web-1", "web-2"]);
    assert!(
        title_line(&s).contains("pods(default)[5]"),
        "{}",
        title_line(&s)
    );
}

#[test]
fn a_first_page_fills_an_empty_pane_before_the_list_ends() {
    let mut s = state(Kind::Pod, (120, 30));
    send(
        &mut s,
        ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: Vec::new(),
        },
    );
    send(
        &mut s,
        ClusterUpdate::State {
            kind: Kind::Pod,
            state: WatchState::Syncing,
        },
    );
    assert!(text(&render(&s)).contains("loading…"));
    send(
        &mut s,
        ClusterUpdate::Listed {
            kind: Kind::Pod,
            rows: rows(Kind::Pod),
            first: true,
            claim: RowsClaim::default(),
        },
    );
    let screen = text(&render(&s));
    assert!(!screen.contains("loading…"), "{screen}");
    assert!(screen.contains("…]"), "{screen}");
    assert!(!visible(&s).is_empty());
}
