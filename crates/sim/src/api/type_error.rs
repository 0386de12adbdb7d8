//! A request body whose field has the wrong JSON type (`value: 8080` where a string belongs,
//! `replicas: "3"`) is refused by the api-server with encoding/json's `UnmarshalTypeError`
//! text: `json: cannot unmarshal number into Go struct field
//! EnvVar.spec.template.spec.containers.env.value of type string`. serde reports the mismatch
//! but not where it is, so the field is found by taking parts of the body away until it
//! decodes, and the Go struct that owns the field is named from where it sits.

use super::Kind;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Go's text for `err`, a serde type mismatch while decoding `body` as `kind`; `None` when the
/// error is of another sort or the field cannot be placed (the caller keeps serde's words).
pub fn go_type_error(kind: Kind, body: &Value, err: &serde_json::Error) -> Option<String> {
    let message = err.to_string();
    let rest = message.strip_prefix("invalid type: ")?;
    let (found, expected) = rest.split_once(", expected ")?;
    let expected = expected.split(" at line ").next().unwrap_or(expected);
    let json_type = match found.split(' ').next()? {
        "integer" | "floating" => "number",
        "boolean" => "bool",
        "string" => "string",
        "sequence" => "array",
        "map" => "object",
        _ => return None,
    };
    let path = failing_path(kind, body, &message)?;
    // The value found there must be the one serde named.
    let found_type = match lookup(body, &path)? {
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    };
    if found_type != json_type {
        return None;
    }
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let (leaf, parents) = keys.split_last()?;
    // A value inside a map field (`labels`, `data`, …): the field is the map itself.
    let (field_path, owner, go_type) = match parents.last() {
        Some(_) if is_string_map(kind, parents) => (
            parents.to_vec(),
            &parents[..parents.len() - 1],
            "string".to_string(),
        ),
        _ => {
            let mut p = parents.to_vec();
            p.push(leaf);
            (p, parents, go_scalar(expected)?.to_string())
        }
    };
    let owner = go_struct(kind, owner)?;
    Some(format!(
        "json: cannot unmarshal {json_type} into Go struct field {owner}.{} of type {go_type}",
        field_path.join(".")
    ))
}

/// Go's name for the scalar type serde expected.
fn go_scalar(expected: &str) -> Option<&'static str> {
    Some(match expected {
        "a string" => "string",
        "a boolean" => "bool",
        "i32" => "int32",
        "i64" => "int64",
        "u16" | "u32" => "int32",
        _ => return None,
    })
}

/// Whether the last key of `parents` is a `map[string]string` field.
fn is_string_map(kind: Kind, parents: &[&str]) -> bool {
    match parents {
        [.., "metadata", "labels" | "annotations"] => true,
        [.., "nodeSelector" | "matchLabels"] => true,
        ["data" | "stringData"] => matches!(kind, Kind::ConfigMap | Kind::Secret),
        ["spec", "selector"] => kind == Kind::Service,
        _ => false,
    }
}

/// The Go struct whose field sits at `path` (field names only, no indices).
// Simplification: the structs of the fields learners most often get wrong are named; a field
// elsewhere keeps serde's own words.
fn go_struct(kind: Kind, path: &[&str]) -> Option<String> {
    let name = match path {
        [] => kind.info().kind.to_string(),
        [.., "metadata"] => "ObjectMeta".into(),
        ["spec"] => format!("{}Spec", kind.info().kind),
        [.., "template"] => "PodTemplateSpec".into(),
        [.., "template", "spec"] => "PodSpec".into(),
        [.., "containers" | "initContainers"] => "Container".into(),
        [.., "containers" | "initContainers", "env"] => "EnvVar".into(),
        [.., "containers" | "initContainers", "ports"] => "ContainerPort".into(),
        [.., "containers" | "initContainers", "resources"] => "ResourceRequirements".into(),
        [.., "containers" | "initContainers", "volumeMounts"] => "VolumeMount".into(),
        [.., "livenessProbe" | "readinessProbe" | "startupProbe"] => "Probe".into(),
        [.., "httpGet"] => "HTTPGetAction".into(),
        [.., "tolerations"] => "Toleration".into(),
        ["spec", "ports"] if kind == Kind::Service => "ServicePort".into(),
        ["spec", "selector"] => "LabelSelector".into(),
        ["spec", "strategy"] => "DeploymentStrategy".into(),
        ["spec", "strategy", "rollingUpdate"] => "RollingUpdateDeployment".into(),
        _ => return None,
    };
    Some(name)
}

/// The path to the field serde stumbled on: at each level, the first part whose removal lets
/// the body decode, or else changes the error (serde stops at the first mismatch it meets);
/// removals that only leave a required field missing do not count.
fn failing_path(kind: Kind, body: &Value, message: &str) -> Option<Vec<Step>> {
    let mut path: Vec<Step> = Vec::new();
    // Manifests are small and this runs only on a refused request.
    for _ in 0..64 {
        let node = lookup(body, &path)?;
        let children: Vec<Step> = match node {
            Value::Object(m) => m.keys().map(|k| Step::Key(k.clone())).collect(),
            Value::Array(a) => (0..a.len()).map(Step::Index).collect(),
            _ => return (!path.is_empty()).then_some(path),
        };
        let mut culprit = None;
        for child in children {
            let mut trial = body.clone();
            let mut full = path.clone();
            full.push(child.clone());
            remove(&mut trial, &full);
            match kind.decode(trial) {
                Ok(_) => {}
                Err(e) => {
                    let text = e.to_string();
                    if text == message || text.starts_with("missing field") {
                        continue;
                    }
                }
            }
            culprit = Some(child);
            break;
        }
        match culprit {
            Some(child) => path.push(child),
            // The node itself is the wrong type (a list where an object belongs …).
            None => return (!path.is_empty()).then_some(path),
        }
    }
    None
}

fn lookup<'a>(v: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

fn remove(v: &mut Value, path: &[Step]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = v;
    for s in parents {
        let next = match s {
            Step::Key(k) => node.get_mut(k),
            Step::Index(i) => node.get_mut(*i),
        };
        match next {
            Some(n) => node = n,
            None => return,
        }
    }
    match (node, last) {
        (Value::Object(m), Step::Key(k)) => {
            m.remove(k);
        }
        (Value::Array(a), Step::Index(i)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}
