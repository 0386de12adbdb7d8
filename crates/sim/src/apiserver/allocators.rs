//! The Service REST storage's allocators (`pkg/registry/core/service/{ipallocator,portallocator}`):
//! cluster IPs from the service CIDR and node ports from the node-port range, plus the
//! IP-family fields they fill in, and the `DefaultIngressClass` admission plugin.
//!
//! Simplification: upstream keeps a bitmap (or IPAddress objects) of what is allocated; here the
//! allocated set is read from the stored Services, so deleting a Service releases its IP and
//! ports at once (upstream's repair loop reaches the same state).

use std::collections::BTreeSet;

use crate::api::service::{CLUSTER_IP_NONE, format_ipv4, parse_ipv4};
use crate::api::{Ingress, Kind, Object, Service};
use crate::apiserver::ApiServer;
use crate::apiserver::status::{FieldError, Status};

/// kind's `serviceSubnet` (the kube-apiserver's `--service-cluster-ip-range`).
pub const SERVICE_CIDR: &str = "10.96.0.0/16";
const SERVICE_NET: u32 = 0x0a60_0000; // 10.96.0.0
const SERVICE_PREFIX: u32 = 16;
/// `--service-node-port-range`.
pub const NODE_PORT_MIN: i32 = 30000;
pub const NODE_PORT_MAX: i32 = 32767;

/// The `kubernetes` service's IP (the first of the range) and kube-dns's (the tenth).
pub const KUBERNETES_SERVICE_IP: &str = "10.96.0.1";
pub const KUBE_DNS_SERVICE_IP: &str = "10.96.0.10";

fn range_size() -> u32 {
    1u32 << (32 - SERVICE_PREFIX)
}

/// Cluster IPs and node ports in use by services other than `except` (namespace, name).
fn in_use(api: &ApiServer, except: (&str, &str)) -> (BTreeSet<u32>, BTreeSet<i32>) {
    let mut ips = BTreeSet::new();
    let mut ports = BTreeSet::new();
    for s in api.iter_as::<Service>(None) {
        if (s.metadata.namespace.as_str(), s.metadata.name.as_str()) == except {
            continue;
        }
        for ip in &s.spec.cluster_ips {
            if let Some(v) = parse_ipv4(ip) {
                ips.insert(v);
            }
        }
        for p in &s.spec.ports {
            if let Some(n) = p.node_port.filter(|n| *n != 0) {
                ports.insert(n);
            }
        }
    }
    (ips, ports)
}

fn invalid(svc: &Service, errs: Vec<FieldError>) -> Status {
    Status::invalid(
        &<Service as crate::api::Resource>::INFO,
        &svc.metadata.name,
        &errs,
    )
}

/// `bitmap.AllocateNext` with the random-scan strategy: a random offset in the dynamic band
/// (above the static band reserved for explicitly requested values), scanning forward and
/// wrapping, then the static band.
fn allocate_next(
    api: &mut ApiServer,
    min: u64,
    size: u64,
    used: impl Fn(u64) -> bool,
) -> Option<u64> {
    // `calculateRangeOffset` for IPs: min(max(16, size/16), 256); for ports min(max(16, size/32), 128).
    let offset = if min == 0 {
        (size / 16).clamp(16, 256)
    } else {
        (size / 32).clamp(16, 128)
    }
    .min(size);
    let dynamic = size - offset;
    if dynamic > 0 {
        let start = api.rng().below(dynamic);
        for i in 0..dynamic {
            let v = offset + (start + i) % dynamic;
            if !used(v) {
                return Some(v);
            }
        }
    }
    if offset > 0 {
        let start = api.rng().below(offset);
        for i in 0..offset {
            let v = (start + i) % offset;
            if !used(v) {
                return Some(v);
            }
        }
    }
    None
}

