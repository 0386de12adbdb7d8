//! Manifests: `kubectl apply -f`, `kubectl create -f` and the objects `kubectl delete -f` names.
//!
//! `-f` reads a file, a folder (its `.json`, `.yaml` and `.yml` files; `-R` goes into
//! subfolders) or `-` (standard input) from the playground's files. YAML documents are split on
//! `---` lines as apimachinery's YAML reader does (so a syntax error's line counts from the start
//! of its document), parsed with serde_yaml, and handled as JSON values. Apply is kubectl's
//! client-side apply: the `kubectl.kubernetes.io/last-applied-configuration` annotation and a
//! three-way patch between it, the manifest and the live object.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::generators::common::{CREATE_FLAGS, DryRun, Options};
use crate::generators::write_go_string;
use crate::printers::{self, yaml};
use crate::shell::Io;
use crate::{Output, errors};
use serde_json::{Map, Value};
use sim::{
    Actor, Cluster, FieldValidation, Kind, Patch, PatchType, Status, StatusReason, WriteOptions,
};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// One object read from a manifest, with what kubectl knows about it.
#[derive(Clone, Debug)]
pub struct Item {
    /// The file it came from, as kubectl names it (`web.yaml`, `k8s/web.yaml`, `STDIN`).
    pub source: String,
    pub kind: Kind,
    /// The namespace it goes to (empty for cluster-scoped kinds).
    pub namespace: String,
    pub name: String,
    pub value: Value,
}

/// An error kubectl reports at the end of a `-f` command.
#[derive(Clone, Debug)]
pub enum Failure {
    /// A server error, its message already prefixed (`error when creating "x.yaml": …`).
    Server(Status),
    /// A client error (`error parsing …`), without `error: `.
    Client(String),
}

/// A read error and how many objects were read before it.
pub type Positioned = (usize, Failure);

/// kubectl's `CheckErr` over the collected errors: one is printed on its own, several one per
/// line (`MultipleErrors`, where `Invalid` errors keep the `Error from server` form).
pub fn render_failures(failures: &[Failure]) -> String {
    match failures {
        [] => String::new(),
        [Failure::Server(s)] => errors::status_text(s) + "\n",
        [Failure::Client(m)] => {
            if m.starts_with("error: ") {
                format!("{m}\n")
            } else {
                format!("error: {m}\n")
            }
        }
        many => many
            .iter()
            .map(|f| match f {
                Failure::Server(s) => {
                    format!("Error from server ({}): {}\n", s.reason.as_str(), s.message)
                }
                Failure::Client(m) => format!("{m}\n"),
            })
            .collect(),
    }
}

/// `AddSourceToErr`: `error when <verb> "<source>": <message>`.
pub(crate) fn with_source(status: &Status, verb: &str, source: &str) -> Status {
    let mut s = status.clone();
    s.message = format!(
        "error when {verb} {}: {}",
        errors::go_quote(source),
        s.message
    );
    s
}

fn is_url(path: &str) -> bool {
    path.starts_with("http://") || path.starts_with("https://")
}

/// Reads every `-f` argument: (source name, text) pairs, or the error that stops kubectl
/// before it reads any object.
fn read_sources(
    io: &Io,
    filenames: &[String],
    recursive: bool,
) -> Result<Vec<(String, String)>, Output> {
    let mut out = Vec::new();
    let mut failures = Vec::new();
    for f in filenames {
        if f == "-" {
            out.push(("STDIN".to_string(), io.stdin.unwrap_or("").to_string()));
            continue;
        }
        if is_url(f) {
            failures.push(Failure::Client(format!(
                "the playground has no network, so it cannot download {}; paste the manifest instead, e.g. kubectl apply -f - <<EOF … EOF, or save it with cat <<EOF > file.yaml … EOF",
                errors::go_quote(f)
            )));
            continue;
        }
        match io.files.entry(f) {
            None => failures.push(Failure::Client(format!("the path \"{f}\" does not exist"))),
            Some(crate::files::Entry::File) => {
                out.push((f.clone(), io.files.read(f).unwrap_or("").to_string()));
            }
            Some(crate::files::Entry::Dir) => {
                let before = out.len();
                for path in io.files.files_in(f, recursive) {
                    let manifest = [".json", ".yaml", ".yml"]
                        .iter()
                        .any(|ext| path.ends_with(ext));
                    if manifest {
                        out.push((path.clone(), io.files.read(&path).unwrap_or("").to_string()));
                    }
                }
                if out.len() == before {
                    failures.push(Failure::Client(format!(
                        "error reading [{f}]: recognized file extensions are [.json .yaml .yml]"
                    )));
                }
            }
        }
    }
    if !failures.is_empty() {
        return Err(Output {
            stderr: render_failures(&failures),
            exit_code: 1,
            ..Output::default()
        });
    }
    Ok(out)
}

