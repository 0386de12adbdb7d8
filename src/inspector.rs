//! The inspector: a side panel on the object picked on the map (or through its links), with its
//! summary, `kubectl describe`, its YAML, and — for a pod that is stuck — why, in plain words.
//!
//! Thin: the data comes from `sim::views`/`sim::views_why` and from running kubectl's own
//! read-only commands against the cluster (not through the terminal, and not into the session's
//! log); `why_text` turns the why data into sentences.

use crate::i18n::{Lang, Strings};
use crate::state::{Action, Engine, PlaygroundHandle, use_playground};
use crate::why_text;
use sim::api::{Kind, Pod};
use sim::views_why::{self, ObjRef, PendingWhy, Verdict, Why};
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Summary,
    Describe,
    Yaml,
    Why,
}

/// The kubectl resource argument for a kind, fully qualified so it never clashes: `pods`,
/// `replicasets.apps`.
pub fn resource_arg(kind: Kind) -> String {
    let info = kind.info();
    if info.group.is_empty() {
        info.plural.to_string()
    } else {
        format!("{}.{}", info.plural, info.group)
    }
}

fn namespace_flag(r: &ObjRef) -> String {
    if r.namespace.is_empty() {
        String::new()
    } else {
        format!(" -n {}", r.namespace)
    }
}

/// `kubectl describe` of the object.
pub fn describe_line(r: &ObjRef) -> String {
    format!(
        "kubectl describe {} {}{}",
        resource_arg(r.kind),
        r.name,
        namespace_flag(r)
    )
}

/// `kubectl get -o yaml` of the object.
pub fn yaml_line(r: &ObjRef) -> String {
    format!(
        "kubectl get {} {}{} -o yaml",
        resource_arg(r.kind),
        r.name,
        namespace_flag(r)
    )
}

/// Runs a read-only kubectl command for the inspector: straight against the cluster, so neither
/// the terminal, the history nor the session's log see it.
pub fn read(engine: &mut Engine, line: &str) -> String {
    let out = kubectl::run_line(&mut engine.shell.cluster, line);
    if out.exit_code == 0 {
        out.stdout
    } else {
        out.stderr
    }
}

/// A button that opens the inspector on another object.
fn link(playground: &PlaygroundHandle, r: &ObjRef) -> Html {
    let label = if r.kind == Kind::Node {
        r.name.clone()
    } else {
        format!("{}/{}", r.kind_name(), r.name)
    };
    let onclick = {
        let playground = playground.clone();
        let r = r.clone();
        Callback::from(move |_| playground.dispatch(Action::Inspect(Some(r.clone()))))
    };
    html! { <button type="button" class="obj-link" {onclick}>{label}</button> }
}

fn field(label: &str, value: Html) -> Html {
    html! { <><dt>{label}</dt><dd>{value}</dd></> }
}

fn text(value: impl Into<String>) -> Html {
    let value: String = value.into();
    html! { {value} }
}

fn links(playground: &PlaygroundHandle, s: &Strings, refs: &[ObjRef]) -> Html {
    if refs.is_empty() {
        return html! { <span class="muted">{s.field_none}</span> };
    }
    html! {
        <ul class="obj-links">
            { for refs.iter().map(|r| html! { <li key={format!("{:?}/{}", r.kind, r.name)}>{link(playground, r)}</li> }) }
        </ul>
    }
}

/// The Summary tab: what `kubectl get` would say, and the links to the owner and owned objects.
fn summary(playground: &PlaygroundHandle, s: &Strings, target: &ObjRef) -> Html {
    let engine = playground.engine.borrow();
    let cluster = &engine.shell.cluster;
    let api = cluster.api();
    let mut rows: Vec<Html> = vec![field(s.field_kind, text(target.kind_name()))];
    if !target.namespace.is_empty() {
        rows.push(field(s.field_namespace, text(target.namespace.clone())));
    }
    match target.kind {
        Kind::Pod => {
            if let Ok(pod) = api.get_as::<Pod>(&target.namespace, &target.name) {
                let v = sim::views::pod_view(&pod);
                rows.push(field(s.field_status, text(v.status)));
                rows.push(field(s.field_ready, text(v.ready)));
                rows.push(field(s.field_restarts, text(v.restarts.to_string())));
                let node = match &v.node {
                    Some(n) => link(playground, &ObjRef::new(Kind::Node, "", n.as_str())),
                    None => html! { <span class="muted">{s.field_none}</span> },
                };
                rows.push(field(s.field_node, node));
                if let Some(ip) = v.ip {
                    rows.push(field(s.field_ip, text(ip)));
                }
            }
        }
        Kind::Node => {
            if let Some(n) = cluster
                .node_views()
                .into_iter()
                .find(|n| n.name == target.name)
            {
                rows.push(field(s.field_status, text(n.status)));
                rows.push(field(s.field_roles, text(n.roles)));
                rows.push(field(s.field_version, text(n.version)));
                if let Some(ip) = n.internal_ip {
                    rows.push(field(s.field_ip, text(ip)));
                }
                let pods: Vec<ObjRef> = n
                    .pods
                    .iter()
                    .map(|p| ObjRef::new(Kind::Pod, p.namespace.as_str(), p.name.as_str()))
                    .collect();
                rows.push(field(s.field_pods, links(playground, s, &pods)));
            }
        }
        _ => {}
    }
    if target.kind != Kind::Node {
        let owner: Vec<ObjRef> = views_why::owner_of(api, target).into_iter().collect();
        rows.push(field(s.field_owner, links(playground, s, &owner)));
        let owned = views_why::owned_by(api, target);
        rows.push(field(s.field_owned, links(playground, s, &owned)));
    }
    html! { <dl class="inspector-fields">{ for rows }</dl> }
}

