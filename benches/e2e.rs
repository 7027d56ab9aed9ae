//! The end-to-end measurement of the real binary against the embedded cluster's
//! `scale` scenario, as a user meets it: `cargo bench --bench e2e [-- --pods N --churn R]`.
//!
//! Two runs, each on a fresh `kdeck sim --scenario scale`: one with no churn (loading and
//! idle), one with `--churn` pod updates a second (busy). In each, kdeck runs in a
//! pseudo-terminal at 200x60 with `--trace-frames`, and this reports:
//! - the reference: `kubectl get pods -A -o name` against the same server (median of 3);
//! - time to the first frame, and until the complete pods table (`pods(all)[N]`) is shown;
//! - peak RSS; CPU and terminal bytes written a second while idle and under churn;
//! - key-press-to-screen latency (median, p99) under churn, from the frame trace.
//!
//! Medians and ratios only: the machine is shared and noisy. Nothing here asserts a time.

#[path = "../tests/pty/mod.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pty::PtySession;

const KDECK: &str = env!("CARGO_BIN_EXE_kdeck");
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
/// How long CPU and output are sampled in each state.
const SAMPLE: Duration = Duration::from_secs(10);
/// Keys pressed under churn, one every [`KEY_GAP`].
const KEYS: usize = 60;
const KEY_GAP: Duration = Duration::from_millis(150);

struct Options {
    pods: usize,
    churn: u32,
}

fn options() -> Options {
    let mut o = Options {
        pods: 50_000,
        churn: 1_000,
    };
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
    };
    if let Some(p) = value("--pods") {
        o.pods = p;
    }
    if let Some(c) = value("--churn") {
        o.churn = u32::try_from(c).unwrap_or(u32::MAX);
    }
    o
}

/// A `kdeck sim` process, killed when dropped.
struct Sim {
    child: Child,
    kubeconfig: PathBuf,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sim(dir: &Path, pods: usize, churn: u32) -> Sim {
    let kubeconfig = dir.join(format!("kubeconfig-{churn}.yaml"));
    let child = Command::new(KDECK)
        .args(["sim", "--scenario", "scale", "--pods"])
        .arg(pods.to_string())
        .args(["--deployments", &(pods / 100).max(1).to_string()])
        .arg("--churn")
        .arg(churn.to_string())
        .arg("--write-kubeconfig")
        .arg(&kubeconfig)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kdeck sim");
    let sim = Sim { child, kubeconfig };
    let deadline = Instant::now() + Duration::from_secs(600);
    while !sim.kubeconfig.exists() {
        assert!(Instant::now() < deadline, "the sim did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    sim
}

/// The median of three `kubectl get pods -A -o name`, and the lines of the last one.
fn kubectl_reference(kubeconfig: &Path) -> Option<(Duration, usize)> {
    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let out = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .args(["get", "pods", "-A", "-o", "name"])
            .output()
            .ok()?;
        times.push(start.elapsed());
        lines = out.stdout.split(|b| *b == b'\n').count().saturating_sub(1);
    }
    times.sort();
    Some((times[1], lines))
}

/// User and system CPU time of a process so far (clock ticks of 10 ms, Linux's USER_HZ).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Peak resident set size in MiB.
fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU share of one core and terminal bytes a second over [`SAMPLE`].
fn sample(session: &PtySession, pid: u32) -> (f64, f64) {
    let (cpu0, bytes0, t0) = (cpu_time(pid), session.raw_output().len(), Instant::now());
    std::thread::sleep(SAMPLE);
    let elapsed = t0.elapsed().as_secs_f64();
    let cpu = cpu_time(pid).saturating_sub(cpu0).as_secs_f64() / elapsed;
    let bytes = (session.raw_output().len() - bytes0) as f64 / elapsed;
    (cpu, bytes)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
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

fn run_dashboard(dir: &Path, sim: &Sim, pods: usize, busy: bool) {
    let trace = dir.join(format!("frames-{busy}.tsv"));
    let start = Instant::now();
    let args = [
        "--kubeconfig",
        sim.kubeconfig.to_str().expect("utf-8 path"),
        "--command",
        "pods",
        "-A",
        "--trace-frames",
        trace.to_str().expect("utf-8 path"),
    ];
    let config_home = dir.join("config");
    let env = [("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))];
    let session = PtySession::spawn(Path::new(KDECK), &args, &env, WIDTH, HEIGHT);
    let pid = session.pid().expect("kdeck's pid");
    session.wait_for("the first frame", |s| s.contains("pods("));
    let first = start.elapsed();
    let complete = format!("pods(all)[{pods}]");
    let deadline = Instant::now() + Duration::from_secs(900);
    while !session.screen().contains(&complete) {
        assert!(
            Instant::now() < deadline,
            "the table did not fill; screen:\n{}",
            session.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let full = start.elapsed();
    let label = if busy { "under churn" } else { "idle" };
    if !busy {
        println!("  first frame: {:.2} s", first.as_secs_f64());
        println!(
            "  complete pods table ({pods} rows): {:.2} s",
            full.as_secs_f64()
        );
    }
    let (cpu, bytes) = sample(&session, pid);
    println!(
        "  {label}: CPU {:.1}% of a core, terminal output {:.0} bytes/s",
        cpu * 100.0,
        bytes
    );
    if busy {
        let mut session = session;
        for i in 0..KEYS {
            session.send(if i % 2 == 0 { "j" } else { "k" });
            std::thread::sleep(KEY_GAP);
        }
        std::thread::sleep(Duration::from_millis(500));
        let l = latencies(&trace);
        println!(
            "  key to screen under churn: median {:.1} ms, p99 {:.1} ms ({} frames with input)",
            percentile(&l, 0.5),
            percentile(&l, 0.99),
            l.len()
        );
        println!("  peak RSS: {:.1} MiB", peak_rss_mib(pid));
        session.send("\x03");
    } else {
        println!("  peak RSS: {:.1} MiB", peak_rss_mib(pid));
        let mut session = session;
        session.send("\x03");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; libtest-style filters are ignored.
    let o = options();
    let dir = tempfile::tempdir().expect("a temporary directory");
    println!(
        "kdeck end-to-end, {} pods, {WIDTH}x{HEIGHT}, churn {} updates/s",
        o.pods, o.churn
    );
    for busy in [false, true] {
        let churn = if busy { o.churn } else { 0 };
        let started = Instant::now();
        let sim = start_sim(dir.path(), o.pods, churn);
        println!(
            "sim with churn {churn}: started in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if let Some((t, lines)) = kubectl_reference(&sim.kubeconfig) {
            println!(
                "  reference: kubectl get pods -A -o name: {:.2} s (median of 3, {lines} lines)",
                t.as_secs_f64()
            );
        } else {
            println!("  reference: kubectl not found");
        }
        run_dashboard(dir.path(), &sim, o.pods, busy);
    }
}
