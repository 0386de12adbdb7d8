//! EndpointsController (`pkg/controller/endpoint`): keeps one `v1 Endpoints` per Service with a
//! selector, listing the IPs of the matching pods (ready ones under `addresses`, others under
//! `notReadyAddresses`) with the service's ports resolved against each pod. Also the helpers
//! the EndpointSlice controller shares (`endpointsliceutil.ShouldPodBeInEndpoints`, `FindPort`).

use std::collections::{BTreeMap, BTreeSet};

use crate::api::endpoints::{EndpointAddress, EndpointPort, EndpointSubset, ObjectReference};
use crate::api::meta::IntOrString;
use crate::api::service::{ServicePort, TYPE_EXTERNAL_NAME};
use crate::api::{Endpoints, Kind, ObjectMeta, Pod, Service};
use crate::apiserver::{Actor, ApiServer, DeleteOptions};
use crate::labels::Selector;

use super::Key;

pub const TRIGGER_TIME_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

fn actor() -> Actor {
    Actor::new("endpoint-controller")
}

/// `endpointsliceutil.ShouldPodBeInEndpoints`.
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    let has_ip = pod.status.as_ref().is_some_and(|s| {
        s.pod_ip.as_deref().is_some_and(|ip| !ip.is_empty()) || !s.pod_ips.is_empty()
    });
    if !has_ip {
        return false;
    }
    if !include_terminating && pod.metadata.deletion_timestamp.is_some() {
        return false;
    }
    match pod.spec.restart_policy.as_deref() {
        Some("Never") => !pod.is_terminal(),
        Some("OnFailure") => pod.phase() != "Succeeded",
        _ => true,
    }
}

/// The pod's primary IP.
pub fn pod_ip(pod: &Pod) -> Option<String> {
    let s = pod.status.as_ref()?;
    (s.pod_ip
        .clone()
        .filter(|ip| !ip.is_empty())
        .or_else(|| s.pod_ips.first().map(|e| e.ip.clone())))
    .map(String::from)
}

/// `podutil.FindPort`: the container port a service port targets on this pod.
pub fn find_port(pod: &Pod, sp: &ServicePort) -> Option<i32> {
    match &sp.target_port {
        Some(IntOrString::String(name)) => pod
            .spec
            .containers
            .iter()
            .chain(
                pod.spec
                    .init_containers
                    .iter()
                    .filter(|c| c.restart_policy.as_deref() == Some("Always")),
            )
            .flat_map(|c| &c.ports)
            .find(|p| {
                p.name.as_deref() == Some(name.as_str())
                    && p.protocol.as_deref().unwrap_or("TCP") == sp.protocol()
            })
            .map(|p| p.container_port),
        Some(IntOrString::Int(n)) => Some(*n),
        None => Some(sp.port),
    }
}

/// The pods a service selects, in name order.
pub fn selected_pods<'a>(api: &'a ApiServer, svc: &Service) -> Vec<&'a Pod> {
    let selector = Selector::from_map(&svc.spec.selector);
    api.iter_as::<Pod>(Some(&svc.metadata.namespace))
        .filter(|p| selector.matches(&p.metadata.labels))
        .collect()
}

/// The pod's hostname in the service's DNS, when it names the service as its subdomain.
pub fn hostname_for(pod: &Pod, svc: &Service) -> Option<String> {
    let h = pod.spec.hostname.as_deref().filter(|h| !h.is_empty())?;
    (pod.spec.subdomain.as_deref() == Some(svc.metadata.name.as_str())).then(|| h.to_string())
}

pub fn pod_reference(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: "Pod".into(),
        namespace: pod.metadata.namespace.to_string(),
        name: pod.metadata.name.to_string(),
        uid: pod.metadata.uid.to_string(),
    }
}

/// Whether a service gets managed endpoints at all.
pub fn manages(svc: &Service) -> bool {
    !svc.spec.selector.is_empty() && svc.type_() != TYPE_EXTERNAL_NAME
}

/// The services of `namespace` whose endpoints may change when `changed` objects did: services
/// themselves, endpoints named after them, and every service of a namespace where a pod changed.
pub(crate) fn changed_services(api: &ApiServer, cursor: &mut u64, own: Kind) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    let mut pod_namespaces = BTreeSet::new();
    match api.watch(*cursor) {
        Ok(events) => {
            for e in events {
                let m = e.object.metadata();
                match e.object.kind() {
                    Kind::Service => {
                        keys.insert((m.namespace.to_string(), m.name.to_string()));
                    }
                    Kind::Pod if !pod_namespaces.contains(m.namespace.as_str()) => {
                        pod_namespaces.insert(m.namespace.to_string());
                    }
                    Kind::Pod => {}
                    k if k == own => {
                        let svc = if own == Kind::Endpoints {
                            Some(m.name.to_string())
                        } else {
                            m.labels
                                .get(crate::api::endpoint_slice::SERVICE_NAME_LABEL)
                                .cloned()
                        };
                        if let Some(s) = svc {
                            keys.insert((m.namespace.to_string(), s));
                        }
                    }
                    _ => {}
                }
            }
        }
        Err(_) => {
            for s in api.iter(Kind::Service, None) {
                let m = s.metadata();
                keys.insert((m.namespace.to_string(), m.name.to_string()));
            }
        }
    }
    for ns in pod_namespaces {
        for s in api.iter(Kind::Service, Some(&ns)) {
            keys.insert((ns.clone(), s.metadata().name.to_string()));
        }
    }
    *cursor = api.resource_version();
    keys
}

