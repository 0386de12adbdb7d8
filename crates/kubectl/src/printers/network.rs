//! Table columns of the networking kinds (`printService`, `printEndpoints`,
//! `printEndpointSlice`, `printIngress`, `printIngressClass` in
//! `pkg/printers/internalversion/printers.go`).

use sim::api::endpoint_slice::{Endpoint, EndpointPort as SlicePort};
use sim::api::service::LoadBalancerStatus;
use sim::{Kind, Object};

/// The header cells of a networking kind's table, `None` for other kinds.
pub fn headers(kind: Kind, wide: bool) -> Option<Vec<&'static str>> {
    let mut h = match kind {
        Kind::Service => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        Kind::Endpoints => vec!["NAME", "ENDPOINTS", "AGE"],
        Kind::EndpointSlice => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        Kind::Ingress => vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
        Kind::IngressClass => vec!["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
        _ => return None,
    };
    if wide && kind == Kind::Service {
        h.push("SELECTOR");
    }
    Some(h)
}

/// `loadBalancerStatusStringer`: ingress IPs or hostnames, cut to 16 characters unless wide.
pub fn load_balancer_text(status: &LoadBalancerStatus, wide: bool) -> String {
    let list: Vec<String> = status
        .ingress
        .iter()
        .filter_map(|i| {
            i.ip.clone()
                .filter(|s| !s.is_empty())
                .or_else(|| i.hostname.clone().filter(|s| !s.is_empty()))
        })
        .collect();
    let r = list.join(",");
    if !wide && r.len() > 16 {
        format!("{}...", &r[..13])
    } else {
        r
    }
}

/// `makePortString`.
pub fn service_ports(svc: &sim::api::Service) -> String {
    svc.spec
        .ports
        .iter()
        .map(|p| match p.node_port.filter(|n| *n > 0) {
            Some(np) => format!("{}:{np}/{}", p.port, p.protocol()),
            None => format!("{}/{}", p.port, p.protocol()),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `getServiceExternalIP`.
pub fn service_external_ip(svc: &sim::api::Service, wide: bool) -> String {
    let external = &svc.spec.external_ips;
    match svc.spec.type_.as_deref().unwrap_or("") {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let lb = svc
                .status
                .as_ref()
                .map(|s| load_balancer_text(&s.load_balancer, wide))
                .unwrap_or_default();
            if !external.is_empty() {
                let mut all: Vec<String> = Vec::new();
                if !lb.is_empty() {
                    all.extend(lb.split(',').map(str::to_string));
                }
                all.extend(external.iter().cloned());
                all.join(",")
            } else if !lb.is_empty() {
                lb
            } else {
                "<pending>".into()
            }
        }
        "ExternalName" => svc.spec.external_name.clone().unwrap_or_default(),
        _ => "<unknown>".into(),
    }
}

/// `labels.FormatLabels`.
fn format_map(m: &std::collections::BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `formatEndpoints` (all ports).
fn endpoints_text(ep: &sim::api::Endpoints) -> String {
    if ep.subsets.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in &ep.subsets {
        if ss.ports.is_empty() {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(a.ip.clone());
            }
            continue;
        }
        for p in &ss.ports {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(join_host_port(&a.ip, p.port));
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

/// `net.JoinHostPort`.
pub fn join_host_port(ip: &str, port: i32) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn list_with_more(list: Vec<String>, more: bool, count: usize, max: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count - max);
    }
    if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

/// `formatDiscoveryPorts`.
fn slice_ports(ports: &[SlicePort]) -> String {
    let max = 3;
    let (mut list, mut more, mut count) = (Vec::new(), false, 0);
    for p in ports {
        if list.len() < max {
            let text = match (p.port, &p.name) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.clone(),
                _ => "*".into(),
            };
            list.push(text);
        } else if list.len() == max {
            more = true;
        }
        count += 1;
    }
    list_with_more(list, more, count, max)
}

/// `formatDiscoveryEndpoints`.
fn slice_endpoints(endpoints: &[Endpoint]) -> String {
    let max = 3;
    let (mut list, mut more, mut count) = (Vec::new(), false, 0);
    for e in endpoints {
        for a in &e.addresses {
            if list.len() < max {
                list.push(a.clone());
            } else if list.len() == max {
                more = true;
            }
            count += 1;
        }
    }
    list_with_more(list, more, count, max)
}

/// `formatHosts`.
fn ingress_hosts(ing: &sim::api::Ingress) -> String {
    let max = 3;
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for r in &ing.spec.rules {
        if list.len() == max {
            more = true;
        }
        if !more && !r.host.is_empty() {
            list.push(&r.host);
        }
    }
    if list.is_empty() {
        return "*".into();
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", ing.spec.rules.len() - max)
    } else {
        ret
    }
}

/// The cells of a networking object's row, `None` for other kinds.
pub fn cells(object: &Object, wide: bool, name: &str, age: String) -> Option<Vec<String>> {
    Some(match object {
        Object::Service(svc) => {
            let mut row = vec![
                name.to_string(),
                svc.spec.type_.clone().unwrap_or_default(),
                svc.spec
                    .cluster_ips
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "<none>".into()),
                service_external_ip(svc, wide),
                match service_ports(svc) {
                    p if p.is_empty() => "<none>".into(),
                    p => p,
                },
                age,
            ];
            if wide {
                row.push(format_map(&svc.spec.selector));
            }
            row
        }
        Object::Endpoints(ep) => vec![name.to_string(), endpoints_text(ep), age],
        Object::EndpointSlice(s) => vec![
            name.to_string(),
            s.address_type.clone(),
            slice_ports(s.ports.as_deref().unwrap_or_default()),
            slice_endpoints(s.endpoints.as_deref().unwrap_or_default()),
            age,
        ],
        Object::Ingress(ing) => vec![
            name.to_string(),
            ing.spec
                .ingress_class_name
                .clone()
                .unwrap_or_else(|| "<none>".into()),
            ingress_hosts(ing),
            ing.status
                .as_ref()
                .map(|s| load_balancer_text(&s.load_balancer, wide))
                .unwrap_or_default(),
            if ing.spec.tls.is_empty() {
                "80".into()
            } else {
                "80, 443".into()
            },
            age,
        ],
        Object::IngressClass(ic) => {
            let params = match &ic.spec.parameters {
                Some(p) => {
                    let mut t = p.kind.clone();
                    if let Some(g) = &p.api_group {
                        t = format!("{t}.{g}");
                    }
                    format!("{t}/{}", p.name)
                }
                None => "<none>".into(),
            };
            vec![name.to_string(), ic.spec.controller.clone(), params, age]
        }
        _ => return None,
    })
}
