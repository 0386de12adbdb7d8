//! Generators: `kubectl create <kind> …` and `kubectl run …` build an object from flags.
//!
//! Each generator parses its command line as kubectl does (pflag's errors, cobra's usage
//! hints), builds the object kubectl would send ([`common::Generated`], whose `doc` keeps
//! the Go field order and converts to a `serde_json::Value`), and then prints it for
//! `--dry-run=client` or sends it to the api-server ([`common::Options::finish`]).

pub(crate) mod cli;
pub(crate) mod common;
mod configmap;
mod deployment;
mod doc;
pub(crate) mod expose;
mod ingress;
mod job;
mod namespace;
mod pdb;
mod run;
mod secret;
mod service;
mod sources;
mod validation;

use crate::Output;
use cli::{GLOBAL, Kind};
pub(crate) use doc::write_go_string;
use sim::Cluster;

/// `kubectl run …`
pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    finish(cluster, run::generate(args))
}

/// Prints or sends what a generator built, or prints why it could not build it.
fn finish(
    cluster: &mut Cluster,
    generated: Result<(common::Options, common::Generated), Output>,
) -> Output {
    match generated {
        Ok((options, generated)) => options.finish(cluster, generated),
        Err(out) => out,
    }
}

/// Whether `kubectl create …` creates from files (`-f`, `-k`) rather than with a generator.
pub(crate) fn creates_from_files(args: &[String]) -> bool {
    let is_generator = split_subcommand(args)
        .as_ref()
        .is_some_and(|(sub, _)| GENERATORS.contains(&sub.as_str()));
    !is_generator
        && args
            .iter()
            .take_while(|w| *w != "--")
            .any(|w| is_file_flag(w))
}

/// `kubectl create …`: the generator subcommands; `create -f` is `manifest::create`.
pub fn create(cluster: &mut Cluster, args: &[String]) -> Output {
    let split = split_subcommand(args);
    let Some((sub, rest)) = split else {
        return Output::error("must specify one of -f and -k");
    };
    match sub.as_str() {
        "deployment" | "deploy" => finish(cluster, deployment::generate(&rest)),
        "configmap" | "cm" => finish(cluster, configmap::generate(&rest)),
        "namespace" | "ns" => finish(cluster, namespace::generate(&rest)),
        "job" => finish(cluster, job::generate(&rest)),
        "ingress" | "ing" => finish(cluster, ingress::generate(&rest)),
        "poddisruptionbudget" | "pdb" => finish(cluster, pdb::generate(&rest)),
        "secret" => secret_command(cluster, &rest),
        "service" | "svc" => service_command(cluster, &rest),
        "clusterrole" | "clusterrolebinding" | "cronjob" | "cj" | "priorityclass" | "pc"
        | "quota" | "resourcequota" | "role" | "rolebinding" | "serviceaccount" | "sa"
        | "token" => Output::error(format!(
            "\"kubectl create {sub}\" is not available in this playground yet"
        )),
        _ => Output::error(format!(
            "Unexpected args: [{}]\nSee 'kubectl create -h' for help and examples",
            args.iter()
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        )),
    }
}

/// The subcommands of `kubectl create` that this module answers.
const GENERATORS: &[&str] = &[
    "deployment",
    "deploy",
    "configmap",
    "cm",
    "namespace",
    "ns",
    "job",
    "ingress",
    "ing",
    "poddisruptionbudget",
    "pdb",
    "secret",
    "service",
    "svc",
];

/// `-f`/`--filename`/`-k`/`--kustomize`: `kubectl create` from files, not a generator.
fn is_file_flag(word: &str) -> bool {
    let name = word.split('=').next().unwrap_or(word);
    matches!(name, "--filename" | "--kustomize")
        || (word.starts_with("-f") || word.starts_with("-k")) && !word.starts_with("--")
}

fn secret_command(cluster: &mut Cluster, args: &[String]) -> Output {
    let Some((sub, rest)) = split_subcommand(args) else {
        return Output::error(
            "\"kubectl create secret\" needs a type: generic, tls or docker-registry",
        );
    };
    match sub.as_str() {
        "generic" => finish(cluster, secret::generate(&rest)),
        "tls" | "docker-registry" => Output::error(format!(
            "\"kubectl create secret {sub}\" is not available in this playground yet"
        )),
        other => unknown_subcommand("kubectl create secret", other, &rest),
    }
}

