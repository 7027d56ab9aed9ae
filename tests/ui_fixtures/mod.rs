//! Hand-built rows that look like the embedded cluster's seed scenario, at a fixed "now",
//! so screen snapshots are deterministic. myapp-deploy is mid-rollout (a canary):
//! revision 1 (nginx:1.24) still has two pods, revision 2 (nginx:1.25) has two, one starting.

#![allow(
    dead_code,
    clippy::too_many_arguments,
    clippy::unnecessary_wraps,
    reason = "fixture builders; each test binary uses a different part"
)]

use std::collections::BTreeMap;

use jiff::Timestamp;
use kdeck::app::state::State;
use kdeck::app::{Msg, update};
use kdeck::cluster::{
    AddressRow, Amounts, ClusterUpdate, ConditionRow, ContainerResources, ContainerRow, CronJobRow,
    DaemonSetRow, DeploymentRow, Detail, EndpointSliceRow, EndpointsRow, EventRow, Health, JobRow,
    KeysRow, Kind, Meta, NamespaceRow, NodeRow, OwnerRef, PodRow, ReplicaSetRow, Row, ServiceRow,
    StatefulSetRow, WatchState,
};
use kdeck::keymap::Keymap;
use kdeck::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// `state` drawn on a `TestBackend` of its size.
pub fn render(state: &State) -> Buffer {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| kdeck::ui::draw(state, f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen's text, one line per row, trailing blanks trimmed.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The fixed "now" of every fixture.
pub fn now() -> Timestamp {
    "2026-11-30T09:00:00Z".parse().expect("valid timestamp")
}

/// `seconds` before [`now`].
pub fn ago(seconds: i64) -> Option<Timestamp> {
    Some(Timestamp::from_second(now().as_second() - seconds).expect("in range"))
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn meta(namespace: &str, name: &str, age: i64) -> Meta {
    Meta {
        namespace: namespace.into(),
        name: name.to_owned(),
        resource_version: "1".to_owned(),
        created: ago(age),
        ..Meta::default()
    }
}

fn owned(mut m: Meta, kind: &str, owner: &str) -> Meta {
    m.owner = Some(
        OwnerRef {
            kind: kind.into(),
            name: owner.into(),
            uid: format!("uid-{owner}").into(),
        }
        .shared(),
    );
    m
}

fn row(meta: Meta, detail: Detail, health: Health) -> Row {
    Row {
        meta,
        detail,
        health,
    }
}

/// A pod row.
pub fn pod(ns: &str, name: &str, rs: Option<&str>, status: &str, ready: bool, age: i64) -> Row {
    let app = name.split('-').next().unwrap_or(name);
    let mut m = meta(ns, name, age);
    m.labels = labels(&[("app", app)]).into();
    if let Some(rs) = rs {
        m = owned(m, "ReplicaSet", rs);
        if let Some(hash) = rs.rsplit('-').next() {
            m.labels.insert("pod-template-hash", hash);
        }
    }
    let health = match status {
        "Running" if ready => Health::Ok,
        "Running" | "Pending" | "ContainerCreating" => Health::Warn,
        "Terminating" => Health::Dim,
        _ => Health::Err,
    };
    let restarts = if status == "CrashLoopBackOff" { 5 } else { 0 };
    let image = if rs.is_some_and(|r| r.ends_with("7c5ddbdf54")) {
        "nginx:1.25"
    } else {
        "nginx:1.24"
    };
    let seq = name.bytes().map(u32::from).sum::<u32>() % 200 + 10;
    row(
        m,
        Detail::Pod(PodRow {
            ready: u32::from(ready),
            total: 1,
            status: status.into(),
            restarts,
            last_restart: (restarts > 0).then(|| ago(40)).flatten(),
            ip: (status != "ContainerCreating").then(|| format!("10.244.1.{seq}")),
            node: Some(
                if seq % 2 == 0 {
                    "kdeck-worker"
                } else {
                    "kdeck-worker2"
                }
                .into(),
            ),
            phase: if ready { "Running" } else { "Pending" }.into(),
            containers: vec![ContainerRow {
                name: app.into(),
                image: image.into(),
                ready,
                restarts,
                state: if ready {
                    "Running".into()
                } else {
                    format!("Waiting ({status})").into()
                },
                init: false,
                resources: ContainerResources {
                    requests: Amounts {
                        cpu_millis: Some(100),
                        memory_bytes: Some(64 * 1024 * 1024),
                    },
                    limits: Amounts {
                        cpu_millis: Some(500),
                        memory_bytes: Some(128 * 1024 * 1024),
                    },
                },
            }]
            .into(),
        }),
        health,
    )
}

fn rs(
    ns: &str,
    name: &str,
    deploy: &str,
    rev: i64,
    replicas: i32,
    ready: i32,
    image: &str,
    age: i64,
) -> Row {
    let hash = name.rsplit('-').next().unwrap_or_default();
    let app = deploy.split('-').next().unwrap_or(deploy);
    let mut m = owned(meta(ns, name, age), "Deployment", deploy);
    m.labels = labels(&[("app", app), ("pod-template-hash", hash)]).into();
    row(
        m,
        Detail::ReplicaSet(Box::new(ReplicaSetRow {
            desired: replicas,
            current: replicas,
            ready,
            available: ready,
            revision: Some(rev),
            images: vec![image.to_owned()],
            template_hash: Some(hash.to_owned()),
            change_cause: Some(format!(
                "kubectl set image deployment/{deploy} {app}={image}"
            )),
            selector: labels(&[("app", app), ("pod-template-hash", hash)]),
        })),
        if ready == replicas {
            Health::Ok
        } else {
            Health::Warn
        },
    )
}

fn deploy(
    ns: &str,
    name: &str,
    desired: i32,
    updated: i32,
    ready: i32,
    rev: i64,
    image: &str,
    age: i64,
) -> Row {
    let app = name.split('-').next().unwrap_or(name);
    let mut m = meta(ns, name, age);
    m.labels = labels(&[("app", app)]).into();
    row(
        m,
        Detail::Deployment(Box::new(DeploymentRow {
            desired,
            current: desired.max(updated + (desired - updated)),
            updated,
            ready,
            available: ready,
            unavailable: desired - ready,
            paused: false,
            canary: false,
            canary_plan: None,
            strategy: "RollingUpdate".to_owned(),
            max_surge: Some("25%".to_owned()),
            max_unavailable: Some("25%".to_owned()),
            min_ready_seconds: 0,
            revision: Some(rev),
            images: vec![image.to_owned()],
            selector: labels(&[("app", app)]),
            generation: rev,
            observed_generation: rev,
            conditions: vec![ConditionRow {
                type_: "Available".into(),
                status: "True".into(),
                reason: "MinimumReplicasAvailable".into(),
                message: "Deployment has minimum availability.".into(),
            }],
        })),
        if ready == desired && updated == desired {
            Health::Ok
        } else {
            Health::Warn
        },
    )
}

fn event(
    ns: &str,
    name: &str,
    type_: &str,
    reason: &str,
    kind: &str,
    object: &str,
    message: &str,
    last: i64,
    count: i32,
) -> Row {
    row(
        meta(ns, name, last + 30),
        Detail::Event(Box::new(EventRow {
            type_: type_.to_owned(),
            reason: reason.to_owned(),
            object_kind: kind.to_owned(),
            object_name: object.to_owned(),
            object_namespace: ns.to_owned(),
            message: message.to_owned(),
            count,
            first_seen: ago(last + 30),
            last_seen: ago(last),
        })),
        if type_ == "Warning" {
            Health::Err
        } else {
            Health::Neutral
        },
    )
}

fn address(ip: &str, pod: &str, ready: bool) -> AddressRow {
    AddressRow {
        ip: ip.to_owned(),
        pod: Some(pod.to_owned()),
        node: Some("kdeck-worker".to_owned()),
        ready,
    }
}

/// The rows of `kind` in the fixture cluster.
pub fn rows(kind: Kind) -> Vec<Row> {
    const OLD: &str = "myapp-deploy-5b8d7f9c6d";
    const NEW: &str = "myapp-deploy-7c5ddbdf54";
    const HELLO: &str = "hello-deploy-6f8d4b7c9";
    let d = "default";
    match kind {
        Kind::Pod => vec![
            pod(
                d,
                "myapp-deploy-5b8d7f9c6d-4xk2p",
                Some(OLD),
                "Running",
                true,
                3 * 86_400 + 7200,
            ),
            pod(
                d,
                "myapp-deploy-5b8d7f9c6d-9qwzt",
                Some(OLD),
                "Terminating",
                true,
                3 * 86_400 + 7200,
            ),
            pod(
                d,
                "myapp-deploy-7c5ddbdf54-h7lmn",
                Some(NEW),
                "Running",
                true,
                95,
            ),
            pod(
                d,
                "myapp-deploy-7c5ddbdf54-tz8vb",
                Some(NEW),
                "ContainerCreating",
                false,
                12,
            ),
            pod(
                d,
                "hello-deploy-6f8d4b7c9-kq2xd",
                Some(HELLO),
                "Running",
                true,
                5 * 3600 + 600,
            ),
            pod(
                d,
                "dnsutil-rs-p8w5k",
                Some("dnsutil-rs"),
                "Running",
                true,
                26 * 3600,
            ),
            pod(d, "testqc", None, "CrashLoopBackOff", false, 650),
            pod(d, "web-0", None, "Running", true, 2 * 86_400),
            pod(d, "web-1", None, "Pending", false, 2 * 86_400),
            pod(
                "kube-system",
                "kube-proxy-8fj2k",
                None,
                "Running",
                true,
                10 * 86_400,
            ),
            pod(
                "kube-system",
                "coredns-5d78c9869d-abcde",
                None,
                "Running",
                true,
                10 * 86_400,
            ),
        ],
        Kind::ReplicaSet => vec![
            rs(
                d,
                OLD,
                "myapp-deploy",
                1,
                2,
                2,
                "nginx:1.24",
                3 * 86_400 + 7200,
            ),
            rs(d, NEW, "myapp-deploy", 2, 2, 1, "nginx:1.25", 95),
            rs(
                d,
                "myapp-deploy-59c6f4b8d5",
                "myapp-deploy",
                0,
                0,
                0,
                "nginx:1.23",
                4 * 86_400,
            )
            .with_revision(None),
            rs(
                d,
                HELLO,
                "hello-deploy",
                1,
                1,
                1,
                "gcr.io/google-samples/hello-app:1.0",
                5 * 3600 + 600,
            ),
            {
                let mut r = rs(
                    d,
                    "dnsutil-rs",
                    "",
                    1,
                    1,
                    1,
                    "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3",
                    26 * 3600,
                );
                r.meta.owner = None;
                r
            },
        ],
        Kind::Deployment => vec![
            deploy(
                d,
                "myapp-deploy",
                3,
                2,
                3,
                2,
                "nginx:1.25",
                3 * 86_400 + 7200,
            ),
            deploy(
                d,
                "hello-deploy",
                1,
                1,
                1,
                1,
                "gcr.io/google-samples/hello-app:1.0",
                5 * 3600 + 600,
            ),
        ],
        Kind::StatefulSet => vec![row(
            meta(d, "web", 2 * 86_400),
            Detail::StatefulSet(Box::new(StatefulSetRow {
                desired: 2,
                ready: 1,
                images: vec!["nginx:1.25".into()],
            })),
            Health::Warn,
        )],
        Kind::DaemonSet => vec![row(
            meta("kube-system", "kube-proxy", 10 * 86_400),
            Detail::DaemonSet(Box::new(DaemonSetRow {
                desired: 3,
                current: 3,
                ready: 3,
                available: 3,
                images: vec!["registry.k8s.io/kube-proxy:v1.33.0".into()],
            })),
            Health::Ok,
        )],
        Kind::Service => vec![
            service(
                d,
                "kubernetes",
                "ClusterIP",
                "10.96.0.1",
                "443/TCP",
                &[],
                10 * 86_400,
            ),
            service(
                d,
                "myapp-svc",
                "NodePort",
                "10.96.120.15",
                "80:30080/TCP",
                &[("app", "myapp")],
                3 * 86_400,
            ),
            service(
                d,
                "hello-svc",
                "ClusterIP",
                "10.96.44.2",
                "8080/TCP",
                &[("app", "hello")],
                5 * 3600,
            ),
        ],
        Kind::Endpoints => vec![
            endpoints(
                d,
                "kubernetes",
                vec![AddressRow {
                    ip: "172.18.0.2".into(),
                    pod: None,
                    node: None,
                    ready: true,
                }],
                "6443/TCP",
            ),
            endpoints(
                d,
                "myapp-svc",
                vec![
                    address("10.244.1.21", "myapp-deploy-5b8d7f9c6d-4xk2p", true),
                    address("10.244.1.33", "myapp-deploy-7c5ddbdf54-h7lmn", true),
                    address("10.244.1.40", "myapp-deploy-7c5ddbdf54-tz8vb", false),
                ],
                "80/TCP",
            ),
            endpoints(
                d,
                "hello-svc",
                vec![address("10.244.1.50", "hello-deploy-6f8d4b7c9-kq2xd", true)],
                "8080/TCP",
            ),
        ],
        Kind::EndpointSlice => vec![row(
            meta(d, "myapp-svc-x7k2p", 3 * 86_400),
            Detail::EndpointSlice(Box::new(EndpointSliceRow {
                service: Some("myapp-svc".into()),
                address_type: "IPv4".into(),
                endpoints: vec![
                    address("10.244.1.21", "myapp-deploy-5b8d7f9c6d-4xk2p", true),
                    address("10.244.1.40", "myapp-deploy-7c5ddbdf54-tz8vb", false),
                ],
                ports: vec!["80/TCP".into()],
            })),
            Health::Warn,
        )],
        Kind::Event => vec![
            event(
                d,
                "myapp-deploy.1",
                "Normal",
                "ScalingReplicaSet",
                "Deployment",
                "myapp-deploy",
                "Scaled up replica set myapp-deploy-7c5ddbdf54 to 2 from 1",
                20,
                1,
            ),
            event(
                d,
                "myapp-deploy.2",
                "Normal",
                "ScalingReplicaSet",
                "Deployment",
                "myapp-deploy",
                "Scaled down replica set myapp-deploy-5b8d7f9c6d to 2 from 3",
                15,
                1,
            ),
            event(
                d,
                "tz8vb.1",
                "Normal",
                "Pulling",
                "Pod",
                "myapp-deploy-7c5ddbdf54-tz8vb",
                "Pulling image \"nginx:1.25\"",
                10,
                1,
            ),
            event(
                d,
                "testqc.1",
                "Warning",
                "BackOff",
                "Pod",
                "testqc",
                "Back-off restarting failed container testqc in pod testqc_default",
                40,
                12,
            ),
            event(
                d,
                "web-1.1",
                "Warning",
                "FailedScheduling",
                "Pod",
                "web-1",
                "0/3 nodes are available: 3 Insufficient memory.",
                300,
                30,
            ),
        ],
        Kind::Node => ["kdeck-control-plane", "kdeck-worker", "kdeck-worker2"]
            .iter()
            .enumerate()
            .map(|(i, n)| {
                row(
                    meta("", n, 10 * 86_400),
                    Detail::Node(Box::new(NodeRow {
                        status: "Ready".into(),
                        roles: if i == 0 {
                            "control-plane".into()
                        } else {
                            "<none>".into()
                        },
                        version: "v1.33.0".into(),
                        internal_ip: format!("172.18.0.{}", i + 2),
                        allocatable: Amounts {
                            cpu_millis: Some(8000),
                            memory_bytes: Some(16_336_412 * 1024),
                        },
                        pod_capacity: Some(110),
                    })),
                    Health::Ok,
                )
            })
            .collect(),
        Kind::Namespace => [
            "default",
            "kube-node-lease",
            "kube-public",
            "kube-system",
            "dev",
        ]
        .iter()
        .map(|n| {
            row(
                meta("", n, 10 * 86_400),
                Detail::Namespace(Box::new(NamespaceRow {
                    status: "Active".into(),
                })),
                Health::Ok,
            )
        })
        .collect(),
        Kind::ConfigMap => vec![
            row(
                meta(d, "kube-root-ca.crt", 10 * 86_400),
                Detail::ConfigMap(Box::new(KeysRow {
                    type_: String::new(),
                    keys: vec!["ca.crt".into()],
                })),
                Health::Neutral,
            ),
            row(
                meta(d, "myapp-config", 3 * 86_400),
                Detail::ConfigMap(Box::new(KeysRow {
                    type_: String::new(),
                    keys: vec!["index.html".into(), "nginx.conf".into()],
                })),
                Health::Neutral,
            ),
        ],
        Kind::Secret => vec![row(
            meta(d, "myapp-secret", 3 * 86_400),
            Detail::Secret(Box::new(KeysRow {
                type_: "Opaque".into(),
                keys: vec!["password".into(), "username".into()],
            })),
            Health::Neutral,
        )],
        Kind::CronJob => vec![row(
            meta(d, "hello-cron", 4 * 86_400),
            Detail::CronJob(Box::new(CronJobRow {
                schedule: "*/5 * * * *".into(),
                time_zone: None,
                suspend: false,
                active: 0,
                last_schedule: ago(90),
                last_successful: ago(85),
                images: vec!["busybox:1.28".into()],
            })),
            Health::Ok,
        )],
        Kind::Job => vec![
            row(
                meta(d, "hello-cron-29979357", 90),
                Detail::Job(Box::new(JobRow {
                    status: "Complete".into(),
                    succeeded: 1,
                    completions: Some(1),
                    parallelism: 1,
                    active: 0,
                    failed: 0,
                    started: ago(90),
                    completed: ago(85),
                    images: vec!["busybox:1.28".into()],
                })),
                Health::Ok,
            ),
            row(
                meta(d, "pi", 600),
                Detail::Job(Box::new(JobRow {
                    status: "Running".into(),
                    succeeded: 0,
                    completions: Some(1),
                    parallelism: 1,
                    active: 1,
                    failed: 0,
                    started: ago(600),
                    completed: None,
                    images: vec!["perl:5.34.0".into()],
                })),
                Health::Warn,
            ),
        ],
        Kind::Other(_) => Vec::new(),
    }
}

trait WithRevision {
    fn with_revision(self, rev: Option<i64>) -> Self;
}

impl WithRevision for Row {
    fn with_revision(mut self, rev: Option<i64>) -> Self {
        if let Detail::ReplicaSet(r) = &mut self.detail {
            r.revision = rev;
        }
        self
    }
}

fn service(
    ns: &str,
    name: &str,
    type_: &str,
    ip: &str,
    ports: &str,
    selector: &[(&str, &str)],
    age: i64,
) -> Row {
    row(
        meta(ns, name, age),
        Detail::Service(Box::new(ServiceRow {
            type_: type_.into(),
            cluster_ip: ip.into(),
            external_ip: "<none>".into(),
            ports: ports.into(),
            selector: labels(selector),
        })),
        Health::Neutral,
    )
}

fn endpoints(ns: &str, name: &str, addresses: Vec<AddressRow>, port: &str) -> Row {
    row(
        meta(ns, name, 3 * 86_400),
        Detail::Endpoints(Box::new(EndpointsRow {
            addresses,
            ports: vec![port.into()],
        })),
        Health::Ok,
    )
}

/// Every kind the fixture cluster has.
pub const KINDS: [Kind; 15] = kdeck::app::state::PANES;

/// A state on `kind` in namespace `default`, every store loaded and live, at `size`.
pub fn state(kind: Kind, size: (u16, u16)) -> State {
    let mut state = State::new(
        kind,
        Some("default".into()),
        Keymap::default_keymap(),
        Theme::dark(),
    );
    state.now = now();
    state.connection.context = "kdeck-demo".into();
    state.connection.server = "https://127.0.0.1:6443".into();
    state.connection.server_version = Some("v1.33.0".into());
    state.connection.contexts = vec!["kdeck-demo".into(), "staging".into()];
    let _ = update(&mut state, Msg::Resize(size.0, size.1));
    for kind in KINDS {
        let _ = update(
            &mut state,
            Msg::Cluster(vec![ClusterUpdate::Reset {
                kind,
                rows: rows(kind),
            }]),
        );
        let _ = update(
            &mut state,
            Msg::Cluster(vec![ClusterUpdate::State {
                kind,
                state: WatchState::Live,
            }]),
        );
    }
    state.refresh_views();
    state
}
