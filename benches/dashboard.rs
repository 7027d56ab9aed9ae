//! The dashboard's hot paths at 1k, 10k and 50k pods (criterion):
//! - `visible_rows`: rebuilding the pods table's visible, sorted slot list from the store;
//! - `frame`: drawing one frame of the pods table into a 200x60 `TestBackend`;
//! - `watch_batch`: applying a batch of 1,000 changed pods to a 50k store, then the table;
//! - `filter`: filtering 50k pods by a substring and by a label selector.
//!
//! `cargo bench --bench dashboard`. The rows are built from realistic pod objects the
//! way the watch path builds them (`into_row`), spread over 50 namespaces and 100 apps.

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use kdeck::app::filter::Filter;
use kdeck::app::state::{Screen, State};
use kdeck::app::{Msg, update};
use kdeck::cluster::rows::ToRow as _;
use kdeck::cluster::rows::lean::pod::Pod;
use kdeck::cluster::rows::row_bytes::sample_pod_json;
use kdeck::cluster::{ClusterUpdate, Kind, Row, WatchState};
use kdeck::keymap::Keymap;
use kdeck::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [usize; 3] = [1_000, 10_000, 50_000];
const BATCH: usize = 1_000;

/// Pod `i`, in one of 50 namespaces and one of 100 apps.
fn pod_row(i: usize, resource_version: usize) -> Row {
    let mut json = sample_pod_json(i);
    json["metadata"]["namespace"] = format!("team-{:02}", i % 50).into();
    json["metadata"]["labels"]["app"] = format!("app-{}", i % 100).into();
    json["metadata"]["resourceVersion"] = resource_version.to_string().into();
    let pod: Pod = serde_json::from_value(json).expect("the sample pod parses");
    pod.into_row()
}

/// The pods pane over all namespaces with `n` pods loaded, at 200x60.
fn state_with(n: usize) -> State {
    let mut state = State::new(Kind::Pod, None, Keymap::default_keymap(), Theme::dark());
    state.now = "2026-11-30T09:00:00Z"
        .parse::<Timestamp>()
        .expect("a valid timestamp");
    let _ = update(&mut state, Msg::Resize(200, 60));
    let rows = (0..n).map(|i| pod_row(i, i)).collect();
    let _ = update(
        &mut state,
        Msg::Cluster(vec![ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows,
        }]),
    );
    let _ = update(
        &mut state,
        Msg::Cluster(vec![ClusterUpdate::State {
            kind: Kind::Pod,
            state: WatchState::Live,
        }]),
    );
    state.refresh_views();
    state
}

fn set_filter(state: &mut State, text: &str) {
    let filter = Filter::parse(text).expect("a valid filter");
    if let Some(Screen::Table(table)) = state.screens.last_mut() {
        table.filter = Some(filter);
    }
    state.invalidate_views();
}

fn visible_rows_and_frames(c: &mut Criterion) {
    let mut rows = c.benchmark_group("visible_rows");
    let mut states: Vec<(usize, State)> = SIZES.iter().map(|&n| (n, state_with(n))).collect();
    for (n, state) in &mut states {
        let n = *n;
        rows.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                state.invalidate_views();
                state.refresh_views();
                black_box(&state);
            });
        });
    }
    rows.finish();

    let mut frames = c.benchmark_group("frame");
    for (n, state) in &states {
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a test terminal");
        frames.bench_with_input(BenchmarkId::from_parameter(n), n, |b, _| {
            b.iter(|| {
                terminal.draw(|f| kdeck::ui::draw(state, f)).expect("draw");
            });
        });
    }
    frames.finish();
}

fn watch_batch(c: &mut Criterion) {
    let n = 50_000;
    let mut state = state_with(n);
    // Every pod of the batch changed once (a new resourceVersion), spread over the store.
    let changed: Vec<Row> = (0..BATCH)
        .map(|k| {
            let i = k * (n / BATCH);
            pod_row(i, n + k)
        })
        .collect();
    c.bench_function("watch_batch/1000_of_50000", |b| {
        // The same rows each time: the store replaces them as it would new versions.
        b.iter_batched(
            || changed.clone(),
            |rows| {
                let _ = update(
                    &mut state,
                    Msg::Cluster(vec![ClusterUpdate::Applied {
                        kind: Kind::Pod,
                        rows,
                    }]),
                );
                state.refresh_views();
            },
            BatchSize::LargeInput,
        );
    });
}

fn filter(c: &mut Criterion) {
    let mut state = state_with(50_000);
    let mut group = c.benchmark_group("filter_50000");
    for (name, text) in [("substring", "-00042"), ("label_selector", "-l app=app-7")] {
        group.bench_function(name, |b| {
            b.iter(|| {
                set_filter(&mut state, text);
                state.refresh_views();
                black_box(&state);
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = visible_rows_and_frames, watch_batch, filter
}
criterion_main!(benches);
