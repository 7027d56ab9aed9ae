//! Operations as data: what the UI puts in a confirmation dialog (in words and
//! as the kubectl command it equals), what it asks the gate for, and what a
//! task then performs. One entry point, [`perform`], asks the gate itself, so a
//! caller cannot forget to.

use std::fmt;

use super::canary::{CanaryPlan, CanaryProgress};
use super::delete::{Propagation, kubectl_name};
use super::op_error::OpError;
use super::{Outcome, set_image::change_cause};
use crate::cluster::{Kind, MutationGate, Permit};

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

/// One mutation of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Scale a Deployment, ReplicaSet or StatefulSet.
    Scale {
        /// The kind.
        kind: Kind,
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
        /// The new replica count.
        replicas: u32,
    },
    /// Set a container's image, recording the change-cause when `record`.
    SetImage {
        /// Namespace.
        namespace: String,
        /// The Deployment.
        deployment: String,
        /// The container.
        container: String,
        /// The new image.
        image: String,
        /// Record `kubernetes.io/change-cause` as `--record` did.
        record: bool,
    },
    /// Pause a Deployment's rollout.
    Pause {
        /// Namespace.
        namespace: String,
        /// The Deployment.
        deployment: String,
    },
    /// Resume a Deployment's rollout.
    Resume {
        /// Namespace.
        namespace: String,
        /// The Deployment.
        deployment: String,
    },
    /// Roll back to a revision (`None`: the previous one).
    Undo {
        /// Namespace.
        namespace: String,
        /// The Deployment.
        deployment: String,
        /// The revision.
        to_revision: Option<i64>,
    },
    /// Resume a paused Deployment and roll it back, in one patch.
    ResumeAndUndo {
        /// Namespace.
        namespace: String,
        /// The Deployment.
        deployment: String,
        /// The revision.
        to_revision: Option<i64>,
    },
    /// Restart every pod through a rollout (Deployments, StatefulSets, DaemonSets).
    Restart {
        /// The kind.
        kind: Kind,
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
    },
    /// Delete an object.
    Delete {
        /// The kind.
        kind: Kind,
        /// Namespace ("" for cluster-scoped kinds).
        namespace: String,
        /// Name.
        name: String,
        /// What happens to its dependents.
        propagation: Propagation,
    },
    /// Start a canary.
    StartCanary(CanaryPlan),
    /// Promote the running canary.
    PromoteCanary {
        /// Namespace.
        namespace: String,
        /// The Deployment.
        deployment: String,
    },
    /// Abort the running canary.
    AbortCanary {
        /// Namespace.
        namespace: String,
        /// The Deployment.
        deployment: String,
    },
    /// Replace an object by its edited form (`kubectl edit`), carrying the
    /// resourceVersion that was edited; `dry_run`: validated by the server only.
    Replace {
        /// The object.
        key: crate::cluster::ObjectKey,
        /// The edited object.
        object: Body,
        /// `dryRun=All`.
        dry_run: bool,
    },
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

fn revision_flag(to_revision: Option<i64>) -> String {
    to_revision
        .filter(|r| *r > 0)
        .map(|r| format!(" --to-revision={r}"))
        .unwrap_or_default()
}

