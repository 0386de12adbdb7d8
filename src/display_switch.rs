//! Theme (the system's, light or dark) and presenter mode (large type, strong contrast for a
//! projector), applied to `<html>` as `data-theme` and `data-presenter` and remembered.

use crate::state::use_playground;
use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Where the theme is remembered.
pub const THEME_KEY: &str = "timonel.theme";
/// Where presenter mode is remembered.
pub const PRESENTER_KEY: &str = "timonel.presenter";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system's light or dark preference.
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    pub fn code(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_code(code: &str) -> Theme {
        Theme::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .unwrap_or_default()
    }
}

/// Sets the page's look: `data-theme` (absent for the system's) and `data-presenter`.
pub fn apply(theme: Theme, presenter: bool) {
    let Some(html) = gloo::utils::document().document_element() else {
        return;
    };
    let _ = match theme {
        Theme::Auto => html.remove_attribute("data-theme"),
        other => html.set_attribute("data-theme", other.code()),
    };
    let _ = if presenter {
        html.set_attribute("data-presenter", "")
    } else {
        html.remove_attribute("data-presenter")
    };
}

#[function_component]
pub fn DisplaySwitch() -> Html {
    let s = use_playground().lang.strings();
    // A stored value that does not parse is treated as never chosen.
    let theme = use_state(|| LocalStorage::get::<Theme>(THEME_KEY).unwrap_or_default());
    let presenter = use_state(|| LocalStorage::get::<bool>(PRESENTER_KEY).unwrap_or(false));
    use_effect_with((*theme, *presenter), |(theme, presenter)| {
        apply(*theme, *presenter);
    });
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let chosen = Theme::from_code(&e.target_unchecked_into::<HtmlSelectElement>().value());
            // Best effort: private windows may refuse storage.
            let _ = LocalStorage::set(THEME_KEY, chosen);
            theme.set(chosen);
        })
    };
    let on_presenter = {
        let presenter = presenter.clone();
        Callback::from(move |_| {
            let next = !*presenter;
            let _ = LocalStorage::set(PRESENTER_KEY, next);
            presenter.set(next);
        })
    };
    let options = Theme::ALL.into_iter().map(|t| {
        let label = match t {
            Theme::Auto => s.theme_auto,
            Theme::Light => s.theme_light,
            Theme::Dark => s.theme_dark,
        };
        html! { <option value={t.code()} selected={t == *theme}>{label}</option> }
    });
    html! {
        <div class="display-switch" role="group" aria-label={s.display_label}>
            <label class="theme-choice">
                <span>{s.theme_label}</span>
                <select onchange={on_theme}>{ for options }</select>
            </label>
            <button type="button" class="presenter" aria-pressed={(*presenter).to_string()}
                    onclick={on_presenter}>
                {s.presenter_mode}
            </button>
        </div>
    }
}
