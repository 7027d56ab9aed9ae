//! CustomResourceDefinitions through the real kubectl: `apply` of a CRD serves its kind at
//! once (discovery with short names, CRUD, selectors, paging, watch, the status and scale
//! subresources, the printer columns), its conditions are the real server's, its schema's
//! types are checked, and deleting it removes the kind and its objects.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod support;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use serde_json::Value;
use support::{TestSim, stderr, test_timeout, wait_until};

/// A namespaced CRD with short name `wg`, printer columns and both subresources.
pub const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.kdeck.dev
spec:
  group: demo.kdeck.dev
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wg]
    categories: [all]
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
              color: {type: string}
              size: {type: integer}
              replicas: {type: integer}
          status:
            type: object
            properties:
              phase: {type: string}
              replicas: {type: integer}
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
    additionalPrinterColumns:
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
";

fn widget(name: &str, color: &str, size: &str) -> String {
    format!(
        "apiVersion: demo.kdeck.dev/v1\nkind: Widget\nmetadata:\n  name: {name}\n  labels:\n    color: {color}\nspec:\n  color: {color}\n  size: {size}\n"
    )
}

fn apply(sim: &TestSim, name: &str, yaml: &str) -> String {
    let file = sim.write_file(name, yaml);
    sim.kubectl_ok(&["apply", "-f", file.to_str().unwrap()])
}

fn get_json(sim: &TestSim, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&sim.kubectl_ok(&all)).unwrap()
}

fn with_widgets() -> TestSim {
    let sim = TestSim::empty();
    apply(&sim, "crd.yaml", WIDGET_CRD);
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    sim.kubectl_ok(&[
        "wait",
        "--for=condition=established",
        "crd/widgets.demo.kdeck.dev",
        &timeout,
    ]);
    let all = [
        widget("alpha", "red", "3"),
        widget("beta", "blue", "5"),
        widget("gamma", "red", "8"),
    ]
    .join("---\n");
    apply(&sim, "widgets.yaml", &all);
    sim
}

fn applied_custom_resources_show_their_printer_columns() {
    require_kubectl!();
    let sim = with_widgets();
    let table = sim.kubectl_ok(&["get", "widgets"]);
    let lines: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["NAME", "COLOR", "SIZE", "AGE"]);
    assert_eq!(&lines[1][..3], ["alpha", "red", "3"]);
    assert_eq!(&lines[2][..3], ["beta", "blue", "5"]);
    assert_eq!(lines.len(), 4);
    let short = sim.kubectl_ok(&["get", "wg", "-l", "color=red", "-o", "name"]);
    assert_eq!(
        short.lines().collect::<Vec<_>>(),
        ["widget.demo.kdeck.dev/alpha", "widget.demo.kdeck.dev/gamma"]
    );
    let paged = sim.kubectl_ok(&[
        "get",
        "widgets.demo.kdeck.dev",
        "--chunk-size=1",
        "-o",
        "name",
    ]);
    assert_eq!(paged.lines().count(), 3);
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path.contains("/widgets?") && r.path.contains("continue="))
    );
    let resources = sim.kubectl_ok(&["api-resources", "--api-group=demo.kdeck.dev"]);
    let row: Vec<&str> = resources
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        row,
        ["widgets", "wg", "demo.kdeck.dev/v1", "true", "Widget"]
    );
    let all = sim.kubectl_ok(&["get", "all", "-o", "name"]);
    assert!(
        all.contains("widget.demo.kdeck.dev/beta"),
        "the `all` category: {all}"
    );
}

fn a_crd_reports_the_conditions_the_real_server_sets() {
    require_kubectl!();
    let sim = with_widgets();
    let crd = get_json(&sim, &["get", "crd", "widgets.demo.kdeck.dev"]);
    let conditions: Vec<(&str, &str)> = crd["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["type"].as_str().unwrap(), c["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        conditions,
        [
            ("NamesAccepted", "NoConflicts"),
            ("Established", "InitialNamesAccepted")
        ]
    );
    assert_eq!(crd["status"]["acceptedNames"]["listKind"], "WidgetList");
    assert_eq!(crd["status"]["storedVersions"], serde_json::json!(["v1"]));
    assert_eq!(
        crd["metadata"]["finalizers"][0],
        "customresourcecleanup.apiextensions.k8s.io"
    );
}

