//! ResourceQuota and LimitRange: the LimitRanger and ResourceQuota admission plugins and the
//! resource-quota controller, as a learner sees them through `kubectl`.

use std::collections::BTreeMap;

use sim::api::limit_range::LimitRangeItem;
use sim::api::pod::ResourceRequirements;
use sim::api::{ConfigMap, Deployment, LimitRange, ObjectMeta, Pod, Quantity, ResourceQuota};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

fn list(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Quantity::new(*v)))
        .collect()
}

fn pod_with(name: &str, requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Pod {
    let mut p = Pod::new("default", name, "nginx");
    p.spec.containers[0].name = "app".into();
    p.spec.containers[0].resources = Some(ResourceRequirements {
        requests: list(requests),
        limits: list(limits),
    });
    p
}

fn used(c: &Cluster, name: &str) -> BTreeMap<String, String> {
    let q = c.api().get_as::<ResourceQuota>("default", name).unwrap();
    q.status
        .map(|s| s.used.into_iter().map(|(k, v)| (k, v.0)).collect())
        .unwrap_or_default()
}

fn container_limits() -> LimitRange {
    LimitRange::new(
        "default",
        "cpu-limits",
        vec![LimitRangeItem {
            type_: "Container".into(),
            default: list(&[("cpu", "250m"), ("memory", "128Mi")]),
            default_request: list(&[("cpu", "100m")]),
            max: list(&[("cpu", "500m")]),
            min: list(&[("cpu", "50m")]),
            ..Default::default()
        }],
    )
}

#[test]
fn limit_range_defaults_are_visible_on_the_pod() {
    let mut c = Cluster::default();
    c.api_mut().create(&kubectl(), container_limits()).unwrap();
    let pod = c
        .api_mut()
        .create_as(&kubectl(), Pod::new("default", "web", "nginx"))
        .unwrap();
    let r = pod.spec.containers[0].resources.clone().unwrap();
    assert_eq!(r.requests["cpu"].0, "100m");
    assert_eq!(
        r.requests["memory"].0, "128Mi",
        "defaultRequest defaults to default"
    );
    assert_eq!(r.limits["cpu"].0, "250m");
    assert_eq!(
        pod.metadata.annotations["kubernetes.io/limit-ranger"],
        "LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web"
    );
}

#[test]
fn a_limit_range_fills_in_its_own_defaults() {
    let mut c = Cluster::default();
    let lr = c
        .api_mut()
        .create_as(
            &kubectl(),
            LimitRange::new(
                "default",
                "mem",
                vec![LimitRangeItem {
                    type_: "Container".into(),
                    max: list(&[("memory", "1Gi")]),
                    min: list(&[("memory", "64Mi")]),
                    ..Default::default()
                }],
            ),
        )
        .unwrap();
    let item = &lr.limits()[0];
    assert_eq!(item.default["memory"].0, "1Gi");
    assert_eq!(item.default_request["memory"].0, "1Gi");
}

#[test]
fn a_container_over_the_maximum_is_forbidden_with_the_upstream_message() {
    let mut c = Cluster::default();
    c.api_mut().create(&kubectl(), container_limits()).unwrap();
    let err = c
        .api_mut()
        .create(&kubectl(), pod_with("x", &[], &[("cpu", "1")]))
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::Forbidden);
    assert_eq!(
        err.message,
        "pods \"x\" is forbidden: maximum cpu usage per Container is 500m, but limit is 1"
    );
    let err = c
        .api_mut()
        .create(&kubectl(), pod_with("y", &[("cpu", "10m")], &[]))
        .unwrap_err();
    assert_eq!(
        err.message,
        "pods \"y\" is forbidden: minimum cpu usage per Container is 50m, but request is 10m"
    );
    assert!(c.api().get_ref(Kind::Pod, "default", "x").is_none());
}

#[test]
fn a_limit_range_with_min_above_max_is_invalid() {
    let mut c = Cluster::default();
    let err = c
        .api_mut()
        .create(
            &kubectl(),
            LimitRange::new(
                "default",
                "bad",
                vec![LimitRangeItem {
                    type_: "Container".into(),
                    min: list(&[("cpu", "1")]),
                    max: list(&[("cpu", "500m")]),
                    default: list(&[("cpu", "500m")]),
                    default_request: list(&[("cpu", "500m")]),
                    ..Default::default()
                }],
            ),
        )
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::Invalid);
    assert!(
        err.message
            .contains("spec.limits[0].min[cpu]: Invalid value: \"1\": min value 1 is greater than max value 500m"),
        "{}",
        err.message
    );
}

