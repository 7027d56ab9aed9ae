//! Tokens the embedded cluster issues and revokes, in kubeconfigs on disk, and the
//! requests it rejected for them.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::TestSim;

/// Requests the server answered 401 (credentials rejected), so far.
pub fn rejected(sim: &TestSim) -> usize {
    sim.requests().iter().filter(|r| r.status == 401).count()
}

/// Writes [`TestSim::dir`]`/name`: a kubeconfig whose user (context `kdeck-sim-token`)
/// sends `token`.
pub fn token_kubeconfig(sim: &TestSim, name: &str, token: &str) -> PathBuf {
    let kubeconfig = sim
        .kubeconfig_for(&json!({ "token": token }))
        .expect("a kubeconfig");
    sim.write_file(name, &kubeconfig)
}

/// Writes a kubeconfig with a new admin token over `path`, as a user fixing theirs
/// would; returns the token.
pub fn fix_kubeconfig(sim: &TestSim, path: &Path) -> String {
    let fresh = sim.issue_token("admin", None).expect("a new token");
    let kubeconfig = sim
        .kubeconfig_for(&json!({ "token": fresh }))
        .expect("a kubeconfig");
    std::fs::write(path, kubeconfig).expect("write the fixed kubeconfig");
    fresh
}
