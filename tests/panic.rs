//! A real panic inside the running app, in headless Chromium: the page shows the crash report.
//! Its own test binary, so the trapped instance cannot disturb other tests.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use timonel_web::app::App;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_panic_after_the_app_started_shows_the_report_with_its_message() {
    let root = gloo::utils::document().create_element("div").unwrap();
    gloo::utils::body().append_child(&root).unwrap();
    timonel_web::crash::install();
    yew::Renderer::<App>::with_root(root).render();
    yew::platform::time::sleep(Duration::ZERO).await;
    let panel = gloo::utils::document().get_element_by_id("crash");
    assert!(panel.is_none(), "no report before the panic");
    // Yew's render replaces any panic hook not set through Yew. A real panic, in a task of its
    // own (panics abort on wasm32), shows which hook is in place.
    yew::platform::spawn_local(async { panic!("boom from a test") });
    yew::platform::time::sleep(Duration::ZERO).await;
    let panel = gloo::utils::document()
        .get_element_by_id("crash")
        .expect("the crash report is on the page");
    assert!(!panel.has_attribute("hidden"));
    let text = panel.text_content().unwrap_or_default();
    assert!(
        text.contains("Timonel stopped because of an internal error"),
        "{text}"
    );
    assert!(text.contains("boom from a test"), "{text}");
}
