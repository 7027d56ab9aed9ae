//! Container log streams for the logs view: kube's `log_stream`, split into
//! lines (invalid UTF-8 replaced, never fatal) and sent in batches. With
//! [`LogOptions::reconnect`] a followed stream outlives drops and container restarts
//! (see `resilient`).

mod resilient;

use std::sync::Arc;
use std::time::Duration;

use futures::{AsyncBufReadExt as _, Stream, StreamExt as _};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::LogParams;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::Connection;
use super::object_yaml::short_error;

/// How long lines are gathered before a chunk is sent.
pub const LOG_COALESCE: Duration = Duration::from_millis(40);
/// The most lines one chunk carries.
pub const LOG_MAX_LINES: usize = 2000;

/// Which logs to stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the flags of kubectl logs, each independent"
)]
pub struct LogOptions {
    /// Only the last N lines (`--tail`).
    pub tail: Option<i64>,
    /// Keep streaming new lines (`-f`).
    pub follow: bool,
    /// The previous container instance (`-p`).
    pub previous: bool,
    /// Prefix each line with its RFC 3339 timestamp.
    pub timestamps: bool,
    /// Only lines newer than this (`--since`).
    pub since: Option<Duration>,
    /// Keep following across drops and restarts: reconnect with back-off (no retry limit)
    /// from the last line's timestamp, without repeating lines; ends only when the pod goes.
    pub reconnect: bool,
}

/// One stream the logs view asks for; chunks come back tagged with `stream`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogStreamRequest {
    /// The id chunks are tagged with.
    pub stream: u64,
    /// Which container.
    pub target: LogTarget,
    /// How.
    pub options: LogOptions,
}

/// What a log stream sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogChunk {
    /// Lines, without their newline.
    Lines(Vec<String>),
    /// The stream ended (the container stopped, or no `follow`).
    End(String),
    /// The stream could not start or broke.
    Error(String),
    /// Nothing came for this many minutes; still following.
    Quiet(u64),
    /// Something the reader should know (reconnecting, restarted), as a note between lines.
    Notice(String),
}

/// Where chunks go; `false` when nobody listens any more (the stream then stops).
pub trait LogSink: Send + Sync + 'static {
    /// Delivers one chunk.
    fn send(&self, chunk: LogChunk) -> bool;
}

impl LogSink for mpsc::UnboundedSender<LogChunk> {
    fn send(&self, chunk: LogChunk) -> bool {
        mpsc::UnboundedSender::send(self, chunk).is_ok()
    }
}

impl LogSink for (u64, mpsc::UnboundedSender<(u64, LogChunk)>) {
    fn send(&self, chunk: LogChunk) -> bool {
        self.1.send((self.0, chunk)).is_ok()
    }
}

/// Why a chunk could not be delivered: the receiver is gone.
#[derive(Debug)]
pub struct Unheard;

fn deliver(sink: &impl LogSink, chunk: LogChunk) -> Result<(), Unheard> {
    if sink.send(chunk) {
        Ok(())
    } else {
        Err(Unheard)
    }
}

/// A running log stream; dropping it stops the stream.
#[derive(Debug)]
pub struct LogHandle {
    task: tokio::task::AbortHandle,
}

impl LogHandle {
    /// Whether the stream has ended.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for LogHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Which container of which pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTarget {
    /// Namespace.
    pub namespace: String,
    /// Pod name.
    pub pod: String,
    /// Container name (`None`: the pod's only container).
    pub container: Option<String>,
}

/// Starts streaming with the clients of `connection`; must be called within a tokio
/// runtime.
pub fn start(
    connection: Arc<Connection>,
    target: LogTarget,
    options: LogOptions,
    tx: impl LogSink,
) -> LogHandle {
    let task = tokio::spawn(async move {
        if options.reconnect && options.follow {
            let _ = resilient::follow(&connection, &target, &options, &tx).await;
        } else {
            let _ = stream(&connection, &target, &options, &tx).await;
        }
    });
    LogHandle {
        task: task.abort_handle(),
    }
}

/// Opens the log with the reading client of now: rejected credentials (401) are read
/// again and the log asked once more. An open stream keeps the client it was opened with.
pub(crate) async fn open(
    connection: &Connection,
    target: &LogTarget,
    params: &LogParams,
) -> kube::Result<impl futures::AsyncBufRead + use<>> {
    connection
        .renewing(|attempt| async move {
            let api: Api<Pod> = Api::namespaced(attempt.reader(), &target.namespace);
            api.log_stream(&target.pod, params).await
        })
        .await
}

