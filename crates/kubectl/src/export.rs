//! Export: the objects the user created, as clean YAML that `kubectl apply -f` accepts on a
//! real cluster.
//!
//! Which objects: those the api-server records as created by kubectl (the user's
//! client), still present and not being deleted, and not owned by a controller. The cluster's
//! own objects (kind's bootstrap, what controllers create: ReplicaSets, Pods, EndpointSlices,
//! ServiceAccounts, Events, Leases…) are left out.
//!
//! Cleaned how: status and every server-set metadata field go (uid, resourceVersion,
//! generation, creationTimestamp, managedFields, ownerReferences, the last-applied and
//! revision annotations…), and so do the values the api-server filled in that equal its
//! defaults or were allocated (a Service's cluster IPs and node ports, a Pod's node, the
//! service-account token volume), so a cluster applies the file as a fresh request.

use crate::printers;
use serde_json::{Map, Value, json};
use sim::{Cluster, Kind};
use std::collections::BTreeSet;

/// The exported file's first line.
pub const HEADER: &str = "# Objects created in Timonel, for `kubectl apply -f`.\n";

/// The user's objects as multi-document YAML, and how many there are (0: nothing to export).
pub fn user_objects_yaml(cluster: &Cluster) -> (usize, String) {
    let docs = user_objects(cluster);
    let mut out = String::from(HEADER);
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&printers::yaml::to_string(doc));
    }
    (docs.len(), out)
}

/// The user's objects, cleaned, namespaces first (so `apply -f` creates them before what
/// goes in them), then kind by kind in the api-server's order, each kind by key.
pub fn user_objects(cluster: &Cluster) -> Vec<Value> {
    let api = cluster.api();
    let mut out = Vec::new();
    for &kind in Kind::ALL {
        for object in api.iter(kind, None) {
            let meta = object.metadata();
            if !api.created_by_kubectl(&meta.uid)
                || meta.deletion_timestamp.is_some()
                || meta.controller().is_some()
            {
                continue;
            }
            let mut value = printers::object_value(object);
            clean(kind, &mut value);
            out.push(value);
        }
    }
    out
}

/// Annotations the server or its controllers write.
const SERVER_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "pv.kubernetes.io/provisioned-by",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
];

/// Finalizers the api-server's admission or controllers add.
const SERVER_FINALIZERS: &[&str] = &[
    "kubernetes.io/pvc-protection",
    "kubernetes.io/pv-protection",
];

/// Removes what the server set from one object (the JSON of `kubectl get -o json`).
pub fn clean(kind: Kind, value: &mut Value) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    obj.remove("status");
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        clean_meta(meta);
        if kind == Kind::Namespace {
            remove_entry(meta, "labels", "kubernetes.io/metadata.name");
        }
    }
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    match kind {
        Kind::Namespace => remove_if(spec, "finalizers", json!(["kubernetes"])),
        Kind::Pod => {
            spec.remove("nodeName");
            clean_pod_spec(spec);
        }
        Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
            remove_if(spec, "revisionHistoryLimit", json!(10));
            remove_if(spec, "progressDeadlineSeconds", json!(600));
            remove_if(
                spec,
                "strategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
            );
            remove_if(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}),
            );
            if let Some(template) = spec.get_mut("template").and_then(Value::as_object_mut) {
                if let Some(meta) = template.get_mut("metadata").and_then(Value::as_object_mut) {
                    clean_meta(meta);
                }
                if let Some(pod) = template.get_mut("spec").and_then(Value::as_object_mut) {
                    clean_pod_spec(pod);
                }
            }
        }
        Kind::Service => clean_service_spec(spec),
        Kind::PersistentVolumeClaim => {
            spec.remove("volumeName");
            remove_if(spec, "volumeMode", json!("Filesystem"));
        }
        _ => {}
    }
    if spec.is_empty() {
        obj.remove("spec");
    }
}

fn clean_meta(meta: &mut Map<String, Value>) {
    for field in [
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "managedFields",
        "selfLink",
        "ownerReferences",
    ] {
        meta.remove(field);
    }
    for annotation in SERVER_ANNOTATIONS {
        remove_entry(meta, "annotations", annotation);
    }
    if let Some(Value::Array(finalizers)) = meta.get_mut("finalizers") {
        finalizers.retain(|f| !f.as_str().is_some_and(|f| SERVER_FINALIZERS.contains(&f)));
        if finalizers.is_empty() {
            meta.remove("finalizers");
        }
    }
}

