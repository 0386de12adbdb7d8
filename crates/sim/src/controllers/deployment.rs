//! DeploymentController (`syncDeployment`): owns ReplicaSets named `<deployment>-<pod-template-hash>`,
//! rolls out template changes with RollingUpdate (maxSurge/maxUnavailable) or Recreate, pauses and
//! resumes, scales proportionally in the middle of a rollout, reuses (and renumbers) an old
//! ReplicaSet when the template returns to it, keeps revisions and `revisionHistoryLimit`, and
//! reports the Available and Progressing conditions, timing out after `progressDeadlineSeconds`.

use crate::api::Str;
use std::collections::BTreeMap;

use crate::api::deployment::DeploymentStatus;
use crate::api::{Condition, Deployment, Kind, Object, Pod, ReplicaSet};
use crate::apiserver::{Actor, ApiServer, DeleteOptions, StatusReason};
use crate::clock::{Duration, Time};
use crate::events;

use super::replica_set::controller_ref;
use super::{Key, changed_keys, compute_hash};

pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
const HASH_LABEL: &str = "pod-template-hash";
/// `maxRevHistoryLengthInChars`: the longest `revision-history` annotation kept.
const MAX_REVISION_HISTORY_CHARS: usize = 2000;

// Condition reasons (`deploymentutil`).
pub const NEW_RS_CREATED_REASON: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub const RS_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub const PAUSED_REASON: &str = "DeploymentPaused";
pub const RESUMED_REASON: &str = "DeploymentResumed";
pub const MIN_AVAILABLE_REASON: &str = "MinimumReplicasAvailable";
pub const MIN_UNAVAILABLE_REASON: &str = "MinimumReplicasUnavailable";

#[derive(Clone, Debug, Default)]
pub struct DeploymentController {
    cursor: u64,
    /// `requeueStuckDeployment`: when each rolling-out Deployment must be checked for its
    /// progress deadline.
    deadlines: BTreeMap<Key, Time>,
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

/// `deploymentutil.MaxUnavailable`.
fn max_unavailable(d: &Deployment) -> i64 {
    if d.replicas() == 0 {
        return 0;
    }
    fenceposts(d).1.min(i64::from(d.replicas()))
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

/// `HasProgressDeadline`: set and not `math.MaxInt32`.
fn progress_deadline(d: &Deployment) -> Option<Duration> {
    d.spec
        .progress_deadline_seconds
        .filter(|s| *s != i32::MAX)
        .map(|s| Duration::seconds(u64::try_from(s.max(0)).unwrap_or(0)))
}

fn progressing(d: &Deployment) -> Option<&Condition> {
    d.status
        .as_ref()?
        .conditions
        .iter()
        .find(|c| c.type_ == "Progressing")
}

impl DeploymentController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        let mut keys = changed_keys(api, &mut self.cursor, Kind::Deployment, "Deployment");
        let now = api.now();
        let due: Vec<Key> = self
            .deadlines
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for k in due {
            self.deadlines.remove(&k);
            keys.insert(k);
        }
        for key in keys {
            match sync_deployment(api, &key) {
                Some(t) if t > now => {
                    self.deadlines.insert(key, t);
                }
                _ => {
                    self.deadlines.remove(&key);
                }
            }
        }
    }

    /// When a Deployment's progress deadline must next be checked, if any.
    pub fn next_due(&self) -> Option<Time> {
        self.deadlines.values().min().copied()
    }
}

// Simplification: only ReplicaSets this Deployment controls are considered; orphaned
// ReplicaSets matching its selector are not adopted (nor owned ones released).
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

/// `SetReplicasAnnotations`: whether the desired/max annotations change.
fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i64, max: i64) -> bool {
    let mut changed = false;
    for (k, v) in [
        (DESIRED_REPLICAS_ANNOTATION, desired),
        (MAX_REPLICAS_ANNOTATION, max),
    ] {
        let v = v.to_string();
        if rs.metadata.annotations.get(k) != Some(&v) {
            rs.metadata.annotations.insert(k.into(), v);
            changed = true;
        }
    }
    changed
}

