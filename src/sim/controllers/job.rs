//! The Job controller: keeps `parallelism` pods running until `completions` have
//! succeeded (or, without completions, one has and none is left), counts each finished
//! pod once through its `batch.kubernetes.io/job-tracking` finalizer, replaces failed pods
//! after a growing back-off, and fails the Job once `backoffLimit` is passed (under
//! `OnFailure`, counting the containers' restarts). A finished Job's conditions are those of
//! the real controller: from 1.31 `SuccessCriteriaMet` or `FailureTarget` first, then
//! `Complete` or `Failed` once no pod is left running. `ttlSecondsAfterFinished` deletes it.

pub mod job_defaults;
mod job_status;

use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use jiff::SignedDuration;
use serde_json::{Value, json};

use self::job_status::{Counts, Outcome};
use super::ByOwner;
use super::events::{EventType, Note, Source, normal, record};
use super::meta::{controller_ref, int_at, is_terminating, kind, name, namespace, time_at, uid};
use super::pass::Pass;
use super::pod_defaults::with_pod_defaults;
use super::pod_state::{is_active, is_ready, phase, restart_count};
use crate::sim::store::Obj;

/// The finalizer that keeps a Job's pod until the Job has counted it.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
const SOURCE: Source<'static> = Source::controller("job-controller");
/// Pods created per Job and pass at most (the real controller's slow-start batches).
const BURST: usize = 100;

/// Runs the controller over every Job.
pub fn reconcile(pass: &Pass<'_>, pods_by_owner: &ByOwner) {
    for job in pass.all("batch", "Job") {
        if !is_terminating(&job) {
            sync(pass, &job, pods_by_owner.of(uid(&job)));
        }
    }
}

fn sync(pass: &Pass<'_>, job: &Obj, pods: &[Obj]) {
    let jobs = kind("batch", "Job");
    if job_status::finished(job) {
        expire(pass, job);
        untrack(pass, pods);
        return;
    }
    let counts = Counts::of(job, pods);
    let outcome = job_status::outcome(job, &counts, pass.now);
    let active: Vec<&Obj> = pods.iter().filter(|p| is_active(p)).collect();
    let suspended = job["spec"]["suspend"] == true;
    if outcome.is_some() || suspended {
        for pod in &active {
            delete_pod(pass, job, pod);
        }
    } else {
        manage(pass, job, &counts, &active, pods);
    }
    let written = pass.modify(
        &KUBE_CONTROLLER_MANAGER,
        jobs,
        namespace(job),
        name(job),
        |v| {
            job_status::write(v, &counts, outcome, suspended, pass);
        },
    );
    untrack(pass, pods);
    if let Some(written) = written
        && job_status::finished(&written)
    {
        let note = match outcome {
            Some(Outcome::Failed { reason, message }) => Note {
                kind: EventType::Warning,
                reason,
                message: message.into(),
                field_path: None,
            },
            _ => normal("Completed", "Job completed".into()),
        };
        record(pass, &written, SOURCE, note);
    }
}

/// Creates pods up to what is wanted now, or deletes the extra ones.
fn manage(pass: &Pass<'_>, job: &Value, counts: &Counts, active: &[&Obj], pods: &[Obj]) {
    let parallelism = int_at(job, "/spec/parallelism", 1).max(0);
    let want = match job["spec"]["completions"].as_i64() {
        Some(c) => parallelism.min((c - counts.succeeded).max(0)),
        // A work queue: once one pod succeeded, no new one starts.
        None if counts.succeeded > 0 => 0,
        None => parallelism,
    };
    let have = i64::try_from(active.len()).unwrap_or(i64::MAX);
    if have > want {
        let mut newest: Vec<&&Obj> = active.iter().collect();
        newest.sort_by_key(|p| std::cmp::Reverse(super::meta::created(p)));
        for pod in newest
            .into_iter()
            .take(usize::try_from(have - want).unwrap_or(0))
        {
            delete_pod(pass, job, pod);
        }
        return;
    }
    if have == want || !backoff_over(pods, counts, pass) {
        return;
    }
    let missing = usize::try_from(want - have).unwrap_or(0).min(BURST);
    for _ in 0..missing {
        if let Some(pod) = pass.create(
            &KUBE_CONTROLLER_MANAGER,
            kind("", "Pod"),
            pod_from_template(job),
        ) {
            record(
                pass,
                job,
                SOURCE,
                normal("SuccessfulCreate", format!("Created pod: {}", name(&pod))),
            );
        }
    }
}

