//! kubectl's `HumanDuration` (k8s.io/apimachinery/pkg/util/duration): `45s`, `5m10s`, `3h`,
//! `2d5h`, `400d`, `3y20d`. The one implementation of AGE for the whole crate.

use jiff::Timestamp;

/// Formats `seconds` as kubectl prints an age. Negative values within two seconds print `0s`
/// (clock skew); further in the future prints `<invalid>`, as kubectl does.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_owned();
    }
    if seconds < 0 {
        return "0s".to_owned();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// The age of `since` at `now`, as kubectl prints it; `<unknown>` when there is no timestamp.
pub fn age(since: Option<Timestamp>, now: Timestamp) -> String {
    match since {
        Some(t) => human_duration(seconds_between(t, now)),
        None => "<unknown>".to_owned(),
    }
}

/// Whole seconds from `earlier` to `later` (negative when `later` is before).
pub fn seconds_between(earlier: Timestamp, later: Timestamp) -> i64 {
    let d = later.as_duration() - earlier.as_duration();
    d.as_secs()
}

/// After how many more seconds an age of `seconds` prints differently: the dashboard
/// redraws when idle only at that instant, not on a timer.
pub fn seconds_until_change(seconds: i64) -> i64 {
    if seconds < 0 {
        return -seconds;
    }
    let step = if seconds < 60 * 10 {
        1
    } else if seconds < 3600 * 8 {
        60
    } else if seconds < 3600 * 24 * 8 {
        3600
    } else {
        86_400
    };
    step - seconds % step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kubectl_at_the_boundaries() {
        let cases = [
            (-5, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (45, "45s"),
            (119, "119s"),
            (120, "2m"),
            (310, "5m10s"),
            (599, "9m59s"),
            (600, "10m"),
            (179 * 60 + 59, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 5 * 60, "3h5m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (2 * 86_400 + 5 * 3600, "2d5h"),
            (7 * 86_400, "7d"),
            (400 * 86_400, "400d"),
            (3 * 365 * 86_400 + 20 * 86_400, "3y20d"),
            (9 * 365 * 86_400, "9y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs), want, "{secs}s");
        }
    }

    #[test]
    fn next_change_is_when_the_text_changes() {
        for secs in [
            0_i64,
            59,
            119,
            500,
            601,
            3 * 3600 + 17,
            9 * 3600 + 5,
            10 * 86_400 + 3,
        ] {
            let wait = seconds_until_change(secs);
            assert!(wait >= 1);
            assert_ne!(human_duration(secs), human_duration(secs + wait), "{secs}");
            if wait > 1 {
                assert_eq!(
                    human_duration(secs),
                    human_duration(secs + wait - 1),
                    "{secs}"
                );
            }
        }
    }

    #[test]
    fn age_without_timestamp_is_unknown() {
        assert_eq!(age(None, Timestamp::UNIX_EPOCH), "<unknown>");
        let t = Timestamp::from_second(100).unwrap();
        assert_eq!(age(Some(Timestamp::UNIX_EPOCH), t), "100s");
    }
}
