//! The cluster network as a pod sees it: names resolved as cluster DNS would
//! ([`dns`]), a Service's traffic sent to one of its ready endpoints as kube-proxy
//! would (in turn, as its IPVS mode does), and the HTTP servers pods run
//! ([`http`]: the page each image answers, and the access-log line it writes).
//! [`http_connection`] serves HTTP/1.1 over a byte stream, for port-forwards.
//!
//! Nothing leaves the process: a request is answered from the store.

pub mod dns;
pub mod http;
pub mod http_connection;

use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};

use self::dns::Resolved;
use self::http::{Answer, Request};
use super::store::Store;

/// Why a request from inside the cluster got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// No such name (neither a Service nor an address).
    UnknownHost(String),
    /// The address is reachable but nothing accepts on the port (or a Service has
    /// no ready endpoint: kube-proxy rejects).
    Refused {
        /// The address connected to.
        ip: String,
        /// The port.
        port: u16,
    },
    /// Nothing answers at that address and port.
    Unreachable {
        /// The address connected to.
        ip: String,
    },
    /// A URL the stand-in tools cannot fetch (https, another scheme).
    Unsupported(String),
}

/// A URL split into what a client connects to and asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// Host name or address.
    pub host: String,
    /// Port (80 when not given).
    pub port: u16,
    /// Path with query, `/` when empty.
    pub path: String,
}

impl Url {
    /// Parses `http://host[:port][/path]` or `host[:port][/path]`.
    pub fn parse(url: &str) -> Result<Self, NetError> {
        let rest = match url.split_once("://") {
            Some(("http", rest)) => rest,
            Some(_) => return Err(NetError::Unsupported(url.to_string())),
            None => url,
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse()
                    .map_err(|_| NetError::Unsupported(url.to_string()))?,
            ),
            None => (authority, 80),
        };
        if host.is_empty() {
            return Err(NetError::Unsupported(url.to_string()));
        }
        Ok(Self {
            host: host.to_string(),
            port,
            path: path.to_string(),
        })
    }
}

/// What a client inside the cluster got back.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The address connected to (a Service's cluster IP, or a pod's).
    pub ip: String,
    /// The pod that answered.
    pub pod: String,
    /// The HTTP answer.
    pub answer: Answer,
}

/// Sends `request` to `url` from the pod `from`, as its network would.
pub fn fetch(store: &Store, from: &Pod, url: &Url, request: &Request) -> Result<Fetched, NetError> {
    let resolved = dns::resolve_from(store, from, &url.host)
        .ok_or_else(|| NetError::UnknownHost(url.host.clone()))?;
    let (ip, pod, port) = match resolved {
        Resolved::Pod { ip, pod } => (ip, *pod, url.port),
        Resolved::Service { ip, service } => {
            let (pod, port) = pick_endpoint(store, from, &service, url.port).ok_or_else(|| {
                NetError::Refused {
                    ip: ip.clone(),
                    port: url.port,
                }
            })?;
            (ip, pod, port)
        }
        Resolved::Nowhere { ip } => return Err(NetError::Unreachable { ip }),
    };
    let answer = http::answer(store, &pod, port, request).ok_or_else(|| NetError::Refused {
        ip: ip.clone(),
        port: url.port,
    })?;
    Ok(Fetched {
        ip,
        pod: pod.metadata.name.unwrap_or_default(),
        answer,
    })
}

/// One ready endpoint of `service` for its port `port`, taken in turn as kube-proxy's
/// IPVS round robin takes them, or with ClientIP session affinity the one `from` went
/// to before: the pod and the port on it.
fn pick_endpoint(store: &Store, from: &Pod, service: &Service, port: u16) -> Option<(Pod, u16)> {
    let namespace = service.metadata.namespace.as_deref()?;
    let name = service.metadata.name.as_deref()?;
    let service_port = service
        .spec
        .as_ref()?
        .ports
        .as_ref()?
        .iter()
        .find(|p| p.port == i32::from(port))?;
    let endpoints: Endpoints = store.get_as(namespace, name)?;
    let mut choices = Vec::new();
    for subset in endpoints.subsets.unwrap_or_default() {
        let Some(ep_port) = subset.ports.as_ref().and_then(|ports| {
            ports
                .iter()
                .find(|p| p.name == service_port.name || ports.len() == 1)
                .and_then(|p| u16::try_from(p.port).ok())
        }) else {
            continue;
        };
        for address in subset.addresses.unwrap_or_default() {
            if let Some(pod) = address.target_ref.and_then(|r| r.name) {
                choices.push((pod, ep_port));
            }
        }
    }
    if choices.is_empty() {
        return None;
    }
    // Endpoints list addresses by IP; the turn goes by pod name, which stays put.
    choices.sort();
    let key = format!("{namespace}/{name}");
    let spec = service.spec.as_ref()?;
    let client = from.status.as_ref().and_then(|s| s.pod_ip.as_deref());
    let turn = match (spec.session_affinity.as_deref(), client) {
        (Some("ClientIP"), Some(client)) => {
            let timeout = spec
                .session_affinity_config
                .as_ref()
                .and_then(|c| c.client_ip.as_ref())
                .and_then(|c| c.timeout_seconds)
                .unwrap_or(10800);
            let pods: Vec<String> = choices.iter().map(|(pod, _)| pod.clone()).collect();
            store.runtime().sticky_endpoint(
                &key,
                client,
                &pods,
                store.clock().now(),
                jiff::SignedDuration::from_secs(i64::from(timeout)),
            )
        }
        _ => store.runtime().next_endpoint(&key, choices.len()),
    };
    let (pod, ep_port) = choices.swap_remove(turn);
    Some((store.get_as(namespace, &pod)?, ep_port))
}

#[cfg(test)]
mod tests;
