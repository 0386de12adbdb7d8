//! The persistent-volume controller (binding claims to volumes, releasing and reclaiming), the
//! pv/pvc-protection controllers (their finalizers) and kind's local-path provisioner
//! (`rancher.io/local-path`, which provisions `pvc-<uid>` hostPath volumes on demand).
//!
//! Simplification: the scheduler and kubelets are not volume-aware: a pod whose claim is missing
//! or unbound is scheduled and started anyway (upstream the VolumeBinding plugin keeps it
//! Pending, and the kubelet waits for the mount); PV node affinity and claim selectors are not
//! checked when binding; no data is ever stored.

use std::collections::BTreeSet;

use serde_json::json;

use crate::api::persistent_volume::{ClaimRef, PersistentVolumeStatus};
use crate::api::persistent_volume_claim::PersistentVolumeClaimStatus;
use crate::api::{
    Kind, Object, PersistentVolume, PersistentVolumeClaim, Pod, Quantity, StorageClass,
};
use crate::apiserver::{Actor, ApiServer, DeleteOptions};
use crate::events::{self, NORMAL, WARNING};

pub const PVC_PROTECTION_FINALIZER: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION_FINALIZER: &str = "kubernetes.io/pv-protection";
pub const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
pub const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
pub const PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
/// The provisioner kind installs (its only running one).
pub const LOCAL_PATH_PROVISIONER: &str = "rancher.io/local-path";
/// The component name the local-path provisioner records events as.
///
/// Simplification: upstream it is `rancher.io/local-path_<pod name>_<uuid>` of the provisioner
/// pod, which Timonel does not run; a fixed pod name stands in.
pub const LOCAL_PATH_COMPONENT: &str = "rancher.io/local-path_local-path-provisioner-7577fdbbfb-2lmkz_4f1e5b5c-8c2a-4d0e-9b1a-3c7d2e6f9a10";

#[derive(Clone, Debug, Default)]
pub struct PersistentVolumeController {
    /// (uid, reason) of events already recorded.
    ///
    /// Simplification: upstream repeats these events on every 15 s resync (`x4 over 45s`);
    /// Timonel records each once.
    reported: BTreeSet<(String, String)>,
}

fn pvc_key(p: &PersistentVolumeClaim) -> (String, String) {
    (
        p.metadata.namespace.to_string(),
        p.metadata.name.to_string(),
    )
}

/// Whether a non-terminal pod of the namespace mounts the claim; with its node when scheduled.
fn claim_users(api: &ApiServer, ns: &str, claim: &str) -> Vec<Option<String>> {
    api.iter_as::<Pod>(Some(ns))
        .filter(|p| !p.is_terminal())
        .filter(|p| {
            p.spec.volumes.iter().any(|v| {
                v.source
                    .get("persistentVolumeClaim")
                    .and_then(|s| s.get("claimName"))
                    .and_then(|n| n.as_str())
                    == Some(claim)
            })
        })
        .map(|p| p.node_name().map(str::to_string))
        .collect()
}

