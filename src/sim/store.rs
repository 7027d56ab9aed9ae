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

mod generated_names;
mod page;
pub mod ttl;
mod typed;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::api_error::{ApiError, ApiResult};
use super::clock::{Clock, format_time};
use super::managed_fields::{self, Manager};
use super::resources::{Registry, ResourceType, ServerVersion, by_kind, custom};
use super::runtime::ContainerRuntime;

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
    /// When the Events expire (`--event-ttl`).
    ttl: ttl::TtlIndex,
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
    runtime: ContainerRuntime,
    names: std::sync::Mutex<generated_names::GeneratedNames>,
}

/// Default number of changes kept for watches that resume from a resourceVersion.
pub const DEFAULT_HISTORY: usize = 20_000;

/// The characters of generated names (no vowels, no look-alike digits).
pub const NAME_SUFFIX_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

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
                ttl: ttl::TtlIndex::default(),
            }),
            registry: Registry::default(),
            tx,
            clock,
            history_cap: history_cap.max(1),
            compaction_interval: COMPACTION_INTERVAL,
            runtime: ContainerRuntime::default(),
            names: std::sync::Mutex::default(),
        }
    }

    /// The same store drawing generated names from `seed` (see `generated_names`).
    #[must_use]
    pub fn with_name_seed(self, seed: Option<u64>) -> Self {
        *self
            .names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            generated_names::GeneratedNames::new(seed);
        self
    }

    fn generated_suffix(&self, prefix: &str) -> String {
        self.names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .suffix(prefix, 5)
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

    /// What runs in the containers (written log lines, attachable main processes).
    pub fn runtime(&self) -> &ContainerRuntime {
        &self.runtime
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
    pub fn create(&self, rt: &'static ResourceType, obj: Value) -> ApiResult<Obj> {
        self.insert_new(rt, obj, false)
    }

    /// [`Store::create`], or (`restoring`) [`Store::restore`].
    fn insert_new(
        &self,
        rt: &'static ResourceType,
        mut obj: Value,
        restoring: bool,
    ) -> ApiResult<Obj> {
        let kept: Vec<(&str, Value)> = if restoring {
            [
                "uid",
                "creationTimestamp",
                "generation",
                "deletionTimestamp",
            ]
            .into_iter()
            .filter_map(|f| obj["metadata"].get(f).map(|v| (f, v.clone())))
            .collect()
        } else {
            Vec::new()
        };
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
            obj["metadata"]["name"] = json!(format!("{prefix}{}", self.generated_suffix(&prefix)));
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
                    key.1 = format!("{prefix}{}", self.generated_suffix(prefix));
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
        }
        for (field, value) in kept {
            m[field] = value;
        }
        // Kept as recorded by the API layer (or sent by a client), each field set as text.
        managed_fields::normalize(&mut obj);
        let obj = Arc::new(obj);
        inner.table_mut(rt).insert(key.clone(), obj.clone());
        self.commit(&mut inner, rv, EventType::Added, rt, obj.clone(), None);
        if restoring && ttl::expires(rt) {
            let deadline = ttl::restored_deadline(&obj, self.clock.now());
            inner.ttl.set((key.0, key.1), deadline);
        }
        Ok(obj)
    }

    /// Replaces an object as the server itself would (no manager is recorded); see
    /// [`Store::update_by`].
    pub fn update(
        &self,
        rt: &'static ResourceType,
        obj: Value,
        mode: UpdateMode,
    ) -> ApiResult<Obj> {
        self.update_by(rt, obj, mode, None)
    }

    /// Replaces an object, recording in its managedFields what `manager` changed. If the
    /// sent object carries a non-empty `resourceVersion` that is not the stored one,
    /// fails with 409 Conflict. Identity fields (uid, creationTimestamp,
    /// deletionTimestamp) are kept from the stored object; `generation` is bumped when
    /// `spec` changes. An object being deleted whose last finalizer is removed is deleted.
    pub fn update_by(
        &self,
        rt: &'static ResourceType,
        obj: Value,
        mode: UpdateMode,
        manager: Option<&Manager>,
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
        let mut new = merge_for_update(rt, &old, obj, mode);
        managed_fields::record_update(rt, &old, &mut new, manager, self.clock.now());
        if new == *old {
            return Ok(old);
        }
        Ok(self.store_update(&mut inner, rt, key, &old, new))
    }

    /// Atomically reads, changes and writes an object (no conflict check) as the server
    /// itself would (no manager is recorded); see [`Store::modify_by`].
    pub fn modify(
        &self,
        rt: &'static ResourceType,
        namespace: &str,
        name: &str,
        f: impl FnOnce(&mut Value) -> ApiResult<()>,
    ) -> ApiResult<Obj> {
        self.modify_by(rt, namespace, name, None, f)
    }

    /// Atomically reads, changes and writes an object (no conflict check): the form
    /// controllers use, recording in its managedFields what `manager` changed. `f` may
    /// fail to abort without writing.
    pub fn modify_by(
        &self,
        rt: &'static ResourceType,
        namespace: &str,
        name: &str,
        manager: Option<&Manager>,
        f: impl FnOnce(&mut Value) -> ApiResult<()>,
    ) -> ApiResult<Obj> {
        let mut inner = self.write();
        let key = (ns_of(rt, namespace).to_string(), name.to_string());
        let Some(old) = inner.table(rt).get(&key).cloned() else {
            return Err(ApiError::not_found(rt, name));
        };
        let mut value = (*old).clone();
        f(&mut value)?;
        let mut new = merge_for_update(rt, &old, value, UpdateMode::Raw);
        managed_fields::record_update(rt, &old, &mut new, manager, self.clock.now());
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
        if ttl::expires(rt) {
            let key = (
                ns_of(rt, meta_str(&object, "namespace")).to_string(),
                meta_str(&object, "name").to_string(),
            );
            match event {
                EventType::Deleted => inner.ttl.remove(&key),
                EventType::Added | EventType::Modified => {
                    inner.ttl.set(key, ttl::deadline(self.clock.now()));
                }
            }
        }
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
    /// `generation` and `deletionTimestamp` (an object being deleted stays so), and an
    /// Event expires an hour after the time it records.
    pub fn restore(&self, rt: &'static ResourceType, obj: Value) -> ApiResult<Obj> {
        self.insert_new(rt, obj, true)
    }

    /// Deletes the objects whose time to live has run out at `now` (Events an hour after
    /// their last write, as etcd's leases do on a real server); returns how many.
    pub fn expire(&self, now: jiff::Timestamp) -> usize {
        let expired = self.read().ttl.expired(now);
        let gone = expired.len();
        let Some(rt) = by_kind("", "Event") else {
            return 0;
        };
        for (namespace, name) in expired {
            // Deleted meanwhile by a client is fine: it is gone either way.
            let _ = self.delete(rt, &namespace, &name);
        }
        gone
    }
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
    // managedFields as sent are weighed by managed_fields::record_update.
    new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
    new
}

#[cfg(test)]
mod tests;
