//! The YAML view and the editor in the real binary, in a pseudo-terminal, against an
//! in-process embedded cluster (seed scenario): keys typed, the screen read back.

mod pty;
mod support;

use std::path::Path;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::Patch;
use pty::{PtySession, keys};
use serde_json::json;
use support::TestSim;

const END: &str = "\x1b[F";
const BACKSPACE: &str = "\x7f";
const CTRL_S: &str = "\x13";
const CTRL_F: &str = "\x06";

fn kdeck(sim: &TestSim, extra: &[&str], env: &[(&str, &str)]) -> PtySession {
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let state_home = sim.dir().join("state");
    let mut args = vec!["--kubeconfig", kubeconfig];
    args.extend_from_slice(extra);
    let mut all_env = vec![
        ("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path")),
        ("XDG_STATE_HOME", state_home.to_str().expect("utf-8 path")),
    ];
    all_env.extend_from_slice(env);
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &args,
        &all_env,
        160,
        80,
    )
}

/// myapp-deploy as the server has it now.
fn myapp(sim: &TestSim) -> Deployment {
    sim.store()
        .get_as("default", "myapp-deploy")
        .expect("myapp-deploy exists")
}

fn quit(s: &mut PtySession) {
    // Out of the editor and the view first: q is text inside the editor.
    s.send(keys::CTRL_C);
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly");
    s.terminal_restored().expect("the terminal is restored");
}

/// Shows the myapp-deploy row selected in the deployments pane.
fn select_myapp(s: &mut PtySession) {
    s.wait_for_text("myapp-deploy");
    s.type_slowly("/myapp");
    s.send(keys::ENTER);
    s.wait_for_text("deployments(default)</myapp>[1]");
}

/// Presses `e` and waits for the whole editor (the hints line is drawn after the text).
fn open_editor(s: &mut PtySession) -> String {
    s.send("e");
    s.wait_for("the editor on the Deployment", |t| {
        t.contains("edit deployment/myapp-deploy")
            && t.contains("  replicas: ")
            && t.contains("image:")
            && t.contains("Ctrl-s save")
    })
}

/// The editor's line number of the first line on screen holding `needle`.
fn line_of(screen: &str, needle: &str) -> usize {
    let row = screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not on screen:\n{screen}"));
    let before = &row[..row.find(needle).expect("found above")];
    before
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no line number before {needle:?} in {row:?}"))
}

/// The value after `key: ` on the first line on screen holding it.
fn value_of(screen: &str, key: &str) -> String {
    let row = screen
        .lines()
        .find(|l| l.contains(key))
        .unwrap_or_else(|| panic!("{key:?} is not on screen:\n{screen}"));
    let at = row.find(key).expect("found above") + key.len();
    row[at..].trim().trim_end_matches('│').trim().to_owned()
}

/// Moves the cursor from line `from` to the end of line `to` and replaces the last
/// `erase` characters with `text`.
fn retype(s: &mut PtySession, from: usize, to: usize, erase: usize, text: &str) {
    for _ in from..to {
        s.send(keys::DOWN);
    }
    s.send(END);
    for _ in 0..erase {
        s.send(BACKSPACE);
    }
    s.type_slowly(text);
}

/// Moves the cursor from line `from` to the first line on `screen` holding `key`, replaces
/// its value with `text`, and returns that line's number.
fn set_value(s: &mut PtySession, screen: &str, from: usize, key: &str, text: &str) -> usize {
    let line = line_of(screen, key);
    retype(s, from, line, value_of(screen, key).len(), text);
    line
}