/// `scaleReplicaSet`: writes the size and the replicas annotations when either changes; records
/// `ScalingReplicaSet` when the size does. Returns the stored ReplicaSet and whether it scaled.
fn scale_replica_set(
    api: &mut ApiServer,
    d: &Deployment,
    rs: &ReplicaSet,
    to: i64,
) -> (ReplicaSet, bool) {
    let to = to.clamp(0, i64::from(i32::MAX));
    let from = spec_replicas(rs);
    let replicas = i64::from(d.replicas());
    let mut updated = rs.clone();
    updated.spec.replicas = Some(to as i32);
    let annotations = set_replicas_annotations(&mut updated, replicas, replicas + max_surge(d));
    if from == to && !annotations {
        return (rs.clone(), false);
    }
    let stored = match api.update(&actor(), updated) {
        Ok(Object::ReplicaSet(s)) => s,
        _ => return (rs.clone(), false),
    };
    if from != to {
        let direction = if to > from { "up" } else { "down" };
        events::record(
            api,
            &actor(),
            &Object::Deployment(Box::new(d.clone())),
            "",
            events::NORMAL,
            "ScalingReplicaSet",
            &format!(
                "Scaled {direction} replica set {} from {from} to {to}",
                rs.metadata.name
            ),
        );
    }
    (*stored, from != to)
}

/// `scaleReplicaSetAndRecordEvent`: only when the size changes.
fn scale(api: &mut ApiServer, d: &Deployment, rs: &ReplicaSet, to: i64) -> bool {
    if spec_replicas(rs) == to.clamp(0, i64::from(i32::MAX)) {
        return false;
    }
    scale_replica_set(api, d, rs, to).1
}

/// `MaxSurge`: zero for Recreate.
fn max_surge(d: &Deployment) -> i64 {
    fenceposts(d).0
}

/// The new ReplicaSet (the oldest whose template equals the Deployment's) and the old ones.
struct Split {
    new: Option<ReplicaSet>,
    olds: Vec<ReplicaSet>,
}

fn split(d: &Deployment, rss: Vec<ReplicaSet>) -> Split {
    let mut new = None;
    let mut olds = Vec::new();
    for rs in rss {
        if new.is_none() && template_without_hash(&rs) == d.spec.template {
            new = Some(rs);
        } else {
            olds.push(rs);
        }
    }
    Split { new, olds }
}

/// `copyDeploymentAnnotationsToReplicaSet`: the Deployment's annotations but the controller's own.
fn copy_annotations(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let mut changed = false;
    for (k, v) in &d.metadata.annotations {
        let skip = matches!(
            k.as_str(),
            "kubectl.kubernetes.io/last-applied-configuration"
                | REVISION_ANNOTATION
                | REVISION_HISTORY_ANNOTATION
                | DESIRED_REPLICAS_ANNOTATION
                | MAX_REPLICAS_ANNOTATION
                | "deprecated.deployment.rollback.to"
        );
        if skip || rs.metadata.annotations.get(k) == Some(v) {
            continue;
        }
        rs.metadata.annotations.insert(k.clone(), v.clone());
        changed = true;
    }
    changed
}

/// `SetNewReplicaSetAnnotations` for an existing new ReplicaSet: a revision below `new_revision`
/// is bumped to it and the old number appended to `revision-history` (a rollback).
fn bump_revision(d: &Deployment, rs: &mut ReplicaSet, new_revision: i64) -> bool {
    let mut changed = copy_annotations(d, rs);
    let old = rs.metadata.annotations.get(REVISION_ANNOTATION).cloned();
    let old_int = match old.as_deref() {
        None | Some("") => 0,
        Some(s) => match s.parse::<i64>() {
            Ok(n) => n,
            Err(_) => return false,
        },
    };
    if old_int < new_revision {
        rs.metadata
            .annotations
            .insert(REVISION_ANNOTATION.into(), new_revision.to_string());
        changed = true;
        if let Some(old) = old {
            let history = rs
                .metadata
                .annotations
                .get(REVISION_HISTORY_ANNOTATION)
                .cloned()
                .unwrap_or_default();
            if history.is_empty() {
                rs.metadata
                    .annotations
                    .insert(REVISION_HISTORY_ANNOTATION.into(), old);
            } else {
                let mut revisions: Vec<&str> = history.split(',').collect();
                let mut total = history.len() + old.len() + 1;
                let mut start = 0;
                while total > MAX_REVISION_HISTORY_CHARS && start < revisions.len() {
                    total -= revisions[start].len() + 1;
                    start += 1;
                }
                if total <= MAX_REVISION_HISTORY_CHARS {
                    revisions.drain(..start);
                    revisions.push(&old);
                    let joined = revisions.join(",");
                    rs.metadata
                        .annotations
                        .insert(REVISION_HISTORY_ANNOTATION.into(), joined);
                }
            }
        }
    }
    changed
}

