//! `kubectl get`: resolve the types and names, list or get them through the api-server, and
//! print a table per type (the server-side printers' columns), names, or the objects as
//! YAML/JSON (one object, or a `List`).

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::printers::{self, jsonpath, table};
use crate::resources::{self, Requests};
use crate::{Output, errors};
use serde_json::{Value, json};
use sim::{Cluster, Kind, ListOptions, Object};
use std::cmp::Ordering;

pub(crate) const CMD: Cmd = Cmd {
    path: "kubectl get",
};

pub(crate) const FLAGS: &[Flag] = &[
    short("output", 'o', FlagKind::String),
    short("selector", 'l', FlagKind::String),
    flag("field-selector", FlagKind::String),
    short("all-namespaces", 'A', FlagKind::Bool),
    flag("show-labels", FlagKind::Bool),
    short("label-columns", 'L', FlagKind::StringSlice),
    flag("no-headers", FlagKind::Bool),
    flag("sort-by", FlagKind::String),
    short("watch", 'w', FlagKind::Bool),
    flag("watch-only", FlagKind::Bool),
    flag("output-watch-events", FlagKind::Bool),
    flag("ignore-not-found", FlagKind::Bool),
    flag("show-kind", FlagKind::Bool),
    flag("chunk-size", FlagKind::Int),
    flag("server-print", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("template", FlagKind::String),
    flag("raw", FlagKind::String),
    flag("subresource", FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
];

const PRINTER_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml";

/// The namespace a command works in: `-n`, or the current context's (`default`).
pub fn namespace_of(parsed: &crate::generators::cli::Parsed) -> String {
    parsed
        .string("namespace")
        .filter(|ns| !ns.is_empty())
        .map(str::to_string)
        .unwrap_or_else(crate::config::default_namespace)
}

/// Objects fetched for one requested type.
struct Block {
    kind: Kind,
    objects: Vec<Object>,
}

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let parsed = match CMD.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let output = parsed.string_or_empty("output").to_string();
    match output.as_str() {
        "" | "wide" | "yaml" | "json" | "name" => {}
        "jsonpath" | "custom-columns" | "go-template" | "template" | "jsonpath-as-json" => {
            return Output::error("template format specified but no template given");
        }
        other if jsonpath::template_of(other).is_some() || other.starts_with("custom-columns=") => {
        }
        "go-template-file" | "jsonpath-file" | "kyaml" | "templatefile" | "custom-columns-file" => {
            return Output::error(format!(
                "-o {output} is not available in this playground yet; use -o wide, -o yaml, -o json, -o name, -o jsonpath=… or -o custom-columns=…"
            ));
        }
        other
            if other.starts_with("jsonpath")
                || other.starts_with("go-template")
                || other.starts_with("template")
                || other.starts_with("custom-columns") =>
        {
            return Output::error(format!(
                "-o {other} is not available in this playground yet; use -o wide, -o yaml, -o json, -o name, -o jsonpath=… or -o custom-columns=…"
            ));
        }
        other => {
            return Output::error(format!(
                "unable to match a printer suitable for the output format \"{other}\", allowed formats are: {PRINTER_FORMATS}"
            ));
        }
    }
    let custom_columns = match output.strip_prefix("custom-columns=") {
        Some(spec) => match parse_custom_columns(spec) {
            Ok(c) => Some(c),
            Err(out) => return out,
        },
        None => None,
    };
    let watch = parsed.bool("watch") || parsed.bool("watch-only");
    if watch && parsed.args.is_empty() {
        return Output::error(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        );
    }
    if parsed.changed("filename") || parsed.changed("kustomize") {
        return Output::error("\"kubectl get -f\" is not available in this playground yet");
    }
    if parsed.args.is_empty() {
        return Output {
            stderr: "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n".into(),
            exit_code: 1,
            ..Output::default()
        };
    }
    let requests = match resources::parse(&parsed.args) {
        Ok(r) => r,
        Err(out) => return out,
    };
    let selector = parsed.string_or_empty("selector").to_string();
    let field_selector = parsed.string_or_empty("field-selector").to_string();
    let has_names = requests.requests.iter().any(|r| !r.names.is_empty());
    if has_names && (parsed.changed("selector") || parsed.changed("field-selector")) {
        return Output::error("name cannot be provided when a selector is specified");
    }
    let all_namespaces = parsed.bool("all-namespaces");
    let namespace = namespace_of(&parsed);
    let ignore_not_found = parsed.bool("ignore-not-found");

    let (blocks, errs) = fetch(
        cluster,
        &requests,
        all_namespaces
            .then_some(())
            .map_or(Some(namespace.as_str()), |_| None),
        &ListOptions {
            label_selector: selector,
            field_selector,
        },
        ignore_not_found,
    );
    let mut blocks = blocks;
    if let Some(path) = parsed.string("sort-by") {
        let path = jsonpath::relaxed(path);
        for b in &mut blocks {
            let mut keyed: Vec<(Option<Value>, Object)> = b
                .objects
                .drain(..)
                .map(|o| {
                    let key = jsonpath::find(&o.to_json(), &path)
                        .ok()
                        .and_then(|v| v.into_iter().next());
                    (key, o)
                })
                .collect();
            keyed.sort_by(|a, c| compare(a.0.as_ref(), c.0.as_ref()));
            b.objects = keyed.into_iter().map(|(_, o)| o).collect();
        }
    }

    if watch {
        if requests.requests.len() != 1 {
            return Output::error(format!(
                "watch is only supported on individual resources and resource collections, but {} resources were found",
                requests.requests.len()
            ));
        }
        if !matches!(output.as_str(), "" | "wide") {
            return Output::error(
                "\"kubectl get --watch\" prints tables only in this playground; drop -o",
            );
        }
        if let Some(e) = errs.first() {
            return Output {
                stderr: format!("{e}\n"),
                exit_code: 1,
                ..Output::default()
            };
        }
        let options = TableOptions {
            wide: output == "wide",
            all_namespaces,
            show_kind: parsed.bool("show-kind"),
            show_labels: parsed.bool("show-labels"),
            label_columns: parsed.list("label-columns"),
            no_headers: parsed.bool("no-headers"),
        };
        let limit = parsed
            .string("request-timeout")
            .and_then(parse_seconds)
            .filter(|s| *s > 0)
            .unwrap_or(WATCH_LIMIT_SECONDS);
        let w = Watch {
            request: &requests.requests[0],
            namespace: (!all_namespaces).then_some(namespace.as_str()),
            selector: parsed.string_or_empty("selector"),
            options: &options,
            watch_only: parsed.bool("watch-only"),
            limit,
        };
        return watch_rows(cluster, &blocks[0].objects, &w);
    }

    let mut out = Output::default();
    match output.as_str() {
        "" | "wide" => {
            let now = cluster.now();
            let show_kind = requests.multiple_types || parsed.bool("show-kind");
            let options = TableOptions {
                wide: output == "wide",
                all_namespaces,
                show_kind,
                show_labels: parsed.bool("show-labels"),
                label_columns: parsed.list("label-columns"),
                no_headers: parsed.bool("no-headers"),
            };
            let mut first = true;
            for b in blocks.iter().filter(|b| !b.objects.is_empty()) {
                if !first && !options.no_headers {
                    out.stdout.push('\n');
                }
                first = false;
                out.stdout
                    .push_str(&print_table(b.kind, &b.objects, now, &options));
            }
            if out.stdout.is_empty() && errs.is_empty() && !ignore_not_found {
                let all_namespaced =
                    !all_namespaces && requests.requests.iter().all(|r| r.kind.info().namespaced);
                out.stderr = if all_namespaced {
                    format!("No resources found in {namespace} namespace.\n")
                } else {
                    "No resources found\n".to_string()
                };
            }
        }
        _ if custom_columns.is_some() => {
            let columns = custom_columns.unwrap_or_default();
            let objects: Vec<&Object> = blocks.iter().flat_map(|b| b.objects.iter()).collect();
            if !objects.is_empty() {
                out.stdout = print_custom_columns(&columns, &objects, parsed.bool("no-headers"));
            } else if errs.is_empty() && !ignore_not_found {
                out.stderr = format!("No resources found in {namespace} namespace.\n");
            }
        }
        format => {
            let objects: Vec<&Object> = blocks.iter().flat_map(|b| b.objects.iter()).collect();
            if !(objects.is_empty() && ignore_not_found) {
                match print_generic(&objects, requests.single_item, format) {
                    Ok(text) => out.stdout = text,
                    Err(e) => return Output::error(e),
                }
            }
        }
    }
    if requests.requests.iter().any(|r| r.kind == Kind::Endpoints) {
        // The api-server's warning header on every v1 Endpoints request (v1.33+).
        let warning = format!("Warning: {}\n", sim::api::endpoints::DEPRECATION_WARNING);
        out.stderr.insert_str(0, &warning);
    }
    for e in &errs {
        out.stderr.push_str(e);
        out.stderr.push('\n');
    }
    if !errs.is_empty() {
        out.exit_code = 1;
    }
    out
}

/// Gets the named objects or lists each type; errors are kubectl's lines.
fn fetch(
    cluster: &Cluster,
    requests: &Requests,
    namespace: Option<&str>,
    list: &ListOptions,
    ignore_not_found: bool,
) -> (Vec<Block>, Vec<String>) {
    let api = cluster.api();
    let mut blocks = Vec::new();
    let mut errs = Vec::new();
    for r in &requests.requests {
        let mut objects = Vec::new();
        if r.names.is_empty() {
            match api.list(r.kind, namespace, list) {
                Ok(l) => objects = l.items,
                Err(status) => errs.push(list_error(r.kind, list, &status)),
            }
        } else {
            for name in &r.names {
                match api.get(r.kind, namespace.unwrap_or("default"), name) {
                    Ok(o) => objects.push(o),
                    Err(status)
                        if status.reason == sim::StatusReason::NotFound && ignore_not_found => {}
                    Err(status) => errs.push(errors::status_text(&status)),
                }
            }
        }
        blocks.push(Block {
            kind: r.kind,
            objects,
        });
    }
    (blocks, errs)
}

/// cli-runtime's `EnhanceListError` around a list's BadRequest.
pub fn list_error(kind: Kind, list: &ListOptions, status: &sim::Status) -> String {
    if status.reason == sim::StatusReason::BadRequest {
        format!(
            "Error from server (BadRequest): Unable to find \"{}\" that match label selector \"{}\", field selector \"{}\": {}",
            resources::gvr(kind),
            list.label_selector,
            list.field_selector,
            status.message
        )
    } else {
        errors::status_text(status)
    }
}

#[derive(Clone)]
pub struct TableOptions {
    pub wide: bool,
    pub all_namespaces: bool,
    pub show_kind: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    pub no_headers: bool,
}

/// One type's table.
pub fn print_table(kind: Kind, objects: &[Object], now: sim::Time, o: &TableOptions) -> String {
    table::render(&table_rows(kind, objects, now, o))
}

/// One type's table as cells: the header (unless `--no-headers`), then one row per object.
fn table_rows(
    kind: Kind,
    objects: &[Object],
    now: sim::Time,
    o: &TableOptions,
) -> Vec<Vec<String>> {
    let namespaced = o.all_namespaces && kind.info().namespaced;
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !o.no_headers {
        let mut h: Vec<String> = Vec::new();
        if namespaced {
            h.push("NAMESPACE".into());
        }
        h.extend(table::headers(kind, o.wide).into_iter().map(String::from));
        for key in &o.label_columns {
            h.push(key.rsplit('/').next().unwrap_or(key).to_uppercase());
        }
        if o.show_labels {
            h.push("LABELS".into());
        }
        rows.push(h);
    }
    for obj in objects {
        let meta = obj.metadata();
        let name = if o.show_kind {
            format!("{}/{}", printers::kind_name(kind), meta.name)
        } else {
            meta.name.to_string()
        };
        let mut row = Vec::new();
        if namespaced {
            row.push(meta.namespace.to_string());
        }
        row.extend(table::cells(obj, now, o.wide, &name));
        for key in &o.label_columns {
            row.push(meta.labels.get(key).cloned().unwrap_or_default());
        }
        if o.show_labels {
            row.push(if meta.labels.is_empty() {
                "<none>".into()
            } else {
                meta.labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            });
        }
        rows.push(row);
    }
    rows
}

/// `-o yaml|json|name`: one object when one was named, otherwise a `List`.
fn print_generic(objects: &[&Object], single_item: bool, format: &str) -> Result<String, String> {
    if format == "name" {
        return Ok(objects
            .iter()
            .map(|o| format!("{}/{}\n", printers::kind_name(o.kind()), o.metadata().name))
            .collect());
    }
    let value = if single_item && objects.len() == 1 {
        printers::object_value(objects[0])
    } else {
        json!({
            "apiVersion": "v1",
            "items": objects.iter().map(|o| printers::object_value(o)).collect::<Vec<_>>(),
            "kind": "List",
            "metadata": { "resourceVersion": "" },
        })
    };
    Ok(
        if let Some((template, as_json)) = jsonpath::template_of(format) {
            jsonpath::print_template(strip_shell_quotes(template), as_json, &value)?
        } else if format == "json" {
            printers::json::to_string(&value)
        } else {
            printers::yaml::to_string(&value)
        },
    )
}

/// kubectl's `--sort-by` comparison: numbers numerically, strings lexically, missing first.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

/// Quotes left around a template by a shell that did not strip them (`-o jsonpath='{…}'`
/// typed into a prompt that keeps them) are not part of it.
fn strip_shell_quotes(t: &str) -> &str {
    t.strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .unwrap_or(t)
}

/// `-o custom-columns=HEADER:PATH,…`.
fn parse_custom_columns(spec: &str) -> Result<Vec<(String, String)>, Output> {
    let mut columns = Vec::new();
    for part in spec.split(',') {
        let Some((header, path)) = part.split_once(':') else {
            return Err(Output::error(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )));
        };
        columns.push((header.to_string(), jsonpath::relaxed(path)));
    }
    Ok(columns)
}

