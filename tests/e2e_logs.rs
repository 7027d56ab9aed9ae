//! The logs view of the real `kdeck` binary in a pseudo-terminal against an in-process
//! embedded cluster: following a pod, the previous container after a crash, a
//! Deployment's pods during a `set image`, escape sequences shown inert, and the
//! buffer cap under a flood from a chatty pod.

mod cluster_fixtures;
mod pty;
mod support;

use std::path::Path;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use pty::{PtySession, keys};
use support::{TestSim, test_timeout, wait_until};

fn kdeck(sim: &TestSim, config: Option<&str>, extra: &[&str], cols: u16, rows: u16) -> PtySession {
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    if let Some(text) = config {
        std::fs::create_dir_all(config_home.join("kdeck")).expect("config dir");
        std::fs::write(config_home.join("kdeck").join("config.toml"), text).expect("config file");
    }
    let mut args = vec!["--kubeconfig", kubeconfig];
    args.extend_from_slice(extra);
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &args,
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        cols,
        rows,
    )
}

fn quit(session: &mut PtySession) {
    session.send(keys::ESC);
    session.send("q");
    assert_eq!(session.wait_exit(), 0, "kdeck exits cleanly on q");
    session
        .terminal_restored()
        .expect("the terminal is restored");
}

/// The number in `[N lines]` of the logs view's title.
fn line_count(screen: &str) -> Option<usize> {
    let at = screen.find(" lines]")?;
    let start = screen[..at].rfind('[')? + 1;
    screen[start..at].parse().ok()
}

/// Opens the logs of the first pod whose name contains `filter`.
fn open_pod_logs(s: &mut PtySession, filter: &str) {
    s.wait_for_text("pods(default)");
    s.wait_for_text(filter);
    s.type_slowly(&format!("/{filter}"));
    s.send(keys::ENTER);
    s.wait_for_text(&format!("</{filter}>"));
    s.send("l");
    s.wait_for_text("logs ");
}

/// The first container status of pod `name`, once it has one.
fn container_status(sim: &TestSim, name: &str) -> Option<ContainerStatus> {
    sim.store()
        .get_as::<Pod>("default", name)?
        .status?
        .container_statuses?
        .into_iter()
        .next()
}

/// Runs a pod as `kubectl run NAME --image=IMAGE` and waits for its container to run.
fn run_pod(sim: &TestSim, name: &str, image: &str) {
    sim.run_pod(name, image);
    wait_until(test_timeout(), &format!("pod {name} running"), || {
        container_status(sim, name)
            .and_then(|c| c.state?.running?.started_at)
            .is_some()
    });
}

/// `(name, image)` of the ReplicaSets of `app=myapp`.
fn myapp_replica_sets(sim: &TestSim) -> Vec<(String, String)> {
    sim.store()
        .list_as::<ReplicaSet>(Some("default"))
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .labels
                .as_ref()
                .is_some_and(|l| l.get("app").map(String::as_str) == Some("myapp"))
        })
        .map(|rs| {
            let image = rs
                .spec
                .and_then(|s| s.template?.spec)
                .and_then(|s| s.containers.into_iter().next()?.image)
                .unwrap_or_default();
            (rs.metadata.name.unwrap_or_default(), image)
        })
        .collect()
}

/// The pod-template-hash at the end of a ReplicaSet's name.
fn hash_of(replica_set: &str) -> String {
    replica_set.rsplit('-').next().expect("a hash").to_owned()
}

#[test]
fn follow_a_pod_and_see_new_lines_appear() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, None, &[], 140, 40);
    open_pod_logs(&mut s, "myapp-deploy");
    let first = s.wait_for("log lines", |t| line_count(t).is_some_and(|n| n > 0));
    let n = line_count(&first).expect("a count");
    assert!(first.contains("following"), "{first}");
    s.wait_for("new lines to arrive", |t| {
        line_count(t).is_some_and(|m| m > n)
    });
    // Scrolling up pauses and counts; G follows again.
    s.send(keys::PAGE_UP);
    s.wait_for("the paused marker with new lines", |t| {
        t.contains("paused, ") && !t.contains("paused, 0 new lines")
    });
    s.send("G");
    s.wait_for_text("following");
    quit(&mut s);
}

#[test]
fn escape_sequences_in_a_log_are_shown_inert() {
    let sim = TestSim::start();
    run_pod(&sim, "evil", "escapes:1");
    let mut s = kdeck(&sim, None, &[], 200, 40);
    open_pod_logs(&mut s, "evil");
    let screen = s.wait_for_text("title^[]0;PWNED-TITLE^G");
    assert!(screen.contains("clip^[]52;c;UFdORUQ=^G"), "{screen}");
    assert!(screen.contains("clear^[[2J^[[1;1H"), "{screen}");
    assert!(screen.contains("c1^[[6n"), "{screen}");
    // The header is where it was: nothing cleared the screen or moved the cursor home.
    assert!(s.row(0).contains("Context"), "{screen}");
    let raw = String::from_utf8_lossy(&s.raw_output()).into_owned();
    for forbidden in [
        "\x1b]0;PWNED",
        "\x1b]52;c;UFdORUQ",
        "\x1bP+q",
        "\u{9b}6n",
        "\x1b[1;1H clip",
    ] {
        assert!(
            !raw.contains(forbidden),
            "{forbidden:?} reached the terminal"
        );
    }
    quit(&mut s);
}

