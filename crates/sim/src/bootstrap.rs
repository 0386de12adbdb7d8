//! The cluster `kind create cluster` leaves behind: nodes, system namespaces, service accounts and
//! the kube-system pods, each created through the api-server by the component that makes it in a
//! real cluster (kube-apiserver, kubelets, kubeadm, controllers, scheduler).

use crate::api::Str;
use std::collections::BTreeMap;

use serde_json::json;

use crate::api::DaemonSet;
use crate::api::deployment::{DeploymentStrategy, RollingUpdateDeployment};
use crate::api::node::{NodeAddress, NodeSpec, NodeStatus, NodeSystemInfo, Taint};
use crate::api::pod::{Container, ContainerPort, ResourceRequirements, Toleration};
use crate::api::{
    Condition, Deployment, IntOrString, LabelSelector, Namespace, Node, ObjectMeta, OwnerReference,
    Pod, Quantity, ServiceAccount,
};
use crate::apiserver::admission::MIRROR_POD_ANNOTATION;
use crate::apiserver::{Actor, ApiServer};
use crate::clock::{Duration, Time};
use crate::{Cluster, KUBERNETES_VERSION, kubelet};

pub const CONTROL_PLANE_TAINT: &str = "node-role.kubernetes.io/control-plane";
const ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.6.5-0";
const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.13.1";

/// The InternalIP of the i-th node on kind's docker network.
pub fn node_ip(index: usize) -> String {
    format!("172.18.0.{}", index + 2)
}

/// The pod CIDR of the i-th node.
pub fn pod_cidr(index: usize) -> String {
    format!("10.244.{index}.0/24")
}

fn q(s: &str) -> Quantity {
    Quantity::new(s)
}

