//! The defaults the API server fills into a pod spec (what `kubectl get pod -o yaml`
//! shows on a real cluster), for pods the controllers create.

use serde_json::{Value, json};

/// `spec` with every unset defaulted field filled in.
pub fn with_pod_defaults(spec: &Value) -> Value {
    let mut spec = if spec.is_object() {
        spec.clone()
    } else {
        json!({})
    };
    let defaults = [
        ("restartPolicy", json!("Always")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("dnsPolicy", json!("ClusterFirst")),
        ("securityContext", json!({})),
        ("schedulerName", json!("default-scheduler")),
        ("serviceAccountName", json!("default")),
        ("serviceAccount", json!("default")),
        ("enableServiceLinks", json!(true)),
        ("preemptionPolicy", json!("PreemptLowerPriority")),
        ("priority", json!(0)),
        (
            "tolerations",
            json!([
                {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
            ]),
        ),
    ];
    for (field, value) in defaults {
        if spec[field].is_null() {
            spec[field] = value;
        }
    }
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec[list].as_array_mut() {
            for c in containers {
                default_container(c);
            }
        }
    }
    spec
}

fn default_container(c: &mut Value) {
    let image = c["image"].as_str().unwrap_or("");
    let tag_is_latest = image
        .rsplit('/')
        .next()
        .is_none_or(|last| !last.contains(':') || last.ends_with(":latest"));
    let pull = if tag_is_latest && !image.contains('@') {
        "Always"
    } else {
        "IfNotPresent"
    };
    for (field, value) in [
        ("imagePullPolicy", json!(pull)),
        ("resources", json!({})),
        ("terminationMessagePath", json!("/dev/termination-log")),
        ("terminationMessagePolicy", json!("File")),
    ] {
        if c[field].is_null() {
            c[field] = value;
        }
    }
    if let Some(ports) = c["ports"].as_array_mut() {
        for p in ports {
            if p["protocol"].is_null() {
                p["protocol"] = json!("TCP");
            }
        }
    }
}
