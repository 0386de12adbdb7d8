//! The `kubectl` root command: picks the subcommand, or says what kubectl says when there is none.

use crate::shell::Io;
use crate::{
    Output, config, delete, describe, drain, edit, events, exec, explain, generators, get, logs,
    manifest, mutate, nodes, patch, replace, scale, taint, top, version, wait,
};
use sim::Cluster;

/// kubectl's subcommands in the order kubectl registers them, which is the order its
/// "Did you mean this?" suggestions come in.
pub(crate) const COMMANDS: &[&str] = &[
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

/// The subcommands `dispatch` runs (the rest of [`COMMANDS`] say they are not available yet);
/// Tab completion offers these. A test in `complete.rs` keeps the two in step.
pub(crate) const AVAILABLE: &[&str] = &[
    "version",
    "create",
    "apply",
    "run",
    "expose",
    "get",
    "delete",
    "scale",
    "describe",
    "label",
    "annotate",
    "set",
    "rollout",
    "cordon",
    "uncordon",
    "api-resources",
    "events",
    "taint",
    "drain",
    "top",
    "explain",
    "config",
    "cluster-info",
    "api-versions",
    "patch",
    "replace",
    "wait",
    "edit",
    "logs",
    "exec",
];

pub(crate) fn run(cluster: &mut Cluster, io: &mut Io, args: &[String]) -> Output {
    // Commands given no `-n` work in the current context's namespace.
    let namespace = io.kubeconfig.namespace();
    config::with_default_namespace(namespace, || dispatch(cluster, io, args))
}

fn dispatch(cluster: &mut Cluster, io: &mut Io, args: &[String]) -> Output {
    let Some(first) = args.first() else {
        return Output::ok(help());
    };
    // Global flags may come before the command (`kubectl -n dev get pods`): they go to it.
    let (command, rest) = if first.starts_with('-') && !matches!(first.as_str(), "-h" | "--help") {
        match generators::split_subcommand(args) {
            Some((command, rest)) => (command, rest),
            None => (first.clone(), args[1..].to_vec()),
        }
    } else {
        (first.clone(), args[1..].to_vec())
    };
    let rest = rest.as_slice();
    if let Some(help) = crate::verb_help::lookup(&command, rest) {
        return Output::ok(help);
    }
    match command.as_str() {
        "-h" | "--help" | "help" => Output::ok(help()),
        "version" => version::run(cluster, rest),
        "create" if generators::creates_from_files(rest) => manifest::create(cluster, io, rest),
        "create" => generators::create(cluster, rest),
        "apply" => manifest::apply(cluster, io, rest),
        "run" => generators::run(cluster, rest),
        "expose" => generators::expose::run(cluster, rest),
        "get" => get::run(cluster, rest),
        "delete" => delete::run(cluster, io, rest),
        "scale" => scale::run(cluster, rest),
        "describe" => describe::run(cluster, rest),
        "label" => mutate::label_or_annotate(cluster, rest, false),
        "annotate" => mutate::label_or_annotate(cluster, rest, true),
        "set" => mutate::set(cluster, rest),
        "rollout" => mutate::rollout(cluster, rest),
        "cordon" => nodes::cordon(cluster, rest, true),
        "uncordon" => nodes::cordon(cluster, rest, false),
        "api-resources" => nodes::api_resources(rest),
        "events" => events::run(cluster, rest),
        "taint" => taint::run(cluster, rest),
        "drain" => drain::run(cluster, rest),
        "top" => top::run(cluster, rest),
        "explain" => explain::run(rest),
        "config" => config::run(io.kubeconfig, rest),
        "cluster-info" => config::cluster_info(cluster, rest),
        "api-versions" => config::api_versions(rest),
        "patch" => patch::run(cluster, io, rest),
        "replace" => replace::run(cluster, io, rest),
        "wait" => wait::run(cluster, rest),
        "edit" => edit::run(cluster, io, rest),
        "logs" => logs::run(cluster, rest),
        "exec" => exec::run(cluster, rest),
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
     \x20 apply -f      Create or update objects from manifests (a file, a folder, or - for\n\
     \x20               a heredoc); create -f and delete -f read them too\n\
     \x20 create        Create a resource: deployment, namespace, configmap, secret generic,\n\
     \x20               service, ingress (job with --dry-run=client)\n\
     \x20 run           Run a particular image on the cluster\n\
     \x20 expose        Make a Service for a deployment, replica set, pod or service\n\
     \x20 get           Display one or many resources (-w follows changes)\n\
     \x20 delete        Delete resources by names, label selectors or --all\n\
     \x20 scale         Set a new size for a deployment or replica set\n\
     \x20 describe      Show details of a pod, deployment, replica set, node and more\n\
     \x20 label         Update the labels on a resource\n\
     \x20 annotate      Update the annotations on a resource\n\
     \x20 set image     Update the image of a pod template\n\
     \x20 set env       Add, change, remove or list environment variables of containers\n\
     \x20 set resources Set CPU and memory requests and limits of containers\n\
     \x20 patch         Change fields of an object with a strategic, merge or JSON patch\n\
     \x20 replace -f    Swap an existing object for the one in a manifest (--force: recreate)\n\
     \x20 edit          Edit an object's YAML in an editor (where the front end has one)\n\
     \x20 wait          Let the cluster run until objects meet a condition\n\
     \x20 rollout       Watch, list, undo or restart a deployment's rollout\n\
     \x20 events        List events, oldest first\n\
     \x20 cordon        Mark a node as unschedulable (uncordon: schedulable again)\n\
     \x20 drain         Cordon a node and evict its pods before maintenance\n\
     \x20 taint         Add or remove taints that keep pods off nodes\n\
     \x20 logs          Print what a container wrote (-f follows, -p the run before a restart)\n\
     \x20 exec          Run a command in a running container (kubectl exec POD -- ls /)\n\
     \x20 top           Show CPU and memory usage of nodes and pods\n\
     \x20 explain       Describe the fields of a resource type\n\
     \x20 config        Read or change the kubeconfig (contexts, default namespace)\n\
     \x20 cluster-info  Print where the control plane and CoreDNS answer\n\
     \x20 api-versions  Print the API group/versions the cluster serves\n\
     \x20 api-resources Print the resource types the playground's cluster serves\n\
     \x20 version       Print the client and server version information\n\
     \n\
     Usage:\n\
     \x20 kubectl [flags] [options]\n\
     \n\
     Use \"kubectl <command> --help\" for more information about a given command.\n\
     \n\
     Beside kubectl, the playground's shell has ls, cat, rm, mkdir, echo and sleep (which\n\
     moves the cluster's clock), heredocs (cat <<EOF > web.yaml … EOF) and redirections\n\
     (> file, >> file, 2>&1) into the playground's files.\n"
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
