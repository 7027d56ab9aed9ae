//! The HTTP side of a streaming request: which upgrade the client asks for
//! (WebSocket with its subprotocols, or SPDY/3.1 with `X-Stream-Protocol-Version`),
//! the `101 Switching Protocols` answers, and the connection hyper hands over.

use std::sync::Mutex;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::response::Response;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;

use crate::sim::resources::ServerVersion;

/// The header SPDY clients list their protocols in, and the server names its choice.
pub const STREAM_PROTOCOL_HEADER: &str = "X-Stream-Protocol-Version";

/// What a streaming request may take over: the connection hyper upgrades after the
/// `101` answer, and the query as sent (exec repeats `command=`).
#[derive(Default)]
pub struct PendingUpgrade {
    on_upgrade: Mutex<Option<OnUpgrade>>,
    query: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for PendingUpgrade {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts
            .uri
            .query()
            .map(|q| {
                form_urlencoded_pairs(q)
                    .into_iter()
                    .collect::<Vec<(String, String)>>()
            })
            .unwrap_or_default();
        Ok(Self {
            on_upgrade: Mutex::new(parts.extensions.remove::<OnUpgrade>()),
            query,
        })
    }
}

/// `a=1&b=x%20y` as decoded pairs, repeats kept in order.
fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| char::from(b).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl PendingUpgrade {
    /// Every value of the query parameter `key`, in order.
    pub fn values(&self, key: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The connection, once: `None` when the client sent no upgrade hyper can honour.
    pub fn take(&self) -> Option<OnUpgrade> {
        self.on_upgrade
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

/// The upgraded connection as tokio reads and writes it.
pub type Connection = TokioIo<Upgraded>;

/// Waits for hyper to hand over the connection after the `101` went out.
pub async fn connection(on_upgrade: OnUpgrade) -> Option<Connection> {
    on_upgrade.await.ok().map(TokioIo::new)
}

/// The upgrade a client asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// `Upgrade: websocket`, with its key and subprotocols in the client's order.
    WebSocket {
        /// `Sec-WebSocket-Key`.
        key: String,
        /// `Sec-WebSocket-Protocol`, split.
        protocols: Vec<String>,
    },
    /// `Upgrade: SPDY/3.1`, with the `X-Stream-Protocol-Version` values in order.
    Spdy {
        /// The protocols the client speaks.
        protocols: Vec<String>,
    },
}

/// The upgrade `headers` ask for, if any.
pub fn requested(headers: &HeaderMap) -> Option<Requested> {
    let upgrade = headers.get(header::UPGRADE)?.to_str().ok()?.trim();
    let list = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    if upgrade.eq_ignore_ascii_case("websocket") {
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)?
            .to_str()
            .ok()?
            .to_string();
        Some(Requested::WebSocket {
            key,
            protocols: list(header::SEC_WEBSOCKET_PROTOCOL.as_str()),
        })
    } else if upgrade.eq_ignore_ascii_case("SPDY/3.1") {
        Some(Requested::Spdy {
            protocols: list(STREAM_PROTOCOL_HEADER),
        })
    } else {
        None
    }
}

/// The first of the client's protocols the server speaks (the client's order wins,
/// as the Kubernetes handshakes negotiate).
pub fn negotiate(client: &[String], server: &[&str]) -> Option<String> {
    client
        .iter()
        .find(|p| server.contains(&p.as_str()))
        .cloned()
}

/// The exec and attach channel protocols a cluster of `release` accepts over WebSocket,
/// newest first. From 1.30 kube-apiserver speaks `v5.channel.k8s.io` itself (the
/// `TranslateStreamCloseWebsocketRequests` gate, beta and on); before, it passed the
/// upgrade on to the kubelet, which speaks up to `v4.channel.k8s.io`, so a client that
/// offers only v5 (kubectl) is refused and falls back to SPDY, and kube-rs gets v4.
pub fn exec_websocket_protocols(release: ServerVersion) -> &'static [&'static str] {
    if release.minor() >= 30 {
        &[super::V5, super::V4]
    } else {
        &[super::V4]
    }
}

/// Whether a cluster of `release` serves port-forward as SPDY tunneled in a WebSocket
/// (`SPDY/3.1+portforward.k8s.io`): from 1.31, where the `PortForwardWebsockets` gate is
/// beta and on. Before, kubectl's tunneled request is refused and it falls back to SPDY.
pub fn tunnels_port_forward(release: ServerVersion) -> bool {
    release.minor() >= 31
}

fn switching(headers: Vec<(http::HeaderName, HeaderValue)>) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    response.headers_mut().extend(headers);
    response
}

/// The `101` that accepts a WebSocket with `protocol`.
pub fn websocket_accepted(key: &str, protocol: &str) -> Response {
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let value = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""));
    switching(vec![
        (header::CONNECTION, HeaderValue::from_static("Upgrade")),
        (header::UPGRADE, HeaderValue::from_static("websocket")),
        (header::SEC_WEBSOCKET_ACCEPT, value(&accept)),
        (header::SEC_WEBSOCKET_PROTOCOL, value(protocol)),
    ])
}

/// The `101` that accepts SPDY/3.1 with `protocol`.
pub fn spdy_accepted(protocol: &str) -> Response {
    let value = HeaderValue::from_str(protocol).unwrap_or(HeaderValue::from_static(""));
    switching(vec![
        (header::CONNECTION, HeaderValue::from_static("Upgrade")),
        (header::UPGRADE, HeaderValue::from_static("SPDY/3.1")),
        (
            http::HeaderName::from_static("x-stream-protocol-version"),
            value,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_repeats_and_decode() {
        let pairs = form_urlencoded_pairs("command=sh&command=-c&command=echo+hi%20there&tty=1");
        let commands: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "command")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(commands, ["sh", "-c", "echo hi there"]);
        assert_eq!(percent_decode("80%2C8080"), "80,8080");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn upgrades_and_protocols() {
        let mut headers = HeaderMap::new();
        headers.insert(header::UPGRADE, HeaderValue::from_static("SPDY/3.1"));
        headers.append(
            STREAM_PROTOCOL_HEADER,
            HeaderValue::from_static("v5.channel.k8s.io"),
        );
        headers.append(
            STREAM_PROTOCOL_HEADER,
            HeaderValue::from_static("v4.channel.k8s.io"),
        );
        let Some(Requested::Spdy { protocols }) = requested(&headers) else {
            panic!("a SPDY upgrade");
        };
        assert_eq!(
            negotiate(&protocols, &["v4.channel.k8s.io"]).as_deref(),
            Some("v4.channel.k8s.io")
        );
        assert_eq!(requested(&HeaderMap::new()), None);
    }
}
