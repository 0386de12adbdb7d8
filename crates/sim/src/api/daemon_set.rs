//! `apps/v1` DaemonSet: types, defaulting (`SetDefaults_DaemonSet`) and validation.

use serde::{Deserialize, Serialize};

use super::deployment::{PodTemplateSpec, validate_workload};
use super::meta::{Condition, IntOrString, LabelSelector, ObjectMeta};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSet {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: DaemonSetSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DaemonSetStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    #[serde(default)]
    pub template: PodTemplateSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<DaemonSetUpdateStrategy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetUpdateStrategy {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDaemonSet>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingUpdateDaemonSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetStatus {
    #[serde(default)]
    pub current_number_scheduled: i32,
    #[serde(default)]
    pub number_misscheduled: i32,
    #[serde(default)]
    pub desired_number_scheduled: i32,
    #[serde(default)]
    pub number_ready: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_number_scheduled: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_available: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_unavailable: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

impl Resource for DaemonSet {
    const INFO: KindInfo = KindInfo {
        kind: "DaemonSet",
        plural: "daemonsets",
        singular: "daemonset",
        short_names: &["ds"],
        group: "apps",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const TRACKS_GENERATION: bool = true;

    resource_boilerplate!(DaemonSet);

    fn set_defaults(&mut self) {
        let s = &mut self.spec;
        let strategy = s.update_strategy.get_or_insert_with(Default::default);
        let t = strategy
            .type_
            .get_or_insert_with(|| "RollingUpdate".into())
            .clone();
        if t == "RollingUpdate" {
            let ru = strategy.rolling_update.get_or_insert_with(Default::default);
            ru.max_unavailable.get_or_insert(IntOrString::Int(1));
            ru.max_surge.get_or_insert(IntOrString::Int(0));
        }
        s.revision_history_limit.get_or_insert(10);
        s.template.spec.set_defaults();
    }

    fn prepare_for_create(&mut self) {
        self.status = Some(DaemonSetStatus::default());
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn spec_differs(&self, old: &Self) -> bool {
        self.spec != old.spec
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = validate_workload(
            "daemonset",
            self.spec.selector.as_ref(),
            &self.spec.template,
            None,
            old.map(|o| o.spec.selector.as_ref()),
        );
        if let Some(t) = self
            .spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            && t != "RollingUpdate"
            && t != "OnDelete"
        {
            errs.push(FieldError::not_supported(
                "spec.updateStrategy.type",
                t,
                &["OnDelete", "RollingUpdate"],
            ));
        }
        errs
    }
}
