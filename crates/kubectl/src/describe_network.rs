//! `kubectl describe service|ingress`: `describeService` and `describeIngressV1` of
//! `pkg/describe/describe.go`, with endpoints read from the service's EndpointSlices.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use sim::api::endpoint_slice::SERVICE_NAME_LABEL;
use sim::api::ingress::IngressBackend;
use sim::api::{EndpointSlice, Ingress, IntOrString, Service};
use sim::{Cluster, Kind};

use crate::printers::network::{join_host_port, load_balancer_text};

/// The slices labelled `kubernetes.io/service-name=<name>` in a namespace.
fn slices_of(cluster: &Cluster, ns: &str, name: &str) -> Vec<EndpointSlice> {
    cluster
        .api()
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

/// `formatEndpointSlices`: ready endpoints of the ports named in `ports`, at most 3.
fn format_endpoint_slices(slices: &[EndpointSlice], ports: &BTreeSet<String>) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for s in slices {
        let endpoints = s.endpoints.as_deref().unwrap_or_default();
        let slice_ports = s.ports.as_deref().unwrap_or_default();
        let ready = |e: &&sim::api::endpoint_slice::Endpoint| e.conditions.ready != Some(false);
        if slice_ports.is_empty() {
            for e in endpoints.iter().filter(ready) {
                let Some(addr) = e.addresses.first() else {
                    continue;
                };
                count += 1;
                if list.len() == max {
                    more = true;
                } else {
                    list.push(addr.clone());
                }
            }
            continue;
        }
        for p in slice_ports {
            let name = p.name.clone().unwrap_or_default();
            if !ports.contains(&name) {
                continue;
            }
            for e in endpoints.iter().filter(ready) {
                let Some(addr) = e.addresses.first() else {
                    continue;
                };
                count += 1;
                if list.len() == max {
                    more = true;
                } else {
                    list.push(join_host_port(addr, p.port.unwrap_or(0)));
                }
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - max)
    } else {
        ret
    }
}

fn format_map(m: &std::collections::BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The body of `describeService` from `Selector:` to `Internal Traffic Policy:` (the caller
/// writes the metadata lines and the events).
pub fn describe_service(w: &mut String, cluster: &Cluster, svc: &Service) {
    let spec = &svc.spec;
    let _ = writeln!(w, "Selector:\t{}", format_map(&spec.selector));
    let _ = writeln!(w, "Type:\t{}", spec.type_.as_deref().unwrap_or(""));
    if let Some(p) = &spec.ip_family_policy {
        let _ = writeln!(w, "IP Family Policy:\t{p}");
    }
    if spec.ip_families.is_empty() {
        w.push_str("IP Families:\t<none>\n");
    } else {
        let _ = writeln!(w, "IP Families:\t{}", spec.ip_families.join(","));
    }
    let _ = writeln!(w, "IP:\t{}", spec.cluster_ip.as_deref().unwrap_or(""));
    if spec.cluster_ips.is_empty() {
        w.push_str("IPs:\t<none>\n");
    } else {
        let _ = writeln!(w, "IPs:\t{}", spec.cluster_ips.join(","));
    }
    if !spec.external_ips.is_empty() {
        let _ = writeln!(w, "External IPs:\t{}", spec.external_ips.join(","));
    }
    if let Some(ip) = spec.load_balancer_ip.as_deref().filter(|s| !s.is_empty()) {
        let _ = writeln!(w, "Desired LoadBalancer IP:\t{ip}");
    }
    if let Some(n) = spec.external_name.as_deref().filter(|s| !s.is_empty()) {
        let _ = writeln!(w, "External Name:\t{n}");
    }
    if let Some(st) = &svc.status
        && !st.load_balancer.ingress.is_empty()
    {
        let _ = writeln!(
            w,
            "LoadBalancer Ingress:\t{}",
            load_balancer_text(&st.load_balancer, true).replace(',', ", ")
        );
    }
    let slices = slices_of(cluster, &svc.metadata.namespace, &svc.metadata.name);
    for p in &spec.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            p.name.as_str()
        };
        let proto = p.protocol();
        let _ = writeln!(w, "Port:\t{name}\t{}/{proto}", p.port);
        match &p.target_port {
            Some(IntOrString::String(s)) => {
                let _ = writeln!(w, "TargetPort:\t{s}/{proto}");
            }
            Some(IntOrString::Int(n)) => {
                let _ = writeln!(w, "TargetPort:\t{n}/{proto}");
            }
            None => {
                let _ = writeln!(w, "TargetPort:\t0/{proto}");
            }
        }
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            let _ = writeln!(w, "NodePort:\t{name}\t{np}/{proto}");
        }
        let ports: BTreeSet<String> = [p.name.clone()].into();
        let _ = writeln!(w, "Endpoints:\t{}", format_endpoint_slices(&slices, &ports));
    }
    let _ = writeln!(
        w,
        "Session Affinity:\t{}",
        spec.session_affinity.as_deref().unwrap_or("")
    );
    if let Some(p) = spec
        .external_traffic_policy
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        let _ = writeln!(w, "External Traffic Policy:\t{p}");
    }
    if let Some(n) = spec.health_check_node_port.filter(|n| *n != 0) {
        let _ = writeln!(w, "HealthCheck NodePort:\t{n}");
    }
    if !spec.load_balancer_source_ranges.is_empty() {
        let _ = writeln!(
            w,
            "LoadBalancer Source Ranges:\t{}",
            spec.load_balancer_source_ranges.join(",")
        );
    }
    if let Some(p) = &spec.internal_traffic_policy {
        let _ = writeln!(w, "Internal Traffic Policy:\t{p}");
    }
    if let Some(t) = &spec.traffic_distribution {
        let _ = writeln!(w, "Traffic Distribution:\t{t}");
    }
}

