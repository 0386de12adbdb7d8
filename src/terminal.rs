//! The kubectl terminal: a prompt, and every command with what it printed.

use crate::history::Cursor;
use crate::state::{Action, Entry, use_playground};
use kubectl::links::Link;
use sim::views_why::{self, ObjRef};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct EntryProps {
    entry: Entry,
}

#[function_component]
fn TranscriptEntry(props: &EntryProps) -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let Entry {
        line,
        output,
        interrupted,
        ..
    } = &props.entry;
    let on_inspect = {
        let playground = playground.clone();
        Callback::from(move |r: ObjRef| playground.dispatch(Action::Inspect(Some(r))))
    };
    let linked = |text: &str| {
        let engine = playground.engine.borrow();
        // Simplification: an entry does not remember the namespace it ran in; names without
        // `-n` resolve in the current context's namespace (switching it re-aims old entries).
        let namespace = engine.shell.kubeconfig.namespace();
        let api = engine.shell.cluster.api();
        // Only objects that exist now open the inspector; the rest stay text.
        let links: Vec<Link> = kubectl::links::find(line, &namespace, text)
            .into_iter()
            .filter(|l| views_why::exists(api, &l.object))
            .collect();
        linked_text(text, &links, s.inspect_hint, &on_inspect)
    };
    html! {
        <li class="entry">
            <div class="command">
                <span class="prompt" aria-hidden="true">{"$ "}</span>{line}
                if *interrupted { <span class="interrupt">{"^C"}</span> }
            </div>
            if !output.stdout.is_empty() {
                <pre class="stdout">{linked(&output.stdout)}</pre>
            }
            if !output.stderr.is_empty() {
                <pre class="stderr">{linked(&output.stderr)}</pre>
            }
        </li>
    }
}

/// Output text with the objects it names as buttons that open the inspector; the rest stays
/// plain text nodes, so columns line up and the text copies as printed.
fn linked_text(
    text: &str,
    links: &[Link],
    hint: &'static str,
    on_inspect: &Callback<ObjRef>,
) -> Html {
    let mut parts = Vec::new();
    let mut at = 0;
    for link in links {
        let (Some(before), Some(label)) =
            (text.get(at..link.start), text.get(link.start..link.end))
        else {
            continue;
        };
        if !before.is_empty() {
            parts.push(html! { {before.to_string()} });
        }
        let onclick = {
            let on_inspect = on_inspect.clone();
            let object = link.object.clone();
            Callback::from(move |e: MouseEvent| {
                // The terminal would take the focus back to the prompt; the inspector wants it.
                e.stop_propagation();
                // A drag that selected text ends with a click: the user is copying, not opening.
                if !text_selected() {
                    on_inspect.emit(object.clone());
                }
            })
        };
        parts.push(html! {
            <button type="button" class="obj-link" title={hint} {onclick}>{label.to_string()}</button>
        });
        at = link.end;
    }
    if let Some(rest) = text.get(at..)
        && !rest.is_empty()
    {
        parts.push(html! { {rest.to_string()} });
    }
    parts.into_iter().collect::<Html>()
}

