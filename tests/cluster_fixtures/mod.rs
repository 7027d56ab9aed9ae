//! Setup shared by the cluster layer's tests against the embedded cluster.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the fixtures"
)]

use kdeck::cluster::{Cluster, ConnectOptions};

use crate::support::TestSim;

/// Connects to `sim` through its kubeconfig (`context` `None`: the admin's).
pub async fn connect(sim: &TestSim, context: Option<&str>, readonly: bool) -> Cluster {
    Cluster::connect(&ConnectOptions {
        kubeconfig: Some(sim.kubeconfig_path().to_path_buf()),
        context: context.map(str::to_owned),
        namespace: None,
        readonly,
    })
    .await
    .expect("cannot connect to the embedded cluster")
}

/// A Deployment manifest (for [`TestSim::create_yaml`]).
pub fn deployment_yaml(name: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n"
    )
}
