use serde_json::json;

use super::*;

fn deployment() -> Value {
    json!({"metadata": {"name": "web", "labels": {"app": "web"}, "finalizers": ["a"]},
        "spec": {"replicas": 3, "template": {"spec": {
            "containers": [
                {"name": "web", "image": "nginx:1.14.1", "ports": [{"containerPort": 80, "name": "http"}],
                 "env": [{"name": "A", "value": "1"}]},
                {"name": "sidecar", "image": "busybox"}],
            "tolerations": [{"key": "a"}],
            "volumes": [{"name": "data", "emptyDir": {}}]}}}})
}

fn strategic(patch: &Value) -> Value {
    apply_patch(
        PatchKind::Strategic,
        &deployment(),
        patch.to_string().as_bytes(),
    )
    .unwrap()
}

#[test]
fn merge_patch_replaces_lists_and_removes_nulls() {
    let out = apply_patch(
        PatchKind::Merge,
        &deployment(),
        br#"{"metadata": {"labels": {"app": null, "x": "y"}}, "spec": {"template": {"spec": {"containers": [{"name": "only"}]}}}}"#,
    )
    .unwrap();
    assert_eq!(out["metadata"]["labels"], json!({"x": "y"}));
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "only"}])
    );
}

#[test]
fn json_patch_operations() {
    let out = apply_patch(
        PatchKind::Json,
        &deployment(),
        br#"[{"op": "replace", "path": "/spec/replicas", "value": 5},
             {"op": "add", "path": "/metadata/labels/tier", "value": "front"},
             {"op": "remove", "path": "/spec/template/spec/containers/1"},
             {"op": "test", "path": "/spec/replicas", "value": 5}]"#,
    )
    .unwrap();
    assert_eq!(out["spec"]["replicas"], 5);
    assert_eq!(out["metadata"]["labels"]["tier"], "front");
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let e = apply_patch(
        PatchKind::Json,
        &deployment(),
        br#"[{"op": "test", "path": "/spec/replicas", "value": 9}]"#,
    )
    .unwrap_err();
    assert_eq!(e.code, 422);
    let e = apply_patch(
        PatchKind::Json,
        &deployment(),
        br#"[{"op": "remove", "path": "/nope/x"}]"#,
    )
    .unwrap_err();
    assert_eq!(e.code, 422);
}

#[test]
fn strategic_merge_uses_merge_keys() {
    let out = strategic(&json!({"spec": {"template": {"spec": {"containers": [
        {"name": "web", "image": "nginx:1.15.5", "env": [{"name": "B", "value": "2"}],
         "ports": [{"containerPort": 8080}]}]}}}}));
    let containers = &out["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers.as_array().unwrap().len(), 2, "sidecar kept");
    assert_eq!(containers[0]["image"], "nginx:1.15.5");
    assert_eq!(
        containers[0]["env"],
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    );
    assert_eq!(containers[0]["ports"].as_array().unwrap().len(), 2);
    assert_eq!(containers[1]["image"], "busybox");
}

#[test]
fn strategic_directives() {
    let out = strategic(&json!({"spec": {"template": {"spec": {
        "containers": [{"name": "sidecar", "$patch": "delete"}],
        "tolerations": [{"key": "b"}],
        "volumes": [{"$patch": "replace"}, {"name": "new", "emptyDir": {}}]}}}}));
    let spec = &out["spec"]["template"]["spec"];
    assert_eq!(spec["containers"].as_array().unwrap().len(), 1);
    assert_eq!(
        spec["tolerations"],
        json!([{"key": "b"}]),
        "tolerations replace"
    );
    assert_eq!(spec["volumes"], json!([{"name": "new", "emptyDir": {}}]));
    let out = strategic(&json!({"metadata": {"finalizers": ["b"]},
        "spec": {"template": {"spec": {"$patch": "replace", "containers": [{"name": "x", "image": "y"}]}}}}));
    assert_eq!(out["metadata"]["finalizers"], json!(["a", "b"]));
    assert_eq!(
        out["spec"]["template"]["spec"],
        json!({"containers": [{"name": "x", "image": "y"}]})
    );
    let out = strategic(
        &json!({"$setElementOrder/metadata": [], "spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "web"}],
        "containers": [{"name": "web", "image": "nginx:2"}]}}}}),
    );
    let containers = &out["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers[0]["name"], "sidecar");
    assert_eq!(containers[1]["image"], "nginx:2");
    let e = apply_patch(
        PatchKind::Strategic,
        &deployment(),
        br#"{"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}"#,
    )
    .unwrap_err();
    assert!(
        e.message
            .contains("does not contain declared merge key: name")
    );
}

#[test]
fn unknown_patch_type_is_415() {
    assert_eq!(
        PatchKind::from_content_type("text/plain").unwrap_err().code,
        415
    );
}
