//! Screenshots of the real binary, taken by the pseudo-terminal harness (never by hand):
//! the pods pane, the deployments pane, the rollout view with a rollout paused after its
//! first new pod, and the help, at 120x40 and 80x24, each compared with
//! `screenshots/NAME_COLSxROWS.txt`. The cluster is seeded and its clock stopped, so names,
//! states and logs repeat from run to run; what does not (the loopback port, times and
//! ages) is scrubbed before comparing (`pty::screen_text`). `KDECK_UPDATE_SCREENSHOTS=1 cargo test --test e2e_screenshots`
//! writes the files anew.

mod pty;
mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::SimOptions;
use kube::api::Patch;
use pty::screen_text::{scrubbed, still};
use pty::{PtySession, keys};
use serde_json::json;
use support::{TestSim, test_timeout, wait_until};

/// The screenshots taken so far whose text differs from the committed file.
#[derive(Default)]
struct Screenshots {
    differing: Vec<String>,
}

impl Screenshots {
    /// Compares the scrubbed `screen` with `screenshots/NAME.txt`, or writes it there when
    /// `KDECK_UPDATE_SCREENSHOTS` is set.
    fn check(&mut self, name: &str, screen: &str) {
        let path = file(name);
        let taken = timeline_masked(&scrubbed(screen));
        if std::env::var_os("KDECK_UPDATE_SCREENSHOTS").is_some() {
            std::fs::write(&path, &taken).expect("write a screenshot");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != taken {
            let diff = similar::TextDiff::from_lines(&committed, &taken)
                .unified_diff()
                .header(&format!("{name}.txt (committed)"), "taken now")
                .to_string();
            self.differing.push(diff);
        }
    }

    fn assert_all_same(&self) {
        assert!(
            self.differing.is_empty(),
            "the screen differs from its screenshot (check the change, then \
             KDECK_UPDATE_SCREENSHOTS=1 cargo test --test e2e_screenshots):\n{}",
            self.differing.join("\n")
        );
    }
}

/// `screen` with the rollout timeline's rows blanked but for its title: its bars and
/// times are drawn against kdeck's clock, which runs on while the cluster's stands still,
/// so they differ from run to run (the timeline has its own snapshot tests).
fn timeline_masked(screen: &str) -> String {
    let mut inside = false;
    let mut text = String::new();
    for line in screen.lines() {
        let title = line.contains("── Timeline");
        if inside && !title && line.contains("── ") {
            inside = false;
        }
        inside |= title;
        let chars: Vec<char> = line.chars().collect();
        match chars.as_slice() {
            ['│', inner @ .., '│'] if inside => {
                let said = if title {
                    "── Timeline (not compared)"
                } else {
                    ""
                };
                let width = inner.len();
                text.push_str(format!("│{said:width$}│").trim_end());
            }
            _ => text.push_str(line),
        }
        text.push('\n');
    }
    text
}

fn file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("screenshots")
        .join(format!("{name}.txt"))
}

/// The seed scenario with seeded names, its clock stopped once it has started: simulated
/// time then moves only when [`advance_until`] moves it, so what the cluster shows, its
/// logs included, is the same every run (kdeck's own clock runs on: ages are scrubbed).
fn still_sim() -> TestSim {
    let sim = TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            // Real time until stopped: a faster clock would date objects in the future.
            speed: 1.0,
            seed: Some(1),
            // Use is sampled on the sim's clock, which starts at the wall clock's time:
            // its numbers would differ from run to run. The columns say `n/a` instead.
            no_metrics: true,
            ..SimArgs::default()
        },
        manual_clock: false,
    });
    sim.clock().set_speed(0.0);
    // On a whole second: times are shown to the second, and what follows is computed from
    // them (a container's log from its start), so a fraction would differ from run to run.
    let fraction = sim.clock().now().subsec_nanosecond();
    sim.clock().advance(Duration::from_nanos(u64::from(
        1_000_000_000 - fraction.unsigned_abs(),
    )));
    sim
}

/// Moves simulated time a second at a time, the controllers settling after each, until
/// `done` holds.
fn advance_until(sim: &TestSim, what: &str, done: impl Fn() -> bool) {
    for _ in 0..120 {
        if done() {
            return;
        }
        sim.clock().advance(Duration::from_secs(1));
        sim.wait_controllers_settled();
    }
    panic!("two simulated minutes passed without {what}");
}

/// `set image` on myapp-deploy, then `rollout pause` as soon as the new ReplicaSet is
/// there (no simulated time passes in between), then time until its first new pod is
/// ready: the rollout stands after that pod, beside the three old ones.
fn pause_after_the_first_new_pod(sim: &TestSim) {
    let new_pods_ready = || {
        sim.store()
            .list_as::<Pod>(Some("default"))
            .iter()
            .filter(|p| {
                p.spec
                    .as_ref()
                    .is_some_and(|s| s.containers[0].image.as_deref() == Some("nginx:1.16.1"))
            })
            .filter(|p| {
                p.status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
            })
            .count()
    };
    sim.set_image("myapp-deploy", "myapp", "nginx:1.16.1");
    wait_until(test_timeout(), "the new ReplicaSet", || {
        sim.store()
            .list_as::<ReplicaSet>(Some("default"))
            .iter()
            .any(|rs| {
                serde_json::to_string(&rs.spec).is_ok_and(|spec| spec.contains("nginx:1.16.1"))
            })
    });
    sim.patch::<Deployment>(
        "myapp-deploy",
        &Patch::Merge(json!({"spec": {"paused": true}})),
    );
    advance_until(sim, "the new pod ready", || new_pods_ready() == 1);
}

fn shoot(cols: u16, rows: u16) {
    let sim = still_sim();
    let config_home = sim.dir().join("config");
    let mut s = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &[
            "--kubeconfig",
            sim.kubeconfig_path().to_str().expect("utf-8 path"),
        ],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        cols,
        rows,
    );
    let size = format!("{cols}x{rows}");
    let mut shots = Screenshots::default();
    let screen = still(&s, "the pods pane, live", |t| {
        t.contains("State: live") && t.contains("pods(default)[16]") && t.contains("metrics n/a")
    });
    shots.check(&format!("pods_{size}"), &screen);
    s.type_slowly(":deploy");
    s.send(keys::ENTER);
    let screen = still(&s, "the deployments pane", |t| {
        t.contains("deployments(default)[") && t.contains("UP-TO-DATE")
    });
    shots.check(&format!("deployments_{size}"), &screen);
    // Over a pane without log lines, whose times the help would cut where scrubbing
    // cannot see them.
    s.send("?");
    let screen = still(&s, "the help", |t| t.contains("help (any key closes)"));
    shots.check(&format!("help_{size}"), &screen);
    s.send(keys::ESC);
    s.wait_for("the help closed", |t| !t.contains("help (any key closes)"));
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.send(keys::ENTER);
    s.wait_for_text("(rev 1, current) 3 pods");
    pause_after_the_first_new_pod(&sim);
    let screen = still(&s, "the paused rollout, its new pod ready", |t| {
        t.contains(" PAUSED ")
            && t.contains("(rev 2, current) 1 pod")
            && t.contains("new 1/3 ready (1 up), old 3")
    });
    shots.check(&format!("rollout_paused_{size}"), &screen);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    shots.assert_all_same();
}

#[test]
fn screenshots_at_120x40() {
    shoot(120, 40);
}

#[test]
fn screenshots_at_80x24() {
    shoot(80, 24);
}
