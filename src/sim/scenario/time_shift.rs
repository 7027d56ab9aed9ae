//! Moving a whole cluster in time: every timestamp in an object shifted by the
//! same amount, so a scenario built on a fast-forwarded clock looks, once copied
//! into the real store, like a cluster that has been running for days.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::sim::clock::{format_micro_time, format_time};

/// Shifts every RFC 3339 UTC timestamp string in `v` by `by`.
pub fn shift_times(v: &mut Value, by: SignedDuration) {
    match v {
        Value::String(s) => {
            if let Some(shifted) = shift_one(s, by) {
                *s = shifted;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| shift_times(i, by)),
        Value::Object(m) => m.values_mut().for_each(|i| shift_times(i, by)),
        _ => {}
    }
}

fn looks_like_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b.len() <= 35
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && s.ends_with('Z')
        && b[..4].iter().all(u8::is_ascii_digit)
}

fn shift_one(s: &str, by: SignedDuration) -> Option<String> {
    if !looks_like_time(s) {
        return None;
    }
    let t: Timestamp = s.parse().ok()?;
    let moved = t.checked_add(by).ok()?;
    Some(if s.contains('.') {
        format_micro_time(moved)
    } else {
        format_time(moved)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_timestamps_move() {
        let mut v = json!({"a": "2026-11-30T08:00:00Z", "b": ["2026-11-30T08:00:00.500000Z", "nginx:1.14.1"], "c": 3});
        shift_times(&mut v, SignedDuration::from_hours(-2));
        assert_eq!(
            v,
            json!({"a": "2026-11-30T06:00:00Z", "b": ["2026-11-30T06:00:00.500000Z", "nginx:1.14.1"], "c": 3})
        );
    }
}
