//! The end-to-end measurement of the real binary against the embedded cluster's `scale`
//! scenario, as a user meets it:
//! `cargo bench --bench e2e [-- --pods N[,M...] --churn R --idle-secs S]`.
//!
//! The embedded cluster runs in this process (so its request log can be read), kdeck in a
//! pseudo-terminal at 200x60 with `--trace-frames`. First kdeck's baseline: its peak RSS
//! showing the pods of a cluster that has none. Then, for each number of pods (5,000 and
//! 50,000 by default, with the ~4 events a pod the scale-up leaves), three runs, each on a
//! fresh cluster:
//! - idle: the reference, `kubectl get pods -A` (median of 3, to its first line and to its
//!   end); kdeck's first frame, first row and complete pods table (`pods(all)[N]`); its
//!   peak RSS and RSS a pod over the baseline; then a quiet minute: CPU, the requests kdeck
//!   sent (told by its User-Agent) and the bytes it wrote to the terminal; then the events
//!   pane: its complete table and what it added to the peak, a row;
//! - quiet: the same pods on a cluster without the metrics API (`kdeck sim --no-metrics`),
//!   so the quiet minute's CPU, requests and terminal bytes are the dashboard's own (the
//!   AGE cells), without the metrics polls and the CPU and memory cells they redraw;
//! - busy: `--churn` pod updates a second: CPU, key-press-to-screen latency (median, p99,
//!   from the frame trace) and peak RSS.
//!
//! Nothing here asserts a time: the machine is shared and noisy; run it more than once.

#[path = "../tests/pty/mod.rs"]
mod pty;

#[path = "e2e/proc_stats.rs"]
mod proc_stats;
#[path = "e2e/reference.rs"]
mod reference;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::{Sim, SimOptions};
use proc_stats::{cpu_time, peak_rss_kib, percentile, rss_kib};
use pty::PtySession;

/// The binary measured: this build's, or `KDECK_BIN` (another build of it, e.g. with
/// another allocator, compared without rebuilding the bench).
fn kdeck_binary() -> PathBuf {
    std::env::var_os("KDECK_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kdeck")), PathBuf::from)
}
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
/// How long CPU is sampled under churn.
const BUSY_SAMPLE: Duration = Duration::from_secs(10);
/// Keys pressed under churn, one every [`KEY_GAP`].
const KEYS: usize = 60;
const KEY_GAP: Duration = Duration::from_millis(150);
/// The longest wait for a table to fill.
const FILL_TIMEOUT: Duration = Duration::from_secs(900);

struct Options {
    pods: Vec<usize>,
    churn: u32,
    idle: Duration,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    Options {
        pods: value("--pods").map_or_else(
            || vec![5_000, 50_000],
            |v| v.split(',').filter_map(|n| n.parse().ok()).collect(),
        ),
        churn: value("--churn")
            .and_then(|c| c.parse().ok())
            .unwrap_or(1_000),
        idle: Duration::from_secs(
            value("--idle-secs")
                .and_then(|s| s.parse().ok())
                .unwrap_or(60),
        ),
    }
}

/// An embedded cluster in this process, with the kubeconfig written for it.
struct Cluster {
    sim: Sim,
    kubeconfig: PathBuf,
}

fn start_cluster(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    scenario: ScenarioName,
    pods: usize,
    churn: u32,
    metrics: bool,
) -> Cluster {
    let args = SimArgs {
        scenario,
        pods,
        deployments: (pods / 100).max(1),
        churn,
        no_metrics: !metrics,
        ..SimArgs::default()
    };
    let sim = rt
        .block_on(Sim::start(SimOptions {
            args,
            manual_clock: false,
        }))
        .expect("start the embedded cluster");
    let kubeconfig = dir.join(format!("kubeconfig-{pods}-{churn}-{metrics}.yaml"));
    sim.write_kubeconfig(&kubeconfig)
        .expect("write the kubeconfig");
    Cluster { sim, kubeconfig }
}

/// Requests kdeck sent so far, told by its User-Agent.
fn kdeck_requests(sim: &Sim) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.user_agent.starts_with("kdeck/"))
        .count()
}

