//! The dashboard: state, actions, update, and the event loop that drives them.

use crate::cli::DashboardArgs;

/// Runs the dashboard until the user quits.
pub async fn run(args: DashboardArgs) -> anyhow::Result<()> {
    let _ = args;
    tokio::task::yield_now().await;
    anyhow::bail!("the dashboard is not built yet")
}
