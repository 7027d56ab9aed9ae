//! Who wrote what: the embedded cluster's request log keeps each request's User-Agent,
//! and objects carry `managedFields` as kube-apiserver writes them (a manager per
//! client and controller, named from `fieldManager` or the User-Agent's program name).

mod support;

use support::TestSim;

#[test]
fn the_request_log_keeps_each_requests_user_agent() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&["get", "pods"]);
    let records = sim.requests();
    let list = records
        .iter()
        .find(|r| r.verb == "list" && r.path.starts_with("/api/v1/namespaces/default/pods"))
        .expect("kubectl's list is logged");
    // kubectl/v1.32.0 (linux/amd64) kubernetes/abcdef0
    assert!(
        list.user_agent.starts_with("kubectl/v1.") && list.user_agent.contains(" (linux/"),
        "{list:?}"
    );
}
