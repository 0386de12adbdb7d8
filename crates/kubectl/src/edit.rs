//! `kubectl edit TYPE NAME`: the object's YAML goes to the front end's editor (an [`Editor`]
//! set on [`crate::Shell`]); what comes back is sent to the api-server.
//!
//! As in kubectl: an unchanged file cancels the edit, an empty one aborts it, and a file that
//! does not parse or that the api-server rejects as invalid is handed back to the editor with
//! the errors as `#` comments at the top. Saving that same text again gives up.
//!
//! A front end that cannot answer synchronously (the web page) drives an edit step by step
//! with [`Shell::run_edit`]: the command line runs with a scripted editor that gives the
//! [`Answer`]s so far; when they run out, the run is thrown away and the text the editor
//! would get next comes back ([`EditRun::Waiting`]). With one more answer the whole line runs
//! again from the same state, so an edit is replayed exactly from its line and its answers.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, optional, short};
use crate::get::namespace_of;
use crate::manifest::go_yaml_error;
use crate::shell::Io;
use crate::{Output, errors, printers, verb_help};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sim::{Actor, Cluster, Kind, Status, StatusReason, WriteOptions};
use std::fmt;
use std::sync::{Arc, Mutex};

/// A front end's text editor: gets the text to edit and returns the saved text, or an error
/// message when no editor could be run.
///
/// The native CLI runs `$EDITOR` on a temporary file; a web front end can open its own editor
/// (it must answer synchronously).
#[derive(Clone)]
pub struct Editor(Arc<EditFn>);

/// The editor's function: the text to edit in, the saved text (or why it failed) out.
type EditFn = dyn Fn(&str) -> Result<String, String> + Send + Sync;

impl Editor {
    pub fn new(edit: impl Fn(&str) -> Result<String, String> + Send + Sync + 'static) -> Self {
        Editor(Arc::new(edit))
    }

    pub fn edit(&self, text: &str) -> Result<String, String> {
        (self.0)(text)
    }
}

impl fmt::Debug for Editor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Editor")
    }
}

/// What the user did with the text an edit offered: what the editor hands back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// Saved this text and closed the editor.
    Save(String),
    /// Closed the editor without saving: the text comes back unchanged.
    Cancel,
    /// Ctrl-C: kubectl is stopped while the editor is open; it prints nothing.
    Interrupt,
}

/// Where a step-wise edit stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditRun {
    /// Every command ran; the shell holds the result.
    Done(Vec<crate::Step>),
    /// The editor is open on this text (the shell is as it was before the line).
    Waiting(String),
}

/// What the scripted editor returns instead of a text when kubectl must stop.
const STOPPED: &str = "\u{0}stopped";

/// An editor that gives recorded answers in order; when they run out it either waits
/// (records the text it was offered and stops) or cancels.
struct Script {
    answers: Vec<Answer>,
    next: usize,
    wait: bool,
    waiting: Option<String>,
    interrupted: bool,
}

impl Script {
    fn editor(script: &Arc<Mutex<Script>>) -> Editor {
        let script = Arc::clone(script);
        Editor::new(move |text| {
            let Ok(mut s) = script.lock() else {
                return Err(STOPPED.into());
            };
            if s.interrupted || s.waiting.is_some() {
                return Err(STOPPED.into());
            }
            let answer = s.answers.get(s.next).cloned();
            s.next += 1;
            match answer {
                Some(Answer::Save(saved)) => Ok(saved),
                Some(Answer::Cancel) => Ok(text.to_string()),
                Some(Answer::Interrupt) => {
                    s.interrupted = true;
                    Err(STOPPED.into())
                }
                None if s.wait => {
                    s.waiting = Some(text.to_string());
                    Err(STOPPED.into())
                }
                None => Ok(text.to_string()),
            }
        })
    }
}

