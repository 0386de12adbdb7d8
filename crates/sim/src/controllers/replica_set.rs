//! ReplicaSetController (`syncReplicaSet`): creates and deletes pods to match `spec.replicas`,
//! adopts and releases pods by selector, chooses victims in the upstream order, writes status.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::{
    Kind, Object, OwnerReference, Pod, ReplicaSet, Resource, replica_set::ReplicaSetStatus,
};
use crate::apiserver::{Actor, ApiServer, DeleteOptions};
use crate::events;
use crate::labels::Selector;

use super::{Key, changed_keys};

/// Pods created or deleted per ReplicaSet sync (`BurstReplicas`).
pub const BURST_REPLICAS: usize = 500;

#[derive(Clone, Debug, Default)]
pub struct ReplicaSetController {
    cursor: u64,
    pods: PodIndex,
}

/// The pods of each controller and the orphans of each namespace (their latest versions, shared
/// with the store), kept current from the watch log (the informer's indexer), so that a sync
/// reads only the pods it may own.
#[derive(Clone, Debug, Default)]
struct PodIndex {
    cursor: u64,
    primed: bool,
    /// (namespace, controller uid) → pods by name.
    owned: BTreeMap<(String, String), BTreeMap<String, Arc<Object>>>,
    /// namespace → pods without a controller, by name.
    orphans: BTreeMap<String, BTreeMap<String, Arc<Object>>>,
    /// (namespace, pod) → the controller uid it is indexed under (`None`: an orphan).
    of_pod: BTreeMap<Key, Option<String>>,
}

impl PodIndex {
    fn refresh(&mut self, api: &ApiServer) {
        let events = if self.primed {
            api.watch(self.cursor).ok()
        } else {
            None
        };
        match events {
            Some(events) => {
                for e in events {
                    if let Object::Pod(p) = e.object.as_ref() {
                        let key = (p.metadata.namespace.clone(), p.metadata.name.clone());
                        let latest = (e.type_ != crate::apiserver::EventType::Deleted)
                            .then(|| Arc::clone(&e.object));
                        self.set(key, latest);
                    }
                }
            }
            None => {
                // First sync or a compacted log: relist.
                self.owned.clear();
                self.orphans.clear();
                self.of_pod.clear();
                let keys: Vec<Key> = api
                    .iter(Kind::Pod, None)
                    .map(|o| (o.metadata().namespace.clone(), o.metadata().name.clone()))
                    .collect();
                for key in keys {
                    if let Some(obj) = api.get_arc(Kind::Pod, &key.0, &key.1) {
                        self.set(key, Some(obj));
                    }
                }
                self.primed = true;
            }
        }
        self.cursor = api.resource_version();
    }

    /// Indexes the latest version of a pod under its controller (`None`: deleted).
    fn set(&mut self, key: Key, latest: Option<Arc<Object>>) {
        if let Some(old) = self.of_pod.remove(&key) {
            let map = match old {
                Some(uid) => self.owned.get_mut(&(key.0.clone(), uid)),
                None => self.orphans.get_mut(&key.0),
            };
            if let Some(map) = map {
                map.remove(&key.1);
            }
        }
        let Some(obj) = latest else {
            return;
        };
        let controller = obj.metadata().controller().map(|r| r.uid.clone());
        let map = match &controller {
            Some(uid) => self.owned.entry((key.0.clone(), uid.clone())).or_default(),
            None => self.orphans.entry(key.0.clone()).or_default(),
        };
        map.insert(key.1.clone(), obj);
        self.of_pod.insert(key, controller);
    }

