//! Admission of created and updated objects: defaulting as the real server does,
//! then validation with field-path causes (422 Invalid).

mod batch;
pub mod crd;
mod other_kinds;
mod service;
pub mod strict;

use serde_json::{Value, json};

use super::selectors::LabelSelector;
use crate::sim::api_error::{ApiError, ApiResult, Cause};
use crate::sim::controllers::pod_defaults::qos_class;
use crate::sim::resources::ResourceType;
use crate::sim::store::Store;

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// Whether `s` is an RFC 1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters).
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Whether `s` is an RFC 1123 subdomain (dot-separated labels, at most 253 characters).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

fn invalid(field: impl Into<String>, value: &Value, message: &str) -> Cause {
    let shown = match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    Cause {
        reason: "FieldValueInvalid",
        field: field.into(),
        message: format!("Invalid value: {shown}: {message}"),
    }
}

fn required(field: impl Into<String>) -> Cause {
    Cause {
        reason: "FieldValueRequired",
        field: field.into(),
        message: "Required value".into(),
    }
}

fn set_default(v: &mut Value, key: &str, default: Value) {
    if v[key].is_null() {
        v[key] = default;
    }
}

/// Removes every `null` member of every object, as decoding into the API's typed
/// structs and encoding them again does (`"creationTimestamp": null` in a pod
/// template sent by `kubectl rollout undo` must not make the template differ).
pub fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Defaults and validates an object about to be created (`old` = None) or updated.
pub fn admit(
    store: &Store,
    rt: &ResourceType,
    obj: &mut Value,
    old: Option<&Value>,
) -> ApiResult<()> {
    strip_nulls(obj);
    let mut causes = Vec::new();
    check_name(rt, obj, &mut causes);
    check_labels(obj, &mut causes);
    match rt.kind {
        "Pod" => {
            if obj["spec"].is_null() {
                obj["spec"] = json!({});
            }
            pod_spec(&mut obj["spec"], "spec", true, &mut causes);
            if old.is_none() {
                let qos = qos_class(&obj["spec"]);
                obj["status"] = json!({"phase": "Pending", "qosClass": qos});
            }
        }
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => {
            workload(rt, obj, &mut causes);
            if old.is_none()
                && let Some(m) = obj.as_object_mut()
            {
                m.remove("status");
            }
        }
        "Service" => service::admit(store, obj, old, &mut causes),
        "Job" if rt.group == "batch" => {
            batch::job(store.registry().release(), obj, old, &mut causes);
        }
        "CronJob" if rt.group == "batch" => batch::cron_job(obj, old, &mut causes),
        "CustomResourceDefinition" if rt.group == "apiextensions.k8s.io" => {
            crd::definition(obj, old, &mut causes);
        }
        _ if rt.custom => crd::resource(store, rt, obj, &mut causes),
        "Namespace" => {
            let name = obj["metadata"]["name"].clone();
            if obj["metadata"]["labels"].is_null() {
                obj["metadata"]["labels"] = json!({});
            }
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            obj["status"] = json!({"phase": "Active"});
        }
        "Secret" => set_default(obj, "type", json!("Opaque")),
        _ => other_kinds::admit(store, rt, obj, old),
    }
    if causes.is_empty() {
        Ok(())
    } else {
        let name = obj["metadata"]["name"].as_str().unwrap_or_default();
        Err(ApiError::invalid(rt, name, causes))
    }
}

fn check_name(rt: &ResourceType, obj: &Value, causes: &mut Vec<Cause>) {
    let name_value = &obj["metadata"]["name"];
    let name = name_value.as_str().unwrap_or_default();
    if name.is_empty() {
        if obj["metadata"]["generateName"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            causes.push(Cause {
                reason: "FieldValueRequired",
                field: "metadata.name".into(),
                message: "Required value: name or generateName is required".into(),
            });
        }
        return;
    }
    let (ok, msg) = match rt.kind {
        "Service" => (
            is_dns1123_label(name) && name.starts_with(|c: char| c.is_ascii_lowercase()),
            DNS1035_LABEL_MSG,
        ),
        "Namespace" => (is_dns1123_label(name), DNS1123_LABEL_MSG),
        _ => (is_dns1123_subdomain(name), DNS1123_SUBDOMAIN_MSG),
    };
    if !ok {
        causes.push(invalid("metadata.name", name_value, msg));
    }
}

fn check_labels(obj: &Value, causes: &mut Vec<Cause>) {
    let Some(labels) = obj["metadata"]["labels"].as_object() else {
        return;
    };
    for (k, v) in labels {
        let value = v.as_str().unwrap_or_default();
        let valid = value.len() <= 63
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && (value.is_empty()
                || value.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && value.ends_with(|c: char| c.is_ascii_alphanumeric()));
        if !valid || !v.is_string() {
            causes.push(invalid(
                "metadata.labels",
                v,
                &format!("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?') (label {k})"),
            ));
        }
    }
}

