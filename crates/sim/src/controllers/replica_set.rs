//! ReplicaSetController (`syncReplicaSet`): creates and deletes pods to match `spec.replicas`,
//! adopts and releases pods by selector, chooses victims in the upstream order, writes status.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::api::{
    Kind, Object, OwnerReference, Pod, ReplicaSet, Resource, Str, replica_set::ReplicaSetStatus,
};
use crate::apiserver::{Actor, ApiServer, DeleteOptions};
use crate::events;
use crate::labels::Selector;
use crate::scheduler::cache::FxBuild;

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
    /// namespace → controller uid (`""`: pods without a controller) → its pods.
    groups: BTreeMap<String, BTreeMap<Arc<str>, Group>>,
    /// namespace → pod → the controller uid it is indexed under (`""`: an orphan). Hashed: only
    /// looked up, never walked.
    of_pod: HashMap<String, HashMap<String, Arc<str>, FxBuild>, FxBuild>,
}

/// One controller's pods, and the counts a sync needs, kept as pods change.
#[derive(Clone, Debug, Default)]
struct Group {
    /// Hashed: looked up on every pod write; the walks that reach output sort what they find.
    pods: HashMap<String, Arc<Object>, FxBuild>,
    stats: Option<Box<Stats>>,
}

/// What a ReplicaSet sync reads from its pods, for one selector and template: counted as pods
/// come, change and go instead of by walking every pod at every sync.
#[derive(Clone, Debug)]
struct Stats {
    selector: Selector,
    template: Selector,
    /// Pods the selector no longer matches (to release), by name.
    unmatched: BTreeSet<String>,
    /// Active pods the selector matches.
    matching_active: i64,
    /// Active pods; of those, labeled as the template, and ready.
    active: i64,
    labeled: i64,
    ready: i64,
}

impl Stats {
    fn new(
        selector: Selector,
        template: Selector,
        pods: &HashMap<String, Arc<Object>, FxBuild>,
    ) -> Self {
        let mut s = Stats {
            selector,
            template,
            unmatched: BTreeSet::new(),
            matching_active: 0,
            active: 0,
            labeled: 0,
            ready: 0,
        };
        for (name, obj) in pods {
            s.apply(name, obj, 1);
        }
        s
    }

    /// Counts a pod in (`sign` 1) or out (-1).
    fn apply(&mut self, name: &str, obj: &Object, sign: i64) {
        let Some(p) = Pod::from_object(obj) else {
            return;
        };
        let matches = self.selector.matches(&p.metadata.labels);
        let active = is_active(p);
        if !matches {
            if sign > 0 {
                self.unmatched.insert(name.to_string());
            } else {
                self.unmatched.remove(name);
            }
        }
        if active {
            if matches {
                self.matching_active += sign;
            }
            self.active += sign;
            if self.template.matches(&p.metadata.labels) {
                self.labeled += sign;
            }
            if p.is_ready() {
                self.ready += sign;
            }
        }
    }
}

impl Group {
    fn insert(&mut self, name: &str, obj: Arc<Object>) {
        match self.pods.get_mut(name) {
            Some(slot) => {
                if let Some(stats) = &mut self.stats {
                    stats.apply(name, slot, -1);
                }
                *slot = Arc::clone(&obj);
            }
            None => {
                self.pods.insert(name.to_string(), Arc::clone(&obj));
            }
        }
        if let Some(stats) = &mut self.stats {
            stats.apply(name, &obj, 1);
        }
    }

    fn remove(&mut self, name: &str) {
        if let Some(old) = self.pods.remove(name)
            && let Some(stats) = &mut self.stats
        {
            stats.apply(name, &old, -1);
        }
    }

