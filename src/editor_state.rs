//! The editor's part of the playground: which files are open in tabs, what the last Apply of
//! each file reported, and where on which line each problem is.
//!
//! The files themselves are the shell's (`engine.shell.files`): the editor writes there on
//! every change, so `cat` and `kubectl apply -f` in the terminal see the same text.

use crate::session::{Event, PendingEdit};
use crate::state::Engine;
use kubectl::{Answer, EditRun};
use std::collections::BTreeMap;

/// A problem in a file, on a line (1-based) when it can be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub message: String,
}

/// What the last Apply of a file reported, and the text it applied (the lines only hold while
/// the file still has that text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    pub problems: Vec<Problem>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditorState {
    /// Open files, in tab order.
    pub tabs: Vec<String>,
    pub active: Option<String>,
    pub applied: BTreeMap<String, Applied>,
    /// A `kubectl edit` waiting for the user to save or cancel its file.
    pub edit: Option<OpenEdit>,
}

/// A `kubectl edit` whose file is open in the editor: kubectl waits until it is saved or
/// cancelled. Its text lives here, not among the playground's files, as kubectl's temporary
/// file lives in /tmp and is gone after the edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEdit {
    /// The tab's name, like kubectl's temporary file (`/tmp/kubectl-edit-1.yaml`).
    pub path: String,
    /// What was typed at the prompt.
    pub line: String,
    /// What the editor answered before (saves kubectl rejected and reopened).
    pub answers: Vec<Answer>,
    /// The text kubectl put in the file.
    pub offered: String,
    /// The text in the tab now.
    pub text: String,
}

impl OpenEdit {
    /// The edit as a kept session holds it.
    pub fn kept(&self) -> PendingEdit {
        PendingEdit {
            line: self.line.clone(),
            answers: self.answers.clone(),
            text: self.text.clone(),
        }
    }
}

/// The name of an edit's file: kubectl's temporary file, numbered in the session.
// Simplification: kubectl names it `kubectl-edit-` and random digits.
fn edit_path(n: usize, text: &str) -> String {
    let body = text
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap_or_default();
    let ext = if body.starts_with('{') {
        "json"
    } else {
        "yaml"
    };
    format!("/tmp/kubectl-edit-{n}.{ext}")
}

pub enum EditorAction {
    /// Opens a file in a tab (or shows its tab).
    Open(String),
    Close(String),
    /// The editor's text changed: saved into the file at once.
    Write {
        path: String,
        text: String,
    },
    /// A new file named after `name` (made unique), with `text`, opened in a tab.
    Create {
        name: String,
        text: String,
    },
    /// `kubectl apply -f <path>` through the shell, as if typed (for an edit's file: Save).
    Apply(String),
    /// The edit's file is saved and closed: kubectl edit goes on with its text.
    EditSave,
    /// The edit's file is closed unsaved: kubectl edit sees it unchanged.
    EditCancel,
}

impl EditorState {
    /// The open tabs whose files still exist (the terminal may have removed some).
    pub fn live_tabs<'a>(&'a self, files: &'a kubectl::Files) -> impl Iterator<Item = &'a str> {
        self.tabs
            .iter()
            .map(String::as_str)
            .filter(|p| files.read(p).is_some())
    }

    /// The file shown: the active tab if it exists, else the first live tab.
    pub fn shown<'a>(&'a self, files: &'a kubectl::Files) -> Option<&'a str> {
        self.active
            .as_deref()
            .filter(|p| files.read(p).is_some() || self.is_edit(p))
            .or_else(|| self.live_tabs(files).next())
    }

    /// Whether `path` is the file of the waiting `kubectl edit`.
    pub fn is_edit(&self, path: &str) -> bool {
        self.edit.as_ref().is_some_and(|e| e.path == path)
    }

    /// The server's problems for a file, if its text is still the one applied.
    pub fn server_problems(&self, path: &str, text: &str) -> &[Problem] {
        match self.applied.get(path) {
            Some(a) if a.text == text => &a.problems,
            _ => &[],
        }
    }
}