impl crate::Shell {
    /// Runs `text` with an editor that gives `answers` in order. If the editor is asked for
    /// more, the run is undone and the text it was offered comes back; otherwise the shell
    /// keeps what the commands did.
    ///
    /// The shell is cloned for the run only when `text` names `edit` (an edit spelled through
    /// variables alone finds no editor, as before).
    pub fn run_edit(&mut self, text: &str, answers: &[Answer]) -> EditRun {
        if !text.contains("edit") {
            return EditRun::Done(self.run_each(text));
        }
        let script = Arc::new(Mutex::new(Script {
            answers: answers.to_vec(),
            next: 0,
            wait: true,
            waiting: None,
            interrupted: false,
        }));
        let mut trial = self.clone();
        trial.editor = Some(Script::editor(&script));
        let steps = trial.run_each(text);
        if let Some(waiting) = script.lock().ok().and_then(|mut s| s.waiting.take()) {
            return EditRun::Waiting(waiting);
        }
        trial.editor = self.editor.take();
        *self = trial;
        EditRun::Done(steps)
    }

    /// Runs `text` with an editor that gives `answers` in order and then closes unchanged
    /// (an edit's recorded answers, replayed: always finishes).
    pub fn finish_edit(&mut self, text: &str, answers: &[Answer]) -> Vec<crate::Step> {
        let script = Arc::new(Mutex::new(Script {
            answers: answers.to_vec(),
            next: 0,
            wait: false,
            waiting: None,
            interrupted: false,
        }));
        let own = self.editor.replace(Script::editor(&script));
        let steps = self.run_each(text);
        self.editor = own;
        steps
    }
}

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// How many times a rejected file goes back to the editor before Timonel gives up.
// Simplification: kubectl reopens the editor for as long as each save differs from the last.
const MAX_ROUNDS: usize = 10;