    /// The counts for this selector and template (computed once, then kept).
    fn stats(&mut self, selector: &Selector, template: &Selector) -> &Stats {
        let fresh = self
            .stats
            .as_ref()
            .is_some_and(|s| s.selector == *selector && s.template == *template);
        if !fresh {
            self.stats = None;
        }
        let pods = &self.pods;
        self.stats
            .get_or_insert_with(|| Box::new(Stats::new(selector.clone(), template.clone(), pods)))
    }
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
                        let latest =
                            (e.type_ != crate::apiserver::EventType::Deleted).then_some(&e.object);
                        self.set(&p.metadata.namespace, &p.metadata.name, latest);
                    }
                }
            }
            None => {
                // First sync or a compacted log: relist.
                self.groups.clear();
                self.of_pod.clear();
                for o in api.iter(Kind::Pod, None) {
                    let m = o.metadata();
                    if let Some(obj) = api.get_arc(Kind::Pod, &m.namespace, &m.name) {
                        self.set(&m.namespace, &m.name, Some(&obj));
                    }
                }
                self.primed = true;
            }
        }
        self.cursor = api.resource_version();
    }

    /// Indexes the latest version of a pod under its controller (`None`: deleted).
    fn set(&mut self, namespace: &str, name: &str, latest: Option<&Arc<Object>>) {
        let new_owner = latest.map(|o| o.metadata().controller().map_or("", |r| r.uid.as_str()));
        let old_owner = self
            .of_pod
            .get(namespace)
            .and_then(|m| m.get(name))
            .cloned();
        if let (Some(old), Some(new), Some(obj)) = (&old_owner, new_owner, latest)
            && **old == *new
        {
            // Same controller: the new version takes the old one's place.
            if let Some(g) = self
                .groups
                .get_mut(namespace)
                .and_then(|gs| gs.get_mut(old.as_ref()))
            {
                g.insert(name, Arc::clone(obj));
            }
            return;
        }
        if let Some(old) = old_owner {
            if let Some(gs) = self.groups.get_mut(namespace)
                && let Some(g) = gs.get_mut(old.as_ref())
            {
                g.remove(name);
                if g.pods.is_empty() {
                    gs.remove(old.as_ref());
                }
            }
            if let Some(m) = self.of_pod.get_mut(namespace) {
                m.remove(name);
            }
        }
        let (Some(obj), Some(owner)) = (latest, new_owner) else {
            return;
        };
        if !self.groups.contains_key(namespace) {
            self.groups.insert(namespace.to_string(), BTreeMap::new());
        }
        let Some(gs) = self.groups.get_mut(namespace) else {
            return;
        };
        let uid: Arc<str> = match gs.get_key_value(owner) {
            Some((k, _)) => Arc::clone(k),
            None => {
                let k: Arc<str> = owner.into();
                gs.insert(Arc::clone(&k), Group::default());
                k
            }
        };
        if let Some(g) = gs.get_mut(owner) {
            g.insert(name, Arc::clone(obj));
        }
        match self.of_pod.get_mut(namespace) {
            Some(m) => {
                m.insert(name.to_string(), uid);
            }
            None => {
                self.of_pod.insert(
                    namespace.to_string(),
                    HashMap::from_iter([(name.to_string(), uid)]),
                );
            }
        }
    }

    /// A controller's pods (`uid` `""`: the namespace's pods without a controller).
    fn group(&self, namespace: &str, uid: &str) -> Option<&Group> {
        self.groups.get(namespace)?.get(uid)
    }

    fn group_mut(&mut self, namespace: &str, uid: &str) -> Option<&mut Group> {
        self.groups.get_mut(namespace)?.get_mut(uid)
    }
}

