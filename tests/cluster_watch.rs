//! The cluster layer against the embedded cluster over HTTP: the initial Reset,
//! Applied on create/scale, Deleted, relist after 410 Gone, Forbidden for the
//! viewer on secrets while pods keep working, and the read-only layer (the
//! sim's request log shows no write arrived).

mod cluster_fixtures;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use cluster_fixtures::{connect, deployment_yaml};
use k8s_openapi::api::core::v1::ConfigMap;
use kdeck::cluster::object_yaml::{YamlOptions, fetch_object, view_yaml};
use kdeck::cluster::{Cluster, ClusterUpdate, Detail, Kind, ObjectKey, Row, WatchState};
use support::{TestSim, test_timeout};
use tokio::sync::mpsc;

/// What a pane would hold, rebuilt from the updates.
struct Pane {
    rx: mpsc::UnboundedReceiver<ClusterUpdate>,
    rows: BTreeMap<(String, String), Row>,
    states: Vec<WatchState>,
    resets: usize,
    deleted: Vec<String>,
    /// The keys named by the pages of a list under way.
    listed: Option<BTreeSet<(String, String)>>,
}

impl Pane {
    fn new(rx: mpsc::UnboundedReceiver<ClusterUpdate>) -> Self {
        Self {
            rx,
            rows: BTreeMap::new(),
            states: Vec::new(),
            resets: 0,
            deleted: Vec::new(),
            listed: None,
        }
    }

    fn apply(&mut self, update: ClusterUpdate) {
        match update {
            ClusterUpdate::Listed { rows, first, .. } => {
                let listed = self.listed.get_or_insert_with(Default::default);
                if first {
                    listed.clear();
                }
                for r in rows {
                    let key = (r.meta.namespace.to_string(), r.meta.name.clone());
                    listed.insert(key.clone());
                    self.rows.insert(key, r);
                }
            }
            ClusterUpdate::Reset { rows, .. } => {
                self.resets += 1;
                let rows: BTreeMap<_, _> = rows
                    .into_iter()
                    .map(|r| ((r.meta.namespace.to_string(), r.meta.name.clone()), r))
                    .collect();
                // After pages, the rows the list named stay; without pages, none does.
                let listed = self.listed.take().unwrap_or_default();
                self.rows.retain(|key, _| listed.contains(key));
                self.rows.extend(rows);
            }
            ClusterUpdate::Applied { rows, .. } => {
                for r in rows {
                    self.rows
                        .insert((r.meta.namespace.to_string(), r.meta.name.clone()), r);
                }
            }
            ClusterUpdate::Deleted { keys, .. } => {
                for key in keys {
                    self.rows.remove(&key);
                    self.deleted.push(key.1);
                }
            }
            ClusterUpdate::State { state, .. } => self.states.push(state),
            ClusterUpdate::Columns { .. } => {}
        }
    }

    /// Applies updates until `cond` holds; panics with `what` after the test timeout.
    async fn wait(&mut self, what: &str, cond: impl Fn(&Self) -> bool) {
        let held = self.wait_for(test_timeout(), cond).await;
        let statuses: Vec<String> = self
            .rows
            .values()
            .map(|r| match &r.detail {
                Detail::Pod(p) => format!("{} {} {}/{}", r.meta.name, p.status, p.ready, p.total),
                _ => r.meta.name.clone(),
            })
            .collect();
        assert!(
            held,
            "timed out waiting for: {what}; states {:?}; rows {statuses:?}",
            self.states
        );
    }

    /// Like `wait`, but returns whether `cond` held within `limit`.
    async fn wait_for(&mut self, limit: Duration, cond: impl Fn(&Self) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while !cond(self) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(update)) => self.apply(update),
                Ok(None) | Err(_) => return false,
            }
        }
        true
    }

    fn names_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.rows
            .keys()
            .filter(|(_, n)| n.starts_with(prefix))
            .map(|(_, n)| n.clone())
            .collect()
    }
}

