//! The service account controller: every namespace that is not being deleted has a
//! `default` ServiceAccount.

use serde_json::json;

use super::meta::{is_terminating, kind, name};
use super::pass::Pass;

/// Creates the missing `default` ServiceAccounts.
pub fn reconcile(pass: &Pass<'_>) {
    let accounts = kind("", "ServiceAccount");
    for ns in pass.all("", "Namespace") {
        if !is_terminating(&ns) && pass.store.get(accounts, name(&ns), "default").is_none() {
            pass.create(
                accounts,
                json!({"metadata": {"name": "default", "namespace": name(&ns)}}),
            );
        }
    }
}
