//! A fresh cluster looks like the one `kind create cluster --name timonel` leaves.

use sim::api::{Node, Pod};
use sim::*;

fn names_in(c: &Cluster, kind: Kind, ns: Option<&str>) -> Vec<String> {
    c.api()
        .iter(kind, ns)
        .map(|o| o.metadata().name.to_string())
        .collect()
}

#[test]
fn it_has_the_four_system_namespaces_all_active() {
    let c = Cluster::default();
    assert_eq!(
        names_in(&c, Kind::Namespace, None),
        ["default", "kube-node-lease", "kube-public", "kube-system"]
    );
    for ns in c.api().iter_as::<sim::api::Namespace>(None) {
        assert_eq!(ns.phase(), "Active");
    }
}

#[test]
fn every_namespace_has_a_default_service_account_and_the_root_ca() {
    let c = Cluster::default();
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        assert!(
            c.api().get(Kind::ServiceAccount, ns, "default").is_ok(),
            "{ns}"
        );
        assert!(
            c.api().get(Kind::ConfigMap, ns, "kube-root-ca.crt").is_ok(),
            "{ns}"
        );
    }
}

#[test]
fn the_control_plane_node_is_tainted_and_the_workers_are_not() {
    let c = Cluster::default();
    let cp = c.api().get_as::<Node>("", "timonel-control-plane").unwrap();
    assert_eq!(cp.spec.taints.len(), 1);
    assert_eq!(
        cp.spec.taints[0].to_text(),
        "node-role.kubernetes.io/control-plane:NoSchedule"
    );
    assert!(
        cp.metadata
            .labels
            .contains_key("node-role.kubernetes.io/control-plane")
    );
    let worker = c.api().get_as::<Node>("", "timonel-worker").unwrap();
    assert!(worker.spec.taints.is_empty());
    assert!(worker.is_ready());
    let info = worker.status.as_ref().unwrap().node_info.as_ref().unwrap();
    assert_eq!(info.kubelet_version, KUBERNETES_VERSION);
    assert!(info.container_runtime_version.starts_with("containerd://"));
    assert_eq!(worker.internal_ip(), Some("172.18.0.3"));
    assert_eq!(worker.allocatable_milli("pods"), 110_000);
}

#[test]
fn the_node_count_follows_the_configuration() {
    let c = Cluster::new(Config {
        workers: 4,
        ..Config::default()
    });
    assert_eq!(names_in(&c, Kind::Node, None), c.node_names());
    assert_eq!(c.api().count(Kind::Node), 5);
    let proxies = c
        .api()
        .list(
            Kind::Pod,
            Some("kube-system"),
            &ListOptions::labels("k8s-app=kube-proxy"),
        )
        .unwrap();
    assert_eq!(proxies.items.len(), 5);
}

#[test]
fn kube_system_runs_the_control_plane_coredns_and_kube_proxy() {
    let c = Cluster::default();
    let pods = names_in(&c, Kind::Pod, Some("kube-system"));
    for static_pod in [
        "etcd-timonel-control-plane",
        "kube-apiserver-timonel-control-plane",
        "kube-controller-manager-timonel-control-plane",
        "kube-scheduler-timonel-control-plane",
    ] {
        assert!(pods.contains(&static_pod.to_string()), "{static_pod}");
    }
    let coredns: Vec<_> = pods.iter().filter(|p| p.starts_with("coredns-")).collect();
    assert_eq!(coredns.len(), 2);
    for name in &coredns {
        // coredns-<pod-template-hash>-<5 chars>
        let parts: Vec<_> = name.split('-').collect();
        assert_eq!(parts.len(), 3, "{name}");
        assert!(parts[1].chars().all(|c| "456789bcdf".contains(c)), "{name}");
        assert_eq!(parts[2].len(), 5);
    }
    assert_eq!(
        pods.iter().filter(|p| p.starts_with("kube-proxy-")).count(),
        3
    );
    for pod in c.api().iter_as::<Pod>(Some("kube-system")) {
        assert_eq!(pod.phase(), "Running", "{}", pod.metadata.name);
        assert!(pod.is_ready());
        assert!(pod.node_name().is_some());
    }
    assert!(
        c.api()
            .get(Kind::Deployment, "kube-system", "coredns")
            .is_ok()
    );
}

#[test]
fn the_activity_feed_names_the_components_that_built_the_cluster() {
    let c = Cluster::default();
    let mut components: Vec<String> = c
        .api()
        .log()
        .iter()
        .map(|e| e.actor.component.to_string())
        .collect();
    components.sort();
    components.dedup();
    assert_eq!(
        components,
        [
            "daemonset-controller",
            "default-scheduler",
            "deployment-controller",
            "endpoint-controller",
            "endpoint-slice-controller",
            "kube-apiserver",
            "kubeadm",
            "kubelet",
            "replicaset-controller",
            "root-ca-cert-publisher",
            "serviceaccount-controller",
        ]
    );
}