#[test]
fn editing_replicas_and_image_in_place_starts_a_rollout() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], &[]);
    select_myapp(&mut s);
    let screen = open_editor(&mut s);
    assert!(!screen.contains("managedFields"), "{screen}");
    assert!(
        !screen.contains("availableReplicas"),
        "status is removed:\n{screen}"
    );
    let replicas = set_value(&mut s, &screen, 1, "  replicas: ", "5");
    set_value(&mut s, &screen, replicas, "image: ", "nginx:1.16.1");
    s.wait_for_text("[modified]");
    s.wait_for_text("✓ YAML ok");
    s.send(CTRL_S);
    let diff = s.wait_for_text("the change: - live, + your edit");
    assert!(diff.contains("+  replicas: 5"), "{diff}");
    assert!(diff.contains("+      - image: nginx:1.16.1"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("deployment.apps/myapp-deploy edited");
    // Back on the YAML view, which shows the object as it is now.
    s.wait_for_text("yaml deployment/myapp-deploy");
    s.send(keys::ESC);
    s.wait_for_text("deployments(default)");
    s.send(keys::ENTER);
    s.wait_for_text("rollout myapp-deploy(default)");
    s.wait_for("the new ReplicaSet of the rollout", |t| {
        t.contains("(rev 2, current)") && t.contains("nginx:1.16.1")
    });
    quit(&mut s);
}

#[test]
fn invalid_yaml_is_refused_with_line_and_column_and_the_text_stays() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], &[]);
    select_myapp(&mut s);
    let screen = open_editor(&mut s);
    let replicas = set_value(&mut s, &screen, 1, "  replicas: ", "\"x\"");
    let shown = s.wait_for("the type error with its position", |t| {
        t.contains(&format!("✗ line {replicas}, column 13")) && t.contains("replicas")
    });
    assert!(shown.contains("replicas: \"x\""), "{shown}");
    s.send(CTRL_S);
    s.wait_for_text(&format!("not sent: line {replicas}, column 13"));
    // Bad indentation: one space before `kind:` on line 2. (The cursor jumped to the
    // error, at the value's first column.)
    s.send(END);
    s.send(BACKSPACE);
    s.send(BACKSPACE);
    s.send(BACKSPACE);
    s.type_slowly("3");
    s.wait_for_text("✓ YAML ok");
    for _ in 2..replicas {
        s.send(keys::UP);
    }
    s.send("\x1b[H");
    s.send(" ");
    s.wait_for_text("✗ line 2, column");
    s.send(CTRL_S);
    let refused = s.wait_for_text("not sent: line 2, column");
    assert!(
        refused.contains(" kind: Deployment"),
        "the text is kept:\n{refused}"
    );
    assert!(
        !sim.requests()
            .iter()
            .any(|r| r.method == "PUT" && r.path.contains("myapp-deploy")),
        "nothing was sent"
    );
    // Esc asks before throwing the edit away.
    s.send(keys::ESC);
    s.wait_for_text("y discards them");
    s.send("n");
    s.wait_for_text("Ctrl-s save");
    quit(&mut s);
}

#[test]
fn a_concurrent_change_gives_the_conflict_path_and_reapply_keeps_both() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], &[]);
    select_myapp(&mut s);
    let screen = open_editor(&mut s);
    set_value(&mut s, &screen, 1, "  replicas: ", "4");
    s.wait_for_text("[modified]");
    // As `kubectl annotate deployment/myapp-deploy team=payments` would.
    sim.patch::<Deployment>(
        "myapp-deploy",
        &Patch::Merge(json!({"metadata": {"annotations": {"team": "payments"}}})),
    );
    s.send(CTRL_S);
    s.wait_for_text("conflict: changed on the server since you opened it");
    let conflict = s.wait_for_text("team: payments");
    assert!(
        conflict.contains("replicas: 4"),
        "the user's text is kept:\n{conflict}"
    );
    s.send("r");
    let diff = s.wait_for_text("the change: - live, + your edit");
    assert!(diff.contains("+  replicas: 4"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("deployment.apps/myapp-deploy edited");
    let saved = myapp(&sim);
    assert_eq!(saved.spec.and_then(|s| s.replicas), Some(4));
    assert_eq!(
        saved.metadata.annotations.unwrap_or_default().get("team"),
        Some(&"payments".to_owned())
    );
    quit(&mut s);
}

#[test]
fn reapply_merges_containers_by_name_keeping_an_env_var_added_meanwhile() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], &[]);
    select_myapp(&mut s);
    let screen = open_editor(&mut s);
    set_value(&mut s, &screen, 1, "image: ", "nginx:1.16.1");
    s.wait_for_text("[modified]");
    // The same container changes on the server meanwhile: a whole-list merge patch
    // would drop this variable with the user's containers list.
    // As `kubectl set env deployment/myapp-deploy TIER=canary` would: a strategic merge
    // patch of the container by its name.
    sim.patch::<Deployment>(
        "myapp-deploy",
        &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [
            {"name": "myapp", "env": [{"name": "TIER", "value": "canary"}]}
        ]}}}})),
    );
    // The controller writes the Deployment all through the rollout this started; each
    // write is a new resourceVersion (and a conflict again): wait until it is done.
    sim.wait_rollout_complete("myapp-deploy");
    s.send(CTRL_S);
    s.wait_for_text("conflict: changed on the server since you opened it");
    // The server's version is read: the conflict's diff shows it (r needs it).
    s.wait_for_text("+    deployment.kubernetes.io/revision: \"2\"");
    s.send("r");
    let diff = s.wait_for_text("the change: - live, + your edit");
    assert!(diff.contains("+        image: nginx:1.16.1"), "{diff}");
    assert!(!diff.contains("-        - name: TIER"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("deployment.apps/myapp-deploy edited");
    let container = myapp(&sim)
        .spec
        .and_then(|s| s.template.spec)
        .map(|s| s.containers[0].clone())
        .expect("a container");
    assert_eq!(container.image.as_deref(), Some("nginx:1.16.1"));
    let env = container.env.unwrap_or_default();
    assert_eq!(
        env.first().and_then(|e| e.value.as_deref()),
        Some("canary"),
        "{env:?}"
    );
    quit(&mut s);
}

#[test]
fn a_secrets_values_stay_off_screen_until_revealed() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "secret"], &[]);
    s.wait_for_text("myapp-secret");
    s.type_slowly("/myapp-secret");
    s.send(keys::ENTER);
    s.wait_for_text("</myapp-secret>[1]");
    s.send("y");
    let screen = s.wait_for_text("password: \"********\"");
    for secret in ["s3cr3t-passw0rd", "czNjcjN0LXBhc3N3MHJk", "YWRtaW4="] {
        assert!(!screen.contains(secret), "{secret} is on screen:\n{screen}");
    }
    s.send("x");
    s.wait_for_text("[secrets shown]");
    s.wait_for_text("password: s3cr3t-passw0rd");
    s.send("x");
    s.wait_for("the values masked again", |t| {
        !t.contains("s3cr3t-passw0rd")
    });
    quit(&mut s);
}

