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
    metadata.labels = map(&[("component", "apiserver"), ("provider", "kubernetes")]).into();
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
    metadata.labels = map(&[("endpointslice.kubernetes.io/skip-mirror", "true")]).into();
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
    metadata.labels = map(&[(endpoint_slice::SERVICE_NAME_LABEL, "kubernetes")]).into();
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
    ])
    .into();
    metadata.annotations = map(&[
        ("prometheus.io/port", "9153"),
        ("prometheus.io/scrape", "true"),
    ])
    .into();
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

/// The api-server's bootstrap controller: the `default/kubernetes` Service, its Endpoints and its
/// EndpointSlice come back when deleted.
///
/// Simplification: upstream reconciles every 10 s (`--endpoint-reconciler-type=lease`); here the
/// missing objects are recreated in the next controller round.
pub(crate) fn reconcile_kubernetes_service(api: &mut crate::apiserver::ApiServer) {
    use crate::api::Kind;
    let ns_ok = api
        .get_ref(Kind::Namespace, "", "default")
        .is_some_and(|n| n.metadata().deletion_timestamp.is_none());
    if !ns_ok {
        return;
    }
    let actor = crate::apiserver::Actor::new("kube-apiserver");
    let ip = crate::bootstrap::node_ip(0);
    if api
        .get_ref(Kind::Service, "default", "kubernetes")
        .is_none()
    {
        let _ = api.create(&actor, kubernetes_service());
    }
    if api
        .get_ref(Kind::Endpoints, "default", "kubernetes")
        .is_none()
    {
        let _ = api.create(&actor, kubernetes_endpoints(&ip));
    }
    if api
        .get_ref(Kind::EndpointSlice, "default", "kubernetes")
        .is_none()
    {
        let _ = api.create(&actor, kubernetes_endpoint_slice(&ip));
    }
}
