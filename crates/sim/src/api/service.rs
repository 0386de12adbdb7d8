//! `core/v1` Service: types, defaulting (`SetDefaults_Service`) and validation
//! (`ValidateService` / `ValidateServiceUpdate`). ClusterIPs and NodePorts are allocated by the
//! api-server (`apiserver/allocators.rs`), which also fills the IP-family fields.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::meta::{Condition, IntOrString, ObjectMeta};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::{
    NameRule, is_dns1123_label, is_dns1123_subdomain, validate_labels,
};

pub const TYPE_CLUSTER_IP: &str = "ClusterIP";
pub const TYPE_NODE_PORT: &str = "NodePort";
pub const TYPE_LOAD_BALANCER: &str = "LoadBalancer";
pub const TYPE_EXTERNAL_NAME: &str = "ExternalName";
pub const CLUSTER_IP_NONE: &str = "None";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ServiceSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ServiceStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: BTreeMap<String, String>,
    #[serde(rename = "clusterIP", default, skip_serializing_if = "Option::is_none")]
    pub cluster_ip: Option<String>,
    #[serde(rename = "clusterIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_ips: Vec<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(rename = "externalIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub external_ips: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_affinity: Option<String>,
    #[serde(
        rename = "loadBalancerIP",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub load_balancer_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_balancer_source_ranges: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_traffic_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_node_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_not_ready_addresses: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_affinity_config: Option<SessionAffinityConfig>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip_families: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_family_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocate_load_balancer_node_ports: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_traffic_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_distribution: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
    #[serde(default)]
    pub port: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
}

impl ServicePort {
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("TCP")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAffinityConfig {
    #[serde(rename = "clientIP", default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<ClientIpConfig>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientIpConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    /// Always serialized (`loadBalancer: {}`), as upstream does.
    #[serde(default)]
    pub load_balancer: LoadBalancerStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<LoadBalancerIngress>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerIngress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_mode: Option<String>,
}

impl Service {
    /// A ClusterIP service selecting `app=<name>` with one TCP port.
    pub fn new(namespace: &str, name: &str, port: i32) -> Self {
        Service {
            metadata: ObjectMeta::named(namespace, name),
            spec: ServiceSpec {
                selector: [("app".to_string(), name.to_string())].into(),
                ports: vec![ServicePort {
                    port,
                    ..Default::default()
                }],
                ..Default::default()
            },
            status: None,
        }
    }

    pub fn type_(&self) -> &str {
        self.spec.type_.as_deref().unwrap_or(TYPE_CLUSTER_IP)
    }

    /// `clusterIP: None`.
    pub fn is_headless(&self) -> bool {
        self.spec.cluster_ip.as_deref() == Some(CLUSTER_IP_NONE)
            || self.spec.cluster_ips.first().map(String::as_str) == Some(CLUSTER_IP_NONE)
    }

    /// Whether this service gets a virtual IP (every type but ExternalName, unless headless).
    pub fn needs_cluster_ip(&self) -> bool {
        self.type_() != TYPE_EXTERNAL_NAME && !self.is_headless()
    }

    /// Whether node ports are allocated (NodePort, and LoadBalancer unless switched off).
    pub fn needs_node_ports(&self) -> bool {
        match self.type_() {
            TYPE_NODE_PORT => true,
            TYPE_LOAD_BALANCER => self.spec.allocate_load_balancer_node_ports != Some(false),
            _ => false,
        }
    }
}

const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const TYPES: &[&str] = &[
    TYPE_CLUSTER_IP,
    TYPE_EXTERNAL_NAME,
    TYPE_LOAD_BALANCER,
    TYPE_NODE_PORT,
];

/// `netutils.ParseIPSloppy` for IPv4 (leading zeros allowed) and a loose IPv6 check.
pub fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v: u32 = 0;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    Some(v)
}

pub fn format_ipv4(v: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        v >> 24,
        (v >> 16) & 0xff,
        (v >> 8) & 0xff,
        v & 0xff
    )
}

fn is_ip(s: &str) -> bool {
    parse_ipv4(s).is_some() || s.parse::<std::net::Ipv6Addr>().is_ok()
}