/// `SetDeploymentCondition`: a condition of the same status and reason is left alone; otherwise
/// the old one is removed and the new one appended (keeping its transition time if the status
/// did not change).
fn set_condition(
    conditions: &mut Vec<Condition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) {
    let now = Str::new(now);
    let mut transition = now.clone();
    if let Some(c) = conditions.iter().find(|c| c.type_ == type_) {
        if c.status == status && c.reason.as_deref() == Some(reason) {
            return;
        }
        if c.status == status
            && let Some(t) = &c.last_transition_time
        {
            transition = t.clone();
        }
    }
    conditions.retain(|c| c.type_ != type_);
    conditions.push(Condition {
        type_: Str::new(type_),
        status: Str::new(status),
        last_update_time: Some(now),
        last_transition_time: Some(transition),
        reason: Some(Str::new(reason)),
        message: Some(Str::new(message)),
        ..Default::default()
    });
}

fn write_status(api: &mut ApiServer, d: &mut Deployment) {
    if let Ok(Object::Deployment(u)) = api.update_status(&actor(), d.clone()) {
        *d = *u;
    }
}

/// `getAllReplicaSetsAndSyncRevision` (with `getNewReplicaSet`): finds or, when `create`,
/// makes the new ReplicaSet, keeps its revision the highest, and records it on the Deployment.
fn sync_revision(api: &mut ApiServer, d: &mut Deployment, create: bool) -> Split {
    let Split { new, olds } = split(d, owned_replica_sets(api, d));
    let max_old = olds.iter().map(revision).max().unwrap_or(0);
    let new_revision = max_old + 1;
    let replicas = i64::from(d.replicas());
    let surge = max_surge(d);
    let has_deadline = progress_deadline(d).is_some();
    let now = api.now().rfc3339();
    let new = match new {
        Some(existing) => {
            let mut rs = existing.clone();
            let annotated = bump_revision(d, &mut rs, new_revision);
            let min_ready = rs.spec.min_ready_seconds != d.spec.min_ready_seconds;
            if annotated || min_ready {
                rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
                match api.update(&actor(), rs) {
                    Ok(Object::ReplicaSet(s)) => rs = *s,
                    _ => rs = existing,
                }
            }
            let mut needs_update = set_deployment_revision(d, &revision(&rs).to_string());
            if has_deadline && progressing(d).is_none() {
                let status = d.status.get_or_insert_with(Default::default);
                set_condition(
                    &mut status.conditions,
                    "Progressing",
                    "True",
                    FOUND_NEW_RS_REASON,
                    &format!("Found new replica set \"{}\"", rs.metadata.name),
                    &now,
                );
                needs_update = true;
            }
            if needs_update {
                update_deployment(api, d);
            }
            Some(rs)
        }
        None if !create => None,
        None => {
            let current: i64 = olds.iter().map(spec_replicas).sum();
            let recreate = is_recreate(d);
            let initial = if recreate {
                replicas
            } else if current >= replicas + surge {
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
                let mut meta = crate::api::ObjectMeta::named(
                    &d.metadata.namespace,
                    &format!("{}-{hash}", d.metadata.name),
                );
                meta.labels = template.metadata.labels.clone();
                meta.owner_references = vec![controller_ref(
                    "Deployment",
                    "apps/v1",
                    &Object::Deployment(Box::new(d.clone())),
                )]
                .into();
                let mut rs = ReplicaSet {
                    metadata: meta,
                    spec: crate::api::replica_set::ReplicaSetSpec {
                        replicas: Some(initial as i32),
                        min_ready_seconds: d.spec.min_ready_seconds,
                        selector: Some(selector),
                        template,
                    },
                    status: None,
                };
                copy_annotations(d, &mut rs);
                rs.metadata
                    .annotations
                    .insert(REVISION_ANNOTATION.into(), new_revision.to_string());
                set_replicas_annotations(&mut rs, replicas, replicas + surge);
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
            let Some(rs) = made else {
                return Split { new: None, olds };
            };
            if initial > 0 {
                events::record(
                    api,
                    &actor(),
                    &Object::Deployment(Box::new(d.clone())),
                    "",
                    events::NORMAL,
                    "ScalingReplicaSet",
                    &format!(
                        "Scaled up replica set {} from 0 to {initial}",
                        rs.metadata.name
                    ),
                );
            }
            set_deployment_revision(d, &new_revision.to_string());
            let status = d.status.get_or_insert_with(Default::default);
            status.collision_count = collision;
            if has_deadline {
                set_condition(
                    &mut status.conditions,
                    "Progressing",
                    "True",
                    NEW_RS_CREATED_REASON,
                    &format!("Created new replica set \"{}\"", rs.metadata.name),
                    &now,
                );
            }
            update_deployment(api, d);
            Some(rs)
        }
    };
    Split { new, olds }
}

/// Sets the Deployment's revision annotation; whether it changed.
fn set_deployment_revision(d: &mut Deployment, rev: &str) -> bool {
    if d.metadata
        .annotations
        .get(REVISION_ANNOTATION)
        .map(String::as_str)
        == Some(rev)
    {
        return false;
    }
    d.metadata
        .annotations
        .insert(REVISION_ANNOTATION.into(), rev.into());
    true
}

/// Writes the Deployment's annotations (main resource) where they differ from the stored ones.
/// The status changes stay in `d` until the status sync writes them with the counts.
///
/// Simplification: upstream sends the revision annotation and the new Progressing condition in
/// one UpdateStatus; Timonel's `/status` keeps the stored metadata, so the annotation goes
/// through the main resource and the condition waits for the status write that follows.
fn update_deployment(api: &mut ApiServer, d: &mut Deployment) {
    let Ok(mut current) = api.get_as::<Deployment>(&d.metadata.namespace, &d.metadata.name) else {
        return;
    };
    if current.metadata.annotations != d.metadata.annotations {
        current.metadata.annotations = d.metadata.annotations.clone();
        if let Ok(Object::Deployment(u)) = api.update(&actor(), current.clone()) {
            current = *u;
        }
    }
    current.status = d.status.clone();
    *d = current;
}

/// The status as stored, to decide whether a status write changes anything.
fn stored_status(api: &ApiServer, d: &Deployment) -> Option<DeploymentStatus> {
    api.get_as::<Deployment>(&d.metadata.namespace, &d.metadata.name)
        .ok()
        .and_then(|s| s.status)
}

fn is_recreate(d: &Deployment) -> bool {
    d.spec
        .strategy
        .as_ref()
        .is_some_and(|s| s.type_.as_deref() == Some("Recreate"))
}

/// `syncDeployment`. Returns when the Deployment must be looked at again for its progress
/// deadline, if it must.
fn sync_deployment(api: &mut ApiServer, key: &Key) -> Option<Time> {
    let mut d = api.get_as::<Deployment>(&key.0, &key.1).ok()?;
    if d.metadata.deletion_timestamp.is_some() {
        let Split { new, olds } = split(&d, owned_replica_sets(api, &d));
        sync_status_only(api, &mut d, new.as_ref(), &olds);
        return None;
    }
    check_paused_conditions(api, &mut d);
    if d.spec.paused == Some(true) {
        let Split { new, olds } = sync_revision(api, &mut d, false);
        scale_deployment(api, &d, new.as_ref(), &olds);
        cleanup(
            api,
            &d,
            (new.as_ref().map(|rs| rs.metadata.name.clone())).map(String::from),
        );
        sync_status_only(api, &mut d, new.as_ref(), &olds);
        return None;
    }
    if is_scaling_event(api, &mut d) {
        let Split { new, olds } = sync_revision(api, &mut d, false);
        scale_deployment(api, &d, new.as_ref(), &olds);
        sync_status_only(api, &mut d, new.as_ref(), &olds);
        return None;
    }
    if is_recreate(&d) {
        rollout_recreate(api, &mut d)
    } else {
        rollout_rolling(api, &mut d)
    }
}

/// `checkPausedConditions`: Progressing Unknown DeploymentPaused / DeploymentResumed.
fn check_paused_conditions(api: &mut ApiServer, d: &mut Deployment) {
    if progress_deadline(d).is_none() {
        return;
    }
    let cond = progressing(d);
    if cond.is_some_and(|c| c.reason.as_deref() == Some(TIMED_OUT_REASON)) {
        return;
    }
    let paused_cond = cond.is_some_and(|c| c.reason.as_deref() == Some(PAUSED_REASON));
    let paused = d.spec.paused == Some(true);
    let now = api.now().rfc3339();
    let (reason, message) = if paused && !paused_cond {
        (PAUSED_REASON, "Deployment is paused")
    } else if !paused && paused_cond {
        (RESUMED_REASON, "Deployment is resumed")
    } else {
        return;
    };
    let status = d.status.get_or_insert_with(Default::default);
    set_condition(
        &mut status.conditions,
        "Progressing",
        "Unknown",
        reason,
        message,
        &now,
    );
    write_status(api, d);
}

/// `isScalingEvent`: an active ReplicaSet was sized for another replica count.
fn is_scaling_event(api: &mut ApiServer, d: &mut Deployment) -> bool {
    let Split { new, olds } = sync_revision(api, d, false);
    let replicas = d.replicas().to_string();
    new.iter().chain(olds.iter()).any(|rs| {
        spec_replicas(rs) > 0
            && rs
                .metadata
                .annotations
                .get(DESIRED_REPLICAS_ANNOTATION)
                .is_some_and(|v| v.parse::<i64>().is_ok() && *v != replicas)
    })
}

/// `IsSaturated`.
fn is_saturated(d: &Deployment, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else { return false };
    let replicas = i64::from(d.replicas());
    let desired = rs
        .metadata
        .annotations
        .get(DESIRED_REPLICAS_ANNOTATION)
        .and_then(|v| v.parse::<i64>().ok());
    spec_replicas(rs) == replicas && desired == Some(replicas) && available(rs) == replicas
}

/// `getReplicaSetFraction`.
fn replica_set_fraction(rs: &ReplicaSet, d: &Deployment) -> i64 {
    let replicas = i64::from(d.replicas());
    if replicas == 0 {
        return -spec_replicas(rs);
    }
    let max_now = replicas + max_surge(d);
    let before = rs
        .metadata
        .annotations
        .get(MAX_REPLICAS_ANNOTATION)
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v != 0)
        .unwrap_or_else(|| i64::from(d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0)));
    if before == 0 {
        return 0;
    }
    let size = (spec_replicas(rs) * max_now) as f64 / before as f64;
    // Go's math.Round: half away from zero.
    size.round() as i64 - spec_replicas(rs)
}

