//! The cluster's events, live: `kubectl events -A` as a table, newest first.

use crate::state::use_playground;
use yew::prelude::*;

/// At most this many events are drawn.
const SHOWN: usize = 50;

#[function_component]
pub fn EventsTable() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let engine = playground.engine.borrow();
    let cluster = &engine.shell.cluster;
    // Read again only when the cluster or its clock moved (a reset starts a new generation).
    let rows = use_memo(
        (
            engine.generation,
            cluster.api().resource_version(),
            cluster.now().0,
        ),
        |_| kubectl::recent_events(cluster, SHOWN),
    );
    html! {
        <section class="events" aria-labelledby="events-heading">
            <h3 id="events-heading">{s.events_heading}</h3>
            if rows.is_empty() {
                <p class="events-empty">{s.events_none}</p>
            } else {
                <div class="events-scroll" tabindex="0">
                    <table class="events-table">
                        <thead>
                            <tr>
                                <th scope="col">{s.events_last_seen}</th>
                                <th scope="col">{s.events_type}</th>
                                <th scope="col">{s.events_reason}</th>
                                <th scope="col">{s.events_object}</th>
                                <th scope="col">{s.events_message}</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr key={r.key.clone()} class={classes!((r.type_ == "Warning").then_some("event-warning"))}>
                                    <td class="event-age">{r.last_seen.clone()}</td>
                                    <td>{r.type_.clone()}</td>
                                    <td>{r.reason.clone()}</td>
                                    <td class="event-object" title={r.namespace.clone()}>{r.object.clone()}</td>
                                    <td class="event-message">{r.message.clone()}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
