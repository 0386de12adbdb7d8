//! `kubectl explain TYPE[.field.path] [--recursive]`, laid out as kubectl 1.36's plaintext
//! template prints OpenAPI v3 schemas (`GROUP`/`KIND`/`VERSION`, `FIELD:`, `DESCRIPTION:`,
//! `FIELDS:` with `<type>` and `-required-`, sprig's `wrap` and `indent`).
//!
//! Simplification: the field documentation in `fields.txt` is Timonel's own, shorter text
//! (never upstream's descriptions), it covers the main fields of Pod, Deployment, Service,
//! ConfigMap, Secret, Namespace and Node only, and rarely used nested types are shown as
//! `<Object>` without fields of their own.

use crate::Output;
use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag};

const FIELDS: &str = include_str!("fields.txt");

const FLAGS: &[Flag] = &[
    flag("recursive", FlagKind::Bool),
    flag("api-version", FlagKind::String),
    flag("output", FlagKind::String),
];

/// Resource words kubectl accepts, the type they document, group and version.
const RESOURCES: &[(&[&str], &str, &str, &str)] = &[
    (&["pods", "pod", "po"], "Pod", "", "v1"),
    (
        &["deployments", "deployment", "deploy", "deployments.apps"],
        "Deployment",
        "apps",
        "v1",
    ),
    (&["services", "service", "svc"], "Service", "", "v1"),
    (&["configmaps", "configmap", "cm"], "ConfigMap", "", "v1"),
    (&["secrets", "secret"], "Secret", "", "v1"),
    (&["namespaces", "namespace", "ns"], "Namespace", "", "v1"),
    (&["nodes", "node", "no"], "Node", "", "v1"),
];

/// A field's type as the docs table writes it.
#[derive(Clone, Debug, PartialEq)]
enum Type<'a> {
    /// string, integer, number, boolean, or Object (an undocumented object).
    Prim(&'a str),
    /// A documented type.
    Named(&'a str),
    Array(Box<Type<'a>>),
    Map(Box<Type<'a>>),
}

impl<'a> Type<'a> {
    fn parse(s: &'a str) -> Type<'a> {
        if let Some(rest) = s.strip_prefix("[]") {
            Type::Array(Box::new(Type::parse(rest)))
        } else if let Some(rest) = s.strip_prefix("map[string]") {
            Type::Map(Box::new(Type::parse(rest)))
        } else if matches!(s, "string" | "integer" | "number" | "boolean" | "Object") {
            Type::Prim(s)
        } else {
            Type::Named(s)
        }
    }

    /// The template's `typeGuess`.
    fn guess(&self) -> String {
        match self {
            Type::Prim(p) => p.to_string(),
            Type::Named(n) => n.to_string(),
            Type::Array(t) => format!("[]{}", t.guess()),
            Type::Map(t) => format!("map[string]{}", t.guess()),
        }
    }

    /// The documented type under arrays and maps, if any.
    fn named(&self) -> Option<&'a str> {
        match self {
            Type::Named(n) => Some(n),
            Type::Array(t) | Type::Map(t) => t.named(),
            Type::Prim(_) => None,
        }
    }
}

struct Field<'a> {
    name: &'a str,
    ty: Type<'a>,
    required: bool,
    /// The values an enum field allows, in the schema's order.
    enums: Vec<&'a str>,
    description: &'a str,
}

/// The template's `extractEnum` in the one-line view: up to 4 values, then `, ....`.
fn enum_short(values: &[&str], indent_amount: usize) -> String {
    if values.is_empty() {
        return String::new();
    }
    let mut s = format!("\n{}enum: ", " ".repeat(indent_amount));
    for (i, v) in values.iter().enumerate() {
        if i >= 4 {
            s.push_str(", ....");
            break;
        }
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(if v.is_empty() { "\"\"" } else { v });
    }
    s
}

/// The template's `extractEnum` in the long view (under `FIELD:`).
fn enum_long(values: &[&str]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let mut s = "ENUM:".to_string();
    for v in values {
        s.push_str("\n    ");
        s.push_str(if v.is_empty() { "\"\"" } else { v });
    }
    s
}

struct Schema<'a> {
    description: &'a str,
    fields: Vec<Field<'a>>,
}

/// The docs table, parsed.
fn schemas() -> Vec<(&'static str, Schema<'static>)> {
    let mut out: Vec<(&str, Schema)> = Vec::new();
    for line in FIELDS.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('=') {
            let (name, description) = rest.split_once(": ").unwrap_or((rest, ""));
            out.push((
                name,
                Schema {
                    description,
                    fields: Vec::new(),
                },
            ));
        } else if let Some((head, description)) = line.split_once(": ")
            && let Some((name, ty)) = head.split_once(' ')
            && let Some((_, schema)) = out.last_mut()
        {
            let (ty, required) = match ty.strip_suffix('!') {
                Some(t) => (t, true),
                None => (ty, false),
            };
            let (ty, enums) = match ty.split_once('|') {
                Some((t, values)) => (t, values.split(',').collect()),
                None => (ty, Vec::new()),
            };
            schema.fields.push(Field {
                name,
                ty: Type::parse(ty),
                required,
                enums,
                description,
            });
        }
    }
    out
}

