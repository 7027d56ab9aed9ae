//! A CronJob run now (`t`) makes the Job `kubectl create job --from=cronjob/...` makes,
//! and suspend and resume (`p`, `r` on a CronJob) leave it as `kubectl patch` leaves it, each
//! on another fresh simulation: through kdeck's operations, and once from the real binary
//! in a pseudo-terminal.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod ops_fixture;
mod pty;
mod support;

use k8s_openapi::api::batch::v1::{CronJob, Job};
use kdeck::cluster::Kind;
use kdeck::cluster::ops::{Operation, Refusal};
use kube::api::{Api, ListParams, PostParams};
use ops_fixture::{NS, Side, key, timeout};
use pty::{PtySession, keys};
use serde_json::{Value, json};
use support::TestSim;

const CRON: &str = "hello";

/// Creates [`cronjob_manifest`]'s CronJob through `client`.
async fn create_cronjob(client: &kube::Client) {
    let cronjob: CronJob = serde_json::from_str(&cronjob_manifest()).unwrap();
    Api::<CronJob>::namespaced(client.clone(), NS)
        .create(&PostParams::default(), &cronjob)
        .await
        .expect("create the CronJob");
}

/// The one Job of `client`'s namespace, once it exists.
async fn the_job(client: &kube::Client) -> Job {
    let api = Api::<Job>::namespaced(client.clone(), NS);
    support::wait_until_async(timeout(), "a Job made from the CronJob", || {
        let api = api.clone();
        async move { api.list(&ListParams::default()).await.unwrap().items.len() == 1 }
    })
    .await;
    api.list(&ListParams::default())
        .await
        .unwrap()
        .items
        .remove(0)
}

/// What two Jobs made from the same template on two clusters share: the name's shape,
/// labels, annotations, owner (without its uid) and spec (without the generated selector).
fn comparable(job: &Job) -> Value {
    let mut v = serde_json::to_value(job).unwrap();
    let name = v["metadata"]["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("hello-manual-"), "{name}");
    let mut owner = v["metadata"]["ownerReferences"][0].take();
    owner["uid"].take();
    let mut spec = v["spec"].take();
    spec["selector"].take();
    spec["template"]["metadata"]["labels"].take();
    json!({
        "labels": v["metadata"]["labels"].take(),
        "annotations": v["metadata"]["annotations"].take(),
        "owner": owner,
        "spec": spec,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn run_now_matches_kubectl_create_job_from() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    for side in [&a, &b] {
        create_cronjob(&side.client).await;
    }
    let out = a
        .send(Operation::Trigger(key(Kind::CronJob, CRON)))
        .await
        .expect("run now");
    assert!(
        out.message.starts_with("job.batch/hello-manual-") && out.message.ends_with(" created"),
        "{}",
        out.message
    );
    let name = format!("hello-manual-{}", "x".repeat(5));
    b.kubectl_ok(&["create", "job", &name, "--from=cronjob/hello"]);
    let (job_a, job_b) = (the_job(&a.client).await, the_job(&b.client).await);
    assert_eq!(comparable(&job_a), comparable(&job_b));
    let ann = job_a.metadata.annotations.as_ref().unwrap();
    assert_eq!(ann["cronjob.kubernetes.io/instantiate"], "manual");
    // The run is a real Job: the sim's controllers take it to Complete on both sides.
    for side in [&a, &b] {
        let api = Api::<Job>::namespaced(side.client.clone(), NS);
        support::wait_until_async(timeout(), "the manual run to complete", || {
            let api = api.clone();
            async move {
                let jobs = api.list(&ListParams::default()).await.unwrap().items;
                jobs.iter()
                    .all(|j| j.status.as_ref().and_then(|s| s.succeeded) == Some(1))
            }
        })
        .await;
    }

    let err = a
        .send(Operation::Trigger(key(Kind::CronJob, "nope")))
        .await
        .expect_err("no such CronJob");
    assert_eq!(err.api().map(|f| f.code), Some(404), "{err}");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn suspend_and_resume_match_kubectl_patch() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    for side in [&a, &b] {
        create_cronjob(&side.client).await;
    }
    let suspend = |suspend| Operation::Suspend {
        key: key(Kind::CronJob, CRON),
        suspend,
    };
    // Created suspended: suspending again is refused with the state it has.
    let err = a.send(suspend(true)).await.expect_err("already suspended");
    assert_eq!(err.refusal(), Some(Refusal::AlreadyPaused), "{err}");
    let spec = |c: CronJob| serde_json::to_value(c.spec).unwrap();
    for (on, patch) in [
        (false, r#"{"spec":{"suspend":false}}"#),
        (true, r#"{"spec":{"suspend":true}}"#),
    ] {
        let out = a.send(suspend(on)).await.expect("suspend or resume");
        let verb = if on { "suspended" } else { "resumed" };
        assert_eq!(out.message, format!("cronjob.batch/hello {verb}"));
        b.kubectl_ok(&["patch", "cronjob", CRON, "-p", patch]);
        let (ca, cb) = (
            Api::<CronJob>::namespaced(a.client.clone(), NS)
                .get(CRON)
                .await
                .unwrap(),
            Api::<CronJob>::namespaced(b.client.clone(), NS)
                .get(CRON)
                .await
                .unwrap(),
        );
        assert_eq!(ca.spec.as_ref().unwrap().suspend, Some(on));
        assert_eq!(spec(ca), spec(cb));
    }
}

/// The tutorial's hello CronJob, suspended so that the schedule makes no Job of its own.
fn cronjob_manifest() -> String {
    json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": CRON, "namespace": NS},
        "spec": {
            "schedule": "*/1 * * * *",
            "suspend": true,
            "jobTemplate": {
                "metadata": {"labels": {"team": "batch"}, "annotations": {"note": "from the template"}},
                "spec": {"template": {"spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [{"name": "hello", "image": "busybox:1.28",
                        "command": ["/bin/sh", "-c", "date; echo Hello"]}]
                }}}
            }
        }
    })
    .to_string()
}

