//! The log gate: the rate of log lines matching a pattern in the new pods against the old
//! pods, from log streams the plan follows itself (every running container of both, from
//! the moment it is seen, joining as the pod rows show them running). Rates are per pod
//! and per minute over the hold so far, at least a minute: one stray line early in a
//! hold does not make a rate of sixty a minute.

use std::collections::VecDeque;

use jiff::Timestamp;
use regex::Regex;

use super::PlanEffect;
use super::gates::{Gate, GateFailure, GateState};
use crate::app::logs::sources::next_stream_id;
use crate::app::logs::split_timestamp;
use crate::cluster::ops::canary::plan_annotation::LogGateSettings;
use crate::cluster::{Detail, LogChunk, LogOptions, LogStreamRequest, LogTarget, Row};

/// How many matching lines of the new pods are kept as evidence.
const EVIDENCE_LINES: usize = 3;

/// One followed container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateSource {
    /// Its stream's id.
    pub stream: u64,
    /// The pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// A new pod's (else an old pod's).
    pub new: bool,
}

/// The log gate of one plan.
#[derive(Debug, Clone)]
pub struct LogGate {
    /// The settings, with the pattern compiled (`None`: the gate is off).
    settings: Option<(LogGateSettings, Regex)>,
    /// The followed containers.
    pub sources: Vec<GateSource>,
    /// The window's start: lines before it do not count.
    pub since: Option<Timestamp>,
    /// Matching lines of the new and the old pods in the window.
    pub counts: (u64, u64),
    /// The last matching lines of new pods (pod, line).
    pub evidence: VecDeque<(String, String)>,
}

impl LogGate {
    /// A gate with `settings` (`None`: off); a pattern that does not compile is off too
    /// (the config file's check refuses such a pattern before a plan starts).
    pub fn new(settings: Option<&LogGateSettings>) -> Self {
        Self {
            settings: settings.and_then(|s| Regex::new(&s.pattern).ok().map(|r| (s.clone(), r))),
            sources: Vec::new(),
            since: None,
            counts: (0, 0),
            evidence: VecDeque::new(),
        }
    }

    /// Whether the gate is on.
    pub fn is_on(&self) -> bool {
        self.settings.is_some()
    }

    /// Starts counting from `since` (a new hold), forgetting the last window.
    pub fn window(&mut self, since: Option<Timestamp>) {
        if self.since != since {
            self.since = since;
            self.counts = (0, 0);
            self.evidence.clear();
        }
    }

    /// Follows the running containers of `new_pods` and `old_pods` not followed yet.
    pub fn follow(
        &mut self,
        namespace: &str,
        new_pods: &[&Row],
        old_pods: &[&Row],
        effects: &mut Vec<PlanEffect>,
    ) {
        if !self.is_on() {
            return;
        }
        let pods = new_pods
            .iter()
            .map(|p| (p, true))
            .chain(old_pods.iter().map(|p| (p, false)));
        for (row, new) in pods {
            let Detail::Pod(p) = &row.detail else {
                continue;
            };
            for c in p
                .containers
                .iter()
                .filter(|c| !c.init && c.state == "Running")
            {
                let known = self
                    .sources
                    .iter()
                    .any(|s| s.pod == row.meta.name && s.container == c.name);
                if known {
                    continue;
                }
                let stream = next_stream_id();
                self.sources.push(GateSource {
                    stream,
                    pod: row.meta.name.clone(),
                    container: c.name.to_string(),
                    new,
                });
                effects.push(PlanEffect::StartLogs(LogStreamRequest {
                    stream,
                    target: LogTarget {
                        namespace: namespace.to_owned(),
                        pod: row.meta.name.clone(),
                        container: Some(c.name.to_string()),
                    },
                    // Only what is written from now on: the window decides what counts.
                    options: LogOptions {
                        tail: Some(0),
                        follow: true,
                        previous: false,
                        timestamps: true,
                        since: None,
                        reconnect: true,
                    },
                }));
            }
        }
    }

    /// The ids of the streams it follows.
    pub fn streams(&self) -> impl Iterator<Item = u64> + '_ {
        self.sources.iter().map(|s| s.stream)
    }

    /// Counts what stream `stream` sent (received at `now`); false if it is not ours.
    pub fn chunk(&mut self, stream: u64, chunk: &LogChunk, now: Timestamp) -> bool {
        let Some(source) = self.sources.iter().find(|s| s.stream == stream) else {
            return false;
        };
        let (LogChunk::Lines(lines), Some((_, pattern)), Some(since)) =
            (chunk, &self.settings, self.since)
        else {
            return true;
        };
        for line in lines {
            let (at, text) = split_timestamp(line.clone());
            if at.unwrap_or(now) <= since || !pattern.is_match(&text) {
                continue;
            }
            if source.new {
                self.counts.0 += 1;
                self.evidence.push_back((source.pod.clone(), text));
                if self.evidence.len() > EVIDENCE_LINES {
                    self.evidence.pop_front();
                }
            } else {
                self.counts.1 += 1;
            }
        }
        true
    }

    /// The verdict at `now` with `new_pods` and `old_pods` pods running.
    pub fn state(&self, now: Timestamp, new_pods: usize, old_pods: usize) -> GateState {
        let (Some((settings, _)), Some(since)) = (&self.settings, self.since) else {
            return GateState::Off;
        };
        let minutes = (now.duration_since(since).as_secs_f64() / 60.0).max(1.0);
        let rate = |count: u64, pods: usize| count as f64 / pods.max(1) as f64 / minutes;
        let (new_rate, old_rate) = (rate(self.counts.0, new_pods), rate(self.counts.1, old_pods));
        let limit = settings.ratio * old_rate + settings.allowance_per_minute;
        let summary = format!(
            "{new_rate:.1}/min ≤ {}×{old_rate:.1}+{}",
            settings.ratio, settings.allowance_per_minute
        );
        if new_rate <= limit {
            return GateState::Passing(summary);
        }
        GateState::Failed(GateFailure {
            gate: Gate::Logs,
            summary: format!(
                "{} matching line(s) in the new pods: {new_rate:.1}/min per pod > {}×{old_rate:.1} + {} (old pods: {} line(s))",
                self.counts.0, settings.ratio, settings.allowance_per_minute, self.counts.1
            ),
            evidence: self
                .evidence
                .iter()
                .map(|(pod, line)| format!("{pod}: {line}"))
                .collect(),
        })
    }
}
