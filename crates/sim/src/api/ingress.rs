//! `networking.k8s.io/v1` Ingress: types, defaulting and validation (`ValidateIngressCreate`).
//!
//! Simplification: no ingress controller runs in the simulated cluster, so `status.loadBalancer`
//! stays empty (kubectl's ADDRESS column blank), as in a kind cluster without one installed.

use serde::{Deserialize, Serialize};

use super::meta::ObjectMeta;
use super::service::{LoadBalancerStatus, port_name_errors};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::{NameRule, is_dns1035_label, is_dns1123_subdomain};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: IngressSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<IngressStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_backend: Option<IngressBackend>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls: Vec<IngressTls>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<IngressRule>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressTls {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressRule {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpIngressRuleValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpIngressRuleValue {
    #[serde(default)]
    pub paths: Vec<HttpIngressPath>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpIngressPath {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_type: Option<String>,
    #[serde(default)]
    pub backend: IngressBackend,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressBackend {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<IngressServiceBackend>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<TypedLocalObjectReference>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressServiceBackend {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub port: ServiceBackendPort,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceBackendPort {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub number: i32,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypedLocalObjectReference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressStatus {
    /// Always serialized (`loadBalancer: {}`).
    #[serde(default)]
    pub load_balancer: LoadBalancerStatus,
}

const PATH_TYPES: &[&str] = &["Exact", "ImplementationSpecific", "Prefix"];

fn validate_backend(b: &IngressBackend, path: &str, errs: &mut Vec<FieldError>) {
    match (&b.service, &b.resource) {
        (Some(_), Some(_)) => errs.push(FieldError::invalid(
            path,
            "",
            "cannot set both resource and service backends",
        )),
        (None, Some(r)) => {
            if r.kind.is_empty() {
                errs.push(FieldError::required(format!("{path}.resource.kind"), ""));
            }
            if r.name.is_empty() {
                errs.push(FieldError::required(format!("{path}.resource.name"), ""));
            }
        }
        (Some(s), None) => {
            if s.name.is_empty() {
                errs.push(FieldError::required(format!("{path}.service.name"), ""));
            } else {
                for m in is_dns1035_label(&s.name) {
                    errs.push(FieldError::invalid(
                        format!("{path}.service.name"),
                        s.name.as_str(),
                        m,
                    ));
                }
            }
            let (has_name, has_number) = (!s.port.name.is_empty(), s.port.number != 0);
            if has_name && has_number {
                errs.push(FieldError::invalid(
                    path,
                    "",
                    "cannot set both port name & port number",
                ));
            } else if has_name {
                for m in port_name_errors(&s.port.name) {
                    errs.push(FieldError::invalid(
                        format!("{path}.service.port.name"),
                        s.port.name.as_str(),
                        m,
                    ));
                }
            } else if has_number {
                if !(1..=65535).contains(&s.port.number) {
                    errs.push(FieldError::invalid(
                        format!("{path}.service.port.number"),
                        s.port.number,
                        "must be between 1 and 65535, inclusive",
                    ));
                }
            } else {
                errs.push(FieldError::required(
                    path,
                    "port name or number is required",
                ));
            }
        }
        (None, None) => errs.push(FieldError::invalid(
            path,
            "",
            "resource or service backend is required",
        )),
    }
}

fn host_errors(host: &str) -> Vec<String> {
    if super::service::parse_ipv4(host).is_some() {
        return vec!["must be a DNS name, not an IP address".into()];
    }
    match host.strip_prefix("*.") {
        Some(rest) => is_dns1123_subdomain(rest)
            .into_iter()
            .map(|_| {
                crate::apiserver::validation::regex_error(
                    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
                    "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
                    &["*.example.com"],
                )
            })
            .take(1)
            .collect(),
        None => is_dns1123_subdomain(host),
    }
}

impl Resource for Ingress {
    const INFO: KindInfo = KindInfo {
        kind: "Ingress",
        plural: "ingresses",
        singular: "ingress",
        short_names: &["ing"],
        group: "networking.k8s.io",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const TRACKS_GENERATION: bool = true;

    resource_boilerplate!(Ingress);

    fn prepare_for_create(&mut self) {
        self.status = Some(IngressStatus::default());
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn spec_differs(&self, old: &Self) -> bool {
        self.spec != old.spec
    }

    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let spec = &self.spec;
        if spec.rules.is_empty() && spec.default_backend.is_none() {
            errs.push(FieldError::invalid(
                "spec",
                serde_json::Value::Null,
                "either `defaultBackend` or `rules` must be specified",
            ));
        }
        if let Some(b) = &spec.default_backend {
            validate_backend(b, "spec.defaultBackend", &mut errs);
        }
        for (i, r) in spec.rules.iter().enumerate() {
            let rp = format!("spec.rules[{i}]");
            if !r.host.is_empty() {
                for m in host_errors(&r.host) {
                    errs.push(FieldError::invalid(
                        format!("{rp}.host"),
                        r.host.as_str(),
                        m,
                    ));
                }
            }
            let Some(http) = &r.http else {
                continue;
            };
            if http.paths.is_empty() {
                errs.push(FieldError::required(format!("{rp}.http.paths"), ""));
            }
            for (j, p) in http.paths.iter().enumerate() {
                let pp = format!("{rp}.http.paths[{j}]");
                match p.path_type.as_deref() {
                    None | Some("") => errs.push(FieldError::required(
                        format!("{pp}.pathType"),
                        "pathType must be specified",
                    )),
                    Some(t) if !PATH_TYPES.contains(&t) => errs.push(FieldError::not_supported(
                        format!("{pp}.pathType"),
                        t,
                        PATH_TYPES,
                    )),
                    Some("Exact") | Some("Prefix") => {
                        if !p.path.starts_with('/') {
                            errs.push(FieldError::invalid(
                                format!("{pp}.path"),
                                p.path.as_str(),
                                "must be an absolute path",
                            ));
                        } else if p.path.contains("//") {
                            errs.push(FieldError::invalid(
                                format!("{pp}.path"),
                                p.path.as_str(),
                                "must not contain '//'",
                            ));
                        }
                    }
                    _ => {
                        if !p.path.is_empty() && !p.path.starts_with('/') {
                            errs.push(FieldError::invalid(
                                format!("{pp}.path"),
                                p.path.as_str(),
                                "must be an absolute path",
                            ));
                        }
                    }
                }
                validate_backend(&p.backend, &format!("{pp}.backend"), &mut errs);
            }
        }
        for (i, t) in spec.tls.iter().enumerate() {
            for (j, h) in t.hosts.iter().enumerate() {
                for m in host_errors(h) {
                    errs.push(FieldError::invalid(
                        format!("spec.tls[{i}].hosts[{j}]"),
                        h.as_str(),
                        m,
                    ));
                }
            }
        }
        if let Some(c) = &spec.ingress_class_name {
            for m in is_dns1123_subdomain(c) {
                errs.push(FieldError::invalid("spec.ingressClassName", c.as_str(), m));
            }
        }
        errs
    }
}
