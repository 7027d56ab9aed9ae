//! One-off requests renew rejected credentials as the watches do: a describe, a YAML get,
//! a change sent through the gate and the opening of a log, each met by a 401 because the token was revoked,
//! read the kubeconfig again (fixed on disk meanwhile) and succeed, with no watch running
//! to notice the fix first. Rejected still, they say so in the credentials' own words.

mod support;

use std::path::Path;

use k8s_openapi::api::core::v1::Pod;
use kdeck::cluster::ops::Operation;
use kdeck::cluster::{Cluster, ConnectOptions, Kind, LogChunk, LogOptions, LogTarget, ObjectKey};
use kube::api::{Api, ListParams, ResourceExt as _};
use support::TestSim;
use support::credentials::{fix_kubeconfig, rejected, token_kubeconfig};

/// Revokes `token` (the one the running clients send) and writes a kubeconfig with a
/// fresh token to `path`; returns the fresh token.
fn revoke_and_fix(sim: &TestSim, path: &Path, token: &str) -> String {
    sim.revoke_token(token);
    fix_kubeconfig(sim, path)
}

#[test]
fn describe_yaml_scale_and_logs_renew_credentials_fixed_on_disk() {
    let sim = TestSim::start();
    let token = sim.issue_token("admin", None).expect("a token");
    let path = token_kubeconfig(&sim, "token.yaml", &token);
    let key = ObjectKey {
        kind: Kind::Deployment,
        namespace: "default".into(),
        name: "myapp-deploy".into(),
    };
    sim.block_on(async {
        let options = ConnectOptions {
            kubeconfig: Some(path.clone()),
            ..ConnectOptions::default()
        };
        let cluster = Cluster::connect(&options).await.expect("connect");
        let pods: Api<Pod> = Api::namespaced(cluster.client(), "default");
        let pod = pods
            .list(&ListParams::default())
            .await
            .expect("the pods")
            .items[0]
            .name_any();

        let token = revoke_and_fix(&sim, &path, &token);
        let before = rejected(&sim);
        let text = cluster.describe(&key).await.expect("describe, renewed");
        assert!(text.contains("myapp-deploy"), "{text}");
        assert_eq!(rejected(&sim), before + 1, "one 401, then the new token");

        let token = revoke_and_fix(&sim, &path, &token);
        let before = rejected(&sim);
        let object = cluster.fetch_object(&key).await.expect("YAML, renewed");
        assert_eq!(object["metadata"]["name"], "myapp-deploy");
        assert_eq!(rejected(&sim), before + 1, "one 401, then the new token");

        let token = revoke_and_fix(&sim, &path, &token);
        let patches = |status: u16| {
            sim.requests()
                .iter()
                .filter(|r| r.method == "PATCH" && r.path.contains("myapp-deploy/scale"))
                .filter(|r| r.status == status)
                .count()
        };
        let scale = Operation::Scale {
            key: key.clone(),
            from: 3,
            to: 4,
        };
        cluster
            .send(&scale, &mut |_| {})
            .await
            .expect("scale, renewed");
        assert_eq!(
            (patches(401), patches(200)),
            (1, 1),
            "the scale rejected once, then sent again and applied once"
        );
        let replicas =
            cluster.fetch_object(&key).await.expect("the Deployment")["spec"]["replicas"].clone();
        assert_eq!(replicas, 4);

        let token = revoke_and_fix(&sim, &path, &token);
        let before = rejected(&sim);
        let (tx, mut chunks) = tokio::sync::mpsc::unbounded_channel();
        let target = LogTarget {
            namespace: "default".into(),
            pod,
            container: None,
        };
        let _log = cluster.stream_logs(target, LogOptions::default(), tx);
        let first = tokio::time::timeout(support::test_timeout(), chunks.recv())
            .await
            .expect("a log chunk in time");
        assert!(matches!(first, Some(LogChunk::Lines(_))), "{first:?}");
        assert_eq!(rejected(&sim), before + 1, "one 401, then the new token");

        // Revoked and not fixed: read again (the token had been taken), rejected again,
        // and said so.
        sim.revoke_token(&token);
        let before = rejected(&sim);
        let err = cluster.describe(&key).await.expect_err("still rejected");
        assert!(
            format!("{err:#}")
                .starts_with("credentials rejected by the server for context kdeck-sim-token: "),
            "{err:#}"
        );
        assert_eq!(
            rejected(&sim),
            before + 2,
            "asked once more after reading again"
        );
    });
}
