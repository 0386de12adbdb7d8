//! The policy and storage admission plugins, in upstream order: LimitRanger (defaults, then
//! min/max/ratio checks), DefaultStorageClass, and ResourceQuota. Also the usage evaluators the
//! resource-quota controller shares (`quota/v1/evaluator/core`).

use std::collections::{BTreeMap, BTreeSet};

use super::ApiServer;
use super::status::Status;
use crate::api::limit_range::{LIMIT_TYPE_CONTAINER, LIMIT_TYPE_POD, LIMIT_TYPE_PVC};
use crate::api::pod::{Container, ResourceRequirements};
use crate::api::{
    Kind, LimitRange, Object, PersistentVolumeClaim, Pod, Quantity, QuantityFormat, ResourceQuota,
    StorageClass,
};

/// The annotation LimitRanger leaves on pods whose resources it defaulted.
pub const LIMIT_RANGER_ANNOTATION: &str = "kubernetes.io/limit-ranger";

type ResourceList = BTreeMap<String, Quantity>;

fn limit_ranges(api: &ApiServer, namespace: &str) -> Vec<LimitRange> {
    api.iter_as::<LimitRange>(Some(namespace))
        .cloned()
        .collect()
}

// ----- mutating ------------------------------------------------------------------------------

/// The mutating half: LimitRanger defaults for pods, DefaultStorageClass for claims.
pub(crate) fn mutate_create(api: &ApiServer, obj: &mut Object) {
    match obj {
        Object::Pod(pod) => {
            for lr in limit_ranges(api, &pod.metadata.namespace) {
                apply_limit_range_defaults(&lr, pod);
            }
        }
        Object::PersistentVolumeClaim(pvc) => default_storage_class(api, pvc),
        _ => {}
    }
}

/// `PodMutateLimitFunc`: default requests and limits from the range's Container items.
fn apply_limit_range_defaults(lr: &LimitRange, pod: &mut Pod) {
    let mut defaults = ResourceRequirements::default();
    for item in lr.limits() {
        if item.type_ == LIMIT_TYPE_CONTAINER {
            for (k, v) in &item.default {
                defaults.limits.insert(k.clone(), v.clone());
            }
            for (k, v) in &item.default_request {
                defaults.requests.insert(k.clone(), v.clone());
            }
        }
    }
    if defaults.limits.is_empty() && defaults.requests.is_empty() {
        return;
    }
    let mut notes = Vec::new();
    for c in &mut pod.spec.containers {
        merge_container_resources(c, &defaults, "container", &mut notes);
    }
    for c in &mut pod.spec.init_containers {
        merge_container_resources(c, &defaults, "init container", &mut notes);
    }
    if !notes.is_empty() {
        pod.metadata.annotations.insert(
            LIMIT_RANGER_ANNOTATION.into(),
            format!("LimitRanger plugin set: {}", notes.join("; ")),
        );
    }
}

fn merge_container_resources(
    c: &mut Container,
    defaults: &ResourceRequirements,
    prefix: &str,
    notes: &mut Vec<String>,
) {
    let r = c.resources.get_or_insert_with(Default::default);
    let mut set_limits = Vec::new();
    let mut set_requests = Vec::new();
    for (k, v) in &defaults.limits {
        if !r.limits.contains_key(k) {
            r.limits.insert(k.clone(), v.clone());
            set_limits.push(k.clone());
        }
    }
    for (k, v) in &defaults.requests {
        if !r.requests.contains_key(k) {
            r.requests.insert(k.clone(), v.clone());
            set_requests.push(k.clone());
        }
    }
    if !set_requests.is_empty() {
        notes.push(format!(
            "{} request for {prefix} {}",
            set_requests.join(", "),
            c.name
        ));
    }
    if !set_limits.is_empty() {
        notes.push(format!(
            "{} limit for {prefix} {}",
            set_limits.join(", "),
            c.name
        ));
    }
}

