//! The cluster side of the page: what the simulated cluster holds, drawn from `sim`.

use crate::state::use_playground;
use yew::prelude::*;

#[function_component]
pub fn ClusterPanel() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let engine = playground.engine.borrow();
    let cluster = &engine.cluster;
    let control_plane = format!("{}-control-plane", cluster.config().name);
    let nodes = cluster.node_names().into_iter().map(|name| {
        let role = if name == control_plane {
            s.role_control_plane
        } else {
            s.role_worker
        };
        html! {
            <li class="node" key={name.clone()}>
                <span class="node-name">{name}</span>
                <span class="node-role">{role}</span>
            </li>
        }
    });
    html! {
        <section class="cluster" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading">
                {s.cluster_heading}{" "}<code class="cluster-name">{&cluster.config().name}</code>
            </h2>
            <h3>{s.nodes_heading}</h3>
            <ul class="nodes">{ for nodes }</ul>
        </section>
    }
}
