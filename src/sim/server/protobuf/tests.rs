use serde_json::json;

use super::*;

fn key(no: u64, wire: u64, out: &mut Vec<u8>) {
    put_varint((no << 3) | wire, out);
}

fn put_varint(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn bytes(no: u64, b: &[u8], out: &mut Vec<u8>) {
    key(no, 2, out);
    put_varint(b.len() as u64, out);
    out.extend_from_slice(b);
}

fn int(no: u64, v: i64, out: &mut Vec<u8>) {
    key(no, 0, out);
    put_varint(v as u64, out);
}

fn entry(k: &str, v: &[u8]) -> Vec<u8> {
    let mut e = Vec::new();
    bytes(1, k.as_bytes(), &mut e);
    bytes(2, v, &mut e);
    e
}

fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let mut type_meta = Vec::new();
    bytes(1, api_version.as_bytes(), &mut type_meta);
    bytes(2, kind.as_bytes(), &mut type_meta);
    let mut unknown = Vec::new();
    bytes(1, &type_meta, &mut unknown);
    bytes(2, raw, &mut unknown);
    let mut out = MAGIC.to_vec();
    out.extend(unknown);
    out
}

#[test]
fn decodes_a_config_map() {
    let mut meta = Vec::new();
    bytes(1, b"settings", &mut meta);
    bytes(2, b"", &mut meta);
    bytes(11, &entry("app", b"web"), &mut meta);
    int(7, 0, &mut meta);
    let mut cm = Vec::new();
    bytes(1, &meta, &mut cm);
    bytes(2, &entry("a", b"1"), &mut cm);
    bytes(2, &entry("b", b""), &mut cm);
    let obj = decode(&envelope("v1", "ConfigMap", &cm)).unwrap();
    assert_eq!(
        obj,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "settings", "labels": {"app": "web"}},
            "data": {"a": "1", "b": ""}})
    );
}

#[test]
fn decodes_a_deployment_with_pointers_and_int_or_string() {
    let mut container = Vec::new();
    bytes(1, b"web", &mut container);
    bytes(2, b"nginx:1.14.1", &mut container);
    let mut port = Vec::new();
    int(3, 80, &mut port);
    bytes(6, &port, &mut container);
    let mut pod_spec = Vec::new();
    bytes(2, &container, &mut pod_spec);
    let mut template = Vec::new();
    bytes(2, &pod_spec, &mut template);
    let mut surge = Vec::new();
    int(1, 1, &mut surge);
    bytes(3, b"25%", &mut surge);
    let mut rolling = Vec::new();
    bytes(2, &surge, &mut rolling);
    let mut strategy = Vec::new();
    bytes(2, &rolling, &mut strategy);
    let mut spec = Vec::new();
    int(1, 0, &mut spec);
    bytes(3, &template, &mut spec);
    bytes(4, &strategy, &mut spec);
    int(5, 0, &mut spec);
    let mut deploy = Vec::new();
    bytes(2, &spec, &mut deploy);
    let obj = decode(&envelope("apps/v1", "Deployment", &deploy)).unwrap();
    assert_eq!(obj["spec"]["replicas"], 0, "a pointer keeps its zero");
    assert!(obj["spec"].get("minReadySeconds").is_none());
    assert_eq!(obj["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    let c = &obj["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "nginx:1.14.1");
    assert_eq!(c["ports"][0]["containerPort"], 80);
}

#[test]
fn refuses_unknown_kinds_and_garbage() {
    assert_eq!(
        decode(&envelope("v1", "Widget", &[])).unwrap_err().code,
        415
    );
    assert_eq!(decode(b"k8s\0\x0a\xff").unwrap_err().code, 400);
    assert_eq!(decode(b"{}").unwrap_err().code, 400);
}