/// After failures, a new pod waits 10 s, doubling per failure up to 6 minutes, from the last one.
fn backoff_over(pods: &[Obj], counts: &Counts, pass: &Pass<'_>) -> bool {
    if counts.failed == 0 {
        return true;
    }
    let last_failure = pods
        .iter()
        .filter(|p| phase(p) == "Failed")
        .filter_map(|p| {
            p["status"]["containerStatuses"]
                .as_array()?
                .iter()
                .filter_map(|s| time_at(s, "/state/terminated/finishedAt"))
                .max()
        })
        .max();
    let Some(last) = last_failure else {
        return true;
    };
    let exp = u32::try_from((counts.failed - 1).clamp(0, 6)).unwrap_or(6);
    let wait = (10 * 2_i64.pow(exp)).min(360);
    pass.now
        >= last
            .saturating_add(SignedDuration::from_secs(wait))
            .unwrap_or(last)
}

fn delete_pod(pass: &Pass<'_>, job: &Value, pod: &Obj) {
    pass.delete_gracefully(kind("", "Pod"), pod);
    record(
        pass,
        job,
        SOURCE,
        normal("SuccessfulDelete", format!("Deleted pod: {}", name(pod))),
    );
}

/// Removes the tracking finalizer of the finished pods: they are counted now.
fn untrack(pass: &Pass<'_>, pods: &[Obj]) {
    for pod in pods {
        let tracked = pod["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == TRACKING_FINALIZER));
        if tracked && (!is_active(pod) || is_terminating(pod)) {
            pass.modify(
                &KUBE_CONTROLLER_MANAGER,
                kind("", "Pod"),
                namespace(pod),
                name(pod),
                |v| {
                    if let Some(f) = v["metadata"]["finalizers"].as_array_mut() {
                        f.retain(|x| x != TRACKING_FINALIZER);
                    }
                    if v["metadata"]["finalizers"]
                        .as_array()
                        .is_some_and(Vec::is_empty)
                        && let Some(m) = v["metadata"].as_object_mut()
                    {
                        m.remove("finalizers");
                    }
                },
            );
        }
    }
}

/// The TTL-after-finished controller: a finished Job with `ttlSecondsAfterFinished` goes.
fn expire(pass: &Pass<'_>, job: &Obj) {
    let Some(ttl) = job["spec"]["ttlSecondsAfterFinished"].as_i64() else {
        return;
    };
    let finished = job_status::finished_at(job);
    if let Some(at) = finished
        && pass.now
            >= at
                .saturating_add(SignedDuration::from_secs(ttl))
                .unwrap_or(at)
    {
        pass.delete_gracefully(kind("batch", "Job"), job);
    }
}

/// A new pod from the Job's template: owned, tracked, named `<job>-XXXXX`.
pub fn pod_from_template(job: &Value) -> Value {
    let template = &job["spec"]["template"];
    let mut metadata = json!({
        "generateName": format!("{}-", name(job)),
        "namespace": namespace(job),
        "ownerReferences": [controller_ref(job)],
        "finalizers": [TRACKING_FINALIZER],
    });
    for field in ["labels", "annotations"] {
        if template["metadata"][field].is_object() {
            metadata[field] = template["metadata"][field].clone();
        }
    }
    json!({
        "metadata": metadata,
        "spec": with_pod_defaults(&template["spec"]),
        "status": {"phase": "Pending", "qosClass": "BestEffort"},
    })
}

/// Whether `pod` counts as ready for the Job's `status.ready`.
pub fn counts_ready(pod: &Value) -> bool {
    is_active(pod) && is_ready(pod)
}

/// The restarts of the Job's active pods (what `OnFailure` counts against the back-off limit).
pub fn active_restarts(pods: &[Obj]) -> i64 {
    pods.iter()
        .filter(|p| is_active(p))
        .map(|p| restart_count(p))
        .sum()
}
