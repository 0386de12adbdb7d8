//! Plain, sorted view models for any UI: pods and nodes summarized as `kubectl get` shows them
//! (the printers' READY/STATUS/RESTARTS and STATUS/ROLES rules), nodes with their pods, and the
//! control-plane activity feed.

use serde::Serialize;

use crate::api::{Node, Pod};
use crate::apiserver::{ApiServer, EventType, Verb, WatchEvent};

/// A pod as `kubectl get pods` summarizes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodView {
    pub uid: String,
    pub namespace: String,
    pub name: String,
    /// `1/1`.
    pub ready: String,
    /// `Running`, `ContainerCreating`, `Pending`, `Terminating`, `CrashLoopBackOff` …
    pub status: String,
    pub restarts: i32,
    pub node: Option<String>,
    pub ip: Option<String>,
    /// The controller owning the pod, as `kind/name`.
    pub owner: Option<String>,
}

/// The STATUS column of `kubectl get pods` (`printPod`).
pub fn pod_status(pod: &Pod) -> String {
    let status = pod.status.clone().unwrap_or_default();
    let mut reason = status
        .reason
        .as_deref()
        .or(status.phase.as_deref())
        .unwrap_or_default()
        .to_string();
    if pod
        .condition("PodScheduled")
        .is_some_and(|c| c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".into();
    }
    let mut initializing = false;
    let total_init = pod.spec.init_containers.len();
    for (i, c) in status.init_container_statuses.iter().enumerate() {
        let sidecar = pod
            .spec
            .init_containers
            .iter()
            .any(|s| s.name == c.name && s.restart_policy.as_deref() == Some("Always"));
        if sidecar && c.started == Some(true) {
            continue;
        }
        if let Some(t) = &c.state.terminated {
            if t.exit_code == 0 {
                continue;
            }
            reason = match &t.reason {
                Some(r) => format!("Init:{r}"),
                None => match t.signal {
                    Some(s) if s != 0 => format!("Init:Signal:{s}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = c
            .state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .filter(|r| r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{total_init}");
        }
        initializing = true;
        break;
    }
    let initialized = pod
        .condition("Initialized")
        .is_some_and(|c| c.status == "True");
    if !initializing || initialized {
        let mut has_running = false;
        for c in status.container_statuses.iter().rev() {
            if let Some(r) = c.state.waiting.as_ref().and_then(|w| w.reason.clone()) {
                reason = r.to_string();
            } else if let Some(t) = &c.state.terminated {
                reason = match &t.reason {
                    Some(r) => r.to_string(),
                    None => match t.signal {
                        Some(s) if s != 0 => format!("Signal:{s}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if c.ready && c.state.running.is_some() {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            reason = if pod.is_ready() {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".into();
        } else if !pod.is_terminal() {
            reason = "Terminating".into();
        }
    }
    reason.to_string()
}

/// Summarizes a pod.
pub fn pod_view(pod: &Pod) -> PodView {
    let status = pod.status.clone().unwrap_or_default();
    let total = pod.spec.containers.len();
    let ready = status
        .container_statuses
        .iter()
        .filter(|c| c.ready && c.state.running.is_some())
        .count();
    PodView {
        uid: pod.metadata.uid.to_string(),
        namespace: pod.metadata.namespace.to_string(),
        name: pod.metadata.name.to_string(),
        ready: format!("{ready}/{total}"),
        status: pod_status(pod),
        restarts: status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum(),
        node: pod.node_name().map(str::to_string),
        ip: status.pod_ip.clone().map(String::from),
        owner: pod
            .metadata
            .controller()
            .map(|r| format!("{}/{}", r.kind.to_lowercase(), r.name)),
    }
}

/// A node as `kubectl get nodes` summarizes it, with its pods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeView {
    pub uid: String,
    pub name: String,
    /// `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` when cordoned.
    pub status: String,
    /// `control-plane` or `<none>`.
    pub roles: String,
    pub version: String,
    pub internal_ip: Option<String>,
    /// Pods bound to the node, sorted by namespace and name.
    pub pods: Vec<PodView>,
}

/// The STATUS column of `kubectl get nodes`.
pub fn node_status(node: &Node) -> String {
    let mut s = match node.condition("Ready").map(|c| c.status.as_str()) {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.is_unschedulable() {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// The ROLES column of `kubectl get nodes`.
pub fn node_roles(node: &Node) -> String {
    let mut roles: Vec<String> = node
        .metadata
        .labels
        .iter()
        .filter_map(|(k, v)| {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                Some(role.to_string())
            } else if k == "kubernetes.io/role" {
                Some(v.clone())
            } else {
                None
            }
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

/// Every node with its pods, sorted by node name.
pub fn node_views(api: &ApiServer) -> Vec<NodeView> {
    let mut views: Vec<NodeView> = api
        .iter_as::<Node>(None)
        .map(|n| NodeView {
            uid: n.metadata.uid.to_string(),
            name: n.metadata.name.to_string(),
            status: node_status(n),
            roles: node_roles(n),
            version: n
                .status
                .as_ref()
                .and_then(|s| s.node_info.as_ref())
                .map(|i| i.kubelet_version.clone())
                .unwrap_or_default(),
            internal_ip: n.internal_ip().map(str::to_string),
            pods: Vec::new(),
        })
        .collect();
    for p in api.iter_as::<Pod>(None) {
        if let Some(n) = p.node_name()
            && let Some(v) = views.iter_mut().find(|v| v.name == n)
        {
            v.pods.push(pod_view(p));
        }
    }
    views
}

/// One line of the control-plane activity feed: who wrote what, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub resource_version: u64,
    /// RFC 3339 virtual time.
    pub time: String,
    /// `kubelet`, `default-scheduler`, `replicaset-controller`, `kubectl` …
    pub component: String,
    pub node: Option<String>,
    /// `create`, `update`, `update status`, `bind`, `delete`.
    pub verb: &'static str,
    /// `ADDED`, `MODIFIED`, `DELETED`.
    pub event: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

/// A watch event as an activity line.
pub fn activity(e: &WatchEvent) -> Activity {
    let m = e.object.metadata();
    Activity {
        resource_version: e.resource_version,
        time: e.time.rfc3339(),
        component: e.actor.component.to_string(),
        node: e.actor.node.as_deref().map(str::to_string),
        verb: match e.verb {
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Patch => "patch",
            Verb::UpdateStatus => "update status",
            Verb::Bind => "bind",
            Verb::Delete => "delete",
        },
        event: match e.type_ {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        },
        kind: e.object.kind().info().kind,
        namespace: m.namespace.to_string(),
        name: m.name.to_string(),
    }
}

/// The activity since a resourceVersion (all that is still in the log if it was compacted).
pub fn activity_since(api: &ApiServer, after: u64) -> Vec<Activity> {
    match api.watch(after) {
        Ok(events) => events.into_iter().map(activity).collect(),
        Err(_) => api.log().iter().map(activity).collect(),
    }
}