impl Operation {
    /// The kubectl command(s) this operation equals (for the confirmation dialog).
    pub fn kubectl_equivalent(&self) -> String {
        match self {
            Self::Scale {
                kind,
                namespace,
                name,
                replicas,
            } => {
                let resource = kubectl_name(*kind, name);
                let resource = resource.split(' ').next().unwrap_or_default();
                format!("kubectl -n {namespace} scale {resource}/{name} --replicas={replicas}")
            }
            Self::SetImage {
                namespace,
                deployment,
                container,
                image,
                record,
            } => format!(
                "kubectl -n {namespace} set image deployment/{deployment} {container}={image}{}",
                if *record { " --record" } else { "" }
            ),
            Self::Pause {
                namespace,
                deployment,
            } => {
                format!("kubectl -n {namespace} rollout pause deployment/{deployment}")
            }
            Self::Resume {
                namespace,
                deployment,
            } => {
                format!("kubectl -n {namespace} rollout resume deployment/{deployment}")
            }
            Self::Undo {
                namespace,
                deployment,
                to_revision,
            } => format!(
                "kubectl -n {namespace} rollout undo deployment/{deployment}{}",
                revision_flag(*to_revision)
            ),
            Self::ResumeAndUndo {
                namespace,
                deployment,
                to_revision,
            } => format!(
                "kubectl -n {namespace} rollout resume deployment/{deployment} && kubectl -n {namespace} rollout undo deployment/{deployment}{}",
                revision_flag(*to_revision)
            ),
            Self::Restart {
                kind,
                namespace,
                name,
            } => {
                let resource = format!("{kind:?}").to_lowercase();
                format!("kubectl -n {namespace} rollout restart {resource}/{name}")
            }
            Self::Delete {
                kind,
                namespace,
                name,
                propagation,
            } => {
                let resource = kubectl_name(*kind, name);
                let resource = resource.split(' ').next().unwrap_or_default();
                let cascade = format!("{propagation:?}").to_lowercase();
                let ns = if namespace.is_empty() {
                    String::new()
                } else {
                    format!("-n {namespace} ")
                };
                format!("kubectl {ns}delete {resource} {name} --cascade={cascade}")
            }
            Self::StartCanary(plan) => format!(
                "kubectl -n {} set image deployment/{} {}={} with maxSurge={}, maxUnavailable=0, then rollout pause after {} new pod(s) are ready (kubectl alone cannot stop at an exact point)",
                plan.namespace,
                plan.deployment,
                plan.container,
                plan.image,
                plan.new_pods,
                plan.new_pods
            ),
            Self::PromoteCanary {
                namespace,
                deployment,
            } => format!(
                "restore the strategy, then kubectl -n {namespace} rollout resume deployment/{deployment}"
            ),
            Self::AbortCanary {
                namespace,
                deployment,
            } => format!(
                "restore the strategy, then kubectl -n {namespace} rollout undo deployment/{deployment} (to the revision before the canary) and resume"
            ),
            Self::Replace { key, dry_run, .. } => {
                let resource = kubectl_name(key.kind, &key.name);
                let resource = resource.split(' ').next().unwrap_or_default();
                let ns = if key.namespace.is_empty() {
                    String::new()
                } else {
                    format!("-n {} ", key.namespace)
                };
                let dry = if *dry_run { " --dry-run=server" } else { "" };
                format!(
                    "kubectl {ns}replace{dry} -f <edited {resource}/{}>",
                    key.name
                )
            }
            Self::Create {
                namespace, dry_run, ..
            } => format!(
                "kubectl -n {namespace} create{} -f <the YAML>",
                if *dry_run { " --dry-run=server" } else { "" }
            ),
        }
    }
}

impl fmt::Display for Operation {
    /// A short description, e.g. `scale deployment/web to 5`: what the gate is asked for.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scale {
                kind,
                name,
                replicas,
                ..
            } => {
                write!(
                    f,
                    "scale {}/{name} to {replicas}",
                    format!("{kind:?}").to_lowercase()
                )
            }
            Self::SetImage {
                deployment,
                container,
                image,
                ..
            } => {
                write!(f, "set image deployment/{deployment} {container}={image}")
            }
            Self::Pause { deployment, .. } => write!(f, "pause deployment/{deployment}"),
            Self::Resume { deployment, .. } => write!(f, "resume deployment/{deployment}"),
            Self::Undo {
                deployment,
                to_revision,
                ..
            } => match to_revision.filter(|r| *r > 0) {
                Some(r) => write!(f, "undo deployment/{deployment} to revision {r}"),
                None => write!(f, "undo deployment/{deployment} to the previous revision"),
            },
            Self::ResumeAndUndo {
                deployment,
                to_revision,
                ..
            } => match to_revision.filter(|r| *r > 0) {
                Some(r) => write!(f, "resume and undo deployment/{deployment} to revision {r}"),
                None => write!(f, "resume and undo deployment/{deployment}"),
            },
            Self::Restart { kind, name, .. } => {
                write!(f, "restart {}/{name}", format!("{kind:?}").to_lowercase())
            }
            Self::Delete {
                kind,
                name,
                propagation,
                ..
            } => write!(
                f,
                "delete {}/{name} ({} propagation)",
                format!("{kind:?}").to_lowercase(),
                format!("{propagation:?}").to_lowercase()
            ),
            Self::StartCanary(plan) => write!(
                f,
                "canary deployment/{} {}={} on {} pod(s)",
                plan.deployment, plan.container, plan.image, plan.new_pods
            ),
            Self::PromoteCanary { deployment, .. } => {
                write!(f, "promote the canary of deployment/{deployment}")
            }
            Self::AbortCanary { deployment, .. } => {
                write!(f, "abort the canary of deployment/{deployment}")
            }
            Self::Replace { key, dry_run, .. } => write!(
                f,
                "{}edit {}/{}",
                if *dry_run { "dry run of " } else { "" },
                format!("{:?}", key.kind).to_lowercase(),
                key.name
            ),
            Self::Create {
                object, dry_run, ..
            } => write!(
                f,
                "{}create {}/{}",
                if *dry_run { "dry run of " } else { "" },
                object["kind"].as_str().unwrap_or("object").to_lowercase(),
                object["metadata"]["name"].as_str().unwrap_or_default()
            ),
        }
    }
}

