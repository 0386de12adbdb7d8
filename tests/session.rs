//! Keeping and sharing a session, in headless Chromium (wasm-bindgen-test): the app restores a
//! kept session, opens a share link, and refuses damaged ones with a message.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use timonel_web::app::App;
use timonel_web::session::{self, Event, STORAGE_KEY};
use timonel_web::state::{Engine, TimeFlow};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        yew::platform::time::sleep(Duration::ZERO).await;
    }
    panic!("{what} never happened");
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Mounts a fresh App over whatever localStorage and the address hold now.
async fn mount() -> (Element, yew::AppHandle<App>) {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    until("the prompt", || {
        root.query_selector(".command-input").unwrap().is_some()
    })
    .await;
    (root, app)
}

/// Unmounts the app (stopping its timer, so it writes nothing more) and removes its root.
fn unmount((root, app): (Element, yew::AppHandle<App>)) {
    app.destroy();
    root.remove();
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.text_content())
        .collect()
}

/// A kept session whose log ran `commands`.
fn session_of(commands: &[&str]) -> session::Log {
    let mut engine = Engine::default();
    for c in commands {
        engine.apply(Event::Run(c.to_string()));
    }
    engine.log.log(&engine, TimeFlow::default())
}

#[wasm_bindgen_test]
async fn a_kept_session_comes_back_with_its_terminal_and_cluster() {
    storage().clear().unwrap();
    let log = session_of(&["kubectl create namespace kept", "echo hi > notes.txt"]);
    storage()
        .set_item(STORAGE_KEY, &session::to_json(&log))
        .unwrap();
    let mounted = mount().await;
    let root = &mounted.0;
    assert_eq!(
        texts(root, ".entry .command"),
        ["$ kubectl create namespace kept", "$ echo hi > notes.txt"]
    );
    assert_eq!(texts(root, ".entry .stdout"), ["namespace/kept created\n"]);
    assert!(
        root.query_selector(".notice").unwrap().is_none(),
        "no message"
    );
    unmount(mounted);
}

#[wasm_bindgen_test]
async fn a_damaged_kept_session_gives_a_message_and_a_fresh_cluster() {
    storage().clear().unwrap();
    storage()
        .set_item(STORAGE_KEY, "{\"format\":1,\"seed\":<script>")
        .unwrap();
    let mounted = mount().await;
    let root = &mounted.0;
    let alert = root.query_selector(".notice[role=alert]").unwrap().unwrap();
    assert_eq!(
        alert
            .query_selector("p")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Your saved session could not be read, so Timonel started a fresh cluster."
    );
    assert!(root.query_selector(".entry").unwrap().is_none());
    assert_eq!(storage().get_item(STORAGE_KEY).unwrap(), None, "forgotten");
    unmount(mounted);
}

#[wasm_bindgen_test]
async fn a_share_link_opens_its_session_and_leaves_the_address() {
    storage().clear().unwrap();
    let log = session_of(&["kubectl create namespace shared"]);
    let location = web_sys::window().unwrap().location();
    location.set_hash(&session::to_fragment(&log)).unwrap();
    let mounted = mount().await;
    let root = &mounted.0;
    assert_eq!(
        texts(root, ".entry .stdout"),
        ["namespace/shared created\n"]
    );
    assert_eq!(
        texts(root, ".notice[role=status] p"),
        ["Opened the shared session from the link."]
    );
    assert_eq!(
        location.hash().unwrap(),
        "",
        "a reload does not open the link again"
    );
    unmount(mounted);
}

#[wasm_bindgen_test]
async fn a_hostile_link_is_refused_and_nothing_it_carries_renders() {
    storage().clear().unwrap();
    let location = web_sys::window().unwrap().location();
    location
        .set_hash("#s=<img src=x onerror=alert(1)>")
        .unwrap();
    let mounted = mount().await;
    let root = &mounted.0;
    assert_eq!(
        texts(root, ".notice[role=alert] p"),
        [
            "This share link is damaged or incomplete, so it was not opened. Your own session is as you left it."
        ]
    );
    assert!(root.query_selector("img").unwrap().is_none());
    assert!(root.query_selector(".entry").unwrap().is_none());
    unmount(mounted);
}

#[wasm_bindgen_test]
async fn the_topbar_offers_copy_link_and_export() {
    storage().clear().unwrap();
    let mounted = mount().await;
    let root = &mounted.0;
    assert_eq!(
        texts(root, ".session-actions button"),
        ["Copy link", "Export"]
    );
    unmount(mounted);
}
