//! The tutorial's myapp-deploy (section 6.3) on an embedded cluster, and the
//! reading, settling and comparing the ops tests share.

#![allow(
    dead_code,
    reason = "each ops test file uses a different part of the fixture"
)]

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::ops::{CanaryProgress, OpError, Operation, Outcome};
use kdeck::cluster::{Cluster, ConnectOptions, Kind, ObjectKey};
use kube::api::{Api, ListParams, PostParams};
use serde_json::{Value, json};

use crate::support::{TestSim, test_timeout};

pub const NS: &str = "default";
pub const DEPLOY: &str = "myapp-deploy";

// ---- setup ------------------------------------------------------------------

/// One embedded cluster running the tutorial's myapp-deploy (section 6.3), settled.
pub struct Side {
    pub sim: TestSim,
    /// The sim's own client, for setting up and reading back.
    pub client: kube::Client,
    /// kdeck's connection, through which the operations are sent.
    pub cluster: Cluster,
}

/// The object `name` of `kind` in [`NS`].
pub fn key(kind: Kind, name: &str) -> ObjectKey {
    ObjectKey {
        kind,
        namespace: NS.to_owned(),
        name: name.to_owned(),
    }
}

/// myapp-deploy.
pub fn deploy() -> ObjectKey {
    key(Kind::Deployment, DEPLOY)
}

/// kdeck's connection to `sim` (its admin context), as the dashboard makes it.
pub async fn connect(sim: &TestSim, readonly: bool) -> Cluster {
    let opts = ConnectOptions {
        kubeconfig: Some(sim.kubeconfig_path().to_owned()),
        readonly,
        ..ConnectOptions::default()
    };
    Cluster::connect(&opts).await.expect("connect to the sim")
}

impl Side {
    /// Sends `operation` as the dashboard does (through the gate).
    pub async fn send(&self, operation: Operation) -> Result<Outcome, OpError> {
        self.cluster.send(&operation, &mut |_| {}).await
    }

    /// As [`Side::send`], with the canary's progress going to `progress`.
    pub async fn send_with(
        &self,
        operation: Operation,
        progress: &mut (dyn FnMut(CanaryProgress) + Send),
    ) -> Result<Outcome, OpError> {
        self.cluster.send(&operation, progress).await
    }

    pub async fn start() -> Self {
        let sim = TestSim::empty();
        let client = sim
            .client()
            .await
            .expect("a client for the embedded cluster");
        let manifest = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": DEPLOY,
                "namespace": NS,
                "labels": {"app": "myapp"},
                "annotations": {"kubernetes.io/change-cause": "kubectl apply --filename=myapp-deploy.yaml --record=true"}
            },
            "spec": {
                "replicas": 3,
                "minReadySeconds": 5,
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                "selector": {"matchLabels": {"app": "myapp"}},
                "template": {
                    "metadata": {"labels": {"app": "myapp"}},
                    "spec": {"containers": [{"name": "myapp", "image": "nginx:1.14.1",
                        "ports": [{"containerPort": 80, "name": "http"}]}]}
                }
            }
        });
        let deployment: Deployment = serde_json::from_value(manifest).expect("a Deployment");
        Api::<Deployment>::namespaced(client.clone(), NS)
            .create(&PostParams::default(), &deployment)
            .await
            .expect("create myapp-deploy");
        let cluster = connect(&sim, false).await;
        let side = Self {
            sim,
            client,
            cluster,
        };
        settle(&side).await;
        side
    }

    /// The seed scenario (the tutorials' objects, myapp-deploy among them), settled.
    pub async fn seed() -> Self {
        let sim = TestSim::start();
        let client = sim
            .client()
            .await
            .expect("a client for the embedded cluster");
        let cluster = connect(&sim, false).await;
        let side = Self {
            sim,
            client,
            cluster,
        };
        settle(&side).await;
        side
    }

    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        self.sim.kubectl_ok(args)
    }

    pub fn kubectl_err(&self, args: &[&str]) -> String {
        self.sim.kubectl_err(args)
    }
}

pub fn timeout() -> Duration {
    test_timeout()
}

// ---- reading and comparing ---------------------------------------------------

pub async fn deployment(client: &kube::Client) -> Deployment {
    Api::<Deployment>::namespaced(client.clone(), NS)
        .get(DEPLOY)
        .await
        .expect("get the deployment")
}

pub async fn replica_sets(client: &kube::Client) -> Vec<ReplicaSet> {
    let d = deployment(client).await;
    let uid = d.metadata.uid.unwrap_or_default();
    Api::<ReplicaSet>::namespaced(client.clone(), NS)
        .list(&ListParams::default())
        .await
        .expect("list replicasets")
        .items
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.uid == uid)
        })
        .collect()
}

pub async fn pod_images(client: &kube::Client) -> Vec<(String, bool)> {
    let pods = Api::<Pod>::namespaced(client.clone(), NS)
        .list(&ListParams::default().labels("app=myapp"))
        .await
        .expect("list pods")
        .items;
    let mut images: Vec<(String, bool)> = pods
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| {
            let image = p
                .spec
                .map(|s| s.containers[0].image.clone().unwrap_or_default());
            let ready = p
                .status
                .and_then(|s| s.conditions)
                .into_iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            (image.unwrap_or_default(), ready)
        })
        .collect();
    images.sort();
    images
}

