//! kube-rs against the embedded cluster's API server, through the kubeconfig and
//! real HTTP: list, watch (resume, 410, selectors, bookmarks), paging, the four
//! patch kinds, the scale subresource, optimistic concurrency, dryRun, deletion
//! semantics, auth and the request log.

mod support;

use futures::StreamExt as _;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v1::Scale;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, PropagationPolicy, WatchEvent,
    WatchParams,
};
use kube::runtime::watcher;
use serde_json::{Value, json};
use support::{TestSim, test_timeout};

fn deployment(name: &str) -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.14.1",
                    "ports": [{"containerPort": 80}], "env": [{"name": "A", "value": "1"}]}]}}}
    }))
    .expect("a valid Deployment")
}

fn config_map(name: &str, labels: &Value) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}),
    )
    .expect("a valid ConfigMap")
}

fn api_error(e: kube::Error) -> kube::core::Status {
    match e {
        kube::Error::Api(s) => *s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn next_event<K>(
    stream: &mut (impl futures::Stream<Item = kube::Result<WatchEvent<K>>> + Unpin),
) -> WatchEvent<K> {
    tokio::time::timeout(test_timeout(), stream.next())
        .await
        .expect("a watch event in time")
        .expect("the stream is open")
        .expect("a decodable event")
}

fn name_of<K: kube::Resource>(ev: &WatchEvent<K>) -> (&'static str, String) {
    match ev {
        WatchEvent::Added(o) => ("ADDED", o.meta().name.clone().unwrap_or_default()),
        WatchEvent::Modified(o) => ("MODIFIED", o.meta().name.clone().unwrap_or_default()),
        WatchEvent::Deleted(o) => ("DELETED", o.meta().name.clone().unwrap_or_default()),
        WatchEvent::Bookmark(_) => ("BOOKMARK", String::new()),
        WatchEvent::Error(e) => ("ERROR", e.message.clone()),
    }
}

#[tokio::test]
async fn list_then_watch_resumes_and_a_compacted_version_is_410() {
    let sim = TestSim::empty();
    let cms: Api<ConfigMap> = Api::default_namespaced(sim.client().await.unwrap());
    cms.create(&PostParams::default(), &config_map("a", &json!({})))
        .await
        .unwrap();
    let listed = cms.list(&ListParams::default()).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    let rv = listed.metadata.resource_version.unwrap();
    for n in ["b", "c"] {
        cms.create(&PostParams::default(), &config_map(n, &json!({})))
            .await
            .unwrap();
    }
    let mut stream = cms
        .watch(&WatchParams::default().disable_bookmarks(), &rv)
        .await
        .unwrap()
        .boxed();
    assert_eq!(
        name_of(&next_event(&mut stream).await),
        ("ADDED", "b".into())
    );
    assert_eq!(
        name_of(&next_event(&mut stream).await),
        ("ADDED", "c".into())
    );
    cms.delete("a", &DeleteParams::default()).await.unwrap();
    assert_eq!(
        name_of(&next_event(&mut stream).await),
        ("DELETED", "a".into())
    );

    sim.store().compact();
    let mut stale = cms
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();
    match next_event(&mut stale).await {
        WatchEvent::Error(e) => {
            assert_eq!(e.code, 410);
            assert_eq!(e.reason, "Expired");
            assert!(e.message.starts_with("too old resource version"), "{e:?}");
        }
        other => panic!("expected a 410 ERROR event, got {:?}", name_of(&other)),
    }
}

#[tokio::test]
async fn a_watcher_relists_after_410_and_dropped_connections() {
    let sim = TestSim::empty();
    let cms: Api<ConfigMap> = Api::default_namespaced(sim.client().await.unwrap());
    cms.create(&PostParams::default(), &config_map("first", &json!({})))
        .await
        .unwrap();
    let mut events = watcher(cms.clone(), watcher::Config::default()).boxed();
    let mut seen = Vec::new();
    let mut expired = 0;
    let mut wait_for = async |want: &str, seen: &mut Vec<String>| {
        loop {
            let ev = match tokio::time::timeout(test_timeout(), events.next())
                .await
                .expect("a watcher event in time")
                .expect("the watcher stream does not end")
            {
                Ok(ev) => ev,
                // The watcher reports the 410 and then re-lists by itself.
                Err(watcher::Error::WatchError(e)) if e.code == 410 => {
                    expired += 1;
                    continue;
                }
                Err(e) => panic!("unexpected watcher error: {e}"),
            };
            if let watcher::Event::Apply(o) | watcher::Event::InitApply(o) = ev {
                let name = o.metadata.name.unwrap_or_default();
                seen.push(name.clone());
                if name == want {
                    return;
                }
            }
        }
    };
    wait_for("first", &mut seen).await;
    let lists_before = sim.requests().iter().filter(|r| r.verb == "list").count();
    sim.store().compact();
    sim.disconnect_watches();
    cms.create(&PostParams::default(), &config_map("second", &json!({})))
        .await
        .unwrap();
    wait_for("second", &mut seen).await;
    assert_eq!(expired, 1, "the resumed watch got one 410");
    let lists_after = sim.requests().iter().filter(|r| r.verb == "list").count();
    assert!(
        lists_after > lists_before,
        "the watcher re-listed after its resume version expired ({lists_before} -> {lists_after})"
    );
}

#[tokio::test]
async fn watch_selectors_send_deleted_when_an_object_stops_matching_and_bookmarks_arrive() {
    let sim = TestSim::empty();
    let cms: Api<ConfigMap> = Api::default_namespaced(sim.client().await.unwrap());
    let params = WatchParams::default().labels("app in (web)");
    let mut stream = cms.watch(&params, "0").await.unwrap().boxed();
    cms.create(
        &PostParams::default(),
        &config_map("other", &json!({"app": "db"})),
    )
    .await
    .unwrap();
    cms.create(
        &PostParams::default(),
        &config_map("w", &json!({"app": "web"})),
    )
    .await
    .unwrap();
    let relabel = |app: &str| Patch::Merge(json!({"metadata": {"labels": {"app": app}}}));
    cms.patch("w", &PatchParams::default(), &relabel("db"))
        .await
        .unwrap();
    cms.patch("w", &PatchParams::default(), &relabel("web"))
        .await
        .unwrap();
    let mut got = Vec::new();
    while got.len() < 3 {
        let ev = next_event(&mut stream).await;
        if !matches!(ev, WatchEvent::Bookmark(_)) {
            got.push(name_of(&ev));
        }
    }
    assert_eq!(
        got,
        [
            ("ADDED", "w".to_string()),
            ("DELETED", "w".to_string()),
            ("ADDED", "w".to_string())
        ]
    );
    loop {
        if let WatchEvent::Bookmark(b) = next_event(&mut stream).await {
            assert!(!b.metadata.resource_version.is_empty());
            break;
        }
    }
}

#[tokio::test]
async fn paging_with_limit_and_continue_and_410_for_a_stale_token() {
    let sim = TestSim::empty();
    let cms: Api<ConfigMap> = Api::default_namespaced(sim.client().await.unwrap());
    for i in 0..5 {
        cms.create(
            &PostParams::default(),
            &config_map(&format!("cm-{i}"), &json!({})),
        )
        .await
        .unwrap();
    }
    let first = cms.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.metadata.remaining_item_count, Some(3));
    let token = first.metadata.continue_.clone().unwrap();
    let second = cms
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    let names: Vec<String> = second
        .items
        .iter()
        .map(|c| c.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["cm-2", "cm-3"]);
    sim.store().compact();
    let e = api_error(
        cms.list(&ListParams::default().limit(2).continue_token(&token))
            .await
            .unwrap_err(),
    );
    assert_eq!((e.code, e.reason.as_str()), (410, "Expired"));
}

#[tokio::test]
async fn the_four_patch_kinds() {
    let sim = TestSim::empty();
    let deploys: Api<Deployment> = Api::default_namespaced(sim.client().await.unwrap());
    deploys
        .create(&PostParams::default(), &deployment("web"))
        .await
        .unwrap();
    let pp = PatchParams::default();
    let d = deploys
        .patch(
            "web",
            &pp,
            &Patch::Merge(json!({"spec": {"minReadySeconds": 5}})),
        )
        .await
        .unwrap();
    assert_eq!(d.spec.as_ref().unwrap().min_ready_seconds, Some(5));
    let d = deploys
        .patch(
            "web",
            &pp,
            &Patch::Json::<()>(
                serde_json::from_value(
                    json!([{"op": "replace", "path": "/spec/replicas", "value": 4}]),
                )
                .unwrap(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(4));
    let d = deploys
        .patch(
            "web",
            &pp,
            &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [
                {"name": "web", "image": "nginx:1.15.5", "env": [{"name": "B", "value": "2"}]}]}}}})),
        )
        .await
        .unwrap();
    let c = &d.spec.unwrap().template.spec.unwrap().containers[0];
    assert_eq!(c.image.as_deref(), Some("nginx:1.15.5"));
    assert_eq!(c.env.as_ref().unwrap().len(), 2, "env merged by name");
    assert_eq!(
        c.ports.as_ref().unwrap()[0].container_port,
        80,
        "ports kept"
    );

    let apply = PatchParams::apply("kdeck-test").force();
    let mut fresh = serde_json::to_value(deployment("applied")).unwrap();
    fresh["apiVersion"] = json!("apps/v1");
    fresh["kind"] = json!("Deployment");
    let created = deploys
        .patch("applied", &apply, &Patch::Apply(&fresh))
        .await
        .unwrap();
    assert!(
        created.metadata.uid.is_some(),
        "apply creates a missing object"
    );
    fresh["spec"]["replicas"] = json!(6);
    let applied = deploys
        .patch("applied", &apply, &Patch::Apply(&fresh))
        .await
        .unwrap();
    assert_eq!(applied.spec.unwrap().replicas, Some(6));
}