/// Removes `key` from the map at `meta[field]`, and the map itself once it is empty.
fn remove_entry(meta: &mut Map<String, Value>, field: &str, key: &str) {
    if let Some(Value::Object(map)) = meta.get_mut(field) {
        map.remove(key);
        if map.is_empty() {
            meta.remove(field);
        }
    }
}

fn remove_if(map: &mut Map<String, Value>, key: &str, default: Value) {
    if map.get(key) == Some(&default) {
        map.remove(key);
    }
}

/// The fields the api-server's defaulting and admission add to a pod spec, where they still
/// hold the value they were given.
fn clean_pod_spec(spec: &mut Map<String, Value>) {
    remove_if(spec, "dnsPolicy", json!("ClusterFirst"));
    remove_if(spec, "restartPolicy", json!("Always"));
    remove_if(spec, "schedulerName", json!("default-scheduler"));
    remove_if(spec, "securityContext", json!({}));
    remove_if(spec, "terminationGracePeriodSeconds", json!(30));
    remove_if(spec, "enableServiceLinks", json!(true));
    remove_if(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    remove_if(spec, "priority", json!(0));
    remove_if(spec, "serviceAccountName", json!("default"));
    remove_if(spec, "serviceAccount", json!("default"));
    if let Some(Value::Array(tolerations)) = spec.get_mut("tolerations") {
        // DefaultTolerationSeconds admission.
        tolerations.retain(|t| {
            let key = t.get("key").and_then(Value::as_str);
            let default_key = matches!(
                key,
                Some("node.kubernetes.io/not-ready" | "node.kubernetes.io/unreachable")
            );
            !(default_key
                && t.get("operator") == Some(&json!("Exists"))
                && t.get("effect") == Some(&json!("NoExecute"))
                && t.get("tolerationSeconds") == Some(&json!(300)))
        });
        if tolerations.is_empty() {
            spec.remove("tolerations");
        }
    }
    // The ServiceAccount admission's token volume, and where it is mounted.
    let mut token_volumes = BTreeSet::new();
    if let Some(Value::Array(volumes)) = spec.get_mut("volumes") {
        volumes.retain(|v| {
            let name = v.get("name").and_then(Value::as_str).unwrap_or_default();
            let token = name.starts_with("kube-api-access-") && v.get("projected").is_some();
            if token {
                token_volumes.insert(name.to_string());
            }
            !token
        });
        if volumes.is_empty() {
            spec.remove("volumes");
        }
    }
    for list in ["initContainers", "containers"] {
        let Some(Value::Array(containers)) = spec.get_mut(list) else {
            continue;
        };
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            clean_container(container, &token_volumes);
        }
    }
}

fn clean_container(container: &mut Map<String, Value>, token_volumes: &BTreeSet<String>) {
    remove_if(
        container,
        "terminationMessagePath",
        json!("/dev/termination-log"),
    );
    remove_if(container, "terminationMessagePolicy", json!("File"));
    remove_if(container, "resources", json!({}));
    let image = container
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or_default();
    remove_if(
        container,
        "imagePullPolicy",
        json!(default_pull_policy(image)),
    );
    if let Some(Value::Array(mounts)) = container.get_mut("volumeMounts") {
        mounts.retain(|m| {
            !m.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| token_volumes.contains(n))
        });
        if mounts.is_empty() {
            container.remove("volumeMounts");
        }
    }
    if let Some(Value::Array(ports)) = container.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            remove_if(port, "protocol", json!("TCP"));
        }
    }
}

/// The pull policy the api-server gives a container that names none: `Always` for `:latest`
/// or no tag, else `IfNotPresent`.
fn default_pull_policy(image: &str) -> &'static str {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.split_once(':') {
        _ if image.contains('@') => "IfNotPresent",
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