fn tips(s: &Strings, tips: Vec<String>) -> Html {
    html! {
        <>
            <h4>{s.why_try}</h4>
            <ul class="why-tips">{ for tips.into_iter().map(|t| html! { <li>{t}</li> }) }</ul>
        </>
    }
}

fn pending(lang: Lang, s: &Strings, pod: &str, why: &PendingWhy) -> Html {
    let attempt = match &why.attempt {
        Some(a) => html! {
            <>
                if a.chosen.is_none() {
                    <p>{s.why_no_node_fits}</p>
                }
                <p class="why-when">{s.why_last_try}{" "}<time>{a.time.clone()}</time></p>
                <ul class="why-nodes">
                    { for a.nodes.iter().map(|n| {
                        let (class, plugin) = match &n.verdict {
                            Verdict::Fits { .. } => ("why-fits", None),
                            Verdict::Rejected { plugin, .. } => ("why-rejected", Some(*plugin)),
                        };
                        html! {
                            <li key={n.node.clone()} class={classes!("why-node", class)}>
                                <div class="why-node-head">
                                    <span class="why-node-name">{n.node.clone()}</span>
                                    if let Some(plugin) = plugin {
                                        <span class="why-plugin" title={s.why_plugin}>{plugin}</span>
                                    }
                                </div>
                                <p class="why-verdict">{why_text::verdict(lang, &n.verdict)}</p>
                            </li>
                        }
                    }) }
                </ul>
            </>
        },
        None => html! { <p class="why-no-trace">{s.why_no_trace}</p> },
    };
    html! {
        <>
            <h3>{s.why_pending_heading}</h3>
            if why.gated {
                <p>{s.why_gated}</p>
            }
            if why.other_scheduler.is_some() {
                <p>{s.why_other_scheduler}</p>
            }
            {attempt}
            if let Some(m) = &why.message {
                <p>{s.why_summary}</p>
                <pre class="why-message">{m.clone()}</pre>
            }
            {tips(s, why_text::pending_tips(lang, why, pod))}
        </>
    }
}

fn why_panel(lang: Lang, s: &Strings, pod: &str, why: &Why) -> Html {
    match why {
        Why::Pending(p) => pending(lang, s, pod, p),
        Why::Failing(containers) => html! {
            <>
                <h3>{s.why_failing_heading}</h3>
                { for containers.iter().map(|c| html! {
                    <section key={c.container.clone()} class="why-container">
                        <p class="why-happened">{why_text::what_happened(lang, c)}</p>
                        if let Some(m) = why_text::cluster_message(c) {
                            <p>{s.why_cluster_says}</p>
                            <pre class="why-message">{m.to_string()}</pre>
                        }
                        {tips(s, why_text::container_tips(lang, pod, c))}
                    </section>
                }) }
            </>
        },
    }
}