/// Fills the IP-family fields, allocates cluster IPs and node ports of a Service being created
/// (`old` is `None`) or updated. Requested values are honoured or rejected as upstream does.
pub(crate) fn allocate_service(
    api: &mut ApiServer,
    svc: &mut Service,
    old: Option<&Service>,
) -> Result<(), Status> {
    let ns = svc.metadata.namespace.clone();
    let name = svc.metadata.name.clone();
    let (ips, ports) = in_use(api, (&ns, &name));
    let external_name = svc.type_() == crate::api::service::TYPE_EXTERNAL_NAME;
    if !external_name {
        if svc.spec.ip_family_policy.is_none() {
            // Headless services without a selector may carry both families.
            let policy = if svc.is_headless() && svc.spec.selector.is_empty() {
                "RequireDualStack"
            } else {
                "SingleStack"
            };
            svc.spec.ip_family_policy = Some(policy.into());
        }
        if svc.spec.ip_families.is_empty() {
            svc.spec.ip_families = vec!["IPv4".into()];
        }
    } else {
        svc.spec.ip_family_policy = None;
        svc.spec.ip_families.clear();
    }
    // Cluster IP.
    if svc.needs_cluster_ip() {
        let kept = old
            .filter(|o| o.needs_cluster_ip())
            .and_then(|o| o.spec.cluster_ips.first().cloned());
        let requested = svc
            .spec
            .cluster_ips
            .first()
            .cloned()
            .filter(|s| !s.is_empty());
        let ip = match requested {
            Some(ip) if kept.as_deref() == Some(ip.as_str()) => ip,
            Some(ip) => {
                let fail = |detail: String| {
                    invalid(
                        svc,
                        vec![FieldError::invalid(
                            "spec.clusterIPs",
                            serde_json::json!(svc.spec.cluster_ips),
                            format!("failed to allocate IP {ip}: {detail}"),
                        )],
                    )
                };
                let Some(v) = parse_ipv4(&ip) else {
                    return Err(Status::internal(format!(
                        "failed to parse service IP '{ip}'"
                    )));
                };
                let in_range = (v & !(range_size() - 1)) == SERVICE_NET;
                // The network and broadcast addresses are not allocatable.
                let edge = v == SERVICE_NET || v == SERVICE_NET + range_size() - 1;
                if !in_range || edge {
                    return Err(fail(format!(
                        "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
                    )));
                }
                if ips.contains(&v) {
                    return Err(fail("provided IP is already allocated".into()));
                }
                ip
            }
            None => match kept {
                Some(ip) => ip,
                None => {
                    // Offsets 1 ..= size-2 (network and broadcast excluded).
                    let size = u64::from(range_size() - 2);
                    let got = allocate_next(api, 0, size, |o| {
                        ips.contains(&(SERVICE_NET + 1 + o as u32))
                    });
                    let Some(o) = got else {
                        return Err(Status::internal(
                            "failed to allocate a serviceIP: range is full",
                        ));
                    };
                    format_ipv4(SERVICE_NET + 1 + o as u32)
                }
            },
        };
        svc.spec.cluster_ip = Some(ip.clone());
        svc.spec.cluster_ips = vec![ip];
    } else if svc.is_headless() {
        svc.spec.cluster_ip = Some(CLUSTER_IP_NONE.into());
        svc.spec.cluster_ips = vec![CLUSTER_IP_NONE.into()];
    }
    // Node ports.
    if svc.needs_node_ports() {
        let mut taken = ports;
        let mut errs = Vec::new();
        // An update keeps the node ports of unchanged ports (`patchAllocatedValues`).
        if let Some(o) = old.filter(|o| o.needs_node_ports()) {
            for p in &mut svc.spec.ports {
                if p.node_port.unwrap_or(0) == 0
                    && let Some(op) = o
                        .spec
                        .ports
                        .iter()
                        .find(|op| op.port == p.port && op.protocol() == p.protocol())
                {
                    p.node_port = op.node_port;
                }
            }
        }
        let mine: BTreeSet<i32> = old
            .map(|o| o.spec.ports.iter().filter_map(|p| p.node_port).collect())
            .unwrap_or_default();
        let mut assigned: Vec<(i32, String)> = Vec::new();
        for (i, p) in svc.spec.ports.iter().enumerate() {
            let Some(np) = p.node_port.filter(|n| *n != 0) else {
                continue;
            };
            let field = format!("spec.ports[{i}].nodePort");
            if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&np) {
                errs.push(FieldError::invalid(
                    field,
                    np,
                    format!(
                        "provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}"
                    ),
                ));
            } else if (taken.contains(&np) && !mine.contains(&np))
                || assigned
                    .iter()
                    .any(|(n, proto)| *n == np && proto == p.protocol())
            {
                errs.push(FieldError::invalid(
                    field,
                    np,
                    "provided port is already allocated",
                ));
            }
            assigned.push((np, p.protocol().to_string()));
        }
        if !errs.is_empty() {
            return Err(invalid(svc, errs));
        }
        taken.extend(assigned.iter().map(|(n, _)| *n));
        // Ports without a node port get one; a port number shared across protocols shares it.
        let size = (NODE_PORT_MAX - NODE_PORT_MIN + 1) as u64;
        for i in 0..svc.spec.ports.len() {
            if svc.spec.ports[i].node_port.unwrap_or(0) != 0 {
                continue;
            }
            let port = svc.spec.ports[i].port;
            let shared = svc.spec.ports[..i]
                .iter()
                .find(|p| p.port == port)
                .and_then(|p| p.node_port);
            let np = match shared {
                Some(n) => n,
                None => {
                    let got = allocate_next(api, 1, size, |o| {
                        taken.contains(&(NODE_PORT_MIN + o as i32))
                    });
                    let Some(o) = got else {
                        return Err(Status::internal(
                            "failed to allocate a nodePort: range is full",
                        ));
                    };
                    NODE_PORT_MIN + o as i32
                }
            };
            taken.insert(np);
            svc.spec.ports[i].node_port = Some(np);
        }
    }
    Ok(())
}

