//! A followed log that lasts: when the stream drops or the container restarts, it asks
//! again with back-off (no retry limit) for the lines since the last one received
//! (`timestamps=true`, `sinceTime` = that second), and drops the lines it already sent at
//! the seam. It ends only when the pod is gone or has completed. When nothing comes for a
//! minute it says so ([`LogChunk::Quiet`]).

use std::time::Duration;

use futures::StreamExt as _;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use tokio::time::Instant;

use super::{
    LOG_COALESCE, LOG_MAX_LINES, LogChunk, LogOptions, LogSink, LogTarget, Unheard, deliver,
    describe, lines, params,
};
use crate::cluster::Connection;
use crate::cluster::object_yaml::short_error;

/// The first wait before asking again; doubled on each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How long without a line before the view is told the pod is quiet.
const QUIET_AFTER: Duration = Duration::from_secs(60);

/// Where the log was read up to: the last line's time, and how many lines had that time.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seam {
    last: Option<Timestamp>,
    at_last: usize,
}

impl Seam {
    /// Whether a line stamped `at` was sent already; records it if not.
    pub fn is_repeat(&mut self, at: Option<Timestamp>, seen_at_same: &mut usize) -> bool {
        let Some(at) = at else {
            return false;
        };
        match self.last {
            Some(last) if at < last => true,
            Some(last) if at == last && *seen_at_same < self.at_last => {
                *seen_at_same += 1;
                true
            }
            Some(last) if at == last => {
                self.at_last += 1;
                *seen_at_same += 1;
                false
            }
            _ => {
                self.last = Some(at);
                self.at_last = 1;
                *seen_at_same = 1;
                false
            }
        }
    }

    /// The `sinceTime` to ask from: the last line's second (the API rounds to seconds).
    pub fn since(&self) -> Option<Timestamp> {
        self.last
            .and_then(|t| Timestamp::from_second(t.as_second()).ok())
    }
}

/// The timestamp the API server put before a line, and the line without it.
fn split_stamp(line: &str) -> (Option<Timestamp>, &str) {
    match line.split_once(' ') {
        Some((stamp, rest)) => match stamp.parse::<Timestamp>() {
            Ok(at) => (Some(at), rest),
            Err(_) => (None, line),
        },
        None => (line.parse::<Timestamp>().ok(), ""),
    }
}

/// How one attempt ended.
enum Attempt {
    /// The stream ended after sending this many new lines.
    Ended(usize),
    /// It could not start: the API server's message.
    Failed(String),
}

