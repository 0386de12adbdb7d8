//! What the map can do to a node: the kubectl commands (cordon, uncordon, drain), run through
//! the terminal so the learner sees them, and the machine-level changes no kubectl command makes
//! (add a machine, stop or start its kubelet, remove it), which go into the session's log as
//! [`Event::Machine`](crate::session::Event::Machine) so a reload or a share link replays them.

use crate::i18n::Strings;
use crate::state::{Action, Engine, use_playground};
use serde::{Deserialize, Serialize};
use sim::views::Activity;
use yew::prelude::*;

/// At most this many nodes (the control plane included): each one costs the page time.
// Simplification: a kind cluster takes as many nodes as the machine running it can hold.
pub const MAX_NODES: usize = 16;

/// The component the activity feed names for a machine-level change.
// Simplification: these feed lines come from the page, not from an api-server write (the
// machine is outside the cluster); the control plane's kubelet cannot be stopped from the map.
pub const MACHINE: &str = "machine";

/// A change to a node's machine, made from the map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Machine {
    /// A new worker, named as `kind` names the next one (`timonel-worker3`, …).
    Add,
    /// The machine goes away: its kubelet stops and its Node is deleted.
    Remove(String),
    /// The kubelet stops (a crashed or disconnected machine).
    Stop(String),
    /// The kubelet starts again.
    Start(String),
}

impl Machine {
    /// The node it names (none for `Add`).
    pub fn node(&self) -> &str {
        match self {
            Machine::Add => "",
            Machine::Remove(n) | Machine::Stop(n) | Machine::Start(n) => n,
        }
    }

    /// The activity feed's verb for it (see `activity_feed::describe`).
    fn verb(&self) -> &'static str {
        match self {
            Machine::Add => "machine add",
            Machine::Remove(_) => "machine remove",
            Machine::Stop(_) => "kubelet stop",
            Machine::Start(_) => "kubelet start",
        }
    }
}

/// The terminal line for a node's kubectl action.
pub fn cordon_line(node: &str, cordoned: bool) -> String {
    if cordoned {
        format!("kubectl uncordon {node}")
    } else {
        format!("kubectl cordon {node}")
    }
}

pub fn drain_line(node: &str) -> String {
    format!("kubectl drain {node} --ignore-daemonsets")
}

impl Engine {
    /// Makes a machine-level change, with a line in the activity feed before what the cluster
    /// does about it. Returns whether anything changed: adding beyond [`MAX_NODES`], stopping or
    /// removing the control plane, or naming a node that is not there changes nothing.
    pub(crate) fn machine(&mut self, change: &Machine) -> bool {
        self.follow_activity();
        let cluster = &mut self.shell.cluster;
        let before = cluster.api().resource_version();
        let time = cluster.now().rfc3339();
        let control_plane = cluster.control_plane_node();
        let node = match change {
            Machine::Add => {
                let nodes = cluster.api().iter(sim::Kind::Node, None).count();
                if nodes >= MAX_NODES {
                    return false;
                }
                match cluster.add_worker() {
                    Ok(name) => {
                        cluster.settle();
                        name
                    }
                    Err(_) => return false,
                }
            }
            Machine::Remove(name) => match cluster.remove_node(name) {
                Ok(()) => name.clone(),
                Err(_) => return false,
            },
            Machine::Stop(name) if *name == control_plane => return false,
            Machine::Stop(name) => {
                if !cluster.stop_kubelet(name) {
                    return false;
                }
                name.clone()
            }
            Machine::Start(name) => {
                if !cluster.start_kubelet(name) {
                    return false;
                }
                name.clone()
            }
        };
        // Placed at the resourceVersion the change started from, so the writes it causes follow.
        self.feed.push_back(Activity {
            resource_version: before,
            time,
            component: MACHINE.to_string(),
            node: None,
            verb: change.verb(),
            event: "",
            kind: "Node",
            namespace: String::new(),
            name: node,
        });
        self.follow_activity();
        true
    }
}

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub node: String,
    pub control_plane: bool,
    pub cordoned: bool,
    pub kubelet_stopped: bool,
    pub strings: &'static Strings,
}

