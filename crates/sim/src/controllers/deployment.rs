//! DeploymentController (`syncDeployment`): owns ReplicaSets named `<deployment>-<pod-template-hash>`,
//! rolls out template changes with RollingUpdate (maxSurge/maxUnavailable) or Recreate, keeps
//! revisions and `revisionHistoryLimit`, and reports the Available and Progressing conditions.

use crate::api::deployment::DeploymentStatus;
use crate::api::{Condition, Deployment, Kind, Object, Pod, ReplicaSet};
use crate::apiserver::{Actor, ApiServer, DeleteOptions, StatusReason};
use crate::events;

use super::replica_set::{controller_ref, is_active};
use super::{Key, changed_keys, compute_hash};

pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
const HASH_LABEL: &str = "pod-template-hash";

#[derive(Clone, Debug, Default)]
pub struct DeploymentController {
    cursor: u64,
}

fn actor() -> Actor {
    Actor::new("deployment-controller")
}

/// `deploymentutil.ResolveFenceposts`: (maxSurge, maxUnavailable) in pods.
pub fn fenceposts(d: &Deployment) -> (i64, i64) {
    let replicas = d.replicas();
    let ru = d
        .spec
        .strategy
        .as_ref()
        .filter(|s| s.type_.as_deref() != Some("Recreate"))
        .and_then(|s| s.rolling_update.clone());
    let Some(ru) = ru else { return (0, 0) };
    let surge = ru
        .max_surge
        .as_ref()
        .and_then(|v| v.scaled_value(replicas, true))
        .unwrap_or(0);
    let mut unavailable = ru
        .max_unavailable
        .as_ref()
        .and_then(|v| v.scaled_value(replicas, false))
        .unwrap_or(0);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    // Beyond the replica count they change nothing; clamping keeps the arithmetic small.
    let cap = i64::from(replicas.max(1));
    (
        i64::from(surge).clamp(0, cap),
        i64::from(unavailable).clamp(0, cap),
    )
}

fn template_without_hash(rs: &ReplicaSet) -> crate::api::deployment::PodTemplateSpec {
    let mut t = rs.spec.template.clone();
    t.metadata.labels.remove(HASH_LABEL);
    t
}

fn revision(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotations
        .get(REVISION_ANNOTATION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn spec_replicas(rs: &ReplicaSet) -> i64 {
    i64::from(rs.spec.replicas.unwrap_or(0))
}

fn available(rs: &ReplicaSet) -> i64 {
    i64::from(
        rs.status
            .as_ref()
            .and_then(|s| s.available_replicas)
            .unwrap_or(0),
    )
}

impl DeploymentController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        let keys = changed_keys(api, &mut self.cursor, Kind::Deployment, "Deployment");
        for key in keys {
            sync_deployment(api, &key);
        }
    }
}

