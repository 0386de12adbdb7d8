//! kubectl for Timonel: lex → parse → execute → print, over the simulated cluster.
//!
//! Only `execute` touches the cluster. Printing is a pure function into a `String`, so the web
//! app, the native CLI and the transcript tests all show exactly the same text.

mod delete;
mod describe;
mod errors;
mod events;
mod flags;
mod generators;
mod get;
mod lexer;
mod mutate;
mod nodes;
mod printers;
mod resources;
mod root;
mod scale;
mod version;

pub use lexer::{LexError, split_words};

use sim::Cluster;

/// What a command line printed, as a terminal would show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl Output {
    pub fn ok(stdout: impl Into<String>) -> Self {
        Output {
            stdout: stdout.into(),
            ..Output::default()
        }
    }

    /// kubectl's usual failure: `error: …` on stderr, exit status 1.
    pub fn error(message: impl AsRef<str>) -> Self {
        Output {
            stderr: format!("error: {}\n", message.as_ref()),
            exit_code: 1,
            ..Output::default()
        }
    }
}

/// The kubectl client version Timonel reproduces (the server's is `sim::KUBERNETES_VERSION`).
pub const CLIENT_VERSION: &str = "v1.36.4";
/// The kustomize version embedded in kubectl v1.36.4.
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";

/// Runs one line typed at the playground's prompt.
///
/// `kubectl …` and its common alias `k …` run kubectl; an empty line prints nothing; any other
/// program is unknown to the playground's shell.
pub fn run_line(cluster: &mut Cluster, line: &str) -> Output {
    let words = match split_words(line) {
        Ok(words) => words,
        Err(err) => return Output::error(err.to_string()),
    };
    let Some((program, args)) = words.split_first() else {
        return Output::default();
    };
    match program.as_str() {
        "kubectl" | "k" => root::run(cluster, args),
        other => Output {
            stderr: format!("{other}: command not found\n"),
            exit_code: 127,
            ..Output::default()
        },
    }
}