#[test]
fn edit_in_editor_env_saves_through_the_same_checks() {
    let sim = TestSim::start();
    let script = sim.write_file(
        "edit.sh",
        "#!/bin/sh\nsed -i 's/^  replicas: .*/  replicas: 2/' \"$1\"\n",
    );
    let bad = sim.write_file("tab.sh", "#!/bin/sh\nsed -i 's/^kind:/\\tkind:/' \"$1\"\n");
    for path in [&script, &bad] {
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(path)
            .status()
            .expect("chmod");
    }
    let editor = script.to_str().expect("utf-8 path");
    let mut s = kdeck(&sim, &["--command", "deploy"], &[("EDITOR", editor)]);
    select_myapp(&mut s);
    s.send("E");
    let diff = s.wait_for_text("the change: - live, + your edit");
    assert!(diff.contains("+  replicas: 2"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("deployment.apps/myapp-deploy edited");
    s.wait_for_text("yaml deployment/myapp-deploy");
    s.wait_for_text("  replicas: 2");
    quit(&mut s);

    // A tab put in by the editor: refused with its position, the text kept in the editor.
    let editor = bad.to_str().expect("utf-8 path");
    let mut s = kdeck(&sim, &["--command", "deploy"], &[("EDITOR", editor)]);
    select_myapp(&mut s);
    s.send("E");
    s.wait_for_text("not sent: line 2, column");
    s.wait_for_text("edit deployment/myapp-deploy [modified]");
    quit(&mut s);
}

#[test]
fn readonly_session_shows_yaml_but_refuses_both_edits() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--readonly", "--command", "deploy"], &[]);
    s.wait_for_text("READ-ONLY");
    select_myapp(&mut s);
    for key in ["e", "E"] {
        s.send(key);
        s.wait_for_text("read-only session");
    }
    s.send("y");
    s.wait_for_text("yaml deployment/myapp-deploy");
    s.wait_for_text("kind: Deployment");
    s.send("e");
    s.wait_for_text("read-only session: edit was not sent");
    s.send(keys::ESC);
    s.type_slowly(":create deploy");
    s.send(keys::ENTER);
    s.wait_for_text("read-only session: create Deployment was not sent");
    quit(&mut s);
    let writes: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.user == "admin")
        .collect();
    assert!(writes.is_empty(), "read-only kdeck sent {writes:?}");
}

