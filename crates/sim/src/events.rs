//! client-go's event recorder: components report what they did as core/v1 Events, aggregated by
//! object, reason, message and source (count and lastTimestamp grow).

use std::hash::{BuildHasherDefault, Hasher};

use crate::api::event::{EventSource, ObjectReference};
use crate::api::{Event, Object, ObjectMeta};
use crate::apiserver::{Actor, ApiServer};

pub const NORMAL: &str = "Normal";

/// client-go's event correlator cache: the event each (namespace, object uid, field path,
/// reason, message, source) was recorded as, so repeats are aggregated without scanning every
/// event. Keyed by a 128-bit hash of those parts (length-prefixed, so parts cannot run into each
/// other) rather than by their text: a lookup compares two integers instead of long strings
/// sharing a prefix, and an entry costs a few bytes instead of the whole key. The map is only
/// ever looked up, never iterated, so its order cannot reach any output.
#[derive(Clone, Debug, Default)]
pub struct EventCache {
    names: std::collections::HashMap<u128, Box<str>, BuildHasherDefault<KeyIsHash>>,
}

/// The cache's keys are already hashes: their low bits index the table as they are.
#[derive(Clone, Copy, Debug, Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b) ^ (self.0 >> 56);
        }
    }

    fn write_u128(&mut self, n: u128) {
        self.0 ^= n as u64;
    }
}

/// Two independent 64-bit lanes over the key parts, eight bytes at a time.
struct KeyHasher(u64, u64);

impl KeyHasher {
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
        self.1 = (self.1 ^ w.rotate_left(32))
            .wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
            .rotate_left(31);
    }

    fn part(&mut self, s: &str) {
        let b = s.as_bytes();
        self.word(b.len() as u64);
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(w));
        }
    }

    fn finish(self) -> u128 {
        let mix = |mut h: u64| {
            h ^= h >> 33;
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
            h ^= h >> 33;
            h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
            h ^ (h >> 33)
        };
        (u128::from(mix(self.0)) << 64) | u128::from(mix(self.1 ^ self.0.rotate_left(17)))
    }
}

fn cache_key(parts: [&str; 7]) -> u128 {
    let mut h = KeyHasher(0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344);
    for p in parts {
        h.part(p);
    }
    h.finish()
}
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
    let m = obj.metadata();
    let namespace = if m.namespace.is_empty() {
        "default"
    } else {
        m.namespace.as_str()
    };
    let host = actor.node.as_deref().unwrap_or_default();
    let now = api.now();
    // Aggregate with an identical earlier event.
    let cache_key = cache_key([
        namespace,
        &m.uid,
        field_path,
        reason,
        message,
        &actor.component,
        host,
    ]);
    let existing = api
        .event_cache
        .names
        .get(&cache_key)
        .and_then(|name| api.get_as::<Event>(namespace, name).ok());
    if let Some(mut e) = existing {
        e.count = Some(e.count.unwrap_or(1) + 1);
        e.last_timestamp = Some(now.rfc3339());
        e.involved_object.resource_version = m.resource_version.clone();
        let _ = api.update_arc_with(actor, e.into(), false, &Default::default());
        return;
    }
    let namespace = namespace.to_string();
    let mut involved = object_reference(obj);
    involved.field_path = field_path.to_string();
    let source = EventSource {
        component: actor.component.clone(),
        host: host.to_string(),
    };
    // `<name>.<hex nanoseconds>`, as the recorder names events: later events get larger names
    // even within one virtual millisecond.
    let (last, count) = api.event_clock;
    let count = if last == now.0 { count + 1 } else { 0 };
    api.event_clock = (now.0, count);
    let nanos = u128::from(now.0) * 1_000_000 + u128::from(count.min(999_999));
    let name = format!("{}.{:x}", involved.name, nanos + 0x1880_0000_0000_0000);
    let at = now.rfc3339();
    let event = Event {
        metadata: ObjectMeta::named(&namespace, &name),
        involved_object: involved,
        reason: Some(reason.to_string()),
        message: Some(message.to_string()),
        source: Some(source),
        first_timestamp: Some(at.clone()),
        last_timestamp: Some(at),
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
        api.event_cache.names.insert(cache_key, name.into());
    }
}
