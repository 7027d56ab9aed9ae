//! The environment a process in a container sees, as the kubelet and the image
//! make it: the image's variables (`PATH`, nginx's `NGINX_VERSION`), `HOSTNAME`,
//! the Docker-links-style variables of the Services of the pod's namespace
//! (`MYAPP_SVC_SERVICE_HOST`...; only the `kubernetes` Service's when the pod sets
//! `enableServiceLinks: false`), then the container's own `env` and `envFrom`
//! (values, `$(VAR)` references, fields, ConfigMap and Secret keys).

use std::fmt::Write as _;

use k8s_openapi::api::core::v1::{ConfigMap, Container, EnvVar, Pod, Secret, Service};

use crate::sim::images::{Server, Userland};
use crate::sim::store::Store;

/// The `PATH` of the images the simulation knows.
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The environment of `container` in `pod`, in the order `env` prints it.
pub fn environment(
    store: &Store,
    pod: &Pod,
    container: &Container,
    tty: bool,
) -> Vec<(String, String)> {
    let image = container.image.as_deref().unwrap_or_default();
    let mut env = Env::default();
    if Userland::of(image) != Userland::Distroless {
        env.set("PATH", PATH);
    }
    env.set("HOSTNAME", pod.metadata.name.as_deref().unwrap_or_default());
    if tty {
        env.set("TERM", "xterm");
    }
    if let Server::Nginx { version } = Server::of(image) {
        env.set("NGINX_VERSION", &version);
    }
    for (name, value) in service_links(store, pod) {
        env.set(&name, &value);
    }
    for from in container.env_from.iter().flatten() {
        let prefix = from.prefix.as_deref().unwrap_or_default();
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let pairs: Vec<(String, String)> = if let Some(r) = &from.config_map_ref {
            store
                .get_as::<ConfigMap>(namespace, &r.name)
                .and_then(|c| c.data)
                .into_iter()
                .flatten()
                .collect()
        } else if let Some(r) = &from.secret_ref {
            store
                .get_as::<Secret>(namespace, &r.name)
                .and_then(|s| s.data)
                .into_iter()
                .flatten()
                .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
                .collect()
        } else {
            Vec::new()
        };
        for (k, v) in pairs {
            env.set(&format!("{prefix}{k}"), &v);
        }
    }
    for var in container.env.iter().flatten() {
        let value = env_value(store, pod, var, &env);
        env.set(&var.name, &value);
    }
    env.set("HOME", "/root");
    env.0
}

/// An ordered environment where setting a name again replaces its value in place.
#[derive(Default)]
struct Env(Vec<(String, String)>);

impl Env {
    fn set(&mut self, name: &str, value: &str) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.0.push((name.to_string(), value.to_string())),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn env_value(store: &Store, pod: &Pod, var: &EnvVar, env: &Env) -> String {
    if let Some(value) = &var.value {
        return expand_references(value, env);
    }
    let Some(from) = &var.value_from else {
        return String::new();
    };
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    if let Some(field) = &from.field_ref {
        return field_value(pod, &field.field_path);
    }
    if let Some(key) = &from.config_map_key_ref {
        return store
            .get_as::<ConfigMap>(namespace, &key.name)
            .and_then(|c| c.data?.get(&key.key).cloned())
            .unwrap_or_default();
    }
    if let Some(key) = &from.secret_key_ref {
        return store
            .get_as::<Secret>(namespace, &key.name)
            .and_then(|s| s.data?.get(&key.key).cloned())
            .map(|b| String::from_utf8_lossy(&b.0).into_owned())
            .unwrap_or_default();
    }
    String::new()
}

/// `$(NAME)` replaced by an earlier variable's value (unknown references stay as
/// written), `$$` by `$`, as the kubelet expands them.
fn expand_references(value: &str, env: &Env) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some((name, tail)) = after.strip_prefix('(').and_then(|a| a.split_once(')')) {
            match env.get(name) {
                Some(v) => out.push_str(v),
                None => {
                    let _ = write!(out, "$({name})");
                }
            }
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn field_value(pod: &Pod, path: &str) -> String {
    let meta = &pod.metadata;
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    let keyed = |map: Option<&std::collections::BTreeMap<String, String>>, prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|k| k.strip_suffix("']"))
            .and_then(|k| map?.get(k).cloned())
    };
    match path {
        "metadata.name" => meta.name.clone(),
        "metadata.namespace" => meta.namespace.clone(),
        "metadata.uid" => meta.uid.clone(),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()),
        "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()),
        "status.hostIP" => status.and_then(|s| s.host_ip.clone()),
        _ => keyed(meta.labels.as_ref(), "metadata.labels['")
            .or_else(|| keyed(meta.annotations.as_ref(), "metadata.annotations['")),
    }
    .unwrap_or_default()
}

