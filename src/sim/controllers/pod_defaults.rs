//! The defaults the API server's decoding fills into a pod spec (`SetDefaults_PodSpec` and
//! `SetDefaults_Container`), for pods the controllers create. What the admission plugins
//! add afterwards (service account, token volume, tolerations, priority) is in
//! [`crate::sim::admission`].

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
        ("enableServiceLinks", json!(true)),
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

/// The pod's QoS class, as the API server computes it at creation (`qos.GetPodQOS`):
/// Guaranteed when every container limits CPU and memory with requests equal to the
/// limits, BestEffort when none requests or limits either, Burstable otherwise.
pub fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = ["initContainers", "containers"]
        .into_iter()
        .flat_map(|list| spec[list].as_array().into_iter().flatten())
        .collect();
    let compute = ["cpu", "memory"];
    let sets =
        |c: &Value, which: &str| compute.iter().any(|r| !c["resources"][which][*r].is_null());
    if containers
        .iter()
        .all(|c| !sets(c, "requests") && !sets(c, "limits"))
    {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        compute.iter().all(|r| {
            let limit = &c["resources"]["limits"][*r];
            let request = &c["resources"]["requests"][*r];
            !limit.is_null() && (request.is_null() || request == limit)
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}
