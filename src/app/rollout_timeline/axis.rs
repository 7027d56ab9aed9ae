//! The time axis of the rollout timeline: the current rollout from its start to now, and
//! the last rollout on the columns before it, with one gap column between when time
//! passed between them (however long ago the last one was, both stay readable).

use jiff::{SignedDuration, Timestamp};

/// Columns the last rollout takes, as a fraction of the width.
const LAST_SHARE: usize = 3;
/// The narrowest timeline that still shows the last rollout beside the current one.
const MIN_COLUMNS_FOR_BOTH: usize = 30;

/// A stretch of time drawn on consecutive columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Its start.
    pub start: Timestamp,
    /// Its end.
    pub end: Timestamp,
    /// Its first column.
    pub first: usize,
    /// How many columns it has.
    pub columns: usize,
}

impl Segment {
    fn seconds(&self) -> f64 {
        self.end.duration_since(self.start).as_secs_f64().max(1.0)
    }
}

/// The columns' times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    /// The stretches drawn, oldest first.
    pub segments: Vec<Segment>,
    /// The column between two stretches, if any.
    pub gap: Option<usize>,
}

/// Some time before `t`: a twentieth of `length`, at least two seconds.
fn lead(t: Timestamp, length: SignedDuration) -> Timestamp {
    let lead = SignedDuration::from_secs_f64((length.as_secs_f64() / 20.0).max(2.0));
    t.checked_sub(lead).unwrap_or(t)
}

impl Axis {
    /// The axis of `columns` columns for the current rollout begun at `current` and, when
    /// known, the last one (its start and end), at `now`.
    pub fn new(
        last: Option<(Timestamp, Timestamp)>,
        current: Timestamp,
        now: Timestamp,
        columns: usize,
    ) -> Self {
        let columns = columns.max(1);
        let current_start =
            lead(current, now.duration_since(current)).min(lead(now, SignedDuration::ZERO));
        let whole = |start: Timestamp| Self {
            segments: vec![Segment {
                start,
                end: now,
                first: 0,
                columns,
            }],
            gap: None,
        };
        let Some((last_start, last_end)) = last else {
            return whole(current_start);
        };
        let length = last_end.duration_since(last_start);
        let last_from = lead(last_start, length);
        let last_to = last_end
            .checked_add(SignedDuration::from_secs_f64(
                (length.as_secs_f64() / 20.0).max(2.0),
            ))
            .unwrap_or(last_end);
        if last_to >= current_start {
            return whole(last_from.min(current_start));
        }
        if columns < MIN_COLUMNS_FOR_BOTH {
            return whole(current_start);
        }
        let last_columns = columns / LAST_SHARE;
        Self {
            segments: vec![
                Segment {
                    start: last_from,
                    end: last_to,
                    first: 0,
                    columns: last_columns,
                },
                Segment {
                    start: current_start,
                    end: now,
                    first: last_columns + 1,
                    columns: columns - last_columns - 1,
                },
            ],
            gap: Some(last_columns),
        }
    }

    /// The time a column shows (its end), `None` for the gap.
    pub fn time_of(&self, column: usize) -> Option<Timestamp> {
        let s = self
            .segments
            .iter()
            .find(|s| column >= s.first && column < s.first + s.columns)?;
        let f = (column - s.first + 1) as f64 / s.columns as f64;
        s.start
            .checked_add(SignedDuration::from_secs_f64(s.seconds() * f))
            .ok()
    }

    /// The column showing `t`, if the axis shows it.
    pub fn column_of(&self, t: Timestamp) -> Option<usize> {
        let s = self.segments.iter().find(|s| t >= s.start && t <= s.end)?;
        let f = t.duration_since(s.start).as_secs_f64() / s.seconds();
        Some(s.first + ((f * s.columns as f64) as usize).min(s.columns - 1))
    }

    /// The first instant shown.
    pub fn start(&self) -> Option<Timestamp> {
        self.segments.first().map(|s| s.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn the_last_rollout_gets_a_third_and_a_gap_when_time_passed_between() {
        let axis = Axis::new(Some((at(0), at(60))), at(3600), at(3720), 61);
        assert_eq!(axis.gap, Some(20));
        assert_eq!(axis.segments[0].columns, 20);
        assert_eq!(axis.segments[1].first, 21);
        assert_eq!(axis.time_of(20), None, "the gap");
        assert_eq!(axis.column_of(at(30)), Some(10));
        assert_eq!(axis.column_of(at(1800)), None, "between the two");
        assert_eq!(axis.column_of(at(3720)), Some(60));
        assert!(axis.time_of(60) == Some(at(3720)));
    }

    #[test]
    fn close_rollouts_share_one_stretch_and_narrow_ones_show_the_current() {
        let axis = Axis::new(Some((at(0), at(60))), at(62), at(120), 61);
        assert_eq!((axis.segments.len(), axis.gap), (1, None));
        assert!(axis.start().unwrap() < at(0));
        let narrow = Axis::new(Some((at(0), at(60))), at(3600), at(3720), 20);
        assert_eq!(narrow.segments.len(), 1);
        assert!(narrow.start().unwrap() > at(3000));
        let first = Axis::new(None, at(0), at(1), 10);
        assert!(first.start().unwrap() < at(0), "a lead before the start");
    }
}
