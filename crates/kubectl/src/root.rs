//! The `kubectl` root command: picks the subcommand, or says what kubectl says when there is none.

use crate::{Output, generators, version};
use sim::Cluster;

/// kubectl's subcommands in the order kubectl registers them, which is the order its
/// "Did you mean this?" suggestions come in.
const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-versions",
    "api-resources",
    "config",
    "plugin",
    "version",
    "kuberc",
    "options",
];

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let Some((command, rest)) = args.split_first() else {
        return Output::ok(help());
    };
    match command.as_str() {
        "-h" | "--help" | "help" => Output::ok(help()),
        "version" => version::run(cluster, rest),
        "create" => generators::create(cluster, rest),
        "run" => generators::run(cluster, rest),
        known if COMMANDS.contains(&known) => Output::error(format!(
            "\"kubectl {known}\" is not available in this playground yet; try \"kubectl version\""
        )),
        flag if flag.starts_with('-') => Output::error(format!("unknown flag: {flag}")),
        unknown => unknown_command(unknown),
    }
}

/// cobra's answer to an unknown subcommand, with its suggestions.
fn unknown_command(typed: &str) -> Output {
    let mut message = format!("unknown command \"{typed}\" for \"kubectl\"");
    let suggestions = suggestions_for(typed);
    if !suggestions.is_empty() {
        message.push_str("\n\nDid you mean this?\n");
        for s in suggestions {
            message.push('\t');
            message.push_str(s);
            message.push('\n');
        }
        message.pop();
    }
    Output::error(message)
}

/// cobra's `SuggestionsFor`: commands within Levenshtein distance 2 (ignoring case), or that
/// start with what was typed.
fn suggestions_for(typed: &str) -> Vec<&'static str> {
    let typed = typed.to_lowercase();
    COMMANDS
        .iter()
        .copied()
        .filter(|cmd| levenshtein(&typed, cmd) <= 2 || cmd.starts_with(typed.as_str()))
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn help() -> String {
    "kubectl talks to the playground's cluster, as it talks to a real one.\n\
     \n\
     Timonel is growing command by command. Available now:\n\
     \x20 version       Print the client and server version information\n\
     \n\
     Usage:\n\
     \x20 kubectl [flags] [options]\n\
     \n\
     Use \"kubectl <command> --help\" for more information about a given command.\n"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("versoin", "version"), 2);
        assert_eq!(levenshtein("", "cp"), 2);
        assert_eq!(levenshtein("get", "get"), 0);
    }
}