/// DefaultStorageClass: a claim without `storageClassName` gets the default class (the newest
/// when several are marked default).
fn default_storage_class(api: &ApiServer, pvc: &mut PersistentVolumeClaim) {
    if pvc.spec.storage_class_name.is_some()
        || pvc
            .metadata
            .annotations
            .contains_key("volume.beta.kubernetes.io/storage-class")
    {
        return;
    }
    let best = api
        .iter_as::<StorageClass>(None)
        .filter(|c| c.is_default())
        .max_by(|a, b| {
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp)
                .then_with(|| b.metadata.name.cmp(&a.metadata.name))
        });
    if let Some(c) = best {
        pvc.spec.storage_class_name = Some(c.metadata.name.to_string());
    }
}

// ----- validating ----------------------------------------------------------------------------

/// The validating half: LimitRanger constraints, then ResourceQuota.
///
/// Simplification: only creates are admitted against limit ranges and quotas (upstream also
/// charges updates that grow usage, such as a Service becoming a LoadBalancer or a claim
/// resize).
pub(crate) fn validate_create(api: &ApiServer, obj: &Object) -> Result<(), Status> {
    let info = obj.kind().info();
    if !info.namespaced {
        return Ok(());
    }
    let ns = obj.metadata().namespace.as_str();
    let name = obj.metadata().name.as_str();
    let mut errs = Vec::new();
    match obj {
        Object::Pod(pod) => {
            for lr in limit_ranges(api, ns) {
                errs.extend(pod_limit_errors(&lr, pod));
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            for lr in limit_ranges(api, ns) {
                errs.extend(pvc_limit_errors(&lr, pvc));
            }
        }
        _ => {}
    }
    if !errs.is_empty() {
        return Err(Status::forbidden(info, name, &aggregate(errs)));
    }
    check_quota(api, obj)
}

/// `utilerrors.NewAggregate(...).Error()`: one message as is, several deduplicated in brackets.
fn aggregate(errs: Vec<String>) -> String {
    let mut seen = BTreeSet::new();
    let unique: Vec<String> = errs
        .into_iter()
        .filter(|e| seen.insert(e.clone()))
        .collect();
    if unique.len() == 1 {
        unique.into_iter().next().unwrap_or_default()
    } else {
        format!("[{}]", unique.join(", "))
    }
}

fn min_constraint(
    limit_type: &str,
    res: &str,
    enforced: &Quantity,
    request: &ResourceList,
    limit: &ResourceList,
) -> Option<String> {
    let e = enforced.canonical();
    let Some(req) = request.get(res) else {
        return Some(format!(
            "minimum {res} usage per {limit_type} is {e}.  No request is specified"
        ));
    };
    if req.cmp_value(enforced).is_lt() {
        return Some(format!(
            "minimum {res} usage per {limit_type} is {e}, but request is {}",
            req.canonical()
        ));
    }
    if let Some(lim) = limit.get(res)
        && lim.cmp_value(enforced).is_lt()
    {
        return Some(format!(
            "minimum {res} usage per {limit_type} is {e}, but limit is {}",
            lim.canonical()
        ));
    }
    None
}

fn max_constraint(
    limit_type: &str,
    res: &str,
    enforced: &Quantity,
    request: &ResourceList,
    limit: &ResourceList,
) -> Option<String> {
    let e = enforced.canonical();
    let Some(lim) = limit.get(res) else {
        return Some(format!(
            "maximum {res} usage per {limit_type} is {e}.  No limit is specified"
        ));
    };
    if lim.cmp_value(enforced).is_gt() {
        return Some(format!(
            "maximum {res} usage per {limit_type} is {e}, but limit is {}",
            lim.canonical()
        ));
    }
    if let Some(req) = request.get(res)
        && req.cmp_value(enforced).is_gt()
    {
        return Some(format!(
            "maximum {res} usage per {limit_type} is {e}, but request is {}",
            req.canonical()
        ));
    }
    None
}

fn ratio_constraint(
    limit_type: &str,
    res: &str,
    enforced: &Quantity,
    request: &ResourceList,
    limit: &ResourceList,
) -> Option<String> {
    let e = enforced.canonical();
    let req = request
        .get(res)
        .and_then(Quantity::milli_value)
        .unwrap_or(0);
    let lim = limit.get(res).and_then(Quantity::milli_value).unwrap_or(0);
    if req == 0 {
        return Some(format!(
            "{res} max limit to request ratio per {limit_type} is {e}, but no request is specified or request is 0"
        ));
    }
    if lim == 0 {
        return Some(format!(
            "{res} max limit to request ratio per {limit_type} is {e}, but no limit is specified or limit is 0"
        ));
    }
    let observed = lim as f64 / req as f64;
    let max = enforced.milli_value().unwrap_or(0) as f64;
    if observed * 1000.0 > max {
        return Some(format!(
            "{res} max limit to request ratio per {limit_type} is {e}, but provided ratio is {observed:.6}"
        ));
    }
    None
}

fn check_item(
    limit_type: &str,
    item: &crate::api::limit_range::LimitRangeItem,
    request: &ResourceList,
    limit: &ResourceList,
    out: &mut Vec<String>,
) {
    for (k, v) in &item.min {
        out.extend(min_constraint(limit_type, k, v, request, limit));
    }
    for (k, v) in &item.max {
        out.extend(max_constraint(limit_type, k, v, request, limit));
    }
    for (k, v) in &item.max_limit_request_ratio {
        out.extend(ratio_constraint(limit_type, k, v, request, limit));
    }
}

/// `PodValidateLimitFunc`.
fn pod_limit_errors(lr: &LimitRange, pod: &Pod) -> Vec<String> {
    let mut out = Vec::new();
    for item in lr.limits() {
        if item.type_ == LIMIT_TYPE_CONTAINER {
            for c in pod.spec.containers.iter().chain(&pod.spec.init_containers) {
                let r = c.resources.clone().unwrap_or_default();
                check_item(LIMIT_TYPE_CONTAINER, item, &r.requests, &r.limits, &mut out);
            }
        } else if item.type_ == LIMIT_TYPE_POD {
            let (req, lim) = pod_totals(pod);
            check_item(LIMIT_TYPE_POD, item, &req, &lim, &mut out);
        }
    }
    out
}

/// `PersistentVolumeClaimValidateLimitFunc`.
fn pvc_limit_errors(lr: &LimitRange, pvc: &PersistentVolumeClaim) -> Vec<String> {
    let mut out = Vec::new();
    let zero = Quantity::new("0");
    let req = pvc.requested_storage().unwrap_or(&zero);
    for item in lr.limits().iter().filter(|i| i.type_ == LIMIT_TYPE_PVC) {
        if let Some(min) = item.min.get("storage")
            && req.cmp_value(min).is_lt()
        {
            out.push(format!(
                "minimum storage usage per PersistentVolumeClaim is {}, but request is {}",
                min.canonical(),
                req.canonical()
            ));
        }
        if let Some(max) = item.max.get("storage")
            && req.cmp_value(max).is_gt()
        {
            out.push(format!(
                "maximum storage usage per PersistentVolumeClaim is {}, but request is {}",
                max.canonical(),
                req.canonical()
            ));
        }
    }
    out
}

fn add_into(list: &mut ResourceList, key: &str, q: &Quantity) {
    let sum = match list.get(key) {
        Some(old) => old.add(q),
        None => Quantity::new(q.canonical()),
    };
    list.insert(key.to_string(), sum);
}

/// `resourcehelper.PodRequests` / `PodLimits`: containers summed, each init container a floor.
pub fn pod_totals(pod: &Pod) -> (ResourceList, ResourceList) {
    let sum = |pick: fn(&ResourceRequirements) -> &ResourceList| {
        let mut total = ResourceList::new();
        for c in &pod.spec.containers {
            if let Some(r) = &c.resources {
                for (k, v) in pick(r) {
                    add_into(&mut total, k, v);
                }
            }
        }
        for c in &pod.spec.init_containers {
            if let Some(r) = &c.resources {
                for (k, v) in pick(r) {
                    let bigger = total.get(k).is_none_or(|t| v.cmp_value(t).is_gt());
                    if bigger {
                        total.insert(k.clone(), Quantity::new(v.canonical()));
                    }
                }
            }
        }
        total
    };
    (sum(|r| &r.requests), sum(|r| &r.limits))
}

// ----- quota evaluation --------------------------------------------------------------------------

fn one() -> Quantity {
    Quantity::from_nano(1_000_000_000, QuantityFormat::DecimalSI)
}

/// The legacy object-count name of a kind (`pods`, `configmaps` …), if it has one.
fn legacy_count_name(plural: &str) -> Option<&'static str> {
    Some(match plural {
        "pods" => "pods",
        "services" => "services",
        "configmaps" => "configmaps",
        "secrets" => "secrets",
        "persistentvolumeclaims" => "persistentvolumeclaims",
        "replicationcontrollers" => "replicationcontrollers",
        "resourcequotas" => "resourcequotas",
        _ => return None,
    })
}

