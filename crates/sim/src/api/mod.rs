//! The API types: one file per kind, each a typed struct with the upstream JSON field names, and
//! the registry that ties kinds to their REST names (`kubectl api-resources`).

pub mod config_map;
pub mod daemon_set;
pub mod deployment;
pub mod endpoint_slice;
pub mod endpoints;
pub mod event;
pub mod ingress;
pub mod ingress_class;
pub mod lease;
pub mod limit_range;
pub mod meta;
pub mod namespace;
pub mod node;
pub mod persistent_volume;
pub mod persistent_volume_claim;
pub mod pod;
pub mod pod_disruption_budget;
mod pod_scheduling;
pub mod replica_set;
pub mod resource_quota;
pub mod secret;
pub mod service;
pub mod service_account;
pub mod shared;
pub mod storage_class;
pub mod text;
mod type_error;

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::apiserver::status::{FieldError, Status};
use crate::apiserver::validation::NameRule;

pub use config_map::ConfigMap;
pub use daemon_set::DaemonSet;
pub use deployment::Deployment;
pub use endpoint_slice::EndpointSlice;
pub use endpoints::Endpoints;
pub use event::Event;
pub use ingress::Ingress;
pub use ingress_class::IngressClass;
pub use lease::Lease;
pub use limit_range::LimitRange;
pub use meta::{
    Condition, IntOrString, LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference,
    Quantity, QuantityFormat,
};
pub use namespace::Namespace;
pub use node::Node;
pub use persistent_volume::PersistentVolume;
pub use persistent_volume_claim::PersistentVolumeClaim;
pub use pod::Pod;
pub use pod_disruption_budget::PodDisruptionBudget;
pub use replica_set::ReplicaSet;
pub use resource_quota::ResourceQuota;
pub use secret::Secret;
pub use service::Service;
pub use service_account::ServiceAccount;
pub use storage_class::StorageClass;
pub use text::Str;

/// What discovery says about a kind (one row of `kubectl api-resources`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    pub kind: &'static str,
    /// The REST resource name (`pods`).
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    /// The API group; empty for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
    /// How names of this kind are validated.
    pub name_rule: NameRule,
}

