//! The garbage collector: deletes objects whose owners are gone, and carries out the Orphan and
//! Foreground propagation policies (the `orphan` and `foregroundDeletion` finalizers).

use std::collections::{BTreeMap, BTreeSet};

use crate::api::Kind;
use crate::apiserver::{Actor, ApiServer, DeleteOptions, EventType};

#[derive(Clone, Debug, Default)]
pub struct GarbageCollector {
    cursor: u64,
}

fn actor() -> Actor {
    Actor::new("generic-garbage-collector")
}

// Simplification: instead of a dependency graph kept from informers, the collector rescans the
// store after any deletion; foreground deletion waits on Pods and ReplicaSets only.
impl GarbageCollector {
    pub fn sync(&mut self, api: &mut ApiServer) {
        // Only deletions can orphan anything: scan when one happened.
        let relevant = match api.watch(self.cursor) {
            Ok(mut events) => events.any(|e| {
                e.type_ == EventType::Deleted || e.object.metadata().deletion_timestamp.is_some()
            }),
            Err(_) => true,
        };
        self.cursor = api.resource_version();
        if !relevant {
            return;
        }
        let mut live: BTreeMap<String, (Kind, String, String, Vec<String>, bool)> = BTreeMap::new();
        for kind in Kind::ALL {
            for o in api.iter(*kind, None) {
                let m = o.metadata();
                live.insert(
                    m.uid.to_string(),
                    (
                        *kind,
                        m.namespace.to_string(),
                        m.name.to_string(),
                        m.finalizers.clone(),
                        m.deletion_timestamp.is_some(),
                    ),
                );
            }
        }
        let mut referenced: BTreeSet<String> = BTreeSet::new();
        let mut to_delete = Vec::new();
        let mut to_orphan: Vec<(Kind, String, String, String)> = Vec::new();
        for kind in Kind::ALL {
            for o in api.iter(*kind, None) {
                let m = o.metadata();
                // Only owners of kinds the api-server serves can be resolved.
                let refs: Vec<_> = m
                    .owner_references
                    .iter()
                    .filter(|r| Kind::from_type_meta(&r.api_version, &r.kind).is_some())
                    .collect();
                if refs.is_empty() {
                    continue;
                }
                for r in &refs {
                    referenced.insert(r.uid.to_string());
                }
                let key = (*kind, m.namespace.clone(), m.name.clone());
                let all_gone = refs.iter().all(|r| !live.contains_key(r.uid.as_str()));
                let mut foreground = false;
                for r in &refs {
                    if let Some((_, _, _, finalizers, deleting)) = live.get(r.uid.as_str())
                        && *deleting
                    {
                        if finalizers.iter().any(|f| f == "orphan") {
                            to_orphan.push((
                                key.0,
                                key.1.to_string(),
                                key.2.to_string(),
                                r.uid.to_string(),
                            ));
                        } else if finalizers.iter().any(|f| f == "foregroundDeletion") {
                            foreground = true;
                        }
                    }
                }
                if (all_gone || foreground) && m.deletion_timestamp.is_none() {
                    to_delete.push(key);
                }
            }
        }
        for (kind, ns, name, owner) in to_orphan {
            if let Ok(mut o) = api.get(kind, &ns, &name) {
                o.metadata_mut().owner_references.retain(|r| r.uid != owner);
                let _ = api.update(&actor(), o);
            }
        }
        for (kind, ns, name) in to_delete {
            let _ = api.delete(&actor(), kind, &ns, &name, &DeleteOptions::default());
        }
        // Owners waiting on their dependents.
        for (uid, (kind, ns, name, finalizers, deleting)) in live {
            if !deleting {
                continue;
            }
            let waiting = finalizers
                .iter()
                .any(|f| f == "orphan" || f == "foregroundDeletion");
            let has_dependents = api
                .iter(Kind::Pod, None)
                .chain(api.iter(Kind::ReplicaSet, None))
                .any(|o| o.metadata().owner_references.iter().any(|r| r.uid == uid));
            if waiting
                && (!has_dependents || !referenced.contains(&uid))
                && let Ok(mut o) = api.get(kind, &ns, &name)
            {
                o.metadata_mut()
                    .finalizers
                    .retain(|f| f != "orphan" && f != "foregroundDeletion");
                let _ = api.update(&actor(), o);
            }
        }
    }
}