/// Follows the log until the pod is gone (or the receiver is).
pub async fn follow(
    connection: &Connection,
    target: &LogTarget,
    options: &LogOptions,
    tx: &impl LogSink,
) -> Result<(), Unheard> {
    let mut seam = Seam::default();
    let mut backoff = FIRST_BACKOFF;
    let mut last_failure = String::new();
    loop {
        match attempt(connection, target, options, &mut seam, tx).await? {
            Attempt::Ended(sent) => {
                if sent > 0 {
                    backoff = FIRST_BACKOFF;
                    deliver(
                        tx,
                        LogChunk::Notice(
                            "log stream ended (container stopped or connection dropped); following again"
                                .to_owned(),
                        ),
                    )?;
                }
                last_failure.clear();
            }
            Attempt::Failed(message) => {
                if message != last_failure {
                    deliver(tx, LogChunk::Notice(format!("{message}; retrying")))?;
                    last_failure = message;
                }
            }
        }
        let pod = connection
            .renewing(|attempt| async move {
                let api: Api<Pod> = Api::namespaced(attempt.reader(), &target.namespace);
                api.get_opt(&target.pod).await
            })
            .await;
        match pod {
            Ok(None) => {
                return deliver(tx, LogChunk::End(format!("pod {} is gone", target.pod)));
            }
            Ok(Some(pod)) => {
                let phase = pod.status.and_then(|s| s.phase).unwrap_or_default();
                if matches!(phase.as_str(), "Succeeded" | "Failed") {
                    return deliver(
                        tx,
                        LogChunk::End(format!("pod {} {}", target.pod, phase.to_lowercase())),
                    );
                }
            }
            Err(_) => {}
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn attempt(
    connection: &Connection,
    target: &LogTarget,
    options: &LogOptions,
    seam: &mut Seam,
    tx: &impl LogSink,
) -> Result<Attempt, Unheard> {
    let mut p = params(target, options);
    p.timestamps = true;
    if let Some(since) = seam.since() {
        p.tail_lines = None;
        p.since_seconds = None;
        p.since_time = Some(since);
    }
    let reader = match super::open(connection, target, &p).await {
        Ok(reader) => reader,
        Err(e) => {
            return Ok(Attempt::Failed(format!(
                "cannot stream logs of {}: {}",
                describe(target),
                short_error(&e)
            )));
        }
    };
    let mut lines = Box::pin(lines(Box::pin(reader)));
    let mut batch: Vec<String> = Vec::new();
    let mut flush_at: Option<Instant> = None;
    let mut quiet_since = Instant::now();
    let mut quiet_told = 0_u64;
    let mut seen_at_same = 0;
    let mut sent = 0;
    loop {
        let wake = flush_at.unwrap_or(
            quiet_since + QUIET_AFTER * u32::try_from(quiet_told + 1).unwrap_or(u32::MAX),
        );
        let next = tokio::select! {
            next = lines.next() => next,
            () = tokio::time::sleep_until(wake) => {
                if flush_at.take().is_some() {
                    deliver(tx, LogChunk::Lines(std::mem::take(&mut batch)))?;
                } else {
                    quiet_told += 1;
                    deliver(tx, LogChunk::Quiet(quiet_told))?;
                }
                continue;
            }
        };
        let Some(Ok(line)) = next else {
            if !batch.is_empty() {
                deliver(tx, LogChunk::Lines(std::mem::take(&mut batch)))?;
            }
            return Ok(Attempt::Ended(sent));
        };
        let (at, text) = split_stamp(&line);
        if seam.is_repeat(at, &mut seen_at_same) {
            continue;
        }
        quiet_since = Instant::now();
        quiet_told = 0;
        sent += 1;
        batch.push(if options.timestamps {
            line
        } else {
            text.to_owned()
        });
        if batch.len() >= LOG_MAX_LINES {
            flush_at = None;
            deliver(tx, LogChunk::Lines(std::mem::take(&mut batch)))?;
        } else if flush_at.is_none() {
            flush_at = Some(Instant::now() + LOG_COALESCE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<Timestamp> {
        s.parse().ok()
    }

    #[test]
    fn the_seam_drops_lines_sent_before_a_reconnect() {
        let mut seam = Seam::default();
        let mut same = 0;
        let first = [
            "2026-11-30T10:00:01.5Z",
            "2026-11-30T10:00:02.25Z",
            "2026-11-30T10:00:02.25Z",
        ];
        for t in first {
            assert!(!seam.is_repeat(at(t), &mut same));
        }
        assert_eq!(seam.since(), at("2026-11-30T10:00:02Z"));
        // The reconnect asks from 10:00:02 and gets the second again, then new lines.
        let mut same = 0;
        let again = [
            ("2026-11-30T10:00:02.1Z", true),
            ("2026-11-30T10:00:02.25Z", true),
            ("2026-11-30T10:00:02.25Z", true),
            ("2026-11-30T10:00:02.25Z", false),
            ("2026-11-30T10:00:03Z", false),
        ];
        for (t, repeat) in again {
            assert_eq!(seam.is_repeat(at(t), &mut same), repeat, "{t}");
        }
        assert!(
            !seam.is_repeat(None, &mut same),
            "unstamped lines are never dropped"
        );
    }

    #[test]
    fn stamps_are_split_from_lines() {
        let (t, rest) = split_stamp("2026-11-30T10:00:02.250000000Z GET / 200");
        assert_eq!((t, rest), (at("2026-11-30T10:00:02.25Z"), "GET / 200"));
        assert_eq!(split_stamp("no stamp here"), (None, "no stamp here"));
    }
}