/// Splits a YAML stream into documents on `---` lines (apimachinery's `YAMLReader`).
fn yaml_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                docs.push(String::new());
                continue;
            }
        }
        if let Some(d) = docs.last_mut() {
            d.push_str(line);
        }
    }
    docs
}

/// Problems libyaml's parser (not its scanner) reports: go-yaml does not add one to their line.
const PARSER_PROBLEMS: &[&str] = &[
    "did not find expected <document start>",
    "did not find expected node content",
    "did not find expected key",
    "did not find expected '-' indicator",
    "did not find expected ',' or ']'",
    "did not find expected ',' or '}'",
    "found undefined tag handle",
    "found duplicate %YAML directive",
    "found incompatible YAML document",
    "found duplicate %TAG directive",
];

/// go-yaml's `yaml: line N: problem` for a serde_yaml error.
pub(crate) fn go_yaml_error(err: &serde_yaml::Error) -> String {
    let text = err.to_string();
    let problem = text
        .split(" at line ")
        .next()
        .unwrap_or(&text)
        .split(", while ")
        .next()
        .unwrap_or(&text)
        .to_string();
    let line = err.location().map_or(0, |l| l.line());
    let line = if PARSER_PROBLEMS.contains(&problem.as_str()) {
        line.saturating_sub(1)
    } else {
        line
    };
    if line == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {line}: {problem}")
    }
}

/// The documents of one file as JSON values (nulls — empty documents — dropped); a parse error
/// ends the file.
fn parse_file(source: &str, text: &str) -> (Vec<Value>, Option<String>) {
    let mut values = Vec::new();
    if text.trim_start().starts_with('{') {
        let stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        for v in stream {
            match v {
                Ok(v) => values.push(v),
                Err(e) => {
                    let why = if e.is_eof() {
                        "unexpected EOF".to_string()
                    } else {
                        format!("invalid JSON: {e}")
                    };
                    return (values, Some(format!("error parsing {source}: {why}")));
                }
            }
        }
        return (values, None);
    }
    for doc in yaml_documents(text) {
        match serde_yaml::from_str::<serde_yaml::Value>(&doc) {
            Ok(serde_yaml::Value::Null) => {}
            Ok(v) => match serde_json::to_value(&v) {
                Ok(j) => values.push(j),
                Err(e) => {
                    return (
                        values,
                        Some(format!(
                            "error parsing {source}: error converting YAML to JSON: {e}"
                        )),
                    );
                }
            },
            Err(e) => {
                return (
                    values,
                    Some(format!(
                        "error parsing {source}: error converting YAML to JSON: {}",
                        go_yaml_error(&e)
                    )),
                );
            }
        }
    }
    (values, None)
}

