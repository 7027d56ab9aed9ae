//! The seed's batch workloads and custom resources: in the namespace `batch`, the CronJob
//! `hello-cron` (every minute, busybox echo) and the finished Job `pi` of the Jobs tutorial;
//! the CRD `widgets.demo.kdeck.dev` (kind Widget, short name `wg`, columns COLOR, SIZE,
//! AGE) with three Widgets in `default`.
//!
//! The batch workloads have a namespace of their own because a CronJob that fires every
//! simulated minute keeps a namespace busy (every 3 real seconds at the tests' speed 20):
//! `default` stays as quiet as the tutorials left it.

use serde_json::{Value, json};

use super::create;
use crate::sim::controllers::job::job_defaults::default_job;
use crate::sim::scenario::cluster_objects::{container, namespace, template};

/// The namespace of the seed's Jobs and CronJobs.
pub const BATCH_NAMESPACE: &str = "batch";
use crate::sim::store::Store;

fn run_once(mut template: Value) -> Value {
    template["spec"]["restartPolicy"] = json!("Never");
    template
}

fn with_command(mut c: Value, command: &[&str]) -> Value {
    c["command"] = json!(command);
    c
}

/// Creates `pi` (it finishes as the controllers run) and `hello-cron`.
pub fn create_batch(store: &Store) -> anyhow::Result<()> {
    let minor = store.registry().release().minor();
    create(store, "", "Namespace", namespace(BATCH_NAMESPACE))?;
    let pi = with_command(
        container("pi", "perl:5.34.0", json!([])),
        &["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"],
    );
    let mut job = json!({
        "metadata": {"name": "pi", "namespace": BATCH_NAMESPACE},
        "spec": {"backoffLimit": 4, "template": run_once(template(&json!({}), vec![pi]))},
    });
    default_job(&mut job, minor);
    create(store, "batch", "Job", job)?;
    let hello = with_command(
        container("hello", "busybox:1.28", json!([])),
        &[
            "/bin/sh",
            "-c",
            "date; echo Hello from the Kubernetes cluster",
        ],
    );
    let mut job_template = run_once(template(&json!({}), vec![hello]));
    if let Some(m) = job_template.as_object_mut() {
        m.remove("metadata");
    }
    create(
        store,
        "batch",
        "CronJob",
        json!({
            "metadata": {"name": "hello-cron", "namespace": BATCH_NAMESPACE},
            "spec": {
                "schedule": "* * * * *",
                "concurrencyPolicy": "Allow",
                "suspend": false,
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 1,
                "jobTemplate": {"metadata": {}, "spec": {"template": job_template}},
            },
        }),
    )?;
    Ok(())
}

fn column(name: &str, type_: &str, path: &str) -> Value {
    json!({"name": name, "type": type_, "jsonPath": path})
}

/// Creates the Widget CRD and three Widgets.
pub fn create_widgets(store: &Store) -> anyhow::Result<()> {
    let property = |t: &str| json!({"type": t});
    create(
        store,
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        json!({
            "metadata": {"name": "widgets.demo.kdeck.dev",
                "finalizers": ["customresourcecleanup.apiextensions.k8s.io"]},
            "spec": {
                "group": "demo.kdeck.dev",
                "scope": "Namespaced",
                "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                    "listKind": "WidgetList", "shortNames": ["wg"]},
                "conversion": {"strategy": "None"},
                "versions": [{
                    "name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {
                            "color": property("string"), "size": property("integer")}}}}},
                    "additionalPrinterColumns": [
                        column("Color", "string", ".spec.color"),
                        column("Size", "integer", ".spec.size"),
                        column("Age", "date", ".metadata.creationTimestamp"),
                    ],
                }],
            },
            "status": {"acceptedNames": {"kind": "", "plural": ""}, "storedVersions": []},
        }),
    )?;
    for (name, color, size) in [
        ("gear", "red", 3),
        ("sprocket", "blue", 5),
        ("spring", "green", 8),
    ] {
        create(
            store,
            "demo.kdeck.dev",
            "Widget",
            json!({"apiVersion": "demo.kdeck.dev/v1", "kind": "Widget",
                "metadata": {"name": name, "namespace": "default", "labels": {"color": color}},
                "spec": {"color": color, "size": size}}),
        )?;
    }
    Ok(())
}
