//! One reconcile pass: the store, the simulated time it runs at, and the writes
//! every controller makes through it (errors are logged, never fatal: the next
//! pass retries, as a real controller requeues).

use jiff::Timestamp;
use serde_json::Value;

use super::meta::kind;
use crate::sim::admission;
use crate::sim::api_error::ApiResult;
use crate::sim::managed_fields::{self, Manager};
use crate::sim::resources::ResourceType;
use crate::sim::store::{Obj, Store};

/// The context every controller gets for one pass.
pub struct Pass<'a> {
    /// The cluster's objects.
    pub store: &'a Store,
    /// The simulated time of this pass.
    pub now: Timestamp,
}

impl<'a> Pass<'a> {
    /// A pass over `store` at its clock's current time.
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            now: store.clock().now(),
        }
    }

    /// Lists every object of a kind.
    pub fn all(&self, group: &str, k: &str) -> Vec<Obj> {
        self.store.list(kind(group, k), None).0
    }

    /// Creates an object as `by`'s create request would: its managedFields recorded, then
    /// through the admission plugins (a pod gets its token volume); logs a failure.
    pub fn create(&self, by: &Manager, rt: &'static ResourceType, obj: Value) -> Option<Obj> {
        logged(self.try_create(by, rt, obj), "create", rt)
    }

    /// [`Pass::create`], returning the failure (a name already taken, say).
    pub fn try_create(
        &self,
        by: &Manager,
        rt: &'static ResourceType,
        mut obj: Value,
    ) -> ApiResult<Obj> {
        managed_fields::record_create(rt, &mut obj, by, self.now);
        admission::mutate_on_create(rt, &mut obj);
        self.store.create(rt, obj)
    }

    /// Changes an object in place as `by`, logging a failure (a vanished object is not one).
    pub fn modify(
        &self,
        by: &Manager,
        rt: &'static ResourceType,
        namespace: &str,
        name: &str,
        f: impl FnOnce(&mut Value),
    ) -> Option<Obj> {
        self.write(Some(by), rt, namespace, name, f)
    }

    /// Changes an object in place as the server itself does (the binding subresource,
    /// graceful deletion): no manager records it.
    pub fn modify_untracked(
        &self,
        rt: &'static ResourceType,
        namespace: &str,
        name: &str,
        f: impl FnOnce(&mut Value),
    ) -> Option<Obj> {
        self.write(None, rt, namespace, name, f)
    }

    fn write(
        &self,
        by: Option<&Manager>,
        rt: &'static ResourceType,
        namespace: &str,
        name: &str,
        f: impl FnOnce(&mut Value),
    ) -> Option<Obj> {
        self.store.get(rt, namespace, name)?;
        logged(
            self.store.modify_by(rt, namespace, name, by, |v| {
                f(v);
                Ok(())
            }),
            "update",
            rt,
        )
    }

    /// Removes an object at once.
    pub fn remove(&self, rt: &'static ResourceType, namespace: &str, name: &str) {
        if self.store.get(rt, namespace, name).is_some() {
            logged(self.store.delete(rt, namespace, name), "delete", rt);
        }
    }

    /// Starts a graceful deletion as the API server does for a DELETE: a pod gets a
    /// deletionTimestamp at the end of its grace period and the kubelet removes it;
    /// other objects go at once unless they carry finalizers.
    pub fn delete_gracefully(&self, rt: &'static ResourceType, obj: &Value) {
        let ns = super::meta::namespace(obj);
        let name = super::meta::name(obj);
        if super::meta::is_terminating(obj) {
            return;
        }
        let has_finalizers = obj["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|f| !f.is_empty());
        if rt.kind == "Pod" || has_finalizers {
            let grace = if rt.kind == "Pod" {
                obj["spec"]["terminationGracePeriodSeconds"]
                    .as_i64()
                    .unwrap_or(30)
            } else {
                0
            };
            let at = self
                .now
                .saturating_add(jiff::SignedDuration::from_secs(grace))
                .unwrap_or(self.now);
            self.modify_untracked(rt, ns, name, |v| {
                v["metadata"]["deletionTimestamp"] = crate::sim::clock::format_time(at).into();
                v["metadata"]["deletionGracePeriodSeconds"] = grace.into();
            });
        } else {
            self.remove(rt, ns, name);
        }
    }
}

fn logged<T>(r: ApiResult<T>, verb: &str, rt: &ResourceType) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::debug!(%e, verb, kind = rt.kind, "controller write failed; retrying next pass");
            None
        }
    }
}
