//! API errors as the real server reports them: a `Status` object with code, reason and details.

use serde_json::{Value, json};

use super::resources::ResourceType;

/// One field-level cause of an `Invalid` error, e.g. `spec.replicas: Invalid value: -1: must be >= 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueInvalid`, `FieldValueRequired`, ...
    pub reason: &'static str,
    /// Field path, e.g. `spec.template.metadata.labels`.
    pub field: String,
    /// Human-readable message.
    pub message: String,
}

/// An error answer of the API server.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason} ({code}): {message}")]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, ...
    pub reason: &'static str,
    /// The message kubectl prints after `Error from server (Reason):`.
    pub message: String,
    /// Kind, name and group the error is about, if any.
    pub details: Option<Box<(String, String, String)>>,
    /// Field causes (for `Invalid`).
    pub causes: Vec<Cause>,
}

/// `Result` with an [`ApiError`].
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            reason,
            message: message.into(),
            details: None,
            causes: Vec::new(),
        }
    }

    fn about(mut self, rt: &ResourceType, name: &str) -> Self {
        self.details = Some(Box::new((
            rt.plural.to_string(),
            name.to_string(),
            rt.group.to_string(),
        )));
        self
    }

    fn qualified(rt: &ResourceType) -> String {
        if rt.group.is_empty() {
            rt.plural.to_string()
        } else {
            format!("{}.{}", rt.plural, rt.group)
        }
    }

    /// 404: `pods "x" not found`.
    pub fn not_found(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", Self::qualified(rt)),
        )
        .about(rt, name)
    }

    /// 409: `deployments.apps "x" already exists`.
    pub fn already_exists(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", Self::qualified(rt)),
        )
        .about(rt, name)
    }

    /// 409: the optimistic-concurrency failure of an update with a stale resourceVersion.
    pub fn conflict(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                Self::qualified(rt)
            ),
        )
        .about(rt, name)
    }

    /// 422: validation failed, with field causes.
    pub fn invalid(rt: &ResourceType, name: &str, causes: Vec<Cause>) -> Self {
        let list: Vec<String> = causes
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect();
        let kind = if rt.group.is_empty() {
            rt.kind.to_string()
        } else {
            format!("{}.{}", rt.kind, rt.group)
        };
        let mut e = Self::new(
            422,
            "Invalid",
            format!("{kind} \"{name}\" is invalid: {}", list.join(", ")),
        );
        e.details = Some(Box::new((
            rt.kind.to_string(),
            name.to_string(),
            rt.group.to_string(),
        )));
        e.causes = causes;
        e
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 403 Forbidden, worded as RBAC words it.
    pub fn forbidden(user: &str, verb: &str, rt: &ResourceType, namespace: Option<&str>) -> Self {
        let scope = match namespace {
            Some(ns) => format!(" in the namespace \"{ns}\""),
            None => " at the cluster scope".to_string(),
        };
        let group = if rt.group.is_empty() {
            "\"\"".to_string()
        } else {
            format!("\"{}\"", rt.group)
        };
        Self::new(
            403,
            "Forbidden",
            format!(
                "{} is forbidden: User \"{user}\" cannot {verb} resource \"{}\" in API group {group}{scope}",
                Self::qualified(rt),
                rt.plural
            ),
        )
    }

    /// 403 Forbidden for a named object or subresource, worded as RBAC words it:
    /// `deployments.apps "web" is forbidden: User "viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"`.
    pub fn forbidden_on(
        user: &str,
        verb: &str,
        rt: &ResourceType,
        subresource: Option<&str>,
        name: Option<&str>,
        namespace: Option<&str>,
    ) -> Self {
        let scope = match namespace {
            Some(ns) => format!(" in the namespace \"{ns}\""),
            None => " at the cluster scope".to_string(),
        };
        let resource = match subresource {
            Some(sub) => format!("{}/{sub}", rt.plural),
            None => rt.plural.to_string(),
        };
        let what = match name {
            Some(n) => format!("{} \"{n}\"", Self::qualified(rt)),
            None => Self::qualified(rt),
        };
        let mut e = Self::new(
            403,
            "Forbidden",
            format!(
                "{what} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{}\"{scope}",
                rt.group
            ),
        );
        e.details = Some(Box::new((
            rt.plural.to_string(),
            name.unwrap_or_default().to_string(),
            rt.group.to_string(),
        )));
        e
    }

    /// 405 MethodNotAllowed.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }

    /// 410 Gone/Expired: a watch or list asked for a compacted resourceVersion.
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    /// 401 Unauthorized.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    /// 404 for a URL that names nothing served.
    pub fn path_not_found() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    }

    /// 500 InternalError.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The `Status` object sent on the wire.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if self.details.is_some() || !self.causes.is_empty() {
            let mut details = json!({});
            if let Some((kind, name, group)) = self.details.as_deref() {
                details["name"] = json!(name);
                if !group.is_empty() {
                    details["group"] = json!(group);
                }
                details["kind"] = json!(kind);
            }
            if !self.causes.is_empty() {
                details["causes"] = self
                    .causes
                    .iter()
                    .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
                    .collect();
            }
            status["details"] = details;
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::by_plural;

    #[test]
    fn messages_match_the_real_server() {
        let deploy = by_plural("apps", "deployments").unwrap();
        let pods = by_plural("", "pods").unwrap();
        assert_eq!(
            ApiError::not_found(pods, "x").message,
            "pods \"x\" not found"
        );
        assert_eq!(
            ApiError::already_exists(deploy, "d").message,
            "deployments.apps \"d\" already exists"
        );
        let e = ApiError::invalid(
            deploy,
            "d",
            vec![Cause {
                reason: "FieldValueInvalid",
                field: "spec.replicas".into(),
                message: "Invalid value: -1: must be greater than or equal to 0".into(),
            }],
        );
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            "Deployment.apps \"d\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(
            e.to_status()["details"]["causes"][0]["field"],
            "spec.replicas"
        );
        assert_eq!(e.to_status()["details"]["kind"], "Deployment");
    }
}
