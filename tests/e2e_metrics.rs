//! CPU and memory use in the real binary, in a pseudo-terminal against the embedded
//! cluster: the pods pane's CPU and MEM columns appear for a `:spiky` pod and change
//! from sample to sample, its bursts above its CPU request; against `kdeck sim
//! --no-metrics` the columns say `n/a` and the status line says why.

mod pty;
mod support;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;

use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::SimOptions;
use pty::{PtySession, keys};
use support::TestSim;

/// kdeck on the pods pane, polling metrics every second (a sample is 15 simulated
/// seconds, under a second at the tests' speed).
fn kdeck(sim: &TestSim) -> PtySession {
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    std::fs::create_dir_all(config_home.join("kdeck")).expect("the config dir");
    std::fs::write(
        config_home.join("kdeck").join("config.toml"),
        "[metrics]\ninterval_seconds = 1\n",
    )
    .expect("the config file");
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig, "--command", "pods"],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        160,
        40,
    )
}

fn sim(metrics: bool) -> TestSim {
    TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            // Samples every 1.5 s (15 simulated seconds), kdeck polls every second: every
            // sample is seen. At the usual test speed (a sample every 0.75 s) the polls
            // saw every other one for long stretches under load, and a burst (one sample
            // in four) could be skipped for the whole wait.
            speed: 10.0,
            no_metrics: !metrics,
            ..SimArgs::default()
        },
        manual_clock: false,
    })
}

/// The cell of column `header` in the first row starting with `row_prefix` (after the
/// pane's border), if both show.
fn cell(screen: &str, header: &str, row_prefix: &str) -> Option<String> {
    let heading = screen.lines().find(|l| l.contains("NAME"))?;
    let byte = heading.find(&format!(" {header} "))? + 1;
    // Columns count in characters: the border and the sort arrow are multi-byte.
    let column = heading[..byte].chars().count();
    let row = screen.lines().find(|l| {
        l.chars()
            .skip(1)
            .collect::<String>()
            .starts_with(row_prefix)
    })?;
    let value: String = row
        .chars()
        .skip(column)
        .take_while(|c| !c.is_whitespace())
        .collect();
    Some(value).filter(|v| !v.is_empty())
}

/// Millicores from a CPU cell (`33m`, `1`, `1.5`).
fn millicores(cell: &str) -> Option<u64> {
    match cell.strip_suffix('m') {
        Some(m) => m.parse().ok(),
        None => cell
            .parse::<f64>()
            .ok()
            .map(|cores| (cores * 1000.0) as u64),
    }
}

#[test]
fn a_spiky_pods_cpu_and_memory_show_and_change_with_its_bursts() {
    let sim = sim(true);
    sim.create_yaml(
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: burst, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: burst}}
  template:
    metadata: {labels: {app: burst}}
    spec:
      containers:
      - name: burst
        image: nginx:spiky
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 250m, memory: 128Mi}
",
    );
    let mut s = kdeck(&sim);
    s.wait_for_text("State: live");
    s.type_slowly("/burst");
    s.send(keys::ENTER);
    // Every value the CPU cell takes, until it has shown a burst (twice its 100m request,
    // one sample in four) and a quiet sample (a third of it).
    let seen: RefCell<BTreeSet<u64>> = RefCell::default();
    let memory: RefCell<Option<String>> = RefCell::default();
    s.wait_for(
        "the CPU cell to show a burst and a quiet sample",
        |screen| {
            if let Some(cpu) = cell(screen, "CPU", "burst-").and_then(|c| millicores(&c)) {
                seen.borrow_mut().insert(cpu);
            }
            if let Some(mem) = cell(screen, "MEM", "burst-") {
                memory.replace(Some(mem));
            }
            let seen = seen.borrow();
            seen.iter().any(|m| *m > 150) && seen.iter().any(|m| *m < 100)
        },
    );
    let memory = memory.take().expect("a MEM cell");
    assert!(memory.ends_with("Mi"), "memory in MiB: {memory}");
    let screen = s.screen();
    assert!(
        cell(&screen, "%CPU/R", "burst-").is_some_and(|p| p.parse::<u64>().is_ok()),
        "use against the request:\n{screen}"
    );
    s.send(keys::ESC);
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on q");
}

#[test]
fn without_the_metrics_api_the_columns_say_n_a() {
    let sim = sim(false);
    let mut s = kdeck(&sim);
    let screen = s.wait_for("the columns to say n/a", |screen| {
        cell(screen, "CPU", "myapp-deploy-").as_deref() == Some("n/a")
    });
    assert!(
        screen.contains("CPU/MEM n/a: no metrics API on this cluster"),
        "the status line says why:\n{screen}"
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on q");
}
