//! `kubectl rollout pause` and `resume`: a strategic merge patch of
//! `spec.paused` (resume sends `null`, which removes the field, as kubectl's
//! computed patch does), refused with kubectl's message when there is nothing
//! to do.

use serde_json::{Value, json};

use super::op_error::{OpError, Refusal};
use super::revisions::get_deployment;
use super::{Outcome, patch_request};
use crate::cluster::Permit;

/// The patch `kubectl rollout pause` sends.
pub fn pause_patch() -> Value {
    json!({"spec": {"paused": true}})
}

/// The patch `kubectl rollout resume` sends.
pub fn resume_patch() -> Value {
    json!({"spec": {"paused": null}})
}

/// `kubectl rollout pause deployment/NAME`.
pub(super) async fn pause(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    set_paused(client, permit, namespace, deployment, true).await
}

/// `kubectl rollout resume deployment/NAME`.
pub(super) async fn resume(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    set_paused(client, permit, namespace, deployment, false).await
}

async fn set_paused(
    client: &kube::Client,
    permit: &Permit,
    namespace: &str,
    deployment: &str,
    paused: bool,
) -> Result<Outcome, OpError> {
    let current = get_deployment(client, namespace, deployment).await?;
    let is_paused = current
        .spec
        .as_ref()
        .and_then(|s| s.paused)
        .unwrap_or(false);
    if is_paused == paused {
        return Err(if paused {
            OpError::refused(
                Refusal::AlreadyPaused,
                format!("deployments.apps {deployment:?} is already paused"),
            )
        } else {
            OpError::refused(
                Refusal::NotPaused,
                format!("deployments.apps {deployment:?} is not paused"),
            )
        });
    }
    tracing::info!(what = permit.what(), "sending pause/resume");
    let body = if paused {
        pause_patch()
    } else {
        resume_patch()
    };
    let (_, sent) = patch_request::send_strategic(permit, namespace, deployment, &body).await?;
    let verb = if paused { "paused" } else { "resumed" };
    Ok(Outcome::sent(
        format!("deployment.apps/{deployment} {verb}"),
        sent,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_are_kubectls() {
        assert_eq!(pause_patch().to_string(), r#"{"spec":{"paused":true}}"#);
        assert_eq!(resume_patch().to_string(), r#"{"spec":{"paused":null}}"#);
    }
}