const EDIT_FLAGS: &[Flag] = &[
    short("output", 'o', FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
    flag("output-patch", FlagKind::Bool),
    flag("windows-line-endings", FlagKind::Bool),
    flag("save-config", FlagKind::Bool),
    optional("validate", "strict"),
    flag("field-manager", FlagKind::String),
    flag("subresource", FlagKind::String),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
    flag("template", FlagKind::String),
    flag("record", FlagKind::Bool),
];

/// `cmdutil.StripComments`: drops lines that start with `#`.
fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A reason the edited file went back to the editor: a head line and its details.
struct Reason {
    head: String,
    other: Vec<String>,
}

fn header_with(reasons: &[Reason]) -> String {
    let mut out = HEADER.to_string();
    for r in reasons {
        let head = r.head.replace('\n', "\n# ");
        if r.other.is_empty() {
            out.push_str(&format!("# {head}\n"));
        } else {
            out.push_str(&format!("# {head}:\n"));
        }
        for o in &r.other {
            out.push_str(&format!("# * {}\n", o.replace('\n', "\n# ")));
        }
        out.push_str("#\n");
    }
    out
}

pub(crate) fn run(cluster: &mut Cluster, io: &Io, args: &[String]) -> Output {
    if verb_help::requested(args) {
        return Output::ok(verb_help::text("edit"));
    }
    let cmd = Cmd {
        path: "kubectl edit",
    };
    let parsed = match cmd.parse(EDIT_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let output = parsed.string_or_empty("output");
    if !matches!(output, "" | "yaml" | "json") {
        return Output::error(format!(
            "the edit mode {} is not available in this playground; use -o yaml or -o json",
            errors::go_quote(output)
        ));
    }
    if !parsed.list("filename").is_empty() || parsed.changed("kustomize") {
        return Output::error(
            "kubectl edit -f is not available in this playground yet; name the object: kubectl edit TYPE NAME",
        );
    }
    let targets = match crate::patch::named_targets(&parsed.args) {
        Ok(t) => t,
        Err(out) => return out,
    };
    let namespace = namespace_of(&parsed);
    let mut out = Output::default();
    for (kind, name) in &targets {
        let original = match cluster.api().get(*kind, &namespace, name) {
            Ok(o) => printers::object_value(&o),
            Err(status) => {
                out.stderr.push_str(&errors::status_text(&status));
                out.stderr.push('\n');
                out.exit_code = 1;
                return out;
            }
        };
        let Some(editor) = io.editor else {
            let resource = kind.info().plural;
            out.stderr.push_str(&format!(
                "error: this playground has no editor for kubectl edit here; instead run kubectl get {resource} {name} -o yaml > {name}.yaml, change {name}.yaml (for example with cat <<EOF > {name}.yaml … EOF) and run kubectl replace -f {name}.yaml\n"
            ));
            out.exit_code = 1;
            return out;
        };
        let body = if output == "json" {
            printers::json::to_string(&original)
        } else {
            printers::yaml::to_string(&original)
        };
        let step = edit_one(cluster, editor, *kind, &namespace, name, &original, &body);
        out.stdout.push_str(&step.stdout);
        out.stderr.push_str(&step.stderr);
        if step.exit_code != 0 {
            out.exit_code = step.exit_code;
            return out;
        }
    }
    out
}

fn edit_one(
    cluster: &mut Cluster,
    editor: &crate::Editor,
    kind: Kind,
    namespace: &str,
    name: &str,
    original: &Value,
    body: &str,
) -> Output {
    let mut reasons: Vec<Reason> = Vec::new();
    let mut last_failed: Option<String> = None;
    let mut text = format!("{HEADER}{body}");
    for _ in 0..MAX_ROUNDS {
        let edited = match editor.edit(&text) {
            Ok(t) => t,
            // Ctrl-C while the editor is open: kubectl dies of SIGINT, printing nothing.
            Err(message) if message == STOPPED => {
                return Output {
                    exit_code: 130,
                    ..Output::default()
                };
            }
            Err(message) => return Output::error(message),
        };
        let stripped = strip_comments(&edited);
        if let Some(previous) = &last_failed
            && *previous == stripped
        {
            // Simplification: kubectl also keeps a copy of the rejected file in /tmp and says so.
            return Output::error("Edit cancelled, no valid changes were saved.");
        }
        if stripped == strip_comments(body) {
            return Output {
                stderr: "Edit cancelled, no changes made.\n".into(),
                ..Output::default()
            };
        }
        if stripped.trim().is_empty() {
            return Output {
                stderr: "Edit cancelled, saved file was empty.\n".into(),
                ..Output::default()
            };
        }
        reasons.clear();
        match serde_yaml::from_str::<Value>(&stripped) {
            Err(e) => reasons.push(Reason {
                head: format!(
                    "The edited file had a syntax error: error converting YAML to JSON: {}",
                    go_yaml_error(&e)
                ),
                other: Vec::new(),
            }),
            Ok(value) => {
                let same_identity = ["apiVersion", "kind"]
                    .iter()
                    .all(|k| value.get(k) == original.get(k))
                    && value.pointer("/metadata/name") == original.pointer("/metadata/name");
                if !same_identity {
                    reasons.push(Reason {
                        head: "At least one of apiVersion, kind and name was changed".into(),
                        other: Vec::new(),
                    });
                } else if value == *original {
                    return Output::ok(format!("{}/{name} skipped\n", printers::kind_name(kind)));
                } else {
                    match cluster.api_mut().update_json(
                        &Actor::kubectl(),
                        namespace,
                        &value,
                        &WriteOptions::default(),
                    ) {
                        Ok(_) => {
                            cluster.settle();
                            return Output::ok(format!(
                                "{}/{name} edited\n",
                                printers::kind_name(kind)
                            ));
                        }
                        Err(status) if status.reason == StatusReason::Invalid => {
                            reasons.push(invalid_reason(kind, name, &status));
                        }
                        Err(status) => return errors::status_output(&status),
                    }
                }
            }
        }
        last_failed = Some(stripped.clone());
        text = format!("{}{stripped}", header_with(&reasons));
    }
    Output::error("Edit cancelled, no valid changes were saved.")
}

/// `deployments.apps "web" was not valid:` and one line per cause.
fn invalid_reason(kind: Kind, name: &str, status: &Status) -> Reason {
    let info = kind.info();
    let resource = if info.group.is_empty() {
        info.plural.to_string()
    } else {
        format!("{}.{}", info.plural, info.group)
    };
    let other = status
        .details
        .as_deref()
        .map(|d| {
            d.causes
                .iter()
                .map(|c| format!("{}: {}", c.field, c.message))
                .collect()
        })
        .unwrap_or_default();
    Reason {
        head: format!("{resource} {} was not valid", errors::go_quote(name)),
        other,
    }
}
