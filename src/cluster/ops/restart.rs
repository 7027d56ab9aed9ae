//! `kubectl rollout restart deployment|statefulset|daemonset/NAME`: a strategic merge
//! patch of the `kubectl.kubernetes.io/restartedAt` template annotation (RFC 3339,
//! seconds); a paused Deployment is refused with kubectl's message.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{DaemonSet, StatefulSet};
use serde_json::{Value, json};

use super::op_error::{OpError, Refusal};
use super::revisions::get_deployment;
use super::{Outcome, patch_request};
use crate::cluster::{Kind, Permit};

/// The template annotation a restart sets.
pub const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

/// The patch for a restart at `at`, formatted like Go's `time.RFC3339` in UTC.
pub fn restart_patch(at: Timestamp) -> Value {
    let at = at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT_ANNOTATION: at}}}}})
}

/// Restarts every pod of workload `name` (a Deployment, StatefulSet or DaemonSet) through
/// a rollout, as `kubectl rollout restart` does.
pub(super) async fn restart(
    permit: &Permit,
    kind: Kind,
    namespace: &str,
    name: &str,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    let body = restart_patch(Timestamp::now());
    let sent = match kind {
        Kind::Deployment => return restart_deployment(client, permit, namespace, name).await,
        Kind::StatefulSet => {
            tracing::info!(what = permit.what(), "sending restart");
            patch_request::send_strategic_to::<StatefulSet>(permit, namespace, name, &body)
                .await?
                .1
        }
        Kind::DaemonSet => {
            tracing::info!(what = permit.what(), "sending restart");
            patch_request::send_strategic_to::<DaemonSet>(permit, namespace, name, &body)
                .await?
                .1
        }
        other => {
            return Err(OpError::refused(
                Refusal::Unsupported,
                format!(
                    "restarting is not supported on {other:?}s: only Deployments, StatefulSets and DaemonSets"
                ),
            ));
        }
    };
    Ok(Outcome::sent(
        format!("{}/{name} restarted", kind.qualified()),
        sent,
    ))
}

async fn restart_deployment(
    client: &kube::Client,
    permit: &Permit,
    namespace: &str,
    deployment: &str,
) -> Result<Outcome, OpError> {
    let current = get_deployment(client, namespace, deployment).await?;
    if current
        .spec
        .as_ref()
        .and_then(|s| s.paused)
        .unwrap_or(false)
    {
        return Err(OpError::refused(
            Refusal::Paused,
            format!(
                "deployments.apps {deployment:?} can't restart paused deployment (run rollout resume first)"
            ),
        ));
    }
    tracing::info!(what = permit.what(), "sending restart");
    let body = restart_patch(Timestamp::now());
    let (_, sent) = patch_request::send_strategic(permit, namespace, deployment, &body).await?;
    Ok(Outcome::sent(
        format!("deployment.apps/{deployment} restarted"),
        sent,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarted_at_is_rfc3339_to_the_second() {
        let at: Timestamp = "2026-11-30T08:40:07.123456Z".parse().unwrap();
        assert_eq!(
            restart_patch(at),
            json!({"spec": {"template": {"metadata": {"annotations": {
                "kubectl.kubernetes.io/restartedAt": "2026-11-30T08:40:07Z"
            }}}}})
        );
    }
}