/// Kinds real clusters serve that the simulated one does not (yet).
fn not_simulated(api_version: &str, kind: &str) -> bool {
    matches!(
        (api_version, kind),
        ("v1", "Service")
            | ("v1", "Endpoints")
            | ("v1", "PersistentVolumeClaim")
            | ("v1", "PersistentVolume")
            | ("v1", "ReplicationController")
            | ("v1", "ResourceQuota")
            | ("v1", "LimitRange")
            | ("apps/v1", "StatefulSet")
            | ("batch/v1", "Job")
            | ("batch/v1", "CronJob")
            | ("networking.k8s.io/v1", "Ingress")
            | ("networking.k8s.io/v1", "NetworkPolicy")
            | ("autoscaling/v2", "HorizontalPodAutoscaler")
            | ("autoscaling/v1", "HorizontalPodAutoscaler")
            | ("rbac.authorization.k8s.io/v1", "Role")
            | ("rbac.authorization.k8s.io/v1", "RoleBinding")
            | ("rbac.authorization.k8s.io/v1", "ClusterRole")
            | ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")
    )
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(next) => cur = next,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

/// Reads every object the `-f` arguments name, as cli-runtime's builder does: the objects it
/// could read, and the errors that stopped a file, each with the number of objects read before
/// it (commands that visit objects as they are read report errors in that order).
pub(crate) fn read_items(
    io: &Io,
    filenames: &[String],
    recursive: bool,
    namespace: Option<&str>,
) -> Result<(Vec<Item>, Vec<Positioned>), Output> {
    let sources = read_sources(io, filenames, recursive)?;
    let mut items = Vec::new();
    let mut failures = Vec::new();
    let context_ns = crate::config::default_namespace();
    let default_ns = namespace
        .filter(|n| !n.is_empty())
        .unwrap_or(context_ns.as_str());
    for (source, text) in &sources {
        let (values, parse_error) = parse_file(source, text);
        let mut stopped = false;
        let mut queue: Vec<Value> = Vec::new();
        for v in values {
            // A `List` stands for its items.
            if v.get("kind").and_then(Value::as_str) == Some("List")
                && let Some(items) = v.get("items").and_then(Value::as_array)
            {
                queue.extend(items.iter().cloned());
            } else {
                queue.push(v);
            }
        }
        for mut v in queue {
            let api_version = str_at(&v, &["apiVersion"]).to_string();
            let kind_name = str_at(&v, &["kind"]).to_string();
            let missing: Vec<&str> = [
                ("apiVersion not set", api_version.is_empty()),
                ("kind not set", kind_name.is_empty()),
            ]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(s, _)| *s)
            .collect();
            if !missing.is_empty() {
                let what = if missing.len() == 1 {
                    missing[0].to_string()
                } else {
                    format!("[{}]", missing.join(", "))
                };
                failures.push((items.len(), Failure::Client(format!(
                    "error validating {}: error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false",
                    errors::go_quote(source)
                ))));
                stopped = true;
                break;
            }
            let name = str_at(&v, &["metadata", "name"]).to_string();
            let Some(kind) = Kind::from_type_meta(&api_version, &kind_name) else {
                let message = if not_simulated(&api_version, &kind_name) {
                    // Simplification: the simulated cluster does not serve this kind yet.
                    format!(
                        "{} {} from {}: {}s are not simulated in this playground yet",
                        kind_name,
                        errors::go_quote(&name),
                        errors::go_quote(source),
                        kind_name.to_lowercase()
                    )
                } else {
                    format!(
                        "resource mapping not found for name: {} namespace: {} from {}: no matches for kind {} in version {}\nensure CRDs are installed first",
                        errors::go_quote(&name),
                        errors::go_quote(str_at(&v, &["metadata", "namespace"])),
                        errors::go_quote(source),
                        errors::go_quote(&kind_name),
                        errors::go_quote(&api_version)
                    )
                };
                failures.push((items.len(), Failure::Client(message)));
                stopped = true;
                break;
            };
            let mut ns = String::new();
            if kind.info().namespaced {
                let own = str_at(&v, &["metadata", "namespace"]).to_string();
                if let Some(flag_ns) = namespace.filter(|n| !n.is_empty())
                    && !own.is_empty()
                    && own != flag_ns
                {
                    failures.push((items.len(), Failure::Client(format!(
                        "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={own}' to perform this operation.",
                        errors::go_quote(&own),
                        errors::go_quote(flag_ns)
                    ))));
                    stopped = true;
                    break;
                }
                ns = if own.is_empty() {
                    default_ns.to_string()
                } else {
                    own
                };
                if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.insert("namespace".into(), Value::String(ns.clone()));
                }
            }
            items.push(Item {
                source: source.clone(),
                kind,
                namespace: ns,
                name,
                value: v,
            });
        }
        if !stopped && let Some(e) = parse_error {
            failures.push((items.len(), Failure::Client(e)));
        }
    }
    Ok((items, failures))
}

