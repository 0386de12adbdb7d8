//! The kubectl terminal: a prompt, and every command with what it printed.

use crate::history::Cursor;
use crate::state::{Action, Entry, use_playground};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct EntryProps {
    entry: Entry,
}

#[function_component]
fn TranscriptEntry(props: &EntryProps) -> Html {
    let Entry {
        line,
        output,
        interrupted,
        ..
    } = &props.entry;
    html! {
        <li class="entry">
            <div class="command">
                <span class="prompt" aria-hidden="true">{"$ "}</span>{line}
                if *interrupted { <span class="interrupt">{"^C"}</span> }
            </div>
            if !output.stdout.is_empty() {
                <pre class="stdout">{&output.stdout}</pre>
            }
            if !output.stderr.is_empty() {
                <pre class="stderr">{&output.stderr}</pre>
            }
        </li>
    }
}

#[function_component]
pub fn Terminal() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let input = use_node_ref();
    let scroller = use_node_ref();

    let cursor = use_mut_ref(Cursor::default);

    let onkeydown = {
        let playground = playground.clone();
        let input = input.clone();
        let cursor = cursor.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key();
            let recalled = match (e.key().as_str(), ctrl) {
                ("Enter", _) => {
                    cursor.borrow_mut().reset();
                    let line = field.value();
                    field.set_value("");
                    playground.dispatch(Action::RunCommand(line));
                    None
                }
                ("ArrowUp", false) => {
                    let engine = playground.engine.borrow();
                    Some(cursor.borrow_mut().up(&engine.history, &field.value()))
                }
                ("ArrowDown", false) => {
                    let engine = playground.engine.borrow();
                    Some(cursor.borrow_mut().down(&engine.history))
                }
                // Ctrl-C copies when text is selected; otherwise it abandons the line.
                ("c", true) if !text_selected() => {
                    cursor.borrow_mut().reset();
                    let line = field.value();
                    field.set_value("");
                    playground.dispatch(Action::Interrupt(line));
                    None
                }
                ("l", true) => {
                    playground.dispatch(Action::ClearScreen);
                    None
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(Some(line)) = recalled {
                field.set_value(&line);
                let end = line.encode_utf16().count() as u32;
                let _ = field.set_selection_range(end, end);
            }
        })
    };
    // Pasting several lines runs them, as a terminal does: heredocs and multi-line manifests
    // arrive whole.
    let onpaste = {
        let playground = playground.clone();
        let input = input.clone();
        let cursor = cursor.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            cursor.borrow_mut().reset();
            let line = format!("{}{}", field.value(), text.replace("\r\n", "\n"));
            field.set_value("");
            playground.dispatch(Action::RunCommand(line.trim_end_matches('\n').to_string()));
        })
    };
    let oninput = {
        let cursor = cursor.clone();
        Callback::from(move |_: InputEvent| cursor.borrow_mut().reset())
    };

    // Keep the newest output in view.
    {
        let scroller = scroller.clone();
        use_effect_with(playground.revision, move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let focus_prompt = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the terminal focuses the prompt, unless the user is selecting text.
            if !text_selected()
                && let Some(field) = input.cast::<HtmlInputElement>()
            {
                let _ = field.focus();
            }
        })
    };

    let engine = playground.engine.borrow();
    html! {
        <section class="terminal" aria-labelledby="terminal-heading">
            <h2 id="terminal-heading" class="visually-hidden">{s.terminal_heading}</h2>
            <div class="screen" ref={scroller} onclick={focus_prompt}>
                <p class="welcome">{s.terminal_welcome}</p>
                <ol class="transcript" aria-live="polite">
                    { for engine.transcript.iter().map(|entry| html! {
                        <TranscriptEntry key={entry.id} entry={entry.clone()} />
                    }) }
                </ol>
                <div class="prompt-line">
                    <span class="prompt" aria-hidden="true">{"$ "}</span>
                    <input ref={input} id="command" class="command-input" type="text"
                        aria-label={s.command_label} autocomplete="off" autocapitalize="off"
                        spellcheck="false" autofocus=true {onkeydown} {oninput} {onpaste} />
                </div>
            </div>
        </section>
    }
}

/// Is some text on the page selected (so Ctrl-C means copy)?
fn text_selected() -> bool {
    gloo::utils::window()
        .get_selection()
        .ok()
        .flatten()
        .is_some_and(|sel| !sel.is_collapsed())
}
