//! The objects an embedded cluster starts with: `seed` (the tutorials' objects),
//! `scale` (many pods, with churn), `empty`.

pub mod cluster_objects;
mod scale;
pub mod seed;
pub mod time_shift;

use std::sync::Arc;

use anyhow::Context as _;

use super::resources::by_kind;
use super::store::Store;
use crate::cli::{ScenarioName, SimArgs};

/// Loads the scenario named in `args` into `store` (namespaces, nodes, workloads),
/// fast-forwarding so the cluster looks settled when the server starts.
/// Returns a task handle for scenarios that keep running (churn), if any.
pub fn load(
    store: &Arc<Store>,
    args: &SimArgs,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    match args.scenario {
        ScenarioName::Seed => {
            seed::load(store)?;
            Ok(None)
        }
        ScenarioName::Scale => scale::load(store, args),
        ScenarioName::Empty => {
            empty(store)?;
            Ok(None)
        }
    }
}

/// A fresh cluster: the system namespaces and the three nodes.
fn empty(store: &Store) -> anyhow::Result<()> {
    let ns_type = by_kind("", "Namespace").context("namespaces are served")?;
    let node_type = by_kind("", "Node").context("nodes are served")?;
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        if let Err(e) = store.create(ns_type, cluster_objects::namespace(ns)) {
            anyhow::ensure!(e.code == 409, "cannot create namespace {ns}: {e}");
        }
    }
    for (i, name) in seed::NODES.into_iter().enumerate() {
        store
            .create(node_type, cluster_objects::node(name, i, i == 0))
            .with_context(|| format!("cannot create node {name}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
