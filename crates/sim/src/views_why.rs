//! View models for the inspector: an object's owner and owned objects, the pods the scheduler
//! has not placed yet, and *why* a pod is stuck (the scheduler's last trace per node and plugin,
//! or what its containers report), as plain data a UI turns into sentences.
//!
//! Nothing here writes: every function reads the api-server's store and the scheduler's record.

use crate::Cluster;
use crate::api::{Kind, Node, Pod};
use crate::apiserver::ApiServer;
use crate::views::{PodView, pod_view};

/// One object, by kind, namespace (empty for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjRef {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjRef {
    pub fn new(kind: Kind, namespace: impl Into<String>, name: impl Into<String>) -> Self {
        ObjRef {
            kind,
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// `Pod`, `ReplicaSet` …
    pub fn kind_name(&self) -> &'static str {
        self.kind.info().kind
    }
}

/// The kind an owner reference names, if the api-server serves it.
fn kind_of(name: &str) -> Option<Kind> {
    Kind::ALL.iter().copied().find(|k| k.info().kind == name)
}

/// Whether the object exists.
pub fn exists(api: &ApiServer, r: &ObjRef) -> bool {
    api.get_ref(r.kind, &r.namespace, &r.name).is_some()
}

/// The object's controller (its owner reference with `controller: true`), if it names a kind
/// the api-server serves.
pub fn owner_of(api: &ApiServer, r: &ObjRef) -> Option<ObjRef> {
    let object = api.get_ref(r.kind, &r.namespace, &r.name)?;
    let owner = object.metadata().controller()?;
    let kind = kind_of(&owner.kind)?;
    let namespace = if kind.info().namespaced {
        r.namespace.clone()
    } else {
        String::new()
    };
    Some(ObjRef::new(kind, namespace, owner.name.clone()))
}

/// The objects this one controls (in its namespace), sorted by kind and name. A node has no
/// owned objects; its pods are in [`NodeView::pods`](crate::views::NodeView).
pub fn owned_by(api: &ApiServer, r: &ObjRef) -> Vec<ObjRef> {
    let Some(object) = api.get_ref(r.kind, &r.namespace, &r.name) else {
        return Vec::new();
    };
    if !r.kind.info().namespaced {
        return Vec::new();
    }
    let uid = &object.metadata().uid;
    let mut owned: Vec<ObjRef> = Kind::ALL
        .iter()
        .filter(|k| k.info().namespaced)
        .flat_map(|&kind| {
            api.iter(kind, Some(&r.namespace))
                .filter(|o| o.metadata().controller().is_some_and(|c| &c.uid == uid))
                .map(move |o| ObjRef::new(kind, r.namespace.clone(), o.metadata().name.clone()))
        })
        .collect();
    owned.sort();
    owned
}

/// Pods no node runs yet (not bound, not finished), sorted by namespace and name: the map has
/// no node box to draw them in.
pub fn unscheduled_pods(api: &ApiServer) -> Vec<PodView> {
    api.iter_as::<Pod>(None)
        .filter(|p| p.node_name().is_none() && !p.is_terminal())
        .map(pod_view)
        .collect()
}

/// Why a pod is not running as it should, where the inspector has something to explain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// Not bound to a node.
    Pending(PendingWhy),
    /// Bound, but containers are failing or cannot start.
    Failing(Vec<ContainerWhy>),
}

/// Why a pod waits for a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingWhy {
    /// A scheduling gate holds the pod back: the scheduler does not look at it.
    pub gated: bool,
    /// Not for the default scheduler (`spec.schedulerName` names another).
    pub other_scheduler: Option<String>,
    /// The FailedScheduling message of the PodScheduled condition, as `describe` shows it.
    pub message: Option<String>,
    /// The scheduler's latest attempt; `None` when it has none on record (not tried yet, or the
    /// record was dropped to bound memory).
    pub attempt: Option<AttemptWhy>,
}

/// The scheduler's latest attempt, node by node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptWhy {
    /// RFC 3339 virtual time.
    pub time: String,
    /// Sorted by node name.
    pub nodes: Vec<NodeWhy>,
    pub chosen: Option<String>,
}

/// What the scheduler decided about one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeWhy {
    pub node: String,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every filter passed; the node scored this total.
    Fits { score: i64 },
    /// A filter plugin rejected the node, for these reasons.
    Rejected {
        plugin: &'static str,
        reasons: Vec<Reason>,
    },
}

