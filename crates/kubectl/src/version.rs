//! `kubectl version`: the client's version and the api-server's `/version`.

use crate::flags::{self, FlagKind, FlagSpec};
use crate::printers::yaml;
use crate::{CLIENT_VERSION, KUSTOMIZE_VERSION, Output};
use serde::Serialize;
use sim::{Cluster, VersionInfo};

const FLAGS: &[FlagSpec] = &[
    FlagSpec {
        name: "client",
        shorthand: None,
        kind: FlagKind::Bool,
    },
    FlagSpec {
        name: "output",
        shorthand: Some('o'),
        kind: FlagKind::String,
    },
    FlagSpec {
        name: "help",
        shorthand: Some('h'),
        kind: FlagKind::Bool,
    },
];

/// kubectl's `version.Version`: the document `-o json|yaml` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Versions {
    client_version: VersionInfo,
    kustomize_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_version: Option<VersionInfo>,
}

fn client_info() -> VersionInfo {
    VersionInfo {
        major: "1".into(),
        minor: "36".into(),
        emulation_major: String::new(),
        emulation_minor: String::new(),
        min_compatibility_major: String::new(),
        min_compatibility_minor: String::new(),
        git_version: CLIENT_VERSION.into(),
        git_commit: "bb826b1d48562f110659e64e8ec444327433db95".into(),
        git_tree_state: "clean".into(),
        build_date: "2026-08-20T03:09:25Z".into(),
        go_version: "go1.26.5".into(),
        compiler: "gc".into(),
        platform: "linux/amd64".into(),
    }
}

pub fn run(cluster: &Cluster, args: &[String]) -> Output {
    let parsed = match flags::parse(FLAGS, args) {
        Ok(parsed) => parsed,
        Err(message) => {
            return Output::error(format!(
                "{message}\nSee 'kubectl version --help' for usage."
            ));
        }
    };
    if parsed.bool("help") {
        return Output::ok(help());
    }
    if !parsed.args.is_empty() {
        return Output::error(format!("extra arguments: [{}]", parsed.args.join(" ")));
    }
    let output = parsed.string("output").unwrap_or("");
    if !matches!(output, "" | "yaml" | "json") {
        return Output::error("--output must be 'yaml' or 'json'");
    }
    let versions = Versions {
        client_version: client_info(),
        kustomize_version: KUSTOMIZE_VERSION,
        server_version: (!parsed.bool("client")).then(|| cluster.server_version()),
    };
    match output {
        "json" => {
            let mut text = serde_json::to_string_pretty(&versions).unwrap_or_default();
            text.push('\n');
            Output::ok(text)
        }
        "yaml" => {
            let value = serde_json::to_value(&versions).unwrap_or_default();
            Output::ok(yaml::to_string(&value) + "\n")
        }
        _ => {
            let mut text = format!(
                "Client Version: {}\nKustomize Version: {}\n",
                versions.client_version.git_version, versions.kustomize_version
            );
            if let Some(server) = &versions.server_version {
                text.push_str(&format!("Server Version: {}\n", server.git_version));
            }
            Output::ok(text)
        }
    }
}

fn help() -> String {
    "Print the client and server version information for the current context.\n\
     \n\
     Examples:\n\
     \x20 # Print the client and server versions for the current context\n\
     \x20 kubectl version\n\
     \n\
     Options:\n\
     \x20   --client=false:\n\
     \x20\tIf true, shows client version only (no server required).\n\
     \n\
     \x20   -o, --output='':\n\
     \x20\tOne of 'yaml' or 'json'.\n\
     \n\
     Usage:\n\
     \x20 kubectl version [flags] [options]\n"
        .to_string()
}