fn ready_conditions(at: &str) -> Vec<Condition> {
    let at = Str::new(at);
    let c = |t: &'static str, s: &'static str, reason: &'static str, msg: &'static str| Condition {
        type_: t.into(),
        status: s.into(),
        last_heartbeat_time: Some(at.clone()),
        last_transition_time: Some(at.clone()),
        reason: Some(reason.into()),
        message: Some(msg.into()),
        ..Default::default()
    };
    vec![
        c(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        c(
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        c(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        c(
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ]
}

/// The Node object a kind node's kubelet registers.
///
/// Simplification: every node has the configured capacity, with allocatable equal to capacity
/// (kind reserves nothing), and its conditions are never refreshed by heartbeats.
pub fn node_object(
    cluster_name: &str,
    name: &str,
    index: usize,
    control_plane: bool,
    config: &crate::Config,
    api: &mut ApiServer,
) -> Node {
    let mut labels = BTreeMap::new();
    for (k, v) in [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", name),
        ("kubernetes.io/os", "linux"),
    ] {
        labels.insert(k.to_string(), v.to_string());
    }
    let mut taints = Vec::new();
    if control_plane {
        labels.insert(CONTROL_PLANE_TAINT.into(), String::new());
        labels.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".into(),
            String::new(),
        );
        taints.push(Taint {
            key: CONTROL_PLANE_TAINT.into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        });
    }
    let annotations: BTreeMap<String, String> = [
        (
            "kubeadm.alpha.kubernetes.io/cri-socket",
            "unix:///run/containerd/containerd.sock",
        ),
        ("node.alpha.kubernetes.io/ttl", "0"),
        (
            "volumes.kubernetes.io/controller-managed-attach-detach",
            "true",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut resources = BTreeMap::new();
    resources.insert("cpu".to_string(), q(&config.node_cpu.to_string()));
    resources.insert("ephemeral-storage".to_string(), q("102626232Ki"));
    resources.insert("hugepages-1Gi".to_string(), q("0"));
    resources.insert("hugepages-2Mi".to_string(), q("0"));
    resources.insert(
        "memory".to_string(),
        q(&format!("{}Ki", config.node_memory_mib * 1024)),
    );
    resources.insert("pods".to_string(), q(&config.max_pods.to_string()));
    let now = api.now().rfc3339();
    let machine_id: String = api.rng().uuid().replace('-', "");
    let system_uuid = api.rng().uuid();
    let boot_id = api.rng().uuid();
    let ip = node_ip(index);
    Node {
        metadata: ObjectMeta {
            name: Str::new(name),
            labels: labels.into(),
            annotations: annotations.into(),
            ..Default::default()
        },
        spec: NodeSpec {
            pod_cidr: Some(pod_cidr(index)),
            pod_cidrs: vec![pod_cidr(index)],
            provider_id: Some(format!("kind://docker/{cluster_name}/{name}")),
            unschedulable: None,
            taints,
        },
        status: Some(NodeStatus {
            capacity: resources.clone(),
            allocatable: resources,
            conditions: ready_conditions(&now),
            addresses: vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: ip,
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: name.to_string(),
                },
            ],
            daemon_endpoints: Some(json!({"kubeletEndpoint": {"Port": 10250}})),
            node_info: Some(NodeSystemInfo {
                machine_id,
                system_uuid,
                boot_id,
                kernel_version: "6.8.0-87-generic".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                container_runtime_version: "containerd://2.1.4".into(),
                kubelet_version: KUBERNETES_VERSION.into(),
                kube_proxy_version: String::new(),
                operating_system: "linux".into(),
                architecture: "amd64".into(),
            }),
            ..Default::default()
        }),
    }
}

fn container(name: &str, image: &str, command: Vec<String>, cpu: &str) -> Container {
    let mut requests = BTreeMap::new();
    requests.insert("cpu".to_string(), q(cpu));
    Container {
        name: Str::new(name),
        image: Str::new(image),
        command,
        resources: Some(ResourceRequirements {
            limits: BTreeMap::new(),
            requests,
        }),
        ..Default::default()
    }
}

// Simplification: static pods are reported Running as soon as their mirror pods exist (the
// control plane is up before anything could watch it start).
fn static_pod(
    api: &mut ApiServer,
    component: &str,
    node: &Node,
    container: Container,
    extra_annotations: &[(&str, String)],
) -> Pod {
    let node_name = &node.metadata.name;
    let hash: String = api.rng().uuid().replace('-', "");
    let mut meta = ObjectMeta::named("kube-system", &format!("{component}-{node_name}"))
        .with_labels([("component", component), ("tier", "control-plane")]);
    for (k, v) in extra_annotations {
        meta.annotations.insert(k.to_string(), v.clone());
    }
    meta.annotations
        .insert("kubernetes.io/config.hash".into(), hash.clone());
    meta.annotations.insert(MIRROR_POD_ANNOTATION.into(), hash);
    meta.annotations.insert(
        "kubernetes.io/config.seen".into(),
        api.now().rfc3339_micro(),
    );
    meta.annotations
        .insert("kubernetes.io/config.source".into(), "file".into());
    meta.owner_references.push(OwnerReference {
        api_version: "v1".into(),
        kind: "Node".into(),
        name: Str::new(node_name),
        uid: node.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: None,
    });
    let mut pod = Pod {
        metadata: meta,
        ..Default::default()
    };
    pod.spec.containers = vec![container];
    pod.spec.host_network = Some(true);
    pod.spec.node_name = Some(crate::api::Str::new(node_name));
    pod.spec.priority_class_name = Some("system-node-critical".into());
    pod.spec.tolerations = vec![Toleration {
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        ..Default::default()
    }];
    pod
}

/// Marks a bound pod Running and Ready, as its kubelet reports it.
pub(crate) fn report_running(
    api: &mut ApiServer,
    namespace: &str,
    name: &str,
    pod_ip: Option<&str>,
    scheduled: Time,
) {
    let Ok(pod) = api.get_as::<Pod>(namespace, name) else {
        return;
    };
    let Some(node_name) = pod.node_name().map(str::to_string) else {
        return;
    };
    let host_ip = api
        .get_as::<Node>("", &node_name)
        .ok()
        .and_then(|n| n.internal_ip().map(str::to_string))
        .unwrap_or_default();
    let pod_ip = pod_ip.map_or(host_ip.clone(), str::to_string);
    let now = api.now();
    let status = kubelet::running_status(&pod, &host_ip, &pod_ip, scheduled, now, api.rng());
    let mut updated = pod;
    updated.status = Some(status);
    let _ = api.update_status(&Actor::kubelet(&node_name), updated);
}

fn coredns_deployment() -> Deployment {
    let mut d = Deployment {
        metadata: ObjectMeta::named("kube-system", "coredns")
            .with_labels([("k8s-app", "kube-dns")]),
        ..Default::default()
    };
    d.spec.replicas = Some(2);
    d.spec.selector = Some(LabelSelector {
        match_labels: [("k8s-app".to_string(), "kube-dns".to_string())].into(),
        match_expressions: Vec::new(),
    });
    d.spec.strategy = Some(DeploymentStrategy {
        type_: Some("RollingUpdate".into()),
        rolling_update: Some(RollingUpdateDeployment {
            max_unavailable: Some(IntOrString::Int(1)),
            max_surge: Some(IntOrString::String("25%".into())),
        }),
    });
    let mut c = container("coredns", COREDNS_IMAGE, Vec::new(), "100m");
    c.args = vec!["-conf".into(), "/etc/coredns/Corefile".into()];
    if let Some(r) = &mut c.resources {
        r.requests.insert("memory".into(), q("70Mi"));
        r.limits.insert("memory".into(), q("170Mi"));
    }
    c.ports = vec![
        ContainerPort {
            name: Some("dns".into()),
            container_port: 53,
            protocol: Some("UDP".into()),
            ..Default::default()
        },
        ContainerPort {
            name: Some("dns-tcp".into()),
            container_port: 53,
            protocol: Some("TCP".into()),
            ..Default::default()
        },
        ContainerPort {
            name: Some("metrics".into()),
            container_port: 9153,
            protocol: Some("TCP".into()),
            ..Default::default()
        },
    ];
    let t = &mut d.spec.template;
    t.metadata = ObjectMeta::default().with_labels([("k8s-app", "kube-dns")]);
    t.spec.containers = vec![c];
    t.spec.dns_policy = Some("Default".into());
    t.spec.priority_class_name = Some("system-cluster-critical".into());
    t.spec.service_account_name = Some("coredns".into());
    t.spec.node_selector = [("kubernetes.io/os".to_string(), "linux".to_string())].into();
    t.spec.tolerations = vec![
        Toleration {
            key: Some("CriticalAddonsOnly".into()),
            operator: Some("Exists".into()),
            ..Default::default()
        },
        Toleration {
            key: Some(CONTROL_PLANE_TAINT.into()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        },
    ];
    d
}

fn kube_proxy_daemon_set() -> DaemonSet {
    let labels = [("k8s-app", "kube-proxy")];
    let mut ds = DaemonSet {
        metadata: ObjectMeta::named("kube-system", "kube-proxy").with_labels(labels),
        ..Default::default()
    };
    ds.spec.selector = Some(LabelSelector {
        match_labels: [("k8s-app".to_string(), "kube-proxy".to_string())].into(),
        match_expressions: Vec::new(),
    });
    let mut c = container(
        "kube-proxy",
        &format!("registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}"),
        vec![
            "/usr/local/bin/kube-proxy".into(),
            "--config=/var/lib/kube-proxy/config.conf".into(),
            "--hostname-override=$(NODE_NAME)".into(),
        ],
        "0",
    );
    c.resources = Some(ResourceRequirements::default());
    c.security_context = Some(json!({"privileged": true}));
    let t = &mut ds.spec.template;
    t.metadata = ObjectMeta::default().with_labels(labels);
    t.spec.containers = vec![c];
    t.spec.host_network = Some(true);
    t.spec.priority_class_name = Some("system-node-critical".into());
    t.spec.service_account_name = Some("kube-proxy".into());
    t.spec.node_selector = [("kubernetes.io/os".to_string(), "linux".to_string())].into();
    t.spec.tolerations = vec![Toleration {
        operator: Some("Exists".into()),
        ..Default::default()
    }];
    ds
}

/// Boots the cluster. Nothing here can fail on valid configuration; errors are ignored so a
/// strange configuration still yields a (smaller) cluster rather than a panic.
/// kind's `standard` StorageClass.
pub fn default_storage_class() -> crate::api::StorageClass {
    use crate::api::storage_class::IS_DEFAULT_CLASS_ANNOTATION;
    let mut sc = crate::api::StorageClass::new("standard", "rancher.io/local-path");
    sc.metadata.annotations.insert(
        "kubectl.kubernetes.io/last-applied-configuration".into(),
        "{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"StorageClass\",\"metadata\":{\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"true\"},\"name\":\"standard\"},\"provisioner\":\"rancher.io/local-path\",\"reclaimPolicy\":\"Delete\",\"volumeBindingMode\":\"WaitForFirstConsumer\"}\n".into(),
    );
    sc.metadata
        .annotations
        .insert(IS_DEFAULT_CLASS_ANNOTATION.into(), "true".into());
    sc.reclaim_policy = Some("Delete".into());
    sc.volume_binding_mode = Some("WaitForFirstConsumer".into());
    sc
}

pub(crate) fn boot(cluster: &mut Cluster) {
    let config = cluster.config.clone();
    let nodes = cluster.node_names();
    let api = &mut cluster.api;
    let apiserver = Actor::new("kube-apiserver");
    let kubeadm = Actor::new("kubeadm");

    // t=0: the api-server creates the system namespaces.
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let _ = api.create(&apiserver, Namespace::new(ns));
    }
    // The api-server's own Service, and the Endpoints/EndpointSlice pointing at itself.
    let _ = api.create(&apiserver, crate::networking::kubernetes_service());
    let _ = api.create(
        &apiserver,
        crate::networking::kubernetes_endpoints(&node_ip(0)),
    );
    let _ = api.create(
        &apiserver,
        crate::networking::kubernetes_endpoint_slice(&node_ip(0)),
    );
    // The control-plane kubelet registers its node, then the static pods appear.
    api.advance_clock(Duration::seconds(2));
    let cp_name = nodes[0].clone();
    let cp = node_object(&config.name, &cp_name, 0, true, &config, api);
    let cp = api.create_as(&Actor::kubelet(&cp_name), cp).ok();
    api.advance_clock(Duration::seconds(1));
    if let Some(cp) = &cp {
        let ip = node_ip(0);
        let bin = |c: &str| format!("registry.k8s.io/{c}:{KUBERNETES_VERSION}");
        let etcd = container(
            "etcd",
            ETCD_IMAGE,
            vec![
                "etcd".into(),
                format!("--advertise-client-urls=https://{ip}:2379"),
                "--data-dir=/var/lib/etcd".into(),
                format!("--name={cp_name}"),
            ],
            "100m",
        );
        let apiserver_c = container(
            "kube-apiserver",
            &bin("kube-apiserver"),
            vec![
                "kube-apiserver".into(),
                format!("--advertise-address={ip}"),
                "--service-cluster-ip-range=10.96.0.0/16".into(),
            ],
            "250m",
        );
        let kcm = container(
            "kube-controller-manager",
            &bin("kube-controller-manager"),
            vec![
                "kube-controller-manager".into(),
                "--allocate-node-cidrs=true".into(),
                "--cluster-cidr=10.244.0.0/16".into(),
                format!("--cluster-name={}", config.name),
            ],
            "200m",
        );
        let sched = container(
            "kube-scheduler",
            &bin("kube-scheduler"),
            vec!["kube-scheduler".into(), "--leader-elect=true".into()],
            "100m",
        );
        let pods = [
            static_pod(
                api,
                "etcd",
                cp,
                etcd,
                &[(
                    "kubeadm.kubernetes.io/etcd.advertise-client-urls",
                    format!("https://{ip}:2379"),
                )],
            ),
            static_pod(
                api,
                "kube-apiserver",
                cp,
                apiserver_c,
                &[(
                    "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint",
                    format!("{ip}:6443"),
                )],
            ),
            static_pod(api, "kube-controller-manager", cp, kcm, &[]),
            static_pod(api, "kube-scheduler", cp, sched, &[]),
        ];
        let kubelet = Actor::kubelet(&cp_name);
        for p in pods {
            let name = p.metadata.name.clone();
            let scheduled = api.now();
            if api.create(&kubelet, p).is_ok() {
                report_running(api, "kube-system", &name, None, scheduled);
            }
        }
    }
    // kubeadm's addons and service accounts; the controllers give every namespace its
    // `default` ServiceAccount and `kube-root-ca.crt`.
    api.advance_clock(Duration::seconds(5));
    for sa in ["coredns", "kube-proxy"] {
        let _ = api.create(&kubeadm, ServiceAccount::new("kube-system", sa));
    }
    // CoreDNS and kube-proxy: kubeadm creates the Deployment and the DaemonSet; the deployment
    // controller makes a ReplicaSet, the ReplicaSet and DaemonSet controllers the pods, the
    // scheduler binds them to the control plane (the only node yet, whose taint they tolerate)
    // and its kubelet starts them.
    let _ = api.create(&kubeadm, coredns_deployment());
    let _ = api.create(&kubeadm, crate::networking::kube_dns_service());
    let _ = api.create(&kubeadm, kube_proxy_daemon_set());
    // kind's default StorageClass (applied with kubectl, hence the last-applied annotation).
    // Simplification: the local-path-provisioner Deployment (namespace local-path-storage)
    // that serves it is not modelled; the PV controller provisions in its name.
    let _ = api.create(&kubeadm, default_storage_class());
    cluster.advance(Duration::seconds(10));

    // Workers join; the DaemonSet follows them.
    let api = &mut cluster.api;
    for (i, name) in nodes.iter().enumerate().skip(1) {
        let node = node_object(&config.name, name, i, false, &config, api);
        let _ = api.create(&Actor::kubelet(name), node);
    }
    cluster.advance(Duration::seconds(30));
}
