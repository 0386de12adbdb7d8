//! client-go's event recorder: components report what they did as core/v1 Events, aggregated by
//! object, reason, message and source (count and lastTimestamp grow).

use std::hash::{BuildHasherDefault, Hasher};

use crate::api::event::{EventSource, ObjectReference};
use crate::api::{Event, Object, ObjectMeta, Str};
use crate::apiserver::{Actor, ApiServer};
use crate::clock::{Duration, Time};

pub const NORMAL: &str = "Normal";

/// client-go's event correlator (`tools/record/events_cache.go`): the aggregator's records of
/// similar events and the event logger's observations, each an LRU cache of
/// [`LRU_CACHE_ENTRIES`] entries as upstream's, so they do not grow with the number of objects.
///
/// Entries are keyed by a 128-bit hash of the key's parts (length-prefixed, so parts cannot run
/// into each other) rather than by their text: a lookup compares two integers instead of long
/// strings sharing a prefix, and an entry costs a few bytes instead of the whole key. The maps
/// are only ever looked up, never iterated, so their order cannot reach any output; eviction
/// follows the deterministic recency order.
#[derive(Clone, Debug, Default)]
pub struct EventCache {
    /// The event logger's cache: the event each event key (or aggregate key) was recorded as.
    names: Lru<std::sync::Arc<str>>,
    /// The aggregator's cache: the messages seen per aggregate key and when the last came.
    aggregates: Lru<AggregateRecord>,
}

/// `maxLruCacheEntries`: the size of each of the correlator's LRU caches.
pub const LRU_CACHE_ENTRIES: usize = 4096;
/// `defaultAggregateMaxEvents`: similar events (same source, object, type and reason, different
/// messages) after which they are combined into one.
pub const AGGREGATE_MAX_EVENTS: usize = 10;
/// `defaultAggregateIntervalInSeconds`: similar events further apart than this start afresh.
pub const AGGREGATE_INTERVAL_SECONDS: u64 = 600;
/// `EventAggregatorByReasonMessageFunc`'s prefix of a combined event's message.
pub const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// `aggregateRecord`: the distinct messages (as hashes) of similar events and the last time one
/// was seen.
/// The messages are kept inline (at most [`AGGREGATE_MAX_EVENTS`]): no allocation per record.
#[derive(Clone, Debug, Default)]
struct AggregateRecord {
    messages: [u64; AGGREGATE_MAX_EVENTS],
    len: usize,
    last: Time,
}

impl AggregateRecord {
    fn messages(&self) -> &[u64] {
        self.messages.get(..self.len).unwrap_or_default()
    }

    /// `localKeys.Insert`: adds a message not seen yet; returns how many are known.
    fn insert(&mut self, message: u64) -> usize {
        if !self.messages().contains(&message)
            && let Some(slot) = self.messages.get_mut(self.len)
        {
            *slot = message;
            self.len += 1;
        }
        self.len
    }

    /// `localKeys.PopAny`: forgets the oldest message.
    fn pop_oldest(&mut self) {
        if self.len > 0 {
            self.messages.copy_within(1..self.len, 0);
            self.len -= 1;
        }
    }
}

/// A least-recently-used cache keyed by hashes (golang groupcache's `lru.Cache`: `Get` and
/// `Add` both make an entry the most recent; adding beyond the capacity drops the oldest).
///
/// The recency order is a queue of (tick, key) uses, oldest first: a use appends to it and
/// leaves the entry's earlier use behind as stale (its tick no longer matches the map's), so
/// both a use and an eviction are O(1) amortized instead of a search tree's remove and insert.
/// Stale uses are skipped when evicting and swept out when they outnumber the live ones.
#[derive(Clone, Debug)]
struct Lru<V> {
    map: std::collections::HashMap<u128, (V, u64), BuildHasherDefault<KeyIsHash>>,
    /// Uses by tick, oldest first; a use is live when the map holds the same tick for its key.
    order: std::collections::VecDeque<(u64, u128)>,
    tick: u64,
    capacity: usize,
}

