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
    // kube-apiserver answers a patch that does not apply with the generic 422 message.
    for ops in [
        br#"[{"op": "test", "path": "/spec/replicas", "value": 9}]"#.as_slice(),
        br#"[{"op": "remove", "path": "/nope/x"}]"#,
        br#"[{"op": "replace", "path": "/spec/nope", "value": 1}]"#,
        br#"[{"op": "frobnicate", "path": "/spec"}]"#,
    ] {
        let e = apply_patch(PatchKind::Json, &deployment(), ops).unwrap_err();
        assert_eq!(
            (e.code, e.reason),
            (422, "Invalid"),
            "{}",
            String::from_utf8_lossy(ops)
        );
        assert_eq!(
            e.message,
            "the server rejected our request due to an error in our request"
        );
    }
    // One that is not a list of operations does not decode: 400, as Go's decoder words it.
    let e = apply_patch(PatchKind::Json, &deployment(), br#"{"op": "add"}"#).unwrap_err();
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
    );
}

#[test]
fn json_patch_moves_and_copies() {
    let out = apply_patch(
        PatchKind::Json,
        &deployment(),
        br#"[{"op": "copy", "from": "/metadata/labels/app", "path": "/metadata/labels/copy"},
             {"op": "move", "from": "/spec/replicas", "path": "/spec/moved"},
             {"op": "add", "path": "/metadata/finalizers/-", "value": "b"}]"#,
    )
    .unwrap();
    assert_eq!(out["metadata"]["labels"]["copy"], "web");
    assert_eq!(out["spec"]["moved"], 3);
    assert!(out["spec"].get("replicas").is_none());
    assert_eq!(out["metadata"]["finalizers"], json!(["a", "b"]));
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