    /// The pods a controller owns.
    fn owned(&self, namespace: &str, uid: &str) -> Vec<Arc<Object>> {
        self.owned
            .get(&(namespace.to_string(), uid.to_string()))
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The pods of a namespace without a controller.
    fn orphans(&self, namespace: &str) -> Vec<Arc<Object>> {
        self.orphans
            .get(namespace)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }
}

/// The controller reference a controller puts on what it creates.
pub fn controller_ref(kind: &str, api_version: &str, obj: &Object) -> OwnerReference {
    let m = obj.metadata();
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Pods counted as replicas: not terminal and not being deleted (`controller.FilterActivePods`).
pub fn is_active(p: &Pod) -> bool {
    !p.is_terminal() && p.metadata.deletion_timestamp.is_none()
}

/// Ready for at least `min_ready_seconds` (`podutil.IsPodAvailable`).
pub fn is_available(p: &Pod, min_ready_seconds: i32, now: crate::Time) -> bool {
    let Some(c) = p.condition("Ready").filter(|c| c.status == "True") else {
        return false;
    };
    if min_ready_seconds <= 0 {
        return true;
    }
    c.last_transition_time
        .as_deref()
        .and_then(crate::Time::parse_rfc3339)
        .is_some_and(|t| now.since(t).as_millis() >= (min_ready_seconds as u64) * 1000)
}

type RankKey = (
    u8,
    u8,
    u8,
    std::cmp::Reverse<String>,
    std::cmp::Reverse<String>,
);

/// Deletion preference (`controller.ActivePodsWithRanks`): lower sorts first and is deleted first.
fn victim_rank(p: &Pod) -> RankKey {
    let assigned = u8::from(p.node_name().is_some());
    let phase = match p.phase() {
        "Pending" => 0,
        "Unknown" => 1,
        _ => 2,
    };
    let ready = u8::from(p.is_ready());
    (
        assigned,
        phase,
        ready,
        // Newer pods go first.
        std::cmp::Reverse(p.metadata.creation_timestamp.clone().unwrap_or_default()),
        std::cmp::Reverse(p.metadata.name.clone()),
    )
}

impl ReplicaSetController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        // The pod index reads the log every round, so it never falls behind a compaction.
        if self.pods.primed {
            self.pods.refresh(api);
        }
        let keys = changed_keys(api, &mut self.cursor, Kind::ReplicaSet, "ReplicaSet");
        for key in keys {
            self.sync_replica_set(api, &key);
        }
    }

    // Simplification: all missing pods are created in one sync (upstream creates them in
    // slow-start batches and tracks expectations between syncs).
    fn sync_replica_set(&mut self, api: &mut ApiServer, key: &Key) {
        let Ok(rs) = api.get_as::<ReplicaSet>(&key.0, &key.1) else {
            return;
        };
        if rs.metadata.deletion_timestamp.is_some() {
            return;
        }
        let actor = Actor::new("replicaset-controller");
        let rs_obj = Object::ReplicaSet(Box::new(rs.clone()));
        let Ok(selector) = Selector::from_label_selector(rs.spec.selector.as_ref()) else {
            return;
        };
        let uid = rs.metadata.uid.clone();
        self.pods.refresh(api);
        let mut candidates = self.pods.owned(&key.0, &uid);
        candidates.extend(self.pods.orphans(&key.0));
        // Adopt orphans that match; release owned pods that no longer match. Only those pods are
        // copied: the rest are read in place (the informer cache).
        let mut adopt = Vec::new();
        let mut release = Vec::new();
        // Active owned pods are counted in place; their deletion ranks are only computed when
        // scaling down.
        let mut active_owned = 0usize;
        let mut adopted: Vec<(RankKey, String)> = Vec::new();
        for p in candidates.iter().filter_map(|o| Pod::from_object(o)) {
            let controller = p.metadata.controller();
            let owned = controller.is_some_and(|r| r.uid == uid);
            if !owned && controller.is_some() {
                continue;
            }
            let matches = selector.matches(&p.metadata.labels);
            if owned && !matches {
                release.push(p.metadata.name.clone());
            } else if !owned && matches && is_active(p) {
                adopt.push(p.metadata.name.clone());
            } else if owned && is_active(p) {
                active_owned += 1;
            }
        }
        for name in release {
            if let Ok(mut p) = api.get_as::<Pod>(&key.0, &name) {
                p.metadata.owner_references.retain(|r| r.uid != uid);
                let _ = api.update(&actor, p);
            }
        }
        for name in adopt {
            if let Ok(mut p) = api.get_as::<Pod>(&key.0, &name) {
                p.metadata
                    .owner_references
                    .push(controller_ref("ReplicaSet", "apps/v1", &rs_obj));
                if let Ok(obj) = api.update_arc_with(&actor, p.into(), false, &Default::default())
                    && let Object::Pod(pod) = obj.as_ref()
                {
                    adopted.push((victim_rank(pod), pod.metadata.name.clone()));
                }
            }
        }
        let want = rs.replicas().max(0) as usize;
        let active_len = active_owned + adopted.len();
        if active_len < want {
            // `BurstReplicas`: at most 500 creations per sync; the next sync does the rest.
            for _ in 0..(want - active_len).min(BURST_REPLICAS) {
                let mut meta = rs.spec.template.metadata.clone();
                meta.name.clear();
                meta.namespace = key.0.clone();
                meta.generate_name = format!("{}-", rs.metadata.name);
                meta.owner_references = vec![controller_ref("ReplicaSet", "apps/v1", &rs_obj)];
                let pod = Pod {
                    metadata: meta,
                    spec: rs.spec.template.spec.clone(),
                    status: None,
                };
                match api.create_arc_with(&actor, pod.into(), &Default::default()) {
                    Ok(created) => events::record(
                        api,
                        &actor,
                        &rs_obj,
                        "",
                        events::NORMAL,
                        "SuccessfulCreate",
                        &format!("Created pod: {}", created.metadata().name),
                    ),
                    Err(e) => {
                        events::record(
                            api,
                            &actor,
                            &rs_obj,
                            "",
                            events::WARNING,
                            "FailedCreate",
                            &format!("Error creating: {}", e.message),
                        );
                        break;
                    }
                }
            }
        } else if active_len > want {
            let mut victims = adopted;
            let adopted_names: BTreeSet<String> = victims.iter().map(|(_, n)| n.clone()).collect();
            self.pods.refresh(api);
            let owned = self.pods.owned(&key.0, &uid);
            for p in owned.iter().filter_map(|o| Pod::from_object(o)) {
                let owned = p.metadata.controller().is_some_and(|r| r.uid == uid);
                if owned
                    && selector.matches(&p.metadata.labels)
                    && is_active(p)
                    && !adopted_names.contains(&p.metadata.name)
                {
                    victims.push((victim_rank(p), p.metadata.name.clone()));
                }
            }
            victims.sort();
            let names: Vec<String> = victims
                .into_iter()
                .take((active_len - want).min(BURST_REPLICAS))
                .map(|(_, name)| name)
                .collect();
            for name in names {
                if api
                    .delete(&actor, Kind::Pod, &key.0, &name, &DeleteOptions::default())
                    .is_ok()
                {
                    events::record(
                        api,
                        &actor,
                        &rs_obj,
                        "",
                        events::NORMAL,
                        "SuccessfulDelete",
                        &format!("Deleted pod: {name}"),
                    );
                }
            }
        }
        self.update_status(api, key, &selector);
    }

