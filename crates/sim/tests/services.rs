//! Services, Endpoints, EndpointSlices and Ingresses as a learner sees them with
//! `kubectl get svc,ep,endpointslices,ing`.

use sim::api::endpoint_slice::{MANAGED_BY_LABEL, SERVICE_NAME_LABEL};
use sim::api::ingress::{
    HttpIngressPath, HttpIngressRuleValue, IngressBackend, IngressRule, IngressServiceBackend,
    ServiceBackendPort,
};
use sim::api::service::ServicePort;
use sim::api::{
    Deployment, EndpointSlice, Endpoints, Ingress, IngressClass, IntOrString, ObjectMeta, Pod,
    Service,
};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

fn svc(c: &Cluster, ns: &str, name: &str) -> Service {
    c.api().get_as::<Service>(ns, name).unwrap()
}

fn endpoints(c: &Cluster, ns: &str, name: &str) -> Option<Endpoints> {
    c.api().get_as::<Endpoints>(ns, name).ok()
}

fn slices(c: &Cluster, ns: &str, name: &str) -> Vec<EndpointSlice> {
    c.api()
        .iter_as::<EndpointSlice>(Some(ns))
        .filter(|s| {
            s.metadata
                .labels
                .get(SERVICE_NAME_LABEL)
                .map(String::as_str)
                == Some(name)
        })
        .cloned()
        .collect()
}

fn ready_ips(ep: &Endpoints) -> Vec<String> {
    ep.subsets
        .iter()
        .flat_map(|s| &s.addresses)
        .map(|a| a.ip.clone())
        .collect()
}

fn not_ready_ips(ep: &Endpoints) -> Vec<String> {
    ep.subsets
        .iter()
        .flat_map(|s| &s.not_ready_addresses)
        .map(|a| a.ip.clone())
        .collect()
}

fn web(c: &mut Cluster, replicas: i32) {
    c.api_mut()
        .create(
            &kubectl(),
            Deployment::new("default", "web", "nginx:1.27", replicas),
        )
        .unwrap();
    c.settle();
    c.advance(Duration::seconds(20));
}

fn create_svc(c: &mut Cluster, s: Service) -> Result<Service, Status> {
    let r = c.api_mut().create_as(&kubectl(), s);
    c.settle();
    r
}

fn node_port_svc(name: &str, node_port: Option<i32>) -> Service {
    let mut s = Service::new("default", name, 80);
    s.spec.type_ = Some("NodePort".into());
    s.spec.ports[0].node_port = node_port;
    s
}

#[test]
fn a_fresh_cluster_has_the_kubernetes_and_kube_dns_services() {
    let c = Cluster::default();
    let k = svc(&c, "default", "kubernetes");
    assert_eq!(k.spec.cluster_ips, vec!["10.96.0.1"]);
    assert_eq!(k.spec.ports[0].port, 443);
    assert_eq!(k.spec.ip_families, vec!["IPv4"]);
    assert_eq!(k.spec.ip_family_policy.as_deref(), Some("SingleStack"));
    let ep = endpoints(&c, "default", "kubernetes").unwrap();
    assert_eq!(ready_ips(&ep), vec!["172.18.0.2"]);
    assert_eq!(ep.subsets[0].ports[0].port, 6443);

    let dns = svc(&c, "kube-system", "kube-dns");
    assert_eq!(dns.spec.cluster_ip.as_deref(), Some("10.96.0.10"));
    let ports: Vec<(String, i32, String)> = dns
        .spec
        .ports
        .iter()
        .map(|p| (p.name.clone(), p.port, p.protocol().to_string()))
        .collect();
    assert_eq!(
        ports,
        vec![
            ("dns".to_string(), 53, "UDP".to_string()),
            ("dns-tcp".to_string(), 53, "TCP".to_string()),
            ("metrics".to_string(), 9153, "TCP".to_string()),
        ]
    );
    // Once CoreDNS runs, both of its pods are behind kube-dns.
    let ep = endpoints(&c, "kube-system", "kube-dns").unwrap();
    assert_eq!(ready_ips(&ep).len(), 2);
    assert_eq!(ep.subsets[0].ports.len(), 3);
    let s = slices(&c, "kube-system", "kube-dns");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].endpoints.as_ref().map(Vec::len), Some(2));
}