#[tokio::test]
async fn scale_subresource_reads_and_writes_replicas() {
    let sim = TestSim::empty();
    let client = sim.client().await.unwrap();
    let deploys: Api<Deployment> = Api::default_namespaced(client.clone());
    deploys
        .create(&PostParams::default(), &deployment("web"))
        .await
        .unwrap();
    let scale = deploys.get_scale("web").await.unwrap();
    assert_eq!(scale.spec.as_ref().unwrap().replicas, Some(2));
    assert_eq!(
        scale.status.as_ref().unwrap().selector.as_deref(),
        Some("app=web")
    );
    let scaled = deploys
        .patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 7}})),
        )
        .await
        .unwrap();
    assert_eq!(scaled.spec.unwrap().replicas, Some(7));
    let d = deploys.get("web").await.unwrap();
    assert_eq!(d.spec.unwrap().replicas, Some(7));
    let mut replace: Scale = deploys.get_scale("web").await.unwrap();
    replace.spec.as_mut().unwrap().replicas = Some(1);
    // No resourceVersion: the controller writes status meanwhile, and a pinned one would be 409.
    replace.metadata.resource_version = None;
    let replaced = deploys
        .replace_scale("web", &PostParams::default(), &replace)
        .await
        .unwrap();
    assert_eq!(replaced.spec.unwrap().replicas, Some(1));
    let e = api_error(
        deploys
            .patch_scale(
                "web",
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"replicas": -1}})),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!((e.code, e.reason.as_str()), (422, "Invalid"));
    let rs: Api<ReplicaSet> = Api::default_namespaced(client);
    let e = api_error(rs.get_scale("nope").await.unwrap_err());
    assert_eq!(e.code, 404);
}

