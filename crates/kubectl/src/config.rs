//! The client's kubeconfig, as `kind create cluster --name timonel` writes it, and the commands
//! that read or change it: `kubectl config …`, `kubectl cluster-info`, `kubectl api-versions`.
//!
//! The kubeconfig lives in the [`crate::Shell`] (client state, not the cluster's). The current
//! context's namespace is the namespace commands use when no `-n` is given: `root::run` makes
//! it visible to them through [`with_default_namespace`] while the command runs.
//!
//! Simplification: the kubeconfig is not a file in the playground's files (`cat ~/.kube/config`
//! finds nothing), `--kubeconfig`/`--context` are accepted but ignored, and only the current
//! context's namespace changes what later commands do (`use-context` of a context naming
//! another cluster still talks to the one simulated cluster).

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::Output;
use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::printers::{jsonpath, table, yaml};
use serde_json::{Value, json};
use sim::Cluster;

/// The API server address kind maps to the host for the `timonel` cluster.
/// Simplification: kind picks a random free host port; the playground always uses 6443.
pub const SERVER: &str = "https://127.0.0.1:6443";
/// Where kubectl says it keeps the kubeconfig.
const PATH: &str = "/root/.kube/config";
/// Stand-ins for the certificates kind generates (base64 of a PEM header): `--raw` shows them.
const CA_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==";
const KEY_DATA: &str = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=";

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Context {
    pub cluster: String,
    pub user: String,
    pub namespace: String,
}

/// A kubeconfig: clusters (name → server), users, contexts and the current context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeConfig {
    pub clusters: BTreeMap<String, String>,
    pub users: Vec<String>,
    pub contexts: BTreeMap<String, Context>,
    pub current_context: String,
}

impl Default for KubeConfig {
    /// What `kind create cluster --name timonel` leaves behind.
    fn default() -> Self {
        let name = "kind-timonel".to_string();
        KubeConfig {
            clusters: BTreeMap::from([(name.clone(), SERVER.to_string())]),
            users: vec![name.clone()],
            contexts: BTreeMap::from([(
                name.clone(),
                Context {
                    cluster: name.clone(),
                    user: name.clone(),
                    namespace: String::new(),
                },
            )]),
            current_context: name,
        }
    }
}

impl KubeConfig {
    /// The current context's namespace, or `default`.
    pub fn namespace(&self) -> String {
        self.contexts
            .get(&self.current_context)
            .map(|c| c.namespace.clone())
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| "default".to_string())
    }

    /// The kubeconfig as `kubectl config view` shows it (`raw`: with the certificate data).
    fn to_value(&self, minify: bool, raw: bool) -> Value {
        let data = |d: &str| {
            if raw {
                d.to_string()
            } else {
                "DATA+OMITTED".to_string()
            }
        };
        let current = self.contexts.get(&self.current_context);
        let clusters: Vec<Value> = self
            .clusters
            .iter()
            .filter(|(n, _)| !minify || current.is_some_and(|c| &c.cluster == *n))
            .map(|(n, server)| {
                json!({"cluster": {"certificate-authority-data": data(CA_DATA), "server": server}, "name": n})
            })
            .collect();
        let contexts: Vec<Value> = self
            .contexts
            .iter()
            .filter(|(n, _)| !minify || **n == self.current_context)
            .map(|(n, c)| {
                let mut ctx = serde_json::Map::new();
                for (k, v) in [
                    ("cluster", &c.cluster),
                    ("namespace", &c.namespace),
                    ("user", &c.user),
                ] {
                    if !v.is_empty() {
                        ctx.insert(k.into(), json!(v));
                    }
                }
                json!({"context": ctx, "name": n})
            })
            .collect();
        let users: Vec<Value> = self
            .users
            .iter()
            .filter(|n| !minify || current.is_some_and(|c| &c.user == *n))
            .map(|n| {
                json!({"name": n, "user": {"client-certificate-data": data(CA_DATA), "client-key-data": data(KEY_DATA)}})
            })
            .collect();
        let mut v = serde_json::Map::new();
        v.insert("apiVersion".into(), json!("v1"));
        v.insert("clusters".into(), json!(clusters));
        v.insert("contexts".into(), json!(contexts));
        if !self.current_context.is_empty() {
            v.insert("current-context".into(), json!(self.current_context));
        }
        v.insert("kind".into(), json!("Config"));
        v.insert("users".into(), json!(users));
        Value::Object(v)
    }
}