#[test]
fn a_cluster_ip_is_allocated_at_random_from_the_service_range_and_defaults_are_filled() {
    let mut c = Cluster::default();
    let s = create_svc(&mut c, Service::new("default", "web", 80)).unwrap();
    let ip = s.spec.cluster_ip.clone().unwrap();
    assert!(ip.starts_with("10.96."), "{ip}");
    assert_ne!(ip, "10.96.0.1");
    assert_eq!(s.spec.cluster_ips, vec![ip]);
    assert_eq!(s.spec.type_.as_deref(), Some("ClusterIP"));
    assert_eq!(s.spec.session_affinity.as_deref(), Some("None"));
    assert_eq!(s.spec.internal_traffic_policy.as_deref(), Some("Cluster"));
    assert_eq!(s.spec.external_traffic_policy, None);
    assert_eq!(s.spec.ports[0].protocol.as_deref(), Some("TCP"));
    assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(80)));
}

#[test]
fn a_requested_cluster_ip_is_honoured_once_and_then_reported_as_allocated() {
    let mut c = Cluster::default();
    let mut a = Service::new("default", "a", 80);
    a.spec.cluster_ip = Some("10.96.100.100".into());
    let a = create_svc(&mut c, a).unwrap();
    assert_eq!(a.spec.cluster_ips, vec!["10.96.100.100"]);
    let mut b = Service::new("default", "b", 80);
    b.spec.cluster_ip = Some("10.96.100.100".into());
    let err = create_svc(&mut c, b).unwrap_err();
    assert_eq!(
        err.message,
        "Service \"b\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.100.100\"]: failed to allocate IP 10.96.100.100: provided IP is already allocated"
    );
    let mut d = Service::new("default", "d", 80);
    d.spec.cluster_ip = Some("10.0.0.5".into());
    let err = create_svc(&mut c, d).unwrap_err();
    assert!(
        err.message.ends_with(
            "failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/16"
        ),
        "{}",
        err.message
    );
    // Deleting the service releases its IP.
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Service,
            "default",
            "a",
            &Default::default(),
        )
        .unwrap();
    let mut e = Service::new("default", "e", 80);
    e.spec.cluster_ip = Some("10.96.100.100".into());
    assert!(create_svc(&mut c, e).is_ok());
}

#[test]
fn node_ports_are_allocated_in_range_and_conflicts_are_rejected() {
    let mut c = Cluster::default();
    let a = create_svc(&mut c, node_port_svc("a", None)).unwrap();
    let np = a.spec.ports[0].node_port.unwrap();
    assert!((30000..=32767).contains(&np));
    assert_eq!(a.spec.external_traffic_policy.as_deref(), Some("Cluster"));
    create_svc(&mut c, node_port_svc("b", Some(30080))).unwrap();
    let err = create_svc(&mut c, node_port_svc("c", Some(30080))).unwrap_err();
    assert_eq!(
        err.message,
        "Service \"c\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
    );
    let err = create_svc(&mut c, node_port_svc("d", Some(8080))).unwrap_err();
    assert_eq!(
        err.message,
        "Service \"d\" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767"
    );
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Service,
            "default",
            "b",
            &Default::default(),
        )
        .unwrap();
    assert!(create_svc(&mut c, node_port_svc("c", Some(30080))).is_ok());
}

#[test]
fn a_load_balancer_gets_node_ports_but_no_external_address() {
    let mut c = Cluster::default();
    let mut s = Service::new("default", "lb", 80);
    s.spec.type_ = Some("LoadBalancer".into());
    let s = create_svc(&mut c, s).unwrap();
    assert!(s.spec.ports[0].node_port.is_some());
    assert_eq!(s.spec.allocate_load_balancer_node_ports, Some(true));
    assert!(s.status.unwrap().load_balancer.ingress.is_empty());
}

#[test]
fn invalid_services_are_rejected_with_upstream_messages() {
    let mut c = Cluster::default();
    let mut s = Service::new("default", "web", 70000);
    s.spec.ports[0].target_port = Some(IntOrString::Int(80));
    let err = create_svc(&mut c, s).unwrap_err();
    assert_eq!(
        err.message,
        "Service \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"
    );
    let mut s = Service::new("default", "web", 80);
    s.spec.type_ = Some("Nodeport".into());
    let err = create_svc(&mut c, s).unwrap_err();
    assert!(err.message.contains(
        "spec.type: Unsupported value: \"Nodeport\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
    ));
    let mut s = Service::new("default", "web", 80);
    s.spec.ports.clear();
    let err = create_svc(&mut c, s).unwrap_err();
    assert_eq!(
        err.message,
        "Service \"web\" is invalid: spec.ports: Required value"
    );
    let err = create_svc(&mut c, Service::new("default", "1web", 80)).unwrap_err();
    assert!(err.message.contains("a DNS-1035 label must consist of"));
    let mut s = Service::new("default", "web", 80);
    s.spec.ports[0].protocol = Some("HTTP".into());
    let err = create_svc(&mut c, s).unwrap_err();
    assert!(err.message.contains(
        "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""
    ));
}

