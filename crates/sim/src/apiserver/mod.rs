//! The api-server: the object store keyed by kind/namespace/name, the request verbs (create, get,
//! list, update, patch, delete, bind, watch), admission, defaulting and validation. Every write
//! bumps the global resourceVersion and appends a watch event naming the component that made it.

pub mod admission;
pub mod admission_quota;
pub mod allocators;
mod eviction;
pub mod fields;
pub mod patch;
pub mod status;
pub mod validation;
pub mod watch;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::api::{Kind, KindInfo, Object, Pod, Resource};
use crate::clock::{Clock, Duration, Time};
use crate::labels::Selector;
use crate::rng::Rng;
pub use fields::FieldSelector;
pub use patch::{Patch, PatchType};
pub use status::{FieldError, Status, StatusReason};
pub use watch::{Actor, EventType, Verb, WatchEvent, WatchLog};

/// apiserver `names.SimpleNameGenerator`: base truncated to 58 characters + 5 random ones.
const MAX_GENERATED_NAME_LENGTH: usize = 58;
/// Attempts at a free generated name before giving up (`maxNameGenerationCreateAttempts`).
const NAME_GENERATION_ATTEMPTS: usize = 8;

/// How to treat fields the kind does not know (`fieldValidation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Reject the request (kubectl's default, `--validate=strict`).
    #[default]
    Strict,
    /// Drop them and return warnings.
    Warn,
    /// Drop them silently.
    Ignore,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// `--dry-run=server`: everything but persisting.
    pub dry_run: bool,
    pub field_validation: FieldValidation,
}

/// `--cascade` / `propagationPolicy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PropagationPolicy {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// `--grace-period`; `None` uses the object's default (30 s for pods).
    pub grace_period_seconds: Option<i64>,
    pub propagation_policy: Option<PropagationPolicy>,
    /// Delete only if the object still has this resourceVersion.
    pub precondition_resource_version: Option<String>,
    pub dry_run: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Label selector text, as after `-l`.
    pub label_selector: String,
    /// Field selector text, as after `--field-selector`.
    pub field_selector: String,
}

impl ListOptions {
    pub fn labels(selector: &str) -> Self {
        ListOptions {
            label_selector: selector.to_string(),
            field_selector: String::new(),
        }
    }
    pub fn fields(selector: &str) -> Self {
        ListOptions {
            label_selector: String::new(),
            field_selector: selector.to_string(),
        }
    }
}

/// A list answer: the items sorted by namespace and name, and the list's resourceVersion.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectList {
    pub items: Vec<Object>,
    pub resource_version: u64,
}

/// A successful write, with the server's warnings (`Warning: unknown field "spec.foo"`).
#[derive(Clone, Debug, PartialEq)]
pub struct WriteResult {
    pub object: Object,
    pub warnings: Vec<String>,
}

/// The objects of one kind, hashed by namespace and name (each object is its own key: no second
/// copy of it), and in key order for lists. The order is built on the first ordered read after
/// the set of keys changed, and an update keeps it: most writes are updates and creates of
/// objects nobody lists meanwhile (pods, events), and keeping a search tree in order on every
/// write compared long shared name prefixes (`web-5d9c7f8b6d-…`) a hundred times per write.
#[derive(Clone, Debug, Default)]
struct Bucket {
    index: std::collections::HashSet<
        Stored,
        std::hash::BuildHasherDefault<crate::scheduler::cache::FxHasher>,
    >,
    order: std::sync::OnceLock<Vec<Stored>>,
}

/// A stored object in the hashed index, hashed and compared by its store key.
#[derive(Clone, Debug)]
struct Stored(Arc<Object>);

impl KeyRef for Stored {
    /// A cluster-scoped object is stored with an empty namespace (see `commit`).
    fn parts(&self) -> (&str, &str) {
        let m = self.0.metadata();
        (m.namespace.as_str(), m.name.as_str())
    }
}

impl<'a> std::borrow::Borrow<dyn KeyRef + 'a> for Stored {
    fn borrow(&self) -> &(dyn KeyRef + 'a) {
        self
    }
}

impl PartialEq for Stored {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for Stored {}

impl std::hash::Hash for Stored {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl Bucket {
    fn get(&self, key: &dyn KeyRef) -> Option<&Arc<Object>> {
        self.index.get(key).map(|s| &s.0)
    }

    fn insert(&mut self, obj: Arc<Object>) {
        let stored = Stored(obj);
        let updated = self.index.replace(stored.clone()).is_some();
        match self.order.get_mut() {
            // An update keeps its place: the order holds the latest version.
            Some(order) if updated => {
                if let Ok(i) = order.binary_search_by(|s| s.parts().cmp(&stored.parts())) {
                    order[i] = stored;
                }
            }
            Some(_) => {
                self.order.take();
            }
            None => {}
        }
    }

