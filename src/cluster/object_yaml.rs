//! One object as YAML for the YAML and describe views: fetched fresh, with
//! managedFields removed, keys in kubectl's (sorted) order, and Secret values
//! masked unless the user asks to reveal them.

use kube::core::DynamicObject;
use kube::{Api, Client};
use serde_json::Value;

use super::model::ObjectKey;

/// The annotation `kubectl apply` leaves, which holds a Secret's values in clear.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What a masked Secret value is replaced with.
pub const MASK: &str = "********";

/// GETs the object as JSON, with managedFields removed.
pub async fn fetch_json(client: Client, key: &ObjectKey) -> anyhow::Result<Value> {
    let mut value = fetch_object(client, key).await?;
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    Ok(value)
}

/// GETs the whole object as JSON (managedFields kept: the YAML view can show them).
pub async fn fetch_object(client: Client, key: &ObjectKey) -> anyhow::Result<Value> {
    let resource = key.kind.api_resource();
    let api: Api<DynamicObject> = if key.namespace.is_empty() {
        Api::all_with(client, &resource)
    } else {
        Api::namespaced_with(client, &key.namespace, &resource)
    };
    let object = api.get(&key.name).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot get {} {}: {}",
            resource.kind,
            display_key(key),
            short_error(&e)
        )
    })?;
    Ok(serde_json::to_value(object)?)
}

/// What the YAML view shows of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YamlOptions {
    /// Show `metadata.managedFields` (hidden by default).
    pub managed_fields: bool,
    /// Fold away `status`.
    pub hide_status: bool,
    /// Show a Secret's values, base64-decoded (masked by default).
    pub reveal_secrets: bool,
}

/// The object as the YAML view shows it with `options`: managedFields and status
/// removed unless asked for, a Secret's values masked or decoded.
pub fn view_yaml(object: &Value, options: YamlOptions) -> String {
    let mut value = object.clone();
    if !options.managed_fields
        && let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut)
    {
        meta.remove("managedFields");
    }
    if options.hide_status
        && let Some(map) = value.as_object_mut()
    {
        map.remove("status");
    }
    if value["kind"] == "Secret" {
        if options.reveal_secrets {
            decode_secret(&mut value);
        } else {
            mask_secret(&mut value);
        }
    }
    to_yaml(&value).unwrap_or_else(|e| format!("# cannot render the object as YAML: {e}\n"))
}

/// The object as the editor opens it: without managedFields and status (Secrets as stored).
pub fn editable(object: &Value) -> Value {
    let mut value = object.clone();
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    if let Some(map) = value.as_object_mut() {
        map.remove("status");
    }
    value
}

/// Replaces a Secret's base64 `data` values by their decoded text (values that are not
/// UTF-8 text stay base64, marked).
pub fn decode_secret(value: &mut Value) {
    use base64::Engine as _;
    if let Some(map) = value.get_mut("data").and_then(Value::as_object_mut) {
        for v in map.values_mut() {
            let Some(encoded) = v.as_str() else { continue };
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            *v = Value::String(decoded.unwrap_or_else(|| format!("(binary, base64) {encoded}")));
        }
    }
}

/// `namespace/name`, or `name` when cluster-scoped.
pub fn display_key(key: &ObjectKey) -> String {
    if key.namespace.is_empty() {
        key.name.clone()
    } else {
        format!("{}/{}", key.namespace, key.name)
    }
}

/// The server's message for API errors, kube's description otherwise.
pub fn short_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) if !status.message.is_empty() => status.message.clone(),
        other => other.to_string(),
    }
}

/// Replaces every value of a Secret's `data` and `stringData` with [`MASK`], and drops
/// the last-applied annotation, which holds the values in clear.
pub fn mask_secret(value: &mut Value) {
    for field in ["data", "stringData"] {
        if let Some(map) = value.get_mut(field).and_then(Value::as_object_mut) {
            for v in map.values_mut() {
                *v = Value::String(MASK.to_owned());
            }
        }
    }
    if let Some(annotations) = value
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
        && let Some(v) = annotations.get_mut(LAST_APPLIED)
    {
        *v = Value::String(MASK.to_owned());
    }
}

static TIMESTAMP: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(\s*(?:- )?[^\s:'\x22][^:]*: |\s*- )(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))$").ok()
});

fn quote_timestamp(line: &str) -> String {
    match TIMESTAMP.as_ref().and_then(|re| re.captures(line)) {
        Some(c) => format!("{}\"{}\"", &c[1], &c[2]),
        None => line.to_owned(),
    }
}

/// YAML with every mapping's keys sorted and strings quoted as kubectl prints them.
pub fn to_yaml(value: &Value) -> anyhow::Result<String> {
    Ok(double_quoted(&serde_yaml::to_string(&sorted(value))?))
}