fn print_custom_columns(
    columns: &[(String, String)],
    objects: &[&Object],
    no_headers: bool,
) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !no_headers {
        rows.push(columns.iter().map(|(h, _)| h.clone()).collect());
    }
    for o in objects {
        let v = printers::object_value(o);
        rows.push(
            columns
                .iter()
                .map(|(_, path)| {
                    let values = jsonpath::find(&v, path).unwrap_or_default();
                    if values.is_empty() {
                        "<none>".to_string()
                    } else {
                        values
                            .iter()
                            .map(jsonpath::go_value)
                            .collect::<Vec<_>>()
                            .join(",")
                    }
                })
                .collect(),
        );
    }
    table::render(&rows)
}

/// How long `get --watch` follows changes when nothing else ends it.
// Simplification: a terminal watch runs until Ctrl-C; a playground command must end, so it
// stops after 10 quiet virtual seconds following the last change, or after this limit (or
// `--request-timeout`).
const WATCH_LIMIT_SECONDS: u64 = 120;
const WATCH_QUIET_SECONDS: u64 = 10;

/// `30`, `30s`, `2m`, `1h` as seconds.
fn parse_seconds(text: &str) -> Option<u64> {
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    match unit {
        "s" => Some(n),
        "m" => Some(n * 60),
        "h" => Some(n * 3600),
        _ => None,
    }
}

