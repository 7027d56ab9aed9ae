//! Timestamps as clients see them. The store keeps simulated times; when the clock
//! runs faster than real time, every timestamp field of an answer goes through
//! [`Clock::shown`] and every one of a request body through [`Clock::simulated`], so
//! objects are never dated in the future of the client's clock (see [`Clock::shown`]).
//! At real-time speed or on a manual clock nothing changes. Patch bodies are applied as
//! sent: the patches clients make do not carry timestamps.

use std::borrow::Cow;

use jiff::Timestamp;
use serde_json::Value;

use crate::sim::clock::{Clock, format_micro_time, format_time, parse_time};

/// The fields that hold a `Time` or `MicroTime` in the kinds the cluster serves.
const TIME_FIELDS: &[&str] = &[
    "creationTimestamp",
    "deletionTimestamp",
    "lastTransitionTime",
    "lastUpdateTime",
    "lastProbeTime",
    "lastHeartbeatTime",
    "startTime",
    "completionTime",
    "lastScheduleTime",
    "lastSuccessfulTime",
    "lastScaleTime",
    "startedAt",
    "finishedAt",
    "firstTimestamp",
    "lastTimestamp",
    "eventTime",
    "lastObservedTime",
    "deprecatedFirstTimestamp",
    "deprecatedLastTimestamp",
    "time",
];

/// Maps that hold user data, where a key named like a time field is not one.
const USER_MAPS: &[&str] = &["labels", "annotations", "data", "stringData", "binaryData"];

/// `object` with its timestamps as clients are shown them (borrowed when unchanged).
pub fn shown<'a>(clock: &Clock, object: &'a Value) -> Cow<'a, Value> {
    if !clock.compresses() {
        return Cow::Borrowed(object);
    }
    let mut out = object.clone();
    map_times(&mut out, &|t| clock.shown(t));
    Cow::Owned(out)
}

/// Turns the timestamps of a request body back into simulated time.
pub fn simulated(clock: &Clock, body: &mut Value) {
    if clock.compresses() {
        map_times(body, &|t| clock.simulated(t));
    }
}

fn map_times(v: &mut Value, f: &dyn Fn(Timestamp) -> Timestamp) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if USER_MAPS.contains(&k.as_str()) {
                    continue;
                }
                if TIME_FIELDS.contains(&k.as_str())
                    && let Some(s) = x.as_str()
                    && let Some(t) = parse_time(s)
                {
                    // Keep the precision: whole seconds for Time, microseconds for MicroTime.
                    let mapped = f(t);
                    *x = Value::String(if s.contains('.') {
                        format_micro_time(mapped)
                    } else {
                        format_time(mapped)
                    });
                } else {
                    map_times(x, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| map_times(x, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_time_fields_move_and_only_on_a_fast_clock() {
        let fast = Clock::new(100.0);
        let later = fast.now() + jiff::SignedDuration::from_secs(1000);
        let stamp = format_time(later);
        let obj = json!({"metadata": {"creationTimestamp": stamp, "annotations": {"time": stamp}},
            "status": {"conditions": [{"lastTransitionTime": stamp, "message": stamp}]},
            "eventTime": format_micro_time(later)});
        let out = shown(&fast, &obj);
        assert_ne!(
            out["metadata"]["creationTimestamp"],
            obj["metadata"]["creationTimestamp"]
        );
        assert_ne!(
            out["status"]["conditions"][0]["lastTransitionTime"],
            obj["status"]["conditions"][0]["lastTransitionTime"]
        );
        assert!(out["eventTime"].as_str().unwrap().contains('.'));
        assert_eq!(
            out["metadata"]["annotations"],
            obj["metadata"]["annotations"]
        );
        assert_eq!(out["status"]["conditions"][0]["message"], json!(stamp));
        let mut back = out.into_owned();
        simulated(&fast, &mut back);
        let round = parse_time(back["metadata"]["creationTimestamp"].as_str().unwrap()).unwrap();
        assert!(
            round.duration_since(later).abs().as_secs() <= 100,
            "within one shown second"
        );
        assert!(matches!(shown(&Clock::new(1.0), &obj), Cow::Borrowed(_)));
    }
}