/// serde_yaml quotes strings that would read as another type (`'3'`, `'true'`) with single
/// quotes; kubectl (go-yaml) uses double quotes. Rewrites `'x'` to `"x"` where `x` holds
/// no quote or backslash (so both mean the same), outside block scalars.
fn double_quoted(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len());
    // Indentation of the line that opened a block scalar (`|`, `|-`, `>`): deeper lines are text.
    let mut block: Option<usize> = None;
    for line in yaml.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim_end_matches('\n');
        if let Some(opened) = block {
            if body.trim().is_empty() || indent > opened {
                out.push_str(line);
                continue;
            }
            block = None;
        }
        let trimmed = body.trim_end();
        if trimmed.ends_with('|')
            || trimmed.ends_with("|-")
            || trimmed.ends_with("|+")
            || trimmed.ends_with('>')
            || trimmed.ends_with(">-")
        {
            block = Some(indent);
        }
        out.push_str(&requote(body));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// `key: 'x'` or `- 'x'` with a plain single-quoted scalar at the end, double-quoted;
/// a plain timestamp (`2024-01-01T00:00:00Z`) double-quoted too, as go-yaml writes it.
fn requote(line: &str) -> String {
    let Some(inner) = line.strip_suffix('\'') else {
        return quote_timestamp(line);
    };
    let Some(open) = inner.rfind('\'') else {
        return line.to_owned();
    };
    let (head, scalar) = (&inner[..open], &inner[open + 1..]);
    let starts_value = head.ends_with(": ") || head.trim() == "-" && head.ends_with("- ");
    if !starts_value || scalar.contains(['"', '\\', '\'']) {
        return line.to_owned();
    }
    format!("{head}\"{scalar}\"")
}

fn sorted(value: &Value) -> serde_yaml::Value {
    match value {
        Value::Null => serde_yaml::Value::Null,
        Value::Bool(b) => serde_yaml::Value::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                serde_yaml::Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                serde_yaml::Value::Number(u.into())
            } else {
                serde_yaml::Value::Number(n.as_f64().unwrap_or(0.0).into())
            }
        }
        Value::String(s) => serde_yaml::Value::String(s.clone()),
        Value::Array(items) => serde_yaml::Value::Sequence(items.iter().map(sorted).collect()),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_yaml::Mapping::new();
            for k in keys {
                out.insert(serde_yaml::Value::String(k.clone()), sorted(&map[k]));
            }
            serde_yaml::Value::Mapping(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_sorted_like_kubectl() {
        let v = json!({"status": {"phase": "Running"}, "spec": {"b": 1, "a": [true]},
                       "metadata": {"name": "x"}, "kind": "Pod", "apiVersion": "v1"});
        let yaml = to_yaml(&v).unwrap();
        assert_eq!(
            yaml,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  a:\n  - true\n  b: 1\nstatus:\n  phase: Running\n"
        );
    }

    #[test]
    fn strings_that_read_as_numbers_are_double_quoted_like_kubectl() {
        let v = json!({"metadata": {"creationTimestamp": "2026-11-30T11:55:48Z",
            "annotations": {"deployment.kubernetes.io/revision": "3",
            "b": "true", "c": "it's"}}, "data": {"script": "x: '1'\nkey: 'v'\n"},
            "items": ["3", "plain"]});
        let yaml = to_yaml(&v).unwrap();
        assert!(
            yaml.contains("deployment.kubernetes.io/revision: \"3\"\n"),
            "{yaml}"
        );
        assert!(yaml.contains("b: \"true\"\n"), "{yaml}");
        assert!(yaml.contains("- \"3\"\n"), "{yaml}");
        assert!(yaml.contains("c: it's\n"), "{yaml}");
        assert!(
            yaml.contains("  creationTimestamp: \"2026-11-30T11:55:48Z\"\n"),
            "{yaml}"
        );
        // Inside a block scalar the text is the value itself: unchanged.
        assert!(yaml.contains("  key: 'v'\n"), "{yaml}");
        let back: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn view_hides_managed_fields_and_folds_status_and_reveals_decoded() {
        let v = json!({"kind": "Secret", "metadata": {"name": "db", "managedFields": [{"manager": "kubectl"}]},
            "data": {"password": "aHVudGVyMg=="}, "status": {"x": 1}});
        let shown = view_yaml(&v, YamlOptions::default());
        assert!(
            !shown.contains("managedFields")
                && !shown.contains("aHVudGVyMg")
                && !shown.contains("hunter2")
        );
        assert!(shown.contains("status:"));
        let all = view_yaml(
            &v,
            YamlOptions {
                managed_fields: true,
                hide_status: true,
                reveal_secrets: true,
            },
        );
        assert!(
            all.contains("manager: kubectl") && all.contains("password: hunter2"),
            "{all}"
        );
        assert!(!all.contains("status:"), "{all}");
    }

    #[test]
    fn secret_values_and_last_applied_are_masked() {
        let mut v = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}",
                "team": "a"}},
            "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}});
        mask_secret(&mut v);
        let yaml = to_yaml(&v).unwrap();
        assert!(
            !yaml.contains("aHVudGVyMg") && !yaml.contains("admin"),
            "{yaml}"
        );
        assert!(yaml.contains("password: \"********\""), "{yaml}");
        assert!(yaml.contains("team: a"));
    }
}