#[test]
fn previous_container_after_a_crash() {
    let sim = TestSim::start();
    sim.run_pod("crashy", "nginx:crash");
    wait_until(test_timeout(), "crashy to restart", || {
        container_status(&sim, "crashy").is_some_and(|c| c.restart_count >= 1)
    });
    let mut s = kdeck(&sim, None, &[], 160, 40);
    open_pod_logs(&mut s, "crashy");
    s.send("p");
    let screen = s.wait_for_text("(previous)");
    let screen = if screen.contains("[emerg]") {
        screen
    } else {
        s.wait_for_text("[emerg]")
    };
    assert!(screen.contains("host not found in upstream"), "{screen}");
    s.send("p");
    s.wait_for("the current log again", |t| {
        t.contains("logs crashy/crashy") && !t.contains("(previous)")
    });
    quit(&mut s);
}

#[test]
fn a_deployment_view_follows_all_pods_and_picks_up_new_ones_during_set_image() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, None, &["--command", "deploy"], 160, 45);
    s.wait_for_text("myapp-deploy");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.wait_for_text("</myapp>");
    s.send("l");
    s.wait_for_text("logs deployment/myapp-deploy");
    let old_hash = hash_of(&myapp_replica_sets(&sim)[0].0);
    s.wait_for(&format!("lines of the old pods ({old_hash})"), |t| {
        t.lines()
            .filter(|l| l.contains(&format!("│{old_hash}-")))
            .count()
            >= 2
    });
    sim.set_image("myapp-deploy", "myapp", "nginx:1.16.1");
    let mut new_hash = String::new();
    wait_until(test_timeout(), "the new ReplicaSet", || {
        if let Some((name, _)) = myapp_replica_sets(&sim)
            .into_iter()
            .find(|(_, image)| image == "nginx:1.16.1")
        {
            new_hash = hash_of(&name);
        }
        !new_hash.is_empty()
    });
    s.wait_for(&format!("lines of a new pod ({new_hash})"), |t| {
        t.contains(&format!("│{new_hash}-"))
    });
    // All three old pods end and are counted in the title (each also got a note line).
    s.wait_for("the old pods marked as ended", |t| {
        t.contains(" pods, 3 ended]")
    });
    quit(&mut s);
}

#[test]
fn the_buffer_cap_holds_under_a_flood() {
    let sim = TestSim::start();
    run_pod(&sim, "chatty", "chatty:1");
    let config = "[logs]\ntail_lines = 100\nmax_lines = 300\n";
    let mut s = kdeck(&sim, Some(config), &[], 140, 30);
    open_pod_logs(&mut s, "chatty");
    let screen = s.wait_for("lines dropped by the cap", |t| {
        t.contains(" dropped (cap 300 lines")
    });
    assert_eq!(line_count(&screen), Some(300), "{screen}");
    // Still following and still capped a while later.
    let dropped = |t: &str| -> Option<u64> {
        let at = t.find(" dropped]")?;
        let start = t[..at].rfind('[')? + 1;
        t[start..at].parse().ok()
    };
    let before = dropped(&screen).expect("a dropped count in the title");
    let later = s.wait_for("more lines dropped", |t| {
        dropped(t).is_some_and(|d| d > before + 300)
    });
    assert_eq!(line_count(&later), Some(300), "{later}");
    quit(&mut s);
}

#[test]
fn a_reconnecting_stream_follows_restarts_without_repeating_lines() {
    use kdeck::cluster::{LogChunk, LogOptions};
    let sim = TestSim::start();
    // Not waiting for it to run: the stream retries while the container is not started.
    sim.run_pod("crashy", "nginx:crash");
    sim.block_on(async {
        let cluster = cluster_fixtures::connect(&sim, None, false).await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let options = LogOptions {
            tail: Some(1000),
            follow: true,
            timestamps: true,
            reconnect: true,
            ..LogOptions::default()
        };
        let _handle = cluster.logs("default", "crashy", None, options, tx);
        let mut lines: Vec<String> = Vec::new();
        let mut notices = 0;
        while lines.iter().filter(|l| l.contains("[emerg] 1#1")).count() < 3 {
            match tokio::time::timeout(test_timeout(), rx.recv()).await {
                Ok(Some(LogChunk::Lines(mut l))) => lines.append(&mut l),
                Ok(Some(LogChunk::Notice(_))) => notices += 1,
                Ok(Some(LogChunk::Quiet(_))) => {}
                other => panic!(
                    "the stream should keep following across restarts: {other:?}\n{lines:#?}"
                ),
            }
        }
        let starts = lines.iter().filter(|l| l.contains("nginx/crash")).count();
        assert!(starts >= 3, "three container instances: {lines:#?}");
        assert!(notices >= 2, "each restart is noted");
        let mut seen = std::collections::HashSet::new();
        for line in &lines {
            assert!(seen.insert(line), "{line:?} was sent twice");
        }
    });
}

#[test]
fn the_canary_view_shows_a_tail_of_the_new_pods_logs() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, None, &["--command", "deploy"], 160, 50);
    s.wait_for_text("myapp-deploy");
    s.wait_for_text("State: live");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.wait_for_text("deployments(default)</myapp>[1]");
    s.send("c");
    s.wait_for_text("canary deployment/myapp-deploy");
    // The image field is filled once the container is read: clearing it before that
    // cleared nothing (seen under load: "nginx:1.14.1ginx:1.15.7").
    s.wait_for_text("(now nginx:1.14.1)");
    s.send("\x15");
    s.type_slowly("nginx:1.15.7");
    s.wait_for_text("1 new pod(s) then pause");
    s.send(keys::ENTER);
    s.wait_for_text("rollout myapp-deploy(default)");
    let screen = s.wait_for("the canary pane with the new pod's lines", |t| {
        t.contains("logs replicaset/myapp-deploy-") && t.contains("nginx/1.15.7")
    });
    assert!(screen.contains("(rev 2, current) 1 pod"), "{screen}");
    assert!(
        !screen.contains("nginx/1.14.1"),
        "only the new pods' logs: {screen}"
    );
    quit(&mut s);
}
