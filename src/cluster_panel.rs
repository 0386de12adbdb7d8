//! The cluster side of the page: every node with its pods, as `sim`'s view models give them.

use crate::activity_feed::ActivityFeed;
use crate::events_table::EventsTable;
use crate::i18n::Lang;
use crate::node_actions::{AddNode, NodeMenu};
use crate::state::{Action, use_playground};
use crate::time_controls::TimeControls;
use gloo::storage::{LocalStorage, Storage};
use sim::api::Kind;
use sim::views::{NodeView, PodView};
use sim::views_why::ObjRef;
use yew::prelude::*;

/// Where the map's namespace filter is remembered (empty: every namespace).
const NAMESPACE_FILTER_KEY: &str = "timonel.map.namespace";

/// The colour family of a pod's STATUS, for its tile.
fn status_class(pod: &PodView) -> &'static str {
    let ready = pod
        .ready
        .split_once('/')
        .is_some_and(|(r, t)| r == t && t != "0");
    match pod.status.as_str() {
        "Running" if ready => "pod-ready",
        "Running" => "pod-running",
        "Pending" | "ContainerCreating" | "PodInitializing" => "pod-starting",
        "Completed" | "Succeeded" => "pod-done",
        "Terminating" => "pod-terminating",
        s if s.starts_with("Init:") => "pod-starting",
        _ => "pod-failing",
    }
}

/// Beyond this many pods a list draws its pods as small squares (the name in the tooltip and
/// the accessible name), so that a thousand pods stay a map rather than a long scroll.
pub const COMPACT_ABOVE: usize = 24;

/// At most this many pods without a node are drawn; the rest are counted.
pub const UNSCHEDULED_SHOWN: usize = 200;

#[derive(Properties, PartialEq)]
struct PodTileProps {
    pod: PodView,
    lang: Lang,
    inspected: bool,
    compact: bool,
    /// The same callback on every render (`use_callback`), so an unchanged pod's tile is not
    /// drawn again.
    on_inspect: Callback<ObjRef>,
}

/// A pod's tile: a button that opens the inspector on it. A component with comparable
/// properties, so that among a thousand pods only the ones that changed are drawn again.
#[function_component]
fn PodTile(props: &PodTileProps) -> Html {
    let PodTileProps {
        pod,
        lang,
        inspected,
        compact,
        on_inspect,
    } = props;
    let s = lang.strings();
    let onclick = {
        let on_inspect = on_inspect.clone();
        let target = ObjRef::new(Kind::Pod, pod.namespace.as_str(), pod.name.as_str());
        Callback::from(move |_| on_inspect.emit(target.clone()))
    };
    let summary = format!(
        "{}/{} · {} · {}",
        pod.namespace, pod.name, pod.ready, pod.status
    );
    html! {
        <li>
            <button type="button"
                class={classes!("pod", status_class(pod), compact.then_some("compact"), inspected.then_some("inspected"))}
                aria-pressed={inspected.to_string()}
                aria-label={compact.then(|| summary.clone())}
                title={format!("{summary} — {}", s.inspect_hint)}
                {onclick}>
                if !*compact {
                    <span class="pod-name">{&pod.name}</span>
                    <span class="pod-status">{&pod.status}</span>
                }
            </button>
        </li>
    }
}

/// The tiles of a list of pods, compact when there are many.
fn pod_tiles(
    pods: &[PodView],
    lang: Lang,
    inspected: Option<&ObjRef>,
    on_inspect: &Callback<ObjRef>,
) -> Html {
    let compact = pods.len() > COMPACT_ABOVE;
    html! {
        { for pods.iter().map(|pod| {
            let is_inspected = inspected.is_some_and(|r| {
                r.kind == Kind::Pod && r.name == pod.name && r.namespace == pod.namespace
            });
            html! {
                <PodTile key={pod.uid.clone()} pod={pod.clone()} {lang} inspected={is_inspected}
                    {compact} on_inspect={on_inspect.clone()} />
            }
        }) }
    }
}

#[derive(Properties, PartialEq)]
struct NodeCardProps {
    node: NodeView,
    /// Its machine runs the api-server: it cannot be stopped or removed.
    control_plane: bool,
    kubelet_stopped: bool,
    lang: Lang,
    inspected: Option<ObjRef>,
    on_inspect: Callback<ObjRef>,
}

/// How a node's STATUS reads on its box: whether it is ready, and whether it is cordoned.
fn node_state(status: &str) -> (bool, bool) {
    let mut parts = status.split(',');
    let ready = parts.next() == Some("Ready");
    (ready, parts.any(|p| p == "SchedulingDisabled"))
}

