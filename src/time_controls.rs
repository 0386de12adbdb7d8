//! The cluster's clock and how it moves: play/pause, one step, speed (1×, 5×, 20×), and
//! starting again with a fresh cluster.

use crate::state::{Action, SPEEDS, use_playground};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Virtual time since the cluster booted, as a stopwatch shows it: `00:02:15`, `1d 03:00:00`.
pub fn elapsed(millis: u64) -> String {
    let s = millis / 1000;
    let (d, h, m, s) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d}d {h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

#[function_component]
pub fn TimeControls() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let time = playground.time;
    let confirming = use_state(|| false);
    let delete_files = use_node_ref();
    let (now, started) = {
        let engine = playground.engine.borrow();
        let cluster = &engine.shell.cluster;
        let started = cluster
            .api()
            .get(sim::Kind::Namespace, "", "kube-system")
            .ok()
            .and_then(|o| o.metadata().creation_timestamp.clone());
        (cluster.now(), started)
    };
    let since_boot = started
        .as_deref()
        .and_then(sim::Time::parse_rfc3339)
        .map_or(now.0, |t| now.0.saturating_sub(t.0));

    let toggle = {
        let playground = playground.clone();
        Callback::from(move |_| playground.dispatch(Action::SetPlaying(!time.playing)))
    };
    let step = {
        let playground = playground.clone();
        Callback::from(move |_| playground.dispatch(Action::Step))
    };
    let speed = {
        let playground = playground.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>()
                && let Ok(v) = select.value().parse()
            {
                playground.dispatch(Action::SetSpeed(v));
            }
        })
    };
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(false))
    };
    let reset = {
        let confirming = confirming.clone();
        let playground = playground.clone();
        let delete_files = delete_files.clone();
        Callback::from(move |_| {
            let delete_files = delete_files
                .cast::<HtmlInputElement>()
                .is_some_and(|i| i.checked());
            playground.dispatch(Action::Reset { delete_files });
            confirming.set(false);
        })
    };
    let (toggle_label, toggle_icon) = if time.playing {
        (s.time_pause, "❚❚")
    } else {
        (s.time_play, "▶")
    };
    html! {
        <div class="time" role="group" aria-label={s.time_controls}>
            <p class="clock">
                {s.cluster_clock}{" "}
                <time datetime={now.rfc3339()} title={now.rfc3339()}>{elapsed(since_boot)}</time>
                if !time.playing { <span class="paused">{" · "}{s.time_paused}</span> }
            </p>
            <button type="button" class="time-toggle" onclick={toggle} aria-label={toggle_label}
                    title={toggle_label}>
                <span aria-hidden="true">{toggle_icon}</span>
            </button>
            <button type="button" class="time-step" onclick={step} title={s.time_step_hint}>
                {s.time_step}
            </button>
            <label class="time-speed">
                <span>{s.time_speed}</span>
                <select onchange={speed}>
                    { for SPEEDS.iter().map(|v| html! {
                        <option value={v.to_string()} selected={*v == time.speed}>{format!("{v}×")}</option>
                    }) }
                </select>
            </label>
            if *confirming {
                <div class="reset-confirm" role="alertdialog" aria-label={s.reset_question}>
                    <p>{s.reset_question}</p>
                    <label><input type="checkbox" ref={delete_files} />{" "}{s.reset_delete_files}</label>
                    <button type="button" class="danger" onclick={reset}>{s.reset_confirm}</button>
                    <button type="button" onclick={cancel}>{s.cancel}</button>
                </div>
            } else {
                <button type="button" class="time-reset" onclick={ask}>{s.reset_cluster}</button>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_time_reads_like_a_stopwatch() {
        assert_eq!(elapsed(0), "00:00:00");
        assert_eq!(elapsed(135_000), "00:02:15");
        assert_eq!(elapsed(27 * 3_600_000 + 1_000), "1d 03:00:01");
    }
}
