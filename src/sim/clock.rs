//! Simulated time: wall-clock time scaled by a speed factor, plus manual advances.
//!
//! Timestamps written into objects and every delay the controllers honour
//! (readiness, `minReadySeconds`, grace periods, progress deadlines) are read
//! from this clock, so a test can run a rollout in milliseconds and the demo at
//! a watchable pace.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

/// A shared, cloneable simulated clock.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<Mutex<Anchor>>,
}

/// How simulated times are shown to clients when the clock runs faster than the wall
/// clock: from `origin` on (the wall time the clock started at), simulated time is
/// divided by `factor`, so what clients see never runs ahead of their own clock.
#[derive(Clone, Copy, Debug)]
struct Compression {
    origin: Timestamp,
    /// The highest speed the clock has run at (at least 1).
    factor: f64,
}

#[derive(Debug)]
struct Anchor {
    /// Simulated time at `real`.
    sim: Timestamp,
    /// Real instant at which `sim` was read.
    real: Instant,
    /// Simulated seconds per real second; 0 means manual (time moves only by `advance`).
    speed: f64,
    /// Set once a running clock has run faster than real time.
    compression: Option<Compression>,
}

impl Clock {
    /// A clock starting at the current wall time, running `speed` times faster than real time.
    /// A speed of 0 gives a manual clock that moves only through [`Clock::advance`].
    pub fn new(speed: f64) -> Self {
        let now = Timestamp::now();
        let speed = speed.max(0.0);
        Self {
            inner: Arc::new(Mutex::new(Anchor {
                sim: now,
                real: Instant::now(),
                speed,
                compression: (speed > 1.0).then_some(Compression {
                    origin: now,
                    factor: speed,
                }),
            })),
        }
    }

    /// A manual clock: time stands still until advanced.
    pub fn manual() -> Self {
        Self::new(0.0)
    }

    /// A manual clock that reads `at` until advanced (for reproducible clusters).
    pub fn manual_at(at: Timestamp) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Anchor {
                sim: at,
                real: Instant::now(),
                speed: 0.0,
                compression: None,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Anchor> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current simulated time.
    pub fn now(&self) -> Timestamp {
        let a = self.lock();
        Self::at(&a, Instant::now())
    }

    fn at(a: &Anchor, real: Instant) -> Timestamp {
        let elapsed = real.saturating_duration_since(a.real).as_secs_f64() * a.speed;
        let d = SignedDuration::try_from_secs_f64(elapsed).unwrap_or(SignedDuration::ZERO);
        a.sim.saturating_add(d).unwrap_or(a.sim)
    }

    /// Moves simulated time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut a = self.lock();
        let now = Instant::now();
        let sim = Self::at(&a, now);
        let by = SignedDuration::try_from(by).unwrap_or(SignedDuration::ZERO);
        a.sim = sim.saturating_add(by).unwrap_or(sim);
        a.real = now;
    }

    /// Changes the speed factor from now on (0 = manual).
    pub fn set_speed(&self, speed: f64) {
        let mut a = self.lock();
        let now = Instant::now();
        a.sim = Self::at(&a, now);
        a.real = now;
        a.speed = speed.max(0.0);
        let speed = a.speed;
        if speed > 1.0 {
            let origin = a.sim;
            let c = a.compression.get_or_insert(Compression {
                origin,
                factor: 1.0,
            });
            c.factor = c.factor.max(speed);
        }
    }

    /// The time clients are shown for the simulated time `t`. A clock that runs at most
    /// as fast as real time (or a manual one) shows simulated time as it is. A faster
    /// clock would date objects in the future of every client's clock (kubectl prints
    /// `<invalid>` ages), so from the moment it started, simulated time is divided by
    /// its speed: the controllers still wait simulated seconds, while timestamps and ages
    /// advance with the wall clock. Earlier times (a scenario's history) stay as they are.
    pub fn shown(&self, t: Timestamp) -> Timestamp {
        let Some(c) = self.lock().compression else {
            return t;
        };
        if t <= c.origin {
            return t;
        }
        let scaled = t.duration_since(c.origin).as_secs_f64() / c.factor;
        let d = SignedDuration::try_from_secs_f64(scaled).unwrap_or(SignedDuration::ZERO);
        c.origin.saturating_add(d).unwrap_or(c.origin)
    }

    /// The simulated time of a time `t` a client sent (the inverse of [`Clock::shown`]).
    pub fn simulated(&self, t: Timestamp) -> Timestamp {
        let Some(c) = self.lock().compression else {
            return t;
        };
        if t <= c.origin {
            return t;
        }
        let scaled = t.duration_since(c.origin).as_secs_f64() * c.factor;
        let d = SignedDuration::try_from_secs_f64(scaled).unwrap_or(SignedDuration::ZERO);
        c.origin.saturating_add(d).unwrap_or(c.origin)
    }

    /// Whether [`Clock::shown`] changes times (the clock has run faster than real time).
    pub fn compresses(&self) -> bool {
        self.lock().compression.is_some()
    }

    /// The current speed factor.
    pub fn speed(&self) -> f64 {
        self.lock().speed
    }

    /// Simulated seconds elapsed since `t` (negative if `t` is in the simulated future).
    pub fn seconds_since(&self, t: Timestamp) -> f64 {
        self.now().duration_since(t).as_secs_f64()
    }

    /// The current simulated time in the RFC 3339 form the API uses (`2024-01-02T03:04:05Z`).
    pub fn now_rfc3339(&self) -> String {
        format_time(self.now())
    }
}

/// Formats a timestamp as the API does: RFC 3339, UTC, whole seconds.
pub fn format_time(t: Timestamp) -> String {
    let secs = t.as_second();
    Timestamp::from_second(secs).map_or_else(
        |_| t.to_string(),
        |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// Formats a timestamp with microseconds, as the API does for `MicroTime` fields.
pub fn format_micro_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses an RFC 3339 timestamp as found in object metadata.
pub fn parse_time(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let c = Clock::manual();
        let t0 = c.now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now(), t0);
        c.advance(Duration::from_secs(7));
        assert_eq!(c.now().duration_since(t0).as_secs(), 7);
    }

    #[test]
    fn fast_clock_runs_ahead_of_real_time() {
        let c = Clock::new(1000.0);
        let t0 = c.now();
        std::thread::sleep(Duration::from_millis(20));
        assert!(c.seconds_since(t0) >= 10.0);
    }

    #[test]
    fn a_fast_clock_shows_times_no_later_than_the_wall_clock() {
        let c = Clock::new(1000.0);
        let wall_start = Timestamp::now();
        std::thread::sleep(Duration::from_millis(20));
        let sim = c.now();
        assert!(sim.duration_since(wall_start).as_secs() >= 10);
        let shown = c.shown(sim);
        assert!(shown <= Timestamp::now(), "{shown} is in the future");
        let back = c.simulated(shown);
        assert!(back.duration_since(sim).abs() < SignedDuration::from_millis(5));
        let history: Timestamp = "2020-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(c.shown(history), history, "times before the start stay");
        let manual = Clock::manual();
        assert_eq!(manual.shown(sim), sim);
        assert!(!Clock::new(1.0).compresses());
    }

    #[test]
    fn api_time_format_has_whole_seconds() {
        let t: Timestamp = "2024-05-06T07:08:09.123Z".parse().unwrap();
        assert_eq!(format_time(t), "2024-05-06T07:08:09Z");
        assert_eq!(
            parse_time("2024-05-06T07:08:09Z")
                .map(format_time)
                .as_deref(),
            Some("2024-05-06T07:08:09Z")
        );
    }
}