fn watch(cluster: &Cluster, kind: Kind, ns: Option<&str>) -> (kdeck::cluster::WatchHandle, Pane) {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = cluster.watch(kind, ns.map(str::to_owned), tx);
    (handle, Pane::new(rx))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_reset_then_applied_on_create_and_scale_then_deleted() {
    let sim = TestSim::start();
    let cluster = connect(&sim, None, false).await;
    assert_eq!(cluster.namespace(), "default");
    assert!(cluster.server_version().await.unwrap().starts_with('v'));
    let (_h, mut pods) = watch(&cluster, Kind::Pod, Some("default"));
    pods.wait("Syncing, Reset, Live", |p| {
        p.resets == 1 && p.states.last() == Some(&WatchState::Live)
    })
    .await;
    assert_eq!(pods.states, [WatchState::Syncing, WatchState::Live]);

    sim.create_yaml(&deployment_yaml("web", 2));
    pods.wait("two web pods applied", |p| {
        p.names_with_prefix("web-").len() == 2
    })
    .await;
    pods.wait("web pods Running", |p| {
        p.rows.values().filter(|r| r.meta.name.starts_with("web-")).all(|r| {
            matches!(&r.detail, Detail::Pod(pod) if pod.status == "Running" && pod.ready == 1)
        })
    })
    .await;
    let owner = pods
        .rows
        .values()
        .find(|r| r.meta.name.starts_with("web-"))
        .unwrap();
    assert_eq!(owner.meta.owner.as_ref().unwrap().kind, "ReplicaSet");

    sim.scale_deployment("web", 3);
    pods.wait("a third web pod", |p| {
        p.names_with_prefix("web-").len() == 3
    })
    .await;

    let victim = pods.names_with_prefix("web-")[0].clone();
    sim.delete_pod(&victim);
    pods.wait("the deleted pod reported", |p| p.deleted.contains(&victim))
        .await;
    assert!(!pods.rows.contains_key(&("default".to_owned(), victim)));
    // No relist happened along the way.
    assert_eq!(pods.resets, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_after_compaction_relists_with_reconnecting_then_reset() {
    let sim = TestSim::start();
    let cluster = connect(&sim, None, false).await;
    let (_h, mut pods) = watch(&cluster, Kind::Pod, Some("default"));
    pods.wait("Live", |p| p.states.last() == Some(&WatchState::Live))
        .await;
    sim.create_yaml(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: solo, namespace: default}\nspec:\n  containers:\n  - {name: c, image: nginx:1.25}\n",
    );
    pods.wait("solo applied", |p| !p.names_with_prefix("solo").is_empty())
        .await;

    // Move the store past the watcher's resourceVersion (another kind), forget the
    // history and drop the watch: the watcher resumes from a compacted version.
    // A bookmark can slip in between; try again in that case.
    let mut reconnected = false;
    for i in 0..5 {
        let mut cm = ConfigMap::default();
        cm.metadata.name = Some(format!("bump-{i}"));
        cm.metadata.namespace = Some("default".to_owned());
        sim.store().create_as(&cm).unwrap();
        sim.store().compact();
        sim.disconnect_watches();
        if pods
            .wait_for(Duration::from_secs(5), |p| {
                p.states
                    .iter()
                    .any(|s| matches!(s, WatchState::Reconnecting { .. }))
            })
            .await
        {
            reconnected = true;
            break;
        }
    }
    assert!(reconnected, "no 410 Gone seen; states {:?}", pods.states);
    let reason = pods
        .states
        .iter()
        .find_map(|s| match s {
            WatchState::Reconnecting { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .unwrap();
    assert!(
        reason.contains("410") || reason.to_lowercase().contains("too old"),
        "{reason}"
    );
    pods.wait("relisted and Live again", |p| {
        p.resets == 2 && p.states.last() == Some(&WatchState::Live)
    })
    .await;
    assert!(
        !pods.names_with_prefix("solo").is_empty(),
        "the relist lost the pod"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewer_is_forbidden_on_secrets_while_pods_work() {
    let sim = TestSim::start();
    let cluster = connect(&sim, Some("kdeck-sim-viewer"), false).await;
    assert_eq!(cluster.context(), "kdeck-sim-viewer");
    let (_s, mut secrets) = watch(&cluster, Kind::Secret, Some("default"));
    let (_p, mut pods) = watch(&cluster, Kind::Pod, Some("default"));
    secrets
        .wait("Forbidden", |p| {
            p.states
                .iter()
                .any(|s| matches!(s, WatchState::Forbidden(_)))
        })
        .await;
    let WatchState::Forbidden(message) = secrets.states.last().unwrap() else {
        panic!("{:?}", secrets.states)
    };
    assert!(
        message.contains("viewer") && message.contains("secrets"),
        "{message}"
    );
    pods.wait("pods Live for the viewer", |p| {
        p.states.last() == Some(&WatchState::Live)
    })
    .await;
    // Retries stay quiet: one Forbidden, nothing after it. Two retries refused (the
    // third list) prove the first retry's refusal was handled.
    let refused = || {
        sim.requests()
            .iter()
            .filter(|r| r.path.contains("/secrets") && r.status == 403)
            .count()
    };
    support::wait_until_async(test_timeout(), "two retries of the secrets list", || {
        let lists = refused();
        async move { lists >= 3 }
    })
    .await;
    while let Ok(update) = secrets.rx.try_recv() {
        secrets.apply(update);
    }
    assert_eq!(
        secrets.states.len(),
        2,
        "the forbidden watch said more: {:?}",
        secrets.states
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_writes_and_the_server_sees_none() {
    use k8s_openapi::api::apps::v1::Deployment;
    use kube::api::{Api, Patch, PatchParams};

    let sim = TestSim::start();
    sim.create_yaml(&deployment_yaml("web", 1));
    let cluster = connect(&sim, None, true).await;
    let before = sim.requests().len();
    let deployments: Api<Deployment> = Api::namespaced(cluster.client(), "default");
    let patch = Patch::Merge(serde_json::json!({"spec": {"replicas": 5}}));
    let err = deployments
        .patch_scale("web", &PatchParams::default(), &patch)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    let err = deployments
        .delete("web", &kube::api::DeleteParams::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    // Reads still go through.
    assert!(deployments.get("web").await.is_ok());
    let sent: Vec<_> = sim.requests().into_iter().skip(before).collect();
    assert!(!sent.is_empty());
    for r in &sent {
        assert_eq!(
            r.method, "GET",
            "a write reached the server: {} {}",
            r.method, r.path
        );
    }
    assert_eq!(
        sim.store()
            .get_as::<Deployment>("default", "web")
            .unwrap()
            .spec
            .unwrap()
            .replicas,
        Some(1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yaml_masks_secrets_and_describe_shows_events() {
    let sim = TestSim::start();
    sim.create_yaml(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: default}\ndata: {password: aHVudGVyMg==}\n",
    );
    sim.create_yaml(&deployment_yaml("web", 1));
    let cluster = connect(&sim, None, false).await;
    let key = |kind, name: &str| ObjectKey {
        kind,
        namespace: "default".to_owned(),
        name: name.to_owned(),
    };
    // As the YAML view shows it: fetched whole, then managedFields dropped and values masked.
    let secret = fetch_object(cluster.client(), &key(Kind::Secret, "db"))
        .await
        .unwrap();
    let masked = view_yaml(&secret, YamlOptions::default());
    assert!(masked.starts_with("apiVersion: v1\n"), "{masked}");
    assert!(masked.contains("password: \"********\""), "{masked}");
    assert!(
        !masked.contains("aHVudGVyMg") && !masked.contains("managedFields"),
        "{masked}"
    );
    let revealed = view_yaml(
        &secret,
        YamlOptions {
            reveal_secrets: true,
            ..YamlOptions::default()
        },
    );
    assert!(revealed.contains("password: hunter2"), "{revealed}");

    let (_h, mut pods) = watch(&cluster, Kind::Pod, Some("default"));
    pods.wait("web pod Running", |p| {
        p.rows.values().any(|r| {
            r.meta.name.starts_with("web-")
                && matches!(&r.detail, Detail::Pod(pod) if pod.status == "Running")
        })
    })
    .await;
    let pod = pods.names_with_prefix("web-")[0].clone();
    let text = cluster.describe(&key(Kind::Pod, &pod)).await.unwrap();
    assert!(text.starts_with("Name:"), "{text}");
    assert!(
        text.contains("Controlled By:") && text.contains("Containers:\n  nginx:"),
        "{text}"
    );
    assert!(
        text.contains("Events:\n  Type"),
        "no events listed:\n{text}"
    );
    assert!(text.contains("  Normal  Scheduled"), "{text}");
    let text = cluster
        .describe(&key(Kind::Deployment, "web"))
        .await
        .unwrap();
    assert!(text.contains("NewReplicaSet:   web-"), "{text}");
    assert!(text.contains("ScalingReplicaSet"), "{text}");
    let err = cluster
        .describe(&key(Kind::Pod, "nope"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope") && err.contains("Pod"), "{err}");
}

/// The involved object's name of each event row.
fn involved(pane: &Pane) -> Vec<String> {
    pane.rows
        .values()
        .filter_map(|r| match &r.detail {
            Detail::Event(e) => Some(e.object_name.clone()),
            _ => None,
        })
        .collect()
}

fn scaled_to(pane: &Pane, deployment: &str, replicas: u32) -> bool {
    let to = format!(" to {replicas}");
    pane.rows.values().any(|r| {
        matches!(&r.detail, Detail::Event(e)
            if e.object_name == deployment && e.reason == "ScalingReplicaSet" && e.message.contains(&to))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_events_watch_keeps_only_the_events_of_its_deployments_objects() {
    use kdeck::cluster::watch::WatchScope;
    let sim = TestSim::start();
    let cluster = connect(&sim, None, false).await;
    let (_all_handle, mut all) = watch(&cluster, Kind::Event, Some("default"));
    let (tx, rx) = mpsc::unbounded_channel();
    let _scoped_handle = cluster.watch_scoped(
        Kind::Event,
        Some("default".to_owned()),
        WatchScope::EventsOf(vec![("default".into(), "myapp-deploy".into())]),
        tx,
    );
    let mut scoped = Pane::new(rx);
    let mine = |name: &str| name == "myapp-deploy" || name.starts_with("myapp-deploy-");
    for pane in [&mut all, &mut scoped] {
        pane.wait("the events listed", |p| {
            p.states.last() == Some(&WatchState::Live)
        })
        .await;
    }
    assert!(
        involved(&all).iter().any(|n| !mine(n)),
        "the seed has events of other objects: {:?}",
        involved(&all)
    );
    assert!(!involved(&scoped).is_empty(), "myapp's events are kept");
    assert!(
        involved(&scoped).iter().all(|n| mine(n)),
        "{:?}",
        involved(&scoped)
    );

    // hello-deploy's scaling event passes the unscoped watch first; then myapp's comes,
    // and the scoped watch, which sees both in the order they happened, kept only it.
    sim.scale_deployment("hello-deploy", 4);
    all.wait("hello-deploy's scaling event", |p| {
        scaled_to(p, "hello-deploy", 4)
    })
    .await;
    sim.scale_deployment("myapp-deploy", 4);
    scoped
        .wait("myapp-deploy's scaling event", |p| {
            scaled_to(p, "myapp-deploy", 4)
        })
        .await;
    assert!(
        involved(&scoped).iter().all(|n| mine(n)),
        "{:?}",
        involved(&scoped)
    );
}
