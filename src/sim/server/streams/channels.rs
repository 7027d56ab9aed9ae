//! Exec and attach over WebSocket, the channel protocol `v5.channel.k8s.io` (and
//! `v4.channel.k8s.io`): every binary message starts with its channel, 0 stdin,
//! 1 stdout, 2 stderr, 3 the error channel (the final `Status` as JSON), 4 resize
//! (`{"Width":..,"Height":..}`); in v5 a message `[255, channel]` closes a channel
//! (stdin's end).
//!
//! As kube-apiserver does: an empty message on the lowest writable channel says the
//! streams are up; at the end the status goes out, then the close frame, and the
//! server waits for the client to close so that nothing in flight is cut off.

use std::time::Duration;

use bytes::{BufMut as _, Bytes, BytesMut};
use futures::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::{Process, ResizeDecoder, Wanted};
use crate::sim::shell::{Output, ProcessIo};

/// The channels of the protocol.
const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const RESIZE: u8 = 4;
/// v5's close signal: `[CLOSE, channel]`.
const CLOSE: u8 = 255;

/// How long the process takes to start after the upgrade (see [`serve`]).
const PROCESS_START: Duration = Duration::from_millis(100);

/// How long the server waits for the client to close after the status.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

fn framed(channel: u8, data: &[u8]) -> Message {
    let mut frame = BytesMut::with_capacity(data.len() + 1);
    frame.put_u8(channel);
    frame.put_slice(data);
    Message::Binary(frame.freeze())
}

/// Runs `process` over the WebSocket `ws` until it ends or the client leaves.
pub async fn serve<S>(
    ws: WebSocketStream<S>,
    v5: bool,
    wanted: Wanted,
    process: Process,
    command: Vec<String>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut incoming) = ws.split();
    let hello = if wanted.stdout {
        STDOUT
    } else if wanted.stderr {
        STDERR
    } else {
        ERROR
    };
    if sink.send(framed(hello, &[])).await.is_err() {
        return;
    }
    let (stdin_tx, stdin_rx) = mpsc::channel::<Bytes>(64);
    let (resize_tx, resize_rx) = mpsc::channel(16);
    let (output_tx, mut output_rx) = mpsc::channel(64);
    let mut stdin_tx = wanted.stdin.then_some(stdin_tx);
    let io = ProcessIo {
        stdin: wanted.stdin.then_some(stdin_rx),
        resize: resize_rx,
        output: output_tx,
    };
    // A real exec reaches its container through the kubelet and the runtime before the
    // process runs, tens of milliseconds at least. kubectl's WebSocket client sets up its
    // streams while it already reads, and drops what comes for a stream it has not set up
    // yet; output and the close sent at once (the stand-in shell answers `ps` instantly)
    // lost kubectl the whole answer under load ("Unknown stream id 1 ... closed all
    // streams").
    tokio::time::sleep(PROCESS_START).await;
    let mut running = tokio::spawn(process(io));
    let mut resizes = ResizeDecoder::default();
    let ending = loop {
        tokio::select! {
            message = incoming.next() => match message {
                Some(Ok(Message::Binary(data))) if !data.is_empty() => match data[0] {
                    STDIN => {
                        if let Some(tx) = &stdin_tx {
                            let _ = tx.send(data.slice(1..)).await;
                        }
                    }
                    RESIZE => {
                        for size in resizes.feed(&data[1..]) {
                            let _ = resize_tx.try_send(size);
                        }
                    }
                    CLOSE if v5 && data.get(1) == Some(&STDIN) => stdin_tx = None,
                    _ => {}
                },
                Some(Ok(Message::Close(_)) | Err(_)) | None => {
                    // The client left: the process goes with its session.
                    running.abort();
                    return;
                }
                Some(Ok(_)) => {}
            },
            Some(out) = output_rx.recv() => {
                let frame = match out {
                    Output::Stdout(b) => framed(STDOUT, &b),
                    Output::Stderr(b) => framed(STDERR, &b),
                };
                if sink.send(frame).await.is_err() {
                    running.abort();
                    return;
                }
            }
            ended = &mut running => break ended.ok(),
        }
    };
    // What the process wrote before it ended goes out before its status.
    while let Some(out) = output_rx.recv().await {
        let frame = match out {
            Output::Stdout(b) => framed(STDOUT, &b),
            Output::Stderr(b) => framed(STDERR, &b),
        };
        if sink.send(frame).await.is_err() {
            return;
        }
    }
    let Some(ending) = ending else {
        return;
    };
    let status = serde_json::to_vec(&ending.status(&command)).unwrap_or_default();
    if sink.send(framed(ERROR, &status)).await.is_err() {
        return;
    }
    let _ = sink.send(super::normal_close()).await;
    // Until the client closes in turn (tungstenite answers its close frame).
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        while let Some(Ok(_)) = incoming.next().await {}
    })
    .await;
}
