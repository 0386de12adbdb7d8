//! What the page shows when Timonel itself fails: a visible message and a way back, never a
//! dead page.
//!
//! A Rust panic aborts the wasm instance, so the message is built with plain DOM calls and the
//! Reload button is handled by `boot.js` (plain JavaScript), which also reports failures that
//! happen before Rust starts.

use crate::i18n::Lang;
use std::cell::Cell;

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Tells the crash report which language the page is in.
pub fn set_lang(lang: Lang) {
    LANG.with(|l| l.set(lang));
}

/// Routes every panic to [`show`]. Through Yew, because rendering an app replaces any other
/// panic hook with Yew's own (which only logs to the console).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        show(&message);
    }));
}

/// Shows the crash report over the page, with `details` as plain text.
pub fn show(details: &str) {
    let s = LANG.with(Cell::get).strings();
    let document = gloo::utils::document();
    let Some(body) = document.body() else { return };
    let panel = match document.get_element_by_id("crash") {
        Some(panel) => panel,
        None => {
            let Ok(panel) = document.create_element("div") else {
                return;
            };
            panel.set_id("crash");
            let _ = body.append_child(&panel);
            panel
        }
    };
    panel.set_inner_html("");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("class", "crash");
    let add = |parent: &web_sys::Element, tag: &str, text: &str| {
        let el = document.create_element(tag).ok()?;
        el.set_text_content(Some(text));
        parent.append_child(&el).ok()?;
        Some(el)
    };
    add(&panel, "h2", s.crash_title);
    add(&panel, "p", s.crash_body);
    if let Some(button) = add(&panel, "button", s.crash_reload) {
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("data-action", "reload");
    }
    if let Ok(more) = document.create_element("details") {
        add(&more, "summary", s.crash_details);
        add(&more, "pre", details);
        let _ = panel.append_child(&more);
    }
    let _ = panel.remove_attribute("hidden");
}
