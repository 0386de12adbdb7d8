//! `networking.k8s.io/v1` IngressClass (cluster-scoped): which controller implements a class.

use serde::{Deserialize, Serialize};

use super::meta::ObjectMeta;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

pub const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClass {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: IngressClassSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClassSpec {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub controller: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<IngressClassParametersReference>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClassParametersReference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// `validation.IsDomainPrefixedPath`.
fn domain_prefixed_path_errors(path: &str) -> Vec<String> {
    let Some((host, rest)) = path.split_once('/') else {
        return vec!["must be a domain-prefixed path (such as \"acme.io/foo\")".into()];
    };
    if host.is_empty() || rest.is_empty() {
        return vec!["must be a domain-prefixed path (such as \"acme.io/foo\")".into()];
    }
    crate::apiserver::validation::is_dns1123_subdomain(host)
}

impl Resource for IngressClass {
    const INFO: KindInfo = KindInfo {
        kind: "IngressClass",
        plural: "ingressclasses",
        singular: "ingressclass",
        short_names: &[],
        group: "networking.k8s.io",
        version: "v1",
        namespaced: false,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const TRACKS_GENERATION: bool = true;

    resource_boilerplate!(IngressClass);

    fn set_defaults(&mut self) {
        if let Some(p) = &mut self.spec.parameters {
            p.scope.get_or_insert_with(|| "Cluster".into());
        }
    }

    fn spec_differs(&self, old: &Self) -> bool {
        self.spec != old.spec
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let c = &self.spec.controller;
        if c.is_empty() {
            errs.push(FieldError::required("spec.controller", ""));
        } else if c.len() > 250 {
            errs.push(FieldError::too_long("spec.controller", 250));
        } else {
            for m in domain_prefixed_path_errors(c) {
                errs.push(FieldError::invalid("spec.controller", c.as_str(), m));
            }
        }
        if let Some(p) = &self.spec.parameters {
            if p.kind.is_empty() {
                errs.push(FieldError::required("spec.parameters.kind", ""));
            }
            if p.name.is_empty() {
                errs.push(FieldError::required("spec.parameters.name", ""));
            }
            match (p.scope.as_deref(), p.namespace.as_deref()) {
                (Some("Namespace"), None) => errs.push(FieldError::required(
                    "spec.parameters.namespace",
                    "`parameters.scope` is set to 'Namespace'",
                )),
                (Some("Cluster"), Some(_)) => errs.push(FieldError::forbidden(
                    "spec.parameters.namespace",
                    "`parameters.scope` is set to 'Cluster'",
                )),
                (Some("Cluster") | Some("Namespace"), _) => {}
                (Some(s), _) => errs.push(FieldError::not_supported(
                    "spec.parameters.scope",
                    s,
                    &["Cluster", "Namespace"],
                )),
                _ => {}
            }
        }
        if let Some(old) = old
            && old.spec.controller != *c
        {
            errs.push(FieldError::invalid(
                "spec.controller",
                c.as_str(),
                "field is immutable",
            ));
        }
        errs
    }
}