    fn remove(&mut self, key: &dyn KeyRef) {
        if self.index.remove(key) {
            self.order.take();
        }
    }

    fn len(&self) -> usize {
        self.index.len()
    }

    /// The objects in key order.
    fn ordered(&self) -> &[Stored] {
        self.order.get_or_init(|| {
            let mut v: Vec<Stored> = self.index.iter().cloned().collect();
            v.sort_unstable_by(|a, b| a.parts().cmp(&b.parts()));
            v
        })
    }

    /// The objects of one namespace (all of them for `None`) in key order.
    fn range(&self, namespace: Option<&str>) -> &[Stored] {
        let all = self.ordered();
        match namespace {
            None => all,
            Some(ns) => {
                let start = all.partition_point(|s| s.parts().0 < ns);
                let end = start + all[start..].partition_point(|s| s.parts().0 == ns);
                &all[start..end]
            }
        }
    }
}

/// The api-server with its storage.
#[derive(Clone, Debug)]
pub struct ApiServer {
    clock: Clock,
    rng: Rng,
    objects: BTreeMap<Kind, Bucket>,
    resource_version: u64,
    log: WatchLog,
    /// client-go's event correlator cache: the event each (object, reason, message, source)
    /// was recorded as, so repeats are aggregated without scanning every event.
    pub(crate) event_cache: crate::events::EventCache,
    /// The last event's millisecond and how many events were named in it: the recorder's
    /// nanosecond clock, so events of one object sort by name in the order they happened.
    pub(crate) event_clock: (u64, u64),
    /// The uids of stored objects that kubectl (the user's client) created, for an export of
    /// the user's work that does not depend on the compacted watch log.
    kubectl_created: std::collections::BTreeSet<String>,
    /// The current second's RFC 3339 text, shared by every object stamped in it.
    stamp: Option<(u64, crate::api::Str)>,
}

/// A store key as borrowed strings, so lookups need not allocate the owned key: ordered as the
/// owned `(namespace, name)` tuple is.
trait KeyRef {
    fn parts(&self) -> (&str, &str);
}

impl KeyRef for (String, String) {
    fn parts(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

impl KeyRef for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> std::borrow::Borrow<dyn KeyRef + 'a> for (String, String) {
    fn borrow(&self) -> &(dyn KeyRef + 'a) {
        self
    }
}

impl PartialEq for dyn KeyRef + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyRef + '_ {}

impl PartialOrd for dyn KeyRef + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyRef + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// Hashes as the owned `(String, String)` key does.
impl std::hash::Hash for dyn KeyRef + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

/// Looks `namespace`/`name` up in a bucket without allocating a key.
fn lookup<'b>(
    bucket: &'b Bucket,
    info: &KindInfo,
    namespace: &str,
    name: &str,
) -> Option<&'b Arc<Object>> {
    let ns = if info.namespaced { namespace } else { "" };
    bucket.get(&(ns, name) as &dyn KeyRef)
}

impl ApiServer {
    pub fn new(seed: u64, watch_history: usize) -> Self {
        ApiServer {
            clock: Clock::default(),
            rng: Rng::new(seed),
            objects: BTreeMap::new(),
            resource_version: 0,
            log: WatchLog::new(watch_history),
            event_cache: Default::default(),
            event_clock: (0, 0),
            kubectl_created: Default::default(),
            stamp: None,
        }
    }

    // ----- time and randomness -------------------------------------------------------------

    pub fn now(&self) -> Time {
        self.clock.now()
    }

    pub(crate) fn advance_clock(&mut self, d: Duration) {
        self.clock.advance(d);
    }

    /// Jumps the clock forward to `t` (never backwards).
    pub(crate) fn advance_clock_to(&mut self, t: Time) {
        self.clock.advance_to(t);
    }