impl<V> Default for Lru<V> {
    fn default() -> Self {
        Lru {
            map: Default::default(),
            order: Default::default(),
            tick: 0,
            capacity: LRU_CACHE_ENTRIES,
        }
    }
}

impl<V> Lru<V> {
    fn get(&mut self, key: u128) -> Option<&mut V> {
        self.tick += 1;
        let tick = self.tick;
        let (_, used) = self.map.get_mut(&key)?;
        *used = tick;
        self.order.push_back((tick, key));
        self.sweep();
        self.map.get_mut(&key).map(|(v, _)| v)
    }

    fn insert(&mut self, key: u128, value: V) {
        self.tick += 1;
        self.map.insert(key, (value, self.tick));
        self.order.push_back((self.tick, key));
        while self.map.len() > self.capacity {
            let Some((tick, oldest)) = self.order.pop_front() else {
                break;
            };
            if self.map.get(&oldest).is_some_and(|(_, used)| *used == tick) {
                self.map.remove(&oldest);
            }
        }
        self.sweep();
    }

    /// Drops the stale uses once the queue is more than twice the live entries (and not tiny).
    fn sweep(&mut self) {
        if self.order.len() > 2 * self.map.len() + 64 {
            let map = &self.map;
            self.order
                .retain(|(tick, key)| map.get(key).is_some_and(|(_, used)| used == tick));
        }
    }
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

fn cache_key(parts: &[&str]) -> u128 {
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
        kind: Str::from_static(info.kind),
        // The object's own strings, shared: no copies.
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        // Core kinds (most events are about pods) need no allocation: `v1` is static.
        api_version: if info.group.is_empty() {
            Str::from_static(info.version)
        } else {
            info.api_version().into()
        },
        resource_version: m.resource_version.clone(),
        field_path: Str::default(),
    }
}

