//! Each rollout operation against the embedded cluster leaves it exactly as the
//! equivalent kubectl command leaves another fresh simulation: same template,
//! annotations (modulo change-cause text and timestamps), revision numbers and
//! ReplicaSets.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod ops_fixture;
mod support;

use kdeck::cluster::ops::{self, Operation, Refusal};
use kdeck::cluster::{Kind, ObjectKey};
use ops_fixture::{
    DEPLOY, NS, Side, assert_same, assert_same_generations_apart, deploy, deployment, image_of,
    key, pod_images, settle, timeout,
};

// ---- the comparisons ---------------------------------------------------------

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_comes_back_with_the_servers_field_path() {
    let a = Side::start().await;
    let err = a
        .send(Operation::SetImage {
            key: deploy(),
            container: "myapp".into(),
            image: String::new(),
        })
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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn set_image_matches_kubectl_set_image_with_record() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let cause = ops::set_image::change_cause(DEPLOY, "myapp", "nginx:1.15.7");
    let out = a
        .send(Operation::SetImage {
            key: deploy(),
            container: "myapp".into(),
            image: "nginx:1.15.7".into(),
        })
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

    let err = a
        .send(Operation::SetImage {
            key: deploy(),
            container: "nope".into(),
            image: "x".into(),
        })
        .await
        .expect_err("no such container");
    assert_eq!(err.refusal(), Some(Refusal::ContainerNotFound));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn pause_and_resume_match_kubectl() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let out = a.send(Operation::Pause(deploy())).await.expect("pause");
    assert_eq!(out.message, "deployment.apps/myapp-deploy paused");
    b.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);
    let err = a
        .send(Operation::Pause(deploy()))
        .await
        .expect_err("already paused");
    assert_eq!(err.refusal(), Some(Refusal::AlreadyPaused));
    let kubectl_says = b.kubectl_err(&["rollout", "pause", "deployment/myapp-deploy"]);
    assert!(
        kubectl_says.contains(&err.to_string()),
        "kdeck: {err}\nkubectl: {kubectl_says}"
    );

    // A template change while paused rolls nothing out, on both sides.
    a.send(Operation::SetImage {
        key: deploy(),
        container: "myapp".into(),
        image: "nginx:1.15.7".into(),
    })
    .await
    .expect("set image");
    b.kubectl_ok(&[
        "set",
        "image",
        "deployment/myapp-deploy",
        "myapp=nginx:1.15.7",
    ]);
    assert_same(&a, &b, true).await;

    a.send(Operation::Resume(deploy())).await.expect("resume");
    b.kubectl_ok(&["rollout", "resume", "deployment/myapp-deploy"]);
    assert_same(&a, &b, true).await;
    let err = a
        .send(Operation::Resume(deploy()))
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
        a.send(Operation::SetImage {
            key: deploy(),
            container: "myapp".into(),
            image: image.into(),
        })
        .await
        .expect("set image");
        b.kubectl_ok(&[
            "set",
            "image",
            "deployment/myapp-deploy",
            &format!("myapp={image}"),
        ]);
        settle(a).await;
        settle(b).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
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
    let out = a
        .send(Operation::Undo {
            key: deploy(),
            revision: None,
            resume: false,
        })
        .await
        .expect("undo");
    assert_eq!(out.message, "deployment.apps/myapp-deploy rolled back");
    b.kubectl_ok(&["rollout", "undo", "deployment/myapp-deploy"]);
    assert_same(&a, &b, true).await;
    assert_eq!(image_of(&a.client).await, "nginx:1.15.5");

    a.send(Operation::Undo {
        key: deploy(),
        revision: Some(1),
        resume: false,
    })
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

    let err = a
        .send(Operation::Undo {
            key: deploy(),
            revision: Some(1),
            resume: false,
        })
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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn undo_while_paused_is_refused_like_kubectl_and_resume_and_undo_matches() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    three_revisions(&a, &b).await;
    a.send(Operation::Pause(deploy())).await.expect("pause");
    b.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);

    let err = a
        .send(Operation::Undo {
            key: deploy(),
            revision: None,
            resume: false,
        })
        .await
        .expect_err("paused");
    assert_eq!(err.refusal(), Some(Refusal::Paused));
    // kubectl 1.32 says `'kubectl rollout resume'`; newer ones, and kdeck, name the deployment.
    let kubectl_says = b.kubectl_err(&["rollout", "undo", "deployment/myapp-deploy"]);
    let common =
        "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume";
    assert!(err.to_string().starts_with(common), "kdeck: {err}");
    assert!(kubectl_says.contains(common), "kubectl: {kubectl_says}");

    a.send(Operation::Undo {
        key: deploy(),
        revision: None,
        resume: true,
    })
    .await
    .expect("resume and undo");
    b.kubectl_ok(&["rollout", "resume", "deployment/myapp-deploy"]);
    b.kubectl_ok(&["rollout", "undo", "deployment/myapp-deploy"]);
    // One patch where kubectl sends two (resume, then undo): one generation fewer.
    assert_same_generations_apart(&a, &b, true, 1).await;
    assert_eq!(image_of(&a.client).await, "nginx:1.15.5");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn restart_matches_kubectl_and_is_refused_while_paused() {
    support::require_kubectl!();
    let (a, b) = (Side::start().await, Side::start().await);
    let out = a
        .send(Operation::Restart(key(Kind::Deployment, DEPLOY)))
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

    a.send(Operation::Pause(deploy())).await.expect("pause");
    b.kubectl_ok(&["rollout", "pause", "deployment/myapp-deploy"]);
    let err = a
        .send(Operation::Restart(key(Kind::Deployment, DEPLOY)))
        .await
        .expect_err("paused");
    assert_eq!(err.refusal(), Some(Refusal::Paused));
    let kubectl_says = b.kubectl_err(&["rollout", "restart", "deployment/myapp-deploy"]);
    assert!(
        kubectl_says.contains(&err.to_string()),
        "kdeck: {err}\nkubectl: {kubectl_says}"
    );
}

