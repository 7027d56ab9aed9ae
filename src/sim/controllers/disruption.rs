//! The disruption controller: each PodDisruptionBudget's status from the pods its selector
//! matches (expected, healthy, the healthy it must keep, the disruptions allowed now) and
//! its `DisruptionAllowed` condition.

use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use serde_json::{Value, json};

use super::meta::{kind, labels_ref, name, namespace, selector_matches};
use super::pass::Pass;
use super::pod_state::{is_active, is_ready};
use crate::sim::clock::format_time;
use crate::sim::store::Obj;

/// Runs the controller over every PodDisruptionBudget.
pub fn reconcile(pass: &Pass<'_>, pods: &[Obj]) {
    for pdb in pass.all("policy", "PodDisruptionBudget") {
        sync(pass, &pdb, pods);
    }
}

/// An int-or-percent of `total`, percentages rounded up (as the controller rounds them).
fn scaled(v: &Value, total: i64) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let pct: i64 = s.strip_suffix('%')?.parse().ok()?;
            Some((pct * total + 99) / 100)
        }
        _ => None,
    }
}

fn sync(pass: &Pass<'_>, pdb: &Value, pods: &[Obj]) {
    let ns = namespace(pdb);
    let matching: Vec<&Obj> = pods
        .iter()
        .filter(|p| namespace(p) == ns && is_active(p))
        .filter(|p| selector_matches(&pdb["spec"]["selector"], labels_ref(p)))
        .collect();
    let expected = i64::try_from(matching.len()).unwrap_or(0);
    let healthy = i64::try_from(matching.iter().filter(|p| is_ready(p)).count()).unwrap_or(0);
    let desired = match (&pdb["spec"]["minAvailable"], &pdb["spec"]["maxUnavailable"]) {
        (min, _) if !min.is_null() => scaled(min, expected).unwrap_or(0),
        (_, max) if !max.is_null() => (expected - scaled(max, expected).unwrap_or(0)).max(0),
        _ => expected,
    };
    let allowed = (healthy - desired).max(0);
    let generation = pdb["metadata"]["generation"].clone();
    let status = &pdb["status"];
    if status["currentHealthy"] == healthy
        && status["desiredHealthy"] == desired
        && status["disruptionsAllowed"] == allowed
        && status["expectedPods"] == expected
        && status["observedGeneration"] == generation
    {
        return;
    }
    let (state, reason) = if allowed > 0 {
        ("True", "SufficientPods")
    } else {
        ("False", "InsufficientPods")
    };
    let now = format_time(pass.now);
    pass.modify(&KUBE_CONTROLLER_MANAGER, kind("policy", "PodDisruptionBudget"), ns, name(pdb), |v| {
        let old = v["status"]["conditions"][0].clone();
        let since = if old["status"] == state { old["lastTransitionTime"].clone() } else { json!(now) };
        v["status"] = json!({
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "disruptionsAllowed": allowed,
            "expectedPods": expected,
            "observedGeneration": generation,
            "conditions": [{"type": "DisruptionAllowed", "status": state, "reason": reason, "message": "",
                "observedGeneration": generation, "lastTransitionTime": since}],
        });
    });
}
