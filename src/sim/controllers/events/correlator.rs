//! client-go's `EventCorrelator`, read from the Events already stored instead of the
//! recorder's caches (the sim's controllers keep no state between passes):
//! - the spam filter: a source may write 25 Events about an object, then one every five
//!   minutes (a token bucket; the refill is counted from the first Event kept);
//! - the aggregator: once ten different messages of the same reason come within ten
//!   minutes, further ones go into one "(combined from similar events): ..." Event;
//! - the logger: an identical Event counts up the stored one.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::{Note, Source};
use crate::sim::controllers::meta::time_at;
use crate::sim::store::Obj;

/// The prefix of a combined Event's message.
pub const COMBINED: &str = "(combined from similar events): ";
/// Events a source may write about one object at once.
const SPAM_BURST: i64 = 25;
/// Seconds to earn one more.
const SPAM_REFILL_SECS: i64 = 300;
/// Different messages of one reason before they are combined.
const AGGREGATE_MAX: usize = 10;
/// How recent a similar Event must be to count towards combining.
const AGGREGATE_WINDOW: SignedDuration = SignedDuration::from_secs(600);

/// What to do with a new event.
#[derive(Debug, PartialEq, Eq)]
pub enum Correlation {
    /// Dropped by the spam filter.
    Skip,
    /// Count up the stored Event `name`, now with `message`.
    Count {
        /// The stored Event.
        name: String,
        /// Its message from now on.
        message: String,
    },
    /// Create an Event with `message` (`combined`: the aggregate of similar events).
    Create {
        /// The new Event's message.
        message: String,
        /// Whether it is the combined Event.
        combined: bool,
    },
}

fn str_of<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Decides how a new event about an object is recorded, given the Events `known` about
/// that object.
pub fn correlate(
    known: &[Obj],
    source: Source<'_>,
    note: &Note<'_>,
    now: Timestamp,
) -> Correlation {
    let host = source.host.unwrap_or("");
    let from_source: Vec<&Obj> = known
        .iter()
        .filter(|e| {
            str_of(e, "/source/component") == source.component && str_of(e, "/source/host") == host
        })
        .collect();
    if spam_filtered(&from_source, now) {
        return Correlation::Skip;
    }
    let kind = note.kind.as_str();
    let same_reason: Vec<&&Obj> = from_source
        .iter()
        .filter(|e| str_of(e, "/type") == kind && str_of(e, "/reason") == note.reason)
        .collect();
    let (combined, single): (Vec<&&Obj>, Vec<&&Obj>) = same_reason
        .into_iter()
        .partition(|e| str_of(e, "/message").starts_with(COMBINED));
    let recent_after = now.checked_sub(AGGREGATE_WINDOW).unwrap_or(now);
    let mut messages: Vec<&str> = single
        .iter()
        .filter(|e| time_at(e, "/lastTimestamp").is_some_and(|t| t >= recent_after))
        .map(|e| str_of(e, "/message"))
        .collect();
    messages.push(note.message.as_str());
    messages.sort_unstable();
    messages.dedup();
    if messages.len() >= AGGREGATE_MAX {
        let message = format!("{COMBINED}{}", note.message);
        return match combined.first() {
            Some(e) => Correlation::Count {
                name: str_of(e, "/metadata/name").to_string(),
                message,
            },
            None => Correlation::Create {
                message,
                combined: true,
            },
        };
    }
    let field_path = note.field_path.as_deref().unwrap_or("");
    match single.iter().find(|e| {
        str_of(e, "/message") == note.message
            && str_of(e, "/involvedObject/fieldPath") == field_path
    }) {
        Some(e) => Correlation::Count {
            name: str_of(e, "/metadata/name").to_string(),
            message: note.message.clone(),
        },
        None => Correlation::Create {
            message: note.message.clone(),
            combined: false,
        },
    }
}

/// Whether the source has used up its Events about the object.
fn spam_filtered(from_source: &[&Obj], now: Timestamp) -> bool {
    let Some(first) = from_source
        .iter()
        .filter_map(|e| time_at(e, "/firstTimestamp"))
        .min()
    else {
        return false;
    };
    let written: i64 = from_source
        .iter()
        .map(|e| e["count"].as_i64().unwrap_or(1))
        .sum();
    let earned = now.duration_since(first).as_secs().max(0) / SPAM_REFILL_SECS;
    written >= SPAM_BURST + earned
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::sim::clock::format_time;
    use crate::sim::controllers::events::normal;

    const RS: Source<'static> = Source::controller("replicaset-controller");

    fn stored(name: &str, message: &str, count: i64, at: Timestamp) -> Obj {
        Arc::new(
            json!({"metadata": {"name": name}, "type": "Normal", "reason": "SuccessfulCreate",
            "message": message, "count": count, "source": {"component": "replicaset-controller"},
            "firstTimestamp": format_time(at), "lastTimestamp": format_time(at)}),
        )
    }

    fn created(i: usize) -> Note<'static> {
        normal("SuccessfulCreate", format!("Created pod: web-{i}"))
    }

    #[test]
    fn the_tenth_different_message_is_combined_and_then_counted() {
        let now = Timestamp::UNIX_EPOCH + SignedDuration::from_hours(1);
        let mut known: Vec<Obj> = (0..9)
            .map(|i| stored(&format!("e{i}"), &format!("Created pod: web-{i}"), 1, now))
            .collect();
        assert_eq!(
            correlate(&known, RS, &created(9), now),
            Correlation::Create {
                message: format!("{COMBINED}Created pod: web-9"),
                combined: true
            }
        );
        known.push(stored(
            "c",
            &format!("{COMBINED}Created pod: web-9"),
            1,
            now,
        ));
        assert_eq!(
            correlate(&known, RS, &created(10), now),
            Correlation::Count {
                name: "c".into(),
                message: format!("{COMBINED}Created pod: web-10")
            }
        );
        // Ten minutes of quiet: a fresh start.
        let later = now + SignedDuration::from_secs(601);
        assert!(matches!(
            correlate(&known, RS, &created(11), later),
            Correlation::Create {
                combined: false,
                ..
            }
        ));
        // A repeat of a stored message counts it up.
        assert_eq!(
            correlate(&known[..3], RS, &created(1), now),
            Correlation::Count {
                name: "e1".into(),
                message: "Created pod: web-1".into()
            }
        );
    }

    #[test]
    fn a_source_gets_25_events_about_an_object_then_one_every_five_minutes() {
        let now = Timestamp::UNIX_EPOCH + SignedDuration::from_hours(1);
        let known = vec![stored("a", "Created pod: web-0", 24, now)];
        assert_ne!(correlate(&known, RS, &created(0), now), Correlation::Skip);
        let known = vec![stored("a", "Created pod: web-0", 25, now)];
        assert_eq!(correlate(&known, RS, &created(0), now), Correlation::Skip);
        let later = now + SignedDuration::from_secs(300);
        assert_ne!(correlate(&known, RS, &created(0), later), Correlation::Skip);
        // Another source has its own budget.
        let kubelet = Source {
            component: "kubelet",
            host: Some("node-1"),
        };
        assert_ne!(
            correlate(&known, kubelet, &created(0), now),
            Correlation::Skip
        );
    }
}
