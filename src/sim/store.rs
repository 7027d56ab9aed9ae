//! The embedded cluster's object store: what etcd and the registry layer are to a real API server.
//!
//! Objects are kept as JSON values (the wire form), one table per resource type,
//! sorted by namespace and name like the real server's lists. Every change gets
//! the next global `resourceVersion` and goes out on a broadcast channel that
//! watches read; a bounded history lets a watch resume from an older
//! resourceVersion, and answers 410 Gone once that version has been compacted.
//!
//! The store applies the bookkeeping every write gets on a real server
//! (uid, creationTimestamp, resourceVersion, generation, status/spec
//! separation of the status subresource, optimistic concurrency) but no
//! validation, admission or authorization: that is the API layer's job.

mod page;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::api_error::{ApiError, ApiResult};
use super::clock::{Clock, format_time};
use super::resources::{Registry, ResourceType, ServerVersion, by_kind, custom};

pub use page::Page;

/// A stored object. Shared: readers clone the `Arc`, never the value.
pub type Obj = Arc<Value>;

/// The type of a watch event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// The object was created.
    Added,
    /// The object was changed.
    Modified,
    /// The object was removed.
    Deleted,
}

impl EventType {
    /// The wire name: `ADDED`, `MODIFIED`, `DELETED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// One change to the store, as watches see it.
#[derive(Clone, Debug)]
pub struct Change {
    /// The resourceVersion this change produced.
    pub rv: u64,
    /// What happened.
    pub event: EventType,
    /// The type of the object.
    pub resource: &'static ResourceType,
    /// The object after the change (for `Deleted`, its last state).
    pub object: Obj,
    /// The object before the change (`None` for `Added`), so that a filtered
    /// watch can tell an object that starts or stops matching its selectors.
    pub previous: Option<Obj>,
}

impl Change {
    /// Whether the change is to an object of `rt` (any version of it).
    pub fn is_of(&self, rt: &ResourceType) -> bool {
        table_key(self.resource) == table_key(rt)
    }

    /// The object's namespace ("" for cluster-scoped objects).
    pub fn namespace(&self) -> &str {
        self.object["metadata"]["namespace"].as_str().unwrap_or("")
    }
}

/// How an update treats the parts of the object a subresource owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateMode {
    /// An update of the main resource: for types with a status subresource the
    /// stored status is kept and the sent one ignored.
    Main,
    /// An update of the status subresource: only `status` is taken from the sent object.
    Status,
    /// The whole object is taken as sent (controllers' internal writes).
    Raw,
}

/// A watch opened on the store: the events to send first, then the live feed.
pub struct Watch {
    /// Events to replay before the live feed (synthetic ADDED events for a watch
    /// without a resourceVersion; history newer than the given one otherwise).
    pub initial: Vec<Arc<Change>>,
    /// Every later change to any resource; callers filter.
    pub live: broadcast::Receiver<Arc<Change>>,
    /// The resourceVersion at which the watch was opened.
    pub rv: u64,
}

type Table = BTreeMap<(String, String), Obj>;

/// A table's key: the kind's group and plural (every served version shares it).
type TableKey = (&'static str, &'static str);

fn table_key(rt: &ResourceType) -> TableKey {
    (rt.group, rt.plural)
}

static EMPTY_TABLE: Table = BTreeMap::new();

struct Inner {
    rv: u64,
    tables: HashMap<TableKey, Table>,
    history: VecDeque<Arc<Change>>,
    /// Changes up to this resourceVersion are no longer in `history`.
    compacted: u64,
    /// Resource versions with the time they were reached, one a second at most: what a
    /// time-based etcd compaction needs.
    marks: VecDeque<(Instant, u64)>,
    /// Versions below this one are compacted in "etcd": list continue tokens from before
    /// it get 410 Gone. Moves every [`COMPACTION_INTERVAL`], as kube-apiserver's compactor.
    etcd_compacted: u64,
}

/// How long etcd keeps old revisions: kube-apiserver compacts every 5 minutes
/// (`--etcd-compaction-interval`), so a paginated list has at least that long to finish.
pub const COMPACTION_INTERVAL: Duration = Duration::from_secs(300);