/// `describeBackendV1`.
fn describe_backend(cluster: &Cluster, ns: &str, backend: Option<&IngressBackend>) -> String {
    let Some(b) = backend else {
        return String::new();
    };
    if let Some(s) = &b.service {
        let port = if s.port.name.is_empty() {
            s.port.number.to_string()
        } else {
            s.port.name.clone()
        };
        let sb = format!("{}:{port}", s.name);
        let Some(svc) = cluster
            .api()
            .get_ref(Kind::Service, ns, &s.name)
            .and_then(|o| match o {
                sim::Object::Service(svc) => Some(svc),
                _ => None,
            })
        else {
            return format!("{sb} (<error: services \"{}\" not found>)", s.name);
        };
        let mut sp_name = String::new();
        for sp in &svc.spec.ports {
            if (s.port.number != 0 && s.port.number == sp.port)
                || (!s.port.name.is_empty() && s.port.name == sp.name)
            {
                sp_name = sp.name.clone();
            }
        }
        let slices = slices_of(cluster, ns, &s.name);
        let ports: BTreeSet<String> = [sp_name].into();
        return format!("{sb} ({})", format_endpoint_slices(&slices, &ports));
    }
    if let Some(r) = &b.resource {
        let group = r.api_group.clone().unwrap_or_else(|| "<none>".into());
        return format!("APIGroup: {group}, Kind: {}, Name: {}", r.kind, r.name);
    }
    String::new()
}

/// The lines of `describeIngressV1` between `Namespace:` and `Annotations:`.
pub fn describe_ingress(w: &mut String, cluster: &Cluster, ing: &Ingress) {
    let ns = ing.metadata.namespace.as_str();
    let address = ing
        .status
        .as_ref()
        .map(|s| load_balancer_text(&s.load_balancer, true))
        .unwrap_or_default();
    let _ = writeln!(w, "Address:\t{address}");
    let _ = writeln!(
        w,
        "Ingress Class:\t{}",
        ing.spec.ingress_class_name.as_deref().unwrap_or("<none>")
    );
    match &ing.spec.default_backend {
        Some(b) => {
            let _ = writeln!(
                w,
                "Default backend:\t{}",
                describe_backend(cluster, ns, Some(b))
            );
        }
        None => w.push_str("Default backend:\t<default>\n"),
    }
    if !ing.spec.tls.is_empty() {
        w.push_str("TLS:\n");
        for t in &ing.spec.tls {
            match t.secret_name.as_deref().filter(|s| !s.is_empty()) {
                None => {
                    let _ = writeln!(w, "  SNI routes {}", t.hosts.join(","));
                }
                Some(secret) => {
                    let _ = writeln!(w, "  {secret} terminates {}", t.hosts.join(","));
                }
            }
        }
    }
    w.push_str("Rules:\n  Host\tPath\tBackends\n");
    w.push_str("  ----\t----\t--------\n");
    let mut count = 0;
    for r in &ing.spec.rules {
        let Some(http) = &r.http else {
            continue;
        };
        count += 1;
        let host = if r.host.is_empty() { "*" } else { &r.host };
        let _ = writeln!(w, "  {host}\t");
        for p in &http.paths {
            let _ = writeln!(
                w,
                "    \t{} \t{}",
                p.path,
                describe_backend(cluster, ns, Some(&p.backend))
            );
        }
    }
    if count == 0 {
        let _ = writeln!(
            w,
            "  *\t*\t{}",
            describe_backend(cluster, ns, ing.spec.default_backend.as_ref())
        );
    }
}

/// The describers of the networking kinds; `false` for other kinds.
pub fn describe(w: &mut String, cluster: &Cluster, object: &sim::Object) -> bool {
    use crate::describe::{annotations_multiline, labels_multiline};
    let v = object.to_json();
    let labels = v.pointer("/metadata/labels");
    let annotations = v.pointer("/metadata/annotations");
    match object {
        sim::Object::Service(svc) => {
            let _ = writeln!(w, "Name:\t{}", svc.metadata.name);
            let _ = writeln!(w, "Namespace:\t{}", svc.metadata.namespace);
            labels_multiline(w, "", "Labels", labels);
            annotations_multiline(w, "", "Annotations", annotations);
            describe_service(w, cluster, svc);
            true
        }
        sim::Object::Ingress(ing) => {
            let _ = writeln!(w, "Name:\t{}", ing.metadata.name);
            labels_multiline(w, "", "Labels", labels);
            let _ = writeln!(w, "Namespace:\t{}", ing.metadata.namespace);
            describe_ingress(w, cluster, ing);
            annotations_multiline(w, "", "Annotations", annotations);
            true
        }
        _ => false,
    }
}
