//! Whether a pod fits a node, as kube-scheduler's default filter plugins decide it, in
//! their order (NodeUnschedulable, TaintToleration, NodeAffinity): the first that fails
//! is the node's reason, and the reasons over all nodes make the `FailedScheduling`
//! message (`0/3 nodes are available: 1 node(s) had untolerated taint {...}, 2 node(s)
//! didn't match Pod's node affinity/selector. preemption: ...`).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::super::meta::name;

/// Why a node does not take a pod.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unfit {
    /// The node is cordoned (`spec.unschedulable`) and the pod does not tolerate it.
    Unschedulable,
    /// A `NoSchedule`/`NoExecute` taint the pod does not tolerate, as `{key: value}`.
    Taint(String),
    /// The pod's `nodeSelector` or required node affinity does not select the node.
    Affinity,
}

impl Unfit {
    /// The scheduler's words for it, after the node count.
    fn words(&self) -> String {
        match self {
            Self::Unschedulable => "node(s) were unschedulable".into(),
            Self::Taint(taint) => format!("node(s) had untolerated taint {taint}"),
            Self::Affinity => "node(s) didn't match Pod's node affinity/selector".into(),
        }
    }
}

/// The first default filter `node` fails for `pod`, if any.
pub fn unfit(pod: &Value, node: &Value) -> Option<Unfit> {
    let cordoned = node["spec"]["unschedulable"].as_bool() == Some(true);
    let unschedulable_taint = json!({
        "key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"
    });
    if cordoned && !tolerates(pod, &unschedulable_taint) {
        return Some(Unfit::Unschedulable);
    }
    if let Some(taint) = taints(node).into_iter().find(|t| !tolerates(pod, t)) {
        let key = taint["key"].as_str().unwrap_or_default();
        let value = taint["value"].as_str().unwrap_or_default();
        return Some(Unfit::Taint(format!("{{{key}: {value}}}")));
    }
    if !selects(&pod["spec"], node) {
        return Some(Unfit::Affinity);
    }
    None
}

/// The node's scheduling taints, with the `not-ready` one the node lifecycle controller
/// puts on a node whose Ready condition is not True.
fn taints(node: &Value) -> Vec<Value> {
    let mut taints: Vec<Value> = node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute")))
        .cloned()
        .collect();
    let ready = node["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True");
    if !ready
        && !taints
            .iter()
            .any(|t| t["key"] == "node.kubernetes.io/not-ready")
    {
        taints.push(json!({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}));
    }
    taints
}

/// Whether one of the pod's tolerations tolerates `taint`.
pub fn tolerates(pod: &Value, taint: &Value) -> bool {
    pod["spec"]["tolerations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| {
            let key_ok = t["key"].as_str().is_none_or(str::is_empty) || t["key"] == taint["key"];
            let effect_ok =
                t["effect"].as_str().is_none_or(str::is_empty) || t["effect"] == taint["effect"];
            let value_ok = t["operator"] == "Exists"
                || t["value"].as_str().unwrap_or_default()
                    == taint["value"].as_str().unwrap_or_default();
            key_ok && effect_ok && value_ok
        })
}

/// Whether a pod spec's `nodeSelector` and required node affinity both select `node`
/// (the affinity's terms are ORed, each term's requirements ANDed; a term with no
/// requirement selects nothing).
pub fn selects(spec: &Value, node: &Value) -> bool {
    let empty = Map::new();
    let labels = node["metadata"]["labels"].as_object().unwrap_or(&empty);
    let selector_ok = spec["nodeSelector"]
        .as_object()
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let required =
        &spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
    let affinity_ok = required["nodeSelectorTerms"]
        .as_array()
        .is_none_or(|terms| terms.iter().any(|term| term_selects(term, labels, node)));
    selector_ok && affinity_ok
}

/// Whether one node selector term selects `node` (its label and field requirements all hold).
fn term_selects(term: &Value, labels: &Map<String, Value>, node: &Value) -> bool {
    let expressions = term["matchExpressions"].as_array();
    let fields = term["matchFields"].as_array();
    let has_any =
        expressions.is_some_and(|e| !e.is_empty()) || fields.is_some_and(|f| !f.is_empty());
    has_any
        && expressions.into_iter().flatten().all(|e| {
            let label = labels.get(e["key"].as_str().unwrap_or_default());
            requirement(e, label.and_then(Value::as_str))
        })
        && fields.into_iter().flatten().all(|f| {
            // `metadata.name` is the only field a node selector term may name.
            let field = (f["key"] == "metadata.name").then(|| name(node));
            requirement(f, field)
        })
}

/// One node selector requirement against the value it names (`None`: absent).
fn requirement(req: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = req["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let number = |s: &str| s.parse::<i64>().ok();
    let compared = || {
        value
            .and_then(number)
            .zip(values.first().and_then(|v| number(v)))
    };
    match req["operator"].as_str().unwrap_or_default() {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => compared().is_some_and(|(v, bound)| v > bound),
        "Lt" => compared().is_some_and(|(v, bound)| v < bound),
        _ => false,
    }
}

/// The `FailedScheduling` message for a pod no node took, from each node's reason.
pub fn failed_scheduling_message(reasons: &[Unfit]) -> String {
    let total = reasons.len();
    if total == 0 {
        return "no nodes available to schedule pods".into();
    }
    let mut counts: BTreeMap<&Unfit, usize> = BTreeMap::new();
    for reason in reasons {
        *counts.entry(reason).or_default() += 1;
    }
    // The scheduler sorts the "N reason" strings.
    let mut parts: Vec<String> = counts
        .iter()
        .map(|(reason, n)| format!("{n} {}", reason.words()))
        .collect();
    parts.sort();
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: \
         {total} Preemption is not helpful for scheduling.",
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests;
