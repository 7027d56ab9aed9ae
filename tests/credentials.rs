//! Honest connection states when the server rejects the credentials (401): a rejected
//! token at start is one line and exit code 1; a token revoked while kdeck runs shows
//! its own state (not "reconnecting", not "no pods here") and is retried slowly; an
//! exec plugin's token that expires is asked for again without the user noticing.

mod app_driver;
mod support;

use std::path::PathBuf;
use std::time::Duration;

use app_driver::AppDriver;
use kdeck::cluster::{Kind, WatchState};
use serde_json::json;
use support::TestSim;
use support::credentials::{fix_kubeconfig, rejected, token_kubeconfig};

/// The screen as the user sees it, 120x40.
fn screen(d: &AppDriver) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    terminal
        .draw(|f| kdeck::ui::draw(&d.state, f))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

/// kdeck on a kubeconfig of a new admin token (its path returned with the driver), the
/// token revoked once the pods are listed
/// and the start's own requests answered (the server's version, discovery, the first
/// metrics poll: one failed by the revocation would leave its words on screen); the open watches are
/// cut too (a revocation does not end them). Returned once the pods' watch shows the
/// credentials state.
async fn revoked_while_running(sim: &TestSim) -> (AppDriver, PathBuf) {
    let token = sim.issue_token("admin", None).expect("a token");
    let path = token_kubeconfig(sim, "token.yaml", &token);
    let mut d = AppDriver::connect(&path, false, false, None).await;
    d.wait_live(Kind::Pod).await;
    d.wait_for(
        "the seed's pods, the server's version, discovery, metrics",
        |s| {
            s.stores.of(Kind::Pod).iter().next().is_some()
                && s.connection.server_version.is_some()
                && s.catalog.discovered()
                && s.metrics.samples.pods.is_some()
        },
    )
    .await;
    sim.revoke_token(&token);
    sim.disconnect_watches();
    d.wait_for("the credentials state", |s| {
        matches!(
            s.watch_states.get(&Kind::Pod),
            Some(WatchState::Unauthorized(_))
        )
    })
    .await;
    (d, path)
}

#[test]
fn a_rejected_token_at_start_is_one_line_and_exit_code_1() {
    let sim = TestSim::start();
    let path = token_kubeconfig(&sim, "bad-token.yaml", "not-a-token");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kdeck"))
        .arg("--kubeconfig")
        .arg(&path)
        .env("XDG_CONFIG_HOME", sim.dir().join("config"))
        .env("XDG_STATE_HOME", sim.dir().join("state"))
        .output()
        .expect("run kdeck");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("credentials rejected by the server for context kdeck-sim-token"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(rejected(&sim) >= 1, "the server was asked");
}

#[test]
fn a_token_revoked_while_kdeck_runs_shows_its_own_state_and_is_retried_slowly() {
    let sim = TestSim::start();
    sim.block_on(async {
        let (mut d, _) = revoked_while_running(&sim).await;
        let text = screen(&d);
        assert!(text.contains("State: credentials rejected"), "{text}");
        assert!(
            text.contains("credentials rejected by the server for context kdeck-sim-token"),
            "{text}"
        );
        assert!(!text.contains("reconnecting"), "{text}");
        assert!(!text.contains("no pods here"), "{text}");
        // Retried slowly: over a few seconds, fewer requests than seconds. Counted once
        // every watch met the rejection (each asks once more with the credentials read
        // again), the definitions' watch behind discovery too: its list after a renewal.
        d.wait_for("every watch rejected", |s| {
            s.watch_states
                .values()
                .all(|w| matches!(w, WatchState::Unauthorized(_)))
        })
        .await;
        let definitions_list_rejected = || {
            sim.requests().iter().any(|r| {
                r.status == 401
                    && r.path.contains("customresourcedefinitions")
                    && !r.path.contains("watch=true")
            })
        };
        support::wait_until(
            support::test_timeout(),
            "the definitions' list rejected",
            definitions_list_rejected,
        );
        let before = rejected(&sim);
        let window = Duration::from_secs(4);
        let _ = tokio::time::timeout(window, d.wait_for("never", |_| false)).await;
        let during = rejected(&sim) - before;
        let paths: Vec<String> = sim
            .requests()
            .iter()
            .filter(|r| r.status == 401)
            .skip(before)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(
            during < 4,
            "{during} rejected requests in {window:?} after the credentials state: {paths:#?}"
        );
    });
}

/// The slow retry after a rejected credential waits for a changed kubeconfig: a token
/// fixed on disk is tried at once, long before the next slow retry.
#[test]
fn a_kubeconfig_fixed_on_disk_is_tried_at_once() {
    let sim = TestSim::start();
    sim.block_on(async {
        let (mut d, path) = revoked_while_running(&sim).await;
        // The use columns' poll meets the rejection too: the nodes pane is a new target,
        // asked at once.
        d.type_text(":nodes");
        d.press_code(crossterm::event::KeyCode::Enter);
        d.wait_for("the metrics poll rejected", |s| {
            s.status
                .as_deref()
                .is_some_and(|m| m.starts_with("metrics: credentials rejected"))
        })
        .await;
        let taken_before = d.state.metrics.samples.nodes.as_ref().and_then(|n| n.taken);
        fix_kubeconfig(&sim, &path);
        let fixed_at = std::time::Instant::now();
        let asked_before_the_fix = sim.requests().len();
        d.wait_for("every watch live again with the fixed token", |s| {
            s.connection_state() == "live"
        })
        .await;
        let took = fixed_at.elapsed();
        let slow_retry = kdeck::cluster::watch::UNAUTHORIZED_RETRY_DELAY;
        assert!(
            took < slow_retry / 4,
            "the fixed kubeconfig was tried after {took:?}, not at once (slow retry: {slow_retry:?})"
        );
        // The use columns' poll asks with the new credentials too, at once: not a whole
        // metrics interval (15 s) after the fix.
        d.wait_for("a metrics sample taken with the fixed token", |s| {
            let taken = s.metrics.samples.nodes.as_ref().and_then(|n| n.taken);
            taken.is_some() && taken > taken_before
        })
        .await;
        let took = fixed_at.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "the metrics poll tried the fixed kubeconfig after {took:?}"
        );
        assert!(!screen(&d).contains("credentials rejected"), "{}", screen(&d));
        // The definitions' watch behind discovery follows CRDs again, with the new token.
        support::wait_until(
            support::test_timeout(),
            "the definitions listed again with the fixed token",
            || {
                sim.requests().iter().skip(asked_before_the_fix).any(|r| {
                    r.status == 200
                        && r.path.contains("customresourcedefinitions")
                        && !r.path.contains("watch=true")
                })
            },
        );
    });
}

