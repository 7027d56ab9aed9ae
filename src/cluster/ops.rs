//! Rollout operations that leave the cluster exactly as their kubectl
//! equivalents do: the same patch bodies, annotations and revision
//! bookkeeping, so kubectl, kdeck and other tools agree afterwards.
//!
//! Every change is an [`Operation`] sent by [`perform`], which takes a
//! [`Permit`](super::Permit): the senders are private to this module, and a permit comes
//! only from the [`MutationGate`](super::MutationGate). Operations run in-process through
//! kube-rs (no kubectl binary), and fail with an [`OpError`] that carries the
//! API server's own message, or kubectl's refusal text.
//!
//! The pure parts (patch bodies, the undo computation, the template diff) are
//! public so the UI can show exactly what will be sent before confirming.
//!
//! Module map:
//! - [`operation`]: operations as data ([`Operation`]) and [`perform`], the one sender.
//! - [`mod@scale`], [`mod@set_image`], [`pause_resume`], [`mod@restart`], [`mod@undo`], [`mod@delete`]: one
//!   kubectl command each; [`canary`] (with [`canary::patches`]) goes beyond kubectl.
//! - [`controller_history`]: history and undo of StatefulSets and DaemonSets (ControllerRevisions).
//! - [`revisions`]: a Deployment's ReplicaSets and revision numbers as kubectl reads them;
//!   [`mod@rollout_history`], [`mod@rollout_status`], [`mod@template_diff`] for the panes and previews.
//! - [`conflict_retry`]: read-compute-write again on a 409 Conflict, as client-go does.
//! - [`patch_request`]: sending and describing patches; [`op_error`]: why an operation failed.
//! - [`debug_pod`]: `:run`'s throwaway pod (`kubectl run --rm -it`), waiting for it to
//!   run, and the ones a crashed kdeck left behind.
//! - [`mod@replace`]: `kubectl edit`'s PUT with the edited resourceVersion, and `create -f`
//!   (both with a server dry run).

pub mod canary;
pub mod conflict_retry;
pub mod controller_history;
pub mod cronjob;
pub mod debug_pod;
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

pub use canary::{CanaryPlan, CanaryProgress};
pub use debug_pod::DebugPod;
pub use delete::{Propagation, dependents};
pub use op_error::{ApiFailure, FieldCause, OpError, Refusal};
pub use operation::{Body, CANARY_TIMEOUT, Operation, perform, propagation_name};
pub use rollout_history::{Revision, rollout_history};
pub use rollout_status::{RolloutStatus, rollout_status, rollout_status_of_row};
pub use template_diff::{DiffLine, template_diff, text_diff};
pub use undo::{UndoPlan, undo_preview};
// The senders: private to this module, reached only through `perform`.
use canary::{abort_canary, promote_canary, start_canary};
use delete::delete;
use pause_resume::{pause, resume};
use restart::restart;
use scale::scale;
use set_image::set_image;
use undo::{resume_and_undo, undo};

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
    use super::*;
    use crate::cluster::gate::tests::permit;
    use crate::cluster::{Kind, ObjectKey};

    fn is_send<T: Send>(_: &T) {}

    /// The UI runs operations as tokio tasks: their futures must be `Send`.
    #[tokio::test]
    async fn operation_futures_are_send() {
        let permit = permit("test");
        let key = ObjectKey {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "web".into(),
        };
        let op = Operation::Promote(key);
        let mut progress = |_: CanaryProgress| {};
        is_send(&perform(&permit, &op, &mut progress));
        let client = crate::cluster::gate::tests::nowhere();
        is_send(&dependents(&client, Kind::Deployment, "default", "web"));
        is_send(&rollout_history(&client, "default", "web"));
        is_send(&undo_preview(&client, "default", "web", None));
    }
}