/// Copies the allocated values an update left out (`patchAllocatedValues`), before validation.
pub(crate) fn patch_allocated_values(new: &mut Object, old: &Object) {
    if let (Object::Service(n), Object::Service(o)) = (new, old) {
        patch_service(n, o);
    }
}

fn patch_service(new: &mut Service, old: &Service) {
    // `dropTypeDependentFields`: leaving NodePort/LoadBalancer drops what only those types have,
    // unless the update set it itself.
    let had_ports = old.needs_node_ports();
    if had_ports && !new.needs_node_ports() {
        for p in &mut new.spec.ports {
            let same = old
                .spec
                .ports
                .iter()
                .any(|op| op.port == p.port && op.node_port == p.node_port);
            if same {
                p.node_port = None;
            }
        }
    }
    let lb_or_np = |s: &Service| {
        matches!(
            s.type_(),
            crate::api::service::TYPE_NODE_PORT | crate::api::service::TYPE_LOAD_BALANCER
        )
    };
    if lb_or_np(old)
        && !lb_or_np(new)
        && new.spec.external_traffic_policy == old.spec.external_traffic_policy
    {
        new.spec.external_traffic_policy = None;
    }
    if old.type_() == crate::api::service::TYPE_LOAD_BALANCER
        && new.type_() != crate::api::service::TYPE_LOAD_BALANCER
        && new.spec.allocate_load_balancer_node_ports == old.spec.allocate_load_balancer_node_ports
    {
        new.spec.allocate_load_balancer_node_ports = None;
    }
    if old.needs_cluster_ip() || old.is_headless() {
        let empty = new.spec.cluster_ip.as_deref().is_none_or(str::is_empty);
        if empty
            && new.spec.cluster_ips.is_empty()
            && new.type_() != crate::api::service::TYPE_EXTERNAL_NAME
        {
            new.spec.cluster_ip = old.spec.cluster_ip.clone();
            new.spec.cluster_ips = old.spec.cluster_ips.clone();
        }
    }
    if new.spec.ip_family_policy.is_none() {
        new.spec.ip_family_policy = old.spec.ip_family_policy.clone();
    }
    if new.spec.ip_families.is_empty() {
        new.spec.ip_families = old.spec.ip_families.clone();
    }
}

/// The `DefaultIngressClass` admission plugin: an Ingress without a class gets the IngressClass
/// annotated `ingressclass.kubernetes.io/is-default-class: "true"` (the newest, if several).
pub(crate) fn admit_ingress(api: &ApiServer, ing: &mut Ingress) {
    if ing.spec.ingress_class_name.is_some()
        || ing
            .metadata
            .annotations
            .contains_key("kubernetes.io/ingress.class")
    {
        return;
    }
    let mut best: Option<(String, String)> = None;
    for o in api.iter(Kind::IngressClass, None) {
        let m = o.metadata();
        if m.annotations
            .get("ingressclass.kubernetes.io/is-default-class")
            .map(String::as_str)
            == Some("true")
        {
            let created = m.creation_timestamp.clone().unwrap_or_default();
            if best
                .as_ref()
                .is_none_or(|(c, _): &(String, String)| created.as_str() >= c.as_str())
            {
                best = Some((created.to_string(), m.name.to_string()));
            }
        }
    }
    if let Some((_, name)) = best {
        ing.spec.ingress_class_name = Some(name);
    }
}

/// The create-time hook of the networking kinds, after validation.
pub(crate) fn on_create(api: &mut ApiServer, obj: &mut Object) -> Result<(), Status> {
    match obj {
        Object::Service(svc) => allocate_service(api, svc, None),
        _ => Ok(()),
    }
}

/// The admission-time hook of the networking kinds, before validation.
pub(crate) fn admit(api: &ApiServer, obj: &mut Object) {
    if let Object::Ingress(ing) = obj {
        admit_ingress(api, ing);
    }
}

/// The update-time hook: a Service keeps its allocations and gets new ones it now needs.
pub(crate) fn on_update(api: &mut ApiServer, new: &mut Object, old: &Object) -> Result<(), Status> {
    match (new, old) {
        (Object::Service(svc), Object::Service(o)) => allocate_service(api, svc, Some(o)),
        _ => Ok(()),
    }
}