/// The controller reference a controller puts on what it creates.
pub fn controller_ref(kind: &str, api_version: &str, obj: &Object) -> OwnerReference {
    let m = obj.metadata();
    OwnerReference {
        api_version: Str::new(api_version),
        kind: Str::new(kind),
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
        std::cmp::Reverse(
            p.metadata
                .creation_timestamp
                .clone()
                .unwrap_or_default()
                .to_string(),
        ),
        std::cmp::Reverse(p.metadata.name.to_string()),
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
        let Some(rs_obj) = api.get_arc(Kind::ReplicaSet, &key.0, &key.1) else {
            return;
        };
        let Some(rs) = ReplicaSet::from_object(&rs_obj) else {
            return;
        };
        if rs.metadata.deletion_timestamp.is_some() {
            return;
        }
        let actor = Actor::new("replicaset-controller");
        let Ok(selector) = Selector::from_label_selector(rs.spec.selector.as_ref()) else {
            return;
        };
        let template = Selector::from_map(&rs.spec.template.metadata.labels);
        let uid = rs.metadata.uid.as_str();
        self.pods.refresh(api);
        // Adopt orphans that match; release owned pods that no longer match. Only those pods are
        // copied: the rest are counted as they change (the informer cache).
        let (release, active_owned) = match self.pods.group_mut(&key.0, uid) {
            Some(g) => {
                let stats = g.stats(&selector, &template);
                (
                    stats.unmatched.iter().cloned().collect::<Vec<_>>(),
                    stats.matching_active.max(0) as usize,
                )
            }
            None => (Vec::new(), 0),
        };
        let mut adopt: Vec<String> = self
            .pods
            .group(&key.0, "")
            .map(|g| {
                g.pods
                    .iter()
                    .filter_map(|(name, o)| {
                        let p = Pod::from_object(o)?;
                        (selector.matches(&p.metadata.labels) && is_active(p)).then(|| name.clone())
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Adopted in name order, whatever the hash order.
        adopt.sort();
        let mut adopted: Vec<(RankKey, String)> = Vec::new();
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
                    adopted.push((victim_rank(pod), pod.metadata.name.to_string()));
                }
            }
        }
        let want = rs.replicas().max(0) as usize;
        let active_len = active_owned + adopted.len();
        if active_len < want {
            // `BurstReplicas`: at most 500 creations per sync; the next sync does the rest.
            let owner: crate::api::shared::OwnerRefs =
                vec![controller_ref("ReplicaSet", "apps/v1", &rs_obj)].into();
            // Shared by every pod of this sync: clones are reference counts.
            let generate_name = Str::format(format_args!("{}-", rs.metadata.name));
            for _ in 0..(want - active_len).min(BURST_REPLICAS) {
                let mut meta = rs.spec.template.metadata.clone();
                meta.name.clear();
                meta.namespace = rs.metadata.namespace.clone();
                meta.generate_name = generate_name.clone();
                meta.owner_references = owner.clone();
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
            if let Some(g) = self.pods.group(&key.0, uid) {
                for p in g.pods.values().filter_map(|o| Pod::from_object(o)) {
                    let owned = p.metadata.controller().is_some_and(|r| r.uid == uid);
                    if owned
                        && selector.matches(&p.metadata.labels)
                        && is_active(p)
                        && !adopted_names.contains(p.metadata.name.as_str())
                    {
                        victims.push((victim_rank(p), p.metadata.name.to_string()));
                    }
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

    fn update_status(&mut self, api: &mut ApiServer, key: &Key, selector: &Selector) {
        let Some(rs_obj) = api.get_arc(Kind::ReplicaSet, &key.0, &key.1) else {
            return;
        };
        let Some(rs) = ReplicaSet::from_object(&rs_obj) else {
            return;
        };
        let now = api.now();
        let uid = rs.metadata.uid.as_str();
        let template_labels = Selector::from_map(&rs.spec.template.metadata.labels);
        let min_ready = rs.spec.min_ready_seconds.unwrap_or(0);
        self.pods.refresh(api);
        let (replicas, labeled, ready, available) = match self.pods.group_mut(&key.0, uid) {
            None => (0, 0, 0, 0),
            Some(g) => {
                let s = g.stats(selector, &template_labels);
                let (replicas, labeled, ready) = (s.active, s.labeled, s.ready);
                let available = if min_ready <= 0 {
                    // Available is Ready when no minimum ready time applies.
                    ready
                } else {
                    g.pods
                        .values()
                        .filter_map(|o| Pod::from_object(o))
                        .filter(|p| is_active(p) && is_available(p, min_ready, now))
                        .count() as i64
                };
                (replicas, labeled, ready, available)
            }
        };
        let count = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        let nz = |n: i64| (n > 0).then(|| count(n));
        let status = ReplicaSetStatus {
            replicas: count(replicas),
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
            let mut updated = rs.clone();
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
            (r.kind == kind).then(|| (p.metadata.namespace.to_string(), r.name.to_string()))
        })
        .collect()
}