/// The one Job of `sim`'s namespace, read with kubectl once it exists.
fn the_job_by_kubectl(sim: &TestSim) -> Job {
    support::wait_until(timeout(), "a Job made from the CronJob", || {
        sim.kubectl_ok(&["get", "jobs", "-n", NS, "-o", "name"])
            .lines()
            .count()
            == 1
    });
    let list: Value =
        serde_json::from_str(&sim.kubectl_ok(&["get", "jobs", "-n", NS, "-o", "json"])).unwrap();
    serde_json::from_value(list["items"][0].clone()).unwrap()
}

/// `t` and Enter on the CronJob in the real kdeck leave the Job that `kubectl create job
/// --from=cronjob/hello` leaves on a second fresh sim (scrubbed of names and times).
fn run_now_from_the_real_binary_matches_kubectl() {
    support::require_kubectl!();
    let (a, b) = (TestSim::empty(), TestSim::empty());
    for sim in [&a, &b] {
        let path = sim.write_file("cronjob.json", &cronjob_manifest());
        sim.kubectl_ok(&["create", "-f", path.to_str().expect("utf-8 path")]);
    }
    let kubeconfig = a.kubeconfig_path().to_str().expect("utf-8 path");
    let config_home = a.dir().join("config");
    let state_home = a.dir().join("state");
    let mut s = PtySession::spawn(
        std::path::Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--kubeconfig", kubeconfig],
        &[
            ("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8 path")),
            ("XDG_STATE_HOME", state_home.to_str().expect("utf-8 path")),
        ],
        120,
        40,
    );
    s.wait_for_text("State: live");
    s.type_slowly(":cj");
    s.send(keys::ENTER);
    s.wait_for("the CronJob's row", |t| {
        t.contains("cronjobs(default)[1]") && t.lines().any(|l| l.contains("hello "))
    });
    s.send("t");
    s.wait_for_text("run cronjob/hello now?");
    s.send(keys::ENTER);
    let screen = s.wait_for_text(" created");
    assert!(screen.contains("job.batch/hello-manual-"), "{screen}");
    let name = format!("hello-manual-{}", "x".repeat(5));
    b.kubectl_ok(&["create", "job", &name, "--from=cronjob/hello"]);
    let (job_a, job_b) = (the_job_by_kubectl(&a), the_job_by_kubectl(&b));
    assert_eq!(comparable(&job_a), comparable(&job_b));
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly on q");
}

support::conformance_tests![
    run_now_matches_kubectl_create_job_from,
    suspend_and_resume_match_kubectl_patch,
    run_now_from_the_real_binary_matches_kubectl,
];
