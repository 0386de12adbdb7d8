//! The YAML editor in headless Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use timonel_web::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, InputEvent, KeyboardEvent,
    KeyboardEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

async fn flush() {
    yew::platform::time::sleep(Duration::ZERO).await;
}

/// Flushes until `done` holds (bounded by turns of the event loop, not by time).
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        flush().await;
    }
    panic!("{what} never happened");
}

fn document() -> web_sys::Document {
    gloo::utils::document()
}

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
    until("the editor", || {
        root.query_selector(".editor").unwrap().is_some()
    })
    .await;
    root
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn get<T: JsCast>(root: &Element, selector: &str) -> T {
    find(root, selector)
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .dyn_into()
        .unwrap()
}

fn text(root: &Element, selector: &str) -> String {
    get::<Element>(root, selector)
        .text_content()
        .unwrap_or_default()
}

fn all_text(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.text_content())
        .collect()
}

fn text_area(root: &Element) -> HtmlTextAreaElement {
    get(root, "#editor-text")
}

async fn pick_starter(root: &Element, kind: &str) {
    get::<HtmlElement>(root, &format!("button.starter[data-kind={kind}]")).click();
    until("the starter's tab", || {
        find(root, "#editor-text")
            .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
            .is_some_and(|a| a.value().contains(&format!("kind: {kind}")))
    })
    .await;
}

/// Replaces the text as typing would: the value changes, then an input event.
async fn type_text(root: &Element, value: &str) {
    let area = text_area(root);
    area.set_value(value);
    let event = InputEvent::new("input").unwrap();
    area.dispatch_event(&event).unwrap();
    flush().await;
}

fn key(target: &Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn a_starter_deployment_opens_highlighted_and_applies_in_the_terminal() {
    let root = mount().await;
    assert!(find(&root, ".editor-empty").is_some(), "no file open yet");
    pick_starter(&root, "Deployment").await;
    assert_eq!(all_text(&root, ".tab-name"), ["deployment.yaml"]);
    let lines = text_area(&root).value().split('\n').count();
    assert_eq!(all_text(&root, ".gutter li").len(), lines);
    assert!(all_text(&root, ".highlight .y-key").contains(&"replicas".to_string()));
    assert_eq!(
        text(&root, ".highlight"),
        format!("{} ", text_area(&root).value()),
        "the highlighted copy is the text itself"
    );
    get::<HtmlElement>(&root, "button.apply").click();
    until("the apply's output", || {
        find(&root, ".entry .stdout").is_some()
    })
    .await;
    assert_eq!(
        text(&root, ".entry .command"),
        "$ kubectl apply -f deployment.yaml"
    );
    assert_eq!(
        text(&root, ".entry .stdout"),
        "deployment.apps/web created\n"
    );
}

#[wasm_bindgen_test]
async fn a_yaml_error_is_marked_on_its_line_and_goes_away_when_fixed() {
    let root = mount().await;
    pick_starter(&root, "ConfigMap").await;
    let good = text_area(&root).value();
    let bad = good.replace("  name: web-config", "  name: web-config\n   oops: 1");
    type_text(&root, &bad).await;
    until("the marker", || find(&root, ".gutter-problem").is_some()).await;
    assert_eq!(text(&root, ".gutter-problem"), "6");
    assert_eq!(
        text(&root, ".problems li"),
        "Line 6: YAML error: mapping values are not allowed in this context"
    );
    assert_eq!(
        text_area(&root).get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    type_text(&root, &good).await;
    until("the marker to go", || {
        find(&root, ".gutter-problem").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_server_error_from_apply_is_marked_on_the_field() {
    let root = mount().await;
    pick_starter(&root, "Deployment").await;
    let text_before = text_area(&root).value();
    type_text(&root, &text_before.replace("replicas: 3", "replicas: -3")).await;
    key(&text_area(&root).into(), "Enter", true);
    until("the marker", || find(&root, ".gutter-problem").is_some()).await;
    assert_eq!(text(&root, ".gutter-problem"), "9");
    assert!(text(&root, ".problems li").starts_with("Line 9: The Deployment \"web\" is invalid"));
    assert!(text(&root, ".entry .stderr").contains("spec.replicas: Invalid value: -3"));
}

#[wasm_bindgen_test]
async fn tab_indents_and_escape_leaves_the_editor() {
    let root = mount().await;
    get::<HtmlElement>(&root, "button.new-file").click();
    until("the empty file", || find(&root, "#editor-text").is_some()).await;
    let area = text_area(&root);
    area.focus().unwrap();
    key(&area.clone().into(), "Tab", false);
    until("two spaces", || text_area(&root).value() == "  ").await;
    let active = || document().active_element().map(|e| e.class_name());
    assert_eq!(active().as_deref(), Some("code-input"));
    key(&area.into(), "Escape", false);
    assert_eq!(active().as_deref(), Some("apply"));
}

#[wasm_bindgen_test]
async fn the_terminal_and_the_editor_share_files_and_names_stay_text() {
    let root = mount().await;
    let prompt: HtmlInputElement = get(&root, ".command-input");
    prompt.set_value("echo 'kind: Pod' > '<img src=x>.yaml'");
    key(&prompt.clone().into(), "Enter", false);
    until("the file in the menu", || {
        find(&root, ".file-item").is_some()
    })
    .await;
    assert_eq!(text(&root, ".file-item"), "<img src=x>.yaml");
    assert!(find(&root, ".editor img").is_none());
    get::<HtmlElement>(&root, ".file-item").click();
    until("its tab", || find(&root, "#editor-text").is_some()).await;
    assert_eq!(text_area(&root).value(), "kind: Pod\n");
    type_text(&root, "kind: Service\n").await;
    prompt.set_value("cat '<img src=x>.yaml'");
    key(&prompt.into(), "Enter", false);
    until("cat's output", || {
        find(&root, ".entry:nth-child(2) .stdout").is_some()
    })
    .await;
    assert_eq!(
        text(&root, ".entry:nth-child(2) .stdout"),
        "kind: Service\n"
    );
}
