//! Changes to the cluster the user asks for with the mutating keys: what they act on,
//! the prompt that asks for what is missing (replicas, image, revision, a confirmation),
//! and the [`Operation`] the loop sends through the mutation gate.

use super::action::Action;
use super::navigation::{kind_word, selected_key};
use super::state::State;
use crate::cluster::{Detail, Kind, ObjectKey, Row};

/// A change ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// `kubectl scale --replicas`.
    Scale {
        /// What to scale.
        key: ObjectKey,
        /// Replicas wanted.
        replicas: u32,
    },
    /// `kubectl set image`.
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
    /// `kubectl rollout restart`.
    Restart(ObjectKey),
    /// `kubectl rollout undo [--to-revision]`.
    Undo {
        /// The Deployment.
        key: ObjectKey,
        /// Revision to go back to (`None`: the previous one).
        to_revision: Option<i64>,
    },
    /// `kubectl delete`.
    Delete(ObjectKey),
}

fn target(key: &ObjectKey) -> String {
    format!("{}/{}", kind_word(key.kind), key.name)
}

impl Operation {
    /// What it does, as the gate and the status line say it (`scale deployment/web to 5`).
    pub fn description(&self) -> String {
        match self {
            Self::Scale { key, replicas } => format!("scale {} to {replicas}", target(key)),
            Self::SetImage {
                key,
                container,
                image,
            } => format!("set image {} {container}={image}", target(key)),
            Self::Pause(key) => format!("pause {}", target(key)),
            Self::Resume(key) => format!("resume {}", target(key)),
            Self::Restart(key) => format!("restart {}", target(key)),
            Self::Undo {
                key,
                to_revision: Some(r),
            } => format!("undo {} to revision {r}", target(key)),
            Self::Undo { key, .. } => format!("undo {}", target(key)),
            Self::Delete(key) => format!("delete {}", target(key)),
        }
    }
}

/// What a prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Replicas for a scale.
    Scale(ObjectKey),
    /// `container=image` for a set image.
    SetImage(ObjectKey),
    /// A revision (or nothing: the previous one) for an undo.
    Undo(ObjectKey),
    /// y/n before a destructive operation.
    Confirm(Operation),
}

impl Prompt {
    /// The question shown before the input.
    pub fn question(&self) -> String {
        match self {
            Self::Scale(key) => format!("scale {} to replicas: ", target(key)),
            Self::SetImage(key) => format!("set image {} container=image: ", target(key)),
            Self::Undo(key) => format!("undo {} to revision (empty: previous): ", target(key)),
            Self::Confirm(op) => format!("{}? (y/n) ", op.description()),
        }
    }

    /// Reads the answer: the operation to send, `Ok(None)` when the user said no, or
    /// what is wrong with the input.
    pub fn answer(&self, input: &str) -> Result<Option<Operation>, String> {
        let input = input.trim();
        match self {
            Self::Scale(key) => input
                .parse::<u32>()
                .map(|replicas| {
                    Some(Operation::Scale {
                        key: key.clone(),
                        replicas,
                    })
                })
                .map_err(|_| format!("replicas must be a whole number, not {input:?}")),
            Self::SetImage(key) => match input.split_once('=') {
                Some((c, i)) if !c.trim().is_empty() && !i.trim().is_empty() => {
                    Ok(Some(Operation::SetImage {
                        key: key.clone(),
                        container: c.trim().to_owned(),
                        image: i.trim().to_owned(),
                    }))
                }
                _ => Err(format!("write container=image, not {input:?}")),
            },
            Self::Undo(key) if input.is_empty() => Ok(Some(Operation::Undo {
                key: key.clone(),
                to_revision: None,
            })),
            Self::Undo(key) => input
                .parse::<i64>()
                .map(|r| {
                    Some(Operation::Undo {
                        key: key.clone(),
                        to_revision: Some(r),
                    })
                })
                .map_err(|_| format!("a revision is a number, not {input:?}")),
            Self::Confirm(op) => match input {
                "y" | "Y" | "yes" => Ok(Some(op.clone())),
                _ => Ok(None),
            },
        }
    }
}

/// What a mutating key leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// Ask first, with this text already typed.
    Ask(Prompt, String),
    /// Send at once.
    Send(Operation),
}

/// Starts the operation of a mutating `action` on what the screen shows.
pub fn begin(state: &State, action: &Action) -> Result<Begin, String> {
    let what = action.description();
    let key = selected_key(state).ok_or_else(|| format!("{what}: nothing selected"))?;
    let row = state.stores.of(key.kind).find(&key.namespace, &key.name);
    let deployment_only = || {
        if key.kind == Kind::Deployment {
            Ok(())
        } else {
            Err(format!(
                "{what} works on Deployments, not {}",
                kind_word(key.kind)
            ))
        }
    };
    match action {
        Action::Scale => {
            let desired = match row.map(|r| &r.detail) {
                Some(Detail::Deployment(d)) => d.desired,
                Some(Detail::ReplicaSet(r)) => r.desired,
                Some(Detail::StatefulSet(s)) => s.desired,
                _ => {
                    return Err(format!(
                        "scale works on Deployments, ReplicaSets and StatefulSets, not {}",
                        kind_word(key.kind)
                    ));
                }
            };
            Ok(Begin::Ask(Prompt::Scale(key), desired.to_string()))
        }
        Action::SetImage => {
            deployment_only()?;
            let prefill = row.map_or_else(String::new, |r| container_and_image(state, r));
            Ok(Begin::Ask(Prompt::SetImage(key), prefill))
        }
        Action::Pause => deployment_only().map(|()| Begin::Send(Operation::Pause(key))),
        Action::Resume => deployment_only().map(|()| Begin::Send(Operation::Resume(key))),
        Action::Restart => {
            deployment_only()?;
            Ok(Begin::Ask(
                Prompt::Confirm(Operation::Restart(key)),
                String::new(),
            ))
        }
        Action::Undo => {
            deployment_only()?;
            Ok(Begin::Ask(Prompt::Undo(key), String::new()))
        }
        Action::Delete => Ok(Begin::Ask(
            Prompt::Confirm(Operation::Delete(key)),
            String::new(),
        )),
        _ => Err(format!("{what}: not available yet in this build")),
    }
}

/// `container=image` of the Deployment's first container, from one of its pods.
fn container_and_image(state: &State, deployment: &Row) -> String {
    let Detail::Deployment(d) = &deployment.detail else {
        return String::new();
    };
    let image = d.images.first().cloned().unwrap_or_default();
    let container = state
        .stores
        .of(Kind::Pod)
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.meta.namespace == deployment.meta.namespace)
        .filter(|p| {
            !d.selector.is_empty()
                && d.selector
                    .iter()
                    .all(|(k, v)| p.meta.labels.get(k) == Some(v))
        })
        .find_map(|p| match &p.detail {
            Detail::Pod(pod) => pod.containers.first().map(|c| c.name.clone()),
            _ => None,
        });
    match container {
        Some(c) => format!("{c}={image}"),
        None => format!("={image}"),
    }
}