/// A node's actions, under the node on the map.
#[function_component]
pub fn NodeMenu(props: &NodeMenuProps) -> Html {
    let playground = use_playground();
    let NodeMenuProps {
        node,
        control_plane,
        cordoned,
        kubelet_stopped,
        strings: s,
    } = props;
    let confirming = use_state(|| false);
    let cancel_ref = use_node_ref();
    {
        let cancel_ref = cancel_ref.clone();
        use_effect_with(*confirming, move |confirming| {
            if *confirming && let Some(b) = cancel_ref.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let run = |line: String| {
        let playground = playground.clone();
        Callback::from(move |_: MouseEvent| playground.dispatch(Action::RunCommand(line.clone())))
    };
    let machine = |change: Machine| {
        let playground = playground.clone();
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            playground.dispatch(Action::Machine(change.clone()));
        })
    };
    let cordon = cordon_line(node, *cordoned);
    let drain = drain_line(node);
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let kubelet = if *kubelet_stopped {
        html! {
            <button type="button" onclick={machine(Machine::Start(node.clone()))}>
                {s.node_start_kubelet}
            </button>
        }
    } else {
        html! {
            <button type="button" disabled={*control_plane} title={s.node_stop_hint}
                onclick={machine(Machine::Stop(node.clone()))}>
                {s.node_stop_kubelet}
            </button>
        }
    };
    let question = format!("{} {node}?", s.node_remove_question);
    html! {
        <div class="node-menu" role="group" aria-label={format!("{} {node}", s.node_actions)}>
            <button type="button" title={cordon.clone()} onclick={run(cordon)}>
                {if *cordoned { s.node_uncordon } else { s.node_cordon }}
            </button>
            <button type="button" title={drain.clone()} onclick={run(drain)}>{s.node_drain}</button>
            {kubelet}
            <button type="button" class="danger" disabled={*control_plane || *confirming}
                onclick={ask}>{s.node_remove}</button>
            if *control_plane {
                <p class="node-menu-note">{s.node_control_plane_fixed}</p>
            }
            if *confirming {
                <div class="node-confirm" role="alertdialog" aria-label={question.clone()}>
                    <p><strong>{question}</strong></p>
                    <p>{s.node_remove_explain}</p>
                    <button type="button" class="danger" onclick={machine(Machine::Remove(node.clone()))}>
                        {s.node_remove_confirm}
                    </button>
                    <button type="button" ref={cancel_ref} onclick={cancel}>{s.cancel}</button>
                </div>
            }
        </div>
    }
}

/// The map's "Add node" button.
#[function_component]
pub fn AddNode() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let nodes = playground
        .engine
        .borrow()
        .shell
        .cluster
        .api()
        .iter(sim::Kind::Node, None)
        .count();
    let full = nodes >= MAX_NODES;
    let onclick = {
        let playground = playground.clone();
        Callback::from(move |_: MouseEvent| playground.dispatch(Action::Machine(Machine::Add)))
    };
    html! {
        <button type="button" class="node-add" disabled={full}
            title={if full { s.node_limit } else { s.node_add_hint }} {onclick}>
            {"+ "}{s.node_add}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node_names(engine: &Engine) -> Vec<String> {
        engine
            .shell
            .cluster
            .node_views()
            .into_iter()
            .map(|n| n.name)
            .collect()
    }

    #[test]
    fn an_added_machine_is_named_as_kind_names_the_next_worker_and_the_feed_says_so() {
        let mut engine = Engine::default();
        assert!(engine.machine(&Machine::Add));
        assert!(engine.machine(&Machine::Add));
        assert_eq!(
            node_names(&engine),
            [
                "timonel-control-plane",
                "timonel-worker",
                "timonel-worker2",
                "timonel-worker3",
                "timonel-worker4"
            ]
        );
        let line = engine.feed.iter().find(|a| a.component == MACHINE).unwrap();
        assert_eq!(
            (line.verb, line.name.as_str()),
            ("machine add", "timonel-worker3")
        );
        let created = engine
            .feed
            .iter()
            .position(|a| a.kind == "Node" && a.verb == "create" && a.name == "timonel-worker3")
            .unwrap();
        let said = engine
            .feed
            .iter()
            .position(|a| a.component == MACHINE)
            .unwrap();
        assert!(
            said < created,
            "the machine comes before the Node its kubelet registers"
        );
    }

    #[test]
    fn the_control_plane_is_neither_stopped_nor_removed_and_the_node_count_is_bounded() {
        let mut engine = Engine::default();
        assert!(!engine.machine(&Machine::Stop("timonel-control-plane".into())));
        assert!(!engine.machine(&Machine::Remove("timonel-control-plane".into())));
        assert!(!engine.machine(&Machine::Remove("nope".into())));
        assert!(!engine.machine(&Machine::Start("timonel-worker".into())));
        assert!(!engine.feed.iter().any(|a| a.component == MACHINE));
        while engine.machine(&Machine::Add) {}
        assert_eq!(node_names(&engine).len(), MAX_NODES);
    }

    #[test]
    fn a_removed_machine_takes_its_node_and_the_cloud_controller_deletes_it() {
        let mut engine = Engine::default();
        assert!(engine.machine(&Machine::Remove("timonel-worker".into())));
        assert_eq!(
            node_names(&engine),
            ["timonel-control-plane", "timonel-worker2"]
        );
        let deleted = engine
            .feed
            .iter()
            .find(|a| a.kind == "Node" && a.verb == "delete")
            .unwrap();
        assert_eq!(deleted.component, "cloud-node-lifecycle-controller");
    }
}
