//! `core/v1` LimitRange: per-container and per-pod min/max, defaults and ratios that the
//! LimitRanger admission plugin applies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, Quantity};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRange {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<LimitRangeSpec>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRangeSpec {
    #[serde(default)]
    pub limits: Vec<LimitRangeItem>,
}

pub type ResourceList = BTreeMap<String, Quantity>;

/// `core/v1.LimitRangeItem`, in the upstream field order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRangeItem {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub default: ResourceList,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub default_request: ResourceList,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub max: ResourceList,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub max_limit_request_ratio: ResourceList,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub min: ResourceList,
    #[serde(rename = "type", default)]
    pub type_: String,
}

pub const LIMIT_TYPE_CONTAINER: &str = "Container";
pub const LIMIT_TYPE_POD: &str = "Pod";
pub const LIMIT_TYPE_PVC: &str = "PersistentVolumeClaim";

impl LimitRange {
    pub fn new(namespace: &str, name: &str, limits: Vec<LimitRangeItem>) -> Self {
        LimitRange {
            metadata: ObjectMeta::named(namespace, name),
            spec: Some(LimitRangeSpec { limits }),
        }
    }

    pub fn limits(&self) -> &[LimitRangeItem] {
        self.spec.as_ref().map_or(&[], |s| s.limits.as_slice())
    }
}

impl Resource for LimitRange {
    const INFO: KindInfo = KindInfo {
        kind: "LimitRange",
        plural: "limitranges",
        singular: "limitrange",
        short_names: &["limits"],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };

    resource_boilerplate!(LimitRange);

    /// `SetDefaults_LimitRangeItem`: for containers the default limit falls back to max, the
    /// default request to the default limit, then to min.
    fn set_defaults(&mut self) {
        let Some(spec) = &mut self.spec else { return };
        for item in &mut spec.limits {
            if item.type_ != LIMIT_TYPE_CONTAINER {
                continue;
            }
            for (k, v) in &item.max {
                item.default.entry(k.clone()).or_insert_with(|| v.clone());
            }
            for (k, v) in &item.default {
                item.default_request
                    .entry(k.clone())
                    .or_insert_with(|| v.clone());
            }
            for (k, v) in &item.min {
                item.default_request
                    .entry(k.clone())
                    .or_insert_with(|| v.clone());
            }
        }
    }

    /// `ValidateLimitRange`.
    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        for (i, item) in self.limits().iter().enumerate() {
            let p = format!("spec.limits[{i}]");
            match item.type_.as_str() {
                "" => errs.push(FieldError::required(format!("{p}.type"), "")),
                LIMIT_TYPE_CONTAINER | LIMIT_TYPE_POD | LIMIT_TYPE_PVC => {}
                other => errs.push(FieldError::not_supported(
                    format!("{p}.type"),
                    other,
                    &[LIMIT_TYPE_CONTAINER, LIMIT_TYPE_POD, LIMIT_TYPE_PVC],
                )),
            }
            if item.type_ == LIMIT_TYPE_POD {
                if !item.default.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{p}.default"),
                        "may not be specified when `type` is 'Pod'",
                    ));
                }
                if !item.default_request.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{p}.defaultRequest"),
                        "may not be specified when `type` is 'Pod'",
                    ));
                }
            }
            let mut keys: Vec<&String> = item
                .max
                .keys()
                .chain(item.min.keys())
                .chain(item.default.keys())
                .chain(item.default_request.keys())
                .collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (min, max) = (item.min.get(k), item.max.get(k));
                let (def, req) = (item.default.get(k), item.default_request.get(k));
                let gt = |a: &Quantity, b: &Quantity| a.cmp_value(b).is_gt();
                let mut push = |field: &str, value: &Quantity, msg: String| {
                    errs.push(FieldError::invalid(
                        format!("{p}.{field}[{k}]"),
                        value.canonical(),
                        msg,
                    ))
                };
                if let (Some(min), Some(max)) = (min, max)
                    && gt(min, max)
                {
                    push(
                        "min",
                        min,
                        format!(
                            "min value {} is greater than max value {}",
                            min.canonical(),
                            max.canonical()
                        ),
                    );
                }
                if let (Some(min), Some(req)) = (min, req)
                    && gt(min, req)
                {
                    push(
                        "defaultRequest",
                        req,
                        format!(
                            "min value {} is greater than default request value {}",
                            min.canonical(),
                            req.canonical()
                        ),
                    );
                }
                if let (Some(req), Some(max)) = (req, max)
                    && gt(req, max)
                {
                    push(
                        "defaultRequest",
                        req,
                        format!(
                            "default request value {} is greater than max value {}",
                            req.canonical(),
                            max.canonical()
                        ),
                    );
                }
                if let (Some(req), Some(def)) = (req, def)
                    && gt(req, def)
                {
                    push(
                        "defaultRequest",
                        req,
                        format!(
                            "default request value {} is greater than default limit value {}",
                            req.canonical(),
                            def.canonical()
                        ),
                    );
                }
                if let (Some(min), Some(def)) = (min, def)
                    && gt(min, def)
                {
                    push(
                        "default",
                        def,
                        format!(
                            "min value {} is greater than default value {}",
                            min.canonical(),
                            def.canonical()
                        ),
                    );
                }
                if let (Some(def), Some(max)) = (def, max)
                    && gt(def, max)
                {
                    push(
                        "default",
                        def,
                        format!(
                            "default value {} is greater than max value {}",
                            def.canonical(),
                            max.canonical()
                        ),
                    );
                }
            }
        }
        errs
    }
}
