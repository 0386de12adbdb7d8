//! The English/Spanish switch; the choice is remembered in the browser.

use crate::app::LANG_KEY;
use crate::i18n::Lang;
use crate::state::{Action, use_playground};
use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

#[function_component]
pub fn LanguageSwitch() -> Html {
    let playground = use_playground();
    let current = playground.lang;
    let buttons = Lang::ALL.into_iter().map(|lang| {
        let onclick = {
            let playground = playground.clone();
            Callback::from(move |_| {
                // Remembering is best effort: private windows may refuse storage.
                let _ = LocalStorage::set(LANG_KEY, lang);
                playground.dispatch(Action::SetLang(lang));
            })
        };
        html! {
            <button type="button" lang={lang.code()} aria-pressed={(lang == current).to_string()}
                    class="lang" {onclick}>
                {lang.strings().language_name}
            </button>
        }
    });
    html! {
        <div class="lang-switch" role="group" aria-label={current.strings().language_switch_label}>
            { for buttons }
        </div>
    }
}
