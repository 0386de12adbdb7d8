//! EndpointSliceController (`pkg/controller/endpointslice`): keeps the EndpointSlices of every
//! Service with a selector: one IPv4 slice per set of resolved ports, named
//! `<service>-<5 random chars>`, owned by the service, labelled with
//! `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`. Terminating pods
//! stay listed (ready false, terminating true) until they are gone.
//!
//! Simplification: a slice holds any number of endpoints (upstream splits at 100 per slice), and
//! services without a selector get no mirrored slices (the EndpointSliceMirroring controller is
//! not simulated).

use std::collections::BTreeMap;

use crate::api::endpoint_slice::{
    Endpoint, EndpointConditions, EndpointPort, MANAGED_BY_CONTROLLER, MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
};
use crate::api::{EndpointSlice, Kind, Object, ObjectMeta, Service};
use crate::apiserver::{Actor, ApiServer, DeleteOptions};

use super::endpoints::{
    TRIGGER_TIME_ANNOTATION, changed_services, find_port, hostname_for, managed_labels, manages,
    pod_ip, pod_reference, selected_pods, should_pod_be_in_endpoints,
};
use super::replica_set::controller_ref;

fn actor() -> Actor {
    Actor::new("endpoint-slice-controller")
}

#[derive(Clone, Debug, Default)]
pub struct EndpointSliceController {
    cursor: u64,
}

/// The endpoints a service should have, grouped by their resolved ports.
fn desired(api: &ApiServer, svc: &Service) -> BTreeMap<Vec<PortKey>, Vec<Endpoint>> {
    let publish = svc.spec.publish_not_ready_addresses == Some(true);
    let mut groups: BTreeMap<Vec<PortKey>, Vec<Endpoint>> = BTreeMap::new();
    for pod in selected_pods(api, svc) {
        if !should_pod_be_in_endpoints(pod, true) {
            continue;
        }
        let Some(ip) = pod_ip(pod) else {
            continue;
        };
        let terminating = pod.metadata.deletion_timestamp.is_some();
        let serving = publish || pod.is_ready();
        let ports: Vec<PortKey> = svc
            .spec
            .ports
            .iter()
            .filter_map(|sp| {
                find_port(pod, sp).map(|port| PortKey {
                    name: sp.name.clone(),
                    protocol: sp.protocol().to_string(),
                    port,
                    app_protocol: sp.app_protocol.clone(),
                })
            })
            .collect();
        if ports.is_empty() && !svc.spec.ports.is_empty() {
            continue;
        }
        groups.entry(ports).or_default().push(Endpoint {
            addresses: vec![ip],
            conditions: EndpointConditions {
                ready: Some(publish || (pod.is_ready() && !terminating)),
                serving: Some(serving),
                terminating: Some(terminating),
            },
            hostname: hostname_for(pod, svc),
            target_ref: Some(pod_reference(pod)),
            node_name: pod.spec.node_name.clone().map(String::from),
            ..Default::default()
        });
    }
    // Simplification: endpoints are listed in address order (upstream keeps the order its pod
    // cache returned them in).
    for endpoints in groups.values_mut() {
        endpoints.sort_by(|a, b| a.addresses.cmp(&b.addresses));
    }
    groups
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct PortKey {
    name: String,
    protocol: String,
    port: i32,
    app_protocol: Option<String>,
}

fn slice_ports(keys: &[PortKey]) -> Option<Vec<EndpointPort>> {
    if keys.is_empty() {
        return None;
    }
    Some(
        keys.iter()
            .map(|k| EndpointPort {
                name: Some(k.name.clone()),
                protocol: Some(k.protocol.clone()),
                port: Some(k.port),
                app_protocol: k.app_protocol.clone(),
            })
            .collect(),
    )
}

fn port_keys(slice: &EndpointSlice) -> Vec<PortKey> {
    slice
        .ports
        .iter()
        .flatten()
        .map(|p| PortKey {
            name: p.name.clone().unwrap_or_default(),
            protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            port: p.port.unwrap_or(0),
            app_protocol: p.app_protocol.clone(),
        })
        .collect()
}

impl EndpointSliceController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        for (ns, name) in changed_services(api, &mut self.cursor, Kind::EndpointSlice) {
            Self::sync_service(api, &ns, &name);
        }
        self.cursor = api.resource_version();
    }

    fn sync_service(api: &mut ApiServer, ns: &str, name: &str) {
        let svc = match api.get_as::<Service>(ns, name) {
            Ok(s) if manages(&s) && s.metadata.deletion_timestamp.is_none() => s,
            // Slices of a deleted service go with it (the garbage collector follows their
            // owner reference).
            _ => return,
        };
        let existing: Vec<EndpointSlice> = api
            .iter_as::<EndpointSlice>(Some(ns))
            .filter(|s| {
                s.metadata
                    .labels
                    .get(SERVICE_NAME_LABEL)
                    .map(String::as_str)
                    == Some(name)
                    && s.metadata.labels.get(MANAGED_BY_LABEL).map(String::as_str)
                        == Some(MANAGED_BY_CONTROLLER)
            })
            .cloned()
            .collect();
        let mut groups = desired(api, &svc);
        if groups.is_empty() {
            // A placeholder slice: no endpoints, no ports.
            groups.insert(Vec::new(), Vec::new());
        }
        let mut labels = managed_labels(&svc);
        labels.insert(SERVICE_NAME_LABEL.into(), name.to_string());
        labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY_CONTROLLER.into());
        let now = api.now().rfc3339();
        let mut unused: Vec<EndpointSlice> = existing;
        for (keys, endpoints) in groups {
            let endpoints = (!endpoints.is_empty()).then_some(endpoints);
            let ports = slice_ports(&keys);
            let pos = unused.iter().position(|s| port_keys(s) == keys);
            match pos {
                Some(i) => {
                    let mut slice = unused.remove(i);
                    if slice.endpoints == endpoints && slice.metadata.labels == labels {
                        continue;
                    }
                    slice.endpoints = endpoints;
                    slice.ports = ports;
                    slice.metadata.labels = labels.clone().into();
                    slice
                        .metadata
                        .annotations
                        .insert(TRIGGER_TIME_ANNOTATION.into(), now.clone());
                    let _ = api.update(&actor(), slice);
                }
                None => {
                    let mut metadata = ObjectMeta {
                        generate_name: format!("{name}-").into(),
                        namespace: crate::api::Str::new(ns),
                        labels: labels.clone().into(),
                        ..Default::default()
                    };
                    metadata
                        .annotations
                        .insert(TRIGGER_TIME_ANNOTATION.into(), now.clone());
                    metadata.owner_references = vec![controller_ref(
                        "Service",
                        "v1",
                        &Object::Service(Box::new(svc.clone())),
                    )]
                    .into();
                    let slice = EndpointSlice {
                        metadata,
                        address_type: "IPv4".into(),
                        endpoints,
                        ports,
                    };
                    let _ = api.create(&actor(), slice);
                }
            }
        }
        for s in unused {
            let _ = api.delete(
                &actor(),
                Kind::EndpointSlice,
                ns,
                &s.metadata.name,
                &DeleteOptions::default(),
            );
        }
    }
}
