//! The admission chain, in upstream order: NamespaceLifecycle, LimitRanger, ServiceAccount,
//! Priority, DefaultTolerationSeconds, DefaultStorageClass, then the validating ResourceQuota
//! (LimitRanger, DefaultStorageClass and ResourceQuota live in `admission_quota.rs`).

use serde_json::json;

use super::ApiServer;
use super::status::{Status, quote};
use crate::api::pod::{Volume, VolumeMount, VolumeSource};
use crate::api::{Kind, Namespace, Object, Resource, ServiceAccount};

/// Namespaces that can never be deleted.
pub const IMMORTAL_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public"];

/// Where the service account token is mounted in every container.
pub const SERVICE_ACCOUNT_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The annotation the kubelet puts on mirror pods of static pods.
pub const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// Built-in priority classes (`scheduling.k8s.io/v1` PriorityClass objects a cluster starts with).
///
/// Simplification: PriorityClass is not a kind yet; only the two system classes exist.
const SYSTEM_PRIORITY_CLASSES: &[(&str, i32)] = &[
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

pub(crate) fn admit_create(api: &mut ApiServer, obj: &mut Object) -> Result<(), Status> {
    let kind = obj.kind();
    let info = kind.info();
    // NamespaceLifecycle.
    if info.namespaced {
        let ns = obj.metadata().namespace.clone();
        let terminating = api
            .get_ref(Kind::Namespace, "", &ns)
            .and_then(<Namespace as Resource>::from_object)
            .map(|n| n.phase() == "Terminating");
        match terminating {
            None => return Err(Status::not_found(&Namespace::INFO, &ns)),
            Some(true) => {
                return Err(Status::forbidden(
                    info,
                    &obj.metadata().name,
                    &format!(
                        "unable to create new content in namespace {ns} because it is being terminated"
                    ),
                ));
            }
            Some(false) => {}
        }
    }
    // LimitRanger (defaults) and DefaultStorageClass.
    let mutates = match obj {
        Object::Pod(p) => super::admission_quota::has_policy(api, &p.metadata.namespace),
        Object::PersistentVolumeClaim(_) => true,
        _ => false,
    };
    if mutates {
        super::admission_quota::mutate_create(api, obj);
    }
    if let Object::Pod(pod) = obj {
        let name = pod.metadata.name.clone();
        let mirror = pod.metadata.annotations.contains_key(MIRROR_POD_ANNOTATION);
        // ServiceAccount.
        if !mirror {
            let sa_name = pod
                .spec
                .service_account_name
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "default".into());
            pod.spec.service_account_name = Some(sa_name.clone());
            pod.spec.service_account = Some(sa_name.clone());
            let ns = pod.metadata.namespace.clone();
            let sa_automount = match api
                .get_ref(Kind::ServiceAccount, &ns, &sa_name)
                .and_then(<ServiceAccount as Resource>::from_object)
            {
                Some(sa) => sa.automount_service_account_token,
                None => {
                    return Err(Status::forbidden(
                        &crate::api::Pod::INFO,
                        &name,
                        &format!(
                            "error looking up service account {ns}/{sa_name}: serviceaccount {} not found",
                            quote(&sa_name)
                        ),
                    ));
                }
            };
            let automount = pod
                .spec
                .automount_service_account_token
                .or(sa_automount)
                .unwrap_or(true);
            let mounted = pod.spec.containers.iter().any(|c| {
                c.volume_mounts
                    .iter()
                    .any(|m| m.mount_path == SERVICE_ACCOUNT_MOUNT_PATH)
            });
            if automount && !mounted {
                let volume_name = format!("kube-api-access-{}", api.rng().name_suffix(5));
                // Every pod gets the same source: one shared map (see `VolumeSource`).
                static SOURCE: std::sync::OnceLock<VolumeSource> = std::sync::OnceLock::new();
                let source = SOURCE
                    .get_or_init(|| {
                        let source = json!({
                            "projected": {
                                "defaultMode": 420,
                                "sources": [
                                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                                    {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                                    {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
                                ]
                            }
                        });
                        match source {
                            serde_json::Value::Object(m) => m.into_iter().collect(),
                            _ => VolumeSource::default(),
                        }
                    })
                    .clone();
                let spec = &mut *pod.spec;
                spec.volumes.push(Volume {
                    name: volume_name.clone().into(),
                    source,
                });
                for c in spec
                    .init_containers
                    .iter_mut()
                    .chain(spec.containers.iter_mut())
                {
                    c.volume_mounts.push(VolumeMount {
                        name: volume_name.clone().into(),
                        read_only: Some(true),
                        mount_path: SERVICE_ACCOUNT_MOUNT_PATH.into(),
                        sub_path: None,
                        mount_propagation: None,
                    });
                }
            }
        }
        // Priority.
        if let Some(class) = pod
            .spec
            .priority_class_name
            .clone()
            .filter(|c| !c.is_empty())
        {
            match SYSTEM_PRIORITY_CLASSES.iter().find(|(n, _)| *n == class) {
                Some((_, value)) => pod.spec.priority = Some(*value),
                None => {
                    return Err(Status::forbidden(
                        &crate::api::Pod::INFO,
                        &name,
                        &format!("no PriorityClass with name {class} was found"),
                    ));
                }
            }
        }
        // DefaultTolerationSeconds (and the Priority defaults).
        pod.spec.admission_defaults();
    }
    Ok(())
}

/// The validating admission plugins of a create (after the object validated): LimitRanger's
/// constraints and ResourceQuota.
pub(crate) fn validate_create(api: &ApiServer, obj: &Object) -> Result<(), Status> {
    if obj.kind().info().namespaced
        && super::admission_quota::has_policy(api, &obj.metadata().namespace)
    {
        super::admission_quota::validate_create(api, obj)?;
    }
    Ok(())
}

pub(crate) fn admit_delete(_api: &ApiServer, obj: &Object) -> Result<(), Status> {
    if obj.kind() == Kind::Namespace && IMMORTAL_NAMESPACES.contains(&obj.metadata().name.as_str())
    {
        return Err(Status::forbidden(
            &Namespace::INFO,
            &obj.metadata().name,
            "this namespace may not be deleted",
        ));
    }
    Ok(())
}