/// kdeck's one-patch operations carry the resourceVersion they were computed from:
/// a change in between makes the server answer Conflict, shown with its message.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_between_gives_a_conflict_not_a_lost_update() {
    let a = Side::start().await;
    a.send(Operation::SetImage {
        key: deploy(),
        container: "myapp".into(),
        image: "nginx:1.15.5".into(),
    })
    .await
    .expect("set image");
    settle(&a).await;
    let plan = ops::undo_preview(&a.client, NS, DEPLOY, None)
        .await
        .expect("preview");
    let stale = plan.resource_version.clone().expect("a resourceVersion");
    kube::Api::<k8s_openapi::api::apps::v1::Deployment>::namespaced(a.client.clone(), NS)
        .patch(
            DEPLOY,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(
                serde_json::json!({"metadata": {"annotations": {"team": "web"}}}),
            ),
        )
        .await
        .expect("someone else annotates");
    let mut operations = vec![ops::canary::patches::unchanged_since(&stale)];
    if let serde_json::Value::Array(undo) = ops::undo::undo_patch(&plan) {
        operations.extend(undo);
    }
    // Sent as kdeck's operations send it: a JSON patch whose first operation is the test.
    let path =
        ops::patch_request::object_path::<k8s_openapi::api::apps::v1::Deployment>(NS, DEPLOY);
    let request = http::Request::patch(path)
        .header(http::header::CONTENT_TYPE, ops::patch_request::JSON_PATCH)
        .body(serde_json::to_vec(&operations).unwrap())
        .unwrap();
    let err: ops::OpError = a
        .client
        .request::<k8s_openapi::api::apps::v1::Deployment>(request)
        .await
        .expect_err("stale")
        .into();
    let failure = err.api().expect("the server's answer");
    assert_eq!(
        (failure.code, failure.reason.as_str()),
        (409, "Conflict"),
        "{err}"
    );
    assert!(err.to_string().contains("modified"), "{err}");
    assert_eq!(
        image_of(&a.client).await,
        "nginx:1.15.5",
        "nothing was overwritten"
    );
}

/// `kubectl rollout restart` also takes StatefulSets and DaemonSets: the same template
/// annotation, and their controllers replace every pod (kube-proxy on the seed's three
/// nodes, one by one).
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn restart_rolls_a_daemon_set_and_refuses_a_pod() {
    use k8s_openapi::api::apps::v1::DaemonSet;
    use k8s_openapi::api::core::v1::Pod;
    use kube::api::{Api, ListParams};
    let a = Side::seed().await;
    let pods: Api<Pod> = Api::namespaced(a.client.clone(), "kube-system");
    let proxies = ListParams::default().labels("k8s-app=kube-proxy");
    let names = |list: Vec<Pod>| -> Vec<String> {
        let mut names: Vec<String> = list
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .filter_map(|p| p.metadata.name)
            .collect();
        names.sort();
        names
    };
    let before = names(pods.list(&proxies).await.expect("list").items);
    assert_eq!(before.len(), 3, "{before:?}");

    let kube_proxy = ObjectKey {
        kind: Kind::DaemonSet,
        namespace: "kube-system".into(),
        name: "kube-proxy".into(),
    };
    let out = a
        .send(Operation::Restart(kube_proxy))
        .await
        .expect("restart");
    assert_eq!(out.message, "daemonset.apps/kube-proxy restarted");
    let ds: Api<DaemonSet> = Api::namespaced(a.client.clone(), "kube-system");
    let template = ds
        .get("kube-proxy")
        .await
        .expect("get")
        .spec
        .expect("spec")
        .template;
    assert!(
        template
            .metadata
            .and_then(|m| m.annotations)
            .is_some_and(|a| a.contains_key("kubectl.kubernetes.io/restartedAt"))
    );
    let deadline = std::time::Instant::now() + timeout();
    loop {
        let now = names(pods.list(&proxies).await.expect("list").items);
        let status = ds
            .get("kube-proxy")
            .await
            .expect("get")
            .status
            .expect("status");
        if now.len() == 3
            && now.iter().all(|n| !before.contains(n))
            && status.updated_number_scheduled == Some(3)
            && status.number_available == Some(3)
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "every kube-proxy pod replaced: before {before:?}, now {now:?}, {status:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    let err = a
        .send(Operation::Restart(key(Kind::Pod, "any")))
        .await
        .expect_err("pods are not restarted");
    assert_eq!(err.refusal(), Some(Refusal::Unsupported));
}

support::conformance_tests![
    invalid_input_comes_back_with_the_servers_field_path,
    set_image_matches_kubectl_set_image_with_record,
    pause_and_resume_match_kubectl,
    undo_to_previous_and_to_revision_1_match_kubectl,
    undo_while_paused_is_refused_like_kubectl_and_resume_and_undo_matches,
    restart_matches_kubectl_and_is_refused_while_paused,
    a_change_in_between_gives_a_conflict_not_a_lost_update,
    restart_rolls_a_daemon_set_and_refuses_a_pod,
];