/// Go's `json.Marshal` of an unstructured object: compact, keys sorted, HTML-safe strings.
pub fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_go_json(&mut out, v);
    out
}

fn write_go_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_go_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(out, k);
                out.push(':');
                write_go_json(out, &map[k]);
            }
            out.push('}');
        }
    }
}

/// The object with its last-applied annotation set, as `GetModifiedConfiguration` builds it:
/// the annotation holds the object itself (its other annotations kept, `{}` when none) as
/// compact JSON plus a newline.
pub fn with_last_applied(value: &Value) -> Value {
    let mut applied = value.clone();
    let Some(meta) = applied.get_mut("metadata").and_then(Value::as_object_mut) else {
        return value.clone();
    };
    let mut annotations = meta
        .get("annotations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    annotations.remove(LAST_APPLIED);
    meta.insert("annotations".into(), Value::Object(annotations.clone()));
    let text = go_json(&applied) + "\n";
    annotations.insert(LAST_APPLIED.into(), Value::String(text));
    if let Some(meta) = applied.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("annotations".into(), Value::Object(annotations));
    }
    applied
}

/// Whether every field of `m` is in `c` with the same value (lists item by item).
fn subset(m: &Value, c: &Value) -> bool {
    match (m, c) {
        (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| match b.get(k) {
            Some(cv) => subset(v, cv),
            None => v.is_null() || v.as_object().is_some_and(Map::is_empty),
        }),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| subset(x, y))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// The three-way patch between the last applied configuration, the new one and the live
/// object: fields of `modified` that differ from `current`, and `null` for fields `original`
/// had and `modified` dropped. A list that changed is sent whole; `shrinks` is set when such a
/// list has fewer items than the live one.
// Simplification: kubectl computes a strategic merge patch with `$patch` directives. Timonel
// sends the changed lists whole, as a strategic merge patch (lists with merge keys, such as
// `containers`, are merged by key so server defaults stay), or as a JSON merge patch when a
// list lost items (the list is then replaced, and the server defaults its items again).
fn three_way(
    original: Option<&Value>,
    modified: &Map<String, Value>,
    current: &Map<String, Value>,
    shrinks: &mut bool,
) -> Map<String, Value> {
    let mut patch = Map::new();
    for (k, m) in modified {
        let c = current.get(k);
        match (m, c) {
            (Value::Object(mm), Some(Value::Object(cm))) => {
                let sub = three_way(original.and_then(|o| o.get(k)), mm, cm, shrinks);
                if !sub.is_empty() {
                    patch.insert(k.clone(), Value::Object(sub));
                }
            }
            (Value::Null, None) => {}
            (m, Some(c)) if subset(m, c) => {}
            (m, c) => {
                if let (Value::Array(ma), Some(Value::Array(ca))) = (m, c)
                    && ma.len() < ca.len()
                {
                    *shrinks = true;
                }
                patch.insert(k.clone(), m.clone());
            }
        }
    }
    if let Some(Value::Object(orig)) = original {
        for k in orig.keys() {
            if !modified.contains_key(k) && current.contains_key(k) {
                patch.insert(k.clone(), Value::Null);
            }
        }
    }
    patch
}

fn gvk(kind: Kind) -> String {
    let info = kind.info();
    format!("{}/{}, Kind={}", info.group, info.version, info.kind)
}

/// kubectl's printer after a write: the object, its name, or `<kind>/<name> <operation>`.
pub(crate) fn print_result(
    kind: Kind,
    name: &str,
    object: &Value,
    output: &str,
    operation: &str,
    dry_run: DryRun,
) -> String {
    let id = format!("{}/{name}", printers::kind_name(kind));
    match output {
        "yaml" => yaml::to_string(object),
        "json" => printers::json::to_string(object),
        "name" => id + "\n",
        _ => {
            let suffix = match dry_run {
                DryRun::None => "",
                DryRun::Client => " (dry run)",
                DryRun::Server => " (server dry run)",
            };
            format!("{id} {operation}{suffix}\n")
        }
    }
}

pub(crate) const FILE_FLAGS: &[Flag] = &[
    short("filename", 'f', FlagKind::StringSlice),
    short("recursive", 'R', FlagKind::Bool),
    short("kustomize", 'k', FlagKind::String),
    short("selector", 'l', FlagKind::String),
];

const APPLY_FLAGS: &[Flag] = &[
    flag("overwrite", FlagKind::Bool),
    flag("prune", FlagKind::Bool),
    flag("server-side", FlagKind::Bool),
    flag("force-conflicts", FlagKind::Bool),
    flag("force", FlagKind::Bool),
    flag("wait", FlagKind::Bool),
    flag("timeout", FlagKind::String),
    flag("grace-period", FlagKind::Int),
    flag("cascade", FlagKind::String),
    flag("all", FlagKind::Bool),
    flag("record", FlagKind::Bool),
    flag("openapi-patch", FlagKind::Bool),
];

/// The options `apply -f` and `create -f` share; `None` when the command is done already.
fn common(
    cmd: &Cmd,
    extra: &[Flag],
    args: &[String],
) -> Result<(Options, Vec<String>, bool, FieldValidation), Output> {
    let specs = [FILE_FLAGS, extra, CREATE_FLAGS].concat();
    let parsed = cmd.parse(&specs, &[], args)?;
    if let Some(v) = parsed.string("validate")
        && !matches!(
            v,
            "strict" | "true" | "warn" | "ignore" | "false" | "True" | "False" | "1" | "0"
        )
    {
        return Err(Output::error(format!(
            "invalid - validate option {}; must be one of: strict (or true), warn, ignore (or false)",
            errors::go_quote(v)
        )));
    }
    let validation = match parsed.string("validate") {
        Some("warn") => FieldValidation::Warn,
        Some("ignore" | "false" | "False" | "0") => FieldValidation::Ignore,
        _ => FieldValidation::Strict,
    };
    let options = Options::from_flags(&parsed)?;
    if parsed.changed("selector") {
        return Err(Output::error(
            "-l/--selector with -f is not available in this playground yet",
        ));
    }
    if parsed.changed("kustomize") {
        return Err(Output::error(
            "-k (kustomize) is not available in this playground; use -f with a file or folder",
        ));
    }
    if parsed.bool("server-side") {
        return Err(Output::error(
            "--server-side is not available in this playground yet; kubectl apply without it does a client-side apply",
        ));
    }
    if parsed.bool("prune") {
        return Err(Output::error(
            "--prune is not available in this playground yet",
        ));
    }
    let filenames = parsed.list("filename");
    if filenames.is_empty() {
        return Err(Output::error("must specify one of -f and -k"));
    }
    if !parsed.args.is_empty() {
        return Err(cmd.usage_error(&format!("Unexpected args: [{}]", parsed.args.join(" "))));
    }
    Ok((options, filenames, parsed.bool("recursive"), validation))
}

fn write_opts(options: &Options, field_validation: FieldValidation) -> WriteOptions {
    WriteOptions {
        dry_run: options.dry_run == DryRun::Server,
        field_validation,
    }
}

/// `kubectl apply -f FILE|DIR|-`
pub(crate) fn apply(cluster: &mut Cluster, io: &Io, args: &[String]) -> Output {
    let cmd = Cmd {
        path: "kubectl apply",
    };
    let (options, filenames, recursive, validation) = match common(&cmd, APPLY_FLAGS, args) {
        Ok(x) => x,
        Err(out) => return out,
    };
    // apply reads every object before it applies any.
    let (items, mut failures) =
        match read_items(io, &filenames, recursive, options.namespace.as_deref()) {
            Ok((items, read)) => (items, read.into_iter().map(|(_, f)| f).collect::<Vec<_>>()),
            Err(out) => return out,
        };
    let mut out = Output::default();
    if let Some(w) = options.warning() {
        out.stderr.push_str(w);
    }
    if items.is_empty() && failures.is_empty() {
        return Output::error("no objects passed to apply");
    }
    let opts = write_opts(&options, validation);
    let actor = Actor::kubectl();
    for item in &items {
        if item.name.is_empty() {
            failures.push(Failure::Client(format!(
                "error when retrieving current configuration of:\nResource: \"{}\", GroupVersionKind: \"{}\"\nName: \"\", Namespace: {}\nfrom server for: {}: resource name may not be empty",
                crate::resources::gvr(item.kind),
                gvk(item.kind),
                errors::go_quote(&item.namespace),
                errors::go_quote(&item.source),
            )));
            continue;
        }
        let modified = with_last_applied(&item.value);
        let current = cluster.api().get(item.kind, &item.namespace, &item.name);
        match current {
            Err(status) if status.reason == StatusReason::NotFound => {
                if options.dry_run == DryRun::Client {
                    out.stdout.push_str(&print_result(
                        item.kind,
                        &item.name,
                        &modified,
                        &options.output,
                        "created",
                        options.dry_run,
                    ));
                    continue;
                }
                match cluster
                    .api_mut()
                    .create_json(&actor, &item.namespace, &modified, &opts)
                {
                    Ok(written) => {
                        for w in &written.warnings {
                            out.stderr.push_str(&format!("Warning: {w}\n"));
                        }
                        out.stdout.push_str(&print_result(
                            item.kind,
                            &item.name,
                            &printers::object_value(&written.object),
                            &options.output,
                            "created",
                            options.dry_run,
                        ));
                    }
                    Err(status) => failures.push(Failure::Server(with_source(
                        &status,
                        "creating",
                        &item.source,
                    ))),
                }
            }
            Err(status) => failures.push(Failure::Server(with_source(
                &status,
                "retrieving current configuration of",
                &item.source,
            ))),
            Ok(live) => {
                if options.dry_run == DryRun::Client {
                    out.stdout.push_str(&print_result(
                        item.kind,
                        &item.name,
                        &modified,
                        &options.output,
                        "configured",
                        options.dry_run,
                    ));
                    continue;
                }
                let live_json = printers::object_value(&live);
                let original: Option<Value> = live
                    .metadata()
                    .annotations
                    .get(LAST_APPLIED)
                    .and_then(|s| serde_json::from_str(s).ok());
                if original.is_none() {
                    out.stderr.push_str(&format!(
                        "Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
                        item.kind.info().plural,
                        item.name
                    ));
                }
                let empty = Map::new();
                let mut shrinks = false;
                let patch = three_way(
                    original.as_ref(),
                    modified.as_object().unwrap_or(&empty),
                    live_json.as_object().unwrap_or(&empty),
                    &mut shrinks,
                );
                if patch.is_empty() {
                    let text = match options.output.as_str() {
                        "" => print_result(
                            item.kind,
                            &item.name,
                            &live_json,
                            "",
                            "unchanged",
                            options.dry_run,
                        ),
                        o => {
                            print_result(item.kind, &item.name, &live_json, o, "", options.dry_run)
                        }
                    };
                    out.stdout.push_str(&text);
                    continue;
                }
                let body = Value::Object(patch);
                match cluster.api_mut().patch(
                    &actor,
                    item.kind,
                    &item.namespace,
                    &item.name,
                    &Patch {
                        type_: if shrinks {
                            PatchType::Merge
                        } else {
                            PatchType::Strategic
                        },
                        body: body.clone(),
                    },
                    &opts,
                ) {
                    Ok(written) => {
                        for w in &written.warnings {
                            out.stderr.push_str(&format!("Warning: {w}\n"));
                        }
                        out.stdout.push_str(&print_result(
                            item.kind,
                            &item.name,
                            &printers::object_value(&written.object),
                            &options.output,
                            "configured",
                            options.dry_run,
                        ));
                    }
                    Err(status) => {
                        let mut s = with_source(&status, "patching", &item.source);
                        s.message = format!(
                            "error when applying patch:\n{}\nto:\nResource: \"{}\", GroupVersionKind: \"{}\"\nName: {}, Namespace: {}\nfor: {}: {}",
                            go_json(&body),
                            crate::resources::gvr(item.kind),
                            gvk(item.kind),
                            errors::go_quote(&item.name),
                            errors::go_quote(&item.namespace),
                            errors::go_quote(&item.source),
                            s.message
                        );
                        failures.push(Failure::Server(s));
                    }
                }
            }
        }
    }
    if options.dry_run == DryRun::None {
        cluster.settle();
    }
    finish(out, &failures)
}

fn finish(mut out: Output, failures: &[Failure]) -> Output {
    if !failures.is_empty() {
        out.stderr.push_str(&render_failures(failures));
        out.exit_code = 1;
    }
    out
}

/// `kubectl create -f FILE|DIR|-`
pub(crate) fn create(cluster: &mut Cluster, io: &Io, args: &[String]) -> Output {
    let cmd = Cmd {
        path: "kubectl create",
    };
    let (options, filenames, recursive, validation) = match common(
        &cmd,
        &[
            flag("edit", FlagKind::Bool),
            flag("raw", FlagKind::String),
            flag("windows-line-endings", FlagKind::Bool),
        ],
        args,
    ) {
        Ok(x) => x,
        Err(out) => return out,
    };
    // create visits objects as they are read: errors come in file order.
    let (items, mut pending) =
        match read_items(io, &filenames, recursive, options.namespace.as_deref()) {
            Ok(x) => x,
            Err(out) => return out,
        };
    let mut out = Output::default();
    if let Some(w) = options.warning() {
        out.stderr.push_str(w);
    }
    if items.is_empty() && pending.is_empty() {
        return Output::error("no objects passed to create");
    }
    let opts = write_opts(&options, validation);
    let mut failures = Vec::new();
    pending.reverse();
    for (i, item) in items.iter().enumerate() {
        while pending.last().is_some_and(|(at, _)| *at <= i) {
            failures.extend(pending.pop().map(|(_, f)| f));
        }
        let body = if options.save_config {
            with_last_applied(&item.value)
        } else {
            item.value.clone()
        };
        if options.dry_run == DryRun::Client {
            out.stdout.push_str(&print_result(
                item.kind,
                &item.name,
                &body,
                &options.output,
                "created",
                options.dry_run,
            ));
            continue;
        }
        match cluster
            .api_mut()
            .create_json(&Actor::kubectl(), &item.namespace, &body, &opts)
        {
            Ok(written) => {
                for w in &written.warnings {
                    out.stderr.push_str(&format!("Warning: {w}\n"));
                }
                out.stdout.push_str(&print_result(
                    item.kind,
                    &written.object.metadata().name,
                    &printers::object_value(&written.object),
                    &options.output,
                    "created",
                    options.dry_run,
                ));
            }
            Err(status) => failures.push(Failure::Server(with_source(
                &status,
                "creating",
                &item.source,
            ))),
        }
    }
    failures.extend(pending.into_iter().rev().map(|(_, f)| f));
    if options.dry_run == DryRun::None {
        cluster.settle();
    }
    finish(out, &failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_read_as_go_yaml_writes_them() {
        let (_, e) = parse_file("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata\n  name: x\n");
        assert_eq!(
            e.unwrap(),
            "error parsing a.yaml: error converting YAML to JSON: yaml: line 4: could not find expected ':'"
        );
        let (_, e) = parse_file(
            "c.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: [nginx\n",
        );
        assert_eq!(
            e.unwrap(),
            "error parsing c.yaml: error converting YAML to JSON: yaml: line 8: did not find expected ',' or ']'"
        );
    }

    #[test]
    fn last_applied_is_compact_sorted_json() {
        let v: Value =
            serde_json::json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}});
        let a = with_last_applied(&v);
        assert_eq!(
            a["metadata"]["annotations"][LAST_APPLIED],
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"name\":\"a\"}}\n"
        );
    }
}