impl KindInfo {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods`, `deployments.apps`: how error messages name the resource.
    pub fn qualified_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `Pod`, `Deployment.apps`: how Invalid messages name the kind.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }
}

/// A kind's behaviour in the api-server: its registry strategy (defaulting, preparing,
/// validating) in upstream terms.
pub trait Resource:
    Clone + fmt::Debug + PartialEq + Serialize + DeserializeOwned + Into<Object> + 'static
{
    const INFO: KindInfo;
    /// Whether `metadata.generation` is kept (set to 1, bumped when the spec changes).
    const TRACKS_GENERATION: bool = false;
    /// Fields beyond `metadata.name`/`metadata.namespace` usable in field selectors.
    const SELECTABLE_FIELDS: &'static [&'static str] = &[];

    fn metadata(&self) -> &ObjectMeta;
    fn metadata_mut(&mut self) -> &mut ObjectMeta;
    fn from_object(obj: &Object) -> Option<&Self>;
    fn from_object_owned(obj: Object) -> Option<Self>;

    /// `SetObjectDefaults_*`: defaults applied when a request body is decoded.
    fn set_defaults(&mut self) {}
    /// `Strategy.PrepareForCreate` (typically resets the status).
    fn prepare_for_create(&mut self) {}
    /// Replaces this object's status with `other`'s (main-resource updates keep the stored status;
    /// `/status` updates keep everything else).
    fn copy_status_from(&mut self, _other: &Self) {}
    /// Whether everything but the status equals `other`'s, when the kind can tell cheaply
    /// (`None` otherwise): a `/status` update whose body already carries the stored metadata and
    /// spec is then stored as sent, without copying the stored object.
    #[doc(hidden)]
    fn same_but_status(&self, _other: &Self) -> Option<bool> {
        None
    }
    /// Whether the spec differs, so the generation is bumped.
    fn spec_differs(&self, _old: &Self) -> bool {
        false
    }
    /// `Strategy.Validate` / `ValidateUpdate`, without the metadata checks.
    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        Vec::new()
    }
    /// The value of a selectable field (one of [`Resource::SELECTABLE_FIELDS`]).
    fn field(&self, _path: &str) -> Option<String> {
        None
    }
}

macro_rules! kinds {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        /// Every kind the api-server serves.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            pub fn info(self) -> &'static KindInfo {
                match self { $(Kind::$variant => &<$ty as Resource>::INFO),* }
            }

            fn tracks_generation(self) -> bool {
                match self { $(Kind::$variant => <$ty as Resource>::TRACKS_GENERATION),* }
            }

            /// Field-selector fields this kind supports.
            pub fn selectable_fields(self) -> &'static [&'static str] {
                match self { $(Kind::$variant => <$ty as Resource>::SELECTABLE_FIELDS),* }
            }

            fn decode(self, v: Value) -> Result<Object, serde_json::Error> {
                Ok(match self { $(Kind::$variant => Object::$variant(Box::new(serde_json::from_value(v)?))),* })
            }
        }

        /// An object of any kind, as the store keeps it. Each kind is boxed, so an object takes
        /// its own kind's size (an Event is far smaller than a Pod) and the enum stays small.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object { $($variant(Box<$ty>)),* }

        $(
            impl From<$ty> for Object {
                fn from(v: $ty) -> Object { Object::$variant(Box::new(v)) }
            }
        )*

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant),* }
            }
            pub fn metadata(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => o.metadata()),* }
            }
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => o.metadata_mut()),* }
            }
            pub(crate) fn set_defaults(&mut self) {
                match self { $(Object::$variant(o) => o.set_defaults()),* }
            }
            pub(crate) fn prepare_for_create(&mut self) {
                match self { $(Object::$variant(o) => o.prepare_for_create()),* }
            }
            pub(crate) fn copy_status_from(&mut self, other: &Object) {
                match (self, other) {
                    $((Object::$variant(a), Object::$variant(b)) => a.copy_status_from(b),)*
                    _ => {}
                }
            }
            pub(crate) fn same_but_status(&self, other: &Object) -> bool {
                match (self, other) {
                    $((Object::$variant(a), Object::$variant(b)) => a.same_but_status(b) == Some(true),)*
                    _ => false,
                }
            }
            pub(crate) fn spec_differs(&self, old: &Object) -> bool {
                match (self, old) {
                    $((Object::$variant(a), Object::$variant(b)) => a.spec_differs(b),)*
                    _ => true,
                }
            }
            pub(crate) fn validate(&self, old: Option<&Object>) -> Vec<FieldError> {
                match self {
                    $(Object::$variant(a) => {
                        let old = old.and_then(<$ty as Resource>::from_object);
                        a.validate(old)
                    })*
                }
            }
            pub(crate) fn field(&self, path: &str) -> Option<String> {
                match self { $(Object::$variant(o) => o.field(path)),* }
            }
            fn body_json(&self) -> Value {
                let r = match self { $(Object::$variant(o) => serde_json::to_value(o)),* };
                r.unwrap_or(Value::Null)
            }
        }
    };
}

kinds! {
    Namespace(Namespace),
    Node(Node),
    Pod(Pod),
    ConfigMap(ConfigMap),
    Secret(Secret),
    ServiceAccount(ServiceAccount),
    Event(Event),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
    DaemonSet(DaemonSet),
    ResourceQuota(ResourceQuota),
    LimitRange(LimitRange),
    StorageClass(StorageClass),
    PersistentVolume(PersistentVolume),
    PersistentVolumeClaim(PersistentVolumeClaim),
    Service(Service),
    Endpoints(Endpoints),
    EndpointSlice(EndpointSlice),
    Ingress(Ingress),
    IngressClass(IngressClass),
    Lease(Lease),
    PodDisruptionBudget(PodDisruptionBudget),
}

/// Implements the boilerplate part of [`Resource`] for a kind.
macro_rules! resource_boilerplate {
    ($variant:ident) => {
        fn metadata(&self) -> &$crate::api::ObjectMeta {
            &self.metadata
        }
        fn metadata_mut(&mut self) -> &mut $crate::api::ObjectMeta {
            &mut self.metadata
        }
        fn from_object(obj: &$crate::api::Object) -> Option<&Self> {
            match obj {
                $crate::api::Object::$variant(o) => Some(&**o),
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
        fn from_object_owned(obj: $crate::api::Object) -> Option<Self> {
            match obj {
                $crate::api::Object::$variant(o) => Some(*o),
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    };
}
pub(crate) use resource_boilerplate;

impl Kind {
    /// Finds a kind by `apiVersion` and `kind`, as a manifest names it.
    pub fn from_type_meta(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.info().kind == kind && k.info().api_version() == api_version)
    }

    /// Finds a kind by any name kubectl accepts: plural, singular, short name or kind, optionally
    /// qualified with its group (`deployments.apps`), case-insensitively for the kind.
    pub fn from_resource_name(name: &str) -> Option<Kind> {
        let (base, group) = match name.split_once('.') {
            Some((b, g)) => (b, Some(g)),
            None => (name, None),
        };
        Kind::ALL.iter().copied().find(|k| {
            let i = k.info();
            let group_ok = group.is_none_or(|g| g == i.group);
            group_ok
                && (base == i.plural
                    || base == i.singular
                    || i.short_names.contains(&base)
                    || base.eq_ignore_ascii_case(i.kind))
        })
    }

    pub(crate) fn generation_tracked(self) -> bool {
        self.tracks_generation()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info().kind)
    }
}

/// The result of decoding a request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub object: Object,
    /// Fields the kind does not have, as JSON paths (`spec.containers[0].imagePullPolice`).
    pub unknown_fields: Vec<String>,
}

impl Object {
    /// The object as the api-server serializes it, `apiVersion` and `kind` first.
    pub fn to_json(&self) -> Value {
        let info = self.kind().info();
        let mut m = serde_json::Map::new();
        m.insert("apiVersion".into(), Value::String(info.api_version()));
        m.insert("kind".into(), Value::String(info.kind.to_string()));
        if let Value::Object(body) = self.body_json() {
            for (k, v) in body {
                m.insert(k, v);
            }
        }
        Value::Object(m)
    }

    /// Decodes a request body (a manifest turned into JSON) into a typed object, reporting the
    /// fields the kind does not know.
    pub fn from_json(value: &Value) -> Result<Decoded, Status> {
        let Value::Object(map) = value else {
            return Err(Status::bad_request(
                "Object 'Kind' is missing in the request body",
            ));
        };
        let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind_name = map.get("kind").and_then(Value::as_str).unwrap_or("");
        if kind_name.is_empty() {
            return Err(Status::bad_request(format!(
                "Object 'Kind' is missing in '{}'",
                value
            )));
        }
        let Some(kind) = Kind::from_type_meta(api_version, kind_name) else {
            return Err(Status::bad_request(format!(
                "no matches for kind {} in version {}",
                crate::apiserver::status::quote(kind_name),
                crate::apiserver::status::quote(api_version)
            )));
        };
        Object::from_json_as(kind, value)
    }

    /// Decodes a body known to be of `kind` (its `apiVersion`/`kind` may be absent).
    pub fn from_json_as(kind: Kind, value: &Value) -> Result<Decoded, Status> {
        let info = kind.info();
        let cannot_handle = |detail: String| {
            Status::bad_request(format!(
                "{} in version {} cannot be handled as a {}: {detail}",
                info.kind,
                crate::apiserver::status::quote(info.version),
                info.kind
            ))
        };
        let mut body = value.clone();
        if let Value::Object(m) = &mut body {
            m.remove("apiVersion");
            m.remove("kind");
        } else {
            return Err(cannot_handle("expected an object".into()));
        }
        let object = kind.decode(body.clone()).map_err(|e| {
            cannot_handle(
                type_error::go_type_error(kind, &body, &e).unwrap_or_else(|| e.to_string()),
            )
        })?;
        let mut unknown_fields = Vec::new();
        unknown_paths(&body, &object.body_json(), "", &mut unknown_fields);
        Ok(Decoded {
            object,
            unknown_fields,
        })
    }
}

impl Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Paths present in `input` that did not survive decoding into `decoded`.
///
/// Simplification: found by a round trip through the typed struct, so an unknown field whose value
/// is empty (`{}`, `[]`, `""`, `null`) is dropped without a warning.
fn unknown_paths(input: &Value, decoded: &Value, path: &str, out: &mut Vec<String>) {
    match (input, decoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(dv) => unknown_paths(v, dv, &p, out),
                    None if is_empty_value(v) => {}
                    None => {
                        // A free-form map (labels, data …) keeps every key, so a missing key
                        // here means the struct has no such field.
                        out.push(p);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (va, vb)) in a.iter().zip(b.iter()).enumerate() {
                unknown_paths(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_resolve_from_every_name_kubectl_accepts() {
        assert_eq!(Kind::from_resource_name("po"), Some(Kind::Pod));
        assert_eq!(Kind::from_resource_name("pods"), Some(Kind::Pod));
        assert_eq!(Kind::from_resource_name("pod"), Some(Kind::Pod));
        assert_eq!(Kind::from_resource_name("deploy"), Some(Kind::Deployment));
        assert_eq!(
            Kind::from_resource_name("deployments.apps"),
            Some(Kind::Deployment)
        );
        assert_eq!(Kind::from_resource_name("ns"), Some(Kind::Namespace));
        assert_eq!(Kind::from_resource_name("nope"), None);
    }

    #[test]
    fn resources_are_named_with_their_group() {
        assert_eq!(Kind::Pod.info().qualified_resource(), "pods");
        assert_eq!(
            Kind::Deployment.info().qualified_resource(),
            "deployments.apps"
        );
        assert_eq!(Kind::Deployment.info().api_version(), "apps/v1");
    }
}
