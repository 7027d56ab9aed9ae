//! Container log streams for the logs view: kube's `log_stream`, split into
//! lines (invalid UTF-8 replaced, never fatal) and sent in batches.

use std::time::Duration;

use futures::{AsyncBufReadExt as _, Stream, StreamExt as _};
use k8s_openapi::api::core::v1::Pod;
use kube::api::LogParams;
use kube::{Api, Client};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::object_yaml::short_error;

/// How long lines are gathered before a chunk is sent.
pub const LOG_COALESCE: Duration = Duration::from_millis(40);
/// The most lines one chunk carries.
pub const LOG_MAX_LINES: usize = 2000;

/// Which logs to stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

/// Starts streaming; must be called within a tokio runtime.
pub fn start(
    client: Client,
    target: LogTarget,
    options: LogOptions,
    tx: mpsc::UnboundedSender<LogChunk>,
) -> LogHandle {
    let task = tokio::spawn(async move {
        let _ = stream(client, &target, &options, &tx).await;
    });
    LogHandle {
        task: task.abort_handle(),
    }
}

fn params(target: &LogTarget, options: &LogOptions) -> LogParams {
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

fn describe(target: &LogTarget) -> String {
    match &target.container {
        Some(c) => format!("{}/{} container {c}", target.namespace, target.pod),
        None => format!("{}/{}", target.namespace, target.pod),
    }
}

/// Splits a byte stream into lines, replacing invalid UTF-8 rather than failing.
fn lines<R>(reader: R) -> impl Stream<Item = std::io::Result<String>>
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
    client: Client,
    target: &LogTarget,
    options: &LogOptions,
    tx: &mpsc::UnboundedSender<LogChunk>,
) -> Result<(), mpsc::error::SendError<LogChunk>> {
    let api: Api<Pod> = Api::namespaced(client, &target.namespace);
    let reader = match api.log_stream(&target.pod, &params(target, options)).await {
        Ok(reader) => reader,
        Err(e) => {
            return tx.send(LogChunk::Error(format!(
                "cannot stream logs of {}: {}",
                describe(target),
                short_error(&e)
            )));
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
                    tx.send(LogChunk::Lines(std::mem::take(&mut batch)))?;
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
                    tx.send(LogChunk::Lines(std::mem::take(&mut batch)))?;
                } else if deadline.is_none() {
                    deadline = Some(Instant::now() + LOG_COALESCE);
                }
            }
            Some(Err(e)) => {
                if !batch.is_empty() {
                    tx.send(LogChunk::Lines(std::mem::take(&mut batch)))?;
                }
                return tx.send(LogChunk::Error(format!(
                    "log stream of {} broke: {e}",
                    describe(target)
                )));
            }
            None => {
                if !batch.is_empty() {
                    tx.send(LogChunk::Lines(std::mem::take(&mut batch)))?;
                }
                let reason = if options.follow {
                    "log stream closed (the container stopped or the connection ended)"
                } else {
                    "end of log"
                };
                return tx.send(LogChunk::End(reason.to_owned()));
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
            },
        );
        assert_eq!(p.container.as_deref(), Some("app"));
        assert!(p.follow && p.previous && p.timestamps);
        assert_eq!((p.tail_lines, p.since_seconds), (Some(100), Some(1)));
    }
}