struct Watch<'a> {
    request: &'a resources::Request,
    namespace: Option<&'a str>,
    selector: &'a str,
    options: &'a TableOptions,
    watch_only: bool,
    limit: u64,
}

/// `kubectl get -w`: the current table, then one row per change, moving the virtual clock a
/// second at a time. Rows keep the widths of the rows printed before them (the tab-writer's
/// remembered widths), growing when a cell is wider.
fn watch_rows(cluster: &mut Cluster, initial: &[Object], w: &Watch) -> Output {
    let kind = w.request.kind;
    let selector = sim::labels::Selector::parse(w.selector)
        .unwrap_or_else(|_| sim::labels::Selector::everything());
    let matches = |o: &Object| {
        let m = o.metadata();
        o.kind() == kind
            && (!kind.info().namespaced || w.namespace.is_none_or(|ns| ns == m.namespace))
            && (w.request.names.is_empty() || w.request.names.iter().any(|n| *n == m.name))
            && selector.matches(&m.labels)
    };
    let mut widths: Vec<usize> = Vec::new();
    let mut out = String::new();
    let mut header_done = w.options.no_headers;
    // Each batch (the first table, then each change) is aligned with everything printed
    // before it; AGE is computed when the change happened.
    let mut emit = |now: sim::Time, objects: &[Object], out: &mut String| {
        let rows = table_rows(
            kind,
            objects,
            now,
            &TableOptions {
                no_headers: header_done,
                ..w.options.clone()
            },
        );
        header_done = true;
        for cells in &rows {
            if widths.len() < cells.len() {
                widths.resize(cells.len(), 0);
            }
            for (i, c) in cells.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        for cells in &rows {
            let mut row = String::new();
            for (i, c) in cells.iter().enumerate() {
                row.push_str(c);
                if i + 1 < cells.len() {
                    let width = (widths[i] + 3).max(6);
                    row.extend(std::iter::repeat_n(' ', width - c.chars().count()));
                }
            }
            out.push_str(&row);
            out.push('\n');
        }
    };
    if !w.watch_only && !initial.is_empty() {
        emit(cluster.now(), initial, &mut out);
    }
    let mut cursor = cluster.api().resource_version();
    // The watch holds its place in the log while the cluster runs.
    let pin = cluster.api_mut().pin_watch(cursor);
    let mut quiet = 0;
    for _ in 0..w.limit {
        cluster.advance(sim::Duration::seconds(1));
        let changed: Vec<(sim::Time, Object)> = match cluster.api().watch(cursor) {
            Ok(events) => events
                .filter(|e| matches(&e.object))
                .map(|e| (e.time, e.object.as_ref().clone()))
                .collect(),
            Err(_) => Vec::new(),
        };
        cursor = cluster.api().resource_version();
        cluster.api_mut().move_watch_pin(pin, cursor);
        if changed.is_empty() {
            quiet += 1;
            if quiet >= WATCH_QUIET_SECONDS {
                break;
            }
            continue;
        }
        quiet = 0;
        for (time, object) in changed {
            emit(time, std::slice::from_ref(&object), &mut out);
        }
    }
    cluster.api_mut().unpin_watch(pin);
    Output::ok(out)
}
