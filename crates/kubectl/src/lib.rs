//! kubectl for Timonel: lex → parse → execute → print, over the simulated cluster.
//!
//! Only `execute` touches the cluster. Printing is a pure function into a `String`, so the web
//! app, the native CLI and the transcript tests all show exactly the same text.

mod complete;
mod config;
mod coreutils;
mod delete;
mod describe;
mod describe_network;
mod drain;
mod edit;
mod errors;
mod events;
mod exec;
mod explain;
pub mod export;
mod files;
mod flags;
mod generators;
mod get;
mod lexer;
pub mod links;
mod logs;
mod manifest;
mod mutate;
mod nodes;
mod patch;
mod printers;
mod replace;
mod resources;
mod root;
mod scale;
mod set_env;
mod shell;
mod taint;
mod top;
mod verb_help;
mod version;
mod wait;

pub use complete::{Completion, complete};
pub use config::KubeConfig;
pub use edit::{Answer, EditRun, Editor};
pub use events::{EventRow, recent as recent_events};
pub use files::{Entry, Files, normalize};
pub use lexer::{LexError, split_words};
pub use shell::{Shell, Step, Vars, sleep_duration};

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

/// Runs what was typed at the playground's prompt against `cluster`, with no files: a
/// throwaway, empty file set (use [`Shell`] to keep files between commands).
///
/// `kubectl …` and its common alias `k …` run kubectl; an empty line prints nothing; the
/// shell's other programs (`ls`, `cat`, `sleep` …) are described in [`Shell`]; any other
/// program is unknown to the playground's shell.
pub fn run_line(cluster: &mut Cluster, line: &str) -> Output {
    let mut files = Files::new();
    let mut vars = Vars::default();
    let mut kubeconfig = KubeConfig::default();
    shell::concat(shell::run_text(
        cluster,
        &mut files,
        &mut vars,
        &mut kubeconfig,
        line,
        &mut |_, _| {},
        None,
    ))
}