/// Records an event about `obj` from `actor`.
///
/// Simplification: every component records the core/v1 shape (source, first/last timestamp,
/// count); upstream the scheduler and controllers use events.k8s.io/v1 series instead.
/// Simplification: no `EventSourceObjectSpamFilter` (upstream's 25-event burst per source and
/// object, then one per 5 minutes): a repeated event is always counted.
pub fn record(
    api: &mut ApiServer,
    actor: &Actor,
    obj: &Object,
    field_path: impl Into<Str>,
    type_: &'static str,
    reason: impl Into<Str>,
    message: &str,
) {
    // Usually static text (or a container's path the kubelet keeps): then the event holds it
    // without a copy.
    let reason: Str = reason.into();
    let field_path: Str = field_path.into();
    let m = obj.metadata();
    let namespace = if m.namespace.is_empty() {
        "default"
    } else {
        m.namespace.as_str()
    };
    let host = actor.node.as_deref().unwrap_or_default();
    let now = api.now();
    let info = obj.kind().info();
    let api_version = info.api_version();
    // EventAggregate: similar events (same source, object, type and reason) with many different
    // messages are combined into one event, keyed by what they share.
    let aggregate_key = cache_key(&[
        "aggregate",
        &actor.component,
        host,
        info.kind,
        namespace,
        &m.name,
        &m.uid,
        &api_version,
        type_,
        &reason,
        &actor.component,
        host,
    ]);
    let message_hash = cache_key(&[message]) as u64;
    let mut record = api
        .event_cache
        .aggregates
        .get(aggregate_key)
        .map(std::mem::take)
        .unwrap_or_default();
    if now.since(record.last) > Duration::seconds(AGGREGATE_INTERVAL_SECONDS) {
        record = AggregateRecord::default();
    }
    record.last = now;
    let combined = record.insert(message_hash) >= AGGREGATE_MAX_EVENTS;
    if combined {
        // `localKeys.PopAny()`: the set stays just under the threshold.
        // Simplification: upstream drops an arbitrary message (Go map order); Timonel drops the
        // oldest, deterministically.
        record.pop_oldest();
    }
    api.event_cache.aggregates.insert(aggregate_key, record);
    let combined_message;
    let (cache_key, message) = if combined {
        combined_message = format!("{COMBINED_PREFIX}{message}");
        (aggregate_key, combined_message.as_str())
    } else {
        let key = cache_key(&[
            "event",
            &actor.component,
            host,
            info.kind,
            namespace,
            &m.name,
            &field_path,
            &m.uid,
            &api_version,
            type_,
            &reason,
            message,
        ]);
        (key, message)
    };
    // eventObserve: a repeat of a recorded event (or of the combined one) bumps its count.
    let existing = api
        .event_cache
        .names
        .get(cache_key)
        .map(|name| std::sync::Arc::clone(name))
        .and_then(|name| api.get_as::<Event>(namespace, &name).ok());
    if let Some(mut e) = existing {
        e.count = Some(e.count.unwrap_or(1) + 1);
        e.last_timestamp = Some(api.timestamp());
        if combined {
            e.message = Some(Str::new(message));
        }
        e.involved_object.resource_version = m.resource_version.clone();
        let _ = api.update_arc_with(actor, e.into(), false, &Default::default());
        return;
    }
    let namespace = if m.namespace.is_empty() {
        Str::from_static("default")
    } else {
        m.namespace.clone()
    };
    let mut involved = object_reference(obj);
    involved.field_path = field_path;
    // The actor's names are shared strings already: the event holds them without a copy.
    let component = Str::from(&actor.component);
    let instance = actor.node.as_ref().map(Str::from);
    let source = EventSource {
        component: component.clone(),
        host: instance.clone().unwrap_or_default(),
    };
    // `<name>.<hex nanoseconds>`, as the recorder names events: later events get larger names
    // even within one virtual millisecond.
    let (last, count) = api.event_clock;
    let count = if last == now.0 { count + 1 } else { 0 };
    api.event_clock = (now.0, count);
    let nanos = u128::from(now.0) * 1_000_000 + u128::from(count.min(999_999));
    let name = Str::format(format_args!(
        "{}.{:x}",
        involved.name,
        nanos + 0x1880_0000_0000_0000
    ));
    let at = api.timestamp();
    let event = Event {
        metadata: ObjectMeta {
            name,
            namespace,
            ..Default::default()
        },
        involved_object: involved,
        reason: Some(reason),
        message: Some(Str::new(message)),
        source: Some(source),
        first_timestamp: Some(at.clone()),
        last_timestamp: Some(at),
        count: Some(1),
        type_: Some(type_.into()),
        event_time: None,
        series: None,
        action: None,
        related: None,
        // The aggregator's combined event names no reporting controller or instance.
        reporting_component: (!combined).then_some(component),
        reporting_instance: if combined { None } else { instance },
    };
    if let Ok(stored) = api.create_arc_with(actor, event.into(), &Default::default()) {
        let name = stored.metadata().name.as_str().into();
        api.event_cache.names.insert(cache_key, name);
    }
}

#[cfg(test)]
mod lru_tests {
    use super::Lru;

    #[test]
    fn the_least_recently_used_entry_goes_first_and_a_lookup_counts_as_a_use() {
        let mut lru: Lru<u32> = Lru {
            capacity: 3,
            ..Lru::default()
        };
        for k in 1..=3 {
            lru.insert(k, k as u32);
        }
        // 1 is used again: 2 is now the oldest.
        assert_eq!(lru.get(1).copied(), Some(1));
        lru.insert(4, 4);
        assert!(lru.get(2).is_none());
        assert!(lru.get(1).is_some() && lru.get(3).is_some() && lru.get(4).is_some());
        // Replacing a value is a use too; many uses leave the queue bounded.
        for _ in 0..1000 {
            lru.get(3);
            lru.insert(4, 40);
        }
        assert!(lru.order.len() <= 2 * lru.map.len() + 64);
        lru.insert(5, 5);
        assert!(lru.get(1).is_none(), "1 was the least recently used");
        assert_eq!(lru.get(4).copied(), Some(40));
    }
}
