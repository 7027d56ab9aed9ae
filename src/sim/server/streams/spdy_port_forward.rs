//! Port-forward over SPDY (`portforward.k8s.io`), as the kubelet serves kubectl:
//! for every local connection the client opens an error stream and a data stream,
//! with the same `port` and `requestID` headers; once both are open the data stream
//! is a connection to the pod's port. When it ends both streams are finished; a port
//! nothing listens on gets the kubelet's message on the error stream instead.

use std::collections::HashMap;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::refused_message;
use super::spdy::{Incoming, Session, StreamWriter};
use crate::sim::pod_network::http_connection::{self, ForwardedPort};

/// The streams of one forwarded connection, as they arrive.
#[derive(Default)]
struct Pair {
    error: Option<Incoming>,
    data: Option<Incoming>,
}

/// Serves the forwarded connections of `session` to the pod of `target` until the
/// client closes the connection.
pub async fn serve(mut session: Session, target: ForwardedPort) {
    let mut pairs: HashMap<String, Pair> = HashMap::new();
    let mut tasks = Vec::new();
    while let Some(stream) = session.incoming.recv().await {
        // Old clients sent no requestID: then one connection at a time, as the kubelet pairs them.
        let request = stream.header("requestid").unwrap_or_default().to_string();
        let pair = pairs.entry(request.clone()).or_default();
        match stream.header("streamtype") {
            Some("error") => pair.error = Some(stream),
            Some("data") => pair.data = Some(stream),
            _ => continue,
        }
        if pair.error.is_some() && pair.data.is_some() {
            let Some(Pair {
                error: Some(error),
                data: Some(data),
            }) = pairs.remove(&request)
            else {
                continue;
            };
            let writer = session.writer.clone();
            let target = target.clone();
            tasks.push(tokio::spawn(forward(writer, target, error, data)));
            tasks.retain(|t| !t.is_finished());
        }
    }
    for task in tasks {
        task.abort();
    }
    session.finish().await;
}

async fn forward(writer: StreamWriter, target: ForwardedPort, error: Incoming, data: Incoming) {
    let port = data
        .header("port")
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_default();
    let target = ForwardedPort { port, ..target };
    if let Some(message) = refused_message(&target) {
        writer.data(error.id, Bytes::from(message)).await;
    } else {
        let (bytes_tx, mut bytes_rx) = mpsc::channel::<Bytes>(64);
        let id = data.id;
        let pump = async {
            while let Some(bytes) = bytes_rx.recv().await {
                if !writer.data(id, bytes).await {
                    break;
                }
            }
        };
        tokio::join!(http_connection::serve(&target, data.data, bytes_tx), pump);
    }
    writer.finish(data.id).await;
    writer.finish(error.id).await;
}