#[test]
fn the_cluster_ip_of_a_service_cannot_change() {
    let mut c = Cluster::default();
    let s = create_svc(&mut c, Service::new("default", "web", 80)).unwrap();
    // An update that leaves the IP out keeps it.
    let mut kept = s.clone();
    kept.spec.cluster_ip = None;
    kept.spec.cluster_ips.clear();
    kept.spec.ports[0].port = 8080;
    kept.spec.ports[0].target_port = None;
    let kept = c.api_mut().update_as(&kubectl(), kept).unwrap();
    assert_eq!(kept.spec.cluster_ips, s.spec.cluster_ips);
    let mut changed = kept.clone();
    changed.spec.cluster_ip = Some("10.96.200.1".into());
    changed.spec.cluster_ips = vec!["10.96.200.1".into()];
    let err = c.api_mut().update_as(&kubectl(), changed).unwrap_err();
    assert!(
        err.message.contains(
            "spec.clusterIPs[0]: Invalid value: [\"10.96.200.1\"]: may not change once set"
        ),
        "{}",
        err.message
    );
}

#[test]
fn a_headless_service_has_no_cluster_ip_but_lists_pod_ips() {
    let mut c = Cluster::default();
    web(&mut c, 2);
    let mut s = Service::new("default", "web", 80);
    s.spec.cluster_ip = Some("None".into());
    let s = create_svc(&mut c, s).unwrap();
    assert_eq!(s.spec.cluster_ips, vec!["None"]);
    let ep = endpoints(&c, "default", "web").unwrap();
    assert_eq!(ready_ips(&ep).len(), 2);
    assert!(
        ep.metadata
            .labels
            .contains_key("service.kubernetes.io/headless")
    );
}

#[test]
fn endpoints_list_the_ready_pods_a_service_selects() {
    let mut c = Cluster::default();
    web(&mut c, 3);
    let mut s = Service::new("default", "web", 80);
    s.spec.ports[0].target_port = Some(IntOrString::Int(8080));
    create_svc(&mut c, s).unwrap();
    let ep = endpoints(&c, "default", "web").unwrap();
    let mut ips = ready_ips(&ep);
    let mut pod_ips: Vec<String> = c
        .api()
        .iter_as::<Pod>(Some("default"))
        .filter_map(|p| {
            p.status
                .as_ref()
                .and_then(|s| s.pod_ip.as_deref().map(String::from))
        })
        .collect();
    ips.sort();
    pod_ips.sort();
    assert_eq!(ips, pod_ips);
    assert_eq!(ep.subsets[0].ports[0].port, 8080);
    let a = &ep.subsets[0].addresses[0];
    assert_eq!(a.target_ref.as_ref().unwrap().kind, "Pod");
    assert!(a.node_name.is_some());
    // The slice says the same.
    let sl = slices(&c, "default", "web");
    assert_eq!(sl.len(), 1);
    assert!(sl[0].metadata.name.starts_with("web-"));
    assert_eq!(sl[0].metadata.name.len(), "web-".len() + 5);
    assert_eq!(
        sl[0]
            .metadata
            .labels
            .get(MANAGED_BY_LABEL)
            .map(String::as_str),
        Some("endpointslice-controller.k8s.io")
    );
    assert_eq!(sl[0].address_type, "IPv4");
    let eps = sl[0].endpoints.clone().unwrap();
    assert_eq!(eps.len(), 3);
    assert!(eps.iter().all(|e| e.conditions.ready == Some(true)));
    assert_eq!(sl[0].ports.as_ref().unwrap()[0].port, Some(8080));
    assert_eq!(
        sl[0].metadata.owner_references[0].kind,
        "Service".to_string()
    );
}

