//! One page of a list, read straight from the table: no copy of the objects
//! before the page, and none after it (lists of 50,000 pods come 500 at a time).

use std::ops::Bound;

use serde_json::Value;

use super::{Obj, Store};
use crate::sim::resources::ResourceType;

/// A page of a list.
#[derive(Debug)]
pub struct Page {
    /// The objects of the page, in namespace/name order.
    pub items: Vec<Obj>,
    /// Whether objects that pass the filter follow the page.
    pub more: bool,
    /// How many objects follow the page, when counted (lists without selectors).
    pub remaining: Option<usize>,
    /// The resourceVersion the page was read at.
    pub rv: u64,
}

impl Store {
    /// Lists the objects of a type (in one namespace or all) that come after the
    /// key `after` (namespace, name) and pass `keep`, at most `limit` of them.
    /// With `count_rest`, also counts the objects after the page (`keep` is
    /// then assumed to pass everything, as remainingItemCount is only given
    /// for lists without selectors).
    pub fn list_page(
        &self,
        rt: &ResourceType,
        namespace: Option<&str>,
        after: Option<(&str, &str)>,
        limit: Option<usize>,
        keep: impl Fn(&Value) -> bool,
        count_rest: bool,
    ) -> Page {
        let inner = self.read();
        let table = inner.table(rt);
        let scope = namespace.filter(|_| rt.namespaced);
        let start = match (after, scope) {
            (Some((ns, name)), _) => Bound::Excluded((ns.to_string(), name.to_string())),
            (None, Some(ns)) => Bound::Included((ns.to_string(), String::new())),
            (None, None) => Bound::Unbounded,
        };
        let mut rest = table
            .range((start, Bound::Unbounded))
            .take_while(|((ns, _), _)| scope.is_none_or(|s| s == ns))
            .map(|(_, o)| o)
            .filter(|o| keep(o));
        let limit = limit.unwrap_or(usize::MAX);
        let items: Vec<Obj> = rest.by_ref().take(limit).cloned().collect();
        let (more, remaining) = if items.len() < limit {
            (false, None)
        } else if count_rest {
            let n = rest.count();
            (n > 0, Some(n))
        } else {
            (rest.next().is_some(), None)
        };
        Page {
            items,
            more,
            remaining,
            rv: inner.rv,
        }
    }

    /// The objects of a namespace whose names start with `prefix`, in name order, read by
    /// key range: an Event is named after its object (`web-1.17a3f...`), so the events
    /// of one object are found without reading the other 25,000 of the namespace.
    pub fn list_name_prefix(&self, rt: &ResourceType, namespace: &str, prefix: &str) -> Vec<Obj> {
        let inner = self.read();
        let ns = if rt.namespaced { namespace } else { "" };
        let start = (ns.to_string(), prefix.to_string());
        inner
            .table(rt)
            .range(start..)
            .take_while(|((n, name), _)| n == ns && name.starts_with(prefix))
            .map(|(_, o)| o.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::sim::clock::Clock;
    use crate::sim::resources::by_plural;
    use crate::sim::store::Store;

    fn names(items: &[crate::sim::store::Obj]) -> Vec<String> {
        items
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn pages_follow_keys_filters_and_namespaces() {
        let s = Store::new(Clock::manual());
        let ns = by_plural("", "namespaces").unwrap();
        let cm = by_plural("", "configmaps").unwrap();
        for n in ["a", "b"] {
            s.create(ns, json!({"metadata": {"name": n}})).unwrap();
            for i in 0..4 {
                s.create(
                    cm,
                    json!({"metadata": {"name": format!("c{i}"), "namespace": n,
                        "labels": {"even": (i % 2 == 0).to_string()}}}),
                )
                .unwrap();
            }
        }
        let p = s.list_page(cm, None, None, Some(3), |_| true, true);
        assert_eq!(names(&p.items), ["c0", "c1", "c2"]);
        assert_eq!((p.more, p.remaining), (true, Some(5)));
        let p = s.list_page(cm, None, Some(("a", "c2")), Some(3), |_| true, true);
        assert_eq!(names(&p.items), ["c3", "c0", "c1"]);
        let p = s.list_page(cm, Some("a"), Some(("a", "c1")), None, |_| true, true);
        assert_eq!(names(&p.items), ["c2", "c3"]);
        assert!(!p.more);
        let even = |o: &serde_json::Value| o["metadata"]["labels"]["even"] == "true";
        let p = s.list_page(cm, Some("b"), None, Some(1), even, false);
        assert_eq!(names(&p.items), ["c0"]);
        assert_eq!((p.more, p.remaining), (true, None));
        let p = s.list_page(cm, Some("b"), Some(("b", "c0")), Some(1), even, false);
        assert_eq!(names(&p.items), ["c2"]);
        assert!(!p.more);
        assert_eq!(
            names(&s.list_name_prefix(cm, "a", "c")),
            ["c0", "c1", "c2", "c3"]
        );
        assert_eq!(names(&s.list_name_prefix(cm, "b", "c2")), ["c2"]);
        assert!(s.list_name_prefix(cm, "a", "d").is_empty());
    }
}
