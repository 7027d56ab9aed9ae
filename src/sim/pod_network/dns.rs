//! Name resolution as cluster DNS answers a pod: `svc` (the pod's namespace),
//! `svc.ns`, `svc.ns.svc` and `svc.ns.svc.cluster.local` name a Service (its
//! cluster IP, or for a headless Service one of its ready pods), an address names
//! the Service or pod that has it, and `localhost` is the pod itself.

use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};

use crate::sim::store::Store;

/// The cluster's DNS domain.
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// Where a name leads.
#[derive(Clone, Debug)]
pub enum Resolved {
    /// A Service's cluster IP: kube-proxy picks the pod.
    Service {
        /// The cluster IP.
        ip: String,
        /// The Service.
        service: Box<Service>,
    },
    /// A pod's own address.
    Pod {
        /// The pod IP.
        ip: String,
        /// The pod.
        pod: Box<Pod>,
    },
    /// An address nothing in the cluster has.
    Nowhere {
        /// The address.
        ip: String,
    },
}

/// Resolves `host` for a pod in `namespace` (`localhost` needs [`resolve_from`]).
pub fn resolve(store: &Store, namespace: &str, host: &str) -> Option<Resolved> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<Ipv4Addr>().is_ok() {
        return Some(by_address(store, &host));
    }
    let labels: Vec<&str> = host.split('.').collect();
    let suffix = format!("svc.{CLUSTER_DOMAIN}");
    let (service, ns) = match labels.as_slice() {
        [svc] => (*svc, namespace),
        [svc, ns] | [svc, ns, "svc"] => (*svc, *ns),
        [svc, ns, rest @ ..] if rest.join(".") == suffix => (*svc, *ns),
        _ => return None,
    };
    let service: Service = store.get_as(ns, service)?;
    let cluster_ip = service
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.clone())
        .unwrap_or_default();
    if cluster_ip.is_empty() {
        return None;
    }
    if cluster_ip == "None" {
        // A headless Service's name gives the ready pods' addresses; a client takes one.
        return headless_pod(store, ns, &service);
    }
    Some(Resolved::Service {
        ip: cluster_ip,
        service: Box::new(service),
    })
}

/// Resolves `host` for the pod `from`: `localhost` is the pod itself.
pub fn resolve_from(store: &Store, from: &Pod, host: &str) -> Option<Resolved> {
    if matches!(host, "localhost" | "127.0.0.1") {
        let ip = "127.0.0.1".to_string();
        return Some(Resolved::Pod {
            ip,
            pod: Box::new(from.clone()),
        });
    }
    resolve(store, from.metadata.namespace.as_deref()?, host)
}

fn by_address(store: &Store, ip: &str) -> Resolved {
    let has_ip = |s: &Service| {
        s.spec
            .as_ref()
            .and_then(|s| s.cluster_ip.as_deref())
            .is_some_and(|c| c == ip)
    };
    if let Some(service) = store.list_as::<Service>(None).into_iter().find(has_ip) {
        return Resolved::Service {
            ip: ip.to_string(),
            service: Box::new(service),
        };
    }
    let pod_has_ip = |p: &Pod| {
        p.status
            .as_ref()
            .and_then(|s| s.pod_ip.as_deref())
            .is_some_and(|p| p == ip)
    };
    match store.list_as::<Pod>(None).into_iter().find(pod_has_ip) {
        Some(pod) => Resolved::Pod {
            ip: ip.to_string(),
            pod: Box::new(pod),
        },
        None => Resolved::Nowhere { ip: ip.to_string() },
    }
}

fn headless_pod(store: &Store, namespace: &str, service: &Service) -> Option<Resolved> {
    let endpoints: Endpoints = store.get_as(namespace, service.metadata.name.as_deref()?)?;
    let addresses: Vec<_> = endpoints
        .subsets
        .unwrap_or_default()
        .into_iter()
        .flat_map(|s| s.addresses.unwrap_or_default())
        .collect();
    let address = addresses.get(fastrand::usize(..addresses.len().max(1)))?;
    let pod: Pod = store.get_as(namespace, address.target_ref.as_ref()?.name.as_deref()?)?;
    Some(Resolved::Pod {
        ip: address.ip.clone(),
        pod: Box::new(pod),
    })
}
