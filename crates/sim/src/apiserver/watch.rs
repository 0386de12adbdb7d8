//! The watch/event log: every write as a `WatchEvent` with its resourceVersion, the component that
//! made it and the verb, read through cursors (the etcd watch cache, compacted past a capacity).

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

use crate::api::{Kind, Object};
use crate::clock::Time;

/// Who made a request: the component and, for node agents, the node (an event's `source`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Actor {
    pub component: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
}

impl Actor {
    pub fn new(component: &str) -> Self {
        Actor {
            component: component.to_string(),
            node: None,
        }
    }
    pub fn kubectl() -> Self {
        Actor::new("kubectl")
    }
    pub fn kubelet(node: &str) -> Self {
        Actor {
            component: "kubelet".into(),
            node: Some(node.to_string()),
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

/// The log with a bounded history.
///
/// Simplification: compaction keeps the last `capacity` events; etcd compacts by time (5 min).
#[derive(Clone, Debug, Default)]
pub struct WatchLog {
    events: VecDeque<WatchEvent>,
    capacity: usize,
}

impl WatchLog {
    pub fn new(capacity: usize) -> Self {
        WatchLog {
            events: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub(crate) fn push(&mut self, e: WatchEvent) {
        if self.events.len() >= self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(e);
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
    pub fn since(&self, after: u64) -> Option<impl Iterator<Item = &WatchEvent>> {
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
