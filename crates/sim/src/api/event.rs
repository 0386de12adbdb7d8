//! `core/v1` Event: what components report about objects (reason, message, source, count and
//! first/last seen), as `kubectl get events` and `describe` show them.

use serde::{Deserialize, Serialize};

use super::meta::ObjectMeta;
use super::text::Str;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub involved_object: ObjectReference,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<EventSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Boxed: rarely set, and events are many (a smaller inline `Event` is less heap per event).
    pub series: Option<Box<EventSeries>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Boxed: rarely set (see `series`).
    pub related: Option<Box<ObjectReference>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_component: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_instance: Option<Str>,
}

/// `core/v1.ObjectReference`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub kind: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub namespace: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub name: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub uid: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub api_version: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub resource_version: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub field_path: Str,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub component: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub host: Str,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSeries {
    pub count: i32,
    pub last_observed_time: String,
}

impl Resource for Event {
    const INFO: KindInfo = KindInfo {
        kind: "Event",
        plural: "events",
        singular: "event",
        short_names: &["ev"],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const SELECTABLE_FIELDS: &'static [&'static str] = &[
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ];

    resource_boilerplate!(Event);

    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let ns = &self.involved_object.namespace;
        if !ns.is_empty() && *ns != self.metadata.namespace {
            errs.push(FieldError::invalid(
                "involvedObject.namespace",
                ns.as_str(),
                "does not match event.namespace",
            ));
        }
        errs
    }

    fn field(&self, path: &str) -> Option<String> {
        let o = &self.involved_object;
        let text: &str = match path {
            "involvedObject.kind" => &o.kind,
            "involvedObject.namespace" => &o.namespace,
            "involvedObject.name" => &o.name,
            "involvedObject.uid" => &o.uid,
            "involvedObject.apiVersion" => &o.api_version,
            "involvedObject.resourceVersion" => &o.resource_version,
            "involvedObject.fieldPath" => &o.field_path,
            "reason" => self.reason.as_deref().unwrap_or_default(),
            "reportingComponent" => self.reporting_component.as_deref().unwrap_or_default(),
            "source" => self.source.as_ref().map_or("", |s| &s.component),
            "type" => self.type_.as_deref().unwrap_or_default(),
            _ => return None,
        };
        Some(text.to_string())
    }
}
