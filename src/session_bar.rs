//! Keeping and sharing: the "Copy link" and "Export" buttons, and the messages about the
//! kept session (restored, refused, too long to keep).

use crate::i18n::Strings;
use crate::session::{Notice, Refusal, to_fragment};
use crate::state::{Action, use_playground};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// The exported file's name.
pub const EXPORT_FILE: &str = "timonel-export.yaml";

/// A notice's text, and whether it reports a problem (shown as an alert).
pub fn notice_text(s: &Strings, notice: &Notice) -> (&'static str, bool) {
    match notice {
        Notice::Stored(Refusal::Damaged) => (s.notice_stored_damaged, true),
        Notice::Stored(Refusal::OtherVersion) => (s.notice_stored_other_version, true),
        Notice::Stored(Refusal::TooLarge) => (s.notice_stored_too_large, true),
        Notice::Stored(Refusal::Crashed) | Notice::Link(Refusal::Crashed) => {
            (s.notice_stored_crashed, true)
        }
        Notice::Link(Refusal::Damaged) => (s.notice_link_damaged, true),
        Notice::Link(Refusal::OtherVersion) => (s.notice_link_other_version, true),
        Notice::Link(Refusal::TooLarge) => (s.notice_link_too_large, true),
        Notice::LinkOpened => (s.notice_link_opened, false),
        Notice::LinkOpenedOwnPutAside => (s.notice_link_opened_own_put_aside, false),
        Notice::Differs => (s.notice_differs, true),
        Notice::Copied => (s.notice_copied, false),
        Notice::CopyRefused(_) => (s.notice_copy_refused, true),
        Notice::Exported => (s.notice_exported, false),
        Notice::NothingToExport => (s.notice_nothing_to_export, false),
    }
}

/// The page's address without its fragment, with `fragment` instead.
fn link_with(fragment: &str) -> String {
    let location = gloo::utils::window().location();
    let href = location.href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}{fragment}")
}

/// Offers `text` as a download named `name`: a Blob behind an object URL, no network.
fn download(name: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = gloo::utils::document();
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_hidden(true);
    gloo::utils::body().append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    // The download has its own copy of the blob once it starts; free ours a little later.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The topbar's buttons: copy a share link, export the user's objects.
#[function_component]
pub fn SessionActions() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let copy = {
        let playground = playground.clone();
        Callback::from(move |_| {
            let link = {
                let engine = playground.engine.borrow();
                link_with(&to_fragment(&engine.log.log(&engine, playground.time)))
            };
            let clipboard = gloo::utils::window().navigator().clipboard();
            let promise = clipboard.write_text(&link);
            let playground = playground.clone();
            yew::platform::spawn_local(async move {
                let notice = match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(_) => Notice::Copied,
                    Err(_) => Notice::CopyRefused(link),
                };
                playground.dispatch(Action::Notify(Some(notice)));
            });
        })
    };
    let export = {
        let playground = playground.clone();
        Callback::from(move |_| {
            let (count, yaml) =
                kubectl::export::user_objects_yaml(&playground.engine.borrow().shell.cluster);
            let notice = if count == 0 {
                Notice::NothingToExport
            } else {
                match download(EXPORT_FILE, &yaml) {
                    Ok(()) => Notice::Exported,
                    Err(_) => Notice::NothingToExport,
                }
            };
            playground.dispatch(Action::Notify(Some(notice)));
        })
    };
    html! {
        <div class="session-actions" role="group" aria-label={s.session_actions}>
            <button type="button" class="copy-link" onclick={copy} title={s.copy_link_hint}>
                {s.copy_link}
            </button>
            <button type="button" class="export" onclick={export} title={s.export_hint}>
                {s.export}
            </button>
        </div>
    }
}

/// The message about keeping and sharing, if there is one, under the topbar.
#[function_component]
pub fn SessionNotice() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let (notice, full) = {
        let engine = playground.engine.borrow();
        (engine.notice.clone(), engine.log.full)
    };
    let dismiss = {
        let playground = playground.clone();
        Callback::from(move |_| playground.dispatch(Action::Notify(None)))
    };
    let message = notice.as_ref().map(|notice| {
        let (text, problem) = notice_text(s, notice);
        let role = if problem { "alert" } else { "status" };
        let class = if problem { "notice problem" } else { "notice" };
        html! {
            <div {class} {role}>
                <p>{text}</p>
                if let Notice::CopyRefused(link) = notice {
                    <input class="share-link" type="text" readonly=true value={link.clone()}
                           aria-label={s.share_link_label} />
                }
                if *notice == Notice::LinkOpenedOwnPutAside {
                    <button type="button" class="restore-own"
                            onclick={Callback::from(|_| crate::session_storage::restore_put_aside())}>
                        {s.restore_own_session}
                    </button>
                }
                <button type="button" class="notice-dismiss" onclick={dismiss.clone()}>
                    {s.notice_dismiss}
                </button>
            </div>
        }
    });
    html! {
        <div class="session-notices">
            { for message }
            if full {
                <div class="notice problem too-long" role="status"><p>{s.notice_too_long}</p></div>
            }
        </div>
    }
}
