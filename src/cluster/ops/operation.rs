//! Every change kdeck can make, as data ([`Operation`]): what a dialog shows before
//! it is sent, what the gate is asked for, and what [`perform`] sends. [`perform`] is
//! the one way a change leaves kdeck: it takes the gate's [`Permit`], and the functions
//! it calls are private to this module.

use std::fmt;
use std::time::Duration;

use super::canary::{CanaryPlan, CanaryProgress};
use super::debug_pod::DebugPod;
use super::delete::Propagation;
use super::op_error::OpError;
use super::{Outcome, set_image::change_cause};
use crate::cluster::{Kind, ObjectKey, Permit};

/// How long a canary may take to get its new pods ready before kdeck stops waiting
/// (the canary stays in place; promote or abort it).
pub const CANARY_TIMEOUT: Duration = Duration::from_secs(600);

/// An object an operation sends whole (an edited or created object). Its Debug form
/// names it and leaves its fields out: a Secret's data must not reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Body(pub serde_json::Value);

impl std::ops::Deref for Body {
    type Target = serde_json::Value;

    fn deref(&self) -> &serde_json::Value {
        &self.0
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.0["kind"].as_str().unwrap_or("object");
        let name = self.0["metadata"]["name"].as_str().unwrap_or("");
        write!(f, "{kind}/{name} (fields not shown)")
    }
}

/// One change of the cluster: exactly what will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// `kubectl scale --replicas` through the scale subresource (Deployments,
    /// ReplicaSets, StatefulSets).
    Scale {
        /// What to scale.
        key: ObjectKey,
        /// Replicas now (for the description).
        from: u32,
        /// Replicas wanted.
        to: u32,
    },
    /// `kubectl set image`, recording the change-cause.
    SetImage {
        /// The Deployment.
        key: ObjectKey,
        /// Container name.
        container: String,
        /// New image.
        image: String,
    },
    /// `kubectl rollout pause`.
    Pause(ObjectKey),
    /// `kubectl rollout resume`.
    Resume(ObjectKey),
    /// `kubectl rollout restart` (Deployments, StatefulSets, DaemonSets).
    Restart(ObjectKey),
    /// `kubectl rollout undo --to-revision` (`None`: the previous revision); a paused
    /// Deployment is resumed in the same patch when `resume`.
    Undo {
        /// The Deployment, StatefulSet or DaemonSet.
        key: ObjectKey,
        /// Revision to go back to.
        revision: Option<i64>,
        /// The Deployment is paused: resume and undo in one patch.
        resume: bool,
    },
    /// `kubectl delete --cascade=...`.
    Delete {
        /// The object.
        key: ObjectKey,
        /// What happens to what it owns.
        propagation: Propagation,
    },
    /// Set an image and stop the rollout once the plan's new pods are ready.
    Canary(CanaryPlan),
    /// Run a CronJob now (`kubectl create job --from=cronjob/x`).
    Trigger(ObjectKey),
    /// Suspend a CronJob (`true`) or resume it (`spec.suspend`).
    Suspend {
        /// The CronJob.
        key: ObjectKey,
        /// Suspend, or resume.
        suspend: bool,
    },
    /// Promote a canary: restore the strategy and resume.
    Promote(ObjectKey),
    /// Abort a canary: roll back to the revision before it and resume.
    Abort(ObjectKey),
    /// Replace an object by its edited form (`kubectl edit`), carrying the
    /// resourceVersion that was edited; `dry_run`: validated by the server only.
    Replace {
        /// The object.
        key: ObjectKey,
        /// The edited object.
        object: Body,
        /// `dryRun=All`.
        dry_run: bool,
    },
    /// Start a debug pod (`kubectl run --rm -it`, the create; kdeck attaches, then
    /// deletes it).
    RunPod(DebugPod),
    /// Create an object (`kubectl create -f`); `dry_run`: validated by the server only.
    Create {
        /// Namespace used when the object names none.
        namespace: String,
        /// The object.
        object: Body,
        /// `dryRun=All`.
        dry_run: bool,
    },
}

/// kubectl's word for a propagation policy (`--cascade=`).
pub fn propagation_name(propagation: Propagation) -> &'static str {
    match propagation {
        Propagation::Background => "Background",
        Propagation::Foreground => "Foreground",
        Propagation::Orphan => "Orphan",
    }
}

fn target(key: &ObjectKey) -> String {
    format!("{}/{}", key.kind.word(), key.name)
}

fn dry(dry_run: bool) -> &'static str {
    if dry_run { "dry run of " } else { "" }
}