thread_local! {
    static NAMESPACE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f` with `namespace` as the namespace commands default to.
pub fn with_default_namespace<T>(namespace: String, f: impl FnOnce() -> T) -> T {
    let previous = NAMESPACE.with(|n| n.replace(Some(namespace)));
    let result = f();
    NAMESPACE.with(|n| *n.borrow_mut() = previous);
    result
}

/// The namespace a command uses without `-n`: the current context's, or `default`.
pub fn default_namespace() -> String {
    NAMESPACE
        .with(|n| n.borrow().clone())
        .unwrap_or_else(|| "default".to_string())
}

const VIEW_FLAGS: &[Flag] = &[
    flag("minify", FlagKind::Bool),
    flag("raw", FlagKind::Bool),
    flag("flatten", FlagKind::Bool),
    flag("merge", FlagKind::String),
    short("output", 'o', FlagKind::String),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
    flag("template", FlagKind::String),
];

const GET_CONTEXTS_FLAGS: &[Flag] = &[
    short("output", 'o', FlagKind::String),
    flag("no-headers", FlagKind::Bool),
];

const SET_CONTEXT_FLAGS: &[Flag] = &[
    flag("current", FlagKind::Bool),
    flag("cluster", FlagKind::String),
    flag("user", FlagKind::String),
    flag("namespace", FlagKind::String),
];

const NO_FLAGS: &[Flag] = &[];

pub fn help() -> String {
    "Read or change the client's kubeconfig: which cluster, user and namespace kubectl uses.\n\
     \n\
     The playground's kubeconfig is the one kind writes for a cluster named timonel: one\n\
     context, kind-timonel. Setting a namespace on the current context changes where\n\
     commands without -n look.\n\
     \n\
     Available Commands:\n\
     \x20 current-context   Print the name of the context in use\n\
     \x20 delete-context    Remove a context\n\
     \x20 get-clusters      List the clusters the kubeconfig knows\n\
     \x20 get-contexts      List contexts, the current one marked with *\n\
     \x20 get-users         List the users the kubeconfig knows\n\
     \x20 rename-context    Give a context a new name\n\
     \x20 set-context       Create or change a context (--current --namespace=dev)\n\
     \x20 use-context       Switch to another context\n\
     \x20 view              Print the kubeconfig (certificates hidden; --raw shows them)\n\
     \n\
     Usage:\n\
     \x20 kubectl config SUBCOMMAND [options]\n"
        .to_string()
}

/// `kubectl config SUBCOMMAND …`.
pub fn run(config: &mut KubeConfig, args: &[String]) -> Output {
    let Some((sub, rest)) = args.split_first() else {
        // cobra's DefaultSubCommandRun: the help, on stderr, and exit status 1.
        return Output {
            stderr: help(),
            exit_code: 1,
            ..Output::default()
        };
    };
    if rest.iter().any(|a| a == "-h" || a == "--help") || matches!(sub.as_str(), "-h" | "--help") {
        return Output::ok(help());
    }
    match sub.as_str() {
        "view" => view(config, rest),
        "current-context" => {
            if let Err(out) = parse("current-context", NO_FLAGS, rest) {
                return out;
            }
            if config.current_context.is_empty() {
                Output::error("current-context is not set")
            } else {
                Output::ok(format!("{}\n", config.current_context))
            }
        }
        "get-contexts" => get_contexts(config, rest),
        "get-clusters" => names(
            "get-clusters",
            rest,
            config.clusters.keys().cloned().collect(),
        ),
        "get-users" => names("get-users", rest, config.users.clone()),
        "use-context" | "use" => {
            let parsed = match parse("use-context", NO_FLAGS, rest) {
                Ok(p) => p,
                Err(out) => return out,
            };
            let [name] = parsed.args.as_slice() else {
                return Output::error(format!("Unexpected args: [{}]", parsed.args.join(" ")));
            };
            if !config.contexts.contains_key(name) {
                return Output::error(format!("no context exists with the name: \"{name}\""));
            }
            config.current_context = name.clone();
            Output::ok(format!("Switched to context \"{name}\".\n"))
        }
        "set-context" => set_context(config, rest),
        "rename-context" => {
            let parsed = match parse("rename-context", NO_FLAGS, rest) {
                Ok(p) => p,
                Err(out) => return out,
            };
            let [old, new] = parsed.args.as_slice() else {
                return Output::error(format!("Unexpected args: [{}]", parsed.args.join(" ")));
            };
            let Some(ctx) = config.contexts.get(old).cloned() else {
                return Output::error(format!(
                    "cannot rename the context \"{old}\", it's not in {PATH}"
                ));
            };
            if config.contexts.contains_key(new) {
                return Output::error(format!(
                    "cannot rename the context \"{old}\", the context \"{new}\" already exists in {PATH}"
                ));
            }
            config.contexts.remove(old);
            config.contexts.insert(new.clone(), ctx);
            if config.current_context == *old {
                config.current_context = new.clone();
            }
            Output::ok(format!("Context \"{old}\" renamed to \"{new}\".\n"))
        }
        "delete-context" => {
            let parsed = match parse("delete-context", NO_FLAGS, rest) {
                Ok(p) => p,
                Err(out) => return out,
            };
            let name = match parsed.args.as_slice() {
                [] => return Output::ok(help()),
                [name, ..] => name,
            };
            if config.contexts.remove(name).is_none() {
                return Output::error(format!("cannot delete context {name}, not in {PATH}"));
            }
            let mut out = Output::default();
            if config.current_context == *name {
                out.stderr = "warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n".into();
            }
            out.stdout = format!("deleted context {name} from {PATH}\n");
            out
        }
        "delete-cluster" | "delete-user" | "set" | "set-cluster" | "set-credentials" | "unset" => {
            Output::error(format!(
                "\"kubectl config {sub}\" is not available in this playground yet; try \"kubectl config view\""
            ))
        }
        other => Output::error(format!(
            "unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples"
        )),
    }
}

fn parse(
    sub: &str,
    flags: &[Flag],
    rest: &[String],
) -> Result<crate::generators::cli::Parsed, Output> {
    let path: &'static str = match sub {
        "view" => "kubectl config view",
        "get-contexts" => "kubectl config get-contexts",
        "set-context" => "kubectl config set-context",
        "use-context" => "kubectl config use-context",
        "get-clusters" => "kubectl config get-clusters",
        "get-users" => "kubectl config get-users",
        "rename-context" => "kubectl config rename-context",
        "delete-context" => "kubectl config delete-context",
        _ => "kubectl config current-context",
    };
    Cmd { path }.parse(flags, &[], rest)
}

fn view(config: &KubeConfig, rest: &[String]) -> Output {
    let parsed = match parse("view", VIEW_FLAGS, rest) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let minify = parsed.bool("minify");
    if minify {
        if config.current_context.is_empty() {
            return Output::error("current-context must exist in order to minify");
        }
        if !config.contexts.contains_key(&config.current_context) {
            return Output::error(format!("cannot locate context {}", config.current_context));
        }
    }
    let value = config.to_value(minify, parsed.bool("raw"));
    let output = parsed.string_or_empty("output");
    match output {
        "" | "yaml" => Output::ok(yaml::to_string(&value)),
        "json" => Output::ok(crate::printers::json::to_string(&value)),
        o if jsonpath::template_of(o).is_some() => {
            let (template, as_json) = jsonpath::template_of(o).unwrap_or_default();
            match jsonpath::print_template(template, as_json, &value) {
                Ok(text) => Output::ok(text),
                Err(e) => Output::error(e),
            }
        }
        other => Output::error(format!(
            "unable to match a printer suitable for the output format \"{other}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml"
        )),
    }
}

fn get_contexts(config: &KubeConfig, rest: &[String]) -> Output {
    let parsed = match parse("get-contexts", GET_CONTEXTS_FLAGS, rest) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let output = parsed.string_or_empty("output");
    if !matches!(output, "" | "name") {
        return Output::error(format!(
            "--output {output} is not available in kubectl config get-contexts; resetting to default output format"
        ));
    }
    let mut out = Output::default();
    let mut shown: Vec<&String> = Vec::new();
    if parsed.args.is_empty() {
        shown = config.contexts.keys().collect();
    } else {
        for name in &parsed.args {
            match config.contexts.get_key_value(name) {
                Some((k, _)) => shown.push(k),
                None => {
                    out.stderr
                        .push_str(&format!("error: context {name} not found\n"));
                    out.exit_code = 1;
                }
            }
        }
    }
    if output == "name" {
        for n in shown {
            out.stdout.push_str(n);
            out.stdout.push('\n');
        }
        return out;
    }
    let mut rows = Vec::new();
    if !parsed.bool("no-headers") {
        rows.push(
            ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
                .map(String::from)
                .to_vec(),
        );
    }
    for n in shown {
        let Some(c) = config.contexts.get(n) else {
            continue;
        };
        let mark = if *n == config.current_context {
            "*"
        } else {
            ""
        };
        rows.push(vec![
            mark.to_string(),
            n.clone(),
            c.cluster.clone(),
            c.user.clone(),
            c.namespace.clone(),
        ]);
    }
    out.stdout.push_str(&table::render(&rows));
    out
}

fn names(sub: &str, rest: &[String], names: Vec<String>) -> Output {
    if let Err(out) = parse(sub, NO_FLAGS, rest) {
        return out;
    }
    let mut s = "NAME\n".to_string();
    for n in names {
        s.push_str(&n);
        s.push('\n');
    }
    Output::ok(s)
}

fn set_context(config: &mut KubeConfig, rest: &[String]) -> Output {
    let parsed = match parse("set-context", SET_CONTEXT_FLAGS, rest) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let current = parsed.bool("current");
    let name = match (current, parsed.args.as_slice()) {
        (true, []) => {
            if config.current_context.is_empty() {
                return Output::error("no current context is set");
            }
            config.current_context.clone()
        }
        (true, _) => {
            return Output::error("you cannot specify both a context name and --current");
        }
        (false, [name]) if !name.is_empty() => name.clone(),
        (false, []) => {
            return Output::error("you must specify a non-empty context name or --current");
        }
        (false, _) => {
            return Output::error(format!("Unexpected args: [{}]", parsed.args.join(" ")));
        }
    };
    let exists = config.contexts.contains_key(&name);
    let ctx = config.contexts.entry(name.clone()).or_default();
    for (flag, field) in [
        ("cluster", &mut ctx.cluster),
        ("user", &mut ctx.user),
        ("namespace", &mut ctx.namespace),
    ] {
        if let Some(v) = parsed.string(flag) {
            *field = v.to_string();
        }
    }
    let verb = if exists { "modified" } else { "created" };
    Output::ok(format!("Context \"{name}\" {verb}.\n"))
}

pub fn cluster_info_help() -> String {
    "Print where the control plane and the cluster's add-on services answer.\n\
     \n\
     Usage:\n\
     \x20 kubectl cluster-info [flags] [options]\n"
        .to_string()
}

/// `kubectl cluster-info`: the control plane, and every kube-system service labelled
/// `kubernetes.io/cluster-service=true` (CoreDNS in a kind cluster).
pub fn cluster_info(cluster: &Cluster, args: &[String]) -> Output {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Output::ok(cluster_info_help());
    }
    let cmd = Cmd {
        path: "kubectl cluster-info",
    };
    let parsed = match cmd.parse(NO_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.args.first().is_some_and(|a| a == "dump") {
        return Output::error(
            "\"kubectl cluster-info dump\" is not available in this playground yet; try \"kubectl cluster-info\"",
        );
    }
    let mut s = format!("Kubernetes control plane is running at {SERVER}\n");
    // Every kube-system Service labelled as a cluster service, linked through the api-server's
    // proxy as `<scheme>:<service>:<first port name>` (kind's kube-dns: `CoreDNS`).
    let services = cluster
        .api()
        .list(
            sim::Kind::Service,
            Some("kube-system"),
            &sim::ListOptions::labels("kubernetes.io/cluster-service=true"),
        )
        .map(|l| l.items)
        .unwrap_or_default();
    for object in &services {
        let sim::Object::Service(svc) = object else {
            continue;
        };
        let meta = &svc.metadata;
        let mut target = meta.name.to_string();
        if let Some(port) = svc.spec.ports.first() {
            // utilnet.JoinSchemeNamePort
            target = if port.name == "https" || port.port == 443 {
                format!("https:{}:{}", meta.name, port.name)
            } else if port.name.is_empty() {
                meta.name.to_string()
            } else {
                format!("{}:{}", meta.name, port.name)
            };
        }
        let shown = meta
            .labels
            .get("kubernetes.io/name")
            .cloned()
            .unwrap_or_else(|| meta.name.to_string());
        s.push_str(&format!(
            "{shown} is running at {SERVER}/api/v1/namespaces/{}/services/{target}/proxy\n",
            meta.namespace
        ));
    }
    s.push_str(
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    );
    Output::ok(s)
}

/// `kubectl api-versions`: every group/version the simulated server serves, sorted.
pub fn api_versions(args: &[String]) -> Output {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Output::ok(
            "Print the API group/versions the cluster serves, one per line.\n\nUsage:\n  kubectl api-versions [options]\n",
        );
    }
    let cmd = Cmd {
        path: "kubectl api-versions",
    };
    let parsed = match cmd.parse(NO_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if let Some(extra) = parsed.args.first() {
        return Output::error(format!(
            "unexpected arguments: [{extra}]\nSee 'kubectl api-versions -h' for help and examples"
        ));
    }
    let mut versions: Vec<String> = sim::Kind::ALL
        .iter()
        .map(|k| {
            let info = k.info();
            if info.group.is_empty() {
                info.version.to_string()
            } else {
                format!("{}/{}", info.group, info.version)
            }
        })
        .collect();
    versions.sort();
    versions.dedup();
    let mut s = String::new();
    for v in versions {
        s.push_str(&v);
        s.push('\n');
    }
    Output::ok(s)
}