#[tokio::test]
async fn a_stale_resource_version_is_409_conflict() {
    // A ConfigMap: no controller writes it between the test's reads and writes.
    let sim = TestSim::empty();
    let cms: Api<ConfigMap> = Api::default_namespaced(sim.client().await.unwrap());
    let created = cms
        .create(&PostParams::default(), &config_map("cm", &json!({})))
        .await
        .unwrap();
    let mut first = created.clone();
    first.data = Some([("k".to_string(), "first".to_string())].into());
    cms.replace("cm", &PostParams::default(), &first)
        .await
        .unwrap();
    let mut stale = created;
    stale.data = Some([("k".to_string(), "stale".to_string())].into());
    let e = api_error(
        cms.replace("cm", &PostParams::default(), &stale)
            .await
            .unwrap_err(),
    );
    assert_eq!((e.code, e.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        e.message,
        "Operation cannot be fulfilled on configmaps \"cm\": the object has been modified; please apply your changes to the latest version and try again"
    );
    let kept = cms.get("cm").await.unwrap();
    assert_eq!(kept.data.unwrap()["k"], "first");
}

#[tokio::test]
async fn dry_run_leaves_nothing_behind() {
    let sim = TestSim::empty();
    let deploys: Api<Deployment> = Api::default_namespaced(sim.client().await.unwrap());
    let dry = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    let would = deploys.create(&dry, &deployment("ghost")).await.unwrap();
    assert!(would.metadata.uid.is_some());
    assert_eq!(api_error(deploys.get("ghost").await.unwrap_err()).code, 404);
    deploys
        .create(&PostParams::default(), &deployment("web"))
        .await
        .unwrap();
    let pp = PatchParams {
        dry_run: true,
        ..PatchParams::default()
    };
    let patched = deploys
        .patch("web", &pp, &Patch::Merge(json!({"spec": {"replicas": 9}})))
        .await
        .unwrap();
    assert_eq!(patched.spec.unwrap().replicas, Some(9));
    assert_eq!(
        deploys.get("web").await.unwrap().spec.unwrap().replicas,
        Some(2)
    );
    let dp = DeleteParams {
        dry_run: true,
        ..DeleteParams::default()
    };
    deploys.delete("web", &dp).await.unwrap();
    assert!(
        deploys.get("web").await.is_ok(),
        "a dry-run delete keeps the object"
    );
    let invalid = deploys
        .create(
            &dry,
            &serde_json::from_value(json!({"metadata": {"name": "x"}, "spec": {
            "selector": {"matchLabels": {"a": "b"}}, "template": {"spec": {"containers": []}}}}))
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(api_error(invalid).code, 422, "dry runs still validate");
}

#[tokio::test]
async fn deletion_honours_grace_periods_and_propagation() {
    // A manual clock: the kubelet stand-in cannot end the grace period under the test.
    let sim = TestSim::manual();
    let client = sim.client().await.unwrap();
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let pod: Pod = serde_json::from_value(json!({"metadata": {"name": "p"},
        "spec": {"nodeName": "kdeck-worker", "containers": [{"name": "c", "image": "busybox:1.36"}]}}))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let deleted = pods.delete("p", &DeleteParams::default()).await.unwrap();
    let terminating = deleted
        .left()
        .expect("a graceful delete returns the object");
    assert!(terminating.metadata.deletion_timestamp.is_some());
    assert_eq!(terminating.metadata.deletion_grace_period_seconds, Some(30));
    // A second delete with grace 0 removes it at once: the kubelet stand-in keeps a
    // scheduled pod Terminating for its whole grace period, and the clock is manual.
    pods.delete("p", &DeleteParams::default().grace_period(0))
        .await
        .expect("the pod is still Terminating, so the second delete finds it");
    assert_eq!(api_error(pods.get("p").await.unwrap_err()).code, 404);

    let deploys: Api<Deployment> = Api::default_namespaced(client.clone());
    let rss: Api<ReplicaSet> = Api::default_namespaced(client);
    for (owner, policy) in [
        ("orphaner", PropagationPolicy::Orphan),
        ("fg", PropagationPolicy::Foreground),
    ] {
        let d = deploys
            .create(&PostParams::default(), &deployment(owner))
            .await
            .unwrap();
        let rs: ReplicaSet =
            serde_json::from_value(json!({"metadata": {"name": format!("{owner}-rs"),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": owner,
                "uid": d.metadata.uid, "controller": true, "blockOwnerDeletion": true}]},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"app": owner}},
                "template": {"metadata": {"labels": {"app": owner}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.14.1"}]}}}}))
            .unwrap();
        rss.create(&PostParams::default(), &rs).await.unwrap();
        let params = DeleteParams {
            propagation_policy: Some(policy),
            ..DeleteParams::default()
        };
        let answer = deploys.delete(owner, &params).await.unwrap();
        if owner == "orphaner" {
            let rs = rss.get(&format!("{owner}-rs")).await.unwrap();
            assert!(
                rs.metadata.owner_references.is_none_or(|r| r.is_empty()),
                "orphaned"
            );
            assert_eq!(api_error(deploys.get(owner).await.unwrap_err()).code, 404);
        } else {
            let d = answer
                .left()
                .expect("a foreground delete returns the object");
            assert!(d.metadata.deletion_timestamp.is_some());
            assert!(
                d.metadata
                    .finalizers
                    .unwrap_or_default()
                    .contains(&"foregroundDeletion".to_string())
            );
        }
    }
}

#[tokio::test]
async fn auth_and_the_request_log() {
    let sim = TestSim::empty();
    let viewer: Api<ConfigMap> = Api::default_namespaced(sim.viewer_client().await.unwrap());
    let admin: Api<ConfigMap> = Api::default_namespaced(sim.client().await.unwrap());
    admin
        .create(&PostParams::default(), &config_map("a", &json!({})))
        .await
        .unwrap();
    assert_eq!(
        viewer
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let e = api_error(
        viewer
            .create(&PostParams::default(), &config_map("b", &json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((e.code, e.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        e.message,
        "configmaps is forbidden: User \"viewer\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\""
    );
    let anonymous = kube::Client::try_from(kube::Config::new(sim.url().parse().unwrap())).unwrap();
    assert!(
        anonymous.apiserver_version().await.is_ok(),
        "/version is public, like on a real server"
    );
    let e = api_error(
        Api::<ConfigMap>::default_namespaced(anonymous)
            .list(&ListParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 401);

    let log = sim.requests();
    let has = |user: &str, verb: &str, status: u16| {
        log.iter().any(|r| {
            r.user == user
                && r.verb == verb
                && r.status == status
                && r.path.starts_with("/api/v1/namespaces/default/configmaps")
        })
    };
    assert!(has("admin", "create", 201), "{log:#?}");
    assert!(has("viewer", "list", 200), "{log:#?}");
    assert!(has("viewer", "create", 403), "{log:#?}");
    assert!(has("system:anonymous", "list", 401), "{log:#?}");
    assert!(
        log.iter().all(|r| !r.path.contains("kdeck-auth")),
        "tokens stay out of the log"
    );
}

#[tokio::test]
async fn server_side_tables_and_discovery_for_kube_clients() {
    // A manual clock: no pod becomes ready under the test, so READY is 0/2 however slow it runs.
    let sim = TestSim::manual();
    let client = sim.client().await.unwrap();
    let version = client.apiserver_version().await.unwrap();
    assert!(version.git_version.starts_with("v1.33."), "{version:?}");
    let deploys: Api<Deployment> = Api::default_namespaced(client.clone());
    deploys
        .create(&PostParams::default(), &deployment("web"))
        .await
        .unwrap();
    let req =
        http::Request::get("/apis/apps/v1/namespaces/default/deployments?includeObject=Object")
            .header(
                "Accept",
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
            )
            .body(Vec::new())
            .unwrap();
    let table: Value = serde_json::from_str(&client.request_text(req).await.unwrap()).unwrap();
    assert_eq!(table["kind"], "Table");
    let columns: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["priority"] == 0)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["Name", "Ready", "Up-to-date", "Available", "Age"]);
    assert_eq!(table["rows"][0]["cells"][1], "0/2");
    assert_eq!(table["rows"][0]["object"]["kind"], "Deployment");
    let discovery = kube::Discovery::new(client).run().await.unwrap();
    let apps = discovery
        .groups()
        .find(|g| g.name() == "apps")
        .expect("the apps group is discovered");
    assert!(
        apps.recommended_resources()
            .iter()
            .any(|(r, _)| r.kind == "Deployment")
    );
}

#[tokio::test]
async fn a_watch_ends_after_its_timeout_seconds() {
    let sim = TestSim::empty();
    let cms: Api<ConfigMap> = Api::default_namespaced(sim.client().await.unwrap());
    let mut stream = cms
        .watch(&WatchParams::default().timeout(1).disable_bookmarks(), "0")
        .await
        .unwrap()
        .boxed();
    let end = tokio::time::timeout(test_timeout(), async {
        while let Some(ev) = stream.next().await {
            ev.expect("no error before the end");
        }
    })
    .await;
    assert!(
        end.is_ok(),
        "the server ends the watch after timeoutSeconds"
    );
}

#[tokio::test]
async fn eviction_and_namespace_deletion() {
    let sim = TestSim::manual();
    let client = sim.client().await.unwrap();
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    let ns: k8s_openapi::api::core::v1::Namespace =
        serde_json::from_value(json!({"metadata": {"name": "team"}})).unwrap();
    let created = namespaces
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    assert_eq!(created.status.unwrap().phase.as_deref(), Some("Active"));
    let pods: Api<Pod> = Api::namespaced(client.clone(), "team");
    let pod: Pod = serde_json::from_value(json!({"metadata": {"name": "bound"},
        "spec": {"nodeName": "kdeck-worker", "containers": [{"name": "c", "image": "busybox:1.36"}]}}))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    pods.evict("bound", &kube::api::EvictParams::default())
        .await
        .unwrap();
    // Evicted gracefully: Terminating for its grace period (the clock is manual).
    let evicted = pods
        .get("bound")
        .await
        .expect("an evicted pod stays Terminating for its grace period");
    assert!(
        evicted.metadata.deletion_timestamp.is_some(),
        "evicted gracefully"
    );
    namespaces
        .delete("team", &DeleteParams::default())
        .await
        .unwrap();
    assert_eq!(api_error(pods.get("bound").await.unwrap_err()).code, 404);
    assert_eq!(
        api_error(namespaces.get("team").await.unwrap_err()).code,
        404
    );
}

#[tokio::test]
async fn logs_tail_timestamps_follow_and_disconnect() {
    let sim = TestSim::start();
    let pods: Api<Pod> = Api::default_namespaced(sim.viewer_client().await.unwrap());
    let listed = pods
        .list(&ListParams::default().labels("app=myapp"))
        .await
        .unwrap();
    let pod = listed
        .items
        .iter()
        .find(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .and_then(|p| p.metadata.name.clone())
        .expect("the seed has running myapp pods");
    let tail = pods
        .logs(
            &pod,
            &kube::api::LogParams {
                tail_lines: Some(5),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(tail.lines().count(), 5, "{tail}");
    let stamped = pods
        .logs(
            &pod,
            &kube::api::LogParams {
                tail_lines: Some(2),
                timestamps: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for line in stamped.lines() {
        let stamp = line.split_whitespace().next().unwrap_or_default();
        assert!(stamp.parse::<jiff::Timestamp>().is_ok(), "{line}");
    }
    let follow = kube::api::LogParams {
        follow: true,
        tail_lines: Some(1),
        ..Default::default()
    };
    let mut lines = futures::AsyncBufReadExt::lines(pods.log_stream(&pod, &follow).await.unwrap());
    // The tail line, then lines written as the simulated clock moves on.
    for _ in 0..3 {
        let line = tokio::time::timeout(test_timeout(), lines.next())
            .await
            .expect("a followed log line in time")
            .expect("the follow stream is open")
            .expect("a readable line");
        assert!(!line.is_empty());
    }
    sim.disconnect_watches();
    let ended = tokio::time::timeout(test_timeout(), async {
        while let Some(Ok(_)) = lines.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "disconnect_watches ends log follows too");
    let e = api_error(
        pods.logs("nope", &kube::api::LogParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 404);
}
