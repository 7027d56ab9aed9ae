//! Each rollout operation against the embedded cluster leaves it exactly as the
//! equivalent kubectl command leaves another fresh simulation: same template,
//! annotations (modulo change-cause text and timestamps), revision numbers and
//! ReplicaSets. Plus the canary: hold at N new pods, promote, abort.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a missing field is a test failure"
)]

mod support;

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::MutationGate;
use kdeck::cluster::ops::{self, CanaryPlan, CanaryProgress, Propagation, Refusal};
use kdeck::cluster::{Cluster, ConnectOptions, Kind, Permit};
use kdeck::sim::resources::by_kind;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

const NS: &str = "default";
const DEPLOY: &str = "myapp-deploy";

// ---- setup ------------------------------------------------------------------

/// One embedded cluster running the tutorial's myapp-deploy (section 6.3), settled.
struct Side {
    sim: support::TestSim,
    client: kube::Client,
}

impl Side {
    async fn start() -> Self {
        let sim = support::TestSim::empty();
        ensure_nodes(&sim);
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
        let side = Self { sim, client };
        settle(&side.client).await;
        side
    }

    fn kubectl_ok(&self, args: &[&str]) -> String {
        self.sim.kubectl_ok(args)
    }

    fn kubectl_err(&self, args: &[&str]) -> String {
        self.sim.kubectl_err(args)
    }
}

/// Ready worker nodes, when the scenario brought none (pods need somewhere to run).
fn ensure_nodes(sim: &support::TestSim) {
    let node_type = by_kind("", "Node").expect("nodes are served");
    if sim.store().count(node_type) > 0 {
        return;
    }
    for (i, name) in ["kdeck-worker", "kdeck-worker2"].into_iter().enumerate() {
        let node = json!({
            "metadata": {"name": name},
            "spec": {"podCIDR": format!("10.244.{}.0/24", i + 1)},
            "status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                "addresses": [{"type": "InternalIP", "address": format!("172.18.0.{}", i + 3)}],
            },
        });
        sim.store().create(node_type, node).expect("create a node");
    }
}

fn timeout() -> Duration {
    support::test_timeout()
}

fn permit(what: &str) -> Permit {
    MutationGate::new(false).permit(what).expect("an open gate")
}

// ---- reading and comparing ---------------------------------------------------

async fn deployment(client: &kube::Client) -> Deployment {
    Api::<Deployment>::namespaced(client.clone(), NS)
        .get(DEPLOY)
        .await
        .expect("get the deployment")
}

