//! The YAML editor: the playground's files in tabs, a plain `<textarea>` over a highlighted
//! copy of its text (a `<pre>` behind it), line numbers, problems marked on their lines, an
//! Apply button and starter manifests.
//!
//! A light editor of our own rather than an editor library, for the first-load budget. Measured
//! with `trunk build --release` + `scripts/size-report.mjs`, the whole editor (component,
//! highlighter, error placement, starters, strings, CSS) adds 19,177 bytes gzip -9 to the first
//! load (wasm +17,821, CSS +1,131, JS glue +225): 876,438 → 895,615. An editor library would
//! come on top as JavaScript (CodeMirror 6 with a YAML mode is on the order of 100+ KiB gzip,
//! Monaco megabytes; not measured here) and would need a JS bundler and CSP care.
//! Every user string (file names, YAML, messages) is rendered as text, never as markup.

use crate::editor_state::{EditorAction, Problem, yaml_problems};
use crate::i18n::Strings;
use crate::starters::STARTERS;
use crate::state::{Action, PlaygroundHandle, use_playground};
use crate::yaml_highlight::highlight;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The id of the editor's text area (labels and tests point at it).
pub const TEXT_ID: &str = "editor-text";

/// Closes a `<details>` menu after a choice.
fn close_menu(menu: &NodeRef) {
    if let Some(el) = menu.cast::<web_sys::Element>() {
        let _ = el.remove_attribute("open");
    }
}

/// The UTF-16 offset where line `line` (1-based) starts, for `setSelectionRange`.
fn line_offset(text: &str, line: usize) -> u32 {
    let bytes = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    text.get(..bytes)
        .map_or(0, |head| head.encode_utf16().count() as u32)
}

/// The highlighted copy of the text, line by line; lines with a problem are marked.
fn highlighted(text: &str, marked: &BTreeMap<usize, String>) -> Html {
    let lines = highlight(text);
    let last = lines.len();
    html! {
        <>
            { for lines.into_iter().enumerate().map(|(i, toks)| {
                let class = classes!("ln", marked.contains_key(&(i + 1)).then_some("ln-problem"));
                html! {
                    <>
                        <span {class}>
                            { for toks.into_iter().map(|(tok, s)| match tok.class() {
                                Some(c) => html! { <span class={c}>{s}</span> },
                                None => html! { {s} },
                            }) }
                        </span>
                        { if i + 1 < last { "\n" } else { " " } }
                    </>
                }
            }) }
        </>
    }
}

fn problem_text(s: &Strings, p: &Problem, syntax: bool) -> String {
    let what = if syntax {
        format!("{} {}", s.editor_yaml_error, p.message)
    } else {
        p.message.clone()
    };
    match p.line {
        Some(line) => format!("{} {line}: {what}", s.editor_line),
        None => what,
    }
}