fn status_and_scale_subresources_and_schema_types() {
    require_kubectl!();
    let sim = with_widgets();
    sim.kubectl_ok(&[
        "patch",
        "widget",
        "alpha",
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"phase":"Ready","replicas":1}}"#,
    ]);
    sim.kubectl_ok(&[
        "patch",
        "widget",
        "alpha",
        "--type=merge",
        "-p",
        r#"{"status":{"phase":"Ignored"},"spec":{"size":4}}"#,
    ]);
    let alpha = get_json(&sim, &["get", "widget", "alpha"]);
    assert_eq!(
        alpha["status"]["phase"], "Ready",
        "the main resource does not write status"
    );
    assert_eq!(alpha["spec"]["size"], 4);
    assert_eq!(alpha["metadata"]["generation"], 2);
    sim.kubectl_ok(&["scale", "widget", "alpha", "--replicas=3"]);
    assert_eq!(
        get_json(&sim, &["get", "widget", "alpha"])["spec"]["replicas"],
        3
    );
    // A field the schema does not declare: refused under kubectl's Strict validation,
    // pruned without it.
    let shaded = format!("{}  shade: dark\n", widget("shaded", "red", "2"));
    let file = sim.write_file("shaded.yaml", &shaded);
    let err = sim.kubectl_err(&["apply", "-f", file.to_str().unwrap()]);
    assert!(
        err.contains("strict decoding error: unknown field \"spec.shade\""),
        "{err}"
    );
    sim.kubectl_ok(&["apply", "--validate=false", "-f", file.to_str().unwrap()]);
    let shaded = get_json(&sim, &["get", "widget", "shaded"]);
    assert_eq!(
        shaded["spec"],
        serde_json::json!({"color": "red", "size": 2})
    );
    let file = sim.write_file("bad.yaml", &widget("bad", "red", "big"));
    let err = sim.kubectl_err(&["apply", "-f", file.to_str().unwrap()]);
    assert!(
        err.contains("spec.size in body must be of type integer"),
        "{err}"
    );
}

fn a_watch_on_custom_resources_sees_changes() {
    require_kubectl!();
    let sim = with_widgets();
    let mut child = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig_path())
        .args([
            "get",
            "widgets",
            "-w",
            "--output-watch-events",
            "--watch-only",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run kubectl");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    wait_until(test_timeout(), "the watch request", || {
        // kubectl wait's watch of the CRD names widgets too: this is the widgets' own.
        sim.requests()
            .iter()
            .any(|r| r.verb == "watch" && r.path.contains("/widgets?"))
    });
    apply(&sim, "delta.yaml", &widget("delta", "green", "1"));
    let line = std::iter::from_fn(|| rx.recv_timeout(test_timeout()).ok())
        .find(|l| !l.starts_with("EVENT"))
        .expect("an event");
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&words[..4], ["ADDED", "delta", "green", "1"], "{line}");
    let _ = child.kill();
    let _ = child.wait();
}

fn deleting_a_crd_removes_its_kind_and_objects() {
    require_kubectl!();
    let sim = with_widgets();
    sim.kubectl_ok(&["delete", "crd", "widgets.demo.kdeck.dev"]);
    let out = sim.kubectl(&["get", "widgets"]);
    assert!(!out.status.success());
    // kubectl's discovery cache may still know the kind: then the list itself is a 404.
    let err = stderr(&out);
    assert!(
        err.contains("the server doesn't have a resource type \"widgets\"")
            || err.contains("the server could not find the requested resource"),
        "{err}"
    );
    let rt = sim
        .store()
        .registry()
        .by_plural("demo.kdeck.dev", "widgets");
    assert!(rt.is_none(), "no longer served");
    let requests_before = sim.requests().len();
    // Created again, the kind starts empty.
    apply(&sim, "crd.yaml", WIDGET_CRD);
    wait_until(test_timeout(), "widgets served again", || {
        sim.kubectl(&["get", "widgets", "-o", "name"])
            .status
            .success()
    });
    assert_eq!(sim.kubectl_ok(&["get", "widgets", "-o", "name"]), "");
    assert!(sim.requests().len() > requests_before);
}

support::conformance_tests![
    applied_custom_resources_show_their_printer_columns,
    a_crd_reports_the_conditions_the_real_server_sets,
    status_and_scale_subresources_and_schema_types,
    a_watch_on_custom_resources_sees_changes,
    deleting_a_crd_removes_its_kind_and_objects,
];
