//! The Containers sections of describe, for pods (with status) and pod templates.

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, PodTemplateSpec, ResourceRequirements,
};

use super::prefix_writer::{PrefixWriter, rfc1123};

/// Writes one container at `level` (its name line), with its status when known.
pub fn write_container(
    w: &mut PrefixWriter,
    level: usize,
    container: &Container,
    status: Option<&ContainerStatus>,
) {
    w.line(level, &format!("{}:", container.name));
    let l = level + 1;
    if let Some(s) = status {
        w.field(l, "Container ID", s.container_id.as_deref().unwrap_or(""));
    }
    w.field(l, "Image", container.image.as_deref().unwrap_or(""));
    if let Some(s) = status {
        w.field(l, "Image ID", &s.image_id);
    }
    let ports = container.ports.as_deref().unwrap_or(&[]);
    if ports.is_empty() {
        w.field(l, "Port", "<none>");
        w.field(l, "Host Port", "<none>");
    } else {
        let join = |f: &dyn Fn(&k8s_openapi::api::core::v1::ContainerPort) -> String| {
            ports.iter().map(f).collect::<Vec<_>>().join(", ")
        };
        let key = if ports.len() == 1 { "Port" } else { "Ports" };
        w.field(
            l,
            key,
            join(&|p| format!("{}/{}", p.container_port, proto(p.protocol.as_deref()))),
        );
        let key = if ports.len() == 1 {
            "Host Port"
        } else {
            "Host Ports"
        };
        w.field(
            l,
            key,
            join(&|p| {
                format!(
                    "{}/{}",
                    p.host_port.unwrap_or(0),
                    proto(p.protocol.as_deref())
                )
            }),
        );
    }
    if let Some(command) = container.command.as_ref().filter(|c| !c.is_empty()) {
        w.line(l, "Command:");
        for part in command {
            w.line(l + 1, part);
        }
    }
    if let Some(args) = container.args.as_ref().filter(|a| !a.is_empty()) {
        w.line(l, "Args:");
        for part in args {
            w.line(l + 1, part);
        }
    }
    if let Some(s) = status {
        write_state(w, l, "State", s.state.as_ref());
        if s.last_state.as_ref().is_some_and(|ls| {
            ls.running.is_some() || ls.terminated.is_some() || ls.waiting.is_some()
        }) {
            write_state(w, l, "Last State", s.last_state.as_ref());
        }
        w.field(l, "Ready", if s.ready { "True" } else { "False" });
        w.field(l, "Restart Count", s.restart_count);
    }
    write_resources(w, l, container.resources.as_ref());
    if let Some(probe) = &container.readiness_probe {
        w.field(l, "Readiness", probe_text(probe));
    }
    if let Some(probe) = &container.liveness_probe {
        w.field(l, "Liveness", probe_text(probe));
    }
    let env = container.env.as_deref().unwrap_or(&[]);
    if env.is_empty() {
        w.field(l, "Environment", "<none>");
    } else {
        w.line(l, "Environment:");
        for e in env {
            let value = match (&e.value, &e.value_from) {
                (Some(v), _) => v.clone(),
                (None, Some(_)) => "<set from a reference>".to_owned(),
                (None, None) => String::new(),
            };
            w.field(l + 1, &e.name, value);
        }
    }
    let mounts = container.volume_mounts.as_deref().unwrap_or(&[]);
    if mounts.is_empty() {
        w.field(l, "Mounts", "<none>");
    } else {
        w.line(l, "Mounts:");
        for m in mounts {
            let mode = if m.read_only == Some(true) {
                "ro"
            } else {
                "rw"
            };
            w.line(l + 1, &format!("{} from {} ({mode})", m.mount_path, m.name));
        }
    }
}

fn proto(p: Option<&str>) -> &str {
    p.unwrap_or("TCP")
}

fn probe_text(probe: &k8s_openapi::api::core::v1::Probe) -> String {
    let action = if let Some(h) = &probe.http_get {
        let port = match &h.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        };
        format!(
            "http-get {}://:{port}{}",
            h.scheme.as_deref().unwrap_or("HTTP").to_lowercase(),
            h.path.as_deref().unwrap_or("")
        )
    } else if let Some(t) = &probe.tcp_socket {
        format!("tcp-socket :{:?}", t.port)
    } else if let Some(e) = &probe.exec {
        format!("exec {:?}", e.command.clone().unwrap_or_default())
    } else {
        "unknown".to_owned()
    };
    format!(
        "{action} delay={}s timeout={}s period={}s #success={} #failure={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.timeout_seconds.unwrap_or(1),
        probe.period_seconds.unwrap_or(10),
        probe.success_threshold.unwrap_or(1),
        probe.failure_threshold.unwrap_or(3)
    )
}

fn write_resources(w: &mut PrefixWriter, level: usize, resources: Option<&ResourceRequirements>) {
    let Some(r) = resources else { return };
    for (title, map) in [("Limits", &r.limits), ("Requests", &r.requests)] {
        if let Some(map) = map.as_ref().filter(|m| !m.is_empty()) {
            w.line(level, &format!("{title}:"));
            for (k, v) in map {
                w.field(level + 1, k, &v.0);
            }
        }
    }
}

fn write_state(w: &mut PrefixWriter, level: usize, key: &str, state: Option<&ContainerState>) {
    let Some(state) = state else {
        w.field(level, key, "Waiting");
        return;
    };
    if let Some(r) = &state.running {
        w.field(level, key, "Running");
        if let Some(t) = &r.started_at {
            w.field(level + 1, "Started", rfc1123(t.0));
        }
    } else if let Some(wt) = &state.waiting {
        w.field(level, key, "Waiting");
        if let Some(reason) = &wt.reason {
            w.field(level + 1, "Reason", reason);
        }
    } else if let Some(t) = &state.terminated {
        w.field(level, key, "Terminated");
        if let Some(reason) = &t.reason {
            w.field(level + 1, "Reason", reason);
        }
        if let Some(message) = &t.message {
            w.field(level + 1, "Message", message);
        }
        w.field(level + 1, "Exit Code", t.exit_code);
        if let Some(signal) = t.signal.filter(|s| *s != 0) {
            w.field(level + 1, "Signal", signal);
        }
        if let Some(s) = &t.started_at {
            w.field(level + 1, "Started", rfc1123(s.0));
        }
        if let Some(f) = &t.finished_at {
            w.field(level + 1, "Finished", rfc1123(f.0));
        }
    } else {
        w.field(level, key, "Waiting");
    }
}

/// The `Pod Template:` section of Deployments and ReplicaSets.
pub fn write_pod_template(w: &mut PrefixWriter, template: Option<&PodTemplateSpec>) {
    w.line(0, "Pod Template:");
    let Some(template) = template else {
        w.line(1, "<none>");
        return;
    };
    let meta = template.metadata.as_ref();
    w.labels(1, "Labels", meta.and_then(|m| m.labels.as_ref()));
    if let Some(a) = meta
        .and_then(|m| m.annotations.as_ref())
        .filter(|a| !a.is_empty())
    {
        w.annotations(1, "Annotations", Some(a));
    }
    let Some(spec) = template.spec.as_ref() else {
        return;
    };
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.field(1, "Service Account", sa);
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        w.line(1, "Init Containers:");
        for c in init {
            write_container(w, 2, c, None);
        }
    }
    w.line(1, "Containers:");
    for c in &spec.containers {
        write_container(w, 2, c, None);
    }
}
