//! CronJobs: a run now (`kubectl create job NAME --from=cronjob/x`: the same Job the
//! controller would make, marked as manual), and suspend or resume (`spec.suspend`).

use k8s_openapi::api::batch::v1::{CronJob, Job};
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

use super::op_error::{OpError, Refusal};
use super::{Outcome, patch_request};
use crate::cluster::Permit;

/// The annotation kubectl puts on a Job it makes from a CronJob.
pub const INSTANTIATE_ANNOTATION: &str = "cronjob.kubernetes.io/instantiate";

/// The Job `kubectl create job NAME --from=cronjob/...` makes of `cronjob`: the job
/// template's labels, annotations (plus `cronjob.kubernetes.io/instantiate: manual`) and
/// spec, owned by the CronJob.
pub fn job_from(cronjob: &CronJob, name: &str) -> Result<Value, OpError> {
    let template = cronjob
        .spec
        .as_ref()
        .map(|s| &s.job_template)
        .ok_or_else(|| OpError::refused(Refusal::Unsupported, "the CronJob has no spec"))?;
    let meta = template.metadata.clone().unwrap_or_default();
    let mut annotations = meta.annotations.unwrap_or_default();
    annotations.insert(INSTANTIATE_ANNOTATION.to_owned(), "manual".to_owned());
    let owner = json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "name": cronjob.metadata.name,
        "uid": cronjob.metadata.uid,
        "controller": true,
    });
    Ok(json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": cronjob.metadata.namespace,
            "labels": meta.labels.unwrap_or_default(),
            "annotations": annotations,
            "ownerReferences": [owner],
        },
        "spec": template.spec,
    }))
}

/// A name for a run made by hand, as k9s names them: `CRONJOB-manual-xxxxx` (kept
/// within the 63 characters a Job's pods' label allows).
pub fn manual_job_name(cronjob: &str) -> String {
    let base: String = cronjob.chars().take(63 - "-manual-xxxxx".len()).collect();
    format!("{base}-manual-{}", random_suffix(5))
}

/// `n` characters of the alphabet Kubernetes generates names from (no vowels, no look-alikes).
fn random_suffix(n: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..n)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

/// Runs CronJob `name` now: creates its Job as kubectl's `create job --from` does.
pub(super) async fn trigger(
    permit: &Permit,
    namespace: &str,
    name: &str,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    let cronjob = Api::<CronJob>::namespaced(client.clone(), namespace)
        .get(name)
        .await?;
    let job_name = manual_job_name(name);
    let body = job_from(&cronjob, &job_name)?;
    let job: Job = serde_json::from_value(body.clone())
        .map_err(|e| OpError::Transport(format!("cannot build the Job: {e}")))?;
    tracing::info!(what = permit.what(), "creating a Job from a CronJob");
    Api::<Job>::namespaced(client.clone(), namespace)
        .create(&PostParams::default(), &job)
        .await?;
    Ok(Outcome::sent(
        format!("job.batch/{job_name} created"),
        format!("POST /apis/batch/v1/namespaces/{namespace}/jobs {body}"),
    ))
}

/// Suspends (`true`) or resumes CronJob `name`, as `kubectl patch cronjob NAME -p
/// '{"spec":{"suspend":true}}'` does; refused with the state it already has.
pub(super) async fn set_suspended(
    permit: &Permit,
    namespace: &str,
    name: &str,
    suspend: bool,
) -> Result<Outcome, OpError> {
    let api = Api::<CronJob>::namespaced(permit.client().clone(), namespace);
    let now = api
        .get(name)
        .await?
        .spec
        .and_then(|s| s.suspend)
        .unwrap_or(false);
    if now == suspend {
        let state = if suspend {
            "suspended"
        } else {
            "not suspended"
        };
        return Err(OpError::refused(
            if suspend {
                Refusal::AlreadyPaused
            } else {
                Refusal::NotPaused
            },
            format!("cronjobs.batch {name:?} is already {state}"),
        ));
    }
    let body = json!({"spec": {"suspend": suspend}});
    tracing::info!(what = permit.what(), "patching a CronJob's suspend");
    api.patch(name, &PatchParams::default(), &Patch::Merge(&body))
        .await?;
    let path = patch_request::object_path::<CronJob>(namespace, name);
    let verb = if suspend { "suspended" } else { "resumed" };
    Ok(Outcome::sent(
        format!("cronjob.batch/{name} {verb}"),
        patch_request::describe(&path, patch_request::MERGE_PATCH, &body),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_is_the_template_marked_manual_and_owned() {
        let cronjob: CronJob = serde_json::from_value(json!({
            "metadata": {"name": "hello", "namespace": "batch", "uid": "u-1"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {
                "metadata": {"labels": {"team": "a"}, "annotations": {"note": "x"}},
                "spec": {"template": {"spec": {"restartPolicy": "Never",
                    "containers": [{"name": "c", "image": "busybox"}]}}}}}
        }))
        .unwrap();
        let job = job_from(&cronjob, "hello-manual-abcde").unwrap();
        assert_eq!(
            job["metadata"]["annotations"][INSTANTIATE_ANNOTATION],
            "manual"
        );
        assert_eq!(job["metadata"]["annotations"]["note"], "x");
        assert_eq!(job["metadata"]["labels"]["team"], "a");
        assert_eq!(job["metadata"]["ownerReferences"][0]["uid"], "u-1");
        assert_eq!(job["metadata"]["ownerReferences"][0]["controller"], true);
        assert_eq!(
            job["spec"]["template"]["spec"]["containers"][0]["image"],
            "busybox"
        );
        let name = manual_job_name(&"x".repeat(80));
        assert!(name.len() <= 63 && name.contains("-manual-"), "{name}");
    }
}
