//! The editor's checks before anything is sent: the YAML parses, it decodes as the
//! object's kind (so `replicas: "x"` is caught with its line and column), and the
//! kind, name and namespace are the ones opened. Plus the merge used to re-apply an
//! edit on top of a newer version of the object.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use serde_json::Value;

use crate::cluster::{Kind, ObjectKey};

/// Where and why the text is not a valid object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

fn parse_error(e: &serde_yaml::Error) -> ParseError {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    // serde_yaml appends " at line L column C"; the position is shown on its own.
    let text = e.to_string();
    let message = match text.find(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    };
    ParseError {
        line,
        column,
        message,
    }
}

fn typed<T: serde::de::DeserializeOwned>(text: &str) -> Result<(), ParseError> {
    serde_yaml::from_str::<T>(text)
        .map(|_| ())
        .map_err(|e| parse_error(&e))
}

/// Parses `text` as one object of `kind`: the first syntax or type error, with its position.
pub fn parse(kind: Kind, text: &str) -> Result<Value, ParseError> {
    let value: Value = serde_yaml::from_str(text).map_err(|e| parse_error(&e))?;
    if !value.is_object() {
        return Err(ParseError {
            line: 1,
            column: 1,
            message: "the text must be one object (a mapping of apiVersion, kind, metadata...)"
                .to_owned(),
        });
    }
    match kind {
        Kind::Pod => typed::<Pod>(text),
        Kind::ReplicaSet => typed::<ReplicaSet>(text),
        Kind::Deployment => typed::<Deployment>(text),
        Kind::StatefulSet => typed::<StatefulSet>(text),
        Kind::DaemonSet => typed::<DaemonSet>(text),
        Kind::Service => typed::<Service>(text),
        Kind::Endpoints => typed::<Endpoints>(text),
        Kind::EndpointSlice => typed::<EndpointSlice>(text),
        Kind::Event => typed::<Event>(text),
        Kind::Node => typed::<Node>(text),
        Kind::Namespace => typed::<Namespace>(text),
        Kind::ConfigMap => typed::<ConfigMap>(text),
        Kind::Secret => typed::<Secret>(text),
        Kind::Job => typed::<k8s_openapi::api::batch::v1::Job>(text),
        Kind::CronJob => typed::<k8s_openapi::api::batch::v1::CronJob>(text),
        // No typed schema here: the server's dry run checks it.
        Kind::Other(_) => Ok(()),
    }?;
    Ok(value)
}

/// Refuses an edit that changes what it is about: kind, name or namespace. A missing
/// namespace is filled in with the one opened.
pub fn check_identity(key: &ObjectKey, base: &Value, edited: &mut Value) -> Result<(), String> {
    let was_kind = base["kind"].as_str().unwrap_or_default();
    let kind = edited["kind"].as_str().unwrap_or_default();
    if kind != was_kind {
        return Err(format!(
            "refused: the kind changed from {was_kind} to {kind:?}; an edit cannot change kind, name or namespace (create a new object instead)"
        ));
    }
    let name = edited["metadata"]["name"].as_str().unwrap_or_default();
    if name != key.name {
        return Err(format!(
            "refused: the name changed from {} to {name:?}; an edit cannot change kind, name or namespace (create a new object instead)",
            key.name
        ));
    }
    if !key.namespace.is_empty() {
        match edited["metadata"]["namespace"].as_str() {
            None => edited["metadata"]["namespace"] = Value::String(key.namespace.clone()),
            Some(ns) if ns != key.namespace => {
                return Err(format!(
                    "refused: the namespace changed from {} to {ns:?}; an edit cannot change kind, name or namespace (create a new object instead)",
                    key.namespace
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 3\n";

    fn key() -> ObjectKey {
        ObjectKey {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "web".into(),
        }
    }

    #[test]
    fn bad_indentation_is_refused_with_line_and_column() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n namespace: x\n";
        let e = parse(Kind::Deployment, text).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.column >= 1, "{e}");
    }

    #[test]
    fn a_tab_is_refused_with_its_line() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n\tname: web\n";
        let e = parse(Kind::Deployment, text).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.to_string().contains("line 4"), "{e}");
    }

    #[test]
    fn a_string_for_replicas_is_a_type_error_at_its_position() {
        let text = DEPLOY.replace("replicas: 3", "replicas: \"x\"");
        let e = parse(Kind::Deployment, &text).unwrap_err();
        assert_eq!((e.line, e.column), (7, 13), "{e}");
        assert!(e.message.contains("replicas"), "{e}");
        assert!(parse(Kind::Deployment, DEPLOY).is_ok());
    }

    #[test]
    fn kind_name_and_namespace_changes_are_refused() {
        let base = parse(Kind::Deployment, DEPLOY).unwrap();
        for (from, to, word) in [
            ("name: web", "name: web2", "name"),
            ("namespace: default", "namespace: prod", "namespace"),
            ("kind: Deployment", "kind: StatefulSet", "kind"),
        ] {
            let mut edited: Value = serde_yaml::from_str(&DEPLOY.replace(from, to)).unwrap();
            let e = check_identity(&key(), &base, &mut edited).unwrap_err();
            assert!(e.contains(&format!("the {word} changed")), "{e}");
        }
        let mut no_ns: Value =
            serde_yaml::from_str(&DEPLOY.replace("  namespace: default\n", "")).unwrap();
        check_identity(&key(), &base, &mut no_ns).unwrap();
        assert_eq!(no_ns["metadata"]["namespace"], "default");
    }
}