#[test]
fn a_pod_over_the_pod_count_quota_is_rejected_and_nothing_changes() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            ResourceQuota::new("default", "q", [("pods", "2")]),
        )
        .unwrap();
    for n in ["a", "b"] {
        c.api_mut()
            .create(&kubectl(), Pod::new("default", n, "nginx"))
            .unwrap();
    }
    let rv = c.api().resource_version();
    let err = c
        .api_mut()
        .create(&kubectl(), Pod::new("default", "x", "nginx"))
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::Forbidden);
    assert_eq!(err.code(), 403);
    assert_eq!(
        err.message,
        "pods \"x\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2"
    );
    assert_eq!(
        c.api().resource_version(),
        rv,
        "a rejected request writes nothing"
    );
}

#[test]
fn a_compute_quota_requires_every_container_to_name_its_resources() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            ResourceQuota::new(
                "default",
                "mem-cpu",
                [
                    ("requests.cpu", "1"),
                    ("limits.cpu", "2"),
                    ("requests.memory", "1Gi"),
                ],
            ),
        )
        .unwrap();
    let err = c
        .api_mut()
        .create(&kubectl(), pod_with("p", &[("memory", "64Mi")], &[]))
        .unwrap_err();
    assert_eq!(
        err.message,
        "pods \"p\" is forbidden: failed quota: mem-cpu: must specify limits.cpu for: app; requests.cpu for: app"
    );
}

#[test]
fn quota_usage_follows_creates_and_deletes() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            ResourceQuota::new(
                "default",
                "compute",
                [
                    ("pods", "10"),
                    ("requests.cpu", "2"),
                    ("requests.memory", "2Gi"),
                    ("limits.cpu", "4"),
                    ("configmaps", "5"),
                ],
            ),
        )
        .unwrap();
    c.settle();
    let u = used(&c, "compute");
    assert_eq!(u["pods"], "0");
    assert_eq!(u["requests.cpu"], "0");
    // kube-root-ca.crt is already there.
    assert_eq!(u["configmaps"], "1");
    for (n, cpu) in [("a", "250m"), ("b", "250m"), ("c", "1")] {
        c.api_mut()
            .create(
                &kubectl(),
                pod_with(n, &[("cpu", cpu), ("memory", "512Mi")], &[("cpu", cpu)]),
            )
            .unwrap();
    }
    c.settle();
    let u = used(&c, "compute");
    assert_eq!(u["pods"], "3");
    assert_eq!(u["requests.cpu"], "1500m");
    assert_eq!(u["requests.memory"], "1536Mi");
    assert_eq!(u["limits.cpu"], "1500m");
    let status = c
        .api()
        .get_as::<ResourceQuota>("default", "compute")
        .unwrap()
        .status
        .unwrap();
    assert_eq!(status.hard["requests.cpu"].0, "2");

    let err = c
        .api_mut()
        .create(
            &kubectl(),
            pod_with("d", &[("cpu", "1"), ("memory", "1Gi")], &[("cpu", "1")]),
        )
        .unwrap_err();
    assert_eq!(
        err.message,
        "pods \"d\" is forbidden: exceeded quota: compute, requested: requests.cpu=1,requests.memory=1Gi, used: requests.cpu=1500m,requests.memory=1536Mi, limited: requests.cpu=2,requests.memory=2Gi"
    );

    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            "c",
            &DeleteOptions::default(),
        )
        .unwrap();
    c.api_mut()
        .create(
            &kubectl(),
            ConfigMap {
                metadata: ObjectMeta::named("default", "settings"),
                ..Default::default()
            },
        )
        .unwrap();
    // The deleted pod terminates gracefully, then stops counting.
    c.advance(Duration::seconds(35));
    let u = used(&c, "compute");
    assert_eq!(u["pods"], "2");
    assert_eq!(u["requests.cpu"], "500m");
    assert_eq!(u["requests.memory"], "1Gi");
    assert_eq!(u["configmaps"], "2");
}

