//! `maxSurge` and `maxUnavailable` as numbers (upstream's `ResolveFenceposts`):
//! percentages of `spec.replicas`, surge rounded up and unavailable rounded down.

use serde_json::Value;

/// Whether the Deployment uses the RollingUpdate strategy (the default).
pub fn is_rolling(d: &Value) -> bool {
    d["spec"]["strategy"]["type"]
        .as_str()
        .unwrap_or("RollingUpdate")
        == "RollingUpdate"
}

/// `spec.replicas` (default 1).
pub fn replicas(d: &Value) -> i64 {
    d["spec"]["replicas"].as_i64().unwrap_or(1).max(0)
}

fn int_or_percent(v: &Value, total: i64, round_up: bool) -> i64 {
    if let Some(n) = v.as_i64() {
        return n.max(0);
    }
    let Some(pct) = v
        .as_str()
        .and_then(|s| s.strip_suffix('%'))
        .and_then(|p| p.trim().parse::<i64>().ok())
    else {
        return 0;
    };
    let scaled = pct.max(0) * total;
    if round_up {
        (scaled + 99) / 100
    } else {
        scaled / 100
    }
}

/// `(maxSurge, maxUnavailable)`; both zero is resolved to an unavailable of 1, as upstream does.
pub fn resolve(d: &Value) -> (i64, i64) {
    let total = replicas(d);
    let ru = &d["spec"]["strategy"]["rollingUpdate"];
    let default = Value::String("25%".into());
    let surge_v = if ru["maxSurge"].is_null() {
        &default
    } else {
        &ru["maxSurge"]
    };
    let unavailable_v = if ru["maxUnavailable"].is_null() {
        &default
    } else {
        &ru["maxUnavailable"]
    };
    let surge = int_or_percent(surge_v, total, true);
    let unavailable = int_or_percent(unavailable_v, total, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// Upstream's `MaxSurge`: 0 unless rolling.
pub fn max_surge(d: &Value) -> i64 {
    if is_rolling(d) { resolve(d).0 } else { 0 }
}

/// Upstream's `MaxUnavailable`: 0 unless rolling, never more than `spec.replicas`.
pub fn max_unavailable(d: &Value) -> i64 {
    if !is_rolling(d) || replicas(d) == 0 {
        return 0;
    }
    resolve(d).1.min(replicas(d))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn percentages_round_surge_up_and_unavailable_down() {
        let d = json!({"spec": {"replicas": 10, "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}});
        assert_eq!(resolve(&d), (3, 2));
        let d = json!({"spec": {"replicas": 3}});
        assert_eq!(resolve(&d), (1, 0));
        assert_eq!(max_unavailable(&d), 0);
        let d = json!({"spec": {"replicas": 3, "strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}}});
        assert_eq!(resolve(&d), (0, 1));
        let d = json!({"spec": {"replicas": 3, "strategy": {"type": "Recreate"}}});
        assert_eq!((max_surge(&d), max_unavailable(&d)), (0, 0));
    }
}