fn owned_replica_sets(api: &ApiServer, d: &Deployment) -> Vec<ReplicaSet> {
    let mut v: Vec<ReplicaSet> = api
        .iter_as::<ReplicaSet>(Some(&d.metadata.namespace))
        .filter(|rs| {
            rs.metadata
                .controller()
                .is_some_and(|r| r.uid == d.metadata.uid)
        })
        .cloned()
        .collect();
    v.sort_by(|a, b| {
        a.metadata
            .creation_timestamp
            .cmp(&b.metadata.creation_timestamp)
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    v
}

fn scale(api: &mut ApiServer, d: &Deployment, rs: &ReplicaSet, to: i64) -> bool {
    let to = to.clamp(0, i64::from(i32::MAX));
    let from = spec_replicas(rs);
    if from == to {
        return false;
    }
    let (surge, _) = fenceposts(d);
    let mut updated = rs.clone();
    updated.spec.replicas = Some(to as i32);
    updated
        .metadata
        .annotations
        .insert(DESIRED_REPLICAS_ANNOTATION.into(), d.replicas().to_string());
    updated.metadata.annotations.insert(
        MAX_REPLICAS_ANNOTATION.into(),
        (i64::from(d.replicas()) + surge).to_string(),
    );
    if api.update(&actor(), updated).is_err() {
        return false;
    }
    let direction = if to > from { "up" } else { "down" };
    events::record(
        api,
        &actor(),
        &Object::Deployment(d.clone()),
        "",
        events::NORMAL,
        "ScalingReplicaSet",
        &format!(
            "Scaled {direction} replica set {} from {from} to {to}",
            rs.metadata.name
        ),
    );
    true
}

// Simplification: no progressDeadlineSeconds, proportional scaling of several ReplicaSets, rollback
// or adoption of orphaned ReplicaSets yet; a paused Deployment only stops rolling out.
fn sync_deployment(api: &mut ApiServer, key: &Key) {
    let Ok(mut d) = api.get_as::<Deployment>(&key.0, &key.1) else {
        return;
    };
    if d.metadata.deletion_timestamp.is_some() {
        return;
    }
    let mut rss = owned_replica_sets(api, &d);
    let new_index = rss
        .iter()
        .position(|rs| template_without_hash(rs) == d.spec.template);
    let paused = d.spec.paused == Some(true);
    let mut created_new = None;
    let replicas = i64::from(d.replicas());
    let (surge, max_unavailable) = fenceposts(&d);
    let recreate = d
        .spec
        .strategy
        .as_ref()
        .is_some_and(|s| s.type_.as_deref() == Some("Recreate"));

    let new_index = match new_index {
        Some(i) => Some(i),
        None if paused => None,
        None => {
            let max_revision = rss.iter().map(revision).max().unwrap_or(0);
            let current: i64 = rss.iter().map(spec_replicas).sum();
            let initial = if recreate || current >= replicas + surge {
                0
            } else {
                (replicas + surge - current).min(replicas)
            };
            let mut collision = d.status.as_ref().and_then(|s| s.collision_count);
            let mut made = None;
            for _ in 0..5 {
                let hash = compute_hash(&d.spec.template, collision);
                let mut template = d.spec.template.clone();
                template
                    .metadata
                    .labels
                    .insert(HASH_LABEL.into(), hash.clone());
                let mut selector = d.spec.selector.clone().unwrap_or_default();
                selector
                    .match_labels
                    .insert(HASH_LABEL.into(), hash.clone());
                let mut meta =
                    crate::api::ObjectMeta::named(&key.0, &format!("{}-{hash}", d.metadata.name));
                meta.labels = template.metadata.labels.clone();
                meta.annotations = d.metadata.annotations.clone();
                meta.annotations
                    .remove("kubectl.kubernetes.io/last-applied-configuration");
                meta.annotations
                    .insert(REVISION_ANNOTATION.into(), (max_revision + 1).to_string());
                meta.annotations
                    .insert(DESIRED_REPLICAS_ANNOTATION.into(), replicas.to_string());
                meta.annotations.insert(
                    MAX_REPLICAS_ANNOTATION.into(),
                    (replicas + surge).to_string(),
                );
                meta.owner_references = vec![controller_ref(
                    "Deployment",
                    "apps/v1",
                    &Object::Deployment(d.clone()),
                )];
                let rs = ReplicaSet {
                    metadata: meta,
                    spec: crate::api::replica_set::ReplicaSetSpec {
                        replicas: Some(initial as i32),
                        min_ready_seconds: d.spec.min_ready_seconds,
                        selector: Some(selector),
                        template,
                    },
                    status: None,
                };
                match api.create_as(&actor(), rs) {
                    Ok(rs) => {
                        made = Some(rs);
                        break;
                    }
                    Err(e) if e.reason == StatusReason::AlreadyExists => {
                        collision = Some(collision.unwrap_or(0) + 1);
                    }
                    Err(_) => break,
                }
            }
            let Some(rs) = made else { return };
            if initial > 0 {
                events::record(
                    api,
                    &actor(),
                    &Object::Deployment(d.clone()),
                    "",
                    events::NORMAL,
                    "ScalingReplicaSet",
                    &format!(
                        "Scaled up replica set {} from 0 to {initial}",
                        rs.metadata.name
                    ),
                );
            }
            if collision != d.status.as_ref().and_then(|s| s.collision_count) {
                let mut with_count = d.clone();
                with_count
                    .status
                    .get_or_insert_with(Default::default)
                    .collision_count = collision;
                if let Ok(Object::Deployment(u)) = api.update_status(&actor(), with_count) {
                    d = u;
                }
            }
            created_new = Some(rs.metadata.name.clone());
            rss.push(rs);
            Some(rss.len() - 1)
        }
    };

    // The deployment carries the revision of its newest ReplicaSet.
    if let Some(i) = new_index {
        let rev = revision(&rss[i]).to_string();
        if d.metadata.annotations.get(REVISION_ANNOTATION) != Some(&rev) {
            let mut annotated = d.clone();
            annotated
                .metadata
                .annotations
                .insert(REVISION_ANNOTATION.into(), rev);
            if let Ok(Object::Deployment(u)) = api.update(&actor(), annotated) {
                d = u;
            }
        }
    }

    if !paused && let Some(ni) = new_index {
        let new_rs = rss[ni].clone();
        let olds: Vec<ReplicaSet> = rss
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != ni)
            .map(|(_, rs)| rs.clone())
            .collect();
        if recreate {
            let mut old_running = false;
            for rs in &olds {
                scale(api, &d, rs, 0);
                let uid = &rs.metadata.uid;
                if api.iter_as::<Pod>(Some(&key.0)).any(|p| {
                    p.metadata.controller().is_some_and(|r| &r.uid == uid) && !p.is_terminal()
                }) {
                    old_running = true;
                }
            }
            if !old_running {
                scale(api, &d, &new_rs, replicas);
            }
        } else {
            // reconcileNewReplicaSet.
            let new_replicas = spec_replicas(&new_rs);
            let all: i64 = rss.iter().map(spec_replicas).sum();
            let target = if new_replicas > replicas {
                replicas
            } else if all >= replicas + surge {
                new_replicas
            } else {
                new_replicas + (replicas + surge - all).min(replicas - new_replicas)
            };
            scale(api, &d, &new_rs, target);
            // reconcileOldReplicaSets.
            let new_rs = api
                .get_as::<ReplicaSet>(&key.0, &new_rs.metadata.name)
                .unwrap_or(new_rs);
            let all: i64 = spec_replicas(&new_rs) + olds.iter().map(spec_replicas).sum::<i64>();
            let min_available = replicas - max_unavailable;
            let new_unavailable = spec_replicas(&new_rs) - available(&new_rs);
            let mut max_scaled_down = all - min_available - new_unavailable;
            // Old replicas that are not available can go first.
            for rs in &olds {
                if max_scaled_down <= 0 {
                    break;
                }
                let unhealthy = spec_replicas(rs) - available(rs);
                if unhealthy <= 0 {
                    continue;
                }
                let down = unhealthy.min(max_scaled_down);
                if scale(api, &d, rs, spec_replicas(rs) - down) {
                    max_scaled_down -= down;
                }
            }
            let olds: Vec<ReplicaSet> = olds
                .iter()
                .filter_map(|rs| api.get_as::<ReplicaSet>(&key.0, &rs.metadata.name).ok())
                .collect();
            let available_all: i64 = available(&new_rs) + olds.iter().map(available).sum::<i64>();
            let mut total_down = available_all - min_available;
            for rs in &olds {
                if total_down <= 0 {
                    break;
                }
                let r = spec_replicas(rs);
                if r == 0 {
                    continue;
                }
                let down = r.min(total_down);
                if scale(api, &d, rs, r - down) {
                    total_down -= down;
                }
            }
        }
    }

    cleanup(api, &d, new_index.map(|i| rss[i].metadata.name.clone()));
    update_status(api, key, created_new);
}

/// Deletes old, empty ReplicaSets beyond `revisionHistoryLimit` (oldest first).
fn cleanup(api: &mut ApiServer, d: &Deployment, new_name: Option<String>) {
    let limit = d.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    let mut olds: Vec<ReplicaSet> = owned_replica_sets(api, d)
        .into_iter()
        .filter(|rs| Some(&rs.metadata.name) != new_name.as_ref())
        .collect();
    olds.sort_by_key(revision);
    if olds.len() <= limit {
        return;
    }
    let excess = olds.len() - limit;
    for rs in olds.iter().take(excess) {
        let empty = spec_replicas(rs) == 0
            && rs.status.as_ref().is_none_or(|s| s.replicas == 0)
            && rs.metadata.deletion_timestamp.is_none();
        if empty {
            let _ = api.delete(
                &actor(),
                Kind::ReplicaSet,
                &rs.metadata.namespace,
                &rs.metadata.name,
                &DeleteOptions::default(),
            );
        }
    }
}

fn set_condition(
    conditions: &mut Vec<Condition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) {
    if let Some(c) = conditions.iter_mut().find(|c| c.type_ == type_) {
        if c.status == status
            && c.reason.as_deref() == Some(reason)
            && c.message.as_deref() == Some(message)
        {
            return;
        }
        if c.status != status {
            c.last_transition_time = Some(now.into());
        }
        c.status = status.into();
        c.reason = Some(reason.into());
        c.message = Some(message.into());
        c.last_update_time = Some(now.into());
        return;
    }
    conditions.push(Condition {
        type_: type_.into(),
        status: status.into(),
        last_update_time: Some(now.into()),
        last_transition_time: Some(now.into()),
        reason: Some(reason.into()),
        message: Some(message.into()),
        ..Default::default()
    });
}

fn update_status(api: &mut ApiServer, key: &Key, created_new: Option<String>) {
    let Ok(d) = api.get_as::<Deployment>(&key.0, &key.1) else {
        return;
    };
    let rss = owned_replica_sets(api, &d);
    let new_rs = rss
        .iter()
        .find(|rs| template_without_hash(rs) == d.spec.template);
    let status_of = |rs: &ReplicaSet| rs.status.clone().unwrap_or_default();
    let actual: i64 = rss.iter().map(|rs| i64::from(status_of(rs).replicas)).sum();
    let updated = new_rs.map_or(0, |rs| i64::from(status_of(rs).replicas));
    let ready: i64 = rss
        .iter()
        .map(|rs| i64::from(status_of(rs).ready_replicas.unwrap_or(0)))
        .sum();
    let avail: i64 = rss.iter().map(available).sum();
    let total: i64 = rss.iter().map(spec_replicas).sum();
    let replicas = i64::from(d.replicas());
    let (_, max_unavailable) = fenceposts(&d);
    let now = api.now().rfc3339();
    let old = d.status.clone().unwrap_or_default();
    let mut conditions = old.conditions.clone();
    if avail >= replicas - max_unavailable {
        set_condition(
            &mut conditions,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            &now,
        );
    } else {
        set_condition(
            &mut conditions,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            &now,
        );
    }
    if let Some(rs) = new_rs {
        let name = &rs.metadata.name;
        let complete = updated == replicas && avail == replicas && actual == replicas;
        if let Some(created) = &created_new {
            set_condition(
                &mut conditions,
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                &format!("Created new replica set \"{created}\""),
                &now,
            );
        } else if complete {
            set_condition(
                &mut conditions,
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                &format!("ReplicaSet \"{name}\" has successfully progressed."),
                &now,
            );
        } else if d.spec.paused != Some(true) {
            set_condition(
                &mut conditions,
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                &format!("ReplicaSet \"{name}\" is progressing."),
                &now,
            );
        }
    }
    let nz = |n: i64| (n > 0).then(|| n.min(i64::from(i32::MAX)) as i32);
    let status = DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: nz(actual),
        updated_replicas: nz(updated),
        ready_replicas: nz(ready),
        available_replicas: nz(avail),
        unavailable_replicas: nz((total - avail).max(0)),
        terminating_replicas: None,
        conditions,
        collision_count: old.collision_count,
    };
    if d.status.as_ref() != Some(&status) {
        let mut u = d;
        u.status = Some(status);
        let _ = api.update_status(&actor(), u);
    }
    let _ = is_active;
}