fn modes_ok(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> bool {
    pvc.spec
        .access_modes
        .iter()
        .all(|m| pv.spec.access_modes.contains(m))
}

fn nano(q: Option<&Quantity>) -> i128 {
    q.and_then(Quantity::nano_value).unwrap_or(0)
}

impl PersistentVolumeController {
    fn report(
        &mut self,
        api: &mut ApiServer,
        actor: &Actor,
        obj: &Object,
        type_: &'static str,
        reason: &'static str,
        message: &str,
    ) {
        let key = (obj.metadata().uid.to_string(), reason.to_string());
        if self.reported.insert(key) {
            events::record(api, actor, obj, "", type_, reason, message);
        }
    }

    pub fn sync(&mut self, api: &mut ApiServer) {
        if api.count(Kind::PersistentVolumeClaim) == 0 && api.count(Kind::PersistentVolume) == 0 {
            return;
        }
        let claims: Vec<PersistentVolumeClaim> = api
            .iter_as::<PersistentVolumeClaim>(None)
            .cloned()
            .collect();
        for pvc in claims {
            self.sync_claim(api, pvc);
        }
        let volumes: Vec<PersistentVolume> =
            api.iter_as::<PersistentVolume>(None).cloned().collect();
        for pv in volumes {
            self.sync_volume(api, pv);
        }
    }

    fn sync_claim(&mut self, api: &mut ApiServer, mut pvc: PersistentVolumeClaim) {
        let (ns, name) = pvc_key(&pvc);
        let protection = Actor::new("pvc-protection-controller");
        if pvc.metadata.deletion_timestamp.is_some() {
            if claim_users(api, &ns, &name).is_empty()
                && pvc
                    .metadata
                    .finalizers
                    .iter()
                    .any(|f| f == PVC_PROTECTION_FINALIZER)
            {
                pvc.metadata
                    .finalizers
                    .retain(|f| f != PVC_PROTECTION_FINALIZER);
                let _ = api.update(&protection, pvc);
            }
            return;
        }
        if !pvc
            .metadata
            .finalizers
            .iter()
            .any(|f| f == PVC_PROTECTION_FINALIZER)
        {
            pvc.metadata
                .finalizers
                .push(PVC_PROTECTION_FINALIZER.into());
            match api.update_as(&protection, pvc) {
                Ok(p) => pvc = p,
                Err(_) => return,
            }
        }
        if pvc.phase() == "Bound" {
            return;
        }
        let actor = Actor::new("persistentvolume-controller");
        let class = pvc.class().to_string();
        let sc = api.get_as::<StorageClass>("", &class).ok();
        let requested = nano(pvc.requested_storage());
        // A volume already meant for this claim (pre-bound or provisioned for it), else the
        // smallest Available volume that fits.
        let volumes: Vec<&PersistentVolume> = api.iter_as::<PersistentVolume>(None).collect();
        let prebound = volumes
            .iter()
            .find(|pv| {
                (!pvc.spec.volume_name.is_empty() && pv.metadata.name == pvc.spec.volume_name)
                    || pv.spec.claim_ref.as_ref().is_some_and(|r| {
                        r.namespace == ns
                            && r.name == name
                            && (r.uid.is_empty() || r.uid == pvc.metadata.uid)
                    })
            })
            .map(|pv| (*pv).clone());
        let delayed = sc
            .as_ref()
            .is_some_and(StorageClass::waits_for_first_consumer);
        let selected = pvc.metadata.annotations.get(SELECTED_NODE).cloned();
        if let Some(pv) = prebound {
            if pv.metadata.deletion_timestamp.is_none() && pv.phase() != "Released" {
                self.bind(api, pv, pvc);
            }
            return;
        }
        let best = volumes
            .iter()
            .filter(|pv| {
                pv.spec.claim_ref.is_none()
                    && pv.phase() == "Available"
                    && pv.metadata.deletion_timestamp.is_none()
                    && pv.spec.storage_class_name == class
                    && pv.spec.volume_mode == pvc.spec.volume_mode
                    && modes_ok(pv, &pvc)
                    && nano(pv.storage()) >= requested
            })
            .min_by_key(|pv| (nano(pv.storage()), pv.metadata.name.to_string()))
            .map(|pv| (*pv).clone());
        drop(volumes);
        if delayed && selected.is_none() {
            // Simplification: the scheduler is not volume-aware; a scheduled pod that uses the
            // claim selects its node here (upstream the scheduler's VolumeBinding plugin sets
            // the annotation before binding the pod).
            let node = claim_users(api, &ns, &name).into_iter().flatten().next();
            match node {
                Some(node) => {
                    pvc.metadata.annotations.insert(SELECTED_NODE.into(), node);
                    match api.update_as(&Actor::new("default-scheduler"), pvc) {
                        Ok(p) => pvc = p,
                        Err(_) => return,
                    }
                }
                None => {
                    self.report(
                        api,
                        &actor,
                        &Object::PersistentVolumeClaim(Box::new(pvc)),
                        NORMAL,
                        "WaitForFirstConsumer",
                        "waiting for first consumer to be created before binding",
                    );
                    return;
                }
            }
        }
        if let Some(pv) = best {
            self.bind(api, pv, pvc);
            return;
        }
        if class.is_empty() {
            self.report(
                api,
                &actor,
                &Object::PersistentVolumeClaim(Box::new(pvc)),
                NORMAL,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
            );
            return;
        }
        let Some(sc) = sc else {
            self.report(
                api,
                &actor,
                &Object::PersistentVolumeClaim(Box::new(pvc)),
                WARNING,
                "ProvisioningFailed",
                &format!("storageclass.storage.k8s.io {:?} not found", class),
            );
            return;
        };
        // Dynamic provisioning by an external provisioner.
        if !pvc.metadata.annotations.contains_key(STORAGE_PROVISIONER) {
            pvc.metadata
                .annotations
                .insert(BETA_STORAGE_PROVISIONER.into(), sc.provisioner.clone());
            pvc.metadata
                .annotations
                .insert(STORAGE_PROVISIONER.into(), sc.provisioner.clone());
            match api.update_as(&actor, pvc) {
                Ok(p) => pvc = p,
                Err(_) => return,
            }
            self.report(
                api,
                &actor,
                &Object::PersistentVolumeClaim(Box::new(pvc.clone())),
                NORMAL,
                "ExternalProvisioning",
                &format!(
                    "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
                    sc.provisioner
                ),
            );
        }
        // Simplification: only kind's local-path provisioner runs; claims of other
        // provisioners wait forever.
        if sc.provisioner == LOCAL_PATH_PROVISIONER {
            self.provision_local_path(api, &sc, pvc);
        }
    }

    fn provision_local_path(
        &mut self,
        api: &mut ApiServer,
        sc: &StorageClass,
        pvc: PersistentVolumeClaim,
    ) {
        let (ns, name) = pvc_key(&pvc);
        let pv_name = format!("pvc-{}", pvc.metadata.uid);
        if api.get_ref(Kind::PersistentVolume, "", &pv_name).is_some() {
            return;
        }
        let actor = Actor::new(LOCAL_PATH_COMPONENT);
        let claim_obj = Object::PersistentVolumeClaim(Box::new(pvc.clone()));
        self.report(
            api,
            &actor,
            &claim_obj,
            NORMAL,
            "Provisioning",
            &format!("External provisioner is provisioning volume for claim \"{ns}/{name}\""),
        );
        let mut pv = PersistentVolume {
            metadata: crate::api::ObjectMeta::named("", &pv_name),
            ..Default::default()
        };
        pv.metadata
            .annotations
            .insert(PROVISIONED_BY.into(), LOCAL_PATH_PROVISIONER.into());
        let node = pvc.metadata.annotations.get(SELECTED_NODE).cloned();
        if let Some(node) = &node {
            pv.metadata
                .annotations
                .insert("local.path.provisioner/selected-node".into(), node.clone());
            pv.spec.node_affinity = Some(json!({"required": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}
            ]}}));
        }
        pv.spec.access_modes = pvc.spec.access_modes.clone();
        if let Some(q) = pvc.requested_storage() {
            pv.spec.capacity.insert("storage".into(), q.clone());
        }
        pv.spec.claim_ref = Some(ClaimRef {
            api_version: "v1".into(),
            kind: "PersistentVolumeClaim".into(),
            name: name.clone(),
            namespace: ns.clone(),
            resource_version: pvc.metadata.resource_version.to_string(),
            uid: pvc.metadata.uid.to_string(),
        });
        // Simplification: the directory is never created; no data is stored.
        pv.spec.host_path = Some(json!({
            "path": format!("/var/local-path-provisioner/{pv_name}_{ns}_{name}"),
            "type": "DirectoryOrCreate"
        }));
        pv.spec.persistent_volume_reclaim_policy = Some(sc.reclaim_policy().to_string());
        pv.spec.storage_class_name = sc.metadata.name.to_string();
        pv.spec.volume_mode = pvc.spec.volume_mode.clone();
        if api.create(&actor, pv).is_ok() {
            self.report(
                api,
                &actor,
                &claim_obj,
                NORMAL,
                "ProvisioningSucceeded",
                &format!("Successfully provisioned volume {pv_name}"),
            );
        }
    }

    /// `bind`: volume → claim reference, volume Bound, claim → volume name, claim Bound.
    fn bind(
        &mut self,
        api: &mut ApiServer,
        mut pv: PersistentVolume,
        mut pvc: PersistentVolumeClaim,
    ) {
        let actor = Actor::new("persistentvolume-controller");
        let now = api.now().rfc3339();
        let needs_ref = pv
            .spec
            .claim_ref
            .as_ref()
            .is_none_or(|r| r.uid != pvc.metadata.uid);
        if needs_ref {
            pv.spec.claim_ref = Some(ClaimRef {
                api_version: "v1".into(),
                kind: "PersistentVolumeClaim".into(),
                name: pvc.metadata.name.to_string(),
                namespace: pvc.metadata.namespace.to_string(),
                resource_version: pvc.metadata.resource_version.to_string(),
                uid: pvc.metadata.uid.to_string(),
            });
            pv.metadata
                .annotations
                .insert(BOUND_BY_CONTROLLER.into(), "yes".into());
            match api.update_as(&actor, pv) {
                Ok(p) => pv = p,
                Err(_) => return,
            }
        }
        if pv.phase() != "Bound" {
            pv.status = Some(PersistentVolumeStatus {
                phase: Some("Bound".into()),
                last_phase_transition_time: Some(now.clone()),
                ..Default::default()
            });
            match api.update_status(&actor, pv) {
                Ok(Object::PersistentVolume(p)) => pv = *p,
                _ => return,
            }
        }
        let by_controller = pvc.spec.volume_name.is_empty();
        pvc.spec.volume_name = pv.metadata.name.to_string();
        pvc.metadata
            .annotations
            .insert(BIND_COMPLETED.into(), "yes".into());
        if by_controller {
            pvc.metadata
                .annotations
                .insert(BOUND_BY_CONTROLLER.into(), "yes".into());
        }
        match api.update_as(&actor, pvc) {
            Ok(p) => pvc = p,
            Err(_) => return,
        }
        pvc.status = Some(PersistentVolumeClaimStatus {
            access_modes: pv.spec.access_modes.clone(),
            capacity: pv.spec.capacity.clone(),
            phase: Some("Bound".into()),
        });
        let _ = api.update_status(&actor, pvc);
    }

    fn set_volume_phase(api: &mut ApiServer, actor: &Actor, mut pv: PersistentVolume, phase: &str) {
        let now = api.now().rfc3339();
        pv.status = Some(PersistentVolumeStatus {
            phase: Some(phase.into()),
            last_phase_transition_time: Some(now),
            ..Default::default()
        });
        let _ = api.update_status(actor, pv);
    }

    fn sync_volume(&mut self, api: &mut ApiServer, mut pv: PersistentVolume) {
        let name = pv.metadata.name.to_string();
        let protection = Actor::new("pv-protection-controller");
        let actor = Actor::new("persistentvolume-controller");
        if pv.metadata.deletion_timestamp.is_some() {
            if pv.phase() != "Bound"
                && pv
                    .metadata
                    .finalizers
                    .iter()
                    .any(|f| f == PV_PROTECTION_FINALIZER)
            {
                pv.metadata
                    .finalizers
                    .retain(|f| f != PV_PROTECTION_FINALIZER);
                let _ = api.update(&protection, pv);
            }
            return;
        }
        if !pv
            .metadata
            .finalizers
            .iter()
            .any(|f| f == PV_PROTECTION_FINALIZER)
        {
            pv.metadata.finalizers.push(PV_PROTECTION_FINALIZER.into());
            match api.update_as(&protection, pv) {
                Ok(p) => pv = p,
                Err(_) => return,
            }
        }
        let Some(r) = pv.spec.claim_ref.clone() else {
            if pv.phase() != "Available" {
                Self::set_volume_phase(api, &actor, pv, "Available");
            }
            return;
        };
        let claim = api
            .get_as::<PersistentVolumeClaim>(&r.namespace, &r.name)
            .ok();
        let claim_gone = match &claim {
            None => true,
            Some(c) => !r.uid.is_empty() && c.metadata.uid != r.uid,
        };
        if !claim_gone || r.uid.is_empty() {
            // Bound, or pre-bound by the user and waiting for its claim.
            if r.uid.is_empty() && pv.phase() == "Pending" {
                Self::set_volume_phase(api, &actor, pv, "Available");
            }
            return;
        }
        match pv.phase() {
            "Bound" | "Pending" | "Available" => {
                Self::set_volume_phase(api, &actor, pv, "Released");
            }
            "Released" if pv.reclaim_policy() == "Delete" => {
                let deleter = if pv
                    .metadata
                    .annotations
                    .get(PROVISIONED_BY)
                    .map(String::as_str)
                    == Some(LOCAL_PATH_PROVISIONER)
                {
                    Actor::new(LOCAL_PATH_COMPONENT)
                } else {
                    // Simplification: any volume source can be deleted (upstream needs a
                    // deleter plugin or CSI driver for it).
                    actor
                };
                let _ = api.delete(
                    &deleter,
                    Kind::PersistentVolume,
                    "",
                    &name,
                    &DeleteOptions::default(),
                );
            }
            _ => {}
        }
    }
}
