//! Timonel's web app: a thin Yew layer over the `kubectl` and `sim` crates.
//!
//! One reducer holds the playground ([`state::Playground`]), shared through a context; the
//! components render what it holds and send it actions. No Kubernetes logic lives here.

pub mod activity_feed;
pub mod app;
pub mod cluster_panel;
pub mod crash;
pub mod display_switch;
pub mod editor;
pub mod editor_state;
pub mod events_table;
pub mod history;
pub mod i18n;
pub mod inspector;
pub mod language_switch;
pub mod node_actions;
pub mod session;
pub mod session_bar;
pub mod session_storage;
pub mod share;
pub mod starters;
pub mod state;
pub mod terminal;
pub mod time_controls;
pub mod why_text;
pub mod yaml_highlight;

/// Installs the crash handler and mounts the app on `#app`.
pub fn start() {
    crash::install();
    let root = gloo::utils::document()
        .get_element_by_id("app")
        .unwrap_or_else(|| gloo::utils::body().into());
    yew::Renderer::<app::App>::with_root(root).render();
}