async fn replica_sets(client: &kube::Client) -> Vec<ReplicaSet> {
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

async fn pod_images(client: &kube::Client) -> Vec<(String, bool)> {
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
fn scrub(value: &mut Value) {
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
fn comparable_deployment(d: &Deployment) -> Value {
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
fn comparable_replica_sets(rss: &[ReplicaSet], with_names: bool) -> Value {
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

/// Waits until the Deployment's rollout is complete (or, when paused, observed).
async fn settle(client: &kube::Client) {
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
        if done {
            // Let pod bookkeeping (terminations) finish too.
            tokio::time::sleep(Duration::from_millis(300)).await;
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

async fn assert_same(a: &Side, b: &Side, with_names: bool) {
    assert_same_generations_apart(a, b, with_names, 0).await;
}

/// As [`assert_same`], where kdeck sent `fewer` spec changes than kubectl's command sequence.
async fn assert_same_generations_apart(a: &Side, b: &Side, with_names: bool, fewer: i64) {
    settle(&a.client).await;
    settle(&b.client).await;
    let mut da = comparable_deployment(&deployment(&a.client).await);
    let db = comparable_deployment(&deployment(&b.client).await);
    da["metadata"]["generation"] = json!(da["metadata"]["generation"].as_i64().unwrap() + fewer);
    assert_eq!(da, db, "deployments differ (left kdeck, right kubectl)");
    let ra = comparable_replica_sets(&replica_sets(&a.client).await, with_names);
    let rb = comparable_replica_sets(&replica_sets(&b.client).await, with_names);
    assert_eq!(ra, rb, "replica sets differ (left kdeck, right kubectl)");
}

async fn image_of(client: &kube::Client) -> String {
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

// ---- the comparisons ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_matches_kubectl_scale() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let out = ops::scale(&a.client, &permit("scale"), Kind::Deployment, NS, DEPLOY, 5)
        .await
        .expect("scale");
    assert_eq!(out.message, "deployment.apps/myapp-deploy scaled");
    b.kubectl_ok(&["scale", "deployment/myapp-deploy", "--replicas=5"]);
    assert_same(&a, &b, true).await;
    assert_eq!(deployment(&a.client).await.spec.unwrap().replicas, Some(5));

    let err = ops::scale(&a.client, &permit("scale"), Kind::Deployment, NS, "nope", 1)
        .await
        .expect_err("no such deployment");
    assert_eq!(err.api().map(|f| f.code), Some(404), "{err}");
    assert!(err.to_string().contains("nope"), "{err}");

    // A bare ReplicaSet (the tutorial's dnsutil-rs shape) scales the same way.
    for side in [&a, &b] {
        create_bare_replica_set(&side.client).await;
    }
    let out = ops::scale(
        &a.client,
        &permit("scale"),
        Kind::ReplicaSet,
        NS,
        "dnsutil-rs",
        3,
    )
    .await
    .expect("scale rs");
    assert_eq!(out.message, "replicaset.apps/dnsutil-rs scaled");
    b.kubectl_ok(&["scale", "replicaset/dnsutil-rs", "--replicas=3"]);
    for side in [&a, &b] {
        let client = side.client.clone();
        support::wait_until_async(timeout(), "dnsutil-rs has 3 ready pods", || {
            let client = client.clone();
            async move {
                let rs = Api::<ReplicaSet>::namespaced(client, NS)
                    .get("dnsutil-rs")
                    .await;
                rs.ok()
                    .and_then(|rs| rs.status)
                    .and_then(|s| s.ready_replicas)
                    == Some(3)
            }
        })
        .await;
    }
    let spec = |rs: ReplicaSet| serde_json::to_value(rs.spec).unwrap();
    let api_a = Api::<ReplicaSet>::namespaced(a.client.clone(), NS);
    let api_b = Api::<ReplicaSet>::namespaced(b.client.clone(), NS);
    assert_eq!(
        spec(api_a.get("dnsutil-rs").await.unwrap()),
        spec(api_b.get("dnsutil-rs").await.unwrap())
    );
    let err = ops::scale(&a.client, &permit("scale"), Kind::Service, NS, "x", 1)
        .await
        .expect_err("services do not scale");
    assert_eq!(err.refusal(), Some(Refusal::Unsupported));
}

async fn create_bare_replica_set(client: &kube::Client) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_comes_back_with_the_servers_field_path() {
    let a = Side::start().await;
    let err = ops::set_image(
        &a.client,
        &permit("set image"),
        NS,
        DEPLOY,
        "myapp",
        "",
        None,
    )
    .await
    .expect_err("an empty image is invalid");
    let failure = err.api().expect("the API server's answer");
    assert_eq!(
        (failure.code, failure.reason.as_str()),
        (422, "Invalid"),
        "{err}"
    );
    assert!(
        failure
            .causes
            .iter()
            .any(|c| c.field.contains("containers[0].image"))
            || failure.message.contains("containers[0].image"),
        "{failure:?}"
    );
    assert!(err.to_string().contains("image"), "{err}");
    assert_eq!(image_of(&a.client).await, "nginx:1.14.1", "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_image_matches_kubectl_set_image_with_record() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let cause = ops::set_image::change_cause(DEPLOY, "myapp", "nginx:1.15.7");
    let out = ops::set_image(
        &a.client,
        &permit("set image"),
        NS,
        DEPLOY,
        "myapp",
        "nginx:1.15.7",
        Some(cause.clone()),
    )
    .await
    .expect("set image");
    assert_eq!(out.message, "deployment.apps/myapp-deploy image updated");
    b.kubectl_ok(&[
        "set",
        "image",
        "deployment/myapp-deploy",
        "myapp=nginx:1.15.7",
        "--record",
    ]);
    assert_same(&a, &b, true).await;
    let history = ops::rollout_history(&a.client, NS, DEPLOY)
        .await
        .expect("history");
    let last = history.last().expect("a revision");
    assert!(last.current);
    assert_eq!(last.images, ["nginx:1.15.7"]);
    assert_eq!(last.change_cause.as_deref(), Some(cause.as_str()));

    let err = ops::set_image(
        &a.client,
        &permit("set image"),
        NS,
        DEPLOY,
        "nope",
        "x",
        None,
    )
    .await
    .expect_err("no such container");
    assert_eq!(err.refusal(), Some(Refusal::ContainerNotFound));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_and_resume_match_kubectl() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let out = ops::pause(&a.client, &permit("pause"), NS, DEPLOY)
        .await
        .expect("pause");
    assert_eq!(out.message, "deployment.apps/myapp-deploy paused");
    b.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);
    let err = ops::pause(&a.client, &permit("pause"), NS, DEPLOY)
        .await
        .expect_err("already paused");
    assert_eq!(err.refusal(), Some(Refusal::AlreadyPaused));
    let kubectl_says = b.kubectl_err(&["rollout", "pause", "deployment/myapp-deploy"]);
    assert!(
        kubectl_says.contains(&err.to_string()),
        "kdeck: {err}\nkubectl: {kubectl_says}"
    );

    // A template change while paused rolls nothing out, on both sides.
    ops::set_image(
        &a.client,
        &permit("set image"),
        NS,
        DEPLOY,
        "myapp",
        "nginx:1.15.7",
        None,
    )
    .await
    .expect("set image");
    b.kubectl_ok(&[
        "set",
        "image",
        "deployment/myapp-deploy",
        "myapp=nginx:1.15.7",
    ]);
    assert_same(&a, &b, true).await;

    ops::resume(&a.client, &permit("resume"), NS, DEPLOY)
        .await
        .expect("resume");
    b.kubectl_ok(&["rollout", "resume", "deployment/myapp-deploy"]);
    assert_same(&a, &b, true).await;
    let err = ops::resume(&a.client, &permit("resume"), NS, DEPLOY)
        .await
        .expect_err("not paused");
    assert_eq!(err.refusal(), Some(Refusal::NotPaused));
    let kubectl_says = b.kubectl_err(&["rollout", "resume", "deployment/myapp-deploy"]);
    assert!(
        kubectl_says.contains(&err.to_string()),
        "kdeck: {err}\nkubectl: {kubectl_says}"
    );
}

/// Brings both sides to three revisions: the seed's image, 1.15.5, 1.15.7.
async fn three_revisions(a: &Side, b: &Side) {
    for image in ["nginx:1.15.5", "nginx:1.15.7"] {
        ops::set_image(
            &a.client,
            &permit("set image"),
            NS,
            DEPLOY,
            "myapp",
            image,
            None,
        )
        .await
        .expect("set image");
        b.kubectl_ok(&[
            "set",
            "image",
            "deployment/myapp-deploy",
            &format!("myapp={image}"),
        ]);
        settle(&a.client).await;
        settle(&b.client).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_to_previous_and_to_revision_1_match_kubectl() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    three_revisions(&a, &b).await;
    let history = ops::rollout_history(&a.client, NS, DEPLOY)
        .await
        .expect("history");
    let first_image = history[0].images[0].clone();
    assert_eq!(history[0].revision, 1, "{history:?}");
    assert_same(&a, &b, true).await;

    let preview = ops::undo_preview(&a.client, NS, DEPLOY, None)
        .await
        .expect("preview");
    assert!(
        preview
            .diff
            .iter()
            .any(|l| matches!(l, ops::DiffLine::Added(t) if t.contains("nginx:1.15.5")))
    );
    let out = ops::undo(&a.client, &permit("undo"), NS, DEPLOY, None)
        .await
        .expect("undo");
    assert_eq!(out.message, "deployment.apps/myapp-deploy rolled back");
    b.kubectl_ok(&["rollout", "undo", "deployment/myapp-deploy"]);
    assert_same(&a, &b, true).await;
    assert_eq!(image_of(&a.client).await, "nginx:1.15.5");

    ops::undo(&a.client, &permit("undo"), NS, DEPLOY, Some(1))
        .await
        .expect("undo to 1");
    b.kubectl_ok(&[
        "rollout",
        "undo",
        "deployment/myapp-deploy",
        "--to-revision=1",
    ]);
    assert_same(&a, &b, true).await;
    assert_eq!(image_of(&a.client).await, first_image);
    let pods = pod_images(&a.client).await;
    assert!(
        pods.iter()
            .all(|(image, ready)| *image == first_image && *ready),
        "{pods:?}"
    );

    let err = ops::undo(&a.client, &permit("undo"), NS, DEPLOY, Some(1))
        .await
        .expect_err("1 is gone");
    assert_eq!(err.refusal(), Some(Refusal::RevisionNotFound));
    let kubectl_says = b.kubectl_err(&[
        "rollout",
        "undo",
        "deployment/myapp-deploy",
        "--to-revision=1",
    ]);
    assert!(
        kubectl_says.contains(&err.to_string()),
        "kdeck: {err}\nkubectl: {kubectl_says}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_while_paused_is_refused_like_kubectl_and_resume_and_undo_matches() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    three_revisions(&a, &b).await;
    ops::pause(&a.client, &permit("pause"), NS, DEPLOY)
        .await
        .expect("pause");
    b.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);

    let err = ops::undo(&a.client, &permit("undo"), NS, DEPLOY, None)
        .await
        .expect_err("paused");
    assert_eq!(err.refusal(), Some(Refusal::Paused));
    // kubectl 1.32 says `'kubectl rollout resume'`; newer ones, and kdeck, name the deployment.
    let kubectl_says = b.kubectl_err(&["rollout", "undo", "deployment/myapp-deploy"]);
    let common =
        "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume";
    assert!(err.to_string().starts_with(common), "kdeck: {err}");
    assert!(kubectl_says.contains(common), "kubectl: {kubectl_says}");

    ops::resume_and_undo(&a.client, &permit("resume and undo"), NS, DEPLOY, None)
        .await
        .expect("resume and undo");
    b.kubectl_ok(&["rollout", "resume", "deployment/myapp-deploy"]);
    b.kubectl_ok(&["rollout", "undo", "deployment/myapp-deploy"]);
    // One patch where kubectl sends two (resume, then undo): one generation fewer.
    assert_same_generations_apart(&a, &b, true, 1).await;
    assert_eq!(image_of(&a.client).await, "nginx:1.15.5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_matches_kubectl_and_is_refused_while_paused() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let out = ops::restart(&a.client, &permit("restart"), NS, DEPLOY)
        .await
        .expect("restart");
    assert_eq!(out.message, "deployment.apps/myapp-deploy restarted");
    b.kubectl_ok(&["rollout", "restart", "deployment/myapp-deploy"]);
    assert_same(&a, &b, false).await;
    let d = deployment(&a.client).await;
    let at = d
        .spec
        .unwrap()
        .template
        .metadata
        .unwrap()
        .annotations
        .unwrap()["kubectl.kubernetes.io/restartedAt"]
        .clone();
    assert!(at.parse::<jiff::Timestamp>().is_ok(), "RFC 3339: {at}");

    ops::pause(&a.client, &permit("pause"), NS, DEPLOY)
        .await
        .expect("pause");
    b.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);
    let err = ops::restart(&a.client, &permit("restart"), NS, DEPLOY)
        .await
        .expect_err("paused");
    assert_eq!(err.refusal(), Some(Refusal::Paused));
    let kubectl_says = b.kubectl_err(&["rollout", "restart", "deployment/myapp-deploy"]);
    assert!(
        kubectl_says.contains(&err.to_string()),
        "kdeck: {err}\nkubectl: {kubectl_says}"
    );
}

// ---- canary ------------------------------------------------------------------

fn canary(image: &str, timeout: Duration) -> CanaryPlan {
    CanaryPlan {
        namespace: NS.into(),
        deployment: DEPLOY.into(),
        container: "myapp".into(),
        image: image.into(),
        new_pods: 1,
        change_cause: Some(ops::set_image::change_cause(DEPLOY, "myapp", image)),
        timeout,
    }
}

async fn count_images(client: &kube::Client, image: &str) -> (usize, usize) {
    let pods = pod_images(client).await;
    let with = pods.iter().filter(|(i, _)| i == image).count();
    (with, pods.len() - with)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_holds_one_new_pod_paused_then_promotes() {
    let a = Side::start().await;
    // An aggressive strategy that a plain rollout would use to replace pods fast:
    // the canary must still stop at exactly one new pod with all three old ones.
    Api::<Deployment>::namespaced(a.client.clone(), NS)
        .patch(
            DEPLOY,
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}}})),
        )
        .await
        .expect("set an aggressive strategy");
    settle(&a.client).await;
    let before = deployment(&a.client).await.spec.unwrap();
    let old_image = image_of(&a.client).await;
    let mut seen = Vec::new();
    let out = ops::start_canary(
        &a.client,
        &permit("canary"),
        &canary("nginx:1.15.7", timeout()),
        &mut |p| seen.push(p),
    )
    .await
    .expect("canary");
    assert!(out.message.contains("rollout paused"), "{}", out.message);
    assert_eq!(seen.first(), Some(&CanaryProgress::Patched));
    assert_eq!(seen.last(), Some(&CanaryProgress::Paused));

    let check_held = || async {
        let pods = pod_images(&a.client).await;
        let new: Vec<_> = pods.iter().filter(|(i, _)| i == "nginx:1.15.7").collect();
        let old: Vec<_> = pods.iter().filter(|(i, _)| *i == old_image).collect();
        assert_eq!(new.len(), 1, "{pods:?}");
        assert!(new.iter().all(|(_, ready)| *ready), "{pods:?}");
        assert_eq!(old.len(), 3, "{pods:?}");
        assert!(deployment(&a.client).await.spec.unwrap().paused == Some(true));
    };
    check_held().await;
    assert!(
        seen.iter().any(|p| matches!(
            p,
            CanaryProgress::NewPods {
                ready: 1,
                wanted: 1,
                ..
            }
        )),
        "{seen:?}"
    );
    // Time passes, in real time and then two simulated hours (beyond the hold's
    // minReadySeconds and the progress deadline): the canary stays put.
    tokio::time::sleep(Duration::from_secs(2)).await;
    check_held().await;
    a.sim.clock().advance(Duration::from_secs(2 * 3600));
    tokio::time::sleep(Duration::from_secs(2)).await;
    check_held().await;

    let out = ops::promote_canary(&a.client, &permit("promote"), NS, DEPLOY)
        .await
        .expect("promote");
    assert!(out.message.contains("promoted"), "{}", out.message);
    settle(&a.client).await;
    assert_eq!(count_images(&a.client, "nginx:1.15.7").await, (3, 0));
    let after = deployment(&a.client).await;
    let spec = after.spec.unwrap();
    assert_eq!(spec.strategy, before.strategy, "original strategy back");
    assert_eq!(spec.min_ready_seconds, before.min_ready_seconds);
    assert_eq!(
        spec.progress_deadline_seconds,
        before.progress_deadline_seconds
    );
    assert_eq!(spec.paused, None);
    let annotations = after.metadata.annotations.unwrap_or_default();
    assert!(!annotations.contains_key(ops::canary::ORIGINAL_ANNOTATION));

    let err = ops::promote_canary(&a.client, &permit("promote"), NS, DEPLOY)
        .await
        .expect_err("no canary");
    assert_eq!(err.refusal(), Some(Refusal::NoCanary));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_of_a_crashing_image_aborts_back_to_the_old_image() {
    let a = Side::start().await;
    let before = deployment(&a.client).await;
    let old_image = image_of(&a.client).await;
    let err = ops::start_canary(
        &a.client,
        &permit("canary"),
        &canary("nginx:crash", Duration::from_secs(3)),
        &mut |_| {},
    )
    .await
    .expect_err("never ready");
    assert!(matches!(err, ops::OpError::Timeout(_)), "{err}");
    let (new, old) = count_images(&a.client, "nginx:crash").await;
    assert_eq!((new, old), (1, 3), "one crashing canary, three old pods");

    let out = ops::abort_canary(&a.client, &permit("abort"), NS, DEPLOY)
        .await
        .expect("abort");
    assert!(out.message.contains("aborted"), "{}", out.message);
    settle(&a.client).await;
    assert_eq!(image_of(&a.client).await, old_image);
    let pods = pod_images(&a.client).await;
    assert!(
        pods.iter().all(|(i, ready)| *i == old_image && *ready),
        "{pods:?}"
    );
    assert_eq!(pods.len(), 3);
    let after = deployment(&a.client).await;
    assert_eq!(
        after.spec.as_ref().unwrap().strategy,
        before.spec.as_ref().unwrap().strategy
    );
    assert_eq!(
        after.spec.as_ref().unwrap().min_ready_seconds,
        before.spec.as_ref().unwrap().min_ready_seconds
    );
    let annotations = after.metadata.annotations.unwrap_or_default();
    assert!(!annotations.contains_key(ops::canary::ORIGINAL_ANNOTATION));
    let before_cause = before
        .metadata
        .annotations
        .unwrap_or_default()
        .get("kubernetes.io/change-cause")
        .cloned();
    assert_eq!(
        annotations.get("kubernetes.io/change-cause").cloned(),
        before_cause
    );
}

// ---- delete ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_names_dependents_and_background_removes_them() {
    let a = Side::start().await;
    let deps = ops::dependents(&a.client, Kind::Deployment, NS, DEPLOY)
        .await
        .expect("dependents");
    let rs: Vec<_> = deps.iter().filter(|k| k.kind == Kind::ReplicaSet).collect();
    let pods: Vec<_> = deps.iter().filter(|k| k.kind == Kind::Pod).collect();
    assert!(!rs.is_empty(), "{deps:?}");
    assert_eq!(pods.len(), 3, "{deps:?}");
    assert!(pods.iter().all(|p| p.name.starts_with("myapp-deploy-")));

    let out = ops::delete(
        &a.client,
        &permit("delete"),
        Kind::Deployment,
        NS,
        DEPLOY,
        Propagation::Background,
    )
    .await
    .expect("delete");
    assert_eq!(out.message, "deployment.apps \"myapp-deploy\" deleted");
    let deadline = tokio::time::Instant::now() + timeout();
    loop {
        let left = Api::<ReplicaSet>::namespaced(a.client.clone(), NS)
            .list(&ListParams::default().labels("app=myapp"))
            .await
            .expect("list")
            .items
            .len();
        if left == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{left} replica sets left"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let err = ops::dependents(&a.client, Kind::Deployment, NS, DEPLOY)
        .await
        .expect_err("gone");
    assert_eq!(err.api().map(|f| f.code), Some(404));
}

// ---- read-only ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_client_sends_no_operation_even_with_a_permit() {
    let a = Side::start().await;
    let cluster = Cluster::connect(&ConnectOptions {
        kubeconfig: Some(a.sim.kubeconfig_path().to_path_buf()),
        readonly: true,
        ..ConnectOptions::default()
    })
    .await
    .expect("connect read-only");
    // The gate is closed...
    assert!(
        cluster
            .gate()
            .permit("scale deployment/myapp-deploy")
            .is_err()
    );
    // ...and even a permit from elsewhere (a bug) is stopped where requests leave kdeck.
    let client = cluster.client();
    let before = a.sim.requests().len();
    let p = permit("bypass");
    let attempts = [
        ops::scale(&client, &p, Kind::Deployment, NS, DEPLOY, 5).await,
        ops::set_image(&client, &p, NS, DEPLOY, "myapp", "nginx:1.15.7", None).await,
        ops::pause(&client, &p, NS, DEPLOY).await,
        ops::restart(&client, &p, NS, DEPLOY).await,
        ops::delete(
            &client,
            &p,
            Kind::Deployment,
            NS,
            DEPLOY,
            Propagation::Background,
        )
        .await,
    ];
    for attempt in attempts {
        let err = attempt.expect_err("refused");
        assert!(matches!(err, ops::OpError::ReadOnly(_)), "{err:?}");
    }
    let sent: Vec<_> = a.sim.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        sent.is_empty(),
        "mutating requests reached the server: {sent:?}"
    );
    assert_eq!(image_of(&a.client).await, "nginx:1.14.1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphan_keeps_the_pods_and_foreground_takes_everything() {
    let a = Side::start().await;
    create_bare_replica_set(&a.client).await;
    let pods = Api::<Pod>::namespaced(a.client.clone(), NS);
    let client = a.client.clone();
    support::wait_until_async(timeout(), "dnsutil-rs has its pod", || {
        let client = client.clone();
        async move {
            ops::dependents(&client, Kind::ReplicaSet, NS, "dnsutil-rs")
                .await
                .is_ok_and(|d| d.len() == 1)
        }
    })
    .await;
    let deps = ops::dependents(&a.client, Kind::ReplicaSet, NS, "dnsutil-rs")
        .await
        .expect("dependents");
    let pod_name = deps[0].name.clone();
    ops::delete(
        &a.client,
        &permit("delete"),
        Kind::ReplicaSet,
        NS,
        "dnsutil-rs",
        Propagation::Orphan,
    )
    .await
    .expect("delete orphaning");
    let pods_api = pods.clone();
    let name = pod_name.clone();
    support::wait_until_async(timeout(), "the orphaned pod loses its owner", || {
        let (pods_api, name) = (pods_api.clone(), name.clone());
        async move {
            pods_api
                .get(&name)
                .await
                .is_ok_and(|p| p.metadata.owner_references.unwrap_or_default().is_empty())
        }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        pods.get(&pod_name).await.is_ok(),
        "the orphan is still there"
    );

    let out = ops::delete(
        &a.client,
        &permit("delete"),
        Kind::Deployment,
        NS,
        DEPLOY,
        Propagation::Foreground,
    )
    .await
    .expect("delete in the foreground");
    assert!(
        out.sent
            .as_deref()
            .unwrap_or_default()
            .contains("Foreground"),
        "{out:?}"
    );
    let client = a.client.clone();
    support::wait_until_async(timeout(), "the deployment and its pods are gone", || {
        let client = client.clone();
        async move {
            let gone = Api::<Deployment>::namespaced(client.clone(), NS)
                .get(DEPLOY)
                .await
                .is_err();
            let left = Api::<Pod>::namespaced(client, NS)
                .list(&ListParams::default().labels("app=myapp"))
                .await
                .map_or(usize::MAX, |l| l.items.len());
            gone && left == 0
        }
    })
    .await;
}
