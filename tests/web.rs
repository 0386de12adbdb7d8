//! The app's components in headless Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use timonel_web::{app::App, crash};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Yew's scheduler run everything queued (a zero-length timer, not a wait).
async fn flush() {
    yew::platform::time::sleep(Duration::ZERO).await;
}

/// Flushes until `done` holds: Yew may spread a render and its effects over several turns of
/// the event loop. Bounded by a number of turns, not by time.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        flush().await;
    }
    panic!("{what} never happened");
}

async fn rendered(root: &Element, selector: &str) {
    until(selector, || {
        root.query_selector(selector).unwrap().is_some()
    })
    .await;
}

fn html_lang() -> Option<String> {
    document().document_element()?.get_attribute("lang")
}

fn document() -> web_sys::Document {
    gloo::utils::document()
}

/// Mounts a fresh App in its own container and returns the container.
async fn mount() -> Element {
    let _ = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    rendered(&root, ".command-input").await;
    root
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

fn prompt(root: &Element) -> HtmlInputElement {
    root.query_selector(".command-input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

async fn type_line(root: &Element, line: &str) {
    let input = prompt(root);
    input.set_value(line);
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    flush().await;
}

#[wasm_bindgen_test]
async fn the_frame_shows_a_terminal_and_the_clusters_nodes() {
    let root = mount().await;
    assert!(
        root.query_selector(".terminal .command-input")
            .unwrap()
            .is_some()
    );
    let nodes = text(&root, ".nodes");
    assert!(nodes.contains("timonel-control-plane"), "{nodes}");
    assert!(nodes.contains("timonel-worker2"), "{nodes}");
}

#[wasm_bindgen_test]
async fn kubectl_version_answers_from_the_engine() {
    let root = mount().await;
    type_line(&root, "kubectl version").await;
    rendered(&root, ".entry .stdout").await;
    assert_eq!(text(&root, ".entry .command"), "$ kubectl version");
    assert_eq!(
        text(&root, ".entry .stdout"),
        "Client Version: v1.36.4\nKustomize Version: v5.8.1\nServer Version: v1.36.4\n"
    );
    let input = prompt(&root);
    assert_eq!(input.value(), "", "the prompt is cleared after Enter");
}

#[wasm_bindgen_test]
async fn errors_show_apart_from_output() {
    let root = mount().await;
    type_line(&root, "kubectl versoin").await;
    rendered(&root, ".entry .stderr").await;
    assert!(text(&root, ".entry .stderr").starts_with("error: unknown command \"versoin\""));
    assert!(root.query_selector(".entry .stdout").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn choosing_spanish_translates_the_page_and_is_remembered() {
    let root = mount().await;
    let spanish: HtmlElement = root
        .query_selector("button.lang[lang=es]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    spanish.click();
    until("<html lang=es>", || html_lang().as_deref() == Some("es")).await;
    assert_eq!(
        text(&root, ".tagline"),
        "Un clúster de Kubernetes 1.36 en tu navegador"
    );
    assert_eq!(
        spanish.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(timonel_web::app::LANG_KEY)
        .unwrap();
    assert_eq!(stored.as_deref(), Some("\"es\""));
    assert_eq!(
        timonel_web::app::initial_lang(),
        timonel_web::i18n::Lang::Es
    );
}

#[wasm_bindgen_test]
fn a_crash_report_is_visible_offers_reload_and_shows_details_as_text() {
    crash::set_lang(timonel_web::i18n::Lang::En);
    crash::show("panicked at <script>alert(1)</script>");
    let panel = document().get_element_by_id("crash").unwrap();
    assert!(!panel.has_attribute("hidden"));
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(
        text(&panel, "h2"),
        "Timonel stopped because of an internal error"
    );
    assert!(
        panel
            .query_selector("button[data-action=reload]")
            .unwrap()
            .is_some()
    );
    assert!(panel.query_selector("script").unwrap().is_none());
    assert_eq!(text(&panel, "pre"), "panicked at <script>alert(1)</script>");
}
