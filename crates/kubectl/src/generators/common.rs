//! What every generator shares: `--dry-run`, `-o`, `-n`, `--save-config`, and printing or
//! (later) sending the generated object.

use super::cli::{Flag, Kind, Parsed, flag, optional, short};
use super::doc::Doc;
use crate::printers::{jsonpath, yaml};
use crate::{Output, errors, printers};
use sim::{Actor, Cluster, WriteOptions};

/// The printing and request flags every `kubectl create <generator>` accepts.
pub const CREATE_FLAGS: &[Flag] = &[
    short("output", 'o', Kind::String),
    flag("template", Kind::String),
    flag("show-managed-fields", Kind::Bool),
    flag("allow-missing-template-keys", Kind::Bool),
    flag("save-config", Kind::Bool),
    optional("validate", "strict"),
    optional("dry-run", "unchanged"),
    flag("field-manager", Kind::String),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

const DRY_RUN_DEPRECATED: &str =
    "Warning: --dry-run is deprecated and can be replaced with --dry-run=client.\n";

impl DryRun {
    /// kubectl's `GetDryRunStrategy` for `--dry-run`'s value: the mode, and the deprecation
    /// warning the bare flag prints.
    pub fn parse(value: Option<&str>) -> Result<(DryRun, Option<&'static str>), Output> {
        match value {
            None | Some("none") => Ok((DryRun::None, None)),
            Some("client") => Ok((DryRun::Client, None)),
            Some("server") => Ok((DryRun::Server, None)),
            Some("unchanged") => Ok((DryRun::Client, Some(DRY_RUN_DEPRECATED))),
            // Go's ParseBool spellings, still accepted with a deprecation warning.
            // Simplification: every true spelling is named `true` in the warning.
            Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok((
                DryRun::Client,
                Some(
                    "Warning: --dry-run=true is deprecated (boolean value) and can be replaced with --dry-run=client.\n",
                ),
            )),
            Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok((
                DryRun::None,
                Some(
                    "Warning: --dry-run=false is deprecated (boolean value) and can be replaced with --dry-run=none.\n",
                ),
            )),
            Some(other) => Err(Output::error(format!(
                "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ))),
        }
    }

    /// What follows an outcome line: ` (dry run)`, ` (server dry run)` or nothing.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }

    /// The mode as drain and taint name it: `None`, `Some("client")`, `Some("server")`.
    pub fn name(self) -> Option<&'static str> {
        match self {
            DryRun::None => None,
            DryRun::Client => Some("client"),
            DryRun::Server => Some("server"),
        }
    }
}

/// The generated object and what kubectl needs to name it.
#[derive(Clone, Debug)]
pub struct Generated {
    pub doc: Doc,
    /// `deployment.apps`, `pod`, `service`…: the prefix of `-o name` and of `created`.
    pub resource: &'static str,
    pub name: String,
}

/// How the command was asked to finish: dry run or not, and which printer.
#[derive(Clone, Debug)]
pub struct Options {
    pub dry_run: DryRun,
    pub output: String,
    /// `-n` when given on the command line (kubectl's `EnforceNamespace`).
    pub namespace: Option<String>,
    pub save_config: bool,
    /// What the outcome line says was done: `created`, or `exposed` for `kubectl expose`.
    pub verb: &'static str,
    warning: Option<String>,
}

const PRINTER_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml";

impl Options {
    /// The deprecation warning `--dry-run` without a value prints.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// `GetDryRunStrategy` and `PrintFlags.ToPrinter`, in that order.
    pub fn from_flags(parsed: &Parsed) -> Result<Options, Output> {
        let mut warning = None;
        let (dry_run, deprecated) = DryRun::parse(parsed.string("dry-run"))?;
        if let Some(w) = deprecated {
            warning = Some(w.to_string());
        }
        let output = parsed.string_or_empty("output").to_string();
        match output.as_str() {
            "" | "yaml" | "json" | "name" => {}
            "go-template" | "jsonpath" | "jsonpath-as-json" | "template" | "jsonpath-file"
            | "go-template-file" | "templatefile" => {
                return Err(Output::error(
                    "template format specified but no template given",
                ));
            }
            other if jsonpath::template_of(other).is_some() => {
                // cli-runtime parses the template when it builds the printer, before any request.
                if let Some((template, as_json)) = jsonpath::template_of(other) {
                    jsonpath::print_template(template, as_json, &serde_json::Value::Null)
                        .map_err(Output::error)?;
                }
            }
            other
                if other == "kyaml"
                    || [
                        "go-template=",
                        "template=",
                        "jsonpath-file=",
                        "go-template-file=",
                        "templatefile=",
                    ]
                    .iter()
                    .any(|p| other.starts_with(p)) =>
            {
                // Simplification: Go templates, template files and KYAML are not printed here.
                return Err(Output::error(format!(
                    "-o {other} is not available in this playground yet; use -o yaml, -o json, -o name or -o jsonpath=…"
                )));
            }
            other => {
                return Err(Output::error(format!(
                    "unable to match a printer suitable for the output format \"{other}\", allowed formats are: {PRINTER_FORMATS}"
                )));
            }
        }
        Ok(Options {
            dry_run,
            output,
            namespace: parsed.string("namespace").map(str::to_string),
            save_config: parsed.bool("save-config"),
            verb: "created",
            warning,
        })
    }

    /// `metadata.namespace` of a namespaced object: only when `-n` was given.
    pub fn namespace_doc(&self) -> Option<Doc> {
        self.namespace
            .as_deref()
            .filter(|ns| !ns.is_empty())
            .map(Doc::str)
    }

    /// Prints the object (client dry run), or sends it to the api-server's create request
    /// (`--dry-run=server` asks the server not to persist it) and prints what came back.
    pub fn finish(&self, cluster: &mut Cluster, mut generated: Generated) -> Output {
        if self.save_config {
            save_config(&mut generated.doc);
        }
        let mut out = match self.dry_run {
            DryRun::Client => Output::ok(print(&generated, &self.output, self.verb)),
            DryRun::None | DryRun::Server => self.send(cluster, &generated),
        };
        if let Some(w) = &self.warning {
            out.stderr.insert_str(0, w);
        }
        out
    }

    fn send(&self, cluster: &mut Cluster, generated: &Generated) -> Output {
        let body = generated.doc.to_value();
        let Some(kind) = body
            .get("kind")
            .and_then(|k| k.as_str())
            .zip(body.get("apiVersion").and_then(|v| v.as_str()))
            .and_then(|(k, v)| sim::Kind::from_type_meta(v, k))
        else {
            // Simplification: the simulated cluster does not serve this kind yet.
            let kind = body
                .get("kind")
                .and_then(|k| k.as_str())
                .unwrap_or("object")
                .to_lowercase();
            let plural = if kind.ends_with('s') {
                format!("{kind}es")
            } else {
                format!("{kind}s")
            };
            return Output::error(format!(
                "{plural} are not simulated in this playground yet; use --dry-run=client to see the manifest"
            ));
        };
        let namespace = self
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(crate::config::default_namespace);
        let opts = WriteOptions {
            dry_run: self.dry_run == DryRun::Server,
            ..WriteOptions::default()
        };
        let result = cluster
            .api_mut()
            .create_json(&Actor::kubectl(), &namespace, &body, &opts);
        let out = match result {
            Ok(written) => {
                let mut out = Output::ok(print_created(
                    &written.object,
                    kind,
                    &self.output,
                    self.dry_run == DryRun::Server,
                    self.verb,
                ));
                for w in written.warnings {
                    out.stderr.push_str(&format!("Warning: {w}\n"));
                }
                out
            }
            Err(status) if generated.resource == "service" && self.verb == "created" => {
                // `fmt.Errorf("failed to create %s service: %v", type, err)`
                let type_ = body
                    .pointer("/spec/type")
                    .and_then(|t| t.as_str())
                    .unwrap_or("ClusterIP");
                Output::error(format!(
                    "failed to create {type_} service: {}",
                    status.message
                ))
            }
            Err(status) => match create_error_prefix(generated.resource) {
                Some(prefix) => Output::error(format!("{prefix}{}", status.message)),
                None => errors::status_output(&status),
            },
        };
        if self.dry_run == DryRun::None {
            cluster.settle();
        }
        out
    }
}

/// How each `kubectl create` generator wraps a server error (`fmt.Errorf("failed to create …")`);
/// `run` and `create namespace` return the server's error as it is.
fn create_error_prefix(resource: &str) -> Option<&'static str> {
    match resource {
        "deployment.apps" => Some("failed to create deployment: "),
        "configmap" => Some("failed to create configmap: "),
        "secret" => Some("failed to create secret "),
        "job.batch" => Some("failed to create job: "),
        "ingress.networking.k8s.io" => Some("failed to create ingress: "),
        _ => None,
    }
}

/// The printer after a real or server-dry-run create: the server's object.
fn print_created(
    object: &sim::Object,
    kind: sim::Kind,
    output: &str,
    server_dry_run: bool,
    verb: &str,
) -> String {
    let name = format!("{}/{}", printers::kind_name(kind), object.metadata().name);
    if let Some((template, as_json)) = jsonpath::template_of(output) {
        let value = printers::object_value(object);
        return jsonpath::print_template(template, as_json, &value).unwrap_or_default();
    }
    match output {
        "yaml" => yaml::to_string(&printers::object_value(object)),
        "json" => printers::json::to_string(&printers::object_value(object)),
        "name" => name + "\n",
        _ if server_dry_run => format!("{name} {verb} (server dry run)\n"),
        _ => format!("{name} {verb}\n"),
    }
}

/// What kubectl's printer writes for a created object.
pub fn print(generated: &Generated, output: &str, verb: &str) -> String {
    let name = format!("{}/{}", generated.resource, generated.name);
    if let Some((template, as_json)) = jsonpath::template_of(output) {
        let value = generated.doc.to_value();
        return jsonpath::print_template(template, as_json, &value).unwrap_or_default();
    }
    match output {
        "yaml" => yaml::to_string(&generated.doc.to_value()),
        "json" => generated.doc.to_go_json_pretty() + "\n",
        "name" => name + "\n",
        _ => format!("{name} {verb} (dry run)\n"),
    }
}

/// `--save-config`: the object itself, as compact JSON, in the last-applied annotation.
fn save_config(doc: &mut Doc) {
    const KEY: &str = "kubectl.kubernetes.io/last-applied-configuration";
    let applied = doc.to_go_json() + "\n";
    let Some(meta) = doc.get_mut("metadata") else {
        return;
    };
    let mut annotations = match meta.get_mut("annotations") {
        Some(Doc::Obj(fields)) => fields.clone(),
        _ => Vec::new(),
    };
    annotations.retain(|(k, _)| k != KEY);
    annotations.push((KEY.to_string(), Doc::Str(applied)));
    annotations.sort_by(|a, b| a.0.cmp(&b.0));
    meta.set("annotations", Doc::Obj(annotations));
}