/// The object store. Cheap to share behind an `Arc`.
pub struct Store {
    inner: RwLock<Inner>,
    registry: Registry,
    tx: broadcast::Sender<Arc<Change>>,
    clock: Clock,
    history_cap: usize,
    compaction_interval: Duration,
}

/// Default number of changes kept for watches that resume from a resourceVersion.
pub const DEFAULT_HISTORY: usize = 20_000;

const NAME_SUFFIX_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A random suffix of `n` characters from the alphabet Kubernetes uses for generated names.
pub fn random_suffix(n: usize) -> String {
    (0..n)
        .map(|_| NAME_SUFFIX_CHARS[fastrand::usize(..NAME_SUFFIX_CHARS.len())] as char)
        .collect()
}

impl Inner {
    fn table(&self, rt: &ResourceType) -> &Table {
        self.tables.get(&table_key(rt)).unwrap_or(&EMPTY_TABLE)
    }

    fn table_mut(&mut self, rt: &ResourceType) -> &mut Table {
        self.tables.entry(table_key(rt)).or_default()
    }
}

fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj["metadata"][field].as_str().unwrap_or("")
}

impl Store {
    /// An empty store reading time from `clock`.
    pub fn new(clock: Clock) -> Self {
        Self::with_history(clock, DEFAULT_HISTORY)
    }

    /// An empty store that keeps `history_cap` changes for resuming watches.
    pub fn with_history(clock: Clock, history_cap: usize) -> Self {
        let (tx, _) = broadcast::channel(65_536);
        Self {
            inner: RwLock::new(Inner {
                rv: 1,
                tables: HashMap::new(),
                history: VecDeque::new(),
                compacted: 0,
                marks: VecDeque::new(),
                etcd_compacted: 0,
            }),
            registry: Registry::default(),
            tx,
            clock,
            history_cap: history_cap.max(1),
            compaction_interval: COMPACTION_INTERVAL,
        }
    }

    /// The same store with etcd compacting every `interval` instead of five minutes.
    #[must_use]
    pub fn with_compaction_interval(mut self, interval: Duration) -> Self {
        self.compaction_interval = interval;
        self
    }

    /// The same store standing for release `release` (what the server serves of its kinds).
    #[must_use]
    pub fn for_release(mut self, release: ServerVersion) -> Self {
        self.registry = Registry::new(release);
        self
    }

