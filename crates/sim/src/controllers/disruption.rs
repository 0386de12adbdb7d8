//! DisruptionController: keeps every PodDisruptionBudget's status — how many of its pods are
//! healthy, how many must be, and so how many disruptions (evictions) are allowed now.

use crate::api::Str;
use std::collections::{BTreeMap, BTreeSet};

use crate::api::pod_disruption_budget::{DISRUPTION_ALLOWED, PodDisruptionBudgetStatus};
use crate::api::{
    Condition, Deployment, IntOrString, Kind, Object, Pod, PodDisruptionBudget, ReplicaSet,
};
use crate::apiserver::{Actor, ApiServer};
use crate::clock::{Duration, Time};
use crate::events;

/// How long an evicted pod is kept out of the healthy count while its deletion is expected
/// (`DeletionTimeout`).
pub const DELETION_TIMEOUT: Duration = Duration::seconds(120);

fn actor() -> Actor {
    Actor::new("disruption-controller")
}

#[derive(Clone, Debug, Default)]
pub struct DisruptionController {
    cursor: u64,
    /// When an evicted pod's place in `disruptedPods` expires and the budget must be recomputed.
    recheck: BTreeMap<(String, String), Time>,
}

impl DisruptionController {
    /// The next moment a budget's disrupted pods time out.
    pub fn next_due(&self) -> Option<Time> {
        self.recheck.values().min().copied()
    }

