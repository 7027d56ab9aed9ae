//! The `pod-template-hash` the Deployment controller names ReplicaSets with, computed
//! like upstream's `controller.ComputeHash`: an FNV-32a hash of the pod template
//! (plus the collision count, if any), written in decimal and each digit mapped
//! through the alphabet of `rand.SafeEncodeString`.

use serde_json::Value;

/// The label (on ReplicaSets, their selectors and templates, and pods) holding the hash.
pub const LABEL: &str = "pod-template-hash";

const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The hash of `template` (a `PodTemplateSpec` as JSON), e.g. `7948db888d`.
pub fn compute(template: &Value, collision_count: Option<i64>) -> String {
    hash_json(&without_hash_label(template), collision_count)
}

/// The same hash over any JSON value as it is (keys sorted), e.g. a ControllerRevision's
/// `data`, as upstream's `history.HashControllerRevision` hashes it.
pub fn hash_json(value: &Value, collision_count: Option<i64>) -> String {
    let mut hasher = Fnv32a::new();
    let mut canonical = String::new();
    write_canonical(value, &mut canonical);
    hasher.write(canonical.as_bytes());
    if let Some(count) = collision_count.filter(|c| *c > 0) {
        hasher.write(count.to_string().as_bytes());
    }
    hasher
        .finish()
        .to_string()
        .bytes()
        .map(|b| SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()] as char)
        .collect()
}

/// The template without the `pod-template-hash` label, which must not influence
/// the hash nor the comparison of templates (upstream's `EqualIgnoreHash`).
pub fn without_hash_label(template: &Value) -> Value {
    let mut t = template.clone();
    strip_nulls(&mut t);
    if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
        labels.remove(LABEL);
        if labels.is_empty()
            && let Some(m) = t["metadata"].as_object_mut()
        {
            m.remove("labels");
        }
    }
    if t["metadata"]
        .as_object()
        .is_some_and(serde_json::Map::is_empty)
        && let Some(m) = t.as_object_mut()
    {
        m.remove("metadata");
    }
    t
}

/// Removes null fields: a typed API object does not tell `null` from absent
/// (kubectl sends templates with `creationTimestamp: null`).
pub fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Whether two templates are equal once their hash labels are ignored.
pub fn equal_ignoring_hash(a: &Value, b: &Value) -> bool {
    without_hash_label(a) == without_hash_label(b)
}

/// JSON with keys sorted, so the hash does not depend on map order.
fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

struct Fnv32a(u32);

impl Fnv32a {
    fn new() -> Self {
        Self(0x811c_9dc5)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u32::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0193);
        }
    }

    fn finish(&self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn hash_is_stable_safe_and_ignores_its_own_label() {
        let t = json!({"metadata": {"labels": {"app": "myapp"}}, "spec": {"containers": [{"name": "myapp", "image": "nginx:1.14.1"}]}});
        let h = compute(&t, None);
        assert!((8..=10).contains(&h.len()), "{h}");
        assert!(h.bytes().all(|b| SAFE_ALPHABET.contains(&b)), "{h}");
        let mut labelled = t.clone();
        labelled["metadata"]["labels"][LABEL] = json!(h.clone());
        assert_eq!(compute(&labelled, None), h);
        assert!(equal_ignoring_hash(&t, &labelled));
        let mut sent_by_kubectl = t.clone();
        sent_by_kubectl["metadata"]["creationTimestamp"] = Value::Null;
        assert!(equal_ignoring_hash(&sent_by_kubectl, &labelled));
        assert_eq!(compute(&sent_by_kubectl, None), h);
        let mut other = t.clone();
        other["spec"]["containers"][0]["image"] = json!("nginx:1.15.5");
        assert_ne!(compute(&other, None), h);
        assert_ne!(compute(&t, Some(1)), h);
    }
}