#[test]
fn an_unsent_edit_survives_a_quit_and_is_offered_back() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], &[]);
    select_myapp(&mut s);
    let screen = open_editor(&mut s);
    set_value(&mut s, &screen, 1, "  replicas: ", "7");
    s.wait_for_text("[modified]");
    // Ctrl-C quits at once: the edit was never sent.
    quit(&mut s);
    let recovery = sim.dir().join("state/kdeck/recovery");
    let files: Vec<_> = std::fs::read_dir(&recovery)
        .expect("the recovery directory")
        .collect();
    assert_eq!(
        files.len(),
        1,
        "one recovery file in {}",
        recovery.display()
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &files[0]
            .as_ref()
            .expect("an entry")
            .metadata()
            .expect("metadata")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "readable by the user only");

    let mut s = kdeck(&sim, &["--command", "deploy"], &[]);
    select_myapp(&mut s);
    s.send("e");
    s.wait_for_text("an unsent edit of this object was saved earlier");
    s.send("r");
    s.wait_for_text("restored the unsent edit");
    s.wait_for_text("  replicas: 7");
    s.send(CTRL_S);
    s.wait_for_text("the change: - live, + your edit");
    s.send(keys::ENTER);
    s.wait_for_text("deployment.apps/myapp-deploy edited");
    s.wait_for("the recovery file removed after the save", |_| {
        std::fs::read_dir(&recovery).is_ok_and(|d| d.count() == 0)
    });
    quit(&mut s);
}