    fn update_status(&mut self, api: &mut ApiServer, key: &Key, _selector: &Selector) {
        let Ok(rs) = api.get_as::<ReplicaSet>(&key.0, &key.1) else {
            return;
        };
        let now = api.now();
        let uid = rs.metadata.uid.clone();
        let template_labels = Selector::from_map(&rs.spec.template.metadata.labels);
        let min_ready = rs.spec.min_ready_seconds.unwrap_or(0);
        let (mut replicas, mut labeled, mut ready, mut available) = (0, 0, 0, 0);
        self.pods.refresh(api);
        let owned = self.pods.owned(&key.0, &uid);
        for p in owned.iter().filter_map(|o| Pod::from_object(o)) {
            if p.metadata.controller().is_none_or(|r| r.uid != uid) || !is_active(p) {
                continue;
            }
            replicas += 1;
            if template_labels.matches(&p.metadata.labels) {
                labeled += 1;
            }
            if p.is_ready() {
                ready += 1;
            }
            if is_available(p, min_ready, now) {
                available += 1;
            }
        }
        let nz = |n: i32| (n > 0).then_some(n);
        let status = ReplicaSetStatus {
            replicas,
            fully_labeled_replicas: nz(labeled),
            ready_replicas: nz(ready),
            available_replicas: nz(available),
            terminating_replicas: None,
            observed_generation: rs.metadata.generation,
            conditions: rs
                .status
                .as_ref()
                .map(|s| s.conditions.clone())
                .unwrap_or_default(),
        };
        if rs.status.as_ref() != Some(&status) {
            let mut updated = rs;
            updated.status = Some(status);
            let _ = api.update_status(&Actor::new("replicaset-controller"), updated);
        }
    }
}

/// Keys of ReplicaSets that own any of these pods (used by the deployment controller too).
pub fn owners_of(pods: &[Pod], kind: &str) -> BTreeSet<Key> {
    pods.iter()
        .filter_map(|p| {
            let r = p.metadata.controller()?;
            (r.kind == kind).then(|| (p.metadata.namespace.clone(), r.name.clone()))
        })
        .collect()
}