#[function_component]
fn NodeCard(props: &NodeCardProps) -> Html {
    let NodeCardProps {
        node,
        control_plane,
        kubelet_stopped,
        lang,
        inspected,
        on_inspect,
    } = props;
    let s = lang.strings();
    let menu_open = use_state(|| false);
    let toggle_menu = {
        let menu_open = menu_open.clone();
        Callback::from(move |_: MouseEvent| menu_open.set(!*menu_open))
    };
    let close_on_escape = {
        let menu_open = menu_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && *menu_open {
                e.stop_propagation();
                menu_open.set(false);
            }
        })
    };
    let target = ObjRef::new(Kind::Node, "", node.name.as_str());
    let current = inspected.as_ref() == Some(&target);
    let onclick = {
        let on_inspect = on_inspect.clone();
        Callback::from(move |_| on_inspect.emit(target.clone()))
    };
    let role = if node.roles.contains("control-plane") {
        s.role_control_plane
    } else {
        s.role_worker
    };
    let (ready, cordoned) = node_state(&node.status);
    let menu_id = format!("node-menu-{}", node.name);
    html! {
        <li class={classes!("node", (!ready).then_some("node-not-ready"), cordoned.then_some("node-cordoned"))}
            onkeydown={close_on_escape}>
            <div class="node-top">
                <button type="button" class={classes!("node-head", current.then_some("inspected"))}
                    aria-pressed={current.to_string()} title={s.inspect_hint} {onclick}>
                    <span class="node-name">{&node.name}</span>
                    <span class="node-status">{&node.status}</span>
                </button>
                <button type="button" class="node-menu-toggle" aria-expanded={menu_open.to_string()}
                    aria-controls={menu_id.clone()} aria-label={format!("{} {}", s.node_actions, node.name)}
                    title={format!("{} {}", s.node_actions, node.name)} onclick={toggle_menu}>
                    <span aria-hidden="true">{"⋯"}</span>
                </button>
            </div>
            <span class="node-role">
                {role}
                if *kubelet_stopped {
                    {" · "}<span class="node-kubelet-stopped">{s.node_kubelet_stopped}</span>
                }
            </span>
            if *menu_open {
                <div id={menu_id}>
                    <NodeMenu node={node.name.clone()} control_plane={*control_plane}
                        {cordoned} kubelet_stopped={*kubelet_stopped} strings={s} />
                </div>
            }
            <ul class={classes!("pods", (node.pods.len() > COMPACT_ABOVE).then_some("compact"))}
                aria-label={format!("{} {}", s.pods_on, node.name)}>
                {pod_tiles(&node.pods, *lang, inspected.as_ref(), on_inspect)}
            </ul>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct ClusterPanelProps {
    /// Before the page's first paint: the events table and the activity feed (most of the
    /// page's elements) are made one frame later, so the prompt and the nodes paint sooner.
    #[prop_or_default]
    pub starting: bool,
}

#[function_component]
pub fn ClusterPanel(props: &ClusterPanelProps) -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let lang = playground.lang;
    let engine = playground.engine.borrow();
    let cluster = &engine.shell.cluster;
    let inspected = playground.inspected.clone();
    let on_inspect = {
        let dispatcher = playground.dispatcher();
        use_callback((), move |r: ObjRef, _| {
            dispatcher.dispatch(Action::Inspect(Some(r)))
        })
    };
    // The nodes and their pods change only with a write to the api-server (or a reset): not
    // read again for a command that changes nothing, nor for a tick in which nothing happened.
    let views = use_memo(
        (engine.generation, cluster.api().resource_version()),
        |_| {
            (
                cluster.node_views(),
                sim::views_why::unscheduled_pods(cluster.api()),
            )
        },
    );
    let (nodes, unscheduled) = &*views;
    let control_plane = cluster.control_plane_node();
    // The map shows the pods of one namespace, or of all; the choice is remembered.
    let namespace =
        use_state(|| LocalStorage::get::<String>(NAMESPACE_FILTER_KEY).unwrap_or_default());
    let on_namespace = {
        let namespace = namespace.clone();
        Callback::from(move |e: Event| {
            let chosen = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|el| el.value())
                .unwrap_or_default();
            // Best effort: private windows may refuse storage.
            let _ = LocalStorage::set(NAMESPACE_FILTER_KEY, &chosen);
            namespace.set(chosen);
        })
    };
    let mut namespaces: Vec<String> = cluster
        .api()
        .iter(Kind::Namespace, None)
        .map(|o| o.metadata().name.to_string())
        .collect();
    if !namespace.is_empty() && !namespaces.contains(&namespace) {
        namespaces.push((*namespace).clone());
    }
    let shown = |pods: &[PodView]| -> Vec<PodView> {
        pods.iter()
            .filter(|p| namespace.is_empty() || p.namespace == *namespace)
            .cloned()
            .collect()
    };
    let unscheduled = if namespace.is_empty() {
        unscheduled.clone()
    } else {
        shown(unscheduled)
    };
    html! {
        <section class="cluster" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading">
                {s.cluster_heading}{" "}<code class="cluster-name">{&cluster.config().name}</code>
            </h2>
            <TimeControls />
            <div class="nodes-head">
                <h3>{s.nodes_heading}</h3>
                <label class="namespace-filter">
                    {s.namespace_filter}{" "}
                    <select onchange={on_namespace}>
                        <option value="" selected={namespace.is_empty()}>{s.all_namespaces}</option>
                        { for namespaces.iter().map(|ns| html! {
                            <option value={ns.clone()} selected={*ns == *namespace}>{ns}</option>
                        }) }
                    </select>
                </label>
                <AddNode />
            </div>
            <ul class="nodes">
                { for nodes.iter().map(|node| {
                    let key = node.uid.clone();
                    let control_plane = node.name == control_plane;
                    let kubelet_stopped = cluster.kubelet_stopped(&node.name);
                    // A node's box needs the inspected object only if it is the node or one
                    // of its pods: the others are not drawn again when it changes.
                    let inspected = inspected.clone().filter(|r| match r.kind {
                        Kind::Node => r.name == node.name,
                        Kind::Pod => node.pods.iter().any(|p| p.name == r.name && p.namespace == r.namespace),
                        _ => false,
                    });
                    let node = if namespace.is_empty() {
                        node.clone()
                    } else {
                        NodeView { pods: shown(&node.pods), ..node.clone() }
                    };
                    html! {
                        <NodeCard {key} {node} {control_plane} {kubelet_stopped} {lang}
                            {inspected} on_inspect={on_inspect.clone()} />
                    }
                }) }
            </ul>
            if !unscheduled.is_empty() {
                <h3>{s.unscheduled_heading}</h3>
                <ul class={classes!("pods", "unscheduled", (unscheduled.len() > COMPACT_ABOVE).then_some("compact"))}
                    aria-label={s.unscheduled_label}>
                    {pod_tiles(&unscheduled[..unscheduled.len().min(UNSCHEDULED_SHOWN)], lang, inspected.as_ref(), &on_inspect)}
                </ul>
                if unscheduled.len() > UNSCHEDULED_SHOWN {
                    <p class="pods-more">{format!("+{} {}", unscheduled.len() - UNSCHEDULED_SHOWN, s.pods_more)}</p>
                }
            }
            if !props.starting {
                <EventsTable />
                <ActivityFeed />
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ready: &str, status: &str) -> PodView {
        PodView {
            uid: "u".into(),
            namespace: "default".into(),
            name: "p".into(),
            ready: ready.into(),
            status: status.into(),
            restarts: 0,
            node: None,
            ip: None,
            owner: None,
        }
    }

    #[test]
    fn a_node_box_tells_not_ready_from_cordoned() {
        assert_eq!(node_state("Ready"), (true, false));
        assert_eq!(node_state("Ready,SchedulingDisabled"), (true, true));
        assert_eq!(node_state("NotReady"), (false, false));
        assert_eq!(node_state("NotReady,SchedulingDisabled"), (false, true));
        assert_eq!(node_state("Unknown"), (false, false));
    }

    #[test]
    fn pod_tiles_are_coloured_by_what_kubectl_would_say() {
        assert_eq!(status_class(&pod("1/1", "Running")), "pod-ready");
        assert_eq!(status_class(&pod("0/1", "Running")), "pod-running");
        assert_eq!(
            status_class(&pod("0/1", "ContainerCreating")),
            "pod-starting"
        );
        assert_eq!(status_class(&pod("0/2", "Init:0/1")), "pod-starting");
        assert_eq!(status_class(&pod("0/1", "CrashLoopBackOff")), "pod-failing");
        assert_eq!(status_class(&pod("0/1", "Completed")), "pod-done");
        assert_eq!(status_class(&pod("1/1", "Terminating")), "pod-terminating");
    }
}