/// The variables of the Services a pod sees: those of its namespace with a cluster IP,
/// and always the API server's `kubernetes` Service.
fn service_links(store: &Store, pod: &Pod) -> Vec<(String, String)> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let links = pod
        .spec
        .as_ref()
        .and_then(|s| s.enable_service_links)
        .unwrap_or(true);
    let mut services: Vec<Service> = if links {
        store.list_as(Some(namespace))
    } else {
        Vec::new()
    };
    if (namespace != "default" || !links)
        && let Some(api) = store.get_as::<Service>("default", "kubernetes")
    {
        services.push(api);
    }
    services.iter().flat_map(service_variables).collect()
}

fn service_variables(service: &Service) -> Vec<(String, String)> {
    let Some(spec) = &service.spec else {
        return Vec::new();
    };
    let ip = spec.cluster_ip.as_deref().unwrap_or_default();
    if ip.is_empty() || ip == "None" {
        return Vec::new();
    }
    let prefix = service
        .metadata
        .name
        .as_deref()
        .unwrap_or_default()
        .to_ascii_uppercase()
        .replace('-', "_");
    let ports = spec.ports.as_deref().unwrap_or_default();
    let mut vars = vec![(format!("{prefix}_SERVICE_HOST"), ip.to_string())];
    let Some(first) = ports.first() else {
        return vars;
    };
    vars.push((format!("{prefix}_SERVICE_PORT"), first.port.to_string()));
    for p in ports {
        if let Some(name) = &p.name {
            vars.push((
                format!(
                    "{prefix}_SERVICE_PORT_{}",
                    name.to_ascii_uppercase().replace('-', "_")
                ),
                p.port.to_string(),
            ));
        }
    }
    let proto = |p: &k8s_openapi::api::core::v1::ServicePort| {
        p.protocol.as_deref().unwrap_or("TCP").to_ascii_lowercase()
    };
    vars.push((
        format!("{prefix}_PORT"),
        format!("{}://{ip}:{}", proto(first), first.port),
    ));
    for p in ports {
        let proto = proto(p);
        let base = format!("{prefix}_PORT_{}_{}", p.port, proto.to_ascii_uppercase());
        vars.push((base.clone(), format!("{proto}://{ip}:{}", p.port)));
        vars.push((format!("{base}_PROTO"), proto));
        vars.push((format!("{base}_PORT"), p.port.to_string()));
        vars.push((format!("{base}_ADDR"), ip.to_string()));
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_expand_as_the_kubelet_does() {
        let mut env = Env::default();
        env.set("A", "one");
        assert_eq!(
            expand_references("x-$(A)-$(B)-$$(A)", &env),
            "x-one-$(B)-$(A)"
        );
    }

    #[test]
    fn a_service_gives_docker_link_variables() {
        let service: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "myapp-svc"},
            "spec": {"clusterIP": "10.96.112.37", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}
        }))
        .unwrap();
        let vars = service_variables(&service);
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("MYAPP_SVC_SERVICE_HOST"), Some("10.96.112.37"));
        assert_eq!(get("MYAPP_SVC_SERVICE_PORT_HTTP"), Some("80"));
        assert_eq!(get("MYAPP_SVC_PORT"), Some("tcp://10.96.112.37:80"));
        assert_eq!(get("MYAPP_SVC_PORT_80_TCP_ADDR"), Some("10.96.112.37"));
    }
}
