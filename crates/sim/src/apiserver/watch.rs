//! The watch/event log: every write as a `WatchEvent` with its resourceVersion, the component that
//! made it and the verb, read through cursors (the etcd watch cache, compacted past a capacity).

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

use crate::api::{Kind, Object};
use crate::clock::Time;

/// Who made a request: the component and, for node agents, the node (an event's `source`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
///
/// Shared strings: every write's watch event keeps its actor, so a copy is a reference count.
pub struct Actor {
    #[serde(serialize_with = "ser_str")]
    pub component: Arc<str>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_str"
    )]
    pub node: Option<Arc<str>>,
}

fn ser_str<S: serde::Serializer>(v: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v)
}

fn ser_opt_str<S: serde::Serializer>(v: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(v),
        None => s.serialize_none(),
    }
}

impl Actor {
    pub fn new(component: &str) -> Self {
        Actor {
            component: component.into(),
            node: None,
        }
    }
    pub fn kubectl() -> Self {
        Actor::new("kubectl")
    }
    pub fn kubelet(node: &str) -> Self {
        Actor {
            component: "kubelet".into(),
            node: Some(node.into()),
        }
    }
    pub fn scheduler() -> Self {
        Actor::new("default-scheduler")
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.node {
            Some(n) => write!(f, "{} on {n}", self.component),
            None => f.write_str(&self.component),
        }
    }
}

/// `watch.EventType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

/// The request verb that produced a watch event (for the activity feed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Create,
    Update,
    Patch,
    /// An update of the `/status` subresource.
    #[serde(rename = "update status")]
    UpdateStatus,
    /// The `/binding` subresource (the scheduler assigning a node).
    Bind,
    Delete,
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchEvent {
    pub resource_version: u64,
    #[serde(rename = "type")]
    pub type_: EventType,
    pub verb: Verb,
    pub actor: Actor,
    #[serde(serialize_with = "ser_time")]
    pub time: Time,
    #[serde(serialize_with = "ser_object")]
    pub object: Arc<Object>,
}

fn ser_object<S: serde::Serializer>(o: &Arc<Object>, s: S) -> Result<S::Ok, S::Error> {
    o.as_ref().serialize(s)
}

fn ser_time<S: serde::Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.rfc3339_micro())
}

impl WatchEvent {
    pub fn kind(&self) -> Kind {
        self.object.kind()
    }
}

/// Below this many slots the log keeps its capacity after compaction (shrinking would only
/// churn the allocator).
const MIN_SHRINK_CAPACITY: usize = 4096;

/// The log with a bounded history.
///
/// Like the watch cache over etcd, it keeps what some reader still needs: the control loops
/// report how far they have all read ([`WatchLog::compact`]), readers outside them (`kubectl get
/// -w`) pin their cursor, and a tail of `retain` events stays for late readers such as the
/// activity feed. A cursor older than that gets 410 Gone and relists.
///
/// Simplification: etcd compacts by time (every 5 min) and the watch cache keeps a window of
/// events; here the log drops what every reader has seen, beyond a fixed tail.
#[derive(Clone, Debug, Default)]
pub struct WatchLog {
    events: VecDeque<WatchEvent>,
    retain: usize,
    /// Cursors of readers outside the control loops, by pin id.
    pins: std::collections::BTreeMap<u64, u64>,
    next_pin: u64,
}

impl WatchLog {
    pub fn new(retain: usize) -> Self {
        WatchLog {
            events: VecDeque::new(),
            retain: retain.max(1),
            pins: Default::default(),
            next_pin: 0,
        }
    }

    pub(crate) fn push(&mut self, e: WatchEvent) {
        self.events.push_back(e);
    }

    /// Drops the events every control loop has read (resourceVersion ≤ `read_by_all`) and no
    /// pinned reader still needs, keeping the newest `retain`.
    pub(crate) fn compact(&mut self, read_by_all: u64) {
        let upto = self.pins.values().fold(read_by_all, |m, &c| m.min(c));
        while self.events.len() > self.retain
            && self
                .events
                .front()
                .is_some_and(|e| e.resource_version <= upto)
        {
            self.events.pop_front();
        }
        // A burst (ten thousand pods created in one settle) grows the log far beyond what it
        // keeps afterwards; give that memory back once the log is a quarter of it.
        let keep = self.events.len().max(self.retain);
        if self.events.capacity() > 4 * keep && self.events.capacity() > MIN_SHRINK_CAPACITY {
            self.events.shrink_to(2 * keep);
        }
    }

    /// Keeps the events after `cursor` until the pin moves or is released.
    pub(crate) fn pin(&mut self, cursor: u64) -> u64 {
        self.next_pin += 1;
        self.pins.insert(self.next_pin, cursor);
        self.next_pin
    }

    pub(crate) fn move_pin(&mut self, pin: u64, cursor: u64) {
        if let Some(c) = self.pins.get_mut(&pin) {
            *c = cursor;
        }
    }

    pub(crate) fn unpin(&mut self, pin: u64) {
        self.pins.remove(&pin);
    }

    /// The oldest resourceVersion still in the log (0 when empty).
    pub fn oldest(&self) -> u64 {
        self.events.front().map_or(0, |e| e.resource_version)
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Events with a resourceVersion greater than `after`, or `None` if some were compacted.
    pub fn since(&self, after: u64) -> Option<impl Iterator<Item = &WatchEvent> + Clone> {
        let oldest = self.oldest();
        if !self.events.is_empty() && after + 1 < oldest {
            return None;
        }
        let skip = (after + 1).saturating_sub(oldest) as usize;
        Some(
            self.events
                .iter()
                .skip(if self.events.is_empty() { 0 } else { skip }),
        )
    }

    pub fn iter(&self) -> impl Iterator<Item = &WatchEvent> {
        self.events.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Namespace;

    #[test]
    fn after_a_burst_the_log_gives_its_memory_back_and_keeps_its_tail() {
        let mut log = WatchLog::new(100);
        let object = Arc::new(Object::from(Namespace::new("default")));
        for rv in 1..=20_000 {
            log.push(WatchEvent {
                resource_version: rv,
                type_: EventType::Added,
                verb: Verb::Create,
                actor: Actor::kubectl(),
                time: Time::ZERO,
                object: Arc::clone(&object),
            });
        }
        log.compact(20_000);
        assert_eq!(log.len(), 100);
        assert_eq!(log.oldest(), 19_901);
        assert!(log.events.capacity() <= MIN_SHRINK_CAPACITY.max(200));
        assert_eq!(log.since(19_950).map(|e| e.count()), Some(50));
    }
}
