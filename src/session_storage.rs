//! The browser's side of keeping a session: reading the share link and the kept session at
//! start, and writing the session back after every change.

use crate::history::History;
use crate::i18n::Lang;
use crate::session::{self, Notice, PUT_ASIDE_KEY, Refusal, STORAGE_KEY};
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
    // A link's session is about to overwrite the kept one: put that aside first, so the
    // learner's own work is one click away rather than gone.
    let mut engine = boot.playground.engine.borrow_mut();
    if engine.notice == Some(Notice::LinkOpened)
        && let Some(own) = stored.as_deref()
        && storage.set_item(PUT_ASIDE_KEY, own).is_ok()
    {
        engine.notice = Some(Notice::LinkOpenedOwnPutAside);
    }
    drop(engine);
    if crashed {
        boot.playground.engine.borrow_mut().notice = Some(Notice::Stored(Refusal::Crashed));
    }
    boot.playground
}

/// Brings back the session put aside when a link was opened: it becomes the kept session and
/// the page starts again from it.
pub fn restore_put_aside() {
    let storage = LocalStorage::raw();
    if let Ok(Some(own)) = storage.get_item(PUT_ASIDE_KEY)
        && storage.set_item(STORAGE_KEY, &own).is_ok()
    {
        let _ = storage.remove_item(PUT_ASIDE_KEY);
        let _ = gloo::utils::window().location().reload();
    }
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
