//! client-go's event recorder: components report what they did as core/v1 Events, aggregated by
//! object, reason, message and source (count and lastTimestamp grow).

use crate::api::event::{EventSource, ObjectReference};
use crate::api::{Event, Object, ObjectMeta};
use crate::apiserver::{Actor, ApiServer};

pub const NORMAL: &str = "Normal";
pub const WARNING: &str = "Warning";

/// The reference an event keeps to the object it is about.
pub fn object_reference(obj: &Object) -> ObjectReference {
    let info = obj.kind().info();
    let m = obj.metadata();
    ObjectReference {
        kind: info.kind.to_string(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        api_version: info.api_version(),
        resource_version: m.resource_version.clone(),
        field_path: String::new(),
    }
}

/// Records an event about `obj` from `actor`.
///
/// Simplification: every component records the core/v1 shape (source, first/last timestamp,
/// count); upstream the scheduler and controllers use events.k8s.io/v1 series instead.
pub fn record(
    api: &mut ApiServer,
    actor: &Actor,
    obj: &Object,
    field_path: &str,
    type_: &str,
    reason: &str,
    message: &str,
) {
    let mut involved = object_reference(obj);
    involved.field_path = field_path.to_string();
    let namespace = if involved.namespace.is_empty() {
        "default".to_string()
    } else {
        involved.namespace.clone()
    };
    let source = EventSource {
        component: actor.component.clone(),
        host: actor.node.clone().unwrap_or_default(),
    };
    let now = api.now();
    // Aggregate with an identical earlier event.
    let cache_key = format!(
        "{namespace}\u{0}{}\u{0}{}\u{0}{reason}\u{0}{message}\u{0}{}\u{0}{}",
        involved.uid, involved.field_path, source.component, source.host
    );
    let existing = api
        .event_cache
        .get(&cache_key)
        .and_then(|name| api.get_as::<Event>(&namespace, name).ok());
    if let Some(mut e) = existing {
        e.count = Some(e.count.unwrap_or(1) + 1);
        e.last_timestamp = Some(now.rfc3339());
        e.involved_object.resource_version = involved.resource_version;
        let _ = api.update_arc_with(actor, e.into(), false, &Default::default());
        return;
    }
    // `<name>.<hex nanoseconds>`, as the recorder names events: later events get larger names
    // even within one virtual millisecond.
    let (last, count) = api.event_clock;
    let count = if last == now.0 { count + 1 } else { 0 };
    api.event_clock = (now.0, count);
    let nanos = u128::from(now.0) * 1_000_000 + u128::from(count.min(999_999));
    let name = format!("{}.{:x}", involved.name, nanos + 0x1880_0000_0000_0000);
    let event = Event {
        metadata: ObjectMeta::named(&namespace, &name),
        involved_object: involved,
        reason: Some(reason.to_string()),
        message: Some(message.to_string()),
        source: Some(source),
        first_timestamp: Some(now.rfc3339()),
        last_timestamp: Some(now.rfc3339()),
        count: Some(1),
        type_: Some(type_.to_string()),
        event_time: None,
        series: None,
        action: None,
        related: None,
        reporting_component: Some(actor.component.clone()),
        reporting_instance: actor.node.clone(),
    };
    if api
        .create_arc_with(actor, event.into(), &Default::default())
        .is_ok()
    {
        api.event_cache.insert(cache_key, name);
    }
}