pub(crate) fn params(target: &LogTarget, options: &LogOptions) -> LogParams {
    LogParams {
        container: target.container.clone(),
        follow: options.follow,
        previous: options.previous,
        timestamps: options.timestamps,
        tail_lines: options.tail,
        since_seconds: options
            .since
            .map(|d| i64::try_from(d.as_secs().max(1)).unwrap_or(i64::MAX)),
        ..LogParams::default()
    }
}

pub(crate) fn describe(target: &LogTarget) -> String {
    match &target.container {
        Some(c) => format!("{}/{} container {c}", target.namespace, target.pod),
        None => format!("{}/{}", target.namespace, target.pod),
    }
}

/// Splits a byte stream into lines, replacing invalid UTF-8 rather than failing.
pub(crate) fn lines<R>(reader: R) -> impl Stream<Item = std::io::Result<String>>
where
    R: futures::AsyncBufRead + Unpin,
{
    futures::stream::unfold(reader, |mut reader| async move {
        let mut buf = Vec::new();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) => None,
            Ok(_) => {
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                    if buf.last() == Some(&b'\r') {
                        buf.pop();
                    }
                }
                // Valid UTF-8 (nearly every line) becomes the String without a copy.
                let line = String::from_utf8(buf)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                Some((Ok(line), reader))
            }
            Err(e) => Some((Err(e), reader)),
        }
    })
}

async fn stream(
    connection: &Connection,
    target: &LogTarget,
    options: &LogOptions,
    tx: &impl LogSink,
) -> Result<(), Unheard> {
    let reader = match open(connection, target, &params(target, options)).await {
        Ok(reader) => reader,
        Err(e) => {
            return deliver(
                tx,
                LogChunk::Error(format!(
                    "cannot stream logs of {}: {}",
                    describe(target),
                    short_error(&e)
                )),
            );
        }
    };
    let mut lines = Box::pin(lines(Box::pin(reader)));
    let mut batch: Vec<String> = Vec::new();
    let mut deadline: Option<Instant> = None;
    loop {
        let next = if let Some(at) = deadline {
            tokio::select! {
                next = lines.next() => next,
                () = tokio::time::sleep_until(at) => {
                    deadline = None;
                    deliver(tx, LogChunk::Lines(std::mem::take(&mut batch)))?;
                    continue;
                }
            }
        } else {
            lines.next().await
        };
        match next {
            Some(Ok(line)) => {
                batch.push(line);
                if batch.len() >= LOG_MAX_LINES {
                    deadline = None;
                    deliver(tx, LogChunk::Lines(std::mem::take(&mut batch)))?;
                } else if deadline.is_none() {
                    deadline = Some(Instant::now() + LOG_COALESCE);
                }
            }
            Some(Err(e)) => {
                if !batch.is_empty() {
                    deliver(tx, LogChunk::Lines(std::mem::take(&mut batch)))?;
                }
                return deliver(
                    tx,
                    LogChunk::Error(format!("log stream of {} broke: {e}", describe(target))),
                );
            }
            None => {
                if !batch.is_empty() {
                    deliver(tx, LogChunk::Lines(std::mem::take(&mut batch)))?;
                }
                let reason = if options.follow {
                    "log stream closed (the container stopped or the connection ended)"
                } else {
                    "end of log"
                };
                return deliver(tx, LogChunk::End(reason.to_owned()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_split_on_newlines_and_survive_bad_utf8() {
        let data: &[u8] = b"one\r\ntwo\n\xffthree";
        let got: Vec<String> = lines(futures::io::Cursor::new(data))
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(got, ["one", "two", "\u{fffd}three"]);
    }

    #[test]
    fn options_map_to_log_params() {
        let target = LogTarget {
            namespace: "default".to_owned(),
            pod: "web-1".to_owned(),
            container: Some("app".to_owned()),
        };
        let p = params(
            &target,
            &LogOptions {
                tail: Some(100),
                follow: true,
                previous: true,
                timestamps: true,
                since: Some(Duration::from_millis(10)),
                reconnect: false,
            },
        );
        assert_eq!(p.container.as_deref(), Some("app"));
        assert!(p.follow && p.previous && p.timestamps);
        assert_eq!((p.tail_lines, p.since_seconds), (Some(100), Some(1)));
    }
}
