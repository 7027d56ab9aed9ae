//! The service account controllers: every namespace that is not being deleted has a
//! `default` ServiceAccount, and before 1.24 (LegacyServiceAccountTokenNoAutoGeneration)
//! each ServiceAccount gets a token Secret `<name>-token-XXXXX`, listed in its `secrets`.

use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use base64::Engine as _;
use serde_json::{Value, json};

use super::meta::{is_terminating, kind, name, namespace, uid};
use super::pass::Pass;
use crate::sim::store::random_suffix;

/// Creates the missing `default` ServiceAccounts, and the token Secrets of old releases.
pub fn reconcile(pass: &Pass<'_>) {
    let accounts = kind("", "ServiceAccount");
    for ns in pass.all("", "Namespace") {
        if !is_terminating(&ns) && pass.store.get(accounts, name(&ns), "default").is_none() {
            pass.create(
                &KUBE_CONTROLLER_MANAGER,
                accounts,
                json!({"metadata": {"name": "default", "namespace": name(&ns)}}),
            );
        }
    }
    if pass.store.registry().release().minor() < 24 {
        for sa in pass.all("", "ServiceAccount") {
            if sa["secrets"].is_null() && !is_terminating(&sa) {
                add_token(pass, &sa);
            }
        }
    }
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn add_token(pass: &Pass<'_>, sa: &Value) {
    let secret_name = format!("{}-token-{}", name(sa), random_suffix(5));
    let secret = json!({
        "metadata": {"name": secret_name, "namespace": namespace(sa), "annotations": {
            "kubernetes.io/service-account.name": name(sa),
            "kubernetes.io/service-account.uid": uid(sa)}},
        "type": "kubernetes.io/service-account-token",
        "data": {
            "ca.crt": b64("-----BEGIN CERTIFICATE-----\nkdeck-sim\n-----END CERTIFICATE-----\n"),
            "namespace": b64(namespace(sa)),
            "token": b64(&format!("kdeck-sim-token-{}", uid(sa))),
        },
    });
    if pass
        .create(&KUBE_CONTROLLER_MANAGER, kind("", "Secret"), secret)
        .is_some()
    {
        pass.modify(
            &KUBE_CONTROLLER_MANAGER,
            kind("", "ServiceAccount"),
            namespace(sa),
            name(sa),
            |v| {
                v["secrets"] = json!([{"name": secret_name}]);
            },
        );
    }
}