    /// The kinds this cluster serves, custom ones included.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The clock the store stamps objects with.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current (latest) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.read().rv
    }

    /// Gets one object. Cluster-scoped types take `""` as namespace.
    pub fn get(&self, rt: &ResourceType, namespace: &str, name: &str) -> Option<Obj> {
        let key = (ns_of(rt, namespace).to_string(), name.to_string());
        self.read().table(rt).get(&key).cloned()
    }

    /// Lists objects of a type, in one namespace or all (`None`), sorted by
    /// namespace and name, with the resourceVersion the list was read at.
    pub fn list(&self, rt: &ResourceType, namespace: Option<&str>) -> (Vec<Obj>, u64) {
        let inner = self.read();
        let table = inner.table(rt);
        let items = match namespace {
            Some(ns) if rt.namespaced => table
                .range((ns.to_string(), String::new())..)
                .take_while(|((n, _), _)| n == ns)
                .map(|(_, o)| o.clone())
                .collect(),
            _ => table.values().cloned().collect(),
        };
        (items, inner.rv)
    }

    /// Number of stored objects of a type.
    pub fn count(&self, rt: &ResourceType) -> usize {
        self.read().table(rt).len()
    }

    /// Creates an object. Fills in `apiVersion`, `kind`, a name from
    /// `generateName`, `uid`, `creationTimestamp`, `resourceVersion` and
    /// `generation`; drops any sent status-subresource-owned fields only if
    /// the caller asks (the API layer decides).
    pub fn create(&self, rt: &'static ResourceType, mut obj: Value) -> ApiResult<Obj> {
        if !obj.is_object() {
            return Err(ApiError::bad_request("the object must be a JSON object"));
        }
        obj["apiVersion"] = json!(rt.api_version());
        obj["kind"] = json!(rt.kind);
        if !obj["metadata"].is_object() {
            obj["metadata"] = json!({});
        }
        let mut generated_from = None;
        if meta_str(&obj, "name").is_empty() {
            let prefix = meta_str(&obj, "generateName").to_string();
            if prefix.is_empty() {
                return Err(ApiError::invalid(
                    rt,
                    "",
                    vec![super::api_error::Cause {
                        reason: "FieldValueRequired",
                        field: "metadata.name".into(),
                        message: "Required value: name or generateName is required".into(),
                    }],
                ));
            }
            obj["metadata"]["name"] = json!(format!("{prefix}{}", random_suffix(5)));
            generated_from = Some(prefix);
        }
        let namespace = if rt.namespaced {
            let ns = meta_str(&obj, "namespace");
            if ns.is_empty() {
                "default".to_string()
            } else {
                ns.to_string()
            }
        } else {
            String::new()
        };
        if rt.namespaced {
            obj["metadata"]["namespace"] = json!(namespace);
        } else if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        let name = meta_str(&obj, "name").to_string();
        let now = format_time(self.clock.now());
        let mut inner = self.write();
        if rt.namespaced {
            let ns_type = by_kind("", "Namespace").expect("namespaces are served");
            if !inner
                .table(ns_type)
                .contains_key(&(String::new(), namespace.clone()))
            {
                return Err(ApiError::not_found(ns_type, &namespace));
            }
        }
        let mut key = (namespace, name);
        // A generated name that is taken is generated again, up to 7 more times, as
        // kube-apiserver does since 1.32 (RetryGenerateName).
        let mut retries = 0;
        while inner.table(rt).contains_key(&key) {
            match &generated_from {
                Some(prefix) if retries < 7 => {
                    retries += 1;
                    key.1 = format!("{prefix}{}", random_suffix(5));
                    obj["metadata"]["name"] = json!(key.1);
                }
                _ => return Err(ApiError::already_exists(rt, &key.1)),
            }
        }
        let rv = inner.rv + 1;
        let m = &mut obj["metadata"];
        // A uid given by the API layer (a Job's selector names it) is kept.
        if m["uid"].as_str().is_none_or(str::is_empty) {
            m["uid"] = json!(uuid::Uuid::new_v4().to_string());
        }
        m["creationTimestamp"] = json!(now);
        m["resourceVersion"] = json!(rv.to_string());
        if rt.has_generation {
            m["generation"] = json!(1);
        }
        if let Some(m) = m.as_object_mut() {
            m.remove("deletionTimestamp");
            m.remove("managedFields");
        }
        let obj = Arc::new(obj);
        inner.table_mut(rt).insert(key, obj.clone());
        self.commit(&mut inner, rv, EventType::Added, rt, obj.clone(), None);
        Ok(obj)
    }

    /// Replaces an object. If the sent object carries a non-empty
    /// `resourceVersion` that is not the stored one, fails with 409 Conflict.
    /// Identity fields (uid, creationTimestamp, deletionTimestamp) are kept from
    /// the stored object; `generation` is bumped when `spec` changes. An object
    /// being deleted whose last finalizer is removed is deleted.
    pub fn update(
        &self,
        rt: &'static ResourceType,
        obj: Value,
        mode: UpdateMode,
    ) -> ApiResult<Obj> {
        let namespace = ns_of(rt, meta_str(&obj, "namespace")).to_string();
        let name = meta_str(&obj, "name").to_string();
        let sent_rv = meta_str(&obj, "resourceVersion").to_string();
        let mut inner = self.write();
        let key = (namespace, name.clone());
        let Some(old) = inner.table(rt).get(&key).cloned() else {
            return Err(ApiError::not_found(rt, &name));
        };
        if !sent_rv.is_empty() && sent_rv != meta_str(&old, "resourceVersion") {
            return Err(ApiError::conflict(rt, &name));
        }
        let new = merge_for_update(rt, &old, obj, mode);
        if new == *old {
            return Ok(old);
        }
        Ok(self.store_update(&mut inner, rt, key, &old, new))
    }

    /// Atomically reads, changes and writes an object (no conflict check):
    /// the form controllers use. `f` may fail to abort without writing.
    pub fn modify(
        &self,
        rt: &'static ResourceType,
        namespace: &str,
        name: &str,
        f: impl FnOnce(&mut Value) -> ApiResult<()>,
    ) -> ApiResult<Obj> {
        let mut inner = self.write();
        let key = (ns_of(rt, namespace).to_string(), name.to_string());
        let Some(old) = inner.table(rt).get(&key).cloned() else {
            return Err(ApiError::not_found(rt, name));
        };
        let mut value = (*old).clone();
        f(&mut value)?;
        let new = merge_for_update(rt, &old, value, UpdateMode::Raw);
        if new == *old {
            return Ok(old);
        }
        Ok(self.store_update(&mut inner, rt, key, &old, new))
    }

    fn store_update(
        &self,
        inner: &mut Inner,
        rt: &'static ResourceType,
        key: (String, String),
        old: &Value,
        mut new: Value,
    ) -> Obj {
        if rt.has_generation && new.get("spec") != old.get("spec") {
            let generation = old["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
            new["metadata"]["generation"] = json!(generation);
        }
        let rv = inner.rv + 1;
        new["metadata"]["resourceVersion"] = json!(rv.to_string());
        let finalized = !new["metadata"]["deletionTimestamp"].is_null()
            && new["metadata"]["finalizers"]
                .as_array()
                .is_none_or(Vec::is_empty)
            && rt.kind != "Pod";
        let new = Arc::new(new);
        let previous = inner.table(rt).get(&key).cloned();
        if finalized {
            inner.table_mut(rt).remove(&key);
            self.commit(inner, rv, EventType::Deleted, rt, new.clone(), previous);
        } else {
            inner.table_mut(rt).insert(key, new.clone());
            self.commit(inner, rv, EventType::Modified, rt, new.clone(), previous);
        }
        new
    }

    /// Removes an object at once (the end of a deletion; graceful deletion and
    /// finalizers are handled by the API layer and the controllers).
    pub fn delete(&self, rt: &'static ResourceType, namespace: &str, name: &str) -> ApiResult<Obj> {
        let mut inner = self.write();
        let key = (ns_of(rt, namespace).to_string(), name.to_string());
        let Some(old) = inner.table_mut(rt).remove(&key) else {
            return Err(ApiError::not_found(rt, name));
        };
        let rv = inner.rv + 1;
        let mut last = (*old).clone();
        last["metadata"]["resourceVersion"] = json!(rv.to_string());
        let last = Arc::new(last);
        self.commit(
            &mut inner,
            rv,
            EventType::Deleted,
            rt,
            last.clone(),
            Some(old),
        );
        Ok(last)
    }

    fn commit(
        &self,
        inner: &mut Inner,
        rv: u64,
        event: EventType,
        rt: &'static ResourceType,
        object: Obj,
        previous: Option<Obj>,
    ) {
        inner.rv = rv;
        if rt.group == "apiextensions.k8s.io" && rt.kind == "CustomResourceDefinition" {
            self.follow_crd(inner, event, &object, previous.as_deref());
        }
        let change = Arc::new(Change {
            rv,
            event,
            resource: rt,
            object,
            previous,
        });
        inner.history.push_back(change.clone());
        while inner.history.len() > self.history_cap {
            if let Some(old) = inner.history.pop_front() {
                inner.compacted = old.rv;
            }
        }
        let now = Instant::now();
        let spacing = (self.compaction_interval / 300).min(Duration::from_secs(1));
        if inner
            .marks
            .back()
            .is_none_or(|(at, _)| now.duration_since(*at) >= spacing)
        {
            inner.marks.push_back((now, rv));
        }
        while let Some(&(at, mark)) = inner.marks.front()
            && now.duration_since(at) >= self.compaction_interval
        {
            inner.marks.pop_front();
            inner.etcd_compacted = inner.etcd_compacted.max(mark);
        }
        // No receivers is fine: nobody is watching.
        let _ = self.tx.send(change);
    }

    /// Serves what a CustomResourceDefinition defines from the moment it is stored, as the
    /// apiextensions server's informer does, and forgets its kind (and any object left of it)
    /// once the CRD is gone.
    fn follow_crd(
        &self,
        inner: &mut Inner,
        event: EventType,
        crd: &Value,
        previous: Option<&Value>,
    ) {
        let spec = &crd["spec"];
        let group = spec["group"].as_str().unwrap_or_default();
        let plural = spec["names"]["plural"].as_str().unwrap_or_default();
        if event == EventType::Deleted {
            inner.tables.retain(|key, _| *key != (group, plural));
            self.registry.unregister(group, plural);
        } else if previous.is_none_or(|p| p["spec"] != *spec)
            && let Some(rt) = custom::from_crd(crd)
        {
            // Only a new spec builds (and leaks) a new entry: status writes do not.
            self.registry.register(rt);
        }
    }

    /// Opens a watch on a type. Without a resourceVersion (or "0") the watch
    /// starts with a synthetic ADDED event per existing object; with one, it
    /// replays the changes after it, or fails with 410 Gone if they were compacted.
    pub fn watch(&self, rt: &'static ResourceType, from_rv: Option<u64>) -> ApiResult<Watch> {
        let inner = self.read();
        let live = self.tx.subscribe();
        let initial = match from_rv {
            None | Some(0) => inner
                .table(rt)
                .values()
                .map(|o| {
                    Arc::new(Change {
                        rv: o["metadata"]["resourceVersion"]
                            .as_str()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(inner.rv),
                        event: EventType::Added,
                        resource: rt,
                        object: o.clone(),
                        previous: None,
                    })
                })
                .collect(),
            Some(rv) => {
                if rv < inner.compacted {
                    return Err(too_old(rv, inner.compacted));
                }
                if rv > inner.rv {
                    // A future version: the real server waits; we start from now.
                    Vec::new()
                } else {
                    inner
                        .history
                        .iter()
                        .filter(|c| c.rv > rv && c.is_of(rt))
                        .cloned()
                        .collect()
                }
            }
        };
        Ok(Watch {
            initial,
            live,
            rv: inner.rv,
        })
    }

    /// Subscribes to every change of every type from now on (for controllers).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.tx.subscribe()
    }

    /// Forgets all history, so that any watch resuming from (or list continuing
    /// at) a resourceVersion handed out before gets 410 Gone, as after an etcd
    /// compaction. The resourceVersion moves on by one, so the next list starts
    /// at a version that is not expired.
    pub fn compact(&self) {
        let mut inner = self.write();
        inner.history.clear();
        inner.rv += 1;
        inner.compacted = inner.rv;
        inner.etcd_compacted = inner.rv;
    }

    /// The oldest resourceVersion a watch may still resume from (the watch history holds
    /// the last [`DEFAULT_HISTORY`] changes, as kube-apiserver's watch cache is bounded).
    pub fn compacted_rv(&self) -> u64 {
        self.read().compacted
    }

    /// The oldest resourceVersion a list continue token may carry: versions stay for
    /// [`COMPACTION_INTERVAL`] (or until [`Store::compact`]), however many changes follow.
    pub fn etcd_compacted_rv(&self) -> u64 {
        self.read().etcd_compacted
    }

    /// Loads an object as it was (for scenarios, before anyone watches): like
    /// [`Store::create`], but the object keeps its own `uid`, `creationTimestamp`,
    /// `generation` and `deletionTimestamp` (an object being deleted stays so). Watch
    /// history holds the object as first created.
    pub fn restore(&self, rt: &'static ResourceType, obj: Value) -> ApiResult<Obj> {
        let kept: Vec<(&str, Value)> = [
            "uid",
            "creationTimestamp",
            "generation",
            "deletionTimestamp",
        ]
        .into_iter()
        .filter_map(|f| obj["metadata"].get(f).map(|v| (f, v.clone())))
        .collect();
        let created = self.create(rt, obj)?;
        let mut fixed = (*created).clone();
        for (f, v) in kept {
            fixed["metadata"][f] = v;
        }
        let key = (
            ns_of(rt, meta_str(&fixed, "namespace")).to_string(),
            meta_str(&fixed, "name").to_string(),
        );
        let fixed = Arc::new(fixed);
        self.write().table_mut(rt).insert(key, fixed.clone());
        Ok(fixed)
    }

    /// Gets an object as a typed k8s-openapi value.
    pub fn get_as<K>(&self, namespace: &str, name: &str) -> Option<K>
    where
        K: k8s_openapi::Resource + DeserializeOwned,
    {
        let rt = typed(K::GROUP, K::KIND)?;
        self.get(rt, namespace, name)
            .and_then(|o| K::deserialize(&*o).ok())
    }

    /// Lists objects as typed k8s-openapi values.
    pub fn list_as<K>(&self, namespace: Option<&str>) -> Vec<K>
    where
        K: k8s_openapi::Resource + DeserializeOwned,
    {
        let Some(rt) = typed(K::GROUP, K::KIND) else {
            return Vec::new();
        };
        self.list(rt, namespace)
            .0
            .iter()
            .filter_map(|o| K::deserialize(&**o).ok())
            .collect()
    }

    /// Creates an object from a typed k8s-openapi value.
    pub fn create_as<K>(&self, obj: &K) -> ApiResult<K>
    where
        K: k8s_openapi::Resource + Serialize + DeserializeOwned,
    {
        let rt = typed(K::GROUP, K::KIND)
            .ok_or_else(|| ApiError::internal(format!("{} is not served", K::KIND)))?;
        let value = serde_json::to_value(obj).map_err(|e| ApiError::internal(e.to_string()))?;
        let created = self.create(rt, value)?;
        K::deserialize(&*created).map_err(|e| ApiError::internal(e.to_string()))
    }

    /// Atomically changes a typed object (no conflict check).
    pub fn modify_as<K>(&self, namespace: &str, name: &str, f: impl FnOnce(&mut K)) -> ApiResult<K>
    where
        K: k8s_openapi::Resource + Serialize + DeserializeOwned,
    {
        let rt = typed(K::GROUP, K::KIND)
            .ok_or_else(|| ApiError::internal(format!("{} is not served", K::KIND)))?;
        let out = self.modify(rt, namespace, name, |v| {
            let mut k = K::deserialize(&*v).map_err(|e| ApiError::internal(e.to_string()))?;
            f(&mut k);
            *v = serde_json::to_value(&k).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(())
        })?;
        K::deserialize(&*out).map_err(|e| ApiError::internal(e.to_string()))
    }
}