    // Simplification: a change to any pod, budget, ReplicaSet or Deployment of a namespace
    // recomputes every budget of that namespace (upstream maps each pod to its budget).
    pub fn sync(&mut self, api: &mut ApiServer) {
        if api.count(Kind::PodDisruptionBudget) == 0 {
            self.cursor = api.resource_version();
            self.recheck.clear();
            return;
        }
        let mut dirty: BTreeSet<(String, String)> = BTreeSet::new();
        let budgets: Vec<(String, String)> = api
            .iter_as::<PodDisruptionBudget>(None)
            .map(|b| {
                (
                    b.metadata.namespace.to_string(),
                    b.metadata.name.to_string(),
                )
            })
            .collect();
        match api.watch(self.cursor) {
            Ok(events) => {
                let namespaces: BTreeSet<&str> = events
                    .filter(|e| {
                        matches!(
                            e.object.kind(),
                            Kind::Pod
                                | Kind::PodDisruptionBudget
                                | Kind::ReplicaSet
                                | Kind::Deployment
                        )
                    })
                    .map(|e| e.object.metadata().namespace.as_str())
                    .collect();
                dirty.extend(
                    budgets
                        .iter()
                        .filter(|(ns, _)| namespaces.contains(ns.as_str()))
                        .cloned(),
                );
            }
            Err(_) => dirty.extend(budgets.iter().cloned()),
        }
        let now = api.now();
        let due: Vec<(String, String)> = self
            .recheck
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            self.recheck.remove(&key);
            dirty.insert(key);
        }
        for key in dirty {
            self.sync_budget(api, &key);
        }
        self.cursor = api.resource_version();
    }

    fn sync_budget(&mut self, api: &mut ApiServer, key: &(String, String)) {
        let Ok(pdb) = api.get_as::<PodDisruptionBudget>(&key.0, &key.1) else {
            self.recheck.remove(key);
            return;
        };
        let pods: Vec<Pod> = match pdb.pod_selector() {
            Some(sel) => api
                .iter_as::<Pod>(Some(&key.0))
                .filter(|p| sel.matches(&p.metadata.labels))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let obj = Object::from(pdb.clone());
        // The controller records its events as "controllermanager", as upstream does.
        let recorder = Actor::new("controllermanager");
        if pods.is_empty() {
            events::record(
                api,
                &recorder,
                &obj,
                "",
                events::NORMAL,
                "NoPods",
                "No matching pods found",
            );
        }
        let expected = expected_pod_count(api, &pdb, &pods);
        let (expected_count, desired_healthy, unmanaged) = match expected {
            Ok(v) => v,
            Err(e) => {
                events::record(
                    api,
                    &recorder,
                    &obj,
                    "",
                    events::WARNING,
                    "CalculateExpectedPodCountFailed",
                    &format!("Failed to calculate the number of expected pods: {e}"),
                );
                self.fail_safe(api, pdb, &e);
                return;
            }
        };
        if unmanaged {
            let selector = pdb
                .pod_selector()
                .map(|s| s.to_string())
                .unwrap_or_default();
            events::record(
                api,
                &recorder,
                &obj,
                "",
                events::WARNING,
                "UnmanagedPods",
                &format!(
                    "Pods selected by this PodDisruptionBudget (selector: {selector}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value."
                ),
            );
        }
        let now = api.now();
        let old = pdb.status();
        // `buildDisruptedPodMap`: evicted pods stay out of the count until they are being
        // deleted (or gone), or the deletion timeout passes.
        let mut disrupted = BTreeMap::new();
        let mut recheck: Option<Time> = None;
        for (name, at) in &old.disrupted_pods {
            let Some(pod) = pods.iter().find(|p| &p.metadata.name == name) else {
                continue;
            };
            if pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let Some(expires) = Time::parse_rfc3339(at).map(|t| t.plus(DELETION_TIMEOUT)) else {
                continue;
            };
            if expires <= now {
                continue;
            }
            disrupted.insert(name.clone(), at.clone());
            recheck = Some(recheck.map_or(expires, |r: Time| r.min(expires)));
        }
        match recheck {
            Some(t) => self.recheck.insert(key.clone(), t),
            None => self.recheck.remove(key),
        };
        let current_healthy = pods
            .iter()
            .filter(|p| {
                p.metadata.deletion_timestamp.is_none()
                    && !disrupted.contains_key(p.metadata.name.as_str())
                    && p.is_ready()
            })
            .count() as i32;
        let allowed = if expected_count <= 0 {
            0
        } else {
            (current_healthy - desired_healthy).max(0)
        };
        let generation = pdb.metadata.generation;
        let mut status = PodDisruptionBudgetStatus {
            observed_generation: generation,
            disrupted_pods: disrupted,
            disruptions_allowed: allowed,
            current_healthy,
            desired_healthy,
            expected_pods: expected_count,
            conditions: old.conditions.clone(),
        };
        set_disruption_allowed(&mut status, now);
        if pdb.status.as_ref() == Some(&status) {
            return;
        }
        let mut next = pdb;
        next.status = Some(status);
        let _ = api.update_status(&actor(), next);
    }

    /// `failSafe`: no disruption is allowed while the budget cannot be computed.
    fn fail_safe(&mut self, api: &mut ApiServer, mut pdb: PodDisruptionBudget, err: &str) {
        let now = api.now();
        let mut status = pdb.status();
        status.disruptions_allowed = 0;
        let generation = status.observed_generation;
        set_condition(
            &mut status.conditions,
            "False",
            "SyncFailed",
            err,
            generation,
            now,
        );
        if pdb.status.as_ref() == Some(&status) {
            return;
        }
        pdb.status = Some(status);
        let _ = api.update_status(&actor(), pdb);
    }
}

/// `UpdateDisruptionAllowedCondition`.
pub(crate) fn set_disruption_allowed(status: &mut PodDisruptionBudgetStatus, now: Time) {
    let generation = status.observed_generation;
    if status.disruptions_allowed > 0 {
        set_condition(
            &mut status.conditions,
            "True",
            "SufficientPods",
            "",
            generation,
            now,
        );
    } else {
        set_condition(
            &mut status.conditions,
            "False",
            "InsufficientPods",
            "",
            generation,
            now,
        );
    }
}