#[test]
fn an_exec_plugin_token_that_expires_is_renewed_without_the_user_noticing() {
    let sim = TestSim::start();
    let token_file = sim.dir().join("rotated-token");
    let lifetime = Duration::from_secs(3);
    let rotation = sim.block_on(async { sim.rotate_token_file("admin", lifetime, &token_file) });
    let rotation = rotation.expect("a rotated token file");
    let runs = sim.dir().join("plugin-runs");
    // A small exec credential plugin: the file's token, as an ExecCredential; no expiry,
    // so only a 401 tells the client that it is stale (as kubectl's client-go handles).
    let script = format!(
        "echo run >> '{runs}'\nprintf '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"%s\"}}}}' \"$(cat '{file}')\"\n",
        runs = runs.display(),
        file = token_file.display()
    );
    let plugin = sim.write_file("plugin.sh", &script);
    let kubeconfig = sim
        .kubeconfig_for(&json!({"exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": "sh",
            "args": [plugin.to_str().expect("utf-8 path")],
            "interactiveMode": "Never",
        }}))
        .expect("a kubeconfig");
    let path = sim.write_file("exec.yaml", &kubeconfig);
    let runs_so_far = || std::fs::read_to_string(&runs).map_or(0, |s| s.lines().count());
    sim.block_on(async {
        let mut d = AppDriver::connect(&path, false, false, None).await;
        d.wait_live(Kind::Pod).await;
        let first_runs = runs_so_far();
        // Past the first token's lifetime, then the watches must list again.
        tokio::time::sleep(lifetime + Duration::from_secs(1)).await;
        let rejected_before = rejected(&sim);
        sim.disconnect_watches();
        // The pods' watch may still read Live from before the cut when another
        // request's 401 comes: wait for the plugin's new run as well.
        // Without the user noticing: no pane ever shows the credentials state meanwhile
        // (the driver asks after each message the app takes).
        let shown = std::cell::Cell::new(false);
        d.wait_for(
            "a 401, the plugin run again, then the pods listed again",
            |s| {
                let rejected_shown = s
                    .watch_states
                    .values()
                    .any(|w| matches!(w, WatchState::Unauthorized(_)))
                    || s.connection_state() == "credentials rejected";
                shown.set(shown.get() || rejected_shown);
                rejected(&sim) > rejected_before
                    && runs_so_far() > first_runs
                    && matches!(s.watch_states.get(&Kind::Pod), Some(WatchState::Live))
            },
        )
        .await;
        assert!(
            !shown.get(),
            "the credentials state was shown while renewing"
        );
        let text = screen(&d);
        assert!(text.contains("State: live"), "{text}");
        assert!(!text.contains("credentials rejected"), "{text}");
    });
    rotation.abort();
}
