//! The real binary in a pseudo-terminal with another keymap: `--keymap arrows` (F1 helps,
//! F10 quits, `j` no longer moves) and a user file whose conflict is named on screen.

mod pty;
mod support;

use std::path::Path;

use support::TestSim;

fn kdeck() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_kdeck"))
}

#[test]
fn arrows_keymap_helps_on_f1_and_quits_on_f10() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let mut s = pty::PtySession::spawn(
        kdeck(),
        &[
            "--kubeconfig",
            kubeconfig,
            "--keymap",
            "arrows",
            "--command",
            "deploy",
        ],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        120,
        40,
    );
    s.wait_for_text("myapp-deploy");
    // `j` is free in the arrows keymap: it neither moves nor opens anything.
    s.send("j");
    s.send("\x1bOP"); // F1
    // The overlay is several writes: wait for the line that names F1, not only its title.
    let help = s.wait_for("the help listing F1", |screen| {
        screen.contains("help (any key closes)") && screen.contains("? F1")
    });
    assert!(!help.contains("j Down"), "j is not bound:\n{help}");
    s.send(pty::keys::ESC);
    s.wait_for("the help to close", |screen| {
        !screen.contains("any key closes")
    });
    s.send("\x1b[21~"); // F10
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on F10");
}

#[test]
fn a_user_keymap_conflict_is_named_on_screen() {
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let keys = sim.dir().join("k.toml");
    std::fs::write(&keys, "[normal]\nquit = [\"X\", \"q\"]\n").expect("write the keymap");
    let mut s = pty::PtySession::spawn(
        kdeck(),
        &[
            "--kubeconfig",
            kubeconfig,
            "--keymap",
            keys.to_str().expect("utf-8 path"),
            "--command",
            "deploy",
        ],
        &[("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path"))],
        250,
        30,
    );
    s.wait_for_text("myapp-deploy");
    s.wait_for_text("line 2 binds it to quit, taking it from delete");
    s.send("X");
    assert_eq!(s.wait_exit(), 0, "X quits now");
}
