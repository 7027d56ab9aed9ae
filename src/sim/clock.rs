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

#[derive(Debug)]
struct Anchor {
    /// Simulated time at `real`.
    sim: Timestamp,
    /// Real instant at which `sim` was read.
    real: Instant,
    /// Simulated seconds per real second; 0 means manual (time moves only by `advance`).
    speed: f64,
}

impl Clock {
    /// A clock starting at the current wall time, running `speed` times faster than real time.
    /// A speed of 0 gives a manual clock that moves only through [`Clock::advance`].
    pub fn new(speed: f64) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Anchor {
                sim: Timestamp::now(),
                real: Instant::now(),
                speed: speed.max(0.0),
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
