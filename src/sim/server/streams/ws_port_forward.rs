//! Port-forward over WebSocket (`v4.channel.k8s.io`, what kube-rs speaks): each
//! port of the `ports` query has two channels, data (`2i`) and error (`2i + 1`);
//! the first message on each carries the port, two bytes little endian, as the
//! kubelet sends it. A port nothing listens on gets the kubelet's message on its
//! error channel. The connection closes when every port's connection has ended.

use std::time::Duration;

use bytes::{BufMut as _, Bytes, BytesMut};
use futures::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::refused_message;
use crate::sim::pod_network::http_connection::{self, ForwardedPort};

fn framed(channel: u8, data: &[u8]) -> Message {
    let mut frame = BytesMut::with_capacity(data.len() + 1);
    frame.put_u8(channel);
    frame.put_slice(data);
    Message::Binary(frame.freeze())
}

/// Forwards `ports` of the pod of `target` over `ws` until they end or the client leaves.
pub async fn serve<S>(ws: WebSocketStream<S>, ports: Vec<u16>, target: &ForwardedPort)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut incoming) = ws.split();
    let (output_tx, mut output_rx) = mpsc::channel::<(u8, Bytes)>(64);
    let mut inputs: Vec<Option<mpsc::Sender<Bytes>>> = Vec::new();
    let mut servers = Vec::new();
    for (i, port) in ports.iter().copied().enumerate() {
        let Ok(data_channel) = u8::try_from(2 * i) else {
            break;
        };
        for channel in [data_channel, data_channel + 1] {
            if sink
                .send(framed(channel, &port.to_le_bytes()))
                .await
                .is_err()
            {
                return;
            }
        }
        let (input_tx, input_rx) = mpsc::channel(64);
        inputs.push(Some(input_tx));
        let port_target = ForwardedPort {
            port,
            ..target.clone()
        };
        let output = output_tx.clone();
        servers.push(tokio::spawn(async move {
            if let Some(message) = refused_message(&port_target) {
                let _ = output.send((data_channel + 1, Bytes::from(message))).await;
                return;
            }
            let (bytes_tx, mut bytes_rx) = mpsc::channel::<Bytes>(64);
            let pump = async {
                while let Some(bytes) = bytes_rx.recv().await {
                    if output.send((data_channel, bytes)).await.is_err() {
                        break;
                    }
                }
            };
            tokio::join!(
                http_connection::serve(&port_target, input_rx, bytes_tx),
                pump
            );
        }));
    }
    drop(output_tx);
    loop {
        tokio::select! {
            message = incoming.next() => match message {
                Some(Ok(Message::Binary(data))) if !data.is_empty() => {
                    let channel = usize::from(data[0]);
                    // Only data channels carry bytes to the pod.
                    if channel % 2 == 0
                        && let Some(Some(tx)) = inputs.get(channel / 2) {
                            let _ = tx.send(data.slice(1..)).await;
                        }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            out = output_rx.recv() => {
                let Some((channel, bytes)) = out else {
                    // Every port's connection has ended: so does the forward.
                    let _ = sink.send(super::normal_close()).await;
                    let _ = tokio::time::timeout(Duration::from_secs(10), async {
                        while let Some(Ok(_)) = incoming.next().await {}
                    })
                    .await;
                    break;
                };
                if sink.send(framed(channel, &bytes)).await.is_err() {
                    break;
                }
            }
        }
    }
    for server in servers {
        server.abort();
    }
}
