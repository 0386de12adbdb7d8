//! The control-plane activity feed: who wrote what to the api-server, newest first, in plain
//! words, filterable by component.

use crate::i18n::Strings;
use crate::state::use_playground;
use sim::views::Activity;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// At most this many lines are drawn.
const SHOWN: usize = 100;

/// A kubelet renewing its node's Lease: every node does it every 10 s, which would drown
/// everything else, so the feed hides it unless asked.
pub fn is_heartbeat(a: &Activity) -> bool {
    a.kind == "Lease" && a.namespace == "kube-node-lease" && a.verb != "delete"
}

/// "kubelet (timonel-worker)", "replicaset-controller", …
fn actor(a: &Activity) -> String {
    match &a.node {
        Some(node) => format!("{} ({node})", a.component),
        None => a.component.clone(),
    }
}

/// The line's sentence: "created Pod default/web-1", in the page's language.
pub fn describe(a: &Activity, s: &Strings) -> String {
    let verb = match a.verb {
        "create" => s.verb_create,
        "update" => s.verb_update,
        "patch" => s.verb_patch,
        "update status" => s.verb_update_status,
        "bind" => s.verb_bind,
        "delete" => s.verb_delete,
        "machine add" => s.verb_machine_add,
        "machine remove" => s.verb_machine_remove,
        "kubelet stop" => s.verb_kubelet_stop,
        "kubelet start" => s.verb_kubelet_start,
        other => other,
    };
    let object = if a.namespace.is_empty() {
        a.name.clone()
    } else {
        format!("{}/{}", a.namespace, a.name)
    };
    format!("{verb} {} {object}", a.kind)
}

#[function_component]
pub fn ActivityFeed() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let filter = use_state(String::new);
    let heartbeats = use_state(|| false);
    let engine = playground.engine.borrow();

    let mut components: Vec<&str> = engine.feed.iter().map(|a| a.component.as_str()).collect();
    components.sort_unstable();
    components.dedup();

    let onchange = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                filter.set(select.value());
            }
        })
    };
    let toggle_heartbeats = {
        let heartbeats = heartbeats.clone();
        Callback::from(move |_: Event| heartbeats.set(!*heartbeats))
    };
    let lines = engine
        .feed
        .iter()
        .rev()
        .filter(|a| filter.is_empty() || a.component == *filter)
        .filter(|a| *heartbeats || !is_heartbeat(a))
        .take(SHOWN)
        .map(|a| {
            html! {
                <li key={format!("{}:{}:{}", a.resource_version, a.verb, a.name)} class="activity">
                    <time class="activity-time">{a.time.get(11..19).unwrap_or(&a.time)}</time>
                    <span class="activity-actor">{actor(a)}</span>
                    <span class="activity-what">{describe(a, s)}</span>
                </li>
            }
        });
    html! {
        <section class="feed" aria-labelledby="feed-heading">
            <div class="feed-head">
                <h3 id="feed-heading">{s.feed_heading}</h3>
                <label class="feed-filter">
                    <span class="visually-hidden">{s.feed_filter_label}</span>
                    <select {onchange} aria-label={s.feed_filter_label}>
                        <option value="" selected={filter.is_empty()}>{s.feed_all_components}</option>
                        { for components.iter().map(|c| html! {
                            <option value={c.to_string()} selected={*filter == *c}>{*c}</option>
                        }) }
                    </select>
                </label>
                <label class="feed-heartbeats">
                    <input type="checkbox" checked={*heartbeats} onchange={toggle_heartbeats} />
                    {" "}{s.feed_show_heartbeats}
                </label>
            </div>
            <ol class="activities" aria-live="off" tabindex="0" aria-labelledby="feed-heading">{ for lines }</ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ES};

    fn activity(verb: &'static str, namespace: &str) -> Activity {
        Activity {
            resource_version: 7,
            time: "2026-01-01T00:00:05Z".into(),
            component: "replicaset-controller".into(),
            node: None,
            verb,
            event: "ADDED",
            kind: "Pod",
            namespace: namespace.into(),
            name: "web-1".into(),
        }
    }

    #[test]
    fn an_activity_reads_as_a_sentence_in_each_language() {
        let a = activity("create", "default");
        assert_eq!(describe(&a, &EN), "created Pod default/web-1");
        assert_eq!(describe(&a, &ES), "creó Pod default/web-1");
    }

    #[test]
    fn lease_renewals_are_heartbeats_and_other_writes_are_not() {
        let mut a = activity("update", "kube-node-lease");
        a.kind = "Lease";
        assert!(is_heartbeat(&a));
        a.verb = "delete";
        assert!(!is_heartbeat(&a));
        assert!(!is_heartbeat(&activity("update", "default")));
    }

    #[test]
    fn cluster_scoped_objects_have_no_namespace_prefix() {
        assert_eq!(describe(&activity("delete", ""), &EN), "deleted Pod web-1");
    }

    #[test]
    fn the_actor_names_the_node_of_a_kubelet() {
        let mut a = activity("update status", "default");
        a.component = "kubelet".into();
        a.node = Some("timonel-worker".into());
        assert_eq!(actor(&a), "kubelet (timonel-worker)");
        assert_eq!(describe(&a, &EN), "updated the status of Pod default/web-1");
    }
}