fn typed(group: &str, kind: &str) -> Option<&'static ResourceType> {
    by_kind(group, kind)
}

fn ns_of<'a>(rt: &ResourceType, namespace: &'a str) -> &'a str {
    if rt.namespaced {
        if namespace.is_empty() {
            "default"
        } else {
            namespace
        }
    } else {
        ""
    }
}

fn too_old(asked: u64, oldest: u64) -> ApiError {
    ApiError::gone(format!("too old resource version: {asked} ({oldest})"))
}

/// Builds the object to store from the stored one and the sent one.
fn merge_for_update(rt: &ResourceType, old: &Value, mut sent: Value, mode: UpdateMode) -> Value {
    let has_status = rt.has_subresource("status");
    let mut new = match mode {
        UpdateMode::Status => {
            let mut v = old.clone();
            v["status"] = sent.get("status").cloned().unwrap_or(Value::Null);
            if let (true, Some(m)) = (v["status"].is_null(), v.as_object_mut()) {
                m.remove("status");
            }
            v
        }
        UpdateMode::Main if has_status => {
            match old.get("status") {
                Some(s) => sent["status"] = s.clone(),
                None => {
                    if let Some(m) = sent.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
            sent
        }
        UpdateMode::Main | UpdateMode::Raw => sent,
    };
    new["apiVersion"] = old["apiVersion"].clone();
    new["kind"] = old["kind"].clone();
    if !new["metadata"].is_object() {
        new["metadata"] = json!({});
    }
    for field in [
        "uid",
        "creationTimestamp",
        "namespace",
        "name",
        "generation",
    ] {
        match old["metadata"].get(field) {
            Some(v) => new["metadata"][field] = v.clone(),
            None => {
                if let Some(m) = new["metadata"].as_object_mut() {
                    m.remove(field);
                }
            }
        }
    }
    // deletionTimestamp can be set by the API layer (graceful delete) but never cleared by a client.
    if let Some(ts) = old["metadata"].get("deletionTimestamp") {
        new["metadata"]["deletionTimestamp"] = ts.clone();
    }
    if let Some(m) = new["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
    new
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::by_plural;

    fn store() -> Store {
        let s = Store::new(Clock::manual());
        let ns = by_plural("", "namespaces").unwrap();
        s.create(ns, json!({"metadata": {"name": "default"}}))
            .unwrap();
        s
    }

    #[test]
    fn create_fills_identity_and_rejects_duplicates() {
        let s = store();
        let deploy = by_plural("apps", "deployments").unwrap();
        let d = s
            .create(
                deploy,
                json!({"metadata": {"name": "web"}, "spec": {"replicas": 1}}),
            )
            .unwrap();
        assert_eq!(d["apiVersion"], "apps/v1");
        assert_eq!(d["metadata"]["namespace"], "default");
        assert_eq!(d["metadata"]["generation"], 1);
        assert!(d["metadata"]["uid"].as_str().is_some_and(|u| u.len() == 36));
        let again = s
            .create(deploy, json!({"metadata": {"name": "web"}}))
            .unwrap_err();
        assert_eq!(again.code, 409);
        let missing_ns = s
            .create(
                deploy,
                json!({"metadata": {"name": "x", "namespace": "nope"}}),
            )
            .unwrap_err();
        assert_eq!(missing_ns.message, "namespaces \"nope\" not found");
        let generated = s
            .create(deploy, json!({"metadata": {"generateName": "web-"}}))
            .unwrap();
        assert!(
            generated["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("web-")
        );
        assert_eq!(generated["metadata"]["name"].as_str().unwrap().len(), 9);
    }

    #[test]
    fn update_checks_resource_version_and_bumps_generation() {
        let s = store();
        let deploy = by_plural("apps", "deployments").unwrap();
        let d = s
            .create(
                deploy,
                json!({"metadata": {"name": "web"}, "spec": {"replicas": 1}}),
            )
            .unwrap();
        let mut edit = (*d).clone();
        edit["spec"]["replicas"] = json!(3);
        edit["status"] = json!({"replicas": 99});
        let u = s.update(deploy, edit.clone(), UpdateMode::Main).unwrap();
        assert_eq!(u["metadata"]["generation"], 2);
        assert!(
            u.get("status").is_none(),
            "main update must not write status"
        );
        let stale = s.update(deploy, edit, UpdateMode::Main).unwrap_err();
        assert_eq!(stale.code, 409);
        assert_eq!(stale.reason, "Conflict");
        let mut status = (*u).clone();
        status["status"] = json!({"replicas": 3});
        status["spec"]["replicas"] = json!(7);
        let st = s.update(deploy, status, UpdateMode::Status).unwrap();
        assert_eq!(st["status"]["replicas"], 3);
        assert_eq!(
            st["spec"]["replicas"], 3,
            "status update must not write spec"
        );
        assert_eq!(st["metadata"]["generation"], 2);
    }

    #[test]
    fn a_generated_name_that_is_taken_is_generated_again() {
        let s = store();
        let cm = by_plural("", "configmaps").unwrap();
        fastrand::seed(7);
        let first = s
            .create(cm, json!({"metadata": {"generateName": "x-"}}))
            .unwrap();
        // The same random state: the first name drawn is the one just taken.
        fastrand::seed(7);
        let second = s
            .create(cm, json!({"metadata": {"generateName": "x-"}}))
            .unwrap();
        assert_ne!(first["metadata"]["name"], second["metadata"]["name"]);
        // A name the client chose is not changed.
        let taken = first["metadata"]["name"].as_str().unwrap();
        let err = s
            .create(cm, json!({"metadata": {"name": taken}}))
            .unwrap_err();
        assert_eq!(err.code, 409);
    }

    #[test]
    fn etcd_compaction_follows_time_not_the_number_of_changes() {
        let interval = Duration::from_secs(1);
        let s = Store::with_history(Clock::manual(), 10).with_compaction_interval(interval);
        let ns = by_plural("", "namespaces").unwrap();
        s.create(ns, json!({"metadata": {"name": "default"}}))
            .unwrap();
        let cm = by_plural("", "configmaps").unwrap();
        let first = s.resource_version();
        for i in 0..50 {
            s.create(cm, json!({"metadata": {"name": format!("cm-{i}")}}))
                .unwrap();
        }
        assert!(s.compacted_rv() > first, "the watch history is bounded");
        assert!(
            s.etcd_compacted_rv() <= first,
            "a list continue token stays valid for the interval, however many changes"
        );
        std::thread::sleep(interval + Duration::from_millis(100));
        s.create(cm, json!({"metadata": {"name": "later"}}))
            .unwrap();
        assert!(
            s.etcd_compacted_rv() >= first,
            "compacted after the interval"
        );
    }

    #[tokio::test]
    async fn watch_replays_history_and_expires_after_compaction() {
        let s = store();
        let cm = by_plural("", "configmaps").unwrap();
        let a = s.create(cm, json!({"metadata": {"name": "a"}})).unwrap();
        let rv_a: u64 = a["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        s.create(cm, json!({"metadata": {"name": "b"}})).unwrap();
        let w = s.watch(cm, Some(rv_a)).unwrap();
        assert_eq!(w.initial.len(), 1);
        assert_eq!(w.initial[0].object["metadata"]["name"], "b");
        let mut live = w.live;
        s.delete(cm, "default", "a").unwrap();
        let ev = live.recv().await.unwrap();
        assert_eq!(ev.event, EventType::Deleted);
        let all = s.watch(cm, None).unwrap();
        assert_eq!(all.initial.len(), 1);
        s.compact();
        let gone = s.watch(cm, Some(rv_a)).err().unwrap();
        assert_eq!(gone.code, 410);
        assert_eq!(gone.reason, "Expired");
    }

    #[test]
    fn lists_are_sorted_and_scoped() {
        let s = store();
        let ns = by_plural("", "namespaces").unwrap();
        s.create(ns, json!({"metadata": {"name": "kube-system"}}))
            .unwrap();
        let cm = by_plural("", "configmaps").unwrap();
        for (n, name) in [("kube-system", "z"), ("default", "b"), ("default", "a")] {
            s.create(cm, json!({"metadata": {"name": name, "namespace": n}}))
                .unwrap();
        }
        let names = |items: Vec<Obj>| -> Vec<String> {
            items
                .iter()
                .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(s.list(cm, Some("default")).0), ["a", "b"]);
        assert_eq!(names(s.list(cm, None).0), ["a", "b", "z"]);
    }

    #[test]
    fn typed_access_round_trips() {
        use k8s_openapi::api::apps::v1::Deployment;
        let s = store();
        let mut d = Deployment::default();
        d.metadata.name = Some("typed".into());
        s.create_as(&d).unwrap();
        let got: Deployment = s.get_as("default", "typed").unwrap();
        assert_eq!(got.metadata.generation, Some(1));
        let changed = s
            .modify_as::<Deployment>("default", "typed", |d| {
                d.metadata.labels = Some([("a".to_string(), "b".to_string())].into());
            })
            .unwrap();
        assert_eq!(changed.metadata.labels.unwrap()["a"], "b");
        assert_eq!(s.list_as::<Deployment>(None).len(), 1);
    }
}
