//! A WebSocket that carries a byte stream (`SPDY/3.1+portforward.k8s.io`, kubectl's
//! port-forward since 1.31): each binary message is the next bytes, a close frame
//! the end. Turned into an ordinary duplex stream the SPDY session reads and writes.

use futures::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, DuplexStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// Bytes buffered between the WebSocket and the stream, each way.
const BUFFER: usize = 256 * 1024;

/// The byte stream `ws` carries; a task moves the bytes until either side ends.
pub fn byte_stream<S>(ws: WebSocketStream<S>) -> DuplexStream
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (near, far) = tokio::io::duplex(BUFFER);
    tokio::spawn(async move {
        let (mut sink, mut incoming) = ws.split();
        let (mut reader, mut writer) = tokio::io::split(far);
        let to_stream = async {
            while let Some(Ok(message)) = incoming.next().await {
                match message {
                    Message::Binary(data) if writer.write_all(&data).await.is_err() => {
                        break;
                    }
                    Message::Close(_) => break,
                    _ => {}
                }
            }
            let _ = writer.shutdown().await;
        };
        let to_socket = async {
            let mut buf = vec![0u8; 32 * 1024];
            loop {
                match reader.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let data = bytes::Bytes::copy_from_slice(&buf[..n]);
                        if sink.send(Message::Binary(data)).await.is_err() {
                            return;
                        }
                    }
                }
            }
            let _ = sink.send(super::normal_close()).await;
        };
        tokio::join!(to_stream, to_socket);
    });
    near
}