    /// The cluster's one random number generator.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// The current (latest) resourceVersion.
    /// The virtual clock's time as RFC 3339 text (`creationTimestamp`, condition times): one
    /// shared string per second, however many objects are stamped in it.
    pub fn timestamp(&mut self) -> crate::api::Str {
        let now = self.now();
        let second = now.0 / 1000;
        match &self.stamp {
            Some((s, text)) if *s == second => text.clone(),
            _ => {
                let text = crate::api::Str::from(now.rfc3339());
                self.stamp = Some((second, text.clone()));
                text
            }
        }
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    // ----- reads (the informer cache of every component) -----------------------------------

    /// The stored object, if any.
    pub fn get_ref(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Object> {
        lookup(self.objects.get(&kind)?, kind.info(), namespace, name).map(|a| a.as_ref())
    }

    /// The stored object, shared: cheap to keep across writes (an informer cache entry).
    pub fn get_arc(&self, kind: Kind, namespace: &str, name: &str) -> Option<Arc<Object>> {
        lookup(self.objects.get(&kind)?, kind.info(), namespace, name).cloned()
    }

    /// `GET`: the object or `NotFound`.
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Result<Object, Status> {
        self.get_ref(kind, namespace, name)
            .cloned()
            .ok_or_else(|| Status::not_found(kind.info(), name))
    }

    /// Typed `GET`.
    pub fn get_as<T: Resource>(&self, namespace: &str, name: &str) -> Result<T, Status> {
        let kind = kind_of::<T>();
        let obj = self.get_ref(kind, namespace, name);
        obj.and_then(T::from_object)
            .cloned()
            .ok_or_else(|| Status::not_found(&T::INFO, name))
    }

    /// Every stored object of a kind (all namespaces when `namespace` is `None`), sorted by
    /// namespace and name.
    pub fn iter(&self, kind: Kind, namespace: Option<&str>) -> impl Iterator<Item = &Object> {
        self.objects
            .get(&kind)
            .map_or(&[][..], |b| b.range(namespace))
            .iter()
            .map(|s| s.0.as_ref())
    }

    /// Typed iteration over a kind.
    pub fn iter_as<T: Resource>(&self, namespace: Option<&str>) -> impl Iterator<Item = &T> {
        self.iter(kind_of::<T>(), namespace)
            .filter_map(T::from_object)
    }

    /// Number of stored objects of a kind.
    pub fn count(&self, kind: Kind) -> usize {
        self.objects.get(&kind).map_or(0, Bucket::len)
    }

    /// `LIST` with label and field selectors; selector errors are `BadRequest` with the
    /// upstream parser message.
    pub fn list(
        &self,
        kind: Kind,
        namespace: Option<&str>,
        opts: &ListOptions,
    ) -> Result<ObjectList, Status> {
        let labels = Selector::parse(&opts.label_selector).map_err(Status::bad_request)?;
        let fields = FieldSelector::parse(&opts.field_selector).map_err(Status::bad_request)?;
        fields.check_supported(kind).map_err(Status::bad_request)?;
        let ns = if kind.info().namespaced {
            namespace
        } else {
            None
        };
        let items = self
            .iter(kind, ns)
            .filter(|o| labels.matches(&o.metadata().labels) && fields.matches(o))
            .cloned()
            .collect();
        Ok(ObjectList {
            items,
            resource_version: self.resource_version,
        })
    }

    /// Typed list by a parsed selector.
    pub fn list_as<T: Resource>(&self, namespace: Option<&str>, selector: &Selector) -> Vec<T> {
        self.iter_as::<T>(namespace)
            .filter(|o| selector.matches(&o.metadata().labels))
            .cloned()
            .collect()
    }

    // ----- watch -------------------------------------------------------------------------------

    /// Whether the stored object with this uid was created by kubectl (the user's client).
    pub fn created_by_kubectl(&self, uid: &str) -> bool {
        self.kubectl_created.contains(uid)
    }

    /// The watch/event log.
    pub fn log(&self) -> &WatchLog {
        &self.log
    }

    /// Compacts the watch log: every control loop has read up to `read_by_all`.
    pub(crate) fn compact_log(&mut self, read_by_all: u64) {
        self.log.compact(read_by_all);
    }

    /// Pins a reader's cursor so the log keeps what comes after it (see [`WatchLog`]); release
    /// it with [`ApiServer::unpin_watch`].
    pub fn pin_watch(&mut self, cursor: u64) -> u64 {
        self.log.pin(cursor)
    }

    /// Moves a pinned cursor forward.
    pub fn move_watch_pin(&mut self, pin: u64, cursor: u64) {
        self.log.move_pin(pin, cursor);
    }

    pub fn unpin_watch(&mut self, pin: u64) {
        self.log.unpin(pin);
    }

    /// `WATCH` from a resourceVersion: events after it, or `Gone` if they were compacted.
    pub fn watch(
        &self,
        after: u64,
    ) -> Result<impl Iterator<Item = &WatchEvent> + Clone + '_, Status> {
        match self.log.since(after) {
            Some(it) => Ok(it),
            None => Err(Status::gone(after, self.log.oldest())),
        }
    }

    // ----- writes ------------------------------------------------------------------------------

    fn commit(
        &mut self,
        actor: &Actor,
        verb: Verb,
        type_: EventType,
        mut obj: Object,
    ) -> Arc<Object> {
        self.resource_version += 1;
        obj.metadata_mut().resource_version = decimal(self.resource_version);
        let kind = obj.kind();
        if !kind.info().namespaced && !obj.metadata().namespace.is_empty() {
            // The store's key of a cluster-scoped object has no namespace.
            obj.metadata_mut().namespace.clear();
        }
        let arc = Arc::new(obj);
        let bucket = self.objects.entry(kind).or_default();
        if type_ == EventType::Deleted {
            bucket.remove(&Stored(Arc::clone(&arc)));
            self.kubectl_created.remove(arc.metadata().uid.as_str());
        } else {
            bucket.insert(Arc::clone(&arc));
            if type_ == EventType::Added && &*actor.component == "kubectl" {
                self.kubectl_created.insert(arc.metadata().uid.to_string());
            }
        }
        self.log.push(WatchEvent {
            resource_version: self.resource_version,
            type_,
            verb,
            actor: actor.clone(),
            time: self.now(),
            object: Arc::clone(&arc),
        });
        arc
    }

    fn generate_name(&mut self, base: &str) -> String {
        let base: String = base.chars().take(MAX_GENERATED_NAME_LENGTH).collect();
        format!("{base}{}", self.rng.name_suffix(5))
    }

    /// `POST`: create an object.
    pub fn create(&mut self, actor: &Actor, obj: impl Into<Object>) -> Result<Object, Status> {
        self.create_with(actor, obj.into(), &WriteOptions::default())
    }

    /// Typed `POST`.
    pub fn create_as<T: Resource>(&mut self, actor: &Actor, obj: T) -> Result<T, Status> {
        let o = self.create(actor, obj)?;
        T::from_object_owned(o).ok_or_else(|| Status::internal("kind changed on create"))
    }

    /// `POST` with options.
    pub fn create_with(
        &mut self,
        actor: &Actor,
        obj: Object,
        opts: &WriteOptions,
    ) -> Result<Object, Status> {
        self.create_arc_with(actor, obj, opts)
            .map(Arc::unwrap_or_clone)
    }

    /// `POST` answering with the stored object, shared (no copy).
    pub fn create_arc_with(
        &mut self,
        actor: &Actor,
        mut obj: Object,
        opts: &WriteOptions,
    ) -> Result<Arc<Object>, Status> {
        let kind = obj.kind();
        let info = kind.info();
        {
            let m = obj.metadata_mut();
            if !info.namespaced {
                m.namespace.clear();
            }
            // Fields only the server sets.
            m.uid.clear();
            m.resource_version.clear();
            m.deletion_timestamp = None;
            m.deletion_grace_period_seconds = None;
            m.generation = None;
        }
        obj.set_defaults();
        let shown_name = obj.metadata().name.clone();
        if info.namespaced && obj.metadata().namespace.is_empty() {
            return Err(Status::invalid(
                info,
                &shown_name,
                &[FieldError::required("metadata.namespace", "")],
            ));
        }
        admission::admit_create(self, &mut obj)?;
        allocators::admit(self, &mut obj);
        obj.prepare_for_create();
        let now = self.timestamp();
        {
            let uid = self.rng.uuid_bytes();
            let m = obj.metadata_mut();
            m.uid = crate::api::Str::new(std::str::from_utf8(&uid).unwrap_or_default());
            m.creation_timestamp = Some(now);
            if kind.generation_tracked() {
                m.generation = Some(1);
            }
        }
        // The name is generated before validation, so errors name the generated object.
        let ns = obj.metadata().namespace.clone();
        if obj.metadata().name.is_empty() && !obj.metadata().generate_name.is_empty() {
            let base = obj.metadata().generate_name.clone();
            let mut candidate = self.generate_name(&base);
            for _ in 1..NAME_GENERATION_ATTEMPTS {
                if self.get_ref(kind, &ns, &candidate).is_none() {
                    break;
                }
                candidate = self.generate_name(&base);
            }
            obj.metadata_mut().name = candidate.into();
        }
        let name = obj.metadata().name.clone();
        let mut errs = validate_meta(info, obj.metadata(), None);
        errs.extend(obj.validate(None));
        if !errs.is_empty() {
            return Err(Status::invalid(info, &name, &errs));
        }
        admission::validate_create(self, &obj)?;
        if self.get_ref(kind, &ns, &name).is_some() {
            return Err(Status::already_exists(info, &name));
        }
        allocators::on_create(self, &mut obj)?;
        if opts.dry_run {
            return Ok(Arc::new(obj));
        }
        Ok(self.commit(actor, Verb::Create, EventType::Added, obj))
    }

    /// `POST` of a JSON body (a manifest): decodes it, applies `fieldValidation` to unknown fields
    /// and creates it in `namespace` unless the body names its own.
    pub fn create_json(
        &mut self,
        actor: &Actor,
        namespace: &str,
        body: &Value,
        opts: &WriteOptions,
    ) -> Result<WriteResult, Status> {
        let (obj, warnings) = self.decode_body(namespace, body, opts)?;
        let object = self.create_with(actor, obj, opts)?;
        Ok(WriteResult { object, warnings })
    }

    /// `PUT` of a JSON body.
    pub fn update_json(
        &mut self,
        actor: &Actor,
        namespace: &str,
        body: &Value,
        opts: &WriteOptions,
    ) -> Result<WriteResult, Status> {
        let (obj, warnings) = self.decode_body(namespace, body, opts)?;
        let object = self.update_with(actor, obj, false, opts)?;
        Ok(WriteResult { object, warnings })
    }

    fn decode_body(
        &self,
        namespace: &str,
        body: &Value,
        opts: &WriteOptions,
    ) -> Result<(Object, Vec<String>), Status> {
        let decoded = Object::from_json(body)?;
        let mut obj = decoded.object;
        let info = obj.kind().info();
        if info.namespaced {
            let m = obj.metadata_mut();
            if m.namespace.is_empty() {
                m.namespace = crate::api::Str::new(namespace);
            } else if !namespace.is_empty() && m.namespace != namespace {
                return Err(Status::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
        }
        let warnings: Vec<String> = decoded
            .unknown_fields
            .iter()
            .map(|f| format!("unknown field {}", status::quote(f)))
            .collect();
        match opts.field_validation {
            FieldValidation::Strict if !warnings.is_empty() => Err(Status::bad_request(format!(
                "{} in version {} cannot be handled as a {}: strict decoding error: {}",
                info.kind,
                status::quote(info.version),
                info.kind,
                warnings.join(", ")
            ))),
            FieldValidation::Ignore => Ok((obj, Vec::new())),
            _ => Ok((obj, warnings)),
        }
    }

    /// `PUT`: replace an object. A non-empty resourceVersion that is not the stored one is a
    /// `Conflict`; the stored status is kept.
    pub fn update(&mut self, actor: &Actor, obj: impl Into<Object>) -> Result<Object, Status> {
        self.update_with(actor, obj.into(), false, &WriteOptions::default())
    }

    /// Typed `PUT`.
    pub fn update_as<T: Resource>(&mut self, actor: &Actor, obj: T) -> Result<T, Status> {
        let o = self.update(actor, obj)?;
        T::from_object_owned(o).ok_or_else(|| Status::internal("kind changed on update"))
    }

    /// `PUT .../status`: replace only the status.
    pub fn update_status(
        &mut self,
        actor: &Actor,
        obj: impl Into<Object>,
    ) -> Result<Object, Status> {
        self.update_with(actor, obj.into(), true, &WriteOptions::default())
    }

    pub fn update_with(
        &mut self,
        actor: &Actor,
        obj: Object,
        status_only: bool,
        opts: &WriteOptions,
    ) -> Result<Object, Status> {
        self.update_arc_with(actor, obj, status_only, opts)
            .map(Arc::unwrap_or_clone)
    }

    /// `PUT` answering with the stored object, shared (no copy).
    pub fn update_arc_with(
        &mut self,
        actor: &Actor,
        mut obj: Object,
        status_only: bool,
        opts: &WriteOptions,
    ) -> Result<Arc<Object>, Status> {
        let kind = obj.kind();
        let info = kind.info();
        if !info.namespaced {
            obj.metadata_mut().namespace.clear();
        }
        let (ns, name) = (
            obj.metadata().namespace.clone(),
            obj.metadata().name.clone(),
        );
        if name.is_empty() {
            return Err(Status::bad_request("name is required"));
        }
        let Some(old) = self.get_arc(kind, &ns, &name) else {
            return Err(Status::not_found(info, &name));
        };
        let rv = &obj.metadata().resource_version;
        if !rv.is_empty() && *rv != old.metadata().resource_version {
            return Err(Status::modified_conflict(info, &name));
        }
        if !obj.metadata().uid.is_empty() && obj.metadata().uid != old.metadata().uid {
            return Err(Status::conflict(
                info,
                &name,
                &format!(
                    "Precondition failed: UID in precondition: {}, UID in object meta: {}",
                    obj.metadata().uid,
                    old.metadata().uid
                ),
            ));
        }
        let mut new = if status_only {
            // Everything but the status comes from the stored object: when the body already
            // carries exactly that (the usual read-modify-write of a status), it is used as is.
            if obj.same_but_status(&old) {
                obj
            } else {
                let mut merged = (*old).clone();
                merged.copy_status_from(&obj);
                merged
            }
        } else {
            obj.set_defaults();
            obj.copy_status_from(&old);
            obj
        };
        {
            let om = old.metadata();
            let m = new.metadata_mut();
            m.uid = om.uid.clone();
            m.creation_timestamp = om.creation_timestamp.clone();
            m.deletion_timestamp = om.deletion_timestamp.clone();
            m.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
            m.generation = om.generation;
            m.generate_name = if m.generate_name.is_empty() {
                om.generate_name.clone()
            } else {
                m.generate_name.clone()
            };
        }
        if kind.generation_tracked() && !status_only && new.spec_differs(&old) {
            let g = old.metadata().generation.unwrap_or(0) + 1;
            new.metadata_mut().generation = Some(g);
        }
        if !status_only {
            allocators::patch_allocated_values(&mut new, &old);
        }
        let mut errs = validate_meta(info, new.metadata(), Some(old.metadata()));
        if !status_only {
            errs.extend(new.validate(Some(&old)));
        }
        if !errs.is_empty() {
            return Err(Status::invalid(info, &name, &errs));
        }
        if !status_only {
            allocators::on_update(self, &mut new, &old)?;
        }
        // Finalizers may not be added to an object being deleted.
        if old.metadata().deletion_timestamp.is_some() {
            let added = new
                .metadata()
                .finalizers
                .iter()
                .any(|f| !old.metadata().finalizers.contains(f));
            if added {
                return Err(Status::invalid(
                    info,
                    &name,
                    &[FieldError::forbidden(
                        "metadata.finalizers",
                        "no new finalizers can be added if the object is being deleted",
                    )],
                ));
            }
        }
        {
            // Compare with the stored resourceVersion so an unchanged object is a no-op.
            new.metadata_mut().resource_version = old.metadata().resource_version.clone();
        }
        if new == *old || opts.dry_run {
            return Ok(Arc::new(new));
        }
        // The last finalizer removed from an object being deleted lets it go.
        let finalized = new.metadata().deletion_timestamp.is_some()
            && new.metadata().finalizers.is_empty()
            && new.metadata().deletion_grace_period_seconds.unwrap_or(0) == 0;
        let verb = if status_only {
            Verb::UpdateStatus
        } else {
            Verb::Update
        };
        if finalized && !matches!(new, Object::Namespace(_)) {
            return Ok(self.commit(actor, verb, EventType::Deleted, new));
        }
        Ok(self.commit(actor, verb, EventType::Modified, new))
    }

    /// `PATCH`: apply a JSON merge patch or a strategic merge patch, then update.
    pub fn patch(
        &mut self,
        actor: &Actor,
        kind: Kind,
        namespace: &str,
        name: &str,
        patch: &Patch,
        opts: &WriteOptions,
    ) -> Result<WriteResult, Status> {
        let info = kind.info();
        let old = self.get(kind, namespace, name)?;
        let mut doc = old.to_json();
        patch::apply_patch(&mut doc, patch)?;
        let decoded = Object::from_json_as(kind, &doc)?;
        let mut obj = decoded.object;
        {
            let m = obj.metadata_mut();
            if m.name != name {
                return Err(Status::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({name})",
                    m.name
                )));
            }
            m.namespace = old.metadata().namespace.clone();
        }
        let warnings: Vec<String> = decoded
            .unknown_fields
            .iter()
            .map(|f| format!("unknown field {}", status::quote(f)))
            .collect();
        if opts.field_validation == FieldValidation::Strict && !warnings.is_empty() {
            return Err(Status::bad_request(format!(
                "{} in version {} cannot be handled as a {}: strict decoding error: {}",
                info.kind,
                status::quote(info.version),
                info.kind,
                warnings.join(", ")
            )));
        }
        let object = self.update_with(actor, obj, false, opts)?;
        Ok(WriteResult { object, warnings })
    }

    /// `POST pods/<name>/binding`: assign a pod to a node (the scheduler's only write to pods).
    pub fn bind(
        &mut self,
        actor: &Actor,
        namespace: &str,
        name: &str,
        node: &str,
    ) -> Result<Object, Status> {
        self.bind_arc(actor, namespace, name, node)
            .map(Arc::unwrap_or_clone)
    }

    /// `POST pods/<name>/binding` answering with the stored pod, shared (no copy).
    pub fn bind_arc(
        &mut self,
        actor: &Actor,
        namespace: &str,
        name: &str,
        node: &str,
    ) -> Result<Arc<Object>, Status> {
        let info = &Pod::INFO;
        let mut pod = self.get_as::<Pod>(namespace, name)?;
        if pod.metadata.deletion_timestamp.is_some() {
            return Err(Status::conflict(
                info,
                name,
                "pod is being deleted, cannot be assigned to a host",
            ));
        }
        if let Some(existing) = pod.node_name() {
            return Err(Status::conflict(
                info,
                name,
                &format!(
                    "pod {name} is already assigned to node {}",
                    status::quote(existing)
                ),
            ));
        }
        pod.spec.node_name = Some(crate::api::Str::new(node));
        let now = self.timestamp();
        let st = pod.status.get_or_insert_with(Default::default);
        st.conditions.retain(|c| c.type_ != "PodScheduled");
        st.conditions.push(crate::api::Condition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_probe_time: None,
            last_transition_time: Some(now),
            ..Default::default()
        });
        pod.metadata.resource_version.clear();
        let obj = Object::Pod(Box::new(pod));
        Ok(self.commit(actor, Verb::Bind, EventType::Modified, obj))
    }