fn find<'s>(all: &'s [(&str, Schema<'static>)], name: &str) -> Option<&'s Schema<'static>> {
    all.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
}

/// sprig's `wrap` (goutils `WrapCustom` without breaking long words): newlines are ordinary
/// characters to it.
fn wrap(s: &str, width: usize) -> String {
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out = String::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        match s[offset..end].rfind(' ') {
            Some(i) => {
                out.push_str(&s[offset..offset + i]);
                out.push('\n');
                offset += i + 1;
            }
            None => {
                let end = width + offset;
                match s[end..].find(' ') {
                    None => {
                        out.push_str(&s[offset..]);
                        offset = len;
                    }
                    Some(i) => {
                        out.push_str(&s[offset..end + i]);
                        out.push('\n');
                        offset = end + i + 1;
                    }
                }
            }
        }
    }
    out.push_str(&s[offset..]);
    out
}

/// sprig's `indent`.
fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// The field list at `level` (indent `2 * level`): long form, or the recursive short form.
fn field_list(
    all: &[(&str, Schema<'static>)],
    schema: &Schema,
    level: usize,
    recursive: bool,
    seen: &mut Vec<String>,
    out: &mut String,
) {
    let indent_amount = level * 2;
    for f in &schema.fields {
        out.push_str(&" ".repeat(indent_amount));
        out.push_str(f.name);
        out.push_str(&format!("\t<{}>", f.ty.guess()));
        if f.required {
            out.push_str(" -required-");
        }
        out.push_str(&enum_short(&f.enums, indent_amount));
        out.push('\n');
        if recursive {
            if let Some(n) = f.ty.named()
                && !seen.iter().any(|s| s == n)
                && let Some(sub) = find(all, n)
            {
                seen.push(n.to_string());
                field_list(all, sub, level + 1, true, seen, out);
                seen.pop();
            }
        } else {
            out.push_str(&indent(
                &wrap(f.description, 78 - indent_amount),
                indent_amount + 2,
            ));
            out.push_str("\n\n");
        }
    }
}

pub fn help() -> String {
    "Describe the fields of a resource type, and of the fields inside them.\n\
     \n\
     Name a type (pods, deployments, services …) and, after dots, a path of fields:\n\
     kubectl explain deployment.spec.template.spec.containers.resources\n\
     --recursive lists every field below the path at once, without descriptions.\n\
     \n\
     Options:\n\
     \x20   --recursive=false: List all nested fields, names and types only.\n\
     \n\
     Usage:\n\
     \x20 kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [options]\n"
        .to_string()
}

pub fn run(args: &[String]) -> Output {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Output::ok(help());
    }
    let cmd = Cmd {
        path: "kubectl explain",
    };
    let parsed = match cmd.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let output = parsed.string("output").unwrap_or("plaintext");
    if !matches!(output, "plaintext" | "plaintext-openapiv2") {
        return Output::error(format!(
            "unsupported output format: {output}; supported formats: plaintext, plaintext-openapiv2"
        ));
    }
    let target = match parsed.args.as_slice() {
        [] => {
            return Output::error(
                "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.",
            );
        }
        [t] => t,
        _ => return Output::error("We accept only this format: explain RESOURCE"),
    };
    let mut parts = target.split('.');
    let word = parts.next().unwrap_or("").to_lowercase();
    let mut path: Vec<&str> = parts.collect();
    // `deployments.apps` names a group, not a field.
    let mut word = word;
    if path.first() == Some(&"apps") && word.starts_with("deploy") {
        word = format!("{word}.apps");
        path.remove(0);
    }
    let Some((_, root, group, version)) = RESOURCES
        .iter()
        .find(|(names, kind, ..)| names.contains(&word.as_str()) || kind.to_lowercase() == word)
    else {
        return Output::error(format!(
            "the server doesn't have a resource type \"{word}\""
        ));
    };
    // Simplification: every type has one version here, so --api-version is not checked.
    let all = schemas();
    let recursive = parsed.bool("recursive");
    let mut out = String::new();
    if !group.is_empty() {
        out.push_str(&format!("GROUP:      {group}\n"));
    }
    out.push_str(&format!("KIND:       {root}\nVERSION:    {version}\n\n"));

    // Follow the path: `description` is what DESCRIPTION shows, `schema` the fields below.
    let Some(schema) = find(&all, root) else {
        return Output::error(format!(
            "the server doesn't have a resource type \"{word}\""
        ));
    };
    let mut description = format!("{}\n", schema.description);
    let mut current: Option<&Schema> = Some(schema);
    for (i, step) in path.iter().enumerate() {
        let field = current.and_then(|s| s.fields.iter().find(|f| f.name == *step));
        let Some(field) = field else {
            let last = path.last().copied().unwrap_or(step);
            return Output::error(format!("field \"{last}\" does not exist"));
        };
        let sub = field.ty.named().and_then(|n| find(&all, n));
        if i + 1 == path.len() {
            out.push_str(&format!(
                "FIELD: {} <{}>\n{}\n\n",
                field.name,
                field.ty.guess(),
                enum_long(&field.enums)
            ));
            description = format!("{}\n", field.description);
            if let Some(s) = sub {
                description.push_str(s.description);
                description.push('\n');
            }
        }
        current = sub;
    }
    out.push_str("DESCRIPTION:\n");
    out.push_str(&indent(&wrap(&description, 76), 4));
    out.push('\n');
    if let Some(s) = current.filter(|s| !s.fields.is_empty()) {
        out.push_str("FIELDS:\n");
        let mut seen = Vec::new();
        field_list(&all, s, 1, recursive, &mut seen, &mut out);
    }
    out.push('\n');
    Output::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_behaves_like_goutils() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap("aaaaaaaaaa bb", 4), "aaaaaaaaaa\nbb");
        assert_eq!(indent("a\nb\n", 4), "    a\n    b\n    ");
    }

    #[test]
    fn the_docs_table_is_ascii_so_wrapping_never_splits_a_character() {
        assert!(FIELDS.is_ascii());
    }

    #[test]
    fn every_named_type_in_the_table_is_documented() {
        let all = schemas();
        for (name, s) in &all {
            for f in &s.fields {
                if let Some(n) = f.ty.named() {
                    assert!(find(&all, n).is_some(), "{name}.{} uses {n}", f.name);
                }
            }
        }
    }
}