impl fmt::Display for Operation {
    /// What will be sent, as the confirmation, the gate and the status line say it,
    /// e.g. `scale deployment/web 3 -> 5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scale { key, from, to } => write!(f, "scale {} {from} -> {to}", target(key)),
            Self::SetImage {
                key,
                container,
                image,
            } => write!(f, "set image {} {container}={image}", target(key)),
            Self::Pause(key) => write!(f, "pause {}", target(key)),
            Self::Resume(key) => write!(f, "resume {}", target(key)),
            Self::Restart(key) => write!(f, "restart {}", target(key)),
            Self::Undo {
                key,
                revision,
                resume,
            } => {
                let to = match revision.filter(|r| *r > 0) {
                    Some(r) => format!("revision {r}"),
                    None => "the previous revision".to_owned(),
                };
                let verb = if *resume { "resume and undo" } else { "undo" };
                write!(f, "{verb} {} to {to}", target(key))
            }
            Self::Delete { key, propagation } => write!(
                f,
                "delete {} (propagation {})",
                target(key),
                propagation_name(*propagation)
            ),
            Self::Canary(plan) => write!(
                f,
                "canary {} {}={}, {} new pod(s) then pause",
                target(&plan.key),
                plan.container,
                plan.image,
                plan.new_pods
            ),
            Self::Trigger(key) => write!(f, "run {} now", target(key)),
            Self::Suspend { key, suspend } => {
                let verb = if *suspend { "suspend" } else { "resume" };
                write!(f, "{verb} {}", target(key))
            }
            Self::Promote(key) => write!(f, "promote the canary of {}", target(key)),
            Self::Abort(key) => write!(f, "abort the canary of {}", target(key)),
            Self::Replace { key, dry_run, .. } => {
                write!(f, "{}edit {}", dry(*dry_run), target(key))
            }
            Self::RunPod(pod) => write!(f, "run pod/{} ({})", pod.name, pod.image),
            Self::Create {
                object, dry_run, ..
            } => write!(
                f,
                "{}create {}/{}",
                dry(*dry_run),
                object["kind"].as_str().unwrap_or("object").to_lowercase(),
                object["metadata"]["name"].as_str().unwrap_or_default()
            ),
        }
    }
}

/// Sends `operation` with the client the gate's `permit` carries. Canary progress goes
/// to `on_progress`. The one function through which a change leaves kdeck.
pub async fn perform(
    permit: &Permit,
    operation: &Operation,
    on_progress: &mut (dyn FnMut(CanaryProgress) + Send),
) -> Result<Outcome, OpError> {
    use super::{
        abort_canary, controller_history, delete, pause, promote_canary, restart, resume,
        resume_and_undo, scale, set_image, start_canary, undo,
    };
    match operation {
        Operation::Scale { key, to, .. } => {
            scale(permit, key.kind, &key.namespace, &key.name, *to).await
        }
        Operation::SetImage {
            key,
            container,
            image,
        } => {
            let cause = change_cause(&key.name, container, image);
            set_image(
                permit,
                &key.namespace,
                &key.name,
                container,
                image,
                Some(cause),
            )
            .await
        }
        Operation::Pause(key) => pause(permit, &key.namespace, &key.name).await,
        Operation::Resume(key) => resume(permit, &key.namespace, &key.name).await,
        Operation::Restart(key) => restart(permit, key.kind, &key.namespace, &key.name).await,
        Operation::Undo { key, revision, .. } if key.kind != Kind::Deployment => {
            controller_history::undo(permit, key.kind, &key.namespace, &key.name, *revision).await
        }
        Operation::Undo {
            key,
            revision,
            resume: false,
        } => undo(permit, &key.namespace, &key.name, *revision).await,
        Operation::Undo { key, revision, .. } => {
            resume_and_undo(permit, &key.namespace, &key.name, *revision).await
        }
        Operation::Delete { key, propagation } => {
            delete(permit, key.kind, &key.namespace, &key.name, *propagation).await
        }
        Operation::Canary(plan) => start_canary(permit, plan, on_progress).await,
        Operation::Trigger(key) => super::cronjob::trigger(permit, &key.namespace, &key.name).await,
        Operation::Suspend { key, suspend } => {
            super::cronjob::set_suspended(permit, &key.namespace, &key.name, *suspend).await
        }
        Operation::Promote(key) => promote_canary(permit, &key.namespace, &key.name).await,
        Operation::Abort(key) => abort_canary(permit, &key.namespace, &key.name).await,
        Operation::Replace {
            key,
            object,
            dry_run,
        } => {
            let (_, message) = super::replace::replace(permit, key, object, *dry_run).await?;
            Ok(Outcome::sent(
                message,
                format!(
                    "PUT {}{}",
                    key.name,
                    if *dry_run { "?dryRun=All" } else { "" }
                ),
            ))
        }
        Operation::RunPod(pod) => super::debug_pod::create(permit, pod).await,
        Operation::Create {
            namespace,
            object,
            dry_run,
        } => {
            let message = super::replace::create(permit, namespace, object, *dry_run).await?;
            Ok(Outcome::sent(
                message,
                format!("POST {}", object["kind"].as_str().unwrap_or("object")),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: Kind, name: &str) -> ObjectKey {
        ObjectKey {
            kind,
            namespace: "default".into(),
            name: name.into(),
        }
    }

    #[test]
    fn debug_output_leaves_an_objects_fields_out() {
        let op = Operation::Replace {
            key: key(Kind::Secret, "db"),
            object: Body(serde_json::json!({
                "kind": "Secret", "metadata": {"name": "db"},
                "data": {"password": "aHVudGVyMg=="}
            })),
            dry_run: false,
        };
        let debug = format!("{op:?}");
        assert!(debug.contains("Secret/db"), "{debug}");
        assert!(!debug.contains("aHVudGVyMg"), "{debug}");
    }

    #[test]
    fn descriptions() {
        let scale = Operation::Scale {
            key: key(Kind::Deployment, "web"),
            from: 3,
            to: 5,
        };
        assert_eq!(scale.to_string(), "scale deployment/web 3 -> 5");
        let undo = Operation::Undo {
            key: key(Kind::Deployment, "web"),
            revision: Some(1),
            resume: true,
        };
        assert_eq!(
            undo.to_string(),
            "resume and undo deployment/web to revision 1"
        );
        let delete = Operation::Delete {
            key: key(Kind::Pod, "web-1"),
            propagation: Propagation::Orphan,
        };
        assert_eq!(delete.to_string(), "delete pod/web-1 (propagation Orphan)");
    }
}