/// One reason a filter gave, recognised from upstream's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// NodeResourcesFit: the pod's request does not fit beside what is already requested on the
    /// node (thousandths: millicores, or millibytes for memory).
    // Simplification: the numbers are today's, which may differ from the moment of the attempt
    // (the trace keeps verdicts, not the node's usage then).
    Insufficient {
        resource: String,
        requested: i128,
        in_use: i128,
        allocatable: i128,
    },
    /// NodeResourcesFit: the node already runs its maximum number of pods.
    TooManyPods { max: i128 },
    /// TaintToleration: a taint the pod does not tolerate.
    UntoleratedTaint { key: String, value: String },
    /// NodeUnschedulable: the node is cordoned.
    Cordoned,
    /// NodeName: the pod asks for another node by name.
    OtherNodeName,
    /// NodeAffinity: the node's labels do not match the pod's node selector or affinity.
    NodeSelectorMismatch,
    /// PodTopologySpread: placing it here would spread the pods too unevenly.
    TopologySpread,
    /// InterPodAffinity: the pod's affinity rules are not met here.
    PodAffinity,
    /// InterPodAffinity: the pod's anti-affinity rules (or another pod's) forbid this node.
    PodAntiAffinity,
    /// A message not recognised above, as the scheduler wrote it.
    Other(String),
}

/// What one container reports, where it is in trouble.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerWhy {
    pub container: String,
    pub image: String,
    pub init: bool,
    pub restarts: i32,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// It keeps exiting, and the kubelet waits longer before each restart.
    CrashLoop {
        /// How it last ended, if the kubelet recorded it.
        last_exit: Option<Exit>,
        /// The kubelet's back-off message.
        message: Option<String>,
    },
    /// It exited and is not restarted (restartPolicy Never/OnFailure) with a non-zero code.
    Failed { exit: Exit },
    /// The image cannot be pulled (`ErrImagePull`, then `ImagePullBackOff`).
    ImagePull {
        back_off: bool,
        message: Option<String>,
    },
    /// `imagePullPolicy: Never` and the image is not on the node.
    ImageNeverPull { message: Option<String> },
    /// The image reference does not parse.
    InvalidImageName { message: Option<String> },
    /// A ConfigMap, Secret or key the container refers to is missing.
    ConfigError { message: Option<String> },
    /// The runtime could not create or start the process.
    StartError {
        reason: String,
        message: Option<String>,
    },
}

/// How a container ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exit {
    pub code: i32,
    /// `Error`, `OOMKilled`, `Completed`, `StartError` …
    pub reason: Option<String>,
    pub signal: Option<i32>,
}

/// Why the pod is stuck, if it is: Pending without a node, or containers failing.
pub fn why(cluster: &Cluster, namespace: &str, name: &str) -> Option<Why> {
    let api = cluster.api();
    let pod = api.get_as::<Pod>(namespace, name).ok()?;
    if pod.metadata.deletion_timestamp.is_some() || pod.is_terminal() && !failed_pod(&pod) {
        return None;
    }
    if pod.node_name().is_none() {
        return Some(Why::Pending(why_pending(cluster, &pod)));
    }
    let failing = why_failing(&pod);
    (!failing.is_empty()).then_some(Why::Failing(failing))
}

fn failed_pod(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed")
}

/// Why an unbound pod waits, from its PodScheduled condition and the scheduler's last attempt.
pub fn why_pending(cluster: &Cluster, pod: &Pod) -> PendingWhy {
    let api = cluster.api();
    let condition = pod.condition("PodScheduled");
    let gated = !pod.spec.scheduling_gates.is_empty()
        || condition.is_some_and(|c| c.reason.as_deref() == Some("SchedulingGated"));
    let other_scheduler = pod
        .spec
        .scheduler_name
        .clone()
        .filter(|s| !s.is_empty() && s != "default-scheduler");
    let message = condition
        .filter(|c| c.status == "False")
        .and_then(|c| c.message.clone());
    let attempt = cluster
        .scheduler()
        .last_attempt(&pod.metadata.namespace, &pod.metadata.name)
        .map(|a| AttemptWhy {
            time: a.time.rfc3339(),
            chosen: a.chosen.clone(),
            nodes: a
                .nodes
                .iter()
                .map(|n| NodeWhy {
                    node: n.node.clone(),
                    verdict: match n.filters.iter().find(|f| !f.passed) {
                        Some(f) => Verdict::Rejected {
                            plugin: f.plugin,
                            reasons: f
                                .reasons
                                .iter()
                                .map(|r| reason(api, pod, &n.node, r))
                                .collect(),
                        },
                        None => Verdict::Fits {
                            score: n.total.unwrap_or(0),
                        },
                    },
                })
                .collect(),
        });
    PendingWhy {
        gated,
        other_scheduler: other_scheduler.map(String::from),
        message: message.map(String::from),
        attempt,
    }
}

