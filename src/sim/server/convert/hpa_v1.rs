//! HorizontalPodAutoscaler `autoscaling/v1` from and to the stored `autoscaling/v2`: v1 has
//! only a CPU utilization target; the other metrics and the conditions travel in the
//! annotations the real conversion uses.

use serde_json::{Value, json};

const METRICS: &str = "autoscaling.alpha.kubernetes.io/metrics";
const CONDITIONS: &str = "autoscaling.alpha.kubernetes.io/conditions";
const CURRENT_METRICS: &str = "autoscaling.alpha.kubernetes.io/current-metrics";

fn is_cpu_utilization(m: &Value) -> bool {
    m["type"] == "Resource"
        && m["resource"]["name"] == "cpu"
        && m["resource"]["target"]["type"] == "Utilization"
}

fn annotate(hpa: &mut Value, key: &str, value: &Value) {
    if !hpa["metadata"]["annotations"].is_object() {
        hpa["metadata"]["annotations"] = json!({});
    }
    hpa["metadata"]["annotations"][key] = json!(value.to_string());
}

/// A stored v2 object as v1 shows it.
pub fn from_v2(hpa: &mut Value) {
    let metrics = hpa["spec"]["metrics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (cpu, other): (Vec<Value>, Vec<Value>) = metrics.into_iter().partition(is_cpu_utilization);
    let spec = &mut hpa["spec"];
    if let Some(m) = spec.as_object_mut() {
        m.remove("metrics");
        m.remove("behavior");
    }
    if let Some(target) = cpu
        .first()
        .and_then(|c| c["resource"]["target"]["averageUtilization"].as_i64())
    {
        spec["targetCPUUtilizationPercentage"] = json!(target);
    }
    let current = hpa["status"]["currentMetrics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let cpu_now = current
        .iter()
        .find(|m| m["type"] == "Resource" && m["resource"]["name"] == "cpu")
        .and_then(|m| m["resource"]["current"]["averageUtilization"].as_i64());
    let conditions = hpa["status"]["conditions"].clone();
    if let Some(s) = hpa["status"].as_object_mut() {
        s.remove("currentMetrics");
        s.remove("conditions");
    }
    if let Some(cpu_now) = cpu_now {
        hpa["status"]["currentCPUUtilizationPercentage"] = json!(cpu_now);
    }
    if !other.is_empty() {
        annotate(hpa, METRICS, &Value::Array(other));
    }
    if conditions.as_array().is_some_and(|c| !c.is_empty()) {
        annotate(hpa, CONDITIONS, &conditions);
    }
    if !current.is_empty() {
        annotate(hpa, CURRENT_METRICS, &Value::Array(current));
    }
}

fn take_annotation(hpa: &mut Value, key: &str) -> Option<Value> {
    let raw = hpa["metadata"]["annotations"]
        .as_object_mut()?
        .remove(key)?;
    serde_json::from_str(raw.as_str()?).ok()
}

/// A sent v1 object in the stored v2 form.
pub fn to_v2(hpa: &mut Value) {
    let mut metrics = take_annotation(hpa, METRICS)
        .and_then(|m| m.as_array().cloned())
        .unwrap_or_default();
    let conditions = take_annotation(hpa, CONDITIONS);
    let current = take_annotation(hpa, CURRENT_METRICS);
    let spec = &mut hpa["spec"];
    if let Some(target) = spec
        .as_object_mut()
        .and_then(|m| m.remove("targetCPUUtilizationPercentage"))
    {
        metrics.insert(
            0,
            json!({"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": target}}}),
        );
    }
    if !metrics.is_empty() {
        spec["metrics"] = Value::Array(metrics);
    }
    if let Some(s) = hpa["status"].as_object_mut() {
        s.remove("currentCPUUtilizationPercentage");
    }
    if let Some(c) = conditions {
        hpa["status"]["conditions"] = c;
    }
    if let Some(c) = current {
        hpa["status"]["currentMetrics"] = c;
    }
    if hpa["metadata"]["annotations"]
        .as_object()
        .is_some_and(serde_json::Map::is_empty)
        && let Some(m) = hpa["metadata"].as_object_mut()
    {
        m.remove("annotations");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_shows_the_cpu_target_and_keeps_the_rest_in_annotations() {
        let stored = json!({"metadata": {"name": "h"}, "spec": {"maxReplicas": 5, "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}}}]},
            "status": {"currentReplicas": 1, "desiredReplicas": 1, "conditions": [{"type": "AbleToScale", "status": "True"}]}});
        let mut v1 = stored.clone();
        from_v2(&mut v1);
        assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], 50);
        assert!(v1["spec"].get("metrics").is_none());
        assert!(
            v1["metadata"]["annotations"][METRICS]
                .as_str()
                .unwrap()
                .contains("memory")
        );
        assert!(v1["status"].get("conditions").is_none());
        to_v2(&mut v1);
        assert_eq!(v1, stored);
    }
}
