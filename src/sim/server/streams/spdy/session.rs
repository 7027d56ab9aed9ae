//! The server side of a SPDY/3.1 connection as the Kubernetes clients use it: the
//! client opens every stream (SYN_STREAM, answered at once with SYN_REPLY), data
//! goes both ways, FIN half-closes a stream, RST_STREAM cuts it, PINGs are echoed,
//! GOAWAY ends the connection. SETTINGS and WINDOW_UPDATE are read and ignored, as
//! spdystream (client-go's implementation) ignores them.

use std::collections::HashMap;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::frame::{Decoder, Encoder, Frame, Headers};

/// How long the server waits, after its GOAWAY, for the client to close.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

/// A stream the client opened.
pub struct Incoming {
    /// Its id.
    pub id: u32,
    /// Its headers (names in lower case).
    pub headers: Headers,
    /// What the client sends on it; closed at its FIN or RST_STREAM.
    pub data: mpsc::Receiver<Bytes>,
}

impl Incoming {
    /// The value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Writes to the client's streams; cheap to clone.
#[derive(Clone)]
pub struct StreamWriter {
    frames: mpsc::Sender<Frame>,
}

impl StreamWriter {
    /// Sends `data` on stream `id`; false when the connection is gone.
    pub async fn data(&self, id: u32, data: Bytes) -> bool {
        self.frames
            .send(Frame::Data {
                stream_id: id,
                fin: false,
                data,
            })
            .await
            .is_ok()
    }

    /// Ends the server's side of stream `id`.
    pub async fn finish(&self, id: u32) {
        let _ = self
            .frames
            .send(Frame::Data {
                stream_id: id,
                fin: true,
                data: Bytes::new(),
            })
            .await;
    }
}

/// A SPDY connection being served.
pub struct Session {
    /// Writes to the streams.
    pub writer: StreamWriter,
    /// The streams the client opens, in order; ends with the connection.
    pub incoming: mpsc::Receiver<Incoming>,
    reader: JoinHandle<()>,
    writing: JoinHandle<()>,
    last_stream: tokio::sync::watch::Receiver<u32>,
}

impl Session {
    /// Serves SPDY on `io` (an upgraded connection, or a WebSocket tunnel).
    pub fn start<IO>(io: IO) -> Self
    where
        IO: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (mut read_half, mut write_half) = tokio::io::split(io);
        let (frames_tx, mut frames_rx) = mpsc::channel::<Frame>(64);
        let (incoming_tx, incoming_rx) = mpsc::channel(16);
        let (last_tx, last_rx) = tokio::sync::watch::channel(0);
        let writing = tokio::spawn(async move {
            let Ok(mut encoder) = Encoder::new() else {
                return;
            };
            let mut bytes = Vec::new();
            while let Some(frame) = frames_rx.recv().await {
                bytes.clear();
                if encoder.encode(&frame, &mut bytes).is_err()
                    || write_half.write_all(&bytes).await.is_err()
                {
                    break;
                }
                // Write out what is queued before waiting again.
                if frames_rx.is_empty() && write_half.flush().await.is_err() {
                    break;
                }
            }
            let _ = write_half.shutdown().await;
        });
        let replies = frames_tx.clone();
        let reader = tokio::spawn(async move {
            let mut decoder = Decoder::default();
            let mut buf = BytesMut::with_capacity(16 * 1024);
            let mut streams: HashMap<u32, mpsc::Sender<Bytes>> = HashMap::new();
            loop {
                let frame = match decoder.decode(&mut buf) {
                    Ok(Some(frame)) => frame,
                    Ok(None) => match read_half.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => continue,
                    },
                    Err(e) => {
                        tracing::debug!("SPDY connection dropped: {e}");
                        return;
                    }
                };
                match frame {
                    Frame::SynStream {
                        stream_id,
                        headers,
                        fin,
                    } => {
                        let (tx, rx) = mpsc::channel(64);
                        if !fin {
                            streams.insert(stream_id, tx);
                        }
                        let _ = last_tx.send(stream_id);
                        let reply = Frame::SynReply {
                            stream_id,
                            headers: Headers::new(),
                            fin: false,
                        };
                        if replies.send(reply).await.is_err() {
                            return;
                        }
                        let stream = Incoming {
                            id: stream_id,
                            headers,
                            data: rx,
                        };
                        if incoming_tx.send(stream).await.is_err() {
                            let _ = replies
                                .send(Frame::RstStream {
                                    stream_id,
                                    status: 3,
                                })
                                .await;
                        }
                    }
                    Frame::Data {
                        stream_id,
                        fin,
                        data,
                    } => {
                        if !data.is_empty()
                            && let Some(tx) = streams.get(&stream_id)
                            && tx.send(data).await.is_err()
                        {
                            streams.remove(&stream_id);
                        }
                        if fin {
                            streams.remove(&stream_id);
                        }
                    }
                    Frame::RstStream { stream_id, .. } => {
                        streams.remove(&stream_id);
                    }
                    // The client's pings have odd ids; the answer is the same frame.
                    Frame::Ping(id) if id % 2 == 1 => {
                        let _ = replies.send(Frame::Ping(id)).await;
                    }
                    Frame::GoAway { .. } => return,
                    _ => {}
                }
            }
        });
        Self {
            writer: StreamWriter { frames: frames_tx },
            incoming: incoming_rx,
            reader,
            writing,
            last_stream: last_rx,
        }
    }

    /// Ends the connection as the kubelet does: GOAWAY, then the client is given the
    /// time to read what was sent and close.
    pub async fn finish(self) {
        let Self {
            writer,
            incoming,
            reader,
            writing,
            last_stream,
        } = self;
        drop(incoming);
        let last_good = *last_stream.borrow();
        let _ = writer
            .frames
            .send(Frame::GoAway {
                last_good,
                status: 0,
            })
            .await;
        drop(writer);
        let abort = reader.abort_handle();
        let _ = tokio::time::timeout(CLOSE_WAIT, reader).await;
        abort.abort();
        let _ = tokio::time::timeout(CLOSE_WAIT, writing).await;
    }
}