/// `meta.SetStatusCondition` for the DisruptionAllowed condition: the transition time moves
/// only when the status does.
fn set_condition(
    conditions: &mut Vec<Condition>,
    status: &str,
    reason: &str,
    message: &str,
    generation: Option<i64>,
    now: Time,
) {
    let fresh = Condition {
        type_: DISRUPTION_ALLOWED.into(),
        status: Str::new(status),
        last_transition_time: Some(now.rfc3339().into()),
        reason: Some(Str::new(reason)),
        message: Some(Str::new(message)),
        observed_generation: generation,
        ..Default::default()
    };
    match conditions
        .iter_mut()
        .find(|c| c.type_ == DISRUPTION_ALLOWED)
    {
        Some(c) => {
            if c.status != fresh.status {
                c.status = fresh.status;
                c.last_transition_time = fresh.last_transition_time;
            }
            c.reason = fresh.reason;
            c.message = fresh.message;
            c.observed_generation = fresh.observed_generation;
        }
        None => conditions.push(fresh),
    }
}

/// `getExpectedPodCount`: the pods expected and how many must be healthy, and whether some
/// pods have no controller. A percentage or `maxUnavailable` needs every pod's controller scale.
fn expected_pod_count(
    api: &ApiServer,
    pdb: &PodDisruptionBudget,
    pods: &[Pod],
) -> Result<(i32, i32, bool), String> {
    let spec = &pdb.spec;
    if let Some(max) = &spec.max_unavailable {
        let (expected, unmanaged) = expected_scale(api, pods)?;
        let max = max
            .scaled_value(expected, true)
            .ok_or_else(|| format!("invalid value for IntOrString: invalid value {max:?}"))?;
        return Ok((expected, (expected - max).max(0), unmanaged));
    }
    match &spec.min_available {
        Some(IntOrString::Int(n)) => Ok((pods.len() as i32, *n, false)),
        Some(min) => {
            let (expected, unmanaged) = expected_scale(api, pods)?;
            let min = min
                .scaled_value(expected, true)
                .ok_or_else(|| format!("invalid value for IntOrString: invalid value {min:?}"))?;
            Ok((expected, min, unmanaged))
        }
        None => Ok((0, 0, false)),
    }
}

/// `getExpectedScale`: the sum of the replicas of the pods' controllers (a ReplicaSet, or the
/// Deployment owning it), each counted once.
// Simplification: only the finders for the kinds Timonel runs (Deployment, ReplicaSet; a
// DaemonSet has no scale subresource); upstream also asks StatefulSets, ReplicationControllers
// and any custom resource's /scale.
fn expected_scale(api: &ApiServer, pods: &[Pod]) -> Result<(i32, bool), String> {
    let mut scales: BTreeMap<String, i32> = BTreeMap::new();
    let mut unmanaged = false;
    for pod in pods {
        let Some(r) = pod.metadata.controller() else {
            unmanaged = true;
            continue;
        };
        if scales.contains_key(r.uid.as_str()) {
            continue;
        }
        let ns = &pod.metadata.namespace;
        let found = match r.kind.as_str() {
            "ReplicaSet" => api
                .get_as::<ReplicaSet>(ns, &r.name)
                .ok()
                .filter(|rs| rs.metadata.uid == r.uid)
                .and_then(|rs| match rs.metadata.controller() {
                    Some(d) if d.kind == "Deployment" => api
                        .get_as::<Deployment>(ns, &d.name)
                        .ok()
                        .filter(|dep| dep.metadata.uid == d.uid)
                        .map(|dep| (dep.metadata.uid.to_string(), dep.replicas())),
                    _ => Some((rs.metadata.uid.to_string(), rs.spec.replicas.unwrap_or(1))),
                }),
            "DaemonSet" => {
                return Err("daemonsets.apps does not implement the scale subresource".into());
            }
            _ => None,
        };
        match found {
            Some((uid, scale)) => {
                scales.insert(uid.to_string(), scale);
            }
            None => {
                return Err(format!(
                    "found no controllers for pod {:?}",
                    pod.metadata.name
                ));
            }
        }
    }
    Ok((scales.values().sum(), unmanaged))
}
