//! The browser's side of keeping a session: reading the share link and the kept session at
//! start, and writing the session back after every change.

use crate::history::History;
use crate::i18n::Lang;
use crate::session::{self, STORAGE_KEY};
use crate::state::{Playground, PlaygroundHandle};
use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

/// The playground the page starts with: from a share link in the address's fragment, else
/// from the kept session, else fresh (see [`session::boot`]).
pub fn boot(lang: Lang, history: History) -> Playground {
    let window = gloo::utils::window();
    let fragment = window.location().hash().unwrap_or_default();
    let storage = LocalStorage::raw();
    let stored = storage.get_item(STORAGE_KEY).ok().flatten();
    let boot = session::boot(lang, history, &fragment, stored.as_deref());
    if boot.forget_stored {
        let _ = storage.remove_item(STORAGE_KEY);
    }
    if fragment.starts_with(session::LINK_PREFIX) {
        // The link has done its work: a reload must show the session as it is by then.
        let location = window.location();
        let path = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
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