/// `GetProportion`.
fn proportion(rs: &ReplicaSet, d: &Deployment, to_add: i64, added: i64) -> i64 {
    if spec_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `dc.scale`: a Deployment resized in the middle of a rollout spreads the change over its
/// active ReplicaSets in proportion to their sizes.
fn scale_deployment(
    api: &mut ApiServer,
    d: &Deployment,
    new: Option<&ReplicaSet>,
    olds: &[ReplicaSet],
) {
    let replicas = i64::from(d.replicas());
    // FindActiveOrLatest.
    let mut by_newest: Vec<&ReplicaSet> = olds.iter().collect();
    by_newest.reverse();
    let active: Vec<&ReplicaSet> = by_newest
        .iter()
        .copied()
        .chain(new)
        .filter(|rs| spec_replicas(rs) > 0)
        .collect();
    let only = match active.len() {
        0 => new.or(by_newest.first().copied()),
        1 => Some(active[0]),
        _ => None,
    };
    if let Some(rs) = only {
        if spec_replicas(rs) != replicas {
            scale(api, d, rs, replicas);
        }
        return;
    }
    if is_saturated(d, new) {
        for rs in olds.iter().filter(|rs| spec_replicas(rs) > 0) {
            scale(api, d, rs, 0);
        }
        return;
    }
    if is_recreate(d) {
        return;
    }
    let mut all: Vec<ReplicaSet> = olds
        .iter()
        .chain(new)
        .filter(|rs| spec_replicas(rs) > 0)
        .cloned()
        .collect();
    let total: i64 = all.iter().map(spec_replicas).sum();
    let allowed = if replicas > 0 {
        replicas + max_surge(d)
    } else {
        0
    };
    let to_add = allowed - total;
    let created = |rs: &ReplicaSet| {
        (
            rs.metadata.creation_timestamp.clone(),
            rs.metadata.name.clone(),
        )
    };
    if to_add > 0 {
        // ReplicaSetsBySizeNewer.
        all.sort_by(|a, b| {
            spec_replicas(b)
                .cmp(&spec_replicas(a))
                .then_with(|| created(b).cmp(&created(a)))
        });
    } else if to_add < 0 {
        // ReplicaSetsBySizeOlder.
        all.sort_by(|a, b| {
            spec_replicas(b)
                .cmp(&spec_replicas(a))
                .then_with(|| created(a).cmp(&created(b)))
        });
    }
    let mut added = 0;
    let mut sizes: Vec<i64> = Vec::with_capacity(all.len());
    for rs in &all {
        if to_add != 0 {
            let p = proportion(rs, d, to_add, added);
            sizes.push(spec_replicas(rs) + p);
            added += p;
        } else {
            sizes.push(spec_replicas(rs));
        }
    }
    for (i, rs) in all.iter().enumerate() {
        if i == 0 && to_add != 0 {
            sizes[0] = (sizes[0] + to_add - added).max(0);
        }
        scale_replica_set(api, d, rs, sizes[i]);
    }
}

/// `rolloutRolling`.
fn rollout_rolling(api: &mut ApiServer, d: &mut Deployment) -> Option<Time> {
    let Split { new, olds } = sync_revision(api, d, true);
    let Some(new_rs) = new else {
        return sync_rollout_status(api, d, None, &olds);
    };
    let replicas = i64::from(d.replicas());
    // reconcileNewReplicaSet.
    let new_replicas = spec_replicas(&new_rs);
    if new_replicas != replicas {
        let target = if new_replicas > replicas {
            replicas
        } else {
            let all: i64 = new_replicas + olds.iter().map(spec_replicas).sum::<i64>();
            let max_total = replicas + max_surge(d);
            if all >= max_total {
                new_replicas
            } else {
                new_replicas + (max_total - all).min(replicas - new_replicas)
            }
        };
        if scale(api, d, &new_rs, target) {
            let (new_rs, olds) = refresh(api, &new_rs, &olds);
            return sync_rollout_status(api, d, Some(&new_rs), &olds);
        }
    }
    // reconcileOldReplicaSets.
    let old_count: i64 = olds.iter().map(spec_replicas).sum();
    if old_count > 0 {
        let all = spec_replicas(&new_rs) + old_count;
        let min_available = replicas - max_unavailable(d);
        let new_unavailable = spec_replicas(&new_rs) - available(&new_rs);
        let max_scaled_down = all - min_available - new_unavailable;
        if max_scaled_down > 0 {
            let mut scaled = false;
            // cleanupUnhealthyReplicas: old replicas that are not available go first.
            let mut cleaned = 0;
            for rs in &olds {
                if cleaned >= max_scaled_down {
                    break;
                }
                let r = spec_replicas(rs);
                if r == 0 || r == available(rs) {
                    continue;
                }
                let down = (max_scaled_down - cleaned).min(r - available(rs));
                if scale(api, d, rs, r - down) {
                    cleaned += down;
                    scaled = true;
                }
            }
            // scaleDownOldReplicaSetsForRollingUpdate.
            let (new_fresh, olds_fresh) = refresh(api, &new_rs, &olds);
            let available_all: i64 =
                available(&new_fresh) + olds_fresh.iter().map(available).sum::<i64>();
            let mut remaining = available_all - min_available;
            for rs in &olds_fresh {
                if remaining <= 0 {
                    break;
                }
                let r = spec_replicas(rs);
                if r == 0 {
                    continue;
                }
                let down = r.min(remaining);
                if scale(api, d, rs, r - down) {
                    remaining -= down;
                    scaled = true;
                }
            }
            if scaled {
                let (new_rs, olds) = refresh(api, &new_rs, &olds);
                return sync_rollout_status(api, d, Some(&new_rs), &olds);
            }
        }
    }
    let (new_rs, olds) = refresh(api, &new_rs, &olds);
    if d.status.as_ref().is_some_and(|s| complete(d, s)) {
        cleanup(api, d, Some(new_rs.metadata.name.to_string()));
    }
    sync_rollout_status(api, d, Some(&new_rs), &olds)
}

/// `rolloutRecreate`: scale every old ReplicaSet to zero, wait for their pods to be gone, then
/// create (or scale up) the new one.
fn rollout_recreate(api: &mut ApiServer, d: &mut Deployment) -> Option<Time> {
    let Split { new, olds } = sync_revision(api, d, false);
    let mut scaled_down = false;
    for rs in olds.iter().filter(|rs| spec_replicas(rs) > 0) {
        scaled_down |= scale(api, d, rs, 0);
    }
    if scaled_down {
        let olds = refresh_all(api, &olds);
        return sync_rollout_status(api, d, new.as_ref(), &olds);
    }
    let old_running = olds.iter().any(|rs| {
        let uid = &rs.metadata.uid;
        api.iter_as::<Pod>(Some(&d.metadata.namespace)).any(|p| {
            p.metadata.controller().is_some_and(|r| &r.uid == uid)
                && p.phase() != "Failed"
                && p.phase() != "Succeeded"
        })
    });
    if old_running {
        return sync_rollout_status(api, d, new.as_ref(), &olds);
    }
    let (new, olds) = match new {
        Some(rs) => (Some(rs), olds),
        None => {
            let s = sync_revision(api, d, true);
            (s.new, s.olds)
        }
    };
    if let Some(rs) = &new {
        scale(api, d, rs, i64::from(d.replicas()));
    }
    let new = new.and_then(|rs| {
        api.get_as::<ReplicaSet>(&rs.metadata.namespace, &rs.metadata.name)
            .ok()
    });
    if d.status.as_ref().is_some_and(|s| complete(d, s)) {
        cleanup(
            api,
            d,
            (new.as_ref().map(|rs| rs.metadata.name.clone())).map(String::from),
        );
    }
    sync_rollout_status(api, d, new.as_ref(), &olds)
}

fn refresh(
    api: &ApiServer,
    new: &ReplicaSet,
    olds: &[ReplicaSet],
) -> (ReplicaSet, Vec<ReplicaSet>) {
    let new = api
        .get_as::<ReplicaSet>(&new.metadata.namespace, &new.metadata.name)
        .unwrap_or_else(|_| new.clone());
    (new, refresh_all(api, olds))
}

fn refresh_all(api: &ApiServer, rss: &[ReplicaSet]) -> Vec<ReplicaSet> {
    rss.iter()
        .filter_map(|rs| {
            api.get_as::<ReplicaSet>(&rs.metadata.namespace, &rs.metadata.name)
                .ok()
        })
        .collect()
}

/// Deletes old, empty ReplicaSets beyond `revisionHistoryLimit` (oldest revision first).
fn cleanup(api: &mut ApiServer, d: &Deployment, new_name: Option<String>) {
    let limit = d.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    let mut olds: Vec<ReplicaSet> = owned_replica_sets(api, d)
        .into_iter()
        .filter(|rs| {
            Some(rs.metadata.name.as_str()) != new_name.as_deref()
                && rs.metadata.deletion_timestamp.is_none()
        })
        .collect();
    olds.sort_by_key(revision);
    if olds.len() <= limit {
        return;
    }
    let excess = olds.len() - limit;
    for rs in olds.iter().take(excess) {
        let empty = spec_replicas(rs) == 0 && rs.status.as_ref().is_none_or(|s| s.replicas == 0);
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

/// `calculateStatus`: counts and the Available condition.
fn calculate_status(
    d: &Deployment,
    new: Option<&ReplicaSet>,
    olds: &[ReplicaSet],
    now: &str,
) -> DeploymentStatus {
    let all: Vec<&ReplicaSet> = olds.iter().chain(new).collect();
    let status_of = |rs: &ReplicaSet| rs.status.clone().unwrap_or_default();
    let actual: i64 = all.iter().map(|rs| i64::from(status_of(rs).replicas)).sum();
    let updated = new.map_or(0, |rs| i64::from(status_of(rs).replicas));
    let ready: i64 = all
        .iter()
        .map(|rs| i64::from(status_of(rs).ready_replicas.unwrap_or(0)))
        .sum();
    let avail: i64 = all.iter().map(|rs| available(rs)).sum();
    let total: i64 = all.iter().map(|rs| spec_replicas(rs)).sum();
    let replicas = i64::from(d.replicas());
    let old = d.status.clone().unwrap_or_default();
    let mut conditions = old.conditions.clone();
    if avail >= replicas - max_unavailable(d) {
        set_condition(
            &mut conditions,
            "Available",
            "True",
            MIN_AVAILABLE_REASON,
            "Deployment has minimum availability.",
            now,
        );
    } else {
        set_condition(
            &mut conditions,
            "Available",
            "False",
            MIN_UNAVAILABLE_REASON,
            "Deployment does not have minimum availability.",
            now,
        );
    }
    let nz = |n: i64| (n > 0).then(|| n.min(i64::from(i32::MAX)) as i32);
    DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: nz(actual),
        updated_replicas: nz(updated),
        ready_replicas: nz(ready),
        available_replicas: nz(avail),
        unavailable_replicas: nz((total - avail).max(0)),
        terminating_replicas: None,
        conditions,
        collision_count: old.collision_count,
    }
}

fn n(v: Option<i32>) -> i64 {
    i64::from(v.unwrap_or(0))
}

/// `DeploymentComplete`.
fn complete(d: &Deployment, s: &DeploymentStatus) -> bool {
    let replicas = i64::from(d.replicas());
    n(s.updated_replicas) == replicas
        && n(s.replicas) == replicas
        && n(s.available_replicas) == replicas
        && s.observed_generation >= d.metadata.generation
}

/// `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones.
fn made_progress(d: &Deployment, new: &DeploymentStatus) -> bool {
    let old = d.status.clone().unwrap_or_default();
    let old_olds = n(old.replicas) - n(old.updated_replicas);
    let new_olds = n(new.replicas) - n(new.updated_replicas);
    n(new.updated_replicas) > n(old.updated_replicas)
        || new_olds < old_olds
        || n(new.ready_replicas) > n(old.ready_replicas)
        || n(new.available_replicas) > n(old.available_replicas)
}

/// `syncDeploymentStatus` (paused, scaling, deleting): counts and Available only.
fn sync_status_only(
    api: &mut ApiServer,
    d: &mut Deployment,
    new: Option<&ReplicaSet>,
    olds: &[ReplicaSet],
) {
    let (new, olds) = match new {
        Some(rs) => {
            let (n, o) = refresh(api, rs, olds);
            (Some(n), o)
        }
        None => (None, refresh_all(api, olds)),
    };
    let now = api.now().rfc3339();
    let status = calculate_status(d, new.as_ref(), &olds, &now);
    if stored_status(api, d).as_ref() != Some(&status) {
        let mut u = d.clone();
        u.status = Some(status);
        write_status(api, &mut u);
        *d = u;
    }
}

/// `syncRolloutStatus`: counts, Available, and Progressing with the progress deadline. Returns
/// when to look again for the deadline (`requeueStuckDeployment`).
fn sync_rollout_status(
    api: &mut ApiServer,
    d: &mut Deployment,
    new: Option<&ReplicaSet>,
    olds: &[ReplicaSet],
) -> Option<Time> {
    let now_t = api.now();
    let now = now_t.rfc3339();
    let mut status = calculate_status(d, new, olds, &now);
    let deadline = progress_deadline(d);
    if deadline.is_none() {
        status.conditions.retain(|c| c.type_ != "Progressing");
    }
    let current = progressing(d).cloned();
    let is_complete = n(status.replicas) == n(status.updated_replicas)
        && current
            .as_ref()
            .is_some_and(|c| c.reason.as_deref() == Some(NEW_RS_AVAILABLE_REASON));
    if let Some(deadline) = deadline
        && !is_complete
    {
        let name = |what: &str| match new {
            Some(rs) => format!("ReplicaSet \"{}\" {what}", rs.metadata.name),
            None => format!("Deployment \"{}\" {what}", d.metadata.name),
        };
        if complete(d, &status) {
            set_condition(
                &mut status.conditions,
                "Progressing",
                "True",
                NEW_RS_AVAILABLE_REASON,
                &name("has successfully progressed."),
                &now,
            );
        } else if made_progress(d, &status) {
            // Unlike SetDeploymentCondition, progress refreshes lastUpdateTime even with the
            // same reason.
            let now = Str::from(now.clone());
            let mut transition = now.clone();
            if let Some(c) = &current
                && c.status == "True"
                && let Some(t) = &c.last_transition_time
            {
                transition = t.clone();
            }
            status.conditions.retain(|c| c.type_ != "Progressing");
            status.conditions.push(Condition {
                type_: "Progressing".into(),
                status: "True".into(),
                last_update_time: Some(now.clone()),
                last_transition_time: Some(transition),
                reason: Some(RS_UPDATED_REASON.into()),
                message: Some(name("is progressing.").into()),
                ..Default::default()
            });
        } else if timed_out(&status, deadline, now_t) {
            set_condition(
                &mut status.conditions,
                "Progressing",
                "False",
                TIMED_OUT_REASON,
                &name("has timed out progressing."),
                &now,
            );
        }
    }
    if stored_status(api, d).as_ref() != Some(&status) {
        let mut u = d.clone();
        u.status = Some(status.clone());
        write_status(api, &mut u);
        *d = u;
    }
    // requeueStuckDeployment.
    let deadline = deadline?;
    let cond = status
        .conditions
        .iter()
        .find(|c| c.type_ == "Progressing")?;
    if complete(d, &status) || cond.reason.as_deref() == Some(TIMED_OUT_REASON) {
        return None;
    }
    let from = cond
        .last_update_time
        .as_deref()
        .and_then(Time::parse_rfc3339)?;
    // Timed out once the deadline is strictly past (`from.Add(delta).Before(now)`).
    Some(from.plus(deadline).plus(Duration::millis(1)).max(now_t))
}

/// `DeploymentTimedOut`.
fn timed_out(status: &DeploymentStatus, deadline: Duration, now: Time) -> bool {
    let Some(c) = status.conditions.iter().find(|c| c.type_ == "Progressing") else {
        return false;
    };
    match c.reason.as_deref() {
        Some(NEW_RS_AVAILABLE_REASON) => false,
        Some(TIMED_OUT_REASON) => true,
        _ => c
            .last_update_time
            .as_deref()
            .and_then(Time::parse_rfc3339)
            .is_some_and(|from| from.plus(deadline) < now),
    }
}
