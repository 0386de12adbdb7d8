//! `core/v1` Pod: types, defaulting (`SetDefaults_Pod`, `SetDefaults_Container`), the pod
//! registry strategy (status reset, QoS class) and `ValidatePod*`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{Condition, IntOrString, ObjectMeta, Quantity};
use super::shared::Shared;
use super::text::Str;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::{NameRule, is_dns1123_label};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Shared between the pod's versions: status writes leave it alone.
    #[serde(default)]
    pub spec: Shared<PodSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PodStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    #[serde(default)]
    pub containers: Vec<Container>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ephemeral_containers: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<Str>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<Str>,
    /// Deprecated alias of `serviceAccountName`, still filled in by the api-server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_network: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostPID")]
    pub host_pid: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostIPC")]
    pub host_ipc: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_process_namespace: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_pull_secrets: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdomain: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_aliases: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readiness_gates: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preemption_policy: Option<Str>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overhead: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "setHostnameAsFQDN")]
    pub set_hostname_as_fqdn: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduling_gates: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_claims: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// `core/v1.Volume`: the name is typed, the volume source kept as written.
///
/// Simplification: volume sources are not validated; what volumes do is a later issue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    pub name: Str,
    #[serde(flatten)]
    pub source: VolumeSource,
}

/// A volume source as written, shared: copies of a pod (its stored versions, the copies
/// controllers and the kubelet make to write it) share one map instead of copying a dozen nested
/// JSON maps each. It reads as a map (`Deref`), writes copy on write, and (de)serializes exactly
/// as the map does.
#[derive(Clone, Default, PartialEq)]
pub struct VolumeSource(std::sync::Arc<BTreeMap<String, Value>>);

impl VolumeSource {
    pub fn new(map: BTreeMap<String, Value>) -> Self {
        VolumeSource(std::sync::Arc::new(map))
    }
}

impl std::ops::Deref for VolumeSource {
    type Target = BTreeMap<String, Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for VolumeSource {
    fn deref_mut(&mut self) -> &mut Self::Target {
        std::sync::Arc::make_mut(&mut self.0)
    }
}

impl From<BTreeMap<String, Value>> for VolumeSource {
    fn from(map: BTreeMap<String, Value>) -> Self {
        VolumeSource::new(map)
    }
}

impl FromIterator<(String, Value)> for VolumeSource {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        VolumeSource::new(iter.into_iter().collect())
    }
}

