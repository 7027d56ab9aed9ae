//! Cron schedules as Kubernetes reads them: robfig/cron's standard parser (five fields:
//! minute, hour, day of month, month, day of week; `*`, `?`, lists, ranges, steps, month
//! and day names; `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`,
//! `@hourly`, `@every DURATION`) with its day rule: when either day field is a bare `*`
//! or `?` both must match, otherwise either may.
//!
//! Written here rather than taken from a crate: the Rust cron crates parse other dialects
//! (a seconds field, `L`/`W`/`#` extensions, Vixie's day rule), and the CronJob controller
//! must fire exactly when kube-controller-manager would.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan as _};

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Five cron fields as bit sets.
    Fields(Fields),
    /// `@every DURATION`: fixed intervals from the previous time.
    Every(SignedDuration),
}

/// The allowed values of each field (bit `n` set: value `n` allowed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// Whether the day of month or day of week field is a bare `*` or `?`.
    day_star: bool,
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn value(s: &str, names: &[&str], offset: u32) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return u32::try_from(i)
            .map(|i| i + offset)
            .map_err(|e| e.to_string());
    }
    s.parse::<u32>().map_err(|_| {
        format!("failed to parse int from {s}: strconv.Atoi: parsing \"{s}\": invalid syntax")
    })
}

/// One field: its bits, and whether it was a bare star.
fn field(
    expr: &str,
    min: u32,
    max: u32,
    names: &[&str],
    offset: u32,
) -> Result<(u64, bool), String> {
    let mut bits = 0_u64;
    let mut star = false;
    for part in expr.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        let (mut lo, mut hi, is_star) = if range == "*" || range == "?" {
            (min, max, true)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, names, offset)?, value(b, names, offset)?, false)
        } else {
            let v = value(range, names, offset)?;
            (v, v, false)
        };
        let step = match step {
            Some(s) => {
                let n = s
                    .parse::<u32>()
                    .map_err(|_| format!("failed to parse int from {s}"))?;
                if n == 0 {
                    return Err(format!("step of range should be a positive number: {part}"));
                }
                // "N/step" means "N-max/step".
                if !is_star && !range.contains('-') {
                    hi = max;
                }
                n
            }
            None => 1,
        };
        if is_star && step == 1 {
            star = true;
        }
        if is_star {
            (lo, hi) = (min, max);
        }
        if lo < min {
            return Err(format!(
                "beginning of range ({lo}) below minimum ({min}): {part}"
            ));
        }
        if hi > max {
            return Err(format!("end of range ({hi}) above maximum ({max}): {part}"));
        }
        if lo > hi {
            return Err(format!(
                "beginning of range ({lo}) beyond end of range ({hi}): {part}"
            ));
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, star))
}

impl Schedule {
    /// Parses a schedule as robfig/cron's `ParseStandard` does.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let spec = spec.trim();
        if let Some(d) = spec.strip_prefix("@every ") {
            let dur: SignedDuration = d.trim().parse().map_err(|_| {
                format!("failed to parse duration {spec}: time: invalid duration \"{d}\"")
            })?;
            return Ok(Self::Every(dur));
        }
        let expanded = match spec {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other if other.starts_with('@') => {
                return Err(format!("unrecognized descriptor: {other}"));
            }
            other => other,
        };
        let parts: Vec<&str> = expanded.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: [{}]",
                parts.len(),
                parts.join(" ")
            ));
        }
        let (minute, _) = field(parts[0], 0, 59, &[], 0)?;
        let (hour, _) = field(parts[1], 0, 23, &[], 0)?;
        let (dom, dom_star) = field(parts[2], 1, 31, &[], 0)?;
        let (month, _) = field(parts[3], 1, 12, MONTHS, 1)?;
        let (mut dow, dow_star) = field(parts[4], 0, 7, DAYS, 0)?;
        // 7 is Sunday too.
        if dow & (1 << 7) != 0 {
            dow |= 1;
        }
        Ok(Self::Fields(Fields {
            minute,
            hour,
            dom,
            month,
            dow,
            day_star: dom_star || dow_star,
        }))
    }

    /// The first time strictly after `after` that the schedule fires, in `tz`; `None` when
    /// it never fires within five years (e.g. February 30th).
    pub fn next(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        match self {
            Self::Every(d) => {
                // robfig rounds the interval down to a second and waits at least one.
                let secs = d.as_secs().max(1);
                let base = Timestamp::from_second(after.as_second()).ok()?;
                base.checked_add(SignedDuration::from_secs(secs)).ok()
            }
            Self::Fields(f) => f.next(after, tz),
        }
    }
}

