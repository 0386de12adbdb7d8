//! The networking objects a kind cluster boots with: the api-server's `default/kubernetes`
//! Service with the Endpoints and EndpointSlice its endpoint reconciler keeps (pointing at the
//! control plane's `:6443`), and kubeadm's CoreDNS Service `kube-system/kube-dns`.

use std::collections::BTreeMap;

use crate::api::endpoint_slice::{self, EndpointConditions};
use crate::api::endpoints::{EndpointAddress, EndpointPort, EndpointSubset};
use crate::api::service::{ServicePort, ServiceSpec};
use crate::api::{EndpointSlice, Endpoints, IntOrString, ObjectMeta, Service};
use crate::apiserver::allocators::{KUBE_DNS_SERVICE_IP, KUBERNETES_SERVICE_IP};

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn port(name: &str, protocol: &str, port: i32, target: i32) -> ServicePort {
    ServicePort {
        name: name.into(),
        protocol: Some(protocol.into()),
        port,
        target_port: Some(IntOrString::Int(target)),
        ..Default::default()
    }
}

pub(crate) fn kubernetes_service() -> Service {
    let mut metadata = ObjectMeta::named("default", "kubernetes");
    metadata.labels = map(&[("component", "apiserver"), ("provider", "kubernetes")]);
    Service {
        metadata,
        spec: ServiceSpec {
            ports: vec![port("https", "TCP", 443, 6443)],
            cluster_ip: Some(KUBERNETES_SERVICE_IP.into()),
            ..Default::default()
        },
        status: None,
    }
}

pub(crate) fn kubernetes_endpoints(ip: &str) -> Endpoints {
    let mut metadata = ObjectMeta::named("default", "kubernetes");
    metadata.labels = map(&[("endpointslice.kubernetes.io/skip-mirror", "true")]);
    Endpoints {
        metadata,
        subsets: vec![EndpointSubset {
            addresses: vec![EndpointAddress {
                ip: ip.into(),
                ..Default::default()
            }],
            not_ready_addresses: Vec::new(),
            ports: vec![EndpointPort {
                name: "https".into(),
                port: 6443,
                protocol: Some("TCP".into()),
                app_protocol: None,
            }],
        }],
    }
}

pub(crate) fn kubernetes_endpoint_slice(ip: &str) -> EndpointSlice {
    let mut metadata = ObjectMeta::named("default", "kubernetes");
    metadata.labels = map(&[(endpoint_slice::SERVICE_NAME_LABEL, "kubernetes")]);
    EndpointSlice {
        metadata,
        address_type: "IPv4".into(),
        endpoints: Some(vec![endpoint_slice::Endpoint {
            addresses: vec![ip.into()],
            conditions: EndpointConditions {
                ready: Some(true),
                ..Default::default()
            },
            ..Default::default()
        }]),
        ports: Some(vec![endpoint_slice::EndpointPort {
            name: Some("https".into()),
            protocol: Some("TCP".into()),
            port: Some(6443),
            app_protocol: None,
        }]),
    }
}

pub(crate) fn kube_dns_service() -> Service {
    let mut metadata = ObjectMeta::named("kube-system", "kube-dns");
    metadata.labels = map(&[
        ("k8s-app", "kube-dns"),
        ("kubernetes.io/cluster-service", "true"),
        ("kubernetes.io/name", "CoreDNS"),
    ]);
    metadata.annotations = map(&[
        ("prometheus.io/port", "9153"),
        ("prometheus.io/scrape", "true"),
    ]);
    Service {
        metadata,
        spec: ServiceSpec {
            ports: vec![
                port("dns", "UDP", 53, 53),
                port("dns-tcp", "TCP", 53, 53),
                port("metrics", "TCP", 9153, 9153),
            ],
            selector: map(&[("k8s-app", "kube-dns")]),
            cluster_ip: Some(KUBE_DNS_SERVICE_IP.into()),
            ..Default::default()
        },
        status: None,
    }
}
