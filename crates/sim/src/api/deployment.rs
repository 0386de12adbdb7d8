//! `apps/v1` Deployment: types, defaulting (`SetDefaults_Deployment`) and validation
//! (selector required, matching the template, immutable).

use serde::{Deserialize, Serialize};

use super::meta::{Condition, IntOrString, LabelSelector, ObjectMeta};
use super::pod::PodSpec;
use super::shared::Shared;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::{NameRule, validate_annotations, validate_labels};
use crate::labels::Selector;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: DeploymentSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeploymentStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    #[serde(default)]
    pub template: PodTemplateSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<DeploymentStrategy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
}

/// `core/v1.PodTemplateSpec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PodTemplateSpec {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Shared with the pods made from it until their defaulting changes it.
    #[serde(default)]
    pub spec: Shared<PodSpec>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStrategy {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDeployment>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingUpdateDeployment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminating_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
}

/// Validation shared by workload kinds: selector present, non-empty, matching the template labels,
/// and the template itself.
pub(crate) fn validate_workload(
    kind: &str,
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    replicas: Option<i32>,
    old_selector: Option<Option<&LabelSelector>>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) if sel.match_labels.is_empty() && sel.match_expressions.is_empty() => {
            errs.push(FieldError::invalid(
                "spec.selector",
                serde_json::to_value(sel).unwrap_or_default(),
                format!("empty selector is invalid for {kind}"),
            ));
        }
        Some(sel) => match Selector::from_label_selector(Some(sel)) {
            Ok(s) => {
                if !s.matches(&template.metadata.labels) {
                    errs.push(FieldError::invalid(
                        "spec.template.metadata.labels",
                        serde_json::to_value(&template.metadata.labels).unwrap_or_default(),
                        "`selector` does not match template `labels`",
                    ));
                }
            }
            Err(e) => errs.push(FieldError::invalid(
                "spec.selector",
                serde_json::to_value(sel).unwrap_or_default(),
                e,
            )),
        },
    }
    if let Some(Some(old)) = old_selector
        && selector != Some(old)
    {
        errs.push(FieldError::invalid(
            "spec.selector",
            serde_json::to_value(selector).unwrap_or_default(),
            "field is immutable",
        ));
    }
    if let Some(r) = replicas
        && r < 0
    {
        errs.push(FieldError::invalid(
            "spec.replicas",
            r,
            "must be greater than or equal to 0",
        ));
    }
    errs.extend(validate_labels(
        &template.metadata.labels,
        "spec.template.metadata.labels",
    ));
    errs.extend(validate_annotations(
        &template.metadata.annotations,
        "spec.template.metadata.annotations",
    ));
    errs.extend(template.spec.validate("spec.template.spec", true));
    errs
}

impl Deployment {
    pub fn new(namespace: &str, name: &str, image: &str, replicas: i32) -> Self {
        let labels = [("app", name)];
        let container = image
            .rsplit('/')
            .next()
            .unwrap_or(image)
            .split([':', '@'])
            .next()
            .unwrap_or(name)
            .to_string();
        let mut d = Deployment {
            metadata: ObjectMeta::named(namespace, name).with_labels(labels),
            ..Default::default()
        };
        d.spec.replicas = Some(replicas);
        d.spec.selector = Some(LabelSelector {
            match_labels: [("app".to_string(), name.to_string())].into(),
            match_expressions: Vec::new(),
        });
        d.spec.template.metadata = ObjectMeta::default().with_labels(labels);
        d.spec.template.spec.containers = vec![super::pod::Container {
            name: container.into(),
            image: crate::api::Str::new(image),
            ..Default::default()
        }];
        d
    }

    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}

impl Resource for Deployment {
    const INFO: KindInfo = KindInfo {
        kind: "Deployment",
        plural: "deployments",
        singular: "deployment",
        short_names: &["deploy"],
        group: "apps",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const TRACKS_GENERATION: bool = true;

    resource_boilerplate!(Deployment);

    fn set_defaults(&mut self) {
        let s = &mut self.spec;
        s.replicas.get_or_insert(1);
        let strategy = s.strategy.get_or_insert_with(Default::default);
        let t = strategy
            .type_
            .get_or_insert_with(|| "RollingUpdate".into())
            .clone();
        if t == "RollingUpdate" {
            let ru = strategy.rolling_update.get_or_insert_with(Default::default);
            ru.max_unavailable
                .get_or_insert_with(|| IntOrString::String("25%".into()));
            ru.max_surge
                .get_or_insert_with(|| IntOrString::String("25%".into()));
        }
        s.revision_history_limit.get_or_insert(10);
        s.progress_deadline_seconds.get_or_insert(600);
        s.template.spec.set_defaults();
    }

    fn prepare_for_create(&mut self) {
        self.status = Some(DeploymentStatus::default());
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn spec_differs(&self, old: &Self) -> bool {
        self.spec != old.spec
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = validate_workload(
            "deployment",
            self.spec.selector.as_ref(),
            &self.spec.template,
            self.spec.replicas,
            old.map(|o| o.spec.selector.as_ref()),
        );
        if let Some(strategy) = &self.spec.strategy {
            match strategy.type_.as_deref() {
                Some("RollingUpdate") | None => {
                    if let Some(ru) = &strategy.rolling_update {
                        let replicas = self.replicas();
                        let unavailable = ru
                            .max_unavailable
                            .as_ref()
                            .map(|v| (v, v.scaled_value(100, false)));
                        let surge = ru
                            .max_surge
                            .as_ref()
                            .map(|v| (v, v.scaled_value(100, true)));
                        for (field, v) in [("maxUnavailable", &unavailable), ("maxSurge", &surge)] {
                            if let Some((raw, None)) = v {
                                errs.push(FieldError::invalid(
                                    format!("spec.strategy.rollingUpdate.{field}"),
                                    serde_json::to_value(raw).unwrap_or_default(),
                                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                                ));
                            }
                        }
                        let is_zero = |v: &Option<(&IntOrString, Option<i32>)>| {
                            matches!(v, Some((_, Some(0))))
                        };
                        if is_zero(&unavailable) && is_zero(&surge) {
                            errs.push(FieldError::invalid(
                                "spec.strategy.rollingUpdate.maxUnavailable",
                                serde_json::to_value(ru.max_unavailable.as_ref())
                                    .unwrap_or_default(),
                                "may not be 0 when `maxSurge` is 0",
                            ));
                        }
                        let _ = replicas;
                    }
                }
                Some("Recreate") => {
                    if strategy.rolling_update.is_some() {
                        errs.push(FieldError::forbidden(
                            "spec.strategy.rollingUpdate",
                            "may not be specified when strategy `type` is 'Recreate'",
                        ));
                    }
                }
                Some(other) => errs.push(FieldError::not_supported(
                    "spec.strategy.type",
                    other,
                    &["Recreate", "RollingUpdate"],
                )),
            }
        }
        errs
    }
}