impl std::fmt::Debug for VolumeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for VolumeSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for VolumeSource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<String, Value>::deserialize(deserializer).map(VolumeSource::new)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    #[serde(default)]
    pub name: Str,
    #[serde(default, skip_serializing_if = "Str::is_empty")]
    pub image: Str,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_from: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resize_policy: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_devices: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The probes are boxed: rarely set, and an inline `Probe` triples a container's size.
    pub liveness_probe: Option<Box<Probe>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Box<Probe>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Box<Probe>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_path: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_policy: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin_once: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tty: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
    #[serde(default)]
    pub container_port: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostIP")]
    pub host_ip: Option<Str>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRequirements {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, Quantity>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeMount {
    pub name: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    pub mount_path: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_propagation: Option<Str>,
}

/// `core/v1.Probe` (its handler is one of `exec`, `httpGet`, `tcpSocket`, `grpc`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpGetAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_socket: Option<TcpSocketAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<GrpcAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecAction {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpGetAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub port: IntOrString,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http_headers: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcpSocketAction {
    pub port: IntOrString,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrpcAction {
    #[serde(default)]
    pub port: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

impl Probe {
    /// `SetDefaults_Probe`, `SetDefaults_HTTPGetAction` and the `grpc.service` default.
    pub fn set_defaults(&mut self) {
        // Go's zero value counts as unset.
        for (v, default) in [
            (&mut self.timeout_seconds, 1),
            (&mut self.period_seconds, 10),
            (&mut self.success_threshold, 1),
            (&mut self.failure_threshold, 3),
        ] {
            if v.is_none_or(|n| n == 0) {
                *v = Some(default);
            }
        }
        if let Some(h) = &mut self.http_get {
            if h.path.as_deref().is_none_or(str::is_empty) {
                h.path = Some("/".into());
            }
            if h.scheme.as_deref().is_none_or(str::is_empty) {
                h.scheme = Some("HTTP".into());
            }
        }
        if let Some(g) = &mut self.grpc {
            g.service.get_or_insert_with(String::new);
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// `Toleration.ToleratesTaint`.
    pub fn tolerates(&self, taint: &super::node::Taint) -> bool {
        if let Some(effect) = self.effect.as_deref().filter(|e| !e.is_empty())
            && effect != taint.effect
        {
            return false;
        }
        let key = self.key.as_deref().unwrap_or("");
        if !key.is_empty() && key != taint.key {
            return false;
        }
        match self.operator.as_deref().unwrap_or("Equal") {
            "Exists" => true,
            "Equal" | "" => {
                !key.is_empty()
                    && self.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Affinity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_affinity: Option<PodAffinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// `core/v1.PodAffinity` and `PodAntiAffinity` (same shape).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodAffinity {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// `core/v1.PodAffinityTerm`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodAffinityTerm {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<crate::api::LabelSelector>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub topology_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<crate::api::LabelSelector>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatch_label_keys: Vec<String>,
}

/// `core/v1.WeightedPodAffinityTerm`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightedPodAffinityTerm {
    #[serde(default)]
    pub weight: i32,
    #[serde(default)]
    pub pod_affinity_term: PodAffinityTerm,
}

/// `core/v1.TopologySpreadConstraint`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopologySpreadConstraint {
    #[serde(default)]
    pub max_skew: i32,
    #[serde(default)]
    pub topology_key: String,
    #[serde(default)]
    pub when_unsatisfiable: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<crate::api::LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_domains: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_taints_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeAffinity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelector {
    #[serde(default)]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_fields: Vec<NodeSelectorRequirement>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorRequirement {
    pub key: String,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreferredSchedulingTerm {
    pub weight: i32,
    pub preference: NodeSelectorTerm,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominated_node_name: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostIP")]
    pub host_ip: Option<Str>,
    #[serde(rename = "hostIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub host_ips: Vec<IpEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "podIP")]
    pub pod_ip: Option<Str>,
    #[serde(rename = "podIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub pod_ips: Vec<IpEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_container_statuses: Vec<ContainerStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_statuses: Vec<ContainerStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_class: Option<Str>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpEntry {
    pub ip: Str,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    pub name: Str,
    #[serde(default)]
    pub state: ContainerState,
    #[serde(default, skip_serializing_if = "is_empty_state")]
    pub last_state: ContainerState,
    #[serde(default)]
    pub ready: bool,
    #[serde(default)]
    pub restart_count: i32,
    #[serde(default)]
    pub image: Str,
    #[serde(rename = "imageID", default)]
    pub image_id: Str,
    #[serde(
        rename = "containerID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub container_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
}

fn is_empty_state(s: &ContainerState) -> bool {
    s.waiting.is_none() && s.running.is_none() && s.terminated.is_none()
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<ContainerStateWaiting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<ContainerStateRunning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Boxed: the largest state, and most containers are waiting or running.
    pub terminated: Option<Box<ContainerStateTerminated>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateWaiting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Str>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateRunning {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Str>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateTerminated {
    #[serde(default)]
    pub exit_code: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Str>,
    #[serde(
        rename = "containerID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub container_id: Option<Str>,
}

/// The tag of an image reference as `parsers.ParseImageName` sees it: `latest` when there is
/// neither a tag nor a digest, empty when there is only a digest.
pub fn image_tag(image: &str) -> String {
    let (name, has_digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag.to_string(),
        None if has_digest => String::new(),
        None => "latest".to_string(),
    }
}

impl Container {
    /// `SetDefaults_Container`.
    fn set_defaults(&mut self) {
        if self.image_pull_policy.is_none() {
            let policy = if image_tag(&self.image) == "latest" {
                "Always"
            } else {
                "IfNotPresent"
            };
            self.image_pull_policy = Some(policy.into());
        }
        if self.termination_message_path.is_none() {
            self.termination_message_path = Some("/dev/termination-log".into());
        }
        if self.termination_message_policy.is_none() {
            self.termination_message_policy = Some("File".into());
        }
        for p in &mut self.ports {
            if p.protocol.is_none() {
                p.protocol = Some("TCP".into());
            }
        }
        for probe in [
            &mut self.liveness_probe,
            &mut self.readiness_probe,
            &mut self.startup_probe,
        ]
        .into_iter()
        .flatten()
        {
            probe.set_defaults();
        }
        // SetDefaults_ResourceList: requests default to limits.
        let resources = self.resources.get_or_insert_with(Default::default);
        for (k, v) in resources.limits.clone() {
            resources.requests.entry(k).or_insert(v);
        }
    }
}

/// `validateProbe` and `validateHandler` for a container's probes, and the probe rules of
/// `validateContainerCommon` / `validateInitContainers`.
fn validate_probes(c: &Container, p: &str, init: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let restartable = c.restart_policy.as_deref() == Some("Always");
    for (key, probe) in [
        ("livenessProbe", &c.liveness_probe),
        ("readinessProbe", &c.readiness_probe),
        ("startupProbe", &c.startup_probe),
    ] {
        let Some(probe) = probe else { continue };
        let pp = format!("{p}.{key}");
        if init && !restartable {
            errs.push(FieldError::forbidden(
                pp,
                "may not be set for init containers without restartPolicy=Always",
            ));
            continue;
        }
        let mut handlers = 0;
        for (name, present) in [
            ("exec", probe.exec.is_some()),
            ("httpGet", probe.http_get.is_some()),
            ("tcpSocket", probe.tcp_socket.is_some()),
            ("grpc", probe.grpc.is_some()),
        ] {
            if !present {
                continue;
            }
            if handlers > 0 {
                errs.push(FieldError::forbidden(
                    format!("{pp}.{name}"),
                    "may not specify more than 1 handler type",
                ));
                continue;
            }
            handlers += 1;
            match name {
                "exec" if probe.exec.as_ref().is_some_and(|e| e.command.is_empty()) => {
                    errs.push(FieldError::required(format!("{pp}.exec.command"), ""));
                }
                "httpGet" => {
                    if let Some(h) = &probe.http_get {
                        errs.extend(validate_port(&h.port, &format!("{pp}.httpGet.port")));
                        if let Some(scheme) = &h.scheme
                            && !["HTTP", "HTTPS"].contains(&scheme.as_str())
                        {
                            errs.push(FieldError::not_supported(
                                format!("{pp}.httpGet.scheme"),
                                scheme.as_str(),
                                &["HTTP", "HTTPS"],
                            ));
                        }
                    }
                }
                "tcpSocket" => {
                    if let Some(t) = &probe.tcp_socket {
                        errs.extend(validate_port(&t.port, &format!("{pp}.tcpSocket.port")));
                    }
                }
                "grpc" => {
                    if let Some(g) = &probe.grpc {
                        errs.extend(validate_port(
                            &IntOrString::Int(g.port),
                            &format!("{pp}.grpc.port"),
                        ));
                    }
                }
                _ => {}
            }
        }
        if handlers == 0 {
            errs.push(FieldError::required(
                pp.clone(),
                "must specify a handler type",
            ));
        }
        for (name, v) in [
            ("initialDelaySeconds", probe.initial_delay_seconds),
            ("timeoutSeconds", probe.timeout_seconds),
            ("periodSeconds", probe.period_seconds),
            ("successThreshold", probe.success_threshold),
            ("failureThreshold", probe.failure_threshold),
        ] {
            if let Some(v) = v.filter(|v| *v < 0) {
                errs.push(FieldError::invalid(
                    format!("{pp}.{name}"),
                    v,
                    "must be greater than or equal to 0",
                ));
            }
        }
        if let Some(g) = probe.termination_grace_period_seconds.filter(|g| *g <= 0) {
            errs.push(FieldError::invalid(
                format!("{pp}.terminationGracePeriodSeconds"),
                g,
                "must be greater than 0",
            ));
        }
        if key != "readinessProbe"
            && let Some(n) = probe.success_threshold.filter(|n| *n != 1)
        {
            errs.push(FieldError::invalid(
                format!("{pp}.successThreshold"),
                n,
                "must be 1",
            ));
        }
    }
    errs
}

/// `validatePortNumOrName`.
fn validate_port(port: &IntOrString, path: &str) -> Vec<FieldError> {
    match port {
        IntOrString::Int(n) if !(1..=65535).contains(n) => vec![FieldError::invalid(
            path,
            *n,
            "must be between 1 and 65535, inclusive",
        )],
        IntOrString::String(name) => {
            let ok = !name.is_empty()
                && name.len() <= 15
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && name.chars().any(|c| c.is_ascii_lowercase())
                && !name.starts_with('-')
                && !name.ends_with('-')
                && !name.contains("--");
            if ok {
                Vec::new()
            } else {
                // Simplification: one message for every way a port name can be malformed.
                vec![FieldError::invalid(
                    path,
                    name.as_str(),
                    "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                )]
            }
        }
        IntOrString::Int(_) => Vec::new(),
    }
}

/// The tolerations `DefaultTolerationSeconds` admission adds to every pod.
pub fn default_toleration(key: &str) -> Toleration {
    Toleration {
        key: Some(Str::new(key)),
        operator: Some("Exists".into()),
        value: None,
        effect: Some("NoExecute".into()),
        toleration_seconds: Some(300),
    }
}

impl PodSpec {
    /// `SetDefaults_PodSpec` plus what admission adds to every pod (`Priority`,
    /// `DefaultTolerationSeconds`).
    pub fn set_defaults(&mut self) {
        self.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
        self.restart_policy.get_or_insert_with(|| "Always".into());
        self.termination_grace_period_seconds.get_or_insert(30);
        self.security_context
            .get_or_insert_with(|| Value::Object(Default::default()));
        self.scheduler_name
            .get_or_insert_with(|| "default-scheduler".into());
        if self.service_account.is_some() && self.service_account_name.is_none() {
            self.service_account_name = self.service_account.clone();
        }
        for c in self.init_containers.iter_mut().chain(&mut self.containers) {
            c.set_defaults();
        }
    }

    /// Defaults that only the api-server's admission chain adds to pods (not to templates).
    pub fn admission_defaults(&mut self) {
        self.priority.get_or_insert(0);
        self.preemption_policy
            .get_or_insert_with(|| "PreemptLowerPriority".into());
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            let present = self.tolerations.iter().any(|t| {
                matches!(t.key.as_deref(), None | Some(""))
                    || t.key.as_deref() == Some(key)
                        && matches!(t.effect.as_deref(), None | Some("") | Some("NoExecute"))
            });
            if !present {
                self.tolerations.push(default_toleration(key));
            }
        }
    }

    // Simplification: a subset of `ValidatePodSpec` (names, images, ports, resources, probes,
    // policies, tolerations, node selector, affinity, spread constraints); volumes, env and
    // security contexts are not validated.
    /// `ValidatePodSpec` (the parts Timonel checks), under `path` (`spec` or
    /// `spec.template.spec`).
    pub fn validate(&self, path: &str, template: bool) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.containers.is_empty() {
            errs.push(FieldError::required(format!("{path}.containers"), ""));
        }
        let mut names = BTreeSet::new();
        let all = self
            .init_containers
            .iter()
            .map(|c| ("initContainers", c))
            .enumerate()
            .map(|(i, (f, c))| (f, i, c))
            .chain(
                self.containers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| ("containers", i, c)),
            );
        for (field, i, c) in all {
            // Paths are only formatted for an error: every pod created is validated.
            let p = || format!("{path}.{field}[{i}]");
            if c.name.is_empty() {
                errs.push(FieldError::required(format!("{}.name", p()), ""));
            } else {
                for m in is_dns1123_label(&c.name) {
                    errs.push(FieldError::invalid(
                        format!("{}.name", p()),
                        c.name.as_str(),
                        m,
                    ));
                }
                if !names.insert(c.name.as_str()) {
                    errs.push(FieldError::duplicate(
                        format!("{}.name", p()),
                        c.name.as_str(),
                    ));
                }
            }
            if c.image.trim().is_empty() {
                errs.push(FieldError::required(format!("{}.image", p()), ""));
            }
            if let Some(pol) = &c.image_pull_policy
                && !["Always", "IfNotPresent", "Never"].contains(&pol.as_str())
            {
                errs.push(FieldError::not_supported(
                    format!("{}.imagePullPolicy", p()),
                    pol.as_str(),
                    &["Always", "IfNotPresent", "Never"],
                ));
            }
            for (j, port) in c.ports.iter().enumerate() {
                // Paths are only formatted for an error: every pod created is validated.
                let pp = |field: &str| format!("{}.ports[{j}].{field}", p());
                if !(1..=65535).contains(&port.container_port) {
                    errs.push(FieldError::invalid(
                        pp("containerPort"),
                        port.container_port,
                        "must be between 1 and 65535, inclusive",
                    ));
                }
                if let Some(hp) = port.host_port
                    && !(1..=65535).contains(&hp)
                {
                    errs.push(FieldError::invalid(
                        pp("hostPort"),
                        hp,
                        "must be between 1 and 65535, inclusive",
                    ));
                }
                if let Some(proto) = &port.protocol
                    && !["SCTP", "TCP", "UDP"].contains(&proto.as_str())
                {
                    errs.push(FieldError::not_supported(
                        pp("protocol"),
                        proto.as_str(),
                        &["SCTP", "TCP", "UDP"],
                    ));
                }
            }
            if let Some(r) = &c.resources {
                for (name, req) in &r.requests {
                    if let (Some(limit), Some(rv)) = (r.limits.get(name), req.milli_value())
                        && limit.milli_value().is_some_and(|lv| rv > lv)
                    {
                        errs.push(FieldError::invalid(
                            format!("{}.resources.requests", p()),
                            req.0.as_str(),
                            format!("must be less than or equal to {name} limit of {}", limit.0),
                        ));
                    }
                }
            }
            if c.liveness_probe.is_some()
                || c.readiness_probe.is_some()
                || c.startup_probe.is_some()
            {
                errs.extend(validate_probes(c, &p(), field == "initContainers"));
            }
        }
        if let Some(rp) = &self.restart_policy {
            if template && rp != "Always" {
                errs.push(FieldError::not_supported(
                    format!("{path}.restartPolicy"),
                    rp.as_str(),
                    &["Always"],
                ));
            } else if !["Always", "OnFailure", "Never"].contains(&rp.as_str()) {
                errs.push(FieldError::not_supported(
                    format!("{path}.restartPolicy"),
                    rp.as_str(),
                    &["Always", "OnFailure", "Never"],
                ));
            }
        }
        if let Some(dp) = &self.dns_policy {
            let ok = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
            if !ok.contains(&dp.as_str()) {
                errs.push(FieldError::not_supported(
                    format!("{path}.dnsPolicy"),
                    dp.as_str(),
                    &ok,
                ));
            }
        }
        if let Some(g) = self.termination_grace_period_seconds
            && g < 0
        {
            errs.push(FieldError::invalid(
                format!("{path}.terminationGracePeriodSeconds"),
                g,
                "must be greater than or equal to 0",
            ));
        }
        for (i, t) in self.tolerations.iter().enumerate() {
            let tp = || format!("{path}.tolerations[{i}]");
            match t.operator.as_deref().unwrap_or("Equal") {
                "Exists" if t.value.as_deref().is_some_and(|v| !v.is_empty()) => {
                    errs.push(FieldError::invalid(
                        format!("{}.operator", tp()),
                        t.value.as_deref().unwrap_or_default(),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
                "Exists" | "Equal" => {}
                other => errs.push(FieldError::not_supported(
                    format!("{}.operator", tp()),
                    other,
                    &["Equal", "Exists"],
                )),
            }
            if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty())
                && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&e)
            {
                errs.push(FieldError::not_supported(
                    format!("{}.effect", tp()),
                    e,
                    &["NoSchedule", "PreferNoSchedule", "NoExecute"],
                ));
            }
        }
        if !self.node_selector.is_empty() {
            errs.extend(crate::apiserver::validation::validate_labels(
                &self.node_selector,
                &format!("{path}.nodeSelector"),
            ));
        }
        errs.extend(super::pod_scheduling::validate(self, path));
        errs
    }

    /// Sum of container requests for one resource, in thousandths (`resourcehelper.PodRequests`,
    /// without init-container maximums).
    pub fn request_milli(&self, resource: &str) -> i128 {
        let regular: i128 = self
            .containers
            .iter()
            .filter_map(|c| c.resources.as_ref()?.requests.get(resource)?.milli_value())
            .fold(0, i128::saturating_add);
        let init_max = self
            .init_containers
            .iter()
            .filter_map(|c| c.resources.as_ref()?.requests.get(resource)?.milli_value())
            .max()
            .unwrap_or(0);
        regular.max(init_max)
    }
}

impl Pod {
    pub fn new(namespace: &str, name: &str, image: &str) -> Self {
        Pod {
            metadata: ObjectMeta::named(namespace, name),
            spec: PodSpec {
                containers: vec![Container {
                    name: Str::new(name),
                    image: Str::new(image),
                    ..Default::default()
                }],
                ..Default::default()
            }
            .into(),
            status: None,
        }
    }

    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("")
    }

    pub fn node_name(&self) -> Option<&str> {
        self.spec.node_name.as_deref().filter(|n| !n.is_empty())
    }

    /// `qos.GetPodQOS`.
    pub fn qos_class(&self) -> &'static str {
        let mut any = false;
        let mut guaranteed = true;
        for c in self
            .spec
            .init_containers
            .iter()
            .chain(&self.spec.containers)
        {
            let r = c.resources.clone().unwrap_or_default();
            if !r.requests.is_empty() || !r.limits.is_empty() {
                any = true;
            }
            for res in ["cpu", "memory"] {
                let (req, lim) = (r.requests.get(res), r.limits.get(res));
                match (req, lim) {
                    (_, None) => guaranteed = false,
                    (Some(q), Some(l)) if q.milli_value() != l.milli_value() => guaranteed = false,
                    _ => {}
                }
            }
        }
        if !any {
            "BestEffort"
        } else if guaranteed {
            "Guaranteed"
        } else {
            "Burstable"
        }
    }

    /// Whether the pod is done (Succeeded or Failed).
    pub fn is_terminal(&self) -> bool {
        matches!(self.phase(), "Succeeded" | "Failed")
    }

    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.status
            .as_ref()?
            .conditions
            .iter()
            .find(|c| c.type_ == type_)
    }

    /// Pod is Ready (`podutil.IsPodReady`).
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }
}

/// The fields `ValidatePodUpdate` lets a pod update change.
const POD_UPDATE_FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

impl Resource for Pod {
    const INFO: KindInfo = KindInfo {
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const TRACKS_GENERATION: bool = true;
    const SELECTABLE_FIELDS: &'static [&'static str] = &[
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ];

    resource_boilerplate!(Pod);

    fn set_defaults(&mut self) {
        // SetDefaults_Pod.
        self.spec.enable_service_links.get_or_insert(true);
        self.spec.set_defaults();
    }

    fn prepare_for_create(&mut self) {
        self.status = Some(PodStatus {
            phase: Some("Pending".into()),
            qos_class: Some(self.qos_class().into()),
            ..Default::default()
        });
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn same_but_status(&self, other: &Self) -> Option<bool> {
        let Pod {
            metadata,
            spec,
            status: _,
        } = self;
        Some(*metadata == other.metadata && *spec == other.spec)
    }

    fn spec_differs(&self, old: &Self) -> bool {
        self.spec != old.spec
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = self.spec.validate("spec", false);
        if let Some(old) = old.filter(|o| !Shared::same(&o.spec, &self.spec)) {
            let mut a: PodSpec = (*self.spec).clone();
            let mut b: PodSpec = (*old.spec).clone();
            // Mutable fields are compared with the images, deadline and grace period blanked.
            for s in [&mut a, &mut b] {
                for c in s.containers.iter_mut().chain(s.init_containers.iter_mut()) {
                    c.image.clear();
                }
                s.active_deadline_seconds = None;
                s.termination_grace_period_seconds = None;
            }
            let additions_only = old
                .spec
                .tolerations
                .iter()
                .all(|t| self.spec.tolerations.contains(t));
            a.tolerations.clear();
            b.tolerations.clear();
            // spec.nodeName is set through the binding subresource, which checks it itself.
            if a.node_name.is_none() {
                a.node_name = b.node_name.clone();
            }
            if a != b || !additions_only {
                // Simplification: upstream appends a Go-struct diff of the two specs.
                errs.push(FieldError::forbidden("spec", POD_UPDATE_FORBIDDEN));
            }
        }
        errs
    }

    fn field(&self, path: &str) -> Option<String> {
        let s = self.status.as_ref();
        let text = |v: Option<&Str>| v.map_or_else(String::new, Str::to_string);
        Some(match path {
            "spec.nodeName" => text(self.spec.node_name.as_ref()),
            "spec.restartPolicy" => text(self.spec.restart_policy.as_ref()),
            "spec.schedulerName" => text(self.spec.scheduler_name.as_ref()),
            "spec.serviceAccountName" => text(self.spec.service_account_name.as_ref()),
            "spec.hostNetwork" => self.spec.host_network.unwrap_or(false).to_string(),
            "status.phase" => text(s.and_then(|s| s.phase.as_ref())),
            "status.podIP" => text(s.and_then(|s| s.pod_ip.as_ref())),
            "status.nominatedNodeName" => text(s.and_then(|s| s.nominated_node_name.as_ref())),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags_are_read_like_the_container_runtime_does() {
        assert_eq!(image_tag("nginx"), "latest");
        assert_eq!(image_tag("nginx:1.27"), "1.27");
        assert_eq!(image_tag("registry:5000/team/app"), "latest");
        assert_eq!(image_tag("registry:5000/team/app:v2"), "v2");
        assert_eq!(image_tag("nginx@sha256:abc"), "");
    }

    #[test]
    fn tolerations_match_taints_by_key_value_and_effect() {
        let taint = super::super::node::Taint {
            key: "node-role.kubernetes.io/control-plane".into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        };
        let exists = Toleration {
            key: Some("node-role.kubernetes.io/control-plane".into()),
            operator: Some("Exists".into()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        };
        assert!(exists.tolerates(&taint));
        let everything = Toleration {
            operator: Some("Exists".into()),
            ..Default::default()
        };
        assert!(everything.tolerates(&taint));
        assert!(!default_toleration("node.kubernetes.io/not-ready").tolerates(&taint));
    }
}
