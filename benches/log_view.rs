//! Log ingestion and drawing: how many lines a second the logs view takes in while it
//! draws a frame per chunk, as the app loop does (one chunk per 40 ms of a stream).
//!
//! `cargo bench --bench log_view` (plain harness: no extra crate). Prints lines per
//! second for a plain multi-pod view and for one with a search and a filter active.

use std::hint::black_box;
use std::time::Instant;

use kdeck::app::line_matcher::LineMatcher;
use kdeck::app::logs::buffer::BufferCaps;
use kdeck::app::logs::{LogScope, LogSettings, LogSource, LogsView};
use kdeck::app::state::{Screen, State};
use kdeck::app::{Msg, update};
use kdeck::cluster::{Kind, LogChunk};
use kdeck::keymap::Keymap;
use kdeck::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const LINES: usize = 200_000;
const CHUNK: usize = 2000;
const PODS: u64 = 4;

fn line(i: usize) -> String {
    let status = if i.is_multiple_of(7) { 404 } else { 200 };
    let extra = if i.is_multiple_of(50) {
        " \x1b[31mred\x1b[0m\tafter-tab"
    } else {
        ""
    };
    format!(
        "2026-11-30T10:{:02}:{:02}.{:09}Z 10.244.1.{} - - [30/Nov/2026:10:00:00 +0000] \"GET /api/v1/items/{i} HTTP/1.1\" {status} 615 \"-\" \"kube-probe/1.33\" \"-\"{extra}",
        (i / 60_000) % 60,
        (i / 1000) % 60,
        i % 1_000_000_000,
        i % 250,
    )
}

fn state() -> State {
    let mut state = State::new(
        Kind::Pod,
        Some("default".into()),
        Keymap::default_keymap(),
        Theme::dark(),
    );
    let settings = LogSettings {
        caps: BufferCaps::default(),
        ..LogSettings::default()
    };
    let mut view = LogsView::new(
        "default",
        LogScope::Workload {
            kind: Kind::Deployment,
            name: "web".into(),
        },
        settings,
    );
    for stream in 0..PODS {
        view.sources.push(LogSource {
            stream,
            pod: format!("web-7c5ddbdf54-pod{stream}"),
            container: "nginx".into(),
            label: format!("7c5ddbdf54-pod{stream}"),
            started: true,
            ended: None,
        });
    }
    state.screens.push(Screen::Logs(Box::new(view)));
    state
}

fn run(name: &str, mut state: State, chunks: &[Vec<String>]) {
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test terminal");
    let start = Instant::now();
    for (i, chunk) in chunks.iter().enumerate() {
        let action = Msg::LogStream {
            stream: i as u64 % PODS,
            chunk: LogChunk::Lines(chunk.clone()),
        };
        black_box(update(&mut state, action));
        terminal.draw(|f| kdeck::ui::draw(&state, f)).expect("draw");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {:.0} lines/s ({LINES} lines in {} chunks of {CHUNK}, one 200x50 frame per chunk, {secs:.2} s)",
        LINES as f64 / secs,
        chunks.len()
    );
}

fn main() {
    let chunks: Vec<Vec<String>> = (0..LINES / CHUNK)
        .map(|c| (0..CHUNK).map(|i| line(c * CHUNK + i)).collect())
        .collect();
    run("follow, 4 pods", state(), &chunks);
    let mut searched = state();
    if let Some(Screen::Logs(view)) = searched.screens.last_mut() {
        view.search = LineMatcher::parse("items/1").expect("valid search");
        view.filter = LineMatcher::parse("~\" (404|500) ").expect("valid filter");
    }
    run("follow, 4 pods, search + regex filter", searched, &chunks);
}