#[function_component]
pub fn Terminal() -> Html {
    let playground = use_playground();
    let s = playground.lang.strings();
    let input = use_node_ref();
    let scroller = use_node_ref();

    let cursor = use_mut_ref(Cursor::default);
    // Tab completion: the choices a second Tab listed (shown below the prompt), whether the
    // last key was Tab, and whether Escape asked that the next Tab leave the terminal.
    let choices = use_state(Vec::<String>::new);
    let tab = use_mut_ref(TabState::default);
    // Enter was pressed and its output is not rendered yet (for the `timonel:command` measure).
    let measuring = use_mut_ref(|| false);

    let onkeydown = {
        let playground = playground.clone();
        let input = input.clone();
        let cursor = cursor.clone();
        let choices = choices.clone();
        let tab = tab.clone();
        let measuring = measuring.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let key = e.key();
            let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
            if key == "Tab" && plain && !e.shift_key() {
                let mut state = tab.borrow_mut();
                let leave = std::mem::take(&mut state.leave);
                // Tab on an empty line, or after Escape, moves focus on as usual; Shift-Tab
                // always does.
                if leave || field.value().trim().is_empty() {
                    state.last_was_tab = false;
                    return;
                }
                e.prevent_default();
                let line = field.value();
                let at = byte_offset(&line, field.selection_start().ok().flatten());
                let completion = playground.engine.borrow().shell.complete(&line, at);
                if completion.changes(&line) {
                    let (new_line, end) = completion.apply(&line);
                    field.set_value(&new_line);
                    let end = utf16_len(&new_line[..end]);
                    let _ = field.set_selection_range(end, end);
                    cursor.borrow_mut().reset();
                    choices.set(Vec::new());
                } else if completion.ambiguous() && state.last_was_tab {
                    choices.set(completion.choices);
                }
                state.last_was_tab = true;
                return;
            }
            {
                let mut state = tab.borrow_mut();
                state.last_was_tab = false;
                if key != "Shift" {
                    state.leave = key == "Escape";
                }
            }
            let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key();
            let recalled = match (key.as_str(), ctrl) {
                ("Escape", _) => {
                    choices.set(Vec::new());
                    return;
                }
                ("Enter", _) => {
                    perf_mark(ENTER_MARK);
                    *measuring.borrow_mut() = true;
                    choices.set(Vec::new());
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
                    choices.set(Vec::new());
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

    // Keep the newest output (and listed completions) in view.
    {
        let scroller = scroller.clone();
        let measuring = measuring.clone();
        use_effect_with((playground.revision, choices.len()), move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
            if std::mem::take(&mut *measuring.borrow_mut())
                && let Some(p) = gloo::utils::window().performance()
            {
                let _ = p.measure_with_start_mark(COMMAND_MEASURE, ENTER_MARK);
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
    // `kubectl edit` waiting in the editor holds the prompt, as it holds a real terminal.
    let waiting = engine
        .editor
        .edit
        .as_ref()
        .map(|e| (e.line.clone(), e.path.clone()));
    html! {
        <section class="terminal" aria-labelledby="terminal-heading">
            <h2 id="terminal-heading" class="visually-hidden">{s.terminal_heading}</h2>
            <div class="screen" ref={scroller} onclick={focus_prompt}>
                <p class="welcome">{s.terminal_welcome}</p>
                <ol class="transcript" aria-live="polite">
                    { for engine.transcript.iter().map(|entry| html! {
                        <TranscriptEntry key={entry.id} entry={entry.clone()} />
                    }) }
                    if let Some((line, path)) = waiting.clone() {
                        <li class="entry edit-waiting">
                            <div class="command">
                                <span class="prompt" aria-hidden="true">{"$ "}</span>{line}
                            </div>
                            <p id="edit-waiting" class="edit-wait" role="status">
                                {format!("{} {path} {}", s.edit_waiting, s.edit_waiting_more)}
                            </p>
                        </li>
                    }
                </ol>
                <div class={classes!("prompt-line", waiting.is_some().then_some("held"))}>
                    <span class="prompt" aria-hidden="true">{"$ "}</span>
                    <input ref={input} id="command" class="command-input" type="text"
                        aria-label={s.command_label}
                        aria-describedby={if waiting.is_some() { "edit-waiting completion-hint" } else { "completion-hint" }}
                        readonly={waiting.is_some()}
                        autocomplete="off" autocapitalize="off"
                        spellcheck="false" autofocus=true {onkeydown} {oninput} {onpaste} />
                </div>
                <p id="completion-hint" class="visually-hidden">{s.completion_hint}</p>
                <div class="completion" aria-live="polite">
                    if !choices.is_empty() {
                        <p class="visually-hidden">
                            {format!("{} {}", choices.len(), s.completion_choices)}
                        </p>
                        <ul class="completion-choices">
                            { for choices.iter().map(|c| html! { <li>{c}</li> }) }
                        </ul>
                    }
                </div>
            </div>
        </section>
    }
}

/// The performance mark at Enter, and the measure from it to the command's output in the page
/// (read by the e2e suite's `perf.test.mjs`).
const ENTER_MARK: &str = "timonel:enter";
const COMMAND_MEASURE: &str = "timonel:command";

fn perf_mark(name: &str) {
    if let Some(p) = gloo::utils::window().performance() {
        let _ = p.mark(name);
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

/// Tab completion's memory between keys.
#[derive(Default)]
struct TabState {
    /// The previous key was Tab: a Tab that cannot add to the line lists the choices.
    last_was_tab: bool,
    /// Escape was pressed: the next Tab leaves the terminal.
    leave: bool,
}

/// The byte offset of a UTF-16 cursor position (the input's `selectionStart`); none: the end.
fn byte_offset(line: &str, utf16: Option<u32>) -> usize {
    let Some(target) = utf16 else {
        return line.len();
    };
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= target {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    line.len()
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}