/// Whether a pod still counts against compute quota (`QuotaV1Pod`).
///
/// Simplification: a pod being deleted counts until it is gone (upstream stops counting it once
/// its grace period has passed).
fn pod_counts(pod: &Pod) -> bool {
    !pod.is_terminal()
}

/// What one object uses (`Evaluator.Usage`), every resource it can be charged for.
pub fn usage(obj: &Object) -> ResourceList {
    let info = obj.kind().info();
    let mut u = ResourceList::new();
    u.insert(format!("count/{}", info.qualified_resource()), one());
    match obj {
        Object::Pod(pod) => {
            if !pod_counts(pod) {
                return u;
            }
            u.insert("pods".into(), one());
            let (req, lim) = pod_totals(pod);
            for (k, v) in &req {
                if matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage") {
                    u.insert(k.clone(), v.clone());
                }
                u.insert(format!("requests.{k}"), v.clone());
            }
            for (k, v) in &lim {
                u.insert(format!("limits.{k}"), v.clone());
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            u.insert("persistentvolumeclaims".into(), one());
            let class = pvc.class().to_string();
            if !class.is_empty() {
                u.insert(
                    format!("{class}.storageclass.storage.k8s.io/persistentvolumeclaims"),
                    one(),
                );
            }
            if let Some(q) = pvc.requested_storage() {
                let q = Quantity::new(q.canonical());
                u.insert("requests.storage".into(), q.clone());
                if !class.is_empty() {
                    u.insert(
                        format!("{class}.storageclass.storage.k8s.io/requests.storage"),
                        q,
                    );
                }
            }
        }
        _ => {
            if let Some(legacy) = legacy_count_name(info.plural) {
                u.insert(legacy.into(), one());
            }
            if info.plural == "services" {
                // Kinds added elsewhere are read through their JSON.
                let v = obj.to_json();
                let ty = v
                    .pointer("/spec/type")
                    .and_then(|t| t.as_str())
                    .unwrap_or("ClusterIP");
                let ports = v
                    .pointer("/spec/ports")
                    .and_then(|p| p.as_array())
                    .map_or(0, Vec::len) as i128;
                if ty == "LoadBalancer" {
                    u.insert("services.loadbalancers".into(), one());
                }
                if ty == "NodePort" || ty == "LoadBalancer" {
                    u.insert(
                        "services.nodeports".into(),
                        Quantity::from_nano(ports * 1_000_000_000, QuantityFormat::DecimalSI),
                    );
                }
            }
        }
    }
    u
}

