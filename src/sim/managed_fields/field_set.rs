//! A set of field paths, as `fieldsV1` encodes it: a tree whose keys are path elements
//! (`f:name` a field, `k:{"name":"web"}` a list item by its keys, `v:"x"` a set item), and
//! `.` the node itself when it is in the set and has children in it too.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

/// A set of field paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSet {
    /// Whether the path to this node is itself in the set.
    member: bool,
    children: BTreeMap<String, FieldSet>,
}

impl FieldSet {
    /// Whether the set holds no path.
    pub fn is_empty(&self) -> bool {
        !self.member && self.children.is_empty()
    }

    /// Puts the path to this node in the set.
    pub fn mark(&mut self) {
        self.member = true;
    }

    /// The node for a child path element, created empty when absent.
    pub fn child(&mut self, element: &str) -> &mut FieldSet {
        if !self.children.contains_key(element) {
            self.children
                .insert(element.to_string(), FieldSet::default());
        }
        self.children
            .get_mut(element)
            .expect("the child was just inserted")
    }

    /// The child node for a path element, if any path goes through it.
    pub fn get(&self, element: &str) -> Option<&FieldSet> {
        self.children.get(element)
    }

    /// The top-level path elements.
    pub fn elements(&self) -> impl Iterator<Item = &str> {
        self.children.keys().map(String::as_str)
    }

    /// Removes and returns the paths under `element`.
    pub fn take(&mut self, element: &str) -> Option<FieldSet> {
        self.children.remove(element)
    }

    /// Adds every path of `other`.
    pub fn union(&mut self, other: &FieldSet) {
        self.member |= other.member;
        for (element, theirs) in &other.children {
            self.child(element).union(theirs);
        }
    }

    /// Removes every path of `other`, and the nodes left with no path under them.
    pub fn subtract(&mut self, other: &FieldSet) {
        if other.member {
            self.member = false;
        }
        for (element, theirs) in &other.children {
            if let Some(ours) = self.children.get_mut(element) {
                ours.subtract(theirs);
                if ours.is_empty() {
                    self.children.remove(element);
                }
            }
        }
    }

    /// Drops the nodes that hold no path (left by [`FieldSet::child`] on a walk that
    /// marked nothing under them).
    pub fn prune(&mut self) {
        self.children.retain(|_, c| {
            c.prune();
            !c.is_empty()
        });
    }

    /// The set as structured-merge-diff's `ToFieldSet` makes it of an applied
    /// configuration: leaves and list items, not the fields and maps that hold them.
    #[must_use]
    pub fn leaves_and_items(mut self) -> FieldSet {
        self.clear_holders();
        self
    }

    fn clear_holders(&mut self) {
        for (element, child) in &mut self.children {
            if !child.children.is_empty() && element.starts_with("f:") {
                child.member = false;
            }
            child.clear_holders();
        }
    }

    /// The `fieldsV1` JSON text, compact (`{"f:spec":{"f:replicas":{}}}`).
    pub fn to_json_text(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut first = true;
        if self.member && !self.children.is_empty() {
            out.push_str("\".\":{}");
            first = false;
        }
        for (element, child) in &self.children {
            if !first {
                out.push(',');
            }
            first = false;
            // A JSON string of an element cannot fail to write.
            let _ = write!(out, "{}:", Value::String(element.clone()));
            child.write_json(out);
        }
        out.push('}');
    }

    /// The set a `fieldsV1` object describes.
    pub fn from_json(v: &Value) -> FieldSet {
        let mut set = FieldSet::default();
        let Some(m) = v.as_object() else {
            return set;
        };
        if m.is_empty() {
            set.member = true;
        }
        for (element, child) in m {
            if element == "." {
                set.member = true;
            } else {
                set.children
                    .insert(element.clone(), FieldSet::from_json(child));
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sets_round_trip_through_fields_v1_and_combine() {
        let v1 = json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}}}}});
        let set = FieldSet::from_json(&v1);
        let text = set.to_json_text();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v1);
        assert!(
            text.starts_with(r#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}}"#),
            "{text}"
        );

        let mut other = FieldSet::default();
        other.child("f:spec").child("f:replicas").mark();
        let mut both = set.clone();
        both.union(&other);
        assert!(both.get("f:spec").unwrap().get("f:replicas").is_some());
        both.subtract(&set);
        assert_eq!(both, other, "what only the other had is left");
        let mut labels = FieldSet::default();
        labels.child("f:metadata").child("f:labels").mark();
        let mut rest = set.clone();
        rest.subtract(&labels);
        // The label stays; the map itself is no longer in the set.
        assert_eq!(
            serde_json::from_str::<Value>(&rest.to_json_text()).unwrap()["f:metadata"],
            json!({"f:labels": {"f:app": {}}})
        );
    }
}
