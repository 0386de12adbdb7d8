//! `core/v1` Node: capacity and allocatable, taints, addresses, conditions and node info, as a
//! kubelet registers and heartbeats it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{Condition, ObjectMeta, Quantity};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::{NameRule, is_qualified_name, is_valid_label_value};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: NodeSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<NodeStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSpec {
    #[serde(rename = "podCIDR", default, skip_serializing_if = "Option::is_none")]
    pub pod_cidr: Option<String>,
    #[serde(rename = "podCIDRs", default, skip_serializing_if = "Vec::is_empty")]
    pub pod_cidrs: Vec<String>,
    #[serde(
        rename = "providerID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub provider_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unschedulable: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub effect: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_added: Option<String>,
}

impl Taint {
    /// `key[=value]:Effect`, as `kubectl describe node` and scheduler messages print it.
    pub fn to_text(&self) -> String {
        match self.value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => format!("{}={v}:{}", self.key, self.effect),
            None => format!("{}:{}", self.key, self.effect),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub capacity: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub allocatable: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daemon_endpoints: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_info: Option<NodeSystemInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ContainerImage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_handlers: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAddress {
    #[serde(rename = "type")]
    pub type_: String,
    pub address: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSystemInfo {
    #[serde(rename = "machineID")]
    pub machine_id: String,
    #[serde(rename = "systemUUID")]
    pub system_uuid: String,
    #[serde(rename = "bootID")]
    pub boot_id: String,
    pub kernel_version: String,
    pub os_image: String,
    pub container_runtime_version: String,
    pub kubelet_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kube_proxy_version: String,
    pub operating_system: String,
    pub architecture: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerImage {
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<i64>,
}

impl Node {
    pub fn is_unschedulable(&self) -> bool {
        self.spec.unschedulable == Some(true)
    }

    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.status
            .as_ref()?
            .conditions
            .iter()
            .find(|c| c.type_ == type_)
    }

    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }

    /// Allocatable amount of a resource in thousandths.
    pub fn allocatable_milli(&self, resource: &str) -> i128 {
        self.status
            .as_ref()
            .and_then(|s| s.allocatable.get(resource))
            .and_then(Quantity::milli_value)
            .unwrap_or(0)
    }

    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .as_ref()?
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }
}

impl Resource for Node {
    const INFO: KindInfo = KindInfo {
        kind: "Node",
        plural: "nodes",
        singular: "node",
        short_names: &["no"],
        group: "",
        version: "v1",
        namespaced: false,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const SELECTABLE_FIELDS: &'static [&'static str] = &["spec.unschedulable"];

    resource_boilerplate!(Node);

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, t) in self.spec.taints.iter().enumerate() {
            let p = format!("spec.taints[{i}]");
            for m in is_qualified_name(&t.key) {
                errs.push(FieldError::invalid(format!("{p}.key"), t.key.as_str(), m));
            }
            if let Some(v) = &t.value {
                for m in is_valid_label_value(v) {
                    errs.push(FieldError::invalid(format!("{p}.value"), v.as_str(), m));
                }
            }
            let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
            if !effects.contains(&t.effect.as_str()) {
                errs.push(FieldError::not_supported(
                    format!("{p}.effect"),
                    t.effect.as_str(),
                    &effects,
                ));
            }
            if !seen.insert((t.key.clone(), t.effect.clone())) {
                errs.push(FieldError::duplicate(
                    p.clone(),
                    format!("{}:{}", t.key, t.effect),
                ));
            }
        }
        errs
    }

    fn field(&self, path: &str) -> Option<String> {
        (path == "spec.unschedulable").then(|| self.is_unschedulable().to_string())
    }
}
