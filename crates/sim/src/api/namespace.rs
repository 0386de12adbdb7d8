//! `core/v1` Namespace: the `kubernetes.io/metadata.name` label, the `kubernetes` finalizer and
//! the Active/Terminating phase.

use serde::{Deserialize, Serialize};

use super::meta::{Condition, ObjectMeta};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::validation::NameRule;

/// The label the api-server puts on every namespace.
pub const NAME_LABEL: &str = "kubernetes.io/metadata.name";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<NamespaceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<NamespaceStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamespaceSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamespaceStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

impl Namespace {
    pub fn new(name: &str) -> Self {
        Namespace {
            metadata: ObjectMeta::named("", name),
            ..Default::default()
        }
    }

    /// `Active` or `Terminating`.
    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Active")
    }
}

impl Resource for Namespace {
    const INFO: KindInfo = KindInfo {
        kind: "Namespace",
        plural: "namespaces",
        singular: "namespace",
        short_names: &["ns"],
        group: "",
        version: "v1",
        namespaced: false,
        name_rule: NameRule::Dns1123Label,
    };
    const SELECTABLE_FIELDS: &'static [&'static str] = &["status.phase"];

    resource_boilerplate!(Namespace);

    fn set_defaults(&mut self) {
        // SetDefaults_Namespace.
        let name = self.metadata.name.clone();
        if !name.is_empty() {
            self.metadata
                .labels
                .insert(NAME_LABEL.into(), name.to_string());
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = Some(NamespaceStatus {
            phase: Some("Active".into()),
            conditions: Vec::new(),
        });
        let spec = self.spec.get_or_insert_with(Default::default);
        if !spec.finalizers.iter().any(|f| f == "kubernetes") {
            spec.finalizers.push("kubernetes".into());
        }
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn field(&self, path: &str) -> Option<String> {
        (path == "status.phase").then(|| self.phase().to_string())
    }
}
