//! Exec and attach over SPDY (`v4.channel.k8s.io`), as the kubelet serves them: the
//! client opens one stream per channel, each named by its `streamType` header
//! (`error`, `stdin`, `stdout`, `stderr`, `resize`); once all it asked for are open
//! the process runs; at its end stdout and stderr are finished, the `Status` is
//! written on the error stream, and the connection goes away.

use std::time::Duration;

use tokio::sync::mpsc;

use super::spdy::{Incoming, Session};
use super::{Process, ResizeDecoder, Wanted};
use crate::sim::shell::{Output, ProcessIo};

/// How long the client has to open its streams (the kubelet's default).
const STREAM_CREATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The streams of one session.
#[derive(Default)]
struct Streams {
    error: Option<Incoming>,
    stdin: Option<Incoming>,
    stdout: Option<Incoming>,
    stderr: Option<Incoming>,
    resize: Option<Incoming>,
}

impl Streams {
    fn count(&self) -> usize {
        [
            &self.error,
            &self.stdin,
            &self.stdout,
            &self.stderr,
            &self.resize,
        ]
        .iter()
        .filter(|s| s.is_some())
        .count()
    }
}

/// Waits for the streams `wanted` needs; `None` if the client leaves or is too slow.
async fn open_streams(session: &mut Session, wanted: Wanted) -> Option<Streams> {
    let expected = 1
        + usize::from(wanted.stdin)
        + usize::from(wanted.stdout)
        + usize::from(wanted.stderr)
        + usize::from(wanted.tty);
    let mut streams = Streams::default();
    let deadline = tokio::time::sleep(STREAM_CREATION_TIMEOUT);
    tokio::pin!(deadline);
    while streams.count() < expected {
        let stream = tokio::select! {
            stream = session.incoming.recv() => stream?,
            () = &mut deadline => return None,
        };
        let slot = match stream.header("streamtype") {
            Some("error") => &mut streams.error,
            Some("stdin") => &mut streams.stdin,
            Some("stdout") => &mut streams.stdout,
            Some("stderr") => &mut streams.stderr,
            Some("resize") => &mut streams.resize,
            _ => continue,
        };
        *slot = Some(stream);
    }
    Some(streams)
}

/// Runs `process` over the SPDY `session` until it ends or the client leaves.
pub async fn serve(mut session: Session, wanted: Wanted, process: Process, command: Vec<String>) {
    let Some(mut streams) = open_streams(&mut session, wanted).await else {
        session.finish().await;
        return;
    };
    let writer = session.writer.clone();
    let (output_tx, mut output_rx) = mpsc::channel(64);
    let (resize_tx, resize_rx) = mpsc::channel(16);
    if let Some(mut resize) = streams.resize.take() {
        tokio::spawn(async move {
            let mut decoder = ResizeDecoder::default();
            while let Some(chunk) = resize.data.recv().await {
                for size in decoder.feed(&chunk) {
                    let _ = resize_tx.try_send(size);
                }
            }
        });
    }
    let io = ProcessIo {
        stdin: streams.stdin.take().map(|s| s.data),
        resize: resize_rx,
        output: output_tx,
    };
    let id = |s: &Option<Incoming>| s.as_ref().map(|s| s.id);
    let (stdout, stderr, error) = (id(&streams.stdout), id(&streams.stderr), id(&streams.error));
    let write = |out: Output| {
        let writer = writer.clone();
        async move {
            match out {
                Output::Stdout(b) => match stdout {
                    Some(id) => writer.data(id, b).await,
                    None => true,
                },
                Output::Stderr(b) => match stderr.or(stdout) {
                    Some(id) => writer.data(id, b).await,
                    None => true,
                },
            }
        }
    };
    let mut running = tokio::spawn(process(io));
    let ending = loop {
        tokio::select! {
            Some(out) = output_rx.recv() => {
                if !write(out).await {
                    running.abort();
                    return;
                }
            }
            // The connection closed under the process: it goes with the session.
            None = session.incoming.recv() => {
                running.abort();
                return;
            }
            ended = &mut running => break ended.ok(),
        }
    };
    while let Some(out) = output_rx.recv().await {
        if !write(out).await {
            return;
        }
    }
    for id in [stdout, stderr].into_iter().flatten() {
        writer.finish(id).await;
    }
    if let (Some(ending), Some(error)) = (ending, error) {
        let status = serde_json::to_vec(&ending.status(&command)).unwrap_or_default();
        writer.data(error, status.into()).await;
        writer.finish(error).await;
    }
    drop(writer);
    session.finish().await;
}
