//! StorageClasses, PersistentVolumes and PersistentVolumeClaims: kind's default class, delayed
//! binding, static binding and reclaiming.

use serde_json::json;
use sim::api::pod::Volume;
use sim::api::{Event, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

fn claim(c: &Cluster, name: &str) -> PersistentVolumeClaim {
    c.api().get_as("default", name).unwrap()
}

fn reasons(c: &Cluster, name: &str) -> Vec<(String, String)> {
    c.api()
        .iter_as::<Event>(Some("default"))
        .filter(|e| e.involved_object.name == name)
        .map(|e| {
            (
                e.reason.as_deref().unwrap_or_default().to_string(),
                e.message.as_deref().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn pod_using(name: &str, claim: &str) -> Pod {
    let mut p = Pod::new("default", name, "nginx");
    let source = json!({"persistentVolumeClaim": {"claimName": claim}});
    p.spec.volumes.push(Volume {
        name: "data".into(),
        source: source.as_object().unwrap().clone().into_iter().collect(),
    });
    p
}

#[test]
fn the_default_cluster_has_kinds_standard_storage_class() {
    let c = Cluster::default();
    let sc = c.api().get_as::<StorageClass>("", "standard").unwrap();
    assert!(sc.is_default());
    assert_eq!(sc.provisioner, "rancher.io/local-path");
    assert_eq!(sc.reclaim_policy.as_deref(), Some("Delete"));
    assert_eq!(
        sc.volume_binding_mode.as_deref(),
        Some("WaitForFirstConsumer")
    );
}

#[test]
fn a_claim_without_a_class_gets_the_default_one_and_waits_for_a_consumer() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            PersistentVolumeClaim::new("default", "data", "1Gi", &["ReadWriteOnce"]),
        )
        .unwrap();
    c.settle();
    c.advance(Duration::seconds(30));
    let pvc = claim(&c, "data");
    assert_eq!(pvc.spec.storage_class_name.as_deref(), Some("standard"));
    assert_eq!(pvc.phase(), "Pending");
    assert_eq!(
        pvc.metadata.finalizers,
        vec!["kubernetes.io/pvc-protection"]
    );
    assert!(reasons(&c, "data").contains(&(
        "WaitForFirstConsumer".into(),
        "waiting for first consumer to be created before binding".into()
    )));
    assert_eq!(c.api().count(Kind::PersistentVolume), 0);
}

#[test]
fn a_scheduled_pod_gets_its_claim_provisioned_and_bound() {
    let mut c = Cluster::default();
    let pvc = c
        .api_mut()
        .create_as(
            &kubectl(),
            PersistentVolumeClaim::new("default", "data", "1Gi", &["ReadWriteOnce"]),
        )
        .unwrap();
    c.settle();
    c.api_mut()
        .create(&kubectl(), pod_using("app", "data"))
        .unwrap();
    c.settle();
    let pv_name = format!("pvc-{}", pvc.metadata.uid);
    let pvc = claim(&c, "data");
    assert_eq!(pvc.phase(), "Bound");
    assert_eq!(pvc.spec.volume_name, pv_name);
    let a = &pvc.metadata.annotations;
    assert_eq!(a["pv.kubernetes.io/bind-completed"], "yes");
    assert_eq!(
        a["volume.kubernetes.io/storage-provisioner"],
        "rancher.io/local-path"
    );
    let node = c
        .api()
        .get_as::<Pod>("default", "app")
        .unwrap()
        .spec
        .node_name
        .clone()
        .unwrap();
    assert_eq!(a["volume.kubernetes.io/selected-node"], node);
    let st = pvc.status.unwrap();
    assert_eq!(st.capacity["storage"].0, "1Gi");
    let pv = c.api().get_as::<PersistentVolume>("", &pv_name).unwrap();
    assert_eq!(pv.phase(), "Bound");
    assert_eq!(pv.reclaim_policy(), "Delete");
    assert_eq!(pv.spec.storage_class_name, "standard");
    assert_eq!(pv.spec.claim_ref.unwrap().name, "data");
    let r: Vec<String> = reasons(&c, "data").into_iter().map(|(r, _)| r).collect();
    assert!(r.contains(&"Provisioning".to_string()));
    assert!(r.contains(&"ProvisioningSucceeded".to_string()));
}

#[test]
fn a_claim_binds_statically_to_the_smallest_matching_volume() {
    let mut c = Cluster::default();
    for (n, size) in [("big", "10Gi"), ("small", "2Gi"), ("tiny", "500Mi")] {
        c.api_mut()
            .create(
                &kubectl(),
                PersistentVolume::new(n, size, "manual", &["ReadWriteOnce"]),
            )
            .unwrap();
    }
    c.settle();
    assert_eq!(
        c.api()
            .get_as::<PersistentVolume>("", "small")
            .unwrap()
            .phase(),
        "Available"
    );
    let mut pvc = PersistentVolumeClaim::new("default", "data", "1Gi", &["ReadWriteOnce"]);
    pvc.spec.storage_class_name = Some("manual".into());
    c.api_mut().create(&kubectl(), pvc).unwrap();
    c.settle();
    let pvc = claim(&c, "data");
    assert_eq!(pvc.phase(), "Bound");
    assert_eq!(pvc.spec.volume_name, "small");
    assert_eq!(pvc.status.unwrap().capacity["storage"].0, "2Gi");
    let pv = c.api().get_as::<PersistentVolume>("", "small").unwrap();
    assert_eq!(pv.phase(), "Bound");
    assert_eq!(
        pv.metadata.annotations["pv.kubernetes.io/bound-by-controller"],
        "yes"
    );
    assert_eq!(
        c.api()
            .get_as::<PersistentVolume>("", "big")
            .unwrap()
            .phase(),
        "Available"
    );
}

#[test]
fn a_released_retained_volume_stays_and_a_deleted_claims_provisioned_volume_goes() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            PersistentVolume::new("keep", "1Gi", "manual", &["ReadWriteOnce"]),
        )
        .unwrap();
    let mut pvc = PersistentVolumeClaim::new("default", "static", "1Gi", &["ReadWriteOnce"]);
    pvc.spec.storage_class_name = Some("manual".into());
    c.api_mut().create(&kubectl(), pvc).unwrap();
    c.api_mut()
        .create(
            &kubectl(),
            PersistentVolumeClaim::new("default", "dynamic", "1Gi", &["ReadWriteOnce"]),
        )
        .unwrap();
    c.api_mut()
        .create(&kubectl(), pod_using("app", "dynamic"))
        .unwrap();
    c.settle();
    let dynamic_pv = claim(&c, "dynamic").spec.volume_name;
    assert!(dynamic_pv.starts_with("pvc-"));
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            "app",
            &DeleteOptions::default(),
        )
        .unwrap();
    for name in ["static", "dynamic"] {
        c.api_mut()
            .delete(
                &kubectl(),
                Kind::PersistentVolumeClaim,
                "default",
                name,
                &DeleteOptions::default(),
            )
            .unwrap();
    }
    c.settle();
    // The claim in use waits for its pod (pvc-protection).
    assert!(
        c.api()
            .get_ref(Kind::PersistentVolumeClaim, "default", "dynamic")
            .is_some()
    );
    c.advance(Duration::seconds(40));
    assert!(
        c.api()
            .get_ref(Kind::PersistentVolumeClaim, "default", "dynamic")
            .is_none()
    );
    assert!(
        c.api()
            .get_ref(Kind::PersistentVolume, "", &dynamic_pv)
            .is_none()
    );
    let kept = c.api().get_as::<PersistentVolume>("", "keep").unwrap();
    assert_eq!(kept.phase(), "Released");
    assert_eq!(kept.reclaim_policy(), "Retain");
}

