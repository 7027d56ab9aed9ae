use super::*;

#[test]
fn urls_split_into_host_port_and_path() {
    let u = Url::parse("http://myapp-svc.default:8080/a?b=1").unwrap();
    assert_eq!(
        (u.host.as_str(), u.port, u.path.as_str()),
        ("myapp-svc.default", 8080, "/a?b=1")
    );
    let u = Url::parse("myapp-svc").unwrap();
    assert_eq!((u.port, u.path.as_str()), (80, "/"));
    assert!(matches!(
        Url::parse("https://x"),
        Err(NetError::Unsupported(_))
    ));
}
