//! `kubectl exec POD -- COMMAND`: runs a command in a running container through the
//! api-server's exec subresource (`Cluster::exec`), with kubectl's container defaulting, its
//! checks before connecting and `command terminated with exit code N`.

use crate::Output;
use crate::errors::status_output;
use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::logs::{DEFAULT_CONTAINER_ANNOTATION, all_container_names, pods_for_object};
use sim::api::Pod;
use sim::kubelet::ExecError;
use sim::{Cluster, Kind};

const CMD: Cmd = Cmd {
    path: "kubectl exec",
};

const FLAGS: &[Flag] = &[
    short("container", 'c', FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    flag("pod-running-timeout", FlagKind::String),
    short("quiet", 'q', FlagKind::Bool),
    short("stdin", 'i', FlagKind::Bool),
    short("tty", 't', FlagKind::Bool),
];

/// `podcmd.FindOrDefaultContainerByName`.
fn container_for(
    pod: &Pod,
    name: &str,
    quiet: bool,
    stderr: &mut String,
) -> Result<String, String> {
    let has = |n: &str| {
        pod.spec
            .containers
            .iter()
            .chain(&pod.spec.init_containers)
            .any(|c| c.name == n)
    };
    if !name.is_empty() {
        if !has(name) {
            return Err(format!(
                "container {name} not found in pod {}",
                pod.metadata.name
            ));
        }
        return Ok(name.to_string());
    }
    let Some(first) = pod.spec.containers.first() else {
        return Err(format!(
            "pod {}/{} does not have any containers",
            pod.metadata.namespace, pod.metadata.name
        ));
    };
    if let Some(default) = pod
        .metadata
        .annotations
        .get(DEFAULT_CONTAINER_ANNOTATION)
        .filter(|d| !d.is_empty())
        && has(default)
    {
        return Ok(default.clone());
    }
    if !quiet && (pod.spec.containers.len() > 1 || !pod.spec.init_containers.is_empty()) {
        stderr.push_str(&format!(
            "Defaulted container \"{}\" out of: {}\n",
            first.name,
            all_container_names(pod)
        ));
    }
    Ok(first.name.to_string())
}

fn is_interactive_shell(command: &[String]) -> bool {
    let bin = command
        .first()
        .map(|b| b.rsplit('/').next().unwrap_or(""))
        .unwrap_or("");
    matches!(bin, "sh" | "bash" | "ash" | "zsh" | "dash") && !command.iter().any(|a| a == "-c")
}

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    if crate::verb_help::requested(args) {
        return Output::ok(crate::verb_help::text("exec"));
    }
    let parsed = match CMD.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let namespace = crate::get::namespace_of(&parsed);
    let at_dash = parsed.dash;
    let resource = match at_dash {
        Some(0) => None,
        _ => parsed.args.first().cloned(),
    };
    let command: Vec<String> = match at_dash {
        Some(i) => parsed.args.get(i..).unwrap_or(&[]).to_vec(),
        None if parsed.args.len() > 1 => {
            return CMD.usage_error(
                "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead",
            );
        }
        None => Vec::new(),
    };
    let filenames = parsed.list("filename");
    let Some(resource) = resource else {
        if !filenames.is_empty() {
            return Output::error("exec -f is not supported in this playground; name the pod");
        }
        return Output::error("pod, type/name or --filename must be specified");
    };
    if command.is_empty() {
        return Output::error("you must specify at least one command for the container");
    }
    let quiet = parsed.bool("quiet");
    let (kind, name) = match resource.split_once('/') {
        Some((t, n)) => match crate::resources::kind_of(t) {
            Ok(k) => (k, n.to_string()),
            Err(out) => return out,
        },
        None => (Kind::Pod, resource.clone()),
    };
    let pod = if kind == Kind::Pod {
        match cluster.api().get_as::<Pod>(&namespace, &name) {
            Ok(p) => p,
            Err(status) => return status_output(&status),
        }
    } else {
        match pods_for_object(cluster, &namespace, kind, &name, "cannot attach to") {
            Ok(pods) => match pods.into_iter().next() {
                Some(p) => p,
                None => return Output::error("timed out waiting for the condition"),
            },
            Err(mut out) => {
                // The builder's NotFound, as exec prints it.
                out.stderr = out.stderr.replace(
                    "error: error from server (NotFound)",
                    "Error from server (NotFound)",
                );
                if let Some(i) = out.stderr.find(" in namespace \"")
                    && out.stderr.starts_with("Error from server")
                {
                    out.stderr.truncate(i);
                    out.stderr.push('\n');
                }
                return out;
            }
        }
    };
    let phase = pod.phase().to_string();
    if phase == "Succeeded" || phase == "Failed" {
        return Output::error(format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let mut stderr = String::new();
    let container = match container_for(
        &pod,
        parsed.string_or_empty("container"),
        quiet,
        &mut stderr,
    ) {
        Ok(c) => c,
        Err(e) => {
            return Output {
                stderr: format!("{stderr}error: {e}\n"),
                exit_code: 1,
                ..Output::default()
            };
        }
    };
    let stdin = parsed.bool("stdin");
    let tty = parsed.bool("tty");
    if stdin && tty && !quiet {
        // The playground has no terminal: kubectl's own warning, as when stdin is not one.
        stderr
            .push_str("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    match cluster.exec(&namespace, &pod.metadata.name, Some(&container), &command) {
        Ok(result) => {
            stderr.push_str(&result.stderr);
            if stdin && is_interactive_shell(&command) {
                // Simplification: no interactive sessions; the shell reads end-of-input.
                stderr.push_str(
                    "(Timonel has no interactive terminal: the shell read end-of-input and exited. Run one command at a time, e.g. kubectl exec POD -- ls /)\n",
                );
            }
            let mut exit_code = result.exit_code;
            if exit_code != 0 {
                stderr.push_str(&format!("command terminated with exit code {exit_code}\n"));
            }
            if !(0..=255).contains(&exit_code) {
                exit_code = 1;
            }
            Output {
                stdout: result.stdout,
                stderr,
                exit_code,
            }
        }
        Err(e) => {
            let text = match e {
                ExecError::Request(status) => status_output(&status).stderr,
                ExecError::Upgrade(m) => format!("error: unable to upgrade connection: {m}\n"),
                ExecError::Stream(m) => format!("error: {m}\n"),
            };
            Output {
                stderr: stderr + &text,
                exit_code: 1,
                ..Output::default()
            }
        }
    }
}
