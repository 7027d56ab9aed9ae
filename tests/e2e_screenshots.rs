//! Screenshots of the real binary, taken by the pseudo-terminal harness (never by hand):
//! the pods pane, the deployments pane, the rollout view during a canary-like rollout,
//! and the help, at 120x40 and 80x24. Always checked; written to `screenshots/*.txt`
//! when `KDECK_WRITE_SCREENSHOTS=1`.

mod pty;
mod support;

use std::path::Path;

use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::SimOptions;
use pty::{PtySession, keys};
use support::TestSim;

fn save(name: &str, screen: &str) {
    if std::env::var_os("KDECK_WRITE_SCREENSHOTS").is_some() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
        std::fs::create_dir_all(&dir).expect("create screenshots/");
        let mut text = String::new();
        for line in screen.lines() {
            text.push_str(line.trim_end());
            text.push('\n');
        }
        std::fs::write(dir.join(format!("{name}.txt")), text).expect("write a screenshot");
    }
}

fn shoot(cols: u16, rows: u16) {
    // Real-time speed: a faster simulated clock would date new objects in the future.
    let sim = TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Seed,
            speed: 1.0,
            ..SimArgs::default()
        },
        manual_clock: false,
    });
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
    let screen = s.wait_for("the pods pane, live", |t| {
        t.contains("State: live") && t.contains("myapp-deploy-")
    });
    save(&format!("pods_{size}"), &screen);
    s.type_slowly(":deploy");
    s.send(keys::ENTER);
    let screen = s.wait_for_text("deployments(default)");
    assert!(screen.contains("UP-TO-DATE"), "{screen}");
    save(&format!("deployments_{size}"), &screen);
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.send(keys::ENTER);
    s.wait_for_text("(rev 1, current) 3 pods");
    if support::kubectl_available() {
        sim.kubectl_ok(&[
            "set",
            "image",
            "deployment/myapp-deploy",
            "myapp=nginx:1.16.1",
        ]);
        sim.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);
        let screen = s.wait_for("a paused rollout with old and new pods", |t| {
            t.contains(" PAUSED ") && t.contains("(rev 2, current)") && t.contains("(rev 1)")
        });
        save(&format!("rollout_paused_{size}"), &screen);
    } else {
        eprintln!("\n*** SKIP the paused-rollout screenshot: kubectl is not installed ***\n");
    }
    s.send("?");
    let screen = s.wait_for_text("help (any key closes)");
    save(&format!("help_{size}"), &screen);
    s.send(keys::ESC);
    s.wait_for("the help closed", |t| !t.contains("help (any key closes)"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn screenshots_at_120x40() {
    shoot(120, 40);
}

#[test]
fn screenshots_at_80x24() {
    shoot(80, 24);
}