pub(crate) const IP_MESSAGE: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/// `validation.IsValidPortName` (IANA_SVC_NAME), for named target ports.
pub fn port_name_errors(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    if !name
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if !name.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

impl Resource for Service {
    const INFO: KindInfo = KindInfo {
        kind: "Service",
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1035Label,
    };

    resource_boilerplate!(Service);

    fn set_defaults(&mut self) {
        let spec = &mut self.spec;
        spec.session_affinity.get_or_insert_with(|| "None".into());
        spec.type_.get_or_insert_with(|| TYPE_CLUSTER_IP.into());
        for p in &mut spec.ports {
            p.protocol.get_or_insert_with(|| "TCP".into());
            let unset = match &p.target_port {
                None => true,
                Some(IntOrString::Int(0)) => true,
                Some(IntOrString::String(s)) => s.is_empty(),
                _ => false,
            };
            if unset {
                p.target_port = Some(IntOrString::Int(p.port));
            }
        }
        let type_ = spec.type_.clone().unwrap_or_default();
        if (type_ == TYPE_NODE_PORT || type_ == TYPE_LOAD_BALANCER)
            && spec.external_traffic_policy.is_none()
        {
            spec.external_traffic_policy = Some("Cluster".into());
        }
        if type_ != TYPE_EXTERNAL_NAME && spec.internal_traffic_policy.is_none() {
            spec.internal_traffic_policy = Some("Cluster".into());
        }
        if type_ == TYPE_LOAD_BALANCER && spec.allocate_load_balancer_node_ports.is_none() {
            spec.allocate_load_balancer_node_ports = Some(true);
        }
        if spec.session_affinity.as_deref() == Some("ClientIP") {
            let c = spec
                .session_affinity_config
                .get_or_insert_with(Default::default);
            let ip = c.client_ip.get_or_insert_with(Default::default);
            ip.timeout_seconds.get_or_insert(10800);
        }
        // The api-server keeps clusterIP and clusterIPs[0] in step.
        if spec.cluster_ips.is_empty()
            && let Some(ip) = spec.cluster_ip.as_ref().filter(|s| !s.is_empty())
        {
            spec.cluster_ips = vec![ip.clone()];
        }
        if spec.cluster_ip.as_deref().is_none_or(str::is_empty)
            && let Some(first) = spec.cluster_ips.first()
        {
            spec.cluster_ip = Some(first.clone());
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = Some(ServiceStatus::default());
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let spec = &self.spec;
        let type_ = self.type_();
        if !TYPES.contains(&type_) {
            errs.push(FieldError::not_supported("spec.type", type_, TYPES));
        }
        let headless = self.is_headless();
        if type_ == TYPE_EXTERNAL_NAME {
            match spec.external_name.as_deref().unwrap_or("") {
                "" => errs.push(FieldError::required("spec.externalName", "")),
                name => {
                    let trimmed = name.strip_suffix('.').unwrap_or(name);
                    for m in is_dns1123_subdomain(trimmed) {
                        errs.push(FieldError::invalid("spec.externalName", name, m));
                    }
                }
            }
            if spec.cluster_ip.as_deref().is_some_and(|s| !s.is_empty()) {
                errs.push(FieldError::forbidden(
                    "spec.clusterIP",
                    "may not be set for ExternalName services",
                ));
            }
        } else if spec.ports.is_empty() && !headless {
            errs.push(FieldError::required("spec.ports", ""));
        }
        // Cluster IPs (`ValidateServiceClusterIPsRelatedFields`).
        for (i, ip) in spec.cluster_ips.iter().enumerate() {
            let f = format!("spec.clusterIPs[{i}]");
            if ip == CLUSTER_IP_NONE {
                if i > 0 {
                    errs.push(FieldError::invalid(f, ip.as_str(), "must not be 'None'"));
                } else if type_ == TYPE_NODE_PORT || type_ == TYPE_LOAD_BALANCER {
                    errs.push(FieldError::invalid(
                        f,
                        ip.as_str(),
                        format!("may not be set to 'None' for {type_} services"),
                    ));
                }
            } else if !is_ip(ip) {
                errs.push(FieldError::invalid(f, ip.as_str(), IP_MESSAGE));
            }
        }
        if let (Some(ip), Some(first)) = (spec.cluster_ip.as_deref(), spec.cluster_ips.first())
            && !ip.is_empty()
            && ip != first
        {
            errs.push(FieldError::invalid(
                "spec.clusterIPs",
                serde_json::json!(spec.cluster_ips),
                "first value must match `clusterIP`",
            ));
        }
        let mut names = BTreeSet::new();
        let mut keys = BTreeSet::new();
        for (i, p) in spec.ports.iter().enumerate() {
            let path = format!("spec.ports[{i}]");
            if spec.ports.len() > 1 && p.name.is_empty() {
                errs.push(FieldError::required(format!("{path}.name"), ""));
            } else if !p.name.is_empty() {
                for m in is_dns1123_label(&p.name) {
                    errs.push(FieldError::invalid(
                        format!("{path}.name"),
                        p.name.as_str(),
                        m,
                    ));
                }
                if !names.insert(p.name.clone()) {
                    errs.push(FieldError::duplicate(
                        format!("{path}.name"),
                        p.name.as_str(),
                    ));
                }
            }
            if !(1..=65535).contains(&p.port) {
                errs.push(FieldError::invalid(
                    format!("{path}.port"),
                    p.port,
                    PORT_RANGE,
                ));
            }
            match p.protocol.as_deref() {
                None | Some("") => errs.push(FieldError::required(format!("{path}.protocol"), "")),
                Some(proto) if !PROTOCOLS.contains(&proto) => errs.push(FieldError::not_supported(
                    format!("{path}.protocol"),
                    proto,
                    PROTOCOLS,
                )),
                _ => {}
            }
            match &p.target_port {
                Some(IntOrString::Int(t)) if !(1..=65535).contains(t) => {
                    errs.push(FieldError::invalid(
                        format!("{path}.targetPort"),
                        *t,
                        PORT_RANGE,
                    ));
                }
                Some(IntOrString::String(s)) => {
                    for m in port_name_errors(s) {
                        errs.push(FieldError::invalid(
                            format!("{path}.targetPort"),
                            s.as_str(),
                            m,
                        ));
                    }
                }
                _ => {}
            }
            if let Some(np) = p.node_port
                && np != 0
            {
                if type_ == TYPE_CLUSTER_IP || type_ == TYPE_EXTERNAL_NAME {
                    errs.push(FieldError::forbidden(
                        format!("{path}.nodePort"),
                        format!("may not be used when `type` is '{type_}'"),
                    ));
                } else if !(1..=65535).contains(&np) {
                    errs.push(FieldError::invalid(
                        format!("{path}.nodePort"),
                        np,
                        PORT_RANGE,
                    ));
                }
            }
            if !keys.insert((p.port, p.protocol().to_string())) {
                // Upstream reports the internal `core.ServicePort{Protocol, Port}` key as JSON.
                // Simplification: its keys come out sorted, where Go keeps the struct order.
                errs.push(FieldError::duplicate(
                    path.clone(),
                    serde_json::json!({
                        "Name": "", "Protocol": p.protocol(), "AppProtocol": null,
                        "Port": p.port, "TargetPort": 0, "NodePort": 0
                    }),
                ));
            }
        }
        if type_ != TYPE_EXTERNAL_NAME {
            for (k, v) in &spec.selector {
                let mut one = BTreeMap::new();
                one.insert(k.clone(), v.clone());
                errs.extend(validate_labels(&one, "spec.selector"));
            }
        }
        match spec.session_affinity.as_deref() {
            None | Some("None") | Some("ClientIP") => {}
            Some(other) => errs.push(FieldError::not_supported(
                "spec.sessionAffinity",
                other,
                &["ClientIP", "None"],
            )),
        }
        if let Some(p) = spec.external_traffic_policy.as_deref() {
            if type_ == TYPE_CLUSTER_IP || type_ == TYPE_EXTERNAL_NAME {
                errs.push(FieldError::invalid(
                    "spec.externalTrafficPolicy",
                    p,
                    "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
                ));
            } else if p != "Cluster" && p != "Local" {
                errs.push(FieldError::not_supported(
                    "spec.externalTrafficPolicy",
                    p,
                    &["Cluster", "Local"],
                ));
            }
        }
        if let Some(p) = spec.internal_traffic_policy.as_deref()
            && p != "Cluster"
            && p != "Local"
        {
            errs.push(FieldError::not_supported(
                "spec.internalTrafficPolicy",
                p,
                &["Cluster", "Local"],
            ));
        }
        for (i, ip) in spec.external_ips.iter().enumerate() {
            if !is_ip(ip) {
                errs.push(FieldError::invalid(
                    format!("spec.externalIPs[{i}]"),
                    ip.as_str(),
                    IP_MESSAGE,
                ));
            }
        }
        if let Some(old) = old {
            // The primary cluster IP may not change, except to or from ExternalName.
            let both_allocated = old.type_() != TYPE_EXTERNAL_NAME && type_ != TYPE_EXTERNAL_NAME;
            if both_allocated
                && let (Some(o), Some(n)) = (old.spec.cluster_ips.first(), spec.cluster_ips.first())
                && o != n
            {
                errs.push(FieldError::invalid(
                    "spec.clusterIPs[0]",
                    serde_json::json!(spec.cluster_ips),
                    "may not change once set",
                ));
            }
        }
        errs
    }
}