/// Asks `gate` for `operation` and performs it. A closed gate gives
/// [`OpError::ReadOnly`] and sends nothing. Canary progress goes to `on_progress`.
pub async fn perform(
    client: &kube::Client,
    gate: &MutationGate,
    operation: &Operation,
    on_progress: &mut (dyn FnMut(CanaryProgress) + Send),
) -> Result<Outcome, OpError> {
    let permit = gate
        .permit(operation.to_string())
        .map_err(|refused| OpError::ReadOnly(refused.to_string()))?;
    perform_with(client, &permit, operation, on_progress).await
}

async fn perform_with(
    client: &kube::Client,
    permit: &Permit,
    operation: &Operation,
    on_progress: &mut (dyn FnMut(CanaryProgress) + Send),
) -> Result<Outcome, OpError> {
    use super::{
        abort_canary, delete, pause, promote_canary, restart, resume, resume_and_undo, scale,
        set_image, start_canary, undo,
    };
    match operation {
        Operation::Scale {
            kind,
            namespace,
            name,
            replicas,
        } => scale(client, permit, *kind, namespace, name, *replicas).await,
        Operation::SetImage {
            namespace,
            deployment,
            container,
            image,
            record,
        } => {
            let cause = record.then(|| change_cause(deployment, container, image));
            set_image(
                client, permit, namespace, deployment, container, image, cause,
            )
            .await
        }
        Operation::Pause {
            namespace,
            deployment,
        } => pause(client, permit, namespace, deployment).await,
        Operation::Resume {
            namespace,
            deployment,
        } => resume(client, permit, namespace, deployment).await,
        Operation::Undo {
            namespace,
            deployment,
            to_revision,
        } => undo(client, permit, namespace, deployment, *to_revision).await,
        Operation::ResumeAndUndo {
            namespace,
            deployment,
            to_revision,
        } => resume_and_undo(client, permit, namespace, deployment, *to_revision).await,
        Operation::Restart {
            kind,
            namespace,
            name,
        } => restart(client, permit, *kind, namespace, name).await,
        Operation::Delete {
            kind,
            namespace,
            name,
            propagation,
        } => delete(client, permit, *kind, namespace, name, *propagation).await,
        Operation::StartCanary(plan) => start_canary(client, permit, plan, on_progress).await,
        Operation::PromoteCanary {
            namespace,
            deployment,
        } => promote_canary(client, permit, namespace, deployment).await,
        Operation::AbortCanary {
            namespace,
            deployment,
        } => abort_canary(client, permit, namespace, deployment).await,
        Operation::Replace {
            key,
            object,
            dry_run,
        } => {
            let (_, message) = super::replace(client, permit, key, object, *dry_run).await?;
            Ok(Outcome::sent(
                message,
                format!(
                    "PUT {}{}",
                    key.name,
                    if *dry_run { "?dryRun=All" } else { "" }
                ),
            ))
        }
        Operation::Create {
            namespace,
            object,
            dry_run,
        } => {
            let message = super::create(client, permit, namespace, object, *dry_run).await?;
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

    #[test]
    fn debug_output_leaves_an_objects_fields_out() {
        let op = Operation::Replace {
            key: crate::cluster::ObjectKey {
                kind: Kind::Secret,
                namespace: "default".into(),
                name: "db".into(),
            },
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

    fn scale_web() -> Operation {
        Operation::Scale {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "web".into(),
            replicas: 5,
        }
    }

    #[test]
    fn descriptions_and_kubectl_equivalents() {
        assert_eq!(scale_web().to_string(), "scale deployment/web to 5");
        assert_eq!(
            scale_web().kubectl_equivalent(),
            "kubectl -n default scale deployment.apps/web --replicas=5"
        );
        let undo = Operation::Undo {
            namespace: "default".into(),
            deployment: "web".into(),
            to_revision: Some(1),
        };
        assert_eq!(undo.to_string(), "undo deployment/web to revision 1");
        assert_eq!(
            undo.kubectl_equivalent(),
            "kubectl -n default rollout undo deployment/web --to-revision=1"
        );
        let delete = Operation::Delete {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: "web-1".into(),
            propagation: Propagation::Orphan,
        };
        assert_eq!(delete.to_string(), "delete pod/web-1 (orphan propagation)");
        assert_eq!(
            delete.kubectl_equivalent(),
            "kubectl -n default delete pod web-1 --cascade=orphan"
        );
    }

    #[tokio::test]
    async fn a_closed_gate_sends_nothing_and_says_read_only() {
        // Port 9 (discard): were anything sent, the error would be a transport error.
        let config = kube::Config::new("http://127.0.0.1:9".parse().expect("a URL"));
        let client = kube::Client::try_from(config).expect("a client");
        let err = perform(&client, &MutationGate::new(true), &scale_web(), &mut |_| {})
            .await
            .expect_err("read-only");
        assert!(matches!(err, OpError::ReadOnly(_)), "{err:?}");
        assert!(
            err.to_string().contains("scale deployment/web to 5"),
            "{err}"
        );
    }
}