#[test]
fn a_pod_that_stops_being_ready_moves_to_not_ready_addresses() {
    let mut c = Cluster::default();
    web(&mut c, 2);
    create_svc(&mut c, Service::new("default", "web", 80)).unwrap();
    let mut pod = c
        .api()
        .iter_as::<Pod>(Some("default"))
        .next()
        .unwrap()
        .clone();
    let ip = pod.status.as_ref().unwrap().pod_ip.clone().unwrap();
    for cond in &mut pod.status.as_mut().unwrap().conditions {
        if cond.type_ == "Ready" {
            cond.status = "False".into();
        }
    }
    c.api_mut().update_status(&kubectl(), pod).unwrap();
    c.settle();
    let ep = endpoints(&c, "default", "web").unwrap();
    assert_eq!(not_ready_ips(&ep), vec![ip.clone()]);
    assert_eq!(ready_ips(&ep).len(), 1);
    let sl = slices(&c, "default", "web");
    let e = sl[0]
        .endpoints
        .as_ref()
        .unwrap()
        .iter()
        .find(|e| e.addresses == vec![ip.clone()])
        .unwrap()
        .clone();
    assert_eq!(e.conditions.ready, Some(false));
    assert_eq!(e.conditions.serving, Some(false));
}

#[test]
fn deleting_a_pod_removes_it_from_endpoints_and_the_replacement_joins() {
    let mut c = Cluster::default();
    web(&mut c, 2);
    create_svc(&mut c, Service::new("default", "web", 80)).unwrap();
    let pod = c
        .api()
        .iter_as::<Pod>(Some("default"))
        .next()
        .unwrap()
        .clone();
    let ip = pod.status.as_ref().unwrap().pod_ip.clone().unwrap();
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            &pod.metadata.name,
            &Default::default(),
        )
        .unwrap();
    c.settle();
    // Terminating: out of Endpoints, still in the slice as terminating.
    let ep = endpoints(&c, "default", "web").unwrap();
    assert!(!ready_ips(&ep).contains(&ip.to_string()));
    assert!(!not_ready_ips(&ep).contains(&ip.to_string()));
    let sl = slices(&c, "default", "web");
    let e = sl[0]
        .endpoints
        .as_ref()
        .unwrap()
        .iter()
        .find(|e| e.addresses == vec![ip.clone()])
        .cloned()
        .unwrap();
    assert_eq!(e.conditions.terminating, Some(true));
    c.advance(Duration::seconds(40));
    let ep = endpoints(&c, "default", "web").unwrap();
    assert_eq!(ready_ips(&ep).len(), 2);
    assert!(!ready_ips(&ep).contains(&ip.to_string()));
}

#[test]
fn named_target_ports_resolve_against_container_ports() {
    let mut c = Cluster::default();
    let mut d = Deployment::new("default", "web", "nginx:1.27", 1);
    d.spec.template.spec.containers[0].ports = vec![sim::api::pod::ContainerPort {
        name: Some("http".into()),
        container_port: 8080,
        ..Default::default()
    }];
    c.api_mut().create(&kubectl(), d).unwrap();
    c.settle();
    c.advance(Duration::seconds(20));
    let mut s = Service::new("default", "web", 80);
    s.spec.ports[0].target_port = Some(IntOrString::String("http".into()));
    create_svc(&mut c, s).unwrap();
    let ep = endpoints(&c, "default", "web").unwrap();
    assert_eq!(ep.subsets[0].ports[0].port, 8080);
}

#[test]
fn a_service_without_a_selector_gets_no_managed_endpoints() {
    let mut c = Cluster::default();
    web(&mut c, 1);
    let mut s = Service::new("default", "ext", 80);
    s.spec.selector.clear();
    create_svc(&mut c, s).unwrap();
    assert!(endpoints(&c, "default", "ext").is_none());
    assert!(slices(&c, "default", "ext").is_empty());
}

#[test]
fn a_service_selecting_nothing_gets_empty_endpoints_and_a_placeholder_slice() {
    let mut c = Cluster::default();
    create_svc(&mut c, Service::new("default", "nobody", 80)).unwrap();
    let ep = endpoints(&c, "default", "nobody").unwrap();
    assert!(ep.subsets.is_empty());
    let sl = slices(&c, "default", "nobody");
    assert_eq!(sl.len(), 1);
    assert_eq!(sl[0].endpoints, None);
    assert_eq!(sl[0].ports, None);
}

