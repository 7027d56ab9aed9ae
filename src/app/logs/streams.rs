//! The log streams of the logs views: which ought to run, starting one for a source, and
//! applying what a stream sends to the view that owns it.

use jiff::Timestamp;

use super::{LogEffect, LogsView, sources};
use crate::cluster::LogChunk;

/// Splits the RFC 3339 timestamp the API server puts before each line (`timestamps=true`).
pub fn split_timestamp(line: String) -> (Option<Timestamp>, String) {
    if let Some((stamp, rest)) = line.split_once(' ')
        && stamp.len() >= 20
        && stamp.as_bytes()[4] == b'-'
        && let Ok(at) = stamp.parse::<Timestamp>()
    {
        return (Some(at), rest.to_owned());
    }
    (None, line)
}

/// Applies a chunk of the stream of source `i` to `view`.
pub fn apply_chunk(view: &mut LogsView, i: usize, chunk: LogChunk) {
    let source = u16::try_from(i).unwrap_or(u16::MAX);
    match chunk {
        LogChunk::Lines(lines) => {
            view.quiet_minutes = None;
            for line in lines {
                view.push(source, line, false);
            }
        }
        LogChunk::Quiet(minutes) => view.quiet_minutes = Some(minutes),
        LogChunk::Notice(text) => {
            let label = &view.sources[i].label;
            let text = if label.is_empty() {
                text
            } else {
                format!("{label}: {text}")
            };
            view.notice = Some(text.clone());
            view.push(source, format!("— {text}"), true);
        }
        LogChunk::End(why) | LogChunk::Error(why) => {
            view.notice = Some(why.clone());
            view.push(source, format!("— {why}"), true);
        }
    }
}

/// Effects that restart the stream of source `i` (new id, so stale chunks are dropped).
pub fn restart_stream(view: &mut LogsView, i: usize, effects: &mut Vec<LogEffect>) {
    let id = sources::next_stream_id();
    let previous = view.previous;
    let tail = view.settings.tail_lines;
    let since = view.settings.since_seconds;
    let Some(source) = view.sources.get_mut(i) else {
        return;
    };
    source.stream = id;
    source.started = true;
    source.ended = None;
    effects.push(LogEffect::StartLogs(crate::cluster::LogStreamRequest {
        stream: id,
        target: crate::cluster::LogTarget {
            namespace: view.namespace.clone(),
            pod: source.pod.clone(),
            container: Some(source.container.clone()),
        },
        options: crate::cluster::LogOptions {
            tail: Some(tail),
            follow: !previous,
            previous,
            timestamps: true,
            since: since.map(std::time::Duration::from_secs),
            reconnect: !previous,
        },
    }));
}
