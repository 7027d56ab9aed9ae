//! The shots: for each, the terminal it runs in, kdeck's arguments, and the keys that
//! bring the screen the picture shows (waiting for the screen's text, never for a time).

use super::capture::{still, wait_patiently};
use super::pty::{PtySession, keys};

const CTRL_U: &str = "\x15";
const CTRL_S: &str = "\x13";
const END: &str = "\x1b[F";
const BACKSPACE: &str = "\x7f";

/// The colours a shot's terminal announces.
#[derive(Debug, Clone, Copy)]
pub enum Depth {
    /// `TERM=xterm-256color COLORTERM=truecolor`.
    TrueColor,
    /// `TERM=xterm`, no `COLORTERM`: the 16 ANSI colours.
    Ansi16,
}

/// One picture: its file name, terminal, kdeck arguments and the keys to the screen.
pub struct Shot {
    /// File name without `.png`.
    pub name: &'static str,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Colour depth the terminal announces.
    pub depth: Depth,
    /// kdeck's arguments after `--kubeconfig FILE`.
    pub args: &'static [&'static str],
    /// Types keys and returns the screen to draw.
    pub drive: fn(&mut PtySession, (u16, u16)) -> vt100::Parser,
}

/// Every shot, in the order they are taken.
pub const ALL: &[Shot] = &[
    Shot {
        name: "deployments",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--command", "deploy"],
        drive: deployments,
    },
    Shot {
        name: "rollout_canary",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--command", "deploy"],
        drive: rollout_canary,
    },
    Shot {
        name: "canary_plan",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--command", "deploy"],
        drive: canary_plan,
    },
    Shot {
        name: "history_diff",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--command", "deploy"],
        drive: history_diff,
    },
    Shot {
        name: "yaml_error",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--command", "deploy"],
        drive: yaml_error,
    },
    Shot {
        name: "logs_deployment",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--command", "deploy"],
        drive: logs_deployment,
    },
    Shot {
        name: "readonly",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--readonly", "--command", "deploy"],
        drive: readonly,
    },
    Shot {
        name: "monitor",
        size: (120, 40),
        depth: Depth::TrueColor,
        args: &["--monitor"],
        drive: monitor,
    },
    Shot {
        name: "colors16_80x24",
        size: (80, 24),
        depth: Depth::Ansi16,
        args: &["--theme", "16color"],
        drive: colors16,
    },
];

/// The three seed Deployments, all ready.
fn all_ready(t: &str) -> bool {
    t.contains("State: live")
        && t.contains("deployments(default)")
        && t.contains("10/10")
        && t.contains("3/3")
        && t.contains("2/2")
}

fn deployments(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    s.wait_for("the deployments, all ready", all_ready);
    // The second row selected, so the selection's colour shows against the others.
    s.send(keys::DOWN);
    still(s, size, "myapp-deploy selected", all_ready)
}

/// Filters the deployments pane down to myapp-deploy.
fn select_myapp(s: &mut PtySession) {
    s.wait_for("the deployments, all ready", all_ready);
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.wait_for_text("deployments(default)</myapp>[1]");
}

/// A canary of nginx:1.15.7 on myapp-deploy: one new pod, then paused.
fn start_canary(s: &mut PtySession) {
    select_myapp(s);
    s.send("c");
    s.wait_for_text("canary deployment/myapp-deploy");
    s.wait_for_text("(now nginx:1.14.1)");
    s.send(CTRL_U);
    s.type_slowly("nginx:1.15.7");
    s.wait_for_text("1 new pod(s) then pause");
    s.send(keys::ENTER);
    s.wait_for_text("rollout myapp-deploy(default)");
}

fn canary_paused(t: &str) -> bool {
    t.contains("PAUSED")
        && t.contains("(rev 2, current) 1 pod")
        && t.contains("(rev 1) 3 pods")
        && t.contains("canary paused: P promote · A abort")
}

fn rollout_canary(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    start_canary(s);
    still(
        s,
        size,
        "the paused canary with the new pod's log lines",
        |t| canary_paused(t) && t.contains("nginx/1.15.7"),
    )
}

/// A stepped canary of nginx:1.15.7 on myapp-deploy in the hold of its second step: the
/// plan, its gates and the timeline with the steps marked.
fn canary_plan(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    select_myapp(s);
    s.send("c");
    s.wait_for_text("canary deployment/myapp-deploy");
    s.send(CTRL_U);
    s.type_slowly("nginx:1.15.7");
    s.send(keys::TAB);
    s.send(CTRL_U);
    s.type_slowly("1 pod, hold 15s; 2 pods, hold 5m; 100%");
    s.wait_for_text("canary plan deployment/myapp-deploy myapp=nginx:1.15.7, 3 steps");
    s.send(keys::ENTER);
    // The memory gate passing too: a sample holding the second step's pod has come.
    let second_hold = |t: &str| {
        t.contains("▶ 2 pods, hold 5m: holding")
            && t.contains("(rev 2, current) 2 pods")
            && t.contains("memory ✓")
    };
    wait_patiently(s, "the second step's hold", second_hold);
    still(s, size, "the second step's hold", second_hold)
}