#[test]
fn deleting_a_service_deletes_its_endpoints_and_slices() {
    let mut c = Cluster::default();
    web(&mut c, 1);
    create_svc(&mut c, Service::new("default", "web", 80)).unwrap();
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Service,
            "default",
            "web",
            &Default::default(),
        )
        .unwrap();
    c.settle();
    assert!(endpoints(&c, "default", "web").is_none());
    assert!(slices(&c, "default", "web").is_empty());
}

fn ingress(name: &str, path_type: Option<&str>) -> Ingress {
    let mut i = Ingress {
        metadata: ObjectMeta::named("default", name),
        ..Default::default()
    };
    i.spec.rules = vec![IngressRule {
        host: "example.com".into(),
        http: Some(HttpIngressRuleValue {
            paths: vec![HttpIngressPath {
                path: "/".into(),
                path_type: path_type.map(str::to_string),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: "web".into(),
                        port: ServiceBackendPort {
                            name: String::new(),
                            number: 80,
                        },
                    }),
                    resource: None,
                },
            }],
        }),
    }];
    i
}

#[test]
fn an_ingress_path_needs_a_path_type() {
    let mut c = Cluster::default();
    let err = c
        .api_mut()
        .create(&kubectl(), ingress("x", None))
        .unwrap_err();
    assert_eq!(
        err.message,
        "Ingress.networking.k8s.io \"x\" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"
    );
    let ok = c
        .api_mut()
        .create_as(&kubectl(), ingress("y", Some("Prefix")))
        .unwrap();
    assert_eq!(ok.spec.ingress_class_name, None);
}

#[test]
fn an_ingress_without_a_class_gets_the_default_ingress_class() {
    let mut c = Cluster::default();
    let mut class = IngressClass {
        metadata: ObjectMeta::named("", "nginx"),
        ..Default::default()
    };
    class.spec.controller = "k8s.io/ingress-nginx".into();
    class.metadata.annotations.insert(
        "ingressclass.kubernetes.io/is-default-class".into(),
        "true".into(),
    );
    c.api_mut().create(&kubectl(), class).unwrap();
    let ing = c
        .api_mut()
        .create_as(&kubectl(), ingress("web", Some("Prefix")))
        .unwrap();
    assert_eq!(ing.spec.ingress_class_name.as_deref(), Some("nginx"));
    let mut bad = IngressClass {
        metadata: ObjectMeta::named("", "bad"),
        ..Default::default()
    };
    bad.spec.controller = "nginx".into();
    let err = c.api_mut().create(&kubectl(), bad).unwrap_err();
    assert!(
        err.message
            .contains("spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path"),
        "{}",
        err.message
    );
}

#[test]
fn service_ports_with_several_entries_need_names() {
    let mut c = Cluster::default();
    let mut s = Service::new("default", "web", 80);
    s.spec.ports.push(ServicePort {
        port: 443,
        ..Default::default()
    });
    let err = create_svc(&mut c, s).unwrap_err();
    assert!(
        err.message.contains("spec.ports[0].name: Required value"),
        "{}",
        err.message
    );
}

#[test]
fn switching_a_node_port_service_to_cluster_ip_releases_its_node_port() {
    let mut c = Cluster::default();
    let s = create_svc(&mut c, node_port_svc("a", Some(30080))).unwrap();
    let mut s2 = s.clone();
    s2.spec.type_ = Some("ClusterIP".into());
    let s2 = c.api_mut().update_as(&kubectl(), s2).unwrap();
    assert_eq!(s2.spec.ports[0].node_port, None);
    assert_eq!(s2.spec.external_traffic_policy, None);
    assert_eq!(s2.spec.cluster_ips, s.spec.cluster_ips);
    assert!(create_svc(&mut c, node_port_svc("b", Some(30080))).is_ok());
    // And back: a node port is allocated again.
    let mut s3 = s2.clone();
    s3.spec.type_ = Some("NodePort".into());
    let s3 = c.api_mut().update_as(&kubectl(), s3).unwrap();
    assert!(s3.spec.ports[0].node_port.is_some_and(|n| n != 30080));
}

#[test]
fn the_kubernetes_service_comes_back_when_deleted() {
    let mut c = Cluster::default();
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Service,
            "default",
            "kubernetes",
            &Default::default(),
        )
        .unwrap();
    c.settle();
    let k = svc(&c, "default", "kubernetes");
    assert_eq!(k.spec.cluster_ips, vec!["10.96.0.1"]);
    let ep = endpoints(&c, "default", "kubernetes").unwrap();
    assert_eq!(ready_ips(&ep), vec!["172.18.0.2"]);
}