/// `name` if no file has it, else `stem-2.ext`, `stem-3.ext`…
pub fn unique_name(files: &kubectl::Files, name: &str) -> String {
    let name = kubectl::normalize(name);
    let name = if name.is_empty() {
        "untitled.yaml".to_string()
    } else {
        name
    };
    if files.entry(&name).is_none() {
        return name;
    }
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name.as_str(), ""),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{ext}"))
        .find(|candidate| files.entry(candidate).is_none())
        .unwrap_or(name)
}

/// A file name as one shell word: bare when safe, else single-quoted.
pub fn shell_word(path: &str) -> String {
    let safe = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if safe {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

impl Engine {
    /// Text typed or pasted at the prompt. A line that opens the editor for `kubectl edit`
    /// waits, changing nothing, until its file is saved or cancelled; the rest runs at once.
    pub(crate) fn command(&mut self, line: String) {
        if self.editor.edit.is_some() {
            // kubectl edit holds the terminal.
            return;
        }
        if line.trim() == "clear" || !line.contains("edit") {
            self.apply(Event::Run(line));
            return;
        }
        self.catch_up_files();
        match self.shell.run_edit(&line, &[]) {
            EditRun::Done(steps) => {
                // Nothing asked for the editor: this is exactly what `Event::Run` replays.
                self.note(Event::Run(line.clone()));
                self.show_steps(line, steps);
            }
            EditRun::Waiting(offered) => {
                let path = edit_path(self.edits_recorded() + 1, &offered);
                self.editor.active = Some(path.clone());
                self.editor.edit = Some(OpenEdit {
                    path,
                    line,
                    answers: Vec::new(),
                    text: offered.clone(),
                    offered,
                });
            }
        }
    }

    /// What the editor (or Ctrl-C) answered the waiting edit: the line runs again with every
    /// answer so far; kubectl either reopens the file (rejected) or finishes.
    pub(crate) fn answer_edit(&mut self, answer: Answer) {
        let Some(open) = self.editor.edit.take() else {
            return;
        };
        let mut answers = open.answers.clone();
        answers.push(answer);
        self.catch_up_files();
        match self.shell.run_edit(&open.line, &answers) {
            EditRun::Waiting(offered) => {
                self.editor.edit = Some(OpenEdit {
                    answers,
                    text: offered.clone(),
                    offered,
                    ..open
                });
            }
            EditRun::Done(steps) => {
                if self.editor.active.as_deref() == Some(open.path.as_str()) {
                    self.editor.active = None;
                }
                self.note(Event::Edit(open.line.clone(), answers.clone()));
                self.show_edit(&answers, steps);
            }
        }
    }

    /// A finished edit's commands in the history and on the screen; a command Ctrl-C stopped
    /// shows `^C`.
    pub(crate) fn show_edit(&mut self, answers: &[Answer], steps: Vec<kubectl::Step>) {
        let interrupted = matches!(answers.last(), Some(Answer::Interrupt));
        for step in steps {
            self.history.push(&step.command);
            let stopped = interrupted
                && step.output
                    == (kubectl::Output {
                        exit_code: 130,
                        ..kubectl::Output::default()
                    });
            self.record(step.command, step.output, stopped);
        }
        self.follow_activity();
    }

    /// Reopens an edit a kept session was waiting on, with the text its tab had. One that no
    /// longer waits (a damaged record) is dropped: nothing it carries runs.
    pub(crate) fn resume_edit(&mut self, kept: &PendingEdit) {
        let mut shell = self.shell.clone();
        if let EditRun::Waiting(offered) = shell.run_edit(&kept.line, &kept.answers) {
            let path = edit_path(self.edits_recorded() + 1, &offered);
            self.editor.active = Some(path.clone());
            self.editor.edit = Some(OpenEdit {
                path,
                line: kept.line.clone(),
                answers: kept.answers.clone(),
                offered,
                text: kept.text.clone(),
            });
        }
    }

    pub(crate) fn editor_action(&mut self, action: EditorAction) {
        match action {
            EditorAction::Open(path) if self.editor.is_edit(&path) => {
                self.editor.active = Some(path);
            }
            EditorAction::Close(path) if self.editor.is_edit(&path) => {}
            EditorAction::Write { path, text } if self.editor.is_edit(&path) => {
                if let Some(open) = &mut self.editor.edit {
                    open.text = text;
                }
            }
            EditorAction::Apply(path) if self.editor.is_edit(&path) => {
                self.editor_action(EditorAction::EditSave);
            }
            EditorAction::EditSave => {
                if let Some(open) = &self.editor.edit {
                    let text = open.text.clone();
                    self.answer_edit(Answer::Save(text));
                }
            }
            EditorAction::EditCancel => self.answer_edit(Answer::Cancel),
            EditorAction::Open(path) => {
                if !self.editor.tabs.contains(&path) {
                    self.editor.tabs.push(path.clone());
                }
                self.editor.active = Some(path);
            }
            EditorAction::Close(path) => {
                let at = self.editor.tabs.iter().position(|p| *p == path);
                self.editor.tabs.retain(|p| *p != path);
                if self.editor.active.as_deref() == Some(path.as_str()) {
                    // The neighbour takes its place, as in any tabbed editor.
                    let next = at.map_or(0, |i| i.min(self.editor.tabs.len().saturating_sub(1)));
                    self.editor.active = self.editor.tabs.get(next).cloned();
                }
            }
            EditorAction::Write { path, text } => self.shell.files.write(&path, text),
            EditorAction::Create { name, text } => {
                let path = unique_name(&self.shell.files, &name);
                self.shell.files.write(&path, text);
                self.editor_action(EditorAction::Open(path));
            }
            EditorAction::Apply(path) => {
                let Some(text) = self.shell.files.read(&path).map(str::to_string) else {
                    return;
                };
                // Through the session's log, so a reload or a shared link replays it.
                self.apply(crate::session::Event::Run(format!(
                    "kubectl apply -f {}",
                    shell_word(&path)
                )));
                let stderr = self
                    .transcript
                    .last()
                    .map(|e| e.output.stderr.clone())
                    .unwrap_or_default();
                let problems = apply_problems(&text, &stderr);
                self.editor.applied.insert(path, Applied { text, problems });
            }
        }
    }
}

/// A document of a file: where it starts (0-based line) and its lines.
struct Doc<'a> {
    start: usize,
    lines: Vec<&'a str>,
}

/// The documents of a file, split on `---` lines as `kubectl apply` splits them.
fn documents(text: &str) -> Vec<Doc<'_>> {
    let mut docs = vec![Doc {
        start: 0,
        lines: Vec::new(),
    }];
    for (i, line) in text.split('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                docs.push(Doc {
                    start: i + 1,
                    lines: Vec::new(),
                });
                continue;
            }
        }
        if let Some(d) = docs.last_mut() {
            d.lines.push(line);
        }
    }
    docs
}