/// Replaces values that legitimately differ between two runs.
pub fn scrub(value: &mut Value) {
    if let Some(cause) = value.pointer_mut("/metadata/annotations/kubernetes.io~1change-cause") {
        *cause = json!("<cause>");
    }
    if let Some(at) =
        value.pointer_mut("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt")
    {
        *at = json!("<time>");
    }
}

/// What must be equal about the Deployment: metadata that operations touch, the spec,
/// and the settled status counts.
pub fn comparable_deployment(d: &Deployment) -> Value {
    let full = serde_json::to_value(d).expect("serialise");
    let mut kept = json!({
        "metadata": {
            "labels": full["metadata"]["labels"],
            "annotations": full["metadata"]["annotations"],
            "generation": full["metadata"]["generation"],
        },
        "spec": full["spec"],
        "status": {
            "replicas": full["status"]["replicas"],
            "updatedReplicas": full["status"]["updatedReplicas"],
            "readyReplicas": full["status"]["readyReplicas"],
            "availableReplicas": full["status"]["availableReplicas"],
        },
    });
    scrub(&mut kept);
    kept
}

/// What must be equal about the ReplicaSets: by revision, their template, replicas and
/// annotations; names too unless the template carries a timestamp.
pub fn comparable_replica_sets(rss: &[ReplicaSet], with_names: bool) -> Value {
    let mut out: Vec<Value> = rss
        .iter()
        .map(|rs| {
            let full = serde_json::to_value(rs).expect("serialise");
            let mut kept = json!({
                "name": if with_names { full["metadata"]["name"].clone() } else { Value::Null },
                "metadata": {"annotations": full["metadata"]["annotations"]},
                "spec": {
                    "replicas": full["spec"]["replicas"],
                    "template": full["spec"]["template"],
                },
            });
            scrub(&mut kept);
            if let Some(at) = kept.pointer_mut(
                "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt",
            ) {
                *at = json!("<time>");
            }
            if !with_names
                && let Some(labels) = kept.pointer_mut("/spec/template/metadata/labels")
                && let Some(map) = labels.as_object_mut()
            {
                map.remove("pod-template-hash");
            }
            kept
        })
        .collect();
    out.sort_by_key(|v| {
        v.pointer("/metadata/annotations/deployment.kubernetes.io~1revision")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    Value::Array(out)
}

/// Waits until the Deployment's rollout is complete (or, when paused, observed), no pod
/// is still terminating, and the controllers have settled on that.
pub async fn settle(side: &Side) {
    let client = &side.client;
    let deadline = tokio::time::Instant::now() + timeout();
    loop {
        let d = deployment(client).await;
        let spec = d.spec.clone().unwrap_or_default();
        let status = d.status.clone().unwrap_or_default();
        let observed = status.observed_generation >= d.metadata.generation;
        let want = spec.replicas.unwrap_or(1);
        let done = if spec.paused.unwrap_or(false) {
            observed
        } else {
            let old_empty = replica_sets(client)
                .await
                .iter()
                .filter(|rs| rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0) > 0)
                .count()
                == 1;
            observed
                && status.updated_replicas == Some(want)
                && status.replicas == Some(want)
                && status.available_replicas == Some(want)
                && old_empty
        };
        if done && !terminating_pods(client).await {
            // The ReplicaSets' status counts the pods that went: settled after them.
            side.sim.wait_controllers_settled();
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "rollout did not settle: {:?}",
            d.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether a pod in [`NS`] is being deleted.
async fn terminating_pods(client: &kube::Client) -> bool {
    Api::<Pod>::namespaced(client.clone(), NS)
        .list(&ListParams::default())
        .await
        .expect("list pods")
        .items
        .iter()
        .any(|p| p.metadata.deletion_timestamp.is_some())
}

pub async fn assert_same(a: &Side, b: &Side, with_names: bool) {
    assert_same_generations_apart(a, b, with_names, 0).await;
}

/// As [`assert_same`], where kdeck sent `fewer` spec changes than kubectl's command sequence.
pub async fn assert_same_generations_apart(a: &Side, b: &Side, with_names: bool, fewer: i64) {
    settle(a).await;
    settle(b).await;
    let mut da = comparable_deployment(&deployment(&a.client).await);
    let db = comparable_deployment(&deployment(&b.client).await);
    da["metadata"]["generation"] = json!(da["metadata"]["generation"].as_i64().unwrap() + fewer);
    assert_eq!(da, db, "deployments differ (left kdeck, right kubectl)");
    let ra = comparable_replica_sets(&replica_sets(&a.client).await, with_names);
    let rb = comparable_replica_sets(&replica_sets(&b.client).await, with_names);
    assert_eq!(ra, rb, "replica sets differ (left kdeck, right kubectl)");
}

pub async fn image_of(client: &kube::Client) -> String {
    deployment(client)
        .await
        .spec
        .unwrap()
        .template
        .spec
        .unwrap()
        .containers[0]
        .image
        .clone()
        .unwrap_or_default()
}

pub async fn create_bare_replica_set(client: &kube::Client) {
    let rs: ReplicaSet = serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "dnsutil-rs", "namespace": NS},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "dnsutil"}},
            "template": {
                "metadata": {"labels": {"app": "dnsutil"}},
                "spec": {"containers": [{"name": "dnsutil", "image": "tutum/dnsutils"}]}
            }
        }
    }))
    .unwrap();
    Api::<ReplicaSet>::namespaced(client.clone(), NS)
        .create(&PostParams::default(), &rs)
        .await
        .expect("create dnsutil-rs");
}
