//! Rollout operations that leave the cluster exactly as their kubectl
//! equivalents do: the same patch bodies, annotations and revision
//! bookkeeping, so kubectl, kdeck and other tools agree afterwards.
//!
//! Every operation takes a [`Permit`](super::Permit) (no mutation without
//! asking the [`MutationGate`](super::MutationGate)), runs in-process through
//! kube-rs (no kubectl binary), and fails with an [`OpError`] that carries the
//! API server's own message, or kubectl's refusal text.
//!
//! The pure parts (patch bodies, the undo computation, the template diff) are
//! public so the UI can show exactly what will be sent before confirming.
//!
//! Module map:
//! - [`operation`]: operations as data ([`Operation`]) and [`perform`], which asks the gate.
//! - [`mod@scale`], [`mod@set_image`], [`pause_resume`], [`mod@restart`], [`mod@undo`], [`mod@delete`]: one
//!   kubectl command each; [`canary`] (with [`canary::patches`]) goes beyond kubectl.
//! - [`controller_history`]: history and undo of StatefulSets and DaemonSets (ControllerRevisions).
//! - [`revisions`]: a Deployment's ReplicaSets and revision numbers as kubectl reads them;
//!   [`mod@rollout_history`], [`mod@rollout_status`], [`mod@template_diff`] for the panes and previews.
//! - [`patch_request`]: sending and describing patches; [`op_error`]: why an operation failed.
//! - [`mod@replace`]: `kubectl edit`'s PUT with the edited resourceVersion, and `create -f`
//!   (both with a server dry run).

pub mod canary;
pub mod controller_history;
pub mod delete;
pub mod op_error;
pub mod operation;
pub mod patch_request;
pub mod pause_resume;
pub mod replace;
pub mod restart;
pub mod revisions;
pub mod rollout_history;
pub mod rollout_status;
pub mod scale;
pub mod set_image;
pub mod template_diff;
pub mod undo;

pub use canary::{CanaryPlan, CanaryProgress, abort_canary, promote_canary, start_canary};
pub use delete::{Propagation, delete, dependents};
pub use op_error::{ApiFailure, FieldCause, OpError, Refusal};
pub use operation::{Operation, perform};
pub use pause_resume::{pause, resume};
pub use replace::{create, replace};
pub use restart::restart;
pub use rollout_history::{Revision, rollout_history};
pub use rollout_status::{RolloutStatus, rollout_status, rollout_status_of_row};
pub use scale::scale;
pub use set_image::set_image;
pub use template_diff::{DiffLine, template_diff, text_diff};
pub use undo::{UndoPlan, resume_and_undo, undo, undo_preview};

/// What an operation did, in kubectl's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What kubectl prints on success, e.g. `deployment.apps/myapp-deploy rolled back`.
    pub message: String,
    /// The request that was sent (method, path, patch type and body), or `None` when
    /// nothing needed sending (e.g. a skipped rollback).
    pub sent: Option<String>,
}

impl Outcome {
    fn sent(message: String, sent: String) -> Self {
        Self {
            message,
            sent: Some(sent),
        }
    }

    fn nothing_sent(message: String) -> Self {
        Self {
            message,
            sent: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::cluster::{Kind, MutationGate};

    fn is_send<T: Send>(_: &T) {}

    /// The UI runs operations as tokio tasks: their futures must be `Send`.
    #[tokio::test]
    async fn operation_futures_are_send() {
        let config = kube::Config::new("http://127.0.0.1:9".parse().expect("a URL"));
        let client = kube::Client::try_from(config).expect("a client (nothing is sent)");
        let permit = MutationGate::new(false).permit("test").expect("open");
        let plan = CanaryPlan {
            namespace: "default".into(),
            deployment: "web".into(),
            container: "web".into(),
            image: "nginx".into(),
            new_pods: 1,
            change_cause: None,
            timeout: Duration::from_secs(1),
        };
        let mut progress = |_: CanaryProgress| {};
        is_send(&start_canary(&client, &permit, &plan, &mut progress));
        is_send(&promote_canary(&client, &permit, "default", "web"));
        is_send(&abort_canary(&client, &permit, "default", "web"));
        is_send(&undo(&client, &permit, "default", "web", None));
        is_send(&resume_and_undo(
            &client,
            &permit,
            "default",
            "web",
            Some(1),
        ));
        is_send(&scale(
            &client,
            &permit,
            Kind::Deployment,
            "default",
            "web",
            2,
        ));
        is_send(&set_image(
            &client, &permit, "default", "web", "web", "x", None,
        ));
        is_send(&pause(&client, &permit, "default", "web"));
        is_send(&resume(&client, &permit, "default", "web"));
        is_send(&restart(
            &client,
            &permit,
            crate::cluster::Kind::Deployment,
            "default",
            "web",
        ));
        is_send(&delete(
            &client,
            &permit,
            Kind::Pod,
            "default",
            "web",
            Propagation::Orphan,
        ));
        is_send(&dependents(&client, Kind::Deployment, "default", "web"));
        is_send(&rollout_history(&client, "default", "web"));
        is_send(&undo_preview(&client, "default", "web", None));
    }
}
