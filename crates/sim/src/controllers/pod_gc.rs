//! PodGCController: force-deletes pods bound to nodes that no longer exist.

use std::collections::BTreeSet;

use crate::api::{Kind, Node, Pod};
use crate::apiserver::{Actor, ApiServer, DeleteOptions, EventType};

#[derive(Clone, Debug, Default)]
pub struct PodGcController {
    cursor: u64,
}

impl PodGcController {
    // Simplification: orphaned pods are deleted as soon as their node is gone (upstream waits a
    // 40 s quarantine) and terminated pods are never collected (upstream keeps 12,500).
    pub fn sync(&mut self, api: &mut ApiServer) {
        let node_deleted = match api.watch(self.cursor) {
            Ok(mut events) => {
                events.any(|e| e.type_ == EventType::Deleted && e.object.kind() == Kind::Node)
            }
            Err(_) => true,
        };
        self.cursor = api.resource_version();
        if !node_deleted {
            return;
        }
        let nodes: BTreeSet<String> = api
            .iter_as::<Node>(None)
            .map(|n| n.metadata.name.to_string())
            .collect();
        let orphans: Vec<(String, String)> = api
            .iter_as::<Pod>(None)
            .filter(|p| p.node_name().is_some_and(|n| !nodes.contains(n)))
            .map(|p| {
                (
                    p.metadata.namespace.to_string(),
                    p.metadata.name.to_string(),
                )
            })
            .collect();
        let actor = Actor::new("pod-garbage-collector");
        let force = DeleteOptions {
            grace_period_seconds: Some(0),
            ..Default::default()
        };
        for (ns, name) in orphans {
            let _ = api.delete(&actor, Kind::Pod, &ns, &name, &force);
        }
    }
}