#[test]
fn object_count_quotas_cover_any_kind() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            ResourceQuota::new("default", "objects", [("count/deployments.apps", "1")]),
        )
        .unwrap();
    c.api_mut()
        .create(&kubectl(), Deployment::new("default", "one", "nginx", 1))
        .unwrap();
    let err = c
        .api_mut()
        .create(&kubectl(), Deployment::new("default", "two", "nginx", 1))
        .unwrap_err();
    assert_eq!(
        err.message,
        "deployments.apps \"two\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1"
    );
}

#[test]
fn a_replica_set_stops_at_the_quota_and_reports_why() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            ResourceQuota::new("default", "q", [("pods", "2")]),
        )
        .unwrap();
    c.api_mut()
        .create(&kubectl(), Deployment::new("default", "web", "nginx", 3))
        .unwrap();
    c.settle();
    let pods = c.api().iter_as::<Pod>(Some("default")).count();
    assert_eq!(pods, 2);
    let failed = c
        .api()
        .iter_as::<sim::api::Event>(Some("default"))
        .any(|e| {
            e.reason.as_deref() == Some("FailedCreate")
                && e.message.as_deref().is_some_and(|m| {
                    m.contains("is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2")
                })
        });
    assert!(failed);
}

#[test]
fn storage_quotas_count_claims_and_their_requests_per_class() {
    use sim::api::PersistentVolumeClaim;
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            ResourceQuota::new(
                "default",
                "storage",
                [
                    ("requests.storage", "3Gi"),
                    (
                        "standard.storageclass.storage.k8s.io/persistentvolumeclaims",
                        "5",
                    ),
                ],
            ),
        )
        .unwrap();
    c.api_mut()
        .create(
            &kubectl(),
            PersistentVolumeClaim::new("default", "a", "2Gi", &["ReadWriteOnce"]),
        )
        .unwrap();
    c.settle();
    let u = used(&c, "storage");
    assert_eq!(u["requests.storage"], "2Gi");
    assert_eq!(
        u["standard.storageclass.storage.k8s.io/persistentvolumeclaims"],
        "1"
    );
    let err = c
        .api_mut()
        .create(
            &kubectl(),
            PersistentVolumeClaim::new("default", "b", "1536Mi", &["ReadWriteOnce"]),
        )
        .unwrap_err();
    assert_eq!(
        err.message,
        "persistentvolumeclaims \"b\" is forbidden: exceeded quota: storage, requested: requests.storage=1536Mi, used: requests.storage=2Gi, limited: requests.storage=3Gi"
    );
}

#[test]
fn a_claim_outside_the_limit_range_is_forbidden() {
    use sim::api::PersistentVolumeClaim;
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            LimitRange::new(
                "default",
                "storage",
                vec![LimitRangeItem {
                    type_: "PersistentVolumeClaim".into(),
                    max: list(&[("storage", "2Gi")]),
                    min: list(&[("storage", "1Gi")]),
                    ..Default::default()
                }],
            ),
        )
        .unwrap();
    let err = c
        .api_mut()
        .create(
            &kubectl(),
            PersistentVolumeClaim::new("default", "huge", "5Gi", &["ReadWriteOnce"]),
        )
        .unwrap_err();
    assert_eq!(
        err.message,
        "persistentvolumeclaims \"huge\" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"
    );
}

#[test]
fn several_limit_range_violations_are_listed_together() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            LimitRange::new(
                "default",
                "both",
                vec![LimitRangeItem {
                    type_: "Container".into(),
                    max: list(&[("cpu", "500m"), ("memory", "256Mi")]),
                    ..Default::default()
                }],
            ),
        )
        .unwrap();
    let rv = c.api().resource_version();
    let err = c
        .api_mut()
        .create(
            &kubectl(),
            pod_with("x", &[], &[("cpu", "2"), ("memory", "1Gi")]),
        )
        .unwrap_err();
    assert_eq!(
        err.message,
        "pods \"x\" is forbidden: [maximum cpu usage per Container is 500m, but limit is 2, maximum memory usage per Container is 256Mi, but limit is 1Gi]"
    );
    assert_eq!(c.api().resource_version(), rv);
}