/// The image pull policy the real server defaults: Always for `:latest` or no tag.
fn default_pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        return "IfNotPresent";
    }
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn containers(spec: &mut Value, key: &str, path: &str, causes: &mut Vec<Cause>) {
    let Some(list) = spec.get_mut(key).and_then(Value::as_array_mut) else {
        return;
    };
    for (i, c) in list.iter_mut().enumerate() {
        let at = format!("{path}.{key}[{i}]");
        let name = c["name"].as_str().unwrap_or_default().to_string();
        if name.is_empty() {
            causes.push(required(format!("{at}.name")));
        } else if !is_dns1123_label(&name) {
            causes.push(invalid(format!("{at}.name"), &c["name"], DNS1123_LABEL_MSG));
        }
        let image = c["image"].as_str().unwrap_or_default().to_string();
        if image.trim().is_empty() {
            causes.push(required(format!("{at}.image")));
        } else {
            set_default(c, "imagePullPolicy", json!(default_pull_policy(&image)));
        }
        set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
        set_default(c, "terminationMessagePolicy", json!("File"));
        set_default(c, "resources", json!({}));
        for p in c
            .get_mut("ports")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            set_default(p, "protocol", json!("TCP"));
        }
    }
}

/// Defaults and validates a pod spec at `path` (`spec` or `spec.template.spec`).
fn pod_spec(spec: &mut Value, path: &str, is_pod: bool, causes: &mut Vec<Cause>) {
    if spec["containers"].as_array().is_none_or(Vec::is_empty) {
        causes.push(required(format!("{path}.containers")));
    }
    containers(spec, "containers", path, causes);
    containers(spec, "initContainers", path, causes);
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "securityContext", json!({}));
    // The service account, token volume, tolerations and priority come later, from the
    // admission plugins (crate::sim::admission).
    if is_pod {
        set_default(spec, "enableServiceLinks", json!(true));
    }
    if let Some(g) = spec["terminationGracePeriodSeconds"].as_i64()
        && g < 0
    {
        causes.push(invalid(
            format!("{path}.terminationGracePeriodSeconds"),
            &json!(g),
            "must be greater than or equal to 0",
        ));
    }
}

fn int_or_percent_is_zero(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_i64() == Some(0),
        Value::String(s) => s == "0" || s == "0%",
        _ => false,
    }
}

/// Deployments, ReplicaSets, StatefulSets, DaemonSets: replicas, selector, template, strategy.
fn workload(rt: &ResourceType, obj: &mut Value, causes: &mut Vec<Cause>) {
    if obj["spec"].is_null() {
        obj["spec"] = json!({});
    }
    let spec = &mut obj["spec"];
    if rt.kind != "DaemonSet" {
        set_default(spec, "replicas", json!(1));
        match spec["replicas"].as_i64() {
            Some(r) if r < 0 => causes.push(invalid(
                "spec.replicas",
                &spec["replicas"],
                "must be greater than or equal to 0",
            )),
            Some(_) => {}
            None => causes.push(invalid(
                "spec.replicas",
                &spec["replicas"],
                "must be an integer",
            )),
        }
    }
    match rt.kind {
        "Deployment" => {
            set_default(
                spec,
                "strategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
            );
            let strategy = &mut spec["strategy"];
            set_default(strategy, "type", json!("RollingUpdate"));
            if strategy["type"] == "RollingUpdate" {
                set_default(strategy, "rollingUpdate", json!({}));
                let ru = &mut strategy["rollingUpdate"];
                set_default(ru, "maxUnavailable", json!("25%"));
                set_default(ru, "maxSurge", json!("25%"));
                if int_or_percent_is_zero(&ru["maxSurge"])
                    && int_or_percent_is_zero(&ru["maxUnavailable"])
                {
                    causes.push(invalid(
                        "spec.strategy.rollingUpdate.maxUnavailable",
                        &ru["maxUnavailable"],
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
            } else if strategy["type"] != "Recreate" {
                causes.push(Cause {
                    reason: "FieldValueNotSupported",
                    field: "spec.strategy.type".into(),
                    message: format!(
                        "Unsupported value: {}: supported values: \"Recreate\", \"RollingUpdate\"",
                        strategy["type"]
                    ),
                });
            }
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(spec, "progressDeadlineSeconds", json!(600));
        }
        "StatefulSet" => {
            set_default(spec, "podManagementPolicy", json!("OrderedReady"));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
            );
        }
        "DaemonSet" => {
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
            );
        }
        _ => {}
    }
    if spec["template"]["spec"].is_null() {
        causes.push(required("spec.template.spec.containers"));
    } else {
        pod_spec(
            &mut spec["template"]["spec"],
            "spec.template.spec",
            false,
            causes,
        );
    }
    let selector = &spec["selector"];
    if selector.is_null() {
        causes.push(required("spec.selector"));
        return;
    }
    match LabelSelector::from_object(selector) {
        Ok(sel) if sel.is_empty() => causes.push(invalid(
            "spec.selector",
            selector,
            "empty selector is invalid for deployment",
        )),
        Ok(sel) => {
            let labels = &spec["template"]["metadata"]["labels"];
            let empty = serde_json::Map::new();
            if !sel.matches_labels(labels.as_object().unwrap_or(&empty)) {
                causes.push(Cause {
                    reason: "FieldValueInvalid",
                    field: "spec.template.metadata.labels".into(),
                    message: format!(
                        "Invalid value: {}: `selector` does not match template `labels`",
                        go_map(labels)
                    ),
                });
            }
        }
        Err(e) => causes.push(invalid("spec.selector", selector, &e.message)),
    }
}

/// A label map as Go's `%#v` prints `map[string]string`.
fn go_map(labels: &Value) -> String {
    let entries: Vec<String> = labels
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k:?}:{:?}", v.as_str().unwrap_or_default()))
        .collect();
    format!("map[string]string{{{}}}", entries.join(", "))
}

#[cfg(test)]
mod tests;
