//! Ages as kubectl prints them (apimachinery `duration.HumanDuration`): `45s`,
//! `3m12s`, `5h`, `2d3h`, `1y20d`.

use jiff::{SignedDuration, Timestamp};

/// The age of `then` at `now`, as kubectl prints it; `<unknown>` when unset.
pub fn age(then: Option<Timestamp>, now: Timestamp) -> String {
    match then {
        Some(t) => human_duration(now.duration_since(t)),
        None => "<unknown>".to_owned(),
    }
}

/// A duration rounded to the precision kubectl uses.
pub fn human_duration(d: SignedDuration) -> String {
    let seconds = d.as_secs();
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
    let hours = minutes / 60;
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
        let years = hours / 24 / 365;
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{years}y")
        } else {
            format!("{years}y{days}d")
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kubectl_rounding() {
        let s = SignedDuration::from_secs;
        assert_eq!(human_duration(s(-5)), "<invalid>");
        assert_eq!(human_duration(s(0)), "0s");
        assert_eq!(human_duration(s(119)), "119s");
        assert_eq!(human_duration(s(180)), "3m");
        assert_eq!(human_duration(s(192)), "3m12s");
        assert_eq!(human_duration(s(60 * 100)), "100m");
        assert_eq!(human_duration(s(3600 * 5 + 60 * 7)), "5h7m");
        assert_eq!(human_duration(s(3600 * 30)), "30h");
        assert_eq!(human_duration(s(3600 * 51)), "2d3h");
        assert_eq!(human_duration(s(3600 * 24 * 40)), "40d");
        assert_eq!(human_duration(s(3600 * 24 * (365 * 3 + 20))), "3y20d");
        assert_eq!(human_duration(s(3600 * 24 * 365 * 9)), "9y");
    }
}