/// Whether objects of `kind` can be charged for any of `resources`.
fn kind_matches(kind: Kind, resources: &BTreeSet<String>) -> bool {
    let info = kind.info();
    if !info.namespaced {
        return false;
    }
    let count = format!("count/{}", info.qualified_resource());
    resources.iter().any(|r| {
        *r == count
            || legacy_count_name(info.plural) == Some(r.as_str())
            || (kind == Kind::Pod
                && (matches!(r.as_str(), "cpu" | "memory" | "ephemeral-storage")
                    || r.starts_with("requests.") && r != "requests.storage"
                    || r.starts_with("limits.")))
            || (kind == Kind::PersistentVolumeClaim
                && (r == "requests.storage" || r.contains(".storageclass.storage.k8s.io/")))
            || (info.plural == "services" && r.starts_with("services."))
    })
}

/// The usage of `resources` in a namespace, every resource present (zero when unused).
pub fn namespace_usage(
    api: &ApiServer,
    namespace: &str,
    resources: &BTreeSet<String>,
) -> ResourceList {
    let mut used: ResourceList = resources
        .iter()
        .map(|r| (r.clone(), Quantity::new("0")))
        .collect();
    for &kind in Kind::ALL {
        if !kind_matches(kind, resources) {
            continue;
        }
        for obj in api.iter(kind, Some(namespace)) {
            for (k, v) in usage(obj) {
                if resources.contains(&k) {
                    add_into(&mut used, &k, &v);
                }
            }
        }
    }
    used
}

