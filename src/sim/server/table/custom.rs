//! The columns of a custom resource: its CRD version's `additionalPrinterColumns` after
//! the name (`Age` alone when it has none), each cell the value at the column's simple
//! JSONPath, typed as the apiextensions server types it (`date` as an age, missing as null).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::cells::human_duration;
use super::{NAME, TableOf};
use crate::sim::clock::parse_time;
use crate::sim::resources::PrinterColumn;

const AGE: PrinterColumn = PrinterColumn {
    name: "Age",
    type_: "date",
    format: "",
    description: "",
    priority: 0,
    json_path: ".metadata.creationTimestamp",
};

fn printer_columns(of: TableOf<'_>) -> Vec<PrinterColumn> {
    let columns = of
        .rt
        .served_version(of.version)
        .map_or(&[][..], |s| s.columns);
    if columns.is_empty() {
        vec![AGE]
    } else {
        columns.to_vec()
    }
}

/// The column definitions of a custom kind (as JSON, for they are not `'static`).
pub fn columns(of: TableOf<'_>) -> Vec<Value> {
    let (name, type_, format, priority, description) = NAME;
    let mut out = vec![
        json!({"name": name, "type": type_, "format": format, "description": description, "priority": priority}),
    ];
    for c in printer_columns(of) {
        let description = if c.description.is_empty() {
            format!(
                "Custom resource definition column (in JSONPath format): {}",
                c.json_path
            )
        } else {
            c.description.to_string()
        };
        out.push(json!({"name": c.name, "type": c.type_, "format": c.format, "description": description, "priority": c.priority}));
    }
    out
}

/// The value at a simple JSONPath such as `.spec.replicas` or `.status.conditions[0].type`.
pub fn at_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = obj;
    for segment in path
        .trim_start_matches('.')
        .split('.')
        .filter(|s| !s.is_empty())
    {
        let (key, indexes) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            v = v.get(key)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let n: usize = index.trim_end_matches(']').parse().ok()?;
            v = v.get(n)?;
        }
    }
    Some(v)
}

fn cell(c: &PrinterColumn, value: Option<&Value>, now: Timestamp) -> Value {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Value::Null;
    };
    match c.type_ {
        "string" => match value {
            Value::String(s) => json!(s),
            other => json!(other.to_string()),
        },
        "integer" => value.as_f64().map_or(Value::Null, |f| json!(f as i64)),
        "number" => value.as_f64().map_or(Value::Null, |f| json!(f)),
        "boolean" => value.as_bool().map_or(Value::Null, |b| json!(b)),
        "date" => value.as_str().map_or(Value::Null, |s| match parse_time(s) {
            Some(t) => json!(human_duration(now.duration_since(t).as_secs())),
            None => json!("<invalid>"),
        }),
        _ => Value::Null,
    }
}

/// The cells of one custom resource's row.
pub fn cells(of: TableOf<'_>, o: &Value, now: Timestamp) -> Vec<Value> {
    let mut row = vec![json!(o["metadata"]["name"].as_str().unwrap_or_default())];
    row.extend(
        printer_columns(of)
            .iter()
            .map(|c| cell(c, at_path(o, c.json_path), now)),
    );
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_json_paths_find_their_values() {
        let o = json!({"spec": {"color": "red", "sizes": [3, 4]}, "status": {"conditions": [{"type": "Ready"}]}});
        assert_eq!(at_path(&o, ".spec.color"), Some(&json!("red")));
        assert_eq!(at_path(&o, ".spec.sizes[1]"), Some(&json!(4)));
        assert_eq!(
            at_path(&o, ".status.conditions[0].type"),
            Some(&json!("Ready"))
        );
        assert_eq!(at_path(&o, ".spec.missing"), None);
    }
}