fn history_diff(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    start_canary(s);
    s.wait_for("the paused canary", canary_paused);
    s.send("P");
    s.wait_for_text("promote the canary of deployment/myapp-deploy?");
    s.send(keys::ENTER);
    // The old pods may still be terminating (their grace period runs in real time).
    wait_patiently(s, "the rollout of the 3 new pods complete", |t| {
        !t.contains("PAUSED")
            && t.contains("(rev 2, current) 3 pods")
            && t.contains("rollout complete")
    });
    s.send("u");
    s.wait_for_text("2 (now)");
    s.send(keys::ENTER);
    still(s, size, "the diff back to revision 1", |t| {
        t.contains("undo deployment/myapp-deploy to revision 1")
            && t.lines()
                .any(|l| l.contains('+') && l.contains("image: nginx:1.14.1"))
    })
}

/// The editor's line number of the first line on screen holding `needle`.
fn line_of(screen: &str, needle: &str) -> usize {
    let row = screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not on screen:\n{screen}"));
    let before = &row[..row.find(needle).unwrap_or_default()];
    before
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no line number before {needle:?} in {row:?}"))
}

fn yaml_error(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    select_myapp(s);
    s.send("e");
    let screen = s.wait_for("the editor on the Deployment", |t| {
        t.contains("edit deployment/myapp-deploy")
            && t.contains("  replicas: ")
            && t.contains("Ctrl-s save")
    });
    // Replicas typed as a string: `replicas: "x"`, then Ctrl-s.
    let line = line_of(&screen, "  replicas: ");
    for _ in 1..line {
        s.send(keys::DOWN);
    }
    s.send(END);
    s.send(BACKSPACE);
    s.type_slowly("\"x\"");
    s.wait_for_text(&format!("✗ line {line}, column 13"));
    s.send(CTRL_S);
    still(s, size, "the refused save", |t| {
        t.contains(&format!("not sent: line {line}, column 13")) && t.contains("replicas: \"x\"")
    })
}

/// The number of lines in the logs view's title (`[N lines]`).
fn log_lines(screen: &str) -> usize {
    screen
        .find(" lines]")
        .and_then(|at| {
            let start = screen[..at].rfind('[')? + 1;
            screen[start..at].parse().ok()
        })
        .unwrap_or(0)
}

/// How many lines on screen each pod has (the logs view starts a line with its pod's name).
fn lines_per_pod(screen: &str) -> std::collections::HashMap<&str, usize> {
    let mut counts = std::collections::HashMap::new();
    for line in screen.lines() {
        let Some(first) = line.trim_start_matches('│').split(' ').next() else {
            continue;
        };
        // A pod: `<template hash>-<5 characters>`.
        if first.len() > 6 && first.as_bytes()[first.len() - 6] == b'-' {
            *counts.entry(first).or_insert(0) += 1;
        }
    }
    counts
}

fn logs_deployment(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    select_myapp(s);
    s.send("l");
    s.wait_for_text("logs deployment/myapp-deploy");
    // A screenful of lines, and the three pods' lines interleaved at the bottom.
    let rows = usize::from(size.1);
    still(s, size, "a screenful of lines from the 3 pods", |t| {
        let pods = lines_per_pod(t);
        t.contains("[3 pods, 0 ended]")
            && log_lines(t) > rows
            && pods.len() >= 3
            && pods.values().all(|n| *n >= 2)
    })
}

fn readonly(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    s.wait_for_text("READ-ONLY");
    // Watching a rollout: the same view as with write access.
    select_myapp(s);
    s.send(keys::ENTER);
    s.wait_for_text("rollout myapp-deploy(default)");
    // Scale, a mutating key: refused, with the reason on screen.
    s.send("s");
    still(s, size, "the rollout view and the refused scale", |t| {
        t.contains("(rev 1, current) 3 pods") && t.contains("read-only session")
    })
}

fn monitor(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    // The wall screen: read-only whatever else is set, every Deployment a card.
    still(s, size, "three cards, rolled out", |t| {
        t.contains("READ-ONLY")
            && t.contains("monitor(default)[3]")
            && t.matches("complete  READY").count() == 3
            && t.contains("Recent warnings")
    })
}

fn colors16(s: &mut PtySession, size: (u16, u16)) -> vt100::Parser {
    still(s, size, "the pods, running", |t| {
        t.contains("State: live") && t.contains("pods(default)") && t.contains("Running")
    })
}