#[test]
fn create_from_a_template_applies_each_document_in_order() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "cm"], &[]);
    s.wait_for_text("myapp-config");
    s.type_slowly(":create cm");
    s.send(keys::ENTER);
    let screen = s.wait_for("the create editor", |t| {
        t.contains("create configmap") && t.contains("  key: value") && t.contains("Ctrl-s save")
    });
    let name = line_of(&screen, "  name: \"\"");
    retype(&mut s, 1, name, 2, "first");
    let last = line_of(&screen, "  key: value");
    for _ in name..last {
        s.send(keys::DOWN);
    }
    s.send(END);
    s.send(keys::ENTER);
    s.send(BACKSPACE);
    s.send(BACKSPACE);
    for line in ["---", "apiVersion: v1", "kind: ConfigMap", "metadata:"] {
        s.type_slowly(line);
        s.send(keys::ENTER);
    }
    s.type_slowly("name: second");
    s.wait_for_text("✓ YAML ok");
    s.send(CTRL_S);
    let diff = s.wait_for_text("to create: + your objects");
    assert!(diff.contains("+  name: second"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("configmap/first created; configmap/second created");
    s.wait_for("both in the pane", |t| {
        t.contains("configmaps(default)") && t.contains("first") && t.contains("second")
    });
    quit(&mut s);
}

/// `:create FILE` as `kubectl create -f FILE`: the file's documents in the editor, then the
/// same check, dry run, diff and creation; a file that cannot be read is named.
#[test]
fn create_from_a_file_applies_its_documents() {
    let sim = TestSim::start();
    let file = sim.write_file(
        "two.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file-a\ndata:\n  k: v\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file-b\n",
    );
    let mut s = kdeck(&sim, &["--command", "cm"], &[]);
    s.wait_for_text("myapp-config");
    s.type_slowly(":create /nonexistent/kdeck.yaml");
    s.send(keys::ENTER);
    s.wait_for_text("cannot read /nonexistent/kdeck.yaml");
    s.type_slowly(&format!(":create {}", file.display()));
    s.send(keys::ENTER);
    s.wait_for("the file in the create editor", |t| {
        t.contains("name: from-file-a") && t.contains("name: from-file-b")
    });
    s.wait_for_text("✓ YAML ok");
    s.send(CTRL_S);
    s.wait_for_text("to create: + your objects");
    s.send(keys::ENTER);
    s.wait_for_text("configmap/from-file-a created; configmap/from-file-b created");
    quit(&mut s);
}

/// Ctrl-f in the editor: a prompt under the text, Enter puts the cursor on the match, Esc
/// (the prompt is closed already) leaves; the edit made there is saved as usual.
#[test]
fn find_in_the_editor_then_change_the_match_and_save() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], &[]);
    select_myapp(&mut s);
    let screen = open_editor(&mut s);
    let old = value_of(&screen, "  replicas: ");
    s.send(CTRL_F);
    s.wait_for_text("find: ▏");
    s.type_slowly("REPLICAS");
    s.send(keys::ENTER);
    // A capital makes the search exact: nothing is found, the cursor stays.
    s.wait_for_text("not found: REPLICAS");
    s.send(CTRL_F);
    s.type_slowly("replicas");
    s.send(keys::ENTER);
    s.wait_for("the prompt closed", |t| {
        !t.contains("find: ") && t.contains("Ctrl-s save")
    });
    // The cursor is on `replicas` in spec: its value is at the end of that line.
    s.send(END);
    for _ in 0..old.len() {
        s.send(BACKSPACE);
    }
    s.type_slowly("6");
    s.wait_for_text("[modified]");
    s.wait_for_text("✓ YAML ok");
    s.send(CTRL_S);
    let diff = s.wait_for_text("the change: - live, + your edit");
    assert!(diff.contains("+  replicas: 6"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("deployment.apps/myapp-deploy edited");
    s.wait_for_text("yaml deployment/myapp-deploy");
    s.wait_for_text("  replicas: 6");
    quit(&mut s);
}

/// `:create FILE` killed mid-edit: the text typed is in a recovery file named by the file,
/// offered back by the next `:create FILE`, and removed once everything was created.
#[test]
fn an_unsent_create_from_a_file_survives_a_kill_and_is_offered_back() {
    let sim = TestSim::start();
    let file = sim.write_file(
        "one.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rescued\ndata:\n  k: v\n",
    );
    let recovery = sim.dir().join("state/kdeck/recovery");
    let saved = || -> Option<String> {
        let entry = std::fs::read_dir(&recovery).ok()?.next()?.ok()?;
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(name.contains("_create-file_one.yaml_"), "{name}");
        std::fs::read_to_string(entry.path()).ok()
    };
    let create = format!(":create {}", file.display());
    let mut s = kdeck(&sim, &["--command", "cm"], &[]);
    s.wait_for_text("myapp-config");
    s.type_slowly(&create);
    s.send(keys::ENTER);
    let screen = s.wait_for("the file in the create editor", |t| {
        t.contains("name: rescued") && t.contains("Ctrl-s save")
    });
    let row = line_of(&screen, "  k: v");
    retype(&mut s, 1, row, 1, "typed-before-the-kill");
    s.wait_for("the text in the recovery file", |_| {
        saved().is_some_and(|t| t.contains("k: typed-before-the-kill"))
    });
    let pid = s.pid().expect("kdeck's pid");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    s.wait_exit();

    let mut s = kdeck(&sim, &["--command", "cm"], &[]);
    s.wait_for_text("myapp-config");
    s.type_slowly(&create);
    s.send(keys::ENTER);
    s.wait_for_text("an unsent text of this create was saved earlier");
    s.send("r");
    s.wait_for_text("restored the unsent edit");
    s.wait_for_text("k: typed-before-the-kill");
    s.send(CTRL_S);
    let diff = s.wait_for_text("to create: + your objects");
    assert!(diff.contains("+  k: typed-before-the-kill"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("configmap/rescued created");
    s.wait_for("the recovery file removed after the create", |_| {
        std::fs::read_dir(&recovery).is_ok_and(|d| d.count() == 0)
    });
    s.wait_for("the new ConfigMap in the pane", |t| {
        t.contains("configmaps(default)") && t.contains("rescued")
    });
    quit(&mut s);
}

/// Selection in the real terminal: Shift-End selects, Alt-c (Esc c on the wire) copies to
/// the terminal's clipboard over "SSH" (OSC 52), Alt-v pastes it back in the editor.
#[test]
fn shift_end_selects_alt_c_copies_through_osc52_and_alt_v_pastes() {
    let sim = TestSim::start();
    let mut s = kdeck(&sim, &["--command", "deploy"], &[("SSH_TTY", "/dev/pts/9")]);
    select_myapp(&mut s);
    let screen = open_editor(&mut s);
    let replicas = value_of(&screen, "  replicas: ");
    s.send(CTRL_F);
    s.type_slowly("replicas:");
    s.send(keys::ENTER);
    s.wait_for("the prompt closed", |t| !t.contains("find: "));
    s.send("\x1b[1;2F");
    s.send("\x1bc");
    s.wait_for_text("copied 1 line(s)");
    let copied = format!("replicas: {replicas}");
    let osc52 = kdeck::ui::logs::osc52(&copied);
    s.wait_for("the copy written as OSC 52", |_| {
        String::from_utf8_lossy(&s.raw_output()).contains(&osc52)
    });
    s.send(END);
    s.send("\x1bv");
    let pasted = s.wait_for_text("[modified]");
    assert!(
        pasted.contains(&format!("replicas: {replicas}{copied}")),
        "{pasted}"
    );
    s.send(keys::ESC);
    s.wait_for_text("y discards them");
    s.send("y");
    s.wait_for_text("yaml deployment/myapp-deploy");
    quit(&mut s);
}