fn clean_service_spec(spec: &mut Map<String, Value>) {
    if spec.get("clusterIP") != Some(&json!("None")) {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
    }
    spec.remove("ipFamilies");
    remove_if(spec, "ipFamilyPolicy", json!("SingleStack"));
    remove_if(spec, "internalTrafficPolicy", json!("Cluster"));
    remove_if(spec, "externalTrafficPolicy", json!("Cluster"));
    remove_if(spec, "sessionAffinity", json!("None"));
    remove_if(spec, "allocateLoadBalancerNodePorts", json!(true));
    // Simplification: a node port the user chose is removed with the allocated ones.
    if let Some(Value::Array(ports)) = spec.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            port.remove("nodePort");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Shell;

    fn shell_with(commands: &str) -> Shell {
        let mut shell = Shell::default();
        for step in shell.run_each(commands) {
            assert_eq!(step.output.stderr, "", "{}", step.command);
        }
        shell.cluster.advance(sim::Duration::seconds(30));
        shell
    }

    const SESSION: &str = "kubectl create namespace team
kubectl create deployment web --image=nginx:1.27 --replicas=2 -n team
kubectl expose deployment web --port=80 -n team
kubectl create service nodeport edge --tcp=8080:80
kubectl run solo --image=busybox --restart=Never -- sleep 3600
kubectl create configmap settings --from-literal=mode=dev
kubectl create secret generic creds --from-literal=password=s3cret
kubectl scale deployment web --replicas=3 -n team";

    #[test]
    fn a_fresh_cluster_has_nothing_to_export() {
        let (n, yaml) = user_objects_yaml(&Cluster::default());
        assert_eq!(n, 0);
        assert_eq!(yaml, HEADER);
    }

    #[test]
    fn only_what_the_user_created_is_exported_namespaces_first() {
        let shell = shell_with(SESSION);
        let names: Vec<String> = user_objects(&shell.cluster)
            .iter()
            .map(|o| {
                format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["metadata"]["name"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                "Namespace/team",
                "Pod/solo",
                "ConfigMap/settings",
                "Secret/creds",
                "Deployment/web",
                "Service/edge",
                "Service/web",
            ]
        );
    }

    #[test]
    fn exported_objects_carry_no_server_set_fields() {
        let shell = shell_with(&format!(
            "{SESSION}\nkubectl annotate deployment web -n team team.example/owner=ana"
        ));
        let (_, yaml) = user_objects_yaml(&shell.cluster);
        for field in [
            "uid:",
            "resourceVersion:",
            "generation:",
            "creationTimestamp:",
            "managedFields:",
            "status:",
            "ownerReferences:",
            "clusterIP:",
            "clusterIPs:",
            "nodePort:",
            "nodeName:",
            "kube-api-access",
            "last-applied-configuration",
            "deployment.kubernetes.io/revision",
            "terminationMessagePath",
            "dnsPolicy",
            "kubernetes.io/metadata.name",
            "tolerationSeconds",
        ] {
            assert!(!yaml.contains(field), "{field} in\n{yaml}");
        }
        assert!(yaml.contains("team.example/owner: ana"), "{yaml}");
        assert!(
            yaml.contains("replicas: 3"),
            "the live object, not the first request"
        );
        assert!(
            yaml.contains("restartPolicy: Never"),
            "a value the user chose stays"
        );
    }

    #[test]
    fn the_export_applies_cleanly_to_a_fresh_cluster_and_gives_the_same_objects() {
        let shell = shell_with(&format!(
            "{SESSION}\ncat <<EOF > extra.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: team\ndata:\n  a: b\nEOF\nkubectl apply -f extra.yaml"
        ));
        let (n, yaml) = user_objects_yaml(&shell.cluster);
        assert_eq!(n, 8);
        let mut fresh = Shell::default();
        fresh.files.write("export.yaml", yaml.clone());
        let out = fresh.run("kubectl apply -f export.yaml");
        assert_eq!(out.stderr, "");
        assert_eq!(
            out.stdout,
            "namespace/team created\npod/solo created\nconfigmap/settings created\nconfigmap/applied created\nsecret/creds created\ndeployment.apps/web created\nservice/edge created\nservice/web created\n"
        );
        fresh.cluster.advance(sim::Duration::seconds(30));
        // Exported again, the copy reads the same: nothing server-set leaked into the file.
        let again = user_objects_yaml(&fresh.cluster).1;
        assert_eq!(again, yaml);
    }

    #[test]
    fn pull_policy_defaults_follow_the_tag() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(default_pull_policy("localhost:5000/app"), "Always");
        assert_eq!(default_pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }
}
