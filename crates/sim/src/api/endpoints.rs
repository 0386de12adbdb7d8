//! `core/v1` Endpoints: the addresses behind a Service, kept by the endpoints controller
//! (deprecated since v1.33 in favour of EndpointSlices, still served and maintained).

use serde::{Deserialize, Serialize};

use super::meta::ObjectMeta;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subsets: Vec<EndpointSubset>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSubset {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<EndpointAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ready_addresses: Vec<EndpointAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<EndpointPort>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointAddress {
    #[serde(default)]
    pub ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<ObjectReference>,
}

/// `core/v1` ObjectReference, as endpoints point at pods.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPort {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default)]
    pub port: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// The warning the api-server attaches to every v1 Endpoints request since v1.33.
pub const DEPRECATION_WARNING: &str =
    "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

impl Resource for Endpoints {
    const INFO: KindInfo = KindInfo {
        kind: "Endpoints",
        plural: "endpoints",
        singular: "endpoints",
        short_names: &["ep"],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };

    resource_boilerplate!(Endpoints);

    fn set_defaults(&mut self) {
        for s in &mut self.subsets {
            for p in &mut s.ports {
                p.protocol.get_or_insert_with(|| "TCP".into());
            }
        }
    }

    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        for (i, s) in self.subsets.iter().enumerate() {
            for (j, a) in s.addresses.iter().chain(&s.not_ready_addresses).enumerate() {
                if super::service::parse_ipv4(&a.ip).is_none()
                    && a.ip.parse::<std::net::Ipv6Addr>().is_err()
                {
                    let field = if j < s.addresses.len() {
                        format!("subsets[{i}].addresses[{j}].ip")
                    } else {
                        format!(
                            "subsets[{i}].notReadyAddresses[{}].ip",
                            j - s.addresses.len()
                        )
                    };
                    errs.push(FieldError::invalid(
                        field,
                        a.ip.as_str(),
                        super::service::IP_MESSAGE,
                    ));
                }
            }
            for (j, p) in s.ports.iter().enumerate() {
                if !(1..=65535).contains(&p.port) {
                    errs.push(FieldError::invalid(
                        format!("subsets[{i}].ports[{j}].port"),
                        p.port,
                        "must be between 1 and 65535, inclusive",
                    ));
                }
            }
        }
        errs
    }
}