#[function_component]
pub fn Editor() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let text_area = use_node_ref();
    let apply_button = use_node_ref();
    let files_menu = use_node_ref();
    let new_menu = use_node_ref();
    // Set by a choice that opens a file, so the text area takes the focus once it shows it.
    let focus_text = use_mut_ref(|| false);

    let engine = playground.engine.borrow();
    let files = &engine.shell.files;
    let state = &engine.editor;
    let shown = state.shown(files).map(str::to_string);
    // The file of a waiting `kubectl edit`, if one waits, and whether it is the one shown.
    let edit_path = state.edit.as_ref().map(|e| e.path.clone());
    let edit_round = state.edit.as_ref().map(|e| e.answers.len());
    let editing = shown.is_some() && shown == edit_path;
    let text = match &state.edit {
        Some(edit) if editing => edit.text.clone(),
        _ => shown
            .as_deref()
            .and_then(|p| files.read(p))
            .unwrap_or("")
            .to_string(),
    };
    let syntax = yaml_problems(&text);
    // kubectl puts its own errors at the top of an edit's file.
    let server: Vec<Problem> = shown
        .as_deref()
        .filter(|_| !editing)
        .map(|p| state.server_problems(p, &text).to_vec())
        .unwrap_or_default();
    // Line → first message, for the gutter's markers and the highlighted lines.
    let mut marked: BTreeMap<usize, String> = BTreeMap::new();
    for p in syntax.iter().chain(&server) {
        if let Some(line) = p.line {
            marked.entry(line).or_insert_with(|| p.message.clone());
        }
    }
    let tabs: Vec<String> = state.live_tabs(files).map(str::to_string).collect();
    let all_files: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
    drop(engine);

    // An edit that starts takes the focus to its text, as kubectl's editor takes the
    // terminal; one that ends gives it back to the prompt.
    // A file kubectl (re)opens shows from its first line, where kubectl's errors are.
    {
        let text_area = text_area.clone();
        let round = edit_round;
        let before = use_mut_ref(|| (edit_path.clone(), round));
        use_effect_with((edit_path.clone(), round), move |now| {
            let was = std::mem::replace(&mut *before.borrow_mut(), now.clone());
            if was == *now {
                return;
            }
            if now.0.is_some() {
                if let Some(area) = text_area.cast::<HtmlTextAreaElement>() {
                    let _ = area.set_selection_range(0, 0);
                    let _ = area.focus();
                    if let Some(scroller) = area.parent_element().and_then(|p| p.parent_element()) {
                        scroller.set_scroll_top(0);
                        scroller.set_scroll_left(0);
                    }
                }
            } else if let Some(prompt) = gloo::utils::document()
                .get_element_by_id("command")
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                let _ = prompt.focus();
            }
        });
    }
    {
        let text_area = text_area.clone();
        let focus_text = focus_text.clone();
        use_effect_with(shown.clone(), move |_| {
            if std::mem::take(&mut *focus_text.borrow_mut())
                && let Some(el) = text_area.cast::<HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    }

    let dispatch = |playground: &PlaygroundHandle, action: EditorAction| {
        playground.dispatch(Action::Editor(action));
    };

    let open = |path: String| {
        let playground = playground.clone();
        let focus_text = focus_text.clone();
        let files_menu = files_menu.clone();
        Callback::from(move |_: MouseEvent| {
            *focus_text.borrow_mut() = true;
            close_menu(&files_menu);
            dispatch(&playground, EditorAction::Open(path.clone()));
        })
    };
    let create = |name: &'static str, text: &'static str| {
        let playground = playground.clone();
        let focus_text = focus_text.clone();
        let new_menu = new_menu.clone();
        Callback::from(move |_: MouseEvent| {
            *focus_text.borrow_mut() = true;
            close_menu(&new_menu);
            dispatch(
                &playground,
                EditorAction::Create {
                    name: name.to_string(),
                    text: text.to_string(),
                },
            );
        })
    };
    let close = |path: String| {
        let playground = playground.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch(&playground, EditorAction::Close(path.clone()))
        })
    };
    let apply = {
        let playground = playground.clone();
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(path) = &shown {
                dispatch(&playground, EditorAction::Apply(path.clone()));
            }
        })
    };
    let oninput = {
        let playground = playground.clone();
        let shown = shown.clone();
        Callback::from(move |e: InputEvent| {
            let (Some(path), Some(area)) = (&shown, e.target_dyn_into::<HtmlTextAreaElement>())
            else {
                return;
            };
            dispatch(
                &playground,
                EditorAction::Write {
                    path: path.clone(),
                    text: area.value(),
                },
            );
        })
    };
    let onkeydown = {
        let playground = playground.clone();
        let shown = shown.clone();
        let apply_button = apply_button.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
            match e.key().as_str() {
                "Tab" if plain && !e.shift_key() => {
                    e.prevent_default();
                    insert_spaces(&area, &playground, shown.as_deref());
                }
                // The way out: Tab indents here, so Escape hands the focus to the Apply button.
                "Escape" => {
                    e.prevent_default();
                    if let Some(button) = apply_button.cast::<HtmlElement>() {
                        let _ = button.focus();
                    }
                }
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    if let Some(path) = &shown {
                        dispatch(&playground, EditorAction::Apply(path.clone()));
                    }
                }
                _ => {}
            }
        })
    };
    let save = {
        let playground = playground.clone();
        Callback::from(move |_: MouseEvent| dispatch(&playground, EditorAction::EditSave))
    };
    let cancel = {
        let playground = playground.clone();
        Callback::from(move |_: MouseEvent| dispatch(&playground, EditorAction::EditCancel))
    };
    let go_to = |line: usize| {
        let text_area = text_area.clone();
        let text = text.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = text_area.cast::<HtmlTextAreaElement>() {
                let at = line_offset(&text, line);
                let _ = area.focus();
                let _ = area.set_selection_range(at, at);
            }
        })
    };

    let line_count = text.split('\n').count();
    let label = shown
        .as_deref()
        .map(|p| format!("{} {p}", s.editor_text_label))
        .unwrap_or_default();
    let problems: Vec<(Problem, bool)> = syntax
        .iter()
        .map(|p| (p.clone(), true))
        .chain(server.iter().map(|p| (p.clone(), false)))
        .collect();

    html! {
        <section class="editor" aria-labelledby="editor-heading">
            <div class="editor-bar">
                <h2 id="editor-heading">{s.editor_heading}</h2>
                <details class="menu" ref={files_menu.clone()}>
                    <summary>{s.editor_files}{format!(" ({})", all_files.len())}</summary>
                    <ul class="menu-list">
                        if all_files.is_empty() {
                            <li class="menu-note">{s.editor_no_files}</li>
                        }
                        { for all_files.iter().map(|p| html! {
                            <li><button type="button" class="file-item" onclick={open(p.clone())}>{p}</button></li>
                        }) }
                    </ul>
                </details>
                <details class="menu" ref={new_menu.clone()}>
                    <summary>{s.editor_new}</summary>
                    <ul class="menu-list">
                        <li><button type="button" class="new-file" onclick={create("untitled.yaml", "")}>{s.editor_new_file}</button></li>
                        <li class="menu-note">{s.editor_templates}</li>
                        { for STARTERS.iter().map(|st| html! {
                            <li><button type="button" class="starter" data-kind={st.kind}
                                onclick={create(st.file, st.text)}>{st.kind}</button></li>
                        }) }
                    </ul>
                </details>
            </div>
            <ul class="tabs" aria-label={s.editor_open_tabs}>
                if let Some(p) = edit_path.clone() {
                    <li class={classes!("tab", "edit-tab", editing.then_some("current"))} key={p.clone()}>
                        <button type="button" class="tab-name" onclick={open(p.clone())}
                            title={s.edit_tab_label}
                            aria-current={editing.then_some("true")}>{p}</button>
                    </li>
                }
                { for tabs.iter().map(|p| {
                    let current = shown.as_deref() == Some(p.as_str());
                    html! {
                        <li class={classes!("tab", current.then_some("current"))} key={p.clone()}>
                            <button type="button" class="tab-name" onclick={open(p.clone())}
                                aria-current={current.then_some("true")}>{p}</button>
                            <button type="button" class="tab-close" onclick={close(p.clone())}
                                aria-label={format!("{} {p}", s.editor_close)}>{"×"}</button>
                        </li>
                    }
                }) }
            </ul>
            if editing {
                <p class="edit-note">{s.edit_note}</p>
            }
            if shown.is_some() {
                <div class="code">
                    <ol class="gutter" aria-hidden="true">
                        { for (1..=line_count).map(|n| match marked.get(&n) {
                            Some(message) => html! {
                                <li class="gutter-problem" title={message.clone()}>{n}</li>
                            },
                            None => html! { <li>{n}</li> },
                        }) }
                    </ol>
                    <div class="code-stack">
                        <pre class="highlight" aria-hidden="true">{highlighted(&text, &marked)}</pre>
                        <textarea ref={text_area.clone()} id={TEXT_ID} class="code-input" aria-label={label}
                            aria-describedby="editor-keys editor-problems"
                            aria-invalid={(!problems.is_empty()).then_some("true")}
                            wrap="off" spellcheck="false" autocomplete="off" autocapitalize="off"
                            value={text.clone()} {oninput} {onkeydown} />
                    </div>
                </div>
            } else {
                <p class="editor-empty">{s.editor_empty}</p>
            }
            <ul id="editor-problems" class="problems" aria-label={s.editor_problems} aria-live="polite">
                { for problems.iter().map(|(p, syntax)| {
                    let message = problem_text(s, p, *syntax);
                    match p.line {
                        Some(line) => html! {
                            <li><button type="button" class="problem" onclick={go_to(line)}>{message}</button></li>
                        },
                        None => html! { <li class="problem">{message}</li> },
                    }
                }) }
            </ul>
            <div class="editor-actions">
                <p id="editor-keys" class="keys-hint">
                    {if editing { s.edit_keys_hint } else { s.editor_keys_hint }}
                </p>
                if editing {
                    <button type="button" class="edit-cancel" onclick={cancel}
                        title={s.edit_cancel_hint}>{s.edit_cancel}</button>
                    <button type="button" class="apply edit-save" ref={apply_button.clone()}
                        onclick={save} title={s.edit_save_hint}>{s.edit_save}</button>
                } else {
                    <button type="button" class="apply" ref={apply_button.clone()} onclick={apply}
                        disabled={shown.is_none()} title={s.editor_apply_hint}>{s.editor_apply}</button>
                }
            </div>
        </section>
    }
}

/// Tab in the text: two spaces at the caret, through the browser's editing command so that
/// undo keeps working; else by hand.
fn insert_spaces(area: &HtmlTextAreaElement, playground: &PlaygroundHandle, path: Option<&str>) {
    let inserted = gloo::utils::document()
        .dyn_into::<HtmlDocument>()
        .ok()
        .and_then(|d| {
            d.exec_command_with_show_ui_and_value("insertText", false, "  ")
                .ok()
        })
        .unwrap_or(false);
    if inserted {
        // The browser fired an input event, which saved the text.
        return;
    }
    let start = area.selection_start().ok().flatten().unwrap_or(0);
    let end = area.selection_end().ok().flatten().unwrap_or(start);
    if area
        .set_range_text_with_start_and_end("  ", start, end)
        .is_ok()
    {
        let _ = area.set_selection_range(start + 2, start + 2);
    }
    if let Some(path) = path {
        playground.dispatch(Action::Editor(EditorAction::Write {
            path: path.to_string(),
            text: area.value(),
        }));
    }
}