/// The row count in a table's title (`pods(all)[500…]` is 500), if shown.
fn title_count(screen: &str, title: &str) -> Option<usize> {
    let at = screen.find(title)? + title.len();
    let digits: String = screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn spawn_kdeck(dir: &Path, kubeconfig: &Path, trace: &Path) -> PtySession {
    let args = [
        "--kubeconfig",
        kubeconfig.to_str().expect("utf-8 path"),
        "--command",
        "pods",
        "-A",
        "--trace-frames",
        trace.to_str().expect("utf-8 path"),
    ];
    let config_home = dir.join("config");
    let env = [("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))];
    PtySession::spawn(&kdeck_binary(), &args, &env, WIDTH, HEIGHT)
}

/// Waits until the screen holds `complete`.
fn wait_complete(session: &PtySession, complete: &str) {
    let deadline = Instant::now() + FILL_TIMEOUT;
    while !session.screen().contains(complete) {
        assert!(
            Instant::now() < deadline,
            "no {complete} on screen; screen:\n{}",
            session.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn quit(mut session: PtySession) {
    session.send("\x03");
}

/// kdeck's peak RSS (KiB) on a cluster without pods: what a pod's cost is counted from.
fn baseline(rt: &tokio::runtime::Runtime, dir: &Path) -> f64 {
    let cluster = start_cluster(rt, dir, ScenarioName::Empty, 0, 0, true);
    let session = spawn_kdeck(dir, &cluster.kubeconfig, &dir.join("frames-baseline.tsv"));
    let pid = session.pid().expect("kdeck's pid");
    session.wait_for("an empty pods table", |s| s.contains("no pods here"));
    let peak = peak_rss_kib(pid);
    println!(
        "baseline (no pods): peak RSS {:.1} MiB, RSS {:.1} MiB",
        peak / 1024.0,
        rss_kib(pid) / 1024.0
    );
    quit(session);
    rt.block_on(cluster.sim.stop());
    peak
}

fn reference(kubeconfig: &Path) {
    let mut runs: Vec<reference::KubectlRun> = (0..3)
        .filter_map(|_| reference::kubectl_get_pods(kubeconfig))
        .collect();
    if runs.is_empty() {
        println!("  reference: kubectl not found");
        return;
    }
    runs.sort_by_key(|r| r.complete);
    let complete = runs[runs.len() / 2];
    runs.sort_by_key(|r| r.first_line);
    let first = runs[runs.len() / 2];
    println!(
        "  reference: kubectl get pods -A: first line {:.2} s, complete {:.2} s (median of {}, {} pods)",
        first.first_line.as_secs_f64(),
        complete.complete.as_secs_f64(),
        runs.len(),
        complete.lines
    );
}

/// Loading, a quiet minute, then the events pane.
fn idle_run(cluster: &Cluster, dir: &Path, pods: usize, baseline_kib: f64, idle: Duration) {
    let start = Instant::now();
    let session = spawn_kdeck(dir, &cluster.kubeconfig, &dir.join("frames-idle.tsv"));
    let pid = session.pid().expect("kdeck's pid");
    session.wait_for("the first frame", |s| s.contains("pods("));
    let first_frame = start.elapsed();
    let deadline = Instant::now() + FILL_TIMEOUT;
    while title_count(&session.screen(), "pods(all)[").unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "no row came");
        std::thread::sleep(Duration::from_millis(5));
    }
    let first_row = start.elapsed();
    wait_complete(&session, &format!("pods(all)[{pods}]"));
    let complete = start.elapsed();
    let peak = peak_rss_kib(pid);
    println!(
        "  kdeck: first frame {:.2} s, first row {:.2} s, complete table {:.2} s",
        first_frame.as_secs_f64(),
        first_row.as_secs_f64(),
        complete.as_secs_f64()
    );
    println!(
        "  kdeck: peak RSS {:.1} MiB, {:.0} bytes a pod over the baseline",
        peak / 1024.0,
        (peak - baseline_kib) * 1024.0 / pods as f64
    );

    quiet_minute(&session, &cluster.sim, idle, "idle");

    let mut session = session;
    let before = peak_rss_kib(pid);
    let start = Instant::now();
    session.type_slowly(":events\r");
    let deadline = Instant::now() + FILL_TIMEOUT;
    let events = loop {
        let screen = session.screen();
        if let Some(n) = title_count(&screen, "events(all)[")
            && screen.contains(&format!("events(all)[{n}]"))
            && n > 0
        {
            break n;
        }
        assert!(Instant::now() < deadline, "the events did not come");
        std::thread::sleep(Duration::from_millis(20));
    };
    let peak = peak_rss_kib(pid);
    println!(
        "  events pane: {events} events in {:.2} s; peak RSS {:.1} MiB, {:.0} bytes an event over the pods' peak",
        start.elapsed().as_secs_f64(),
        peak / 1024.0,
        (peak - before) * 1024.0 / events as f64
    );
    quit(session);
}

/// A quiet stretch of `idle`: kdeck's CPU, the requests it sent and the bytes it wrote
/// to the terminal, a minute; its RSS after it.
fn quiet_minute(session: &PtySession, sim: &Sim, idle: Duration, label: &str) {
    let pid = session.pid().expect("kdeck's pid");
    let (cpu0, bytes0, requests0) = (
        cpu_time(pid),
        session.raw_output().len(),
        kdeck_requests(sim),
    );
    let t0 = Instant::now();
    std::thread::sleep(idle);
    let minutes = t0.elapsed().as_secs_f64() / 60.0;
    let cpu = cpu_time(pid).saturating_sub(cpu0).as_secs_f64() / t0.elapsed().as_secs_f64();
    let bytes = (session.raw_output().len() - bytes0) as f64 / minutes;
    let requests = (kdeck_requests(sim) - requests0) as f64 / minutes;
    println!(
        "  {label}: CPU {:.2}% of a core, {requests:.0} requests a minute, {bytes:.0} terminal bytes a minute; RSS {:.1} MiB",
        cpu * 100.0,
        rss_kib(pid) / 1024.0
    );
}

/// The quiet minute on a cluster without the metrics API: the dashboard's own cost.
fn quiet_run(cluster: &Cluster, dir: &Path, pods: usize, idle: Duration) {
    let session = spawn_kdeck(dir, &cluster.kubeconfig, &dir.join("frames-quiet.tsv"));
    wait_complete(&session, &format!("pods(all)[{pods}]"));
    quiet_minute(&session, &cluster.sim, idle, "idle without the metrics API");
    quit(session);
}

/// Under churn: CPU, key to screen, peak RSS.
fn busy_run(cluster: &Cluster, dir: &Path, pods: usize) {
    let trace = dir.join("frames-busy.tsv");
    let mut session = spawn_kdeck(dir, &cluster.kubeconfig, &trace);
    let pid = session.pid().expect("kdeck's pid");
    wait_complete(&session, &format!("pods(all)[{pods}]"));
    let (cpu0, t0) = (cpu_time(pid), Instant::now());
    std::thread::sleep(BUSY_SAMPLE);
    let cpu = cpu_time(pid).saturating_sub(cpu0).as_secs_f64() / t0.elapsed().as_secs_f64();
    for i in 0..KEYS {
        session.send(if i % 2 == 0 { "j" } else { "k" });
        std::thread::sleep(KEY_GAP);
    }
    std::thread::sleep(Duration::from_millis(500));
    let l = latencies(&trace);
    println!(
        "  busy: CPU {:.1}% of a core; key to screen median {:.1} ms, p99 {:.1} ms ({} frames with input); peak RSS {:.1} MiB",
        cpu * 100.0,
        percentile(&l, 0.5),
        percentile(&l, 0.99),
        l.len(),
        peak_rss_kib(pid) / 1024.0
    );
    quit(session);
}

/// Input latencies (ms) from the frame trace: the third column, where present.
fn latencies(trace: &Path) -> Vec<f64> {
    let text = std::fs::read_to_string(trace).unwrap_or_default();
    let mut v: Vec<f64> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(2))
        .filter_map(|f| f.parse::<f64>().ok())
        .map(|us| us / 1000.0)
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

fn main() {
    // `cargo bench` passes `--bench`; libtest-style filters are ignored.
    let o = options();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!(
        "kdeck end-to-end, {WIDTH}x{HEIGHT}, pods {:?}, churn {} updates/s, {}",
        o.pods,
        o.churn,
        kdeck_binary().display()
    );
    let baseline_kib = baseline(&rt, dir.path());
    for &pods in &o.pods {
        let started = Instant::now();
        let cluster = start_cluster(&rt, dir.path(), ScenarioName::Scale, pods, 0, true);
        println!(
            "{pods} pods: cluster started in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        reference(&cluster.kubeconfig);
        idle_run(&cluster, dir.path(), pods, baseline_kib, o.idle);
        rt.block_on(cluster.sim.stop());
        let cluster = start_cluster(&rt, dir.path(), ScenarioName::Scale, pods, 0, false);
        quiet_run(&cluster, dir.path(), pods, o.idle);
        rt.block_on(cluster.sim.stop());
        let cluster = start_cluster(&rt, dir.path(), ScenarioName::Scale, pods, o.churn, true);
        println!("{pods} pods, churn {} updates/s:", o.churn);
        busy_run(&cluster, dir.path(), pods);
        rt.block_on(cluster.sim.stop());
    }
}