/// YAML syntax problems, found as `kubectl apply` finds them (serde_yaml, document by
/// document), with the line of the file where the parser stopped.
pub fn yaml_problems(text: &str) -> Vec<Problem> {
    if text.trim_start().starts_with('{') {
        // JSON: kubectl reads it as a JSON stream; the Apply reports its errors.
        return Vec::new();
    }
    for doc in documents(text) {
        let body = doc.lines.join("\n");
        if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(&body) {
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            let line = e.location().map(|l| doc.start + l.line().max(1));
            return vec![Problem { line, message }];
        }
    }
    Vec::new()
}

/// kubectl's error output split into its errors: a line starting with `error`, `Error` or
/// `The ` begins one; the lines after it (causes, details) belong to it.
fn error_chunks(stderr: &str) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    for line in stderr.lines() {
        let starts =
            line.starts_with("error") || line.starts_with("Error") || line.starts_with("The ");
        match chunks.last_mut() {
            Some(last) if !starts => {
                last.push('\n');
                last.push_str(line);
            }
            _ if line.starts_with("Warning: ") => {}
            _ => chunks.push(line.to_string()),
        }
    }
    chunks
}

/// Where each error of an Apply belongs in the file: the document its object came from, and
/// the line of the field it names when it names one.
pub fn apply_problems(text: &str, stderr: &str) -> Vec<Problem> {
    let docs = documents(text);
    let syntax = yaml_problems(text);
    let mut problems = Vec::new();
    for chunk in error_chunks(stderr) {
        if chunk.contains("error converting YAML to JSON") {
            let line = syntax.first().and_then(|p| p.line);
            problems.push(Problem {
                line,
                message: chunk,
            });
            continue;
        }
        // Several causes (`* spec.replicas: …` lines): each on its own field's line.
        let (head, causes) = chunk.split_once("\n* ").unwrap_or((&chunk, ""));
        if causes.is_empty() {
            let line = locate_chunk(&docs, &chunk);
            problems.push(Problem {
                line,
                message: chunk,
            });
            continue;
        }
        for cause in causes.split("\n* ") {
            let message = format!("{} {cause}", head.trim_end());
            let line = locate_chunk(&docs, &message);
            problems.push(Problem { line, message });
        }
    }
    problems
}

