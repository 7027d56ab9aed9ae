//! Lines a container wrote because something reached it (a request through a
//! Service, a port-forward), kept beside the generated log and merged into it by time.
//!
//! Each line gets a sequence number: a followed log asks for the lines written
//! since the last number it saw, so a line stamped at the very instant the follower
//! last read (a manual clock stands still) is still delivered once.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::Timestamp;

use super::log_lines::LogLine;
use crate::sim::clock::Clock;

/// Lines kept per container; older ones go, as the kubelet rotates logs.
const KEPT_PER_CONTAINER: usize = 10_000;

/// The written lines of every container, by pod uid and container name.
#[derive(Default)]
pub struct WrittenLines {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The number of the last line written (0: none yet).
    last_seq: u64,
    lines: HashMap<(String, String), VecDeque<(u64, LogLine)>>,
}

impl WrittenLines {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes a line to the log of `container` of the pod `pod_uid`, stamped now;
    /// `text` gets the timestamp (access logs print it).
    pub fn write(
        &self,
        clock: &Clock,
        pod_uid: &str,
        container: &str,
        text: impl FnOnce(Timestamp) -> String,
    ) {
        let mut inner = self.lock();
        let at = clock.now();
        inner.last_seq += 1;
        let seq = inner.last_seq;
        let lines = inner
            .lines
            .entry((pod_uid.to_string(), container.to_string()))
            .or_default();
        lines.push_back((seq, LogLine { at, text: text(at) }));
        if lines.len() > KEPT_PER_CONTAINER {
            lines.pop_front();
        }
    }

    /// The lines written in `[from, to]`, oldest first, and the number of the last
    /// line written anywhere (what [`WrittenLines::since`] continues from).
    pub fn between(
        &self,
        pod_uid: &str,
        container: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> (Vec<LogLine>, u64) {
        let inner = self.lock();
        let lines = inner
            .lines
            .get(&(pod_uid.to_string(), container.to_string()))
            .into_iter()
            .flatten()
            .filter(|(_, l)| l.at >= from && l.at <= to)
            .map(|(_, l)| l.clone())
            .collect();
        (lines, inner.last_seq)
    }

    /// The lines written after line number `seq` (up to `until`, when the container
    /// has ended), and the new last number.
    pub fn since(
        &self,
        pod_uid: &str,
        container: &str,
        seq: u64,
        until: Option<Timestamp>,
    ) -> (Vec<LogLine>, u64) {
        let inner = self.lock();
        let lines = inner
            .lines
            .get(&(pod_uid.to_string(), container.to_string()))
            .into_iter()
            .flatten()
            .filter(|(n, l)| *n > seq && until.is_none_or(|u| l.at <= u))
            .map(|(_, l)| l.clone())
            .collect();
        (lines, inner.last_seq)
    }

    /// Forgets the lines of a pod that is gone.
    pub fn forget_pod(&self, pod_uid: &str) {
        self.lock().lines.retain(|(uid, _), _| uid != pod_uid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_back_by_time_and_by_number() {
        let clock = Clock::manual();
        let written = WrittenLines::default();
        let t0 = clock.now();
        written.write(&clock, "uid-1", "web", |_| "first".into());
        let (lines, seen) = written.between("uid-1", "web", t0, clock.now());
        assert_eq!(lines.len(), 1);
        // Written at the same instant after the read: still delivered by number.
        written.write(&clock, "uid-1", "web", |_| "second".into());
        written.write(&clock, "uid-2", "web", |_| "elsewhere".into());
        let (next, _) = written.since("uid-1", "web", seen, None);
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].text, "second");
        written.forget_pod("uid-1");
        assert!(written.since("uid-1", "web", 0, None).0.is_empty());
    }
}