#[function_component]
pub fn Inspector() -> Html {
    let playground = use_playground();
    let tab = use_state(|| Tab::Summary);
    let heading = use_node_ref();
    {
        let tab = tab.clone();
        let heading = heading.clone();
        use_effect_with(playground.inspected.clone(), move |inspected| {
            if inspected.is_some() {
                tab.set(Tab::Summary);
                if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                    let _ = h.focus();
                }
            }
        });
    }
    let Some(target) = playground.inspected.clone() else {
        return html! {};
    };
    let lang = playground.lang;
    let s = lang.strings();
    let close = {
        let playground = playground.clone();
        Callback::from(move |_| playground.dispatch(Action::Inspect(None)))
    };
    let onkeydown = {
        let playground = playground.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                e.stop_propagation();
                playground.dispatch(Action::Inspect(None));
            }
        })
    };
    let (exists, why) = {
        let engine = playground.engine.borrow();
        let cluster = &engine.shell.cluster;
        let exists = views_why::exists(cluster.api(), &target);
        let why = (target.kind == Kind::Pod)
            .then(|| views_why::why(cluster, &target.namespace, &target.name))
            .flatten();
        (exists, why)
    };
    let current = match *tab {
        Tab::Why if why.is_none() => Tab::Summary,
        t => t,
    };
    let mut tabs = vec![
        (Tab::Summary, s.tab_summary, "summary"),
        (Tab::Describe, s.tab_describe, "describe"),
        (Tab::Yaml, s.tab_yaml, "yaml"),
    ];
    if why.is_some() {
        tabs.push((Tab::Why, s.tab_why, "why"));
    }
    let body = if !exists {
        html! { <p class="inspector-gone">{s.inspector_gone}</p> }
    } else {
        match current {
            Tab::Summary => summary(&playground, s, &target),
            Tab::Describe => {
                let out = read(&mut playground.engine.borrow_mut(), &describe_line(&target));
                html! { <pre class="inspector-text">{out}</pre> }
            }
            Tab::Yaml => {
                let out = read(&mut playground.engine.borrow_mut(), &yaml_line(&target));
                html! { <pre class="inspector-text">{out}</pre> }
            }
            Tab::Why => match &why {
                Some(w) => why_panel(lang, s, &target.name, w),
                None => html! {},
            },
        }
    };
    let title = if target.kind == Kind::Node {
        target.name.clone()
    } else {
        format!("{}/{}", target.kind_name(), target.name)
    };
    html! {
        <aside class="inspector" aria-labelledby="inspector-title" {onkeydown}>
            <div class="inspector-head">
                <div>
                    <p class="inspector-label">{s.inspector_label}</p>
                    <h2 id="inspector-title" tabindex="-1" ref={heading}>{title}</h2>
                </div>
                <button type="button" class="inspector-close" aria-label={s.inspector_close}
                    title={s.inspector_close} onclick={close}>{"×"}</button>
            </div>
            <div class="inspector-tabs" role="tablist" aria-label={s.inspector_tabs}>
                { for tabs.into_iter().map(|(t, label, id)| {
                    let selected = t == current;
                    let onclick = {
                        let tab = tab.clone();
                        Callback::from(move |_| tab.set(t))
                    };
                    html! {
                        <button type="button" role="tab" id={format!("inspector-tab-{id}")}
                            class={classes!("inspector-tab", (t == Tab::Why).then_some("tab-why"))}
                            aria-selected={selected.to_string()} aria-controls="inspector-panel"
                            tabindex={if selected { "0" } else { "-1" }} {onclick}>{label}</button>
                    }
                }) }
            </div>
            <div class="inspector-body" id="inspector-panel" role="tabpanel" tabindex="0"
                aria-label={match current {
                    Tab::Summary => s.tab_summary,
                    Tab::Describe => s.tab_describe,
                    Tab::Yaml => s.tab_yaml,
                    Tab::Why => s.tab_why,
                }}>
                {body}
            </div>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_lines_name_the_object_fully() {
        let pod = ObjRef::new(Kind::Pod, "default", "big");
        assert_eq!(describe_line(&pod), "kubectl describe pods big -n default");
        let rs = ObjRef::new(Kind::ReplicaSet, "default", "web-1");
        assert_eq!(
            yaml_line(&rs),
            "kubectl get replicasets.apps web-1 -n default -o yaml"
        );
        let node = ObjRef::new(Kind::Node, "", "timonel-worker");
        assert_eq!(
            describe_line(&node),
            "kubectl describe nodes timonel-worker"
        );
    }

    #[test]
    fn reading_for_the_inspector_changes_nothing_in_the_cluster_nor_the_session() {
        let mut engine = Engine::default();
        engine.run("kubectl run web --image=nginx".into());
        let before = engine.shell.cluster.snapshot();
        let history = engine.history.entries().to_vec();
        let transcript = engine.transcript.len();
        let pod = ObjRef::new(Kind::Pod, "default", "web");
        let described = read(&mut engine, &describe_line(&pod));
        assert!(described.starts_with("Name:"), "{described}");
        let yaml = read(&mut engine, &yaml_line(&pod));
        assert!(yaml.starts_with("apiVersion: v1\nkind: Pod\n"), "{yaml}");
        assert_eq!(engine.shell.cluster.snapshot(), before);
        assert_eq!(engine.history.entries(), history);
        assert_eq!(engine.transcript.len(), transcript);
    }
}