fn service_command(cluster: &mut Cluster, args: &[String]) -> Output {
    let Some((sub, rest)) = split_subcommand(args) else {
        return Output::error(
            "\"kubectl create service\" needs a type: clusterip, nodeport, loadbalancer or externalname",
        );
    };
    match sub.as_str() {
        "clusterip" => finish(cluster, service::generate(service::Type::ClusterIp, &rest)),
        "nodeport" => finish(cluster, service::generate(service::Type::NodePort, &rest)),
        "loadbalancer" => finish(
            cluster,
            service::generate(service::Type::LoadBalancer, &rest),
        ),
        "externalname" => Output::error(
            "\"kubectl create service externalname\" is not available in this playground yet",
        ),
        other => unknown_subcommand("kubectl create service", other, &rest),
    }
}

/// A group command (`create secret`, `create service`) given a word that is none of its
/// subcommands: cobra parses the group's own flags first, then reports the word.
fn unknown_subcommand(path: &'static str, word: &str, rest: &[String]) -> Output {
    let cmd = cli::Cmd { path };
    if let Err(message) = cli::parse(&[], rest) {
        return cmd.flag_error(&message);
    }
    cmd.usage_error(&format!("unknown command \"{word}\""))
}

/// cobra's `Find`: the first word that is not a flag (or a global flag's value) names the
/// subcommand; the rest goes to it.
pub(crate) fn split_subcommand(args: &[String]) -> Option<(String, Vec<String>)> {
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        if word == "--" {
            return None;
        }
        if !word.starts_with('-') || word == "-" {
            let mut rest = args.to_vec();
            let sub = rest.remove(i);
            return Some((sub, rest));
        }
        // A global flag given as `--name value` or `-n value` takes the next word with it
        // (and so does a file flag).
        let takes_value = if matches!(word.as_str(), "-f" | "-k" | "--filename" | "--kustomize") {
            true
        } else if let Some(long) = word.strip_prefix("--") {
            !long.contains('=')
                && GLOBAL
                    .iter()
                    .any(|f| f.name == long && f.kind != Kind::Bool)
        } else {
            word.len() == 2
                && GLOBAL
                    .iter()
                    .any(|f| f.short.is_some_and(|s| word.ends_with(s)) && f.kind != Kind::Bool)
        };
        i += if takes_value { 2 } else { 1 };
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::run_line;

    fn run(line: &str) -> crate::Output {
        run_line(&mut sim::Cluster::default(), line)
    }

    #[test]
    fn creating_sends_the_object_to_the_api_server_and_settles() {
        let mut cluster = sim::Cluster::default();
        let out = run_line(&mut cluster, "kubectl create deployment web --image=nginx");
        assert_eq!(out.stdout, "deployment.apps/web created\n");
        // The controllers ran: the Deployment has its ReplicaSet.
        assert_eq!(
            cluster
                .api()
                .iter(sim::Kind::ReplicaSet, Some("default"))
                .count(),
            1
        );
        let out = run_line(
            &mut cluster,
            "kubectl run nginx --image=nginx --dry-run=server",
        );
        assert_eq!(out.stdout, "pod/nginx created (server dry run)\n");
        assert!(
            cluster
                .api()
                .get_ref(sim::Kind::Pod, "default", "nginx")
                .is_none()
        );
    }

    #[test]
    fn create_from_files_is_left_to_the_file_path() {
        for line in [
            "kubectl create -f pod.yaml",
            "kubectl create --filename=pod.yaml",
            "kubectl create -fpod.yaml",
        ] {
            assert_eq!(
                run(line).stderr,
                "error: the path \"pod.yaml\" does not exist\n",
                "{line}"
            );
        }
        assert_eq!(
            run("kubectl create").stderr,
            "error: must specify one of -f and -k\n"
        );
    }

    #[test]
    fn generated_objects_become_json_values() {
        let args: Vec<String> = ["web", "--image=nginx", "--replicas=2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (_, generated) = super::deployment::generate(&args).unwrap();
        let value = generated.doc.to_value();
        assert_eq!(value["spec"]["replicas"], 2);
        assert_eq!(
            value["spec"]["template"]["spec"]["containers"][0]["name"],
            "nginx"
        );
        assert_eq!(generated.resource, "deployment.apps");
    }
}