#[test]
fn a_claim_for_a_missing_class_reports_it() {
    let mut c = Cluster::default();
    let mut pvc = PersistentVolumeClaim::new("default", "data", "1Gi", &["ReadWriteOnce"]);
    pvc.spec.storage_class_name = Some("fast".into());
    c.api_mut().create(&kubectl(), pvc).unwrap();
    c.settle();
    assert!(reasons(&c, "data").contains(&(
        "ProvisioningFailed".into(),
        "storageclass.storage.k8s.io \"fast\" not found".into()
    )));
}

#[test]
fn invalid_claims_and_volumes_are_rejected() {
    let mut c = Cluster::default();
    let err = c
        .api_mut()
        .create(
            &kubectl(),
            PersistentVolumeClaim::new("default", "bad", "1Gi", &[]),
        )
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::Invalid);
    assert!(
        err.message
            .contains("spec.accessModes: Required value: at least 1 access mode is required"),
        "{}",
        err.message
    );
}

#[test]
fn a_static_volume_of_a_delayed_class_binds_once_a_pod_is_scheduled() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            PersistentVolume::new("local", "5Gi", "standard", &["ReadWriteOnce"]),
        )
        .unwrap();
    c.api_mut()
        .create(
            &kubectl(),
            PersistentVolumeClaim::new("default", "data", "1Gi", &["ReadWriteOnce"]),
        )
        .unwrap();
    c.settle();
    assert_eq!(claim(&c, "data").phase(), "Pending");
    c.api_mut()
        .create(&kubectl(), pod_using("app", "data"))
        .unwrap();
    c.settle();
    let pvc = claim(&c, "data");
    assert_eq!(pvc.phase(), "Bound");
    assert_eq!(pvc.spec.volume_name, "local");
    assert_eq!(
        c.api().count(Kind::PersistentVolume),
        1,
        "nothing provisioned"
    );
}