/// The top-level scalar `key:` of a document, unquoted.
fn top_value<'a>(doc: &Doc<'a>, path: &[Seg]) -> Option<&'a str> {
    let at = locate(&doc.lines, path)?;
    let line = doc.lines.get(at)?;
    let (_, value) = line.split_once(':')?;
    let value = value.split(" #").next().unwrap_or(value).trim();
    Some(value.trim_matches(['"', '\'']))
}

fn locate_chunk(docs: &[Doc<'_>], chunk: &str) -> Option<usize> {
    let lower = chunk.to_ascii_lowercase();
    // A document without kind or apiVersion, when that is the complaint.
    if lower.contains("kind not set") || lower.contains("apiversion not set") {
        let field = if lower.contains("kind not set") {
            "kind"
        } else {
            "apiVersion"
        };
        return docs
            .iter()
            .find(|d| {
                d.lines
                    .iter()
                    .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                    && top_value(d, &[Seg::Key(field.into())]).is_none()
            })
            .map(|d| d.start + 1);
    }
    // The document whose kind and quoted name the error mentions.
    let doc = docs.iter().find(|d| {
        let name = top_value(d, &[Seg::Key("metadata".into()), Seg::Key("name".into())]);
        let kind = top_value(d, &[Seg::Key("kind".into())]);
        match (kind, name) {
            (Some(kind), Some(name)) => {
                lower.contains(&kind.to_ascii_lowercase()) && chunk.contains(&format!("\"{name}\""))
            }
            _ => false,
        }
    })?;
    // The first field path the error names (`spec.replicas: Invalid value…`).
    let field = chunk
        .split(['\n', ' '])
        .filter_map(|w| w.strip_suffix(':'))
        .find(|w| w.contains('.') || w.contains('['))
        .map(parse_path);
    let at = field
        .and_then(|path| locate_deepest(&doc.lines, &path))
        .or_else(|| {
            locate(
                &doc.lines,
                &[Seg::Key("metadata".into()), Seg::Key("name".into())],
            )
        })
        .unwrap_or(0);
    Some(doc.start + at + 1)
}

/// A step of a field path: `spec`, `containers[0]` gives `containers` then `0`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                segs.push(Seg::Key(rest[..open].to_string()));
            }
            rest = &rest[open..];
            while let Some(inner) = rest.strip_prefix('[') {
                let Some(close) = inner.find(']') else { break };
                let idx = &inner[..close];
                segs.push(match idx.parse() {
                    Ok(n) => Seg::Index(n),
                    Err(_) => Seg::Key(idx.trim_matches(['"', '\'']).to_string()),
                });
                rest = &inner[close + 1..];
            }
        } else if !rest.is_empty() {
            segs.push(Seg::Key(rest.to_string()));
        }
    }
    segs
}

/// A line seen from inside a block: its index, its indent and its text after the indent
/// (after `- ` for the first line of a sequence item, which counts as indented past the dash).
#[derive(Clone, Copy)]
struct VLine<'a> {
    at: usize,
    indent: usize,
    text: &'a str,
}

fn vlines<'a>(lines: &[&'a str]) -> Vec<VLine<'a>> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(at, l)| {
            let text = l.trim_start_matches(' ');
            VLine {
                at,
                indent: l.len() - text.len(),
                text,
            }
        })
        .collect()
}