fn node_named<'a>(api: &'a ApiServer, name: &str) -> Option<&'a Node> {
    api.iter_as::<Node>(None).find(|n| n.metadata.name == name)
}

/// A filter's message as a [`Reason`].
fn reason(api: &ApiServer, pod: &Pod, node: &str, message: &str) -> Reason {
    if let Some(resource) = message.strip_prefix("Insufficient ") {
        let requested = pod.spec.request_milli(resource);
        let allocatable = node_named(api, node).map_or(0, |n| n.allocatable_milli(resource));
        let in_use = api
            .iter_as::<Pod>(None)
            .filter(|p| p.node_name() == Some(node) && !p.is_terminal())
            .map(|p| p.spec.request_milli(resource))
            .fold(0, i128::saturating_add);
        return Reason::Insufficient {
            resource: resource.to_string(),
            requested,
            in_use,
            allocatable,
        };
    }
    if let Some(taint) = message
        .strip_prefix("node(s) had untolerated taint {")
        .and_then(|t| t.strip_suffix('}'))
    {
        let (key, value) = taint.split_once(": ").unwrap_or((taint, ""));
        return Reason::UntoleratedTaint {
            key: key.to_string(),
            value: value.to_string(),
        };
    }
    match message {
        "Too many pods" => Reason::TooManyPods {
            max: node_named(api, node).map_or(0, |n| n.allocatable_milli("pods") / 1000),
        },
        "node(s) were unschedulable" => Reason::Cordoned,
        "node(s) didn't match the requested node name" => Reason::OtherNodeName,
        "node(s) didn't match Pod's node affinity/selector" => Reason::NodeSelectorMismatch,
        "node(s) didn't match pod topology spread constraints"
        | "node(s) didn't match pod topology spread constraints (missing required label)" => {
            Reason::TopologySpread
        }
        "node(s) didn't match pod affinity rules" => Reason::PodAffinity,
        "node(s) didn't match pod anti-affinity rules"
        | "node(s) didn't satisfy existing pods anti-affinity rules" => Reason::PodAntiAffinity,
        other => Reason::Other(other.to_string()),
    }
}

/// The containers (init containers first) in trouble, as their statuses say.
pub fn why_failing(pod: &Pod) -> Vec<ContainerWhy> {
    let Some(status) = &pod.status else {
        return Vec::new();
    };
    let init = status.init_container_statuses.iter().map(|c| (true, c));
    let regular = status.container_statuses.iter().map(|c| (false, c));
    init.chain(regular)
        .filter_map(|(init, c)| {
            let exit = |t: &crate::api::pod::ContainerStateTerminated| Exit {
                code: t.exit_code,
                reason: t.reason.clone().map(String::from),
                signal: t.signal,
            };
            let problem = if let Some(w) = &c.state.waiting {
                let message = w.message.clone();
                match w.reason.as_deref()? {
                    "CrashLoopBackOff" => Problem::CrashLoop {
                        last_exit: c.last_state.terminated.as_deref().map(exit),
                        message: message.map(String::from),
                    },
                    "ErrImagePull" => Problem::ImagePull {
                        back_off: false,
                        message: message.map(String::from),
                    },
                    "ImagePullBackOff" => Problem::ImagePull {
                        back_off: true,
                        message: message.map(String::from),
                    },
                    "ErrImageNeverPull" => Problem::ImageNeverPull {
                        message: message.map(String::from),
                    },
                    "InvalidImageName" => Problem::InvalidImageName {
                        message: message.map(String::from),
                    },
                    "CreateContainerConfigError" => Problem::ConfigError {
                        message: message.map(String::from),
                    },
                    r @ ("CreateContainerError" | "RunContainerError" | "StartError") => {
                        Problem::StartError {
                            reason: r.to_string(),
                            message: message.map(String::from),
                        }
                    }
                    _ => return None,
                }
            } else if let Some(t) = &c.state.terminated {
                if t.exit_code == 0 && t.signal.is_none_or(|s| s == 0) {
                    return None;
                }
                Problem::Failed { exit: exit(t) }
            } else {
                return None;
            };
            let image = pod
                .spec
                .containers
                .iter()
                .chain(&pod.spec.init_containers)
                .find(|s| s.name == c.name)
                .map_or_else(|| c.image.clone(), |s| s.image.to_string().into());
            Some(ContainerWhy {
                container: c.name.to_string(),
                image: image.to_string(),
                init,
                restarts: c.restart_count,
                problem,
            })
        })
        .collect()
}
