//! Why an operation did not happen: the API server said no (with its own
//! message and field causes), kdeck refused before sending (with kubectl's
//! message for the same case), or the server could not be reached.

use std::fmt;

use crate::cluster::readonly_layer::ReadonlyRefusal;

/// Why kdeck refused to send an operation (the same cases kubectl refuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Pause asked for a Deployment that is already paused.
    AlreadyPaused,
    /// Resume asked for a Deployment that is not paused.
    NotPaused,
    /// Undo or restart asked for a paused Deployment (the UI may offer resume-and-undo).
    Paused,
    /// The asked revision is not in the Deployment's history.
    RevisionNotFound,
    /// Undo to the previous revision, but there is only one.
    NoHistory,
    /// The named container is not in the pod template.
    ContainerNotFound,
    /// A canary is already running on this Deployment.
    CanaryActive,
    /// Promote or abort, but no canary is running on this Deployment.
    NoCanary,
    /// The operation does not apply to this kind or these arguments.
    Unsupported,
}

/// One field-level cause of an Invalid (422) answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCause {
    /// The field path, e.g. `spec.replicas`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// A failure answered by the API server (a `Status` object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    /// HTTP code: 404, 409, 403, 422...
    pub code: u16,
    /// Machine-readable reason: `NotFound`, `Conflict`, `Forbidden`, `Invalid`...
    pub reason: String,
    /// The server's message, shown as is.
    pub message: String,
    /// Field causes (Invalid).
    pub causes: Vec<FieldCause>,
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{} ({})", self.reason, self.code)?;
        } else {
            f.write_str(&self.message)?;
        }
        for cause in &self.causes {
            let line = if cause.field.is_empty() {
                cause.message.clone()
            } else {
                format!("{}: {}", cause.field, cause.message)
            };
            if !self.message.contains(&line) {
                write!(f, "; {line}")?;
            }
        }
        Ok(())
    }
}

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// The API server answered with a failure.
    #[error("{0}")]
    Api(ApiFailure),
    /// kdeck refused before sending anything; the message is kubectl's for the same case.
    #[error("{message}")]
    Refused {
        /// Which case.
        refusal: Refusal,
        /// The message to show.
        message: String,
    },
    /// The client's read-only layer refused the request: nothing left kdeck.
    #[error("{0}")]
    ReadOnly(String),
    /// The API server could not be reached, or its answer could not be read.
    #[error("request failed: {0}")]
    Transport(String),
    /// Waiting for the cluster took longer than allowed.
    #[error("{0}")]
    Timeout(String),
}

impl OpError {
    /// A refusal with its message.
    pub fn refused(refusal: Refusal, message: impl Into<String>) -> Self {
        Self::Refused {
            refusal,
            message: message.into(),
        }
    }

    /// The refusal case, if kdeck refused.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Self::Refused { refusal, .. } => Some(*refusal),
            _ => None,
        }
    }

    /// The API failure, if the server answered with one.
    pub fn api(&self) -> Option<&ApiFailure> {
        match self {
            Self::Api(failure) => Some(failure),
            _ => None,
        }
    }
}

impl From<kube::Error> for OpError {
    fn from(err: kube::Error) -> Self {
        match err {
            kube::Error::Api(status) => {
                let causes = status
                    .details
                    .as_ref()
                    .map(|d| {
                        d.causes
                            .iter()
                            .map(|c| FieldCause {
                                field: c.field.clone(),
                                message: c.message.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Self::Api(ApiFailure {
                    code: status.code,
                    reason: status.reason.clone(),
                    message: status.message.clone(),
                    causes,
                })
            }
            kube::Error::Service(err) => match readonly_refusal(err.as_ref()) {
                Some(refusal) => Self::ReadOnly(refusal.to_string()),
                None => Self::Transport(format!("ServiceError: {err}")),
            },
            other => Self::Transport(other.to_string()),
        }
    }
}

/// The read-only layer's refusal, wherever it sits in the error's source chain.
fn readonly_refusal<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a ReadonlyRefusal> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(refusal) = e.downcast_ref::<ReadonlyRefusal>() {
            return Some(refusal);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use kube::core::Status;
    use kube::core::response::{StatusCause, StatusDetails};

    use super::*;

    #[test]
    fn api_failure_keeps_server_message_and_field_causes() {
        let status = Status {
            code: 422,
            reason: "Invalid".into(),
            message: "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1".into(),
            details: Some(StatusDetails {
                causes: vec![
                    StatusCause {
                        reason: "FieldValueInvalid".into(),
                        message: "Invalid value: -1".into(),
                        field: "spec.replicas".into(),
                    },
                    StatusCause {
                        reason: "FieldValueRequired".into(),
                        message: "Required value".into(),
                        field: "spec.template.spec.containers[0].image".into(),
                    },
                ],
                name: String::new(),
                group: String::new(),
                kind: String::new(),
                uid: String::new(),
                retry_after_seconds: 0,
            }),
            ..Status::default()
        };
        let err = OpError::from(kube::Error::Api(Box::new(status)));
        let failure = err.api().expect("an API failure");
        assert_eq!(failure.code, 422);
        assert_eq!(failure.causes.len(), 2);
        let text = err.to_string();
        // The first cause is already in the message: not repeated; the second is appended.
        assert_eq!(text.matches("spec.replicas").count(), 1, "{text}");
        assert!(
            text.ends_with("; spec.template.spec.containers[0].image: Required value"),
            "{text}"
        );
    }

    #[test]
    fn readonly_layer_refusal_is_recognised() {
        let refusal = ReadonlyRefusal {
            method: "PATCH".into(),
            path: "/apis/apps/v1/namespaces/default/deployments/web".into(),
        };
        let err = OpError::from(kube::Error::Service(Box::new(refusal)));
        assert!(matches!(err, OpError::ReadOnly(_)), "{err:?}");
        assert!(
            err.to_string().starts_with("read-only session: PATCH"),
            "{err}"
        );
    }

    #[test]
    fn refusal_is_matchable_and_displays_its_message() {
        let err = OpError::refused(Refusal::Paused, "you cannot rollback a paused deployment");
        assert_eq!(err.refusal(), Some(Refusal::Paused));
        assert_eq!(err.to_string(), "you cannot rollback a paused deployment");
        assert!(err.api().is_none());
    }
}
