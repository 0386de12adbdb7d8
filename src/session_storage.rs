//! The browser's side of keeping a session: reading the share link and the kept session at
//! start, and writing the session back after every change.

use crate::history::History;
use crate::i18n::Lang;
use crate::session::{self, Notice, Refusal, STORAGE_KEY};
use crate::state::{Playground, PlaygroundHandle};
use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

/// Present while a kept session or a link is being replayed.
pub const REPLAYING_KEY: &str = "timonel.session.replaying";

/// The playground the page starts with: from a share link in the address's fragment, else
/// from the kept session, else fresh (see [`session::boot`]).
pub fn boot(lang: Lang, history: History) -> Playground {
    let window = gloo::utils::window();
    let location = window.location();
    let fragment = location.hash().unwrap_or_default();
    if fragment.starts_with(session::LINK_PREFIX) {
        // Before the replay: a reload, even after a crash, must not open the link again.
        let path = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
    let storage = LocalStorage::raw();
    // Set while a replay runs: still there at the next start, the replay stopped Timonel.
    let crashed = storage.get_item(REPLAYING_KEY).ok().flatten().is_some();
    let stored = match crashed {
        true => None,
        false => storage.get_item(STORAGE_KEY).ok().flatten(),
    };
    let _ = storage.set_item(REPLAYING_KEY, "1");
    let boot = session::boot(lang, history, &fragment, stored.as_deref());
    let _ = storage.remove_item(REPLAYING_KEY);
    if boot.forget_stored || crashed {
        let _ = storage.remove_item(STORAGE_KEY);
    }
    if crashed {
        boot.playground.engine.borrow_mut().notice = Some(Notice::Stored(Refusal::Crashed));
    }
    boot.playground
}

/// Writes the session to localStorage whenever it or the time controls change. Best effort:
/// storage may be full or refused in a private window.
#[hook]
pub fn use_keeping(playground: &PlaygroundHandle) {
    let engine = playground.engine.clone();
    use_effect_with(
        (playground.revision, playground.time),
        move |(revision, time)| {
            if *revision > 0 {
                let engine = engine.borrow();
                let json = session::to_json(&engine.log.log(&engine, *time));
                let _ = LocalStorage::raw().set_item(STORAGE_KEY, &json);
            }
        },
    );
}