/// The lines after `v[i]` that belong to it (more indented than `indent`, or a sequence at
/// the same indent under a key: `containers:` then `- name: …`).
fn children<'a>(v: &[VLine<'a>], i: usize, indent: usize, key: bool) -> Vec<VLine<'a>> {
    v[i + 1..]
        .iter()
        .take_while(|l| {
            l.indent > indent
                || (key && l.indent == indent && (l.text == "-" || l.text.starts_with("- ")))
        })
        .copied()
        .collect()
}

fn key_of(text: &str) -> Option<&str> {
    let (key, _) = text.split_once(':')?;
    Some(key.trim().trim_matches(['"', '\'']))
}

/// The line (0-based in `lines`) of the field at `path`.
fn locate(lines: &[&str], path: &[Seg]) -> Option<usize> {
    let (found, depth) = walk(lines, path);
    (depth == path.len()).then_some(found?)
}

/// The line of the field at `path`, or of its deepest ancestor found in the text.
fn locate_deepest(lines: &[&str], path: &[Seg]) -> Option<usize> {
    walk(lines, path).0
}

fn walk(lines: &[&str], path: &[Seg]) -> (Option<usize>, usize) {
    let mut block = vlines(lines);
    let mut found = None;
    for (depth, seg) in path.iter().enumerate() {
        let Some(first) = block.first() else {
            return (found, depth);
        };
        let level = first.indent;
        let next = match seg {
            Seg::Key(k) => block
                .iter()
                .position(|l| l.indent == level && key_of(l.text) == Some(k.as_str()))
                .map(|i| (i, children(&block, i, level, true))),
            Seg::Index(n) => block
                .iter()
                .enumerate()
                .filter(|(_, l)| l.indent == level && (l.text == "-" || l.text.starts_with("- ")))
                .nth(*n)
                .map(|(i, l)| {
                    let mut item = Vec::new();
                    let after = l.text[1..].trim_start_matches(' ');
                    if !after.is_empty() {
                        item.push(VLine {
                            at: l.at,
                            indent: l.indent + (l.text.len() - after.len()),
                            text: after,
                        });
                    }
                    item.extend(children(&block, i, level, false));
                    (i, item)
                }),
        };
        let Some((i, inner)) = next else {
            return (found, depth);
        };
        found = Some(block[i].at);
        block = inner;
    }
    (found, path.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::History;
    use crate::i18n::Lang;
    use crate::session::Event;
    use crate::state::{Action, Playground};
    use std::rc::Rc;
    use yew::Reducible;

    const DEPLOY: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: nginx\n          image: nginx\n        - name: side\n          image: \"\"\n";

    fn playground() -> Rc<Playground> {
        Rc::new(Playground::new(Lang::En, History::default()))
    }

    fn act(state: Rc<Playground>, action: EditorAction) -> Rc<Playground> {
        state.reduce(Action::Editor(action))
    }

    #[test]
    fn a_yaml_error_is_placed_on_its_line_of_the_file_across_documents() {
        let text = "kind: A\n---\nkind: B\nmetadata:\n  name: x\n   bad: y\n";
        let problems = yaml_problems(text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(6), "{problems:?}");
        assert!(
            problems[0]
                .message
                .starts_with("mapping values are not allowed")
        );
        assert!(yaml_problems(DEPLOY).is_empty());
    }

    #[test]
    fn field_paths_lead_to_their_lines() {
        let docs = documents(DEPLOY);
        let d = &docs[1];
        assert_eq!(d.start, 5);
        let at = |p: &str| locate(&d.lines, &parse_path(p)).map(|l| d.lines[l].trim());
        assert_eq!(at("spec.replicas"), Some("replicas: 1"));
        assert_eq!(
            at("spec.template.spec.containers[1].image"),
            Some("image: \"\"")
        );
        assert_eq!(
            at("spec.template.spec.containers[0]"),
            Some("- name: nginx")
        );
        assert_eq!(at("spec.nothing"), None);
        assert_eq!(
            locate_deepest(
                &d.lines,
                &parse_path("spec.template.spec.containers[5].image")
            )
            .map(|l| d.lines[l].trim()),
            Some("containers:")
        );
    }

    #[test]
    fn applying_a_file_runs_kubectl_like_a_typed_command() {
        let state = act(
            playground(),
            EditorAction::Create {
                name: "cm.yaml".into(),
                text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n".into(),
            },
        );
        let state = act(state, EditorAction::Apply("cm.yaml".into()));
        let engine = state.engine.borrow();
        let last = engine.transcript.last().unwrap();
        assert_eq!(last.line, "kubectl apply -f cm.yaml");
        assert_eq!(last.output.stdout, "configmap/demo created\n");
        assert_eq!(engine.history.entries(), ["kubectl apply -f cm.yaml"]);
        assert!(engine.editor.applied["cm.yaml"].problems.is_empty());
    }

    #[test]
    fn a_server_error_is_marked_on_the_field_it_names() {
        let text = DEPLOY.replace("replicas: 1", "replicas: -1");
        let state = act(
            playground(),
            EditorAction::Create {
                name: "web.yaml".into(),
                text: text.clone(),
            },
        );
        let state = act(state, EditorAction::Apply("web.yaml".into()));
        let engine = state.engine.borrow();
        let problems = engine.editor.server_problems("web.yaml", &text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].line, Some(11), "{problems:?}");
        assert_eq!(
            problems[0].message,
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(problems[1].line, Some(24), "{problems:?}");
        assert!(
            problems[1]
                .message
                .ends_with("containers[1].image: Required value")
        );
        assert!(
            engine
                .editor
                .server_problems("web.yaml", "changed")
                .is_empty(),
            "an edit makes the old lines meaningless"
        );
    }

    #[test]
    fn an_unknown_kind_and_a_missing_kind_are_marked_on_their_document() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Gadget\nmetadata:\n  name: g\n";
        let problems = apply_problems(
            text,
            &kubectl::Shell::default()
                .run_with_file("g.yaml", text)
                .stderr,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(9), "{problems:?}");
        let text = "apiVersion: v1\nmetadata:\n  name: x\n";
        let problems = apply_problems(
            text,
            &kubectl::Shell::default()
                .run_with_file("x.yaml", text)
                .stderr,
        );
        assert_eq!(problems[0].line, Some(1), "{problems:?}");
        assert!(problems[0].message.contains("kind not set"));
    }

    #[test]
    fn a_yaml_error_from_apply_lands_on_the_parsers_line() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: y\n";
        let problems = apply_problems(
            text,
            &kubectl::Shell::default()
                .run_with_file("x.yaml", text)
                .stderr,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(5));
    }

    #[test]
    fn tabs_open_close_and_follow_files_the_terminal_removes() {
        let state = act(
            playground(),
            EditorAction::Create {
                name: "a.yaml".into(),
                text: "a: 1\n".into(),
            },
        );
        let state = act(
            state,
            EditorAction::Create {
                name: "a.yaml".into(),
                text: "b: 1\n".into(),
            },
        );
        {
            let engine = state.engine.borrow();
            assert_eq!(engine.editor.tabs, ["a.yaml", "a-2.yaml"]);
            assert_eq!(engine.editor.active.as_deref(), Some("a-2.yaml"));
        }
        let state = act(state, EditorAction::Close("a-2.yaml".into()));
        assert_eq!(
            state.engine.borrow().editor.active.as_deref(),
            Some("a.yaml")
        );
        let state = state.reduce(Action::RunCommand("rm a.yaml".into()));
        let engine = state.engine.borrow();
        assert_eq!(engine.editor.shown(&engine.shell.files), None);
    }

    #[test]
    fn the_editor_and_the_terminal_share_the_files() {
        let state = act(
            playground(),
            EditorAction::Write {
                path: "notes.yaml".into(),
                text: "x: 1\n".into(),
            },
        );
        let state = state.reduce(Action::RunCommand("cat notes.yaml".into()));
        {
            let engine = state.engine.borrow();
            assert_eq!(engine.transcript.last().unwrap().output.stdout, "x: 1\n");
        }
        let state = state.reduce(Action::RunCommand("echo 'y: 2' > notes.yaml".into()));
        assert_eq!(
            state.engine.borrow().shell.files.read("notes.yaml"),
            Some("y: 2\n")
        );
    }

    #[test]
    fn odd_file_names_are_quoted_for_the_shell() {
        assert_eq!(shell_word("dir/web.yaml"), "dir/web.yaml");
        assert_eq!(shell_word("my file.yaml"), "'my file.yaml'");
        assert_eq!(shell_word("it's.yaml"), "'it'\\''s.yaml'");
        let state = act(
            playground(),
            EditorAction::Create {
                name: "my cm;rm x.yaml".into(),
                text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: q\n".into(),
            },
        );
        let state = act(state, EditorAction::Apply("my cm;rm x.yaml".into()));
        assert_eq!(
            state
                .engine
                .borrow()
                .transcript
                .last()
                .unwrap()
                .output
                .stdout,
            "configmap/q created\n"
        );
    }

    fn created_web() -> Rc<Playground> {
        playground().reduce(Action::RunCommand(
            "kubectl create deployment web --image=nginx".into(),
        ))
    }

    fn edit_path(state: &Playground) -> String {
        let engine = state.engine.borrow();
        engine
            .editor
            .edit
            .as_ref()
            .expect("an edit waits")
            .path
            .clone()
    }

    fn edit_text(state: &Playground) -> String {
        let engine = state.engine.borrow();
        engine
            .editor
            .edit
            .as_ref()
            .expect("an edit waits")
            .text
            .clone()
    }

    const HEADER: &str =
        "# Please edit the object below. Lines beginning with a '#' will be ignored,\n";

    #[test]
    fn kubectl_edit_opens_its_file_in_a_tab_and_save_finishes_it() {
        let state = created_web().reduce(Action::RunCommand("kubectl edit deployment web".into()));
        let path = {
            let engine = state.engine.borrow();
            let edit = engine.editor.edit.as_ref().expect("an edit waits");
            assert_eq!(edit.path, "/tmp/kubectl-edit-1.yaml");
            assert!(edit.text.starts_with(HEADER));
            assert!(edit.text.contains("  replicas: 1\n"));
            assert_eq!(
                engine.editor.shown(&engine.shell.files),
                Some(edit.path.as_str())
            );
            assert_eq!(engine.transcript.len(), 1, "the edit shows once it ends");
            edit.path.clone()
        };
        let now = state.engine.borrow().shell.cluster.now();
        let state = state.reduce(Action::Tick).reduce(Action::Step);
        assert_eq!(state.engine.borrow().shell.cluster.now(), now, "time waits");
        let state = state.reduce(Action::RunCommand("kubectl get pods".into()));
        assert_eq!(
            state.engine.borrow().transcript.len(),
            1,
            "the prompt waits"
        );
        let text = edit_text(&state).replace("  replicas: 1\n", "  replicas: 3\n");
        let state = act(state, EditorAction::Write { path, text });
        let state = act(state, EditorAction::EditSave);
        let engine = state.engine.borrow();
        assert_eq!(engine.editor.edit, None);
        let last = engine.transcript.last().unwrap();
        assert_eq!(last.line, "kubectl edit deployment web");
        assert_eq!(last.output.stdout, "deployment.apps/web edited\n");
        assert!(
            engine.shell.files.iter().next().is_none(),
            "no file left behind"
        );
        assert_eq!(
            engine.history.entries(),
            [
                "kubectl create deployment web --image=nginx",
                "kubectl edit deployment web"
            ]
        );
        // The session replays the edit exactly.
        let log = engine.log.log(&engine, crate::state::TimeFlow::default());
        assert!(matches!(log.events.last(), Some(Event::Edit(line, answers))
            if line == "kubectl edit deployment web" && answers.len() == 1));
        let back = crate::session::replay(&log);
        assert!(back.matches);
        assert_eq!(back.engine.transcript, engine.transcript);
        assert_eq!(
            back.engine.shell.cluster.snapshot().to_string(),
            engine.shell.cluster.snapshot().to_string()
        );
    }

    #[test]
    fn a_rejected_save_reopens_the_tab_with_kubectls_errors_and_cancel_ends_it() {
        let state = created_web().reduce(Action::RunCommand("kubectl edit deploy/web".into()));
        let path = edit_path(&state);
        let text = edit_text(&state).replace("  replicas: 1\n", "  replicas: -1\n");
        let state = act(
            state,
            EditorAction::Write {
                path: path.clone(),
                text,
            },
        );
        let state = act(state, EditorAction::Apply(path.clone()));
        let again = edit_text(&state);
        assert!(again.contains(
            "# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
        ), "{again}");
        assert_eq!(
            state.engine.borrow().editor.edit.as_ref().unwrap().path,
            path
        );
        let state = act(state, EditorAction::EditCancel);
        let engine = state.engine.borrow();
        assert_eq!(engine.editor.edit, None);
        assert_eq!(
            engine.transcript.last().unwrap().output.stderr,
            "error: Edit cancelled, no valid changes were saved.\n"
        );
    }

    #[test]
    fn cancel_prints_kubectls_line_and_ctrl_c_stops_kubectl() {
        let state = created_web().reduce(Action::RunCommand("kubectl edit deployment web".into()));
        let state = act(state, EditorAction::EditCancel);
        assert_eq!(
            state
                .engine
                .borrow()
                .transcript
                .last()
                .unwrap()
                .output
                .stderr,
            "Edit cancelled, no changes made.\n"
        );
        let state = state
            .reduce(Action::RunCommand(
                "kubectl edit deployment web -o json".into(),
            ))
            .reduce(Action::Interrupt(String::new()));
        let engine = state.engine.borrow();
        assert_eq!(engine.editor.edit, None);
        let last = engine.transcript.last().unwrap();
        assert!(last.interrupted);
        assert_eq!(last.output.exit_code, 130);
    }

    #[test]
    fn a_kept_session_reopens_a_waiting_edit_with_the_text_it_had() {
        let state = created_web().reduce(Action::RunCommand("kubectl edit deployment web".into()));
        let path = edit_path(&state);
        let text = edit_text(&state).replace("  replicas: 1\n", "  replicas: 5\n");
        let state = act(
            state,
            EditorAction::Write {
                path,
                text: text.clone(),
            },
        );
        let engine = state.engine.borrow();
        let json =
            crate::session::to_json(&engine.log.log(&engine, crate::state::TimeFlow::default()));
        let boot = crate::session::boot(Lang::En, History::default(), "", Some(&json));
        let back = boot.playground.engine.borrow();
        assert_eq!(back.notice, None);
        assert_eq!(
            back.editor.edit.as_ref().map(|e| e.text.as_str()),
            Some(text.as_str())
        );
        assert_eq!(
            back.editor.shown(&back.shell.files),
            Some("/tmp/kubectl-edit-1.yaml")
        );
    }

    #[test]
    fn damaged_edit_records_are_refused_or_end_as_a_cancel() {
        use crate::session::{Refusal, parse};
        assert_eq!(
            parse(r#"{"format":1,"seed":1,"events":[{"edit":[1,2]}]}"#),
            Err(Refusal::Damaged)
        );
        assert_eq!(
            parse(
                r#"{"format":1,"seed":1,"events":[{"edit":["kubectl edit ns default",[{"nope":1}]]}]}"#
            ),
            Err(Refusal::Damaged)
        );
        let many = vec!["\"cancel\""; crate::session::MAX_EDIT_ANSWERS + 1].join(",");
        assert_eq!(
            parse(&format!(
                r#"{{"format":1,"seed":1,"events":[{{"edit":["kubectl edit ns default",[{many}]]}}]}}"#
            )),
            Err(Refusal::TooLarge)
        );
        let log = parse(r#"{"format":1,"seed":1,"events":[{"edit":["kubectl edit ns default",[]]}],"edit":{"line":"kubectl get ns","answers":[],"text":"x"}}"#).unwrap();
        let back = crate::session::replay(&log);
        assert_eq!(
            back.engine.transcript[0].output.stderr,
            "Edit cancelled, no changes made.\n"
        );
        assert_eq!(
            back.engine.editor.edit, None,
            "a line that does not wait is dropped"
        );
    }

    trait RunWithFile {
        fn run_with_file(self, name: &str, text: &str) -> kubectl::Output;
    }
    impl RunWithFile for kubectl::Shell {
        fn run_with_file(mut self, name: &str, text: &str) -> kubectl::Output {
            self.files.write(name, text);
            self.run(&format!("kubectl apply -f {name}"))
        }
    }
}
