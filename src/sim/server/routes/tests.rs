use super::*;

fn resource(path: &str) -> ResourcePath {
    match parse_target(&Registry::default(), path).unwrap() {
        Target::Resource(p) => p,
        other => panic!("{path}: {other:?}"),
    }
}

#[test]
fn parses_kubernetes_paths() {
    let p = resource("/api/v1/namespaces/default/pods/web-1/log");
    assert_eq!(p.rt.plural, "pods");
    assert_eq!(p.namespace.as_deref(), Some("default"));
    assert_eq!(p.name.as_deref(), Some("web-1"));
    assert_eq!(p.subresource.as_deref(), Some("log"));
    let p = resource("/api/v1/namespaces/kube-system");
    assert_eq!(p.rt.plural, "namespaces");
    assert_eq!(p.name.as_deref(), Some("kube-system"));
    let p = resource("/api/v1/namespaces/kube-system/status");
    assert_eq!(p.subresource.as_deref(), Some("status"));
    let p = resource("/apis/apps/v1/deployments");
    assert!(p.namespace.is_none() && p.name.is_none());
    let p = resource("/apis/apps/v1/namespaces/a/deployments/web/scale");
    assert_eq!(p.subresource.as_deref(), Some("scale"));
    let registry = Registry::default();
    assert!(parse_target(&registry, "/api/v1/namespaces/a/pods/x/nope").is_err());
    assert!(parse_target(&registry, "/api/v1/widgets").is_err());
    assert!(parse_target(&registry, "/apis/apps/v2/deployments").is_err());
    assert!(
        parse_target(&registry, "/apis/batch/v1beta1/cronjobs").is_err(),
        "gone in 1.25"
    );
    assert!(matches!(
        parse_target(&registry, "/apis").unwrap(),
        Target::GroupList
    ));
}