impl Fields {
    fn day_matches(&self, t: DateTime) -> bool {
        let dom = self.dom & (1 << t.day()) != 0;
        let dow = self.dow & (1 << t.weekday().to_sunday_zero_offset()) != 0;
        if self.day_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    fn next(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let start = after.to_zoned(tz.clone()).datetime();
        // The next whole minute.
        let mut t = start
            .with()
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .ok()?
            .checked_add(1.minute())
            .ok()?;
        let limit = start.year() + 5;
        while t.year() <= limit {
            if self.month & (1 << t.month()) == 0 {
                t = t
                    .first_of_month()
                    .checked_add(1.month())
                    .ok()?
                    .start_of_day();
                continue;
            }
            if !self.day_matches(t) {
                t = t.checked_add(1.day()).ok()?.start_of_day();
                continue;
            }
            if self.hour & (1 << t.hour()) == 0 {
                t = t
                    .with()
                    .minute(0)
                    .build()
                    .ok()?
                    .checked_add(1.hour())
                    .ok()?;
                continue;
            }
            if self.minute & (1 << t.minute()) == 0 {
                t = t.checked_add(1.minute()).ok()?;
                continue;
            }
            let at = tz.to_timestamp(t).ok()?;
            if at > after {
                return Some(at);
            }
            t = t.checked_add(1.minute()).ok()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn next(spec: &str, after: &str) -> String {
        Schedule::parse(spec)
            .unwrap()
            .next(ts(after), &TimeZone::UTC)
            .unwrap()
            .to_string()
    }

    #[test]
    fn schedules_fire_when_robfig_cron_fires() {
        assert_eq!(
            next("* * * * *", "2026-01-01T00:00:30Z"),
            "2026-01-01T00:01:00Z"
        );
        assert_eq!(
            next("*/15 * * * *", "2026-01-01T00:01:00Z"),
            "2026-01-01T00:15:00Z"
        );
        assert_eq!(
            next("5/20 * * * *", "2026-01-01T00:06:00Z"),
            "2026-01-01T00:25:00Z"
        );
        assert_eq!(
            next("@hourly", "2026-01-01T00:00:00Z"),
            "2026-01-01T01:00:00Z"
        );
        assert_eq!(
            next("@daily", "2026-01-01T10:00:00Z"),
            "2026-01-02T00:00:00Z"
        );
        assert_eq!(
            next("0 9 * * MON-FRI", "2026-01-02T10:00:00Z"),
            "2026-01-05T09:00:00Z"
        );
        assert_eq!(
            next("0 0 1 JAN ?", "2026-06-01T00:00:00Z"),
            "2027-01-01T00:00:00Z"
        );
        // Both day fields restricted: either matches (the 13th, or a Friday).
        assert_eq!(
            next("0 0 13 * 5", "2026-01-01T00:00:00Z"),
            "2026-01-02T00:00:00Z"
        );
        // One of them a star: both must match (a Friday the 13th).
        assert_eq!(
            next("0 0 13 * *", "2026-01-01T00:00:00Z"),
            "2026-01-13T00:00:00Z"
        );
        assert_eq!(
            next("0 0 * * 7", "2026-01-01T00:00:00Z"),
            "2026-01-04T00:00:00Z"
        );
        assert_eq!(
            next("@every 90s", "2026-01-01T00:00:00Z"),
            "2026-01-01T00:01:30Z"
        );
        assert!(
            Schedule::parse("0 0 30 2 *")
                .unwrap()
                .next(ts("2026-01-01T00:00:00Z"), &TimeZone::UTC)
                .is_none()
        );
        for bad in [
            "* * * *",
            "60 * * * *",
            "* * * * * *",
            "@fortnightly",
            "*/0 * * * *",
            "x * * * *",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_time_zone_moves_the_schedule() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let at = Schedule::parse("0 9 * * *")
            .unwrap()
            .next(ts("2026-01-01T00:00:00Z"), &tz)
            .unwrap();
        assert_eq!(at.to_string(), "2026-01-01T14:00:00Z");
    }
}
