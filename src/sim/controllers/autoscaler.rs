//! The HorizontalPodAutoscaler controller without a metrics server: it reads the target's
//! scale, keeps its replicas within `minReplicas`..`maxReplicas` (which needs no metrics),
//! and says what the real controller says when the resource metrics API is missing
//! (`ScalingActive` False, `FailedGetResourceMetric`).

use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use serde_json::{Value, json};

use super::events::{EventType, Note, Source, record};
use super::meta::{int_at, kind, name, namespace};
use super::pass::Pass;
use crate::sim::clock::format_time;

const SOURCE: Source<'static> = Source::controller("horizontal-pod-autoscaler");
const NO_METRICS: &str = "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// Runs the controller over every HorizontalPodAutoscaler.
pub fn reconcile(pass: &Pass<'_>) {
    for hpa in pass.all("autoscaling", "HorizontalPodAutoscaler") {
        sync(pass, &hpa);
    }
}

fn target_kind(target: &Value) -> Option<&'static crate::sim::resources::ResourceType> {
    let group = target["apiVersion"]
        .as_str()
        .and_then(|a| a.split_once('/'))
        .map_or("", |(g, _)| g);
    crate::sim::resources::by_kind(group, target["kind"].as_str().unwrap_or_default())
        .filter(|rt| rt.has_subresource("scale"))
}

fn condition(kind: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": kind, "status": status, "lastTransitionTime": now, "reason": reason, "message": message})
}

fn sync(pass: &Pass<'_>, hpa: &Value) {
    let ns = namespace(hpa);
    let target = &hpa["spec"]["scaleTargetRef"];
    let now = format_time(pass.now);
    let workload = target_kind(target).and_then(|rt| {
        pass.store
            .get(rt, ns, target["name"].as_str().unwrap_or_default())
            .map(|o| (rt, o))
    });
    let Some((rt, workload)) = workload else {
        let message = format!(
            "the HPA controller was unable to get the target's current scale: {} \"{}\" not found",
            target["kind"].as_str().unwrap_or_default().to_lowercase(),
            target["name"].as_str().unwrap_or_default()
        );
        let conditions = json!([condition(
            "AbleToScale",
            "False",
            "FailedGetScale",
            &message,
            &now
        )]);
        write(pass, hpa, 0, 0, &conditions);
        return;
    };
    let current = int_at(&workload, "/spec/replicas", 1);
    let min = int_at(hpa, "/spec/minReplicas", 1);
    let max = int_at(hpa, "/spec/maxReplicas", 1);
    let desired = current.clamp(min, max.max(min));
    if desired != current && current != 0 {
        pass.modify(&KUBE_CONTROLLER_MANAGER, rt, ns, name(&workload), |w| {
            w["spec"]["replicas"] = json!(desired);
        });
        let message = format!(
            "New size: {desired}; reason: Current number of replicas {} than {}",
            if current < min {
                "below Spec.MinReplicas"
            } else {
                "above Spec.MaxReplicas"
            },
            if current < min { "minimum" } else { "maximum" }
        );
        record(
            pass,
            hpa,
            SOURCE,
            Note {
                kind: EventType::Normal,
                reason: "SuccessfulRescale",
                message,
                field_path: None,
            },
        );
    }
    let conditions = json!([
        condition(
            "AbleToScale",
            "True",
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
            &now
        ),
        condition(
            "ScalingActive",
            "False",
            "FailedGetResourceMetric",
            NO_METRICS,
            &now
        ),
    ]);
    if hpa["status"]["conditions"].is_null() {
        let note = Note {
            kind: EventType::Warning,
            reason: "FailedGetResourceMetric",
            message: "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)".into(),
            field_path: None,
        };
        record(pass, hpa, SOURCE, note);
    }
    write(pass, hpa, current, desired, &conditions);
}

fn write(pass: &Pass<'_>, hpa: &Value, current: i64, desired: i64, conditions: &Value) {
    let same_conditions = hpa["status"]["conditions"]
        .as_array()
        .zip(conditions.as_array())
        .is_some_and(|(a, b)| {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| {
                    x["type"] == y["type"]
                        && x["status"] == y["status"]
                        && x["reason"] == y["reason"]
                })
        });
    if same_conditions
        && hpa["status"]["currentReplicas"] == current
        && hpa["status"]["desiredReplicas"] == desired
    {
        return;
    }
    pass.modify(
        &KUBE_CONTROLLER_MANAGER,
        kind("autoscaling", "HorizontalPodAutoscaler"),
        namespace(hpa),
        name(hpa),
        |v| {
            v["status"]["currentReplicas"] = json!(current);
            v["status"]["desiredReplicas"] = json!(desired);
            if !same_conditions {
                v["status"]["conditions"] = conditions.clone();
            }
        },
    );
}