    /// `DELETE`. Pods on a node go Terminating for their grace period (the kubelet finishes the
    /// deletion); objects with finalizers get a deletionTimestamp and wait; others go at once.
    pub fn delete(
        &mut self,
        actor: &Actor,
        kind: Kind,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Object, Status> {
        self.delete_arc(actor, kind, namespace, name, opts)
            .map(Arc::unwrap_or_clone)
    }

    /// `DELETE` answering with the stored (or last) object, shared (no copy).
    pub fn delete_arc(
        &mut self,
        actor: &Actor,
        kind: Kind,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Arc<Object>, Status> {
        let info = kind.info();
        let Some(old) = self.get_arc(kind, namespace, name) else {
            return Err(Status::not_found(info, name));
        };
        if let Some(rv) = &opts.precondition_resource_version
            && *rv != old.metadata().resource_version
        {
            return Err(Status::conflict(
                info,
                name,
                &format!(
                    "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                    old.metadata().resource_version
                ),
            ));
        }
        admission::admit_delete(self, &old)?;
        let mut obj = (*old).clone();
        let now = self.now();
        let propagation = opts.propagation_policy.unwrap_or_default();
        {
            let m = obj.metadata_mut();
            let finalizer = match propagation {
                PropagationPolicy::Foreground => Some("foregroundDeletion"),
                PropagationPolicy::Orphan => Some("orphan"),
                PropagationPolicy::Background => None,
            };
            if let Some(f) = finalizer
                && m.deletion_timestamp.is_none()
                && !m.finalizers.iter().any(|x| x == f)
            {
                m.finalizers.push(f.to_string());
            }
        }
        // Graceful deletion of pods bound to a node.
        let mut grace: i64 = 0;
        if let Object::Pod(p) = &obj {
            let bound = p.node_name().is_some() && !p.is_terminal();
            if bound {
                grace = opts
                    .grace_period_seconds
                    .or(p.spec.termination_grace_period_seconds)
                    .unwrap_or(30)
                    .max(0);
            }
            if let Some(current) = p.metadata.deletion_grace_period_seconds {
                // A second delete may only shorten the grace period.
                grace = grace.min(current);
            }
        }
        if let Object::Namespace(ns) = &mut obj {
            // The namespace controller empties it and removes the `kubernetes` finalizer; the
            // delete after that removes it.
            let finalized = ns.metadata.deletion_timestamp.is_some()
                && ns.metadata.finalizers.is_empty()
                && ns.spec.as_ref().is_none_or(|s| s.finalizers.is_empty());
            if finalized {
                if opts.dry_run {
                    return Ok(Arc::new(obj));
                }
                return Ok(self.commit(actor, Verb::Delete, EventType::Deleted, obj));
            }
            let st = ns.status.get_or_insert_with(Default::default);
            st.phase = Some("Terminating".into());
            if ns.metadata.deletion_timestamp.is_none() {
                ns.metadata.deletion_timestamp = Some(now.rfc3339());
                ns.metadata.deletion_grace_period_seconds = Some(0);
            }
            if opts.dry_run {
                return Ok(Arc::new(obj));
            }
            if obj == *old {
                return Ok(Arc::new(obj));
            }
            return Ok(self.commit(actor, Verb::Delete, EventType::Modified, obj));
        }
        let has_finalizers = !obj.metadata().finalizers.is_empty();
        if grace > 0 || has_finalizers {
            {
                let m = obj.metadata_mut();
                if m.deletion_timestamp.is_none() || grace > 0 {
                    let when = now.plus(Duration::seconds(grace as u64));
                    m.deletion_timestamp = Some(when.rfc3339());
                }
                m.deletion_grace_period_seconds = Some(grace);
                if kind.generation_tracked() && old.metadata().deletion_timestamp.is_none() {
                    m.generation = Some(m.generation.unwrap_or(0) + 1);
                }
            }
            if opts.dry_run || obj == *old {
                return Ok(Arc::new(obj));
            }
            return Ok(self.commit(actor, Verb::Delete, EventType::Modified, obj));
        }
        if opts.dry_run {
            return Ok(Arc::new(obj));
        }
        Ok(self.commit(actor, Verb::Delete, EventType::Deleted, obj))
    }

    /// The serialized store, in key order: what determinism tests compare.
    pub fn dump(&self) -> Value {
        Value::Array(
            self.objects
                .values()
                .flat_map(|b| b.ordered())
                .map(|o| o.0.to_json())
                .collect(),
        )
    }
}

/// The [`Kind`] of a typed resource.
pub fn kind_of<T: Resource>() -> Kind {
    Kind::ALL
        .iter()
        .copied()
        .find(|k| k.info().kind == T::INFO.kind && k.info().group == T::INFO.group)
        .unwrap_or(Kind::Pod)
}

/// `ValidateObjectMeta` / `ValidateObjectMetaUpdate`: names, labels, annotations, owner
/// references, immutable metadata.
fn validate_meta(
    info: &KindInfo,
    m: &crate::api::ObjectMeta,
    old: Option<&crate::api::ObjectMeta>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !m.generate_name.is_empty() && old.is_none() {
        for msg in info.name_rule.check(&m.generate_name, true) {
            errs.push(FieldError::invalid(
                "metadata.generateName",
                m.generate_name.as_str(),
                msg,
            ));
        }
    }
    if m.name.is_empty() {
        if old.is_none() {
            errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        for msg in info.name_rule.check(&m.name, false) {
            errs.push(FieldError::invalid("metadata.name", m.name.as_str(), msg));
        }
    }
    if info.namespaced && !m.namespace.is_empty() {
        for msg in validation::is_dns1123_label(&m.namespace) {
            errs.push(FieldError::invalid(
                "metadata.namespace",
                m.namespace.as_str(),
                msg,
            ));
        }
    }
    errs.extend(validation::validate_labels(&m.labels, "metadata.labels"));
    errs.extend(validation::validate_annotations(
        &m.annotations,
        "metadata.annotations",
    ));
    let mut controllers = 0;
    for (i, r) in m.owner_references.iter().enumerate() {
        let p = format!("metadata.ownerReferences[{i}]");
        if r.api_version.is_empty() {
            errs.push(FieldError::invalid(
                format!("{p}.apiVersion"),
                r.api_version.as_str(),
                "version must not be empty",
            ));
        }
        if r.kind.is_empty() {
            errs.push(FieldError::invalid(
                format!("{p}.kind"),
                r.kind.as_str(),
                "kind must not be empty",
            ));
        }
        if r.name.is_empty() {
            errs.push(FieldError::invalid(
                format!("{p}.name"),
                r.name.as_str(),
                "name must not be empty",
            ));
        }
        if r.uid.is_empty() {
            errs.push(FieldError::invalid(
                format!("{p}.uid"),
                r.uid.as_str(),
                "uid must not be empty",
            ));
        }
        if r.controller == Some(true) {
            controllers += 1;
        }
    }
    if controllers > 1 {
        errs.push(FieldError::invalid(
            "metadata.ownerReferences",
            serde_json::to_value(&m.owner_references).unwrap_or_default(),
            "Only one reference can have Controller set to true",
        ));
    }
    if let Some(old) = old {
        if m.namespace != old.namespace {
            errs.push(FieldError::invalid(
                "metadata.namespace",
                m.namespace.as_str(),
                "field is immutable",
            ));
        }
        if m.uid != old.uid {
            errs.push(FieldError::invalid(
                "metadata.uid",
                m.uid.as_str(),
                "field is immutable",
            ));
        }
    }
    errs
}

/// `n` in decimal as a shared string, written without an intermediate `String`.
fn decimal(mut n: u64) -> crate::api::Str {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(b) = buf.get_mut(at) {
            *b = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    crate::api::Str::new(std::str::from_utf8(buf.get(at..).unwrap_or_default()).unwrap_or_default())
}
