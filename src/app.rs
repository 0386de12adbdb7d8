//! The page's frame: header with the language switch, the terminal and the cluster.

use crate::cluster_panel::ClusterPanel;
use crate::crash;
use crate::display_switch::DisplaySwitch;
use crate::editor::Editor;
use crate::history::History;
use crate::i18n::Lang;
use crate::inspector::Inspector;
use crate::language_switch::LanguageSwitch;
use crate::session_bar::{SessionActions, SessionNotice};
use crate::session_storage;
use crate::state::{Action, PlaygroundHandle};
use crate::terminal::Terminal;
use gloo::storage::{LocalStorage, Storage};
use gloo::timers::callback::Interval;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Where the chosen language is remembered.
pub const LANG_KEY: &str = "timonel.lang";
/// The performance mark set when the page has painted a working prompt over a Ready cluster.
pub const READY_MARK: &str = "timonel:ready";
/// Performance marks around booting the simulated cluster.
pub const BOOT_START_MARK: &str = "timonel:boot-start";
pub const BOOT_END_MARK: &str = "timonel:boot-end";

/// Sets a performance mark (the end-to-end tests read them), if the browser keeps them.
fn mark(name: &str) {
    if let Some(performance) = gloo::utils::window().performance() {
        let _ = performance.mark(name);
    }
}
/// Where the prompt's history is kept (versioned: a new shape gets a new key).
pub const HISTORY_KEY: &str = "timonel.history.v1";

/// The remembered history; a missing or unreadable one starts empty.
pub fn stored_history() -> History {
    LocalStorage::get::<Vec<String>>(HISTORY_KEY)
        .map(History::from_entries)
        .unwrap_or_default()
}

/// The remembered language, else the browser's preference.
pub fn initial_lang() -> Lang {
    if let Ok(lang) = LocalStorage::get::<Lang>(LANG_KEY) {
        return lang;
    }
    let navigator = gloo::utils::window().navigator();
    let mut preferred: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    preferred.extend(navigator.language());
    Lang::from_preferences(preferred.iter().map(String::as_str))
}

/// Runs `then` once the browser has painted the next frame: an animation frame's callback runs
/// just before that paint, a timeout set from it just after. The moment the prompt can take a
/// command is marked there (the end-to-end tests read the mark), then `then` runs.
fn after_next_paint(then: impl FnOnce() + 'static) {
    let window = gloo::utils::window();
    let frame = Closure::once_into_js(move || {
        gloo::timers::callback::Timeout::new(0, move || {
            mark(READY_MARK);
            then();
        })
        .forget();
    });
    if window
        .request_animation_frame(frame.unchecked_ref())
        .is_err()
    {
        mark(READY_MARK);
    }
}

#[function_component]
pub fn App() -> Html {
    let playground = use_reducer(|| {
        mark(BOOT_START_MARK);
        let playground = session_storage::boot(initial_lang(), stored_history());
        mark(BOOT_END_MARK);
        playground
    });
    let lang = playground.lang;
    {
        let engine = playground.engine.clone();
        use_effect_with(playground.revision, move |revision| {
            if *revision > 0 {
                // Best effort: storage may be full or refused in a private window.
                let _ = LocalStorage::set(HISTORY_KEY, engine.borrow().history.entries());
            }
        });
    }
    session_storage::use_keeping(&playground);
    use_effect_with(lang, |lang| {
        let document = gloo::utils::document();
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
        document.set_title(lang.strings().page_title);
        crash::set_lang(*lang);
    });
    // The cluster lives on: one tick a second, stopped when the app goes away.
    {
        let playground = playground.clone();
        use_effect_with((), move |_| {
            let timer = Interval::new(1_000, move || playground.dispatch(Action::Tick));
            move || drop(timer)
        });
    }
    // The first frame draws what the first view needs (the prompt, the editor, the nodes);
    // the events table and the activity feed, long lists of text below them, are made one
    // frame later (`ClusterPanel`'s `starting`), so they do not delay the first paint.
    let starting = use_state(|| true);
    {
        let starting = starting.clone();
        use_effect_with((), move |_| after_next_paint(move || starting.set(false)));
    }
    let s = lang.strings();
    let inspecting = playground.inspected.is_some();
    html! {
        <ContextProvider<PlaygroundHandle> context={playground}>
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"⎈"}</span>
                    <h1>{"Timonel"}</h1>
                    <p class="tagline">{s.tagline}</p>
                </div>
                <div class="topbar-controls">
                    <SessionActions />
                    <DisplaySwitch />
                    <LanguageSwitch />
                </div>
            </header>
            <SessionNotice />
            <main class={classes!("panes", inspecting.then_some("inspecting"), starting.then_some("starting"))}>
                <div class="work">
                    <Editor />
                    <Terminal />
                </div>
                <ClusterPanel starting={*starting} />
                <Inspector />
            </main>
        </ContextProvider<PlaygroundHandle>>
    }
}