/// `Constraints` of the pod evaluator: containers must name the compute resources a quota tracks.
fn pod_constraints(pod: &Pod, hard: &BTreeSet<String>) -> Option<String> {
    const VALIDATION_SET: &[&str] = &[
        "cpu",
        "memory",
        "requests.cpu",
        "requests.memory",
        "limits.cpu",
        "limits.memory",
    ];
    let required: Vec<&str> = VALIDATION_SET
        .iter()
        .copied()
        .filter(|r| hard.contains(*r))
        .collect();
    if required.is_empty() {
        return None;
    }
    let mut missing: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for c in pod.spec.containers.iter().chain(&pod.spec.init_containers) {
        let r = c.resources.clone().unwrap_or_default();
        for res in &required {
            let has = match *res {
                "cpu" | "memory" => r.requests.contains_key(*res),
                other => match other.split_once('.') {
                    Some(("requests", k)) => r.requests.contains_key(k),
                    Some(("limits", k)) => r.limits.contains_key(k),
                    _ => true,
                },
            };
            if !has {
                missing.entry(res).or_default().insert(c.name.to_string());
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(r, names)| {
            format!(
                "{r} for: {}",
                names.iter().cloned().collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    Some(format!("must specify {}", parts.join("; ")))
}

fn pretty(list: &ResourceList) -> String {
    list.iter()
        .map(|(k, v)| format!("{k}={}", v.canonical()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The ResourceQuota plugin for a create.
///
/// Simplification: usage is computed from the store at admission time (upstream reads the quota's
/// `status.used` and increments it in the same request), so there is no "status unknown" error
/// before the controller's first sync, and `spec.hard` is used in place of `status.hard`.
fn check_quota(api: &ApiServer, obj: &Object) -> Result<(), Status> {
    let ns = obj.metadata().namespace.as_str();
    let quotas: Vec<&ResourceQuota> = api.iter_as::<ResourceQuota>(Some(ns)).collect();
    if quotas.is_empty() {
        return Ok(());
    }
    let info = obj.kind().info();
    let name = obj.metadata().name.as_str();
    let delta = usage(obj);
    // Constraints first, for every quota.
    if let Object::Pod(pod) = obj {
        for q in &quotas {
            let hard: BTreeSet<String> = q.hard().into_keys().collect();
            if let Some(msg) = pod_constraints(pod, &hard) {
                return Err(Status::forbidden(
                    info,
                    name,
                    &format!("failed quota: {}: {msg}", q.metadata.name),
                ));
            }
        }
    }
    for q in &quotas {
        let hard = q.hard();
        let requested: ResourceList = delta
            .iter()
            .filter(|(k, _)| hard.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if requested.is_empty() {
            continue;
        }
        let keys: BTreeSet<String> = requested.keys().cloned().collect();
        let used = namespace_usage(api, ns, &keys);
        let mut exceeded = BTreeSet::new();
        for (k, req) in &requested {
            let zero = Quantity::new("0");
            let u = used.get(k).unwrap_or(&zero);
            let limit = hard.get(k).unwrap_or(&zero);
            if u.add(req).cmp_value(limit).is_gt() {
                exceeded.insert(k.clone());
            }
        }
        if !exceeded.is_empty() {
            let mask = |l: &ResourceList| -> ResourceList {
                l.iter()
                    .filter(|(k, _)| exceeded.contains(*k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            return Err(Status::forbidden(
                info,
                name,
                &format!(
                    "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                    q.metadata.name,
                    pretty(&mask(&requested)),
                    pretty(&mask(&used)),
                    pretty(&mask(&hard))
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a quota exists that could charge `obj` (cheap pre-check for the hot pod path).
pub(crate) fn has_policy(api: &ApiServer, namespace: &str) -> bool {
    api.iter(Kind::ResourceQuota, Some(namespace))
        .next()
        .is_some()
        || api.iter(Kind::LimitRange, Some(namespace)).next().is_some()
}
