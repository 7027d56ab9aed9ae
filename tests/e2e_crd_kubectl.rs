//! A custom resource defined while kdeck runs: `kubectl apply` of a CRD and three objects
//! of it, then `:crontabs` shows them live with the CRD's printer columns; a change made
//! with kubectl reaches the row, `E` edits one through `$EDITOR` and `X` deletes one (the
//! server and kubectl agree); deleting the CRD takes the name away.

mod pty;
mod support;

use std::path::Path;

use pty::{PtySession, keys};
use support::TestSim;

const CRD: &str = "
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
";

fn crontab(name: &str, spec: &str, replicas: u8) -> String {
    format!(
        "---\napiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {{name: {name}, namespace: default}}\nspec: {{cronSpec: \"{spec}\", image: my-cron-image, replicas: {replicas}}}\n"
    )
}

fn apply(sim: &TestSim, file: &str, yaml: &str) {
    let path = sim.dir().join(file);
    std::fs::write(&path, yaml).expect("write the manifest");
    sim.kubectl_ok(&["apply", "-f", path.to_str().expect("utf-8 path")]);
}

fn crd_applied_while_kdeck_runs_is_browsable_live() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = sim.dir().join("config");
    let state_home = sim.dir().join("state");
    // The user's editor: sets alpha's replicas to 9.
    let editor = sim.write_file(
        "edit.sh",
        "#!/bin/sh\nsed -i 's/^  replicas: .*/  replicas: 9/' \"$1\"\n",
    );
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&editor)
        .status()
        .expect("chmod");
    let mut s = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig],
        &[
            ("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path")),
            ("XDG_STATE_HOME", state_home.to_str().expect("utf-8 path")),
            ("EDITOR", editor.to_str().expect("utf-8 path")),
        ],
        120,
        40,
    );
    s.wait_for_text("State: live");
    // Before the CRD exists, the name is unknown.
    s.type_slowly(":crontabs");
    s.send(keys::ENTER);
    s.wait_for_text("crontabs");
    s.wait_for("an unknown resource", |t| {
        t.contains("unknown") || t.contains("did you mean")
    });

    apply(&sim, "crd.yaml", CRD);
    sim.kubectl_ok(&[
        "wait",
        "--for=condition=Established",
        "crd/crontabs.stable.example.com",
    ]);
    let objects: String = [
        ("alpha", "* * * * */5", 1),
        ("beta", "*/10 * * * *", 2),
        ("gamma", "0 * * * *", 3),
    ]
    .iter()
    .map(|(n, c, r)| crontab(n, c, *r))
    .collect();
    apply(&sim, "crontabs.yaml", &objects);

    // Discovery is read again when a CRD is added: the short name works without a restart
    // (tried until kdeck has heard of it; each try waits for kdeck's answer).
    let screen = (0..50)
        .find_map(|_| {
            s.type_slowly(":ct");
            s.send(keys::ENTER);
            let t = s.wait_for("the pane or a message", |t| {
                t.contains("crontabs(default)")
                    || t.contains("unknown")
                    || t.contains("did you mean")
            });
            if t.contains("crontabs(default)") {
                Some(t)
            } else {
                std::thread::sleep(std::time::Duration::from_millis(200));
                None
            }
        })
        .expect("`:ct` opens the CronTabs once the CRD is discovered");
    assert!(screen.contains("crontabs(default)"), "{screen}");
    let screen = s.wait_for_text("crontabs(default)[3]");
    for column in ["SPEC", "REPLICAS", "AGE"] {
        assert!(
            screen.contains(column),
            "printer column {column}:\n{screen}"
        );
    }
    assert!(screen.contains("*/10 * * * *"), "{screen}");

    // A change made elsewhere reaches the row.
    sim.kubectl_ok(&[
        "patch",
        "crontab",
        "beta",
        "--type=merge",
        "-p",
        r#"{"spec":{"replicas":7}}"#,
    ]);
    s.wait_for("beta's new replicas", |t| {
        t.lines().any(|l| l.contains("beta") && l.contains(" 7 "))
    });

    // Edit alpha in kdeck ($EDITOR, through the same checks and diff as the built-in kinds).
    s.type_slowly("/alpha");
    s.send(keys::ENTER);
    s.wait_for_text("crontabs(default)</alpha>[1]");
    s.send("E");
    let diff = s.wait_for_text("the change: - live, + your edit");
    assert!(diff.contains("+  replicas: 9"), "{diff}");
    s.send(keys::ENTER);
    s.wait_for_text("alpha edited");
    assert_eq!(
        sim.kubectl_ok(&["get", "crontab", "alpha", "-o", "jsonpath={.spec.replicas}"]),
        "9"
    );
    s.send(keys::ESC);
    s.wait_for_text("crontabs(default)</alpha>[1]");
    s.send(keys::ESC);
    s.wait_for_text("crontabs(default)[3]");

    // Delete gamma from kdeck: filtered to it, X, confirm.
    s.type_slowly("/gamma");
    s.send(keys::ENTER);
    s.wait_for_text("crontabs(default)</gamma>[1]");
    s.send("X");
    s.wait_for("the delete dialog", |t| {
        t.contains("delete") && t.contains("gamma")
    });
    s.send(keys::ENTER);
    s.wait_for_text("crontabs(default)</gamma>[0]");
    let left = sim.kubectl_ok(&["get", "crontabs", "-o", "name"]);
    assert_eq!(
        left.lines().collect::<Vec<_>>(),
        [
            "crontab.stable.example.com/alpha",
            "crontab.stable.example.com/beta"
        ]
    );
    s.send(keys::ESC);
    s.wait_for_text("crontabs(default)[2]");

    // Deleting the CRD takes its objects, and discovery is read again: the name goes
    // (from another pane, so that it is the CRDs' watch that tells, not the pane's 404).
    s.type_slowly(":pods");
    s.send(keys::ENTER);
    s.wait_for_text("pods(default)");
    sim.kubectl_ok(&["delete", "crd", "crontabs.stable.example.com"]);
    let gone = (0..50).any(|_| {
        s.type_slowly(":ct");
        s.send(keys::ENTER);
        let t = s.wait_for("kdeck's answer to :ct", |t| {
            t.contains("unknown command :ct")
                || t.lines().last().is_some_and(|l| !l.contains(":ct"))
        });
        if t.contains("unknown command :ct") {
            true
        } else {
            std::thread::sleep(std::time::Duration::from_millis(200));
            false
        }
    });
    assert!(
        gone,
        "`:ct` is unknown once the CRD is gone:\n{}",
        s.screen()
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on q");
}

support::conformance_tests![crd_applied_while_kdeck_runs_is_browsable_live];