#[derive(Clone, Debug, Default)]
pub struct EndpointsController {
    cursor: u64,
}

/// The subsets of a service's endpoints (`syncService` + `endpoints.RepackSubsets`).
///
/// Simplification: subsets are ordered by their ports and addresses by IP (then pod), where
/// upstream orders subsets by a hash; with one port set (the usual case) the result is the same.
pub fn desired_subsets(api: &ApiServer, svc: &Service) -> Vec<EndpointSubset> {
    let publish = svc.spec.publish_not_ready_addresses == Some(true);
    // ports → (ready, not ready)
    type Addrs = (BTreeSet<EndpointAddress>, BTreeSet<EndpointAddress>);
    let mut groups: BTreeMap<Vec<EndpointPort>, Addrs> = BTreeMap::new();
    for pod in selected_pods(api, svc) {
        if !should_pod_be_in_endpoints(pod, publish) {
            continue;
        }
        let Some(ip) = pod_ip(pod) else {
            continue;
        };
        let addr = EndpointAddress {
            ip,
            hostname: hostname_for(pod, svc),
            node_name: pod.spec.node_name.clone().map(String::from),
            target_ref: Some(pod_reference(pod)),
        };
        let ready = publish || pod.is_ready();
        let mut push = |ports: Vec<EndpointPort>| {
            let g = groups.entry(ports).or_default();
            if ready {
                g.0.insert(addr.clone());
            } else {
                g.1.insert(addr.clone());
            }
        };
        if svc.spec.ports.is_empty() {
            if svc.is_headless() {
                push(Vec::new());
            }
            continue;
        }
        for sp in &svc.spec.ports {
            if let Some(port) = find_port(pod, sp) {
                push(vec![EndpointPort {
                    name: sp.name.clone(),
                    port,
                    protocol: Some(sp.protocol().to_string()),
                    app_protocol: sp.app_protocol.clone(),
                }]);
            }
        }
    }
    // Repack: addresses sharing the same set of ports form one subset.
    let mut by_address: BTreeMap<(bool, EndpointAddress), BTreeSet<EndpointPort>> = BTreeMap::new();
    for (ports, (ready, not_ready)) in &groups {
        for a in ready {
            by_address
                .entry((true, a.clone()))
                .or_default()
                .extend(ports.iter().cloned());
        }
        for a in not_ready {
            by_address
                .entry((false, a.clone()))
                .or_default()
                .extend(ports.iter().cloned());
        }
    }
    let mut subsets: BTreeMap<Vec<EndpointPort>, EndpointSubset> = BTreeMap::new();
    for ((ready, addr), ports) in by_address {
        let ports: Vec<EndpointPort> = ports.into_iter().collect();
        let s = subsets
            .entry(ports.clone())
            .or_insert_with(|| EndpointSubset {
                ports,
                ..Default::default()
            });
        if ready {
            s.addresses.push(addr);
        } else {
            s.not_ready_addresses.push(addr);
        }
    }
    subsets.into_values().collect()
}

/// The labels the controller puts on endpoints and slices: the service's, plus the headless mark.
pub fn managed_labels(svc: &Service) -> BTreeMap<String, String> {
    let mut labels = svc.metadata.labels.clone();
    if svc.is_headless() {
        labels.insert(HEADLESS_LABEL.into(), String::new());
    }
    BTreeMap::from(labels)
}

impl EndpointsController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        crate::networking::reconcile_kubernetes_service(api);
        for (ns, name) in changed_services(api, &mut self.cursor, Kind::Endpoints) {
            Self::sync_service(api, &ns, &name);
        }
        self.cursor = api.resource_version();
    }

    fn sync_service(api: &mut ApiServer, ns: &str, name: &str) {
        let Ok(svc) = api.get_as::<Service>(ns, name) else {
            // The service is gone: so are its endpoints.
            if api.get_ref(Kind::Endpoints, ns, name).is_some() {
                let _ = api.delete(
                    &actor(),
                    Kind::Endpoints,
                    ns,
                    name,
                    &DeleteOptions::default(),
                );
            }
            return;
        };
        if !manages(&svc) || svc.metadata.deletion_timestamp.is_some() {
            return;
        }
        let subsets = desired_subsets(api, &svc);
        let labels = managed_labels(&svc);
        let now = api.now().rfc3339();
        match api.get_as::<Endpoints>(ns, name) {
            Ok(current) => {
                if current.subsets == subsets && current.metadata.labels == labels {
                    return;
                }
                let mut ep = current;
                ep.subsets = subsets;
                ep.metadata.labels = labels.into();
                ep.metadata
                    .annotations
                    .insert(TRIGGER_TIME_ANNOTATION.into(), now);
                let _ = api.update(&actor(), ep);
            }
            Err(_) => {
                let mut metadata = ObjectMeta::named(ns, name);
                metadata.labels = labels.into();
                metadata
                    .annotations
                    .insert(TRIGGER_TIME_ANNOTATION.into(), now);
                let ep = Endpoints { metadata, subsets };
                let _ = api.create(&actor(), ep);
            }
        }
    }
}
