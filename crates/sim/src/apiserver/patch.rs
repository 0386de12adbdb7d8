//! PATCH bodies: JSON merge patch (RFC 7386) and a strategic merge patch that merges the lists
//! Kubernetes keys by a field (containers by name, ports by containerPort …).

use serde_json::{Map, Value};

use super::status::{Status, StatusReason};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/merge-patch+json`.
    Merge,
    /// `application/strategic-merge-patch+json` (kubectl's default for built-in kinds).
    Strategic,
    /// `application/json-patch+json` (RFC 6902: a list of add/remove/replace/move/copy/test).
    Json,
}

/// A PATCH request body and its content type.
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    pub type_: PatchType,
    pub body: Value,
}

impl Patch {
    pub fn merge(body: Value) -> Self {
        Patch {
            type_: PatchType::Merge,
            body,
        }
    }
    pub fn strategic(body: Value) -> Self {
        Patch {
            type_: PatchType::Strategic,
            body,
        }
    }
    pub fn json(body: Value) -> Self {
        Patch {
            type_: PatchType::Json,
            body,
        }
    }
}

/// The 422 the api-server answers when a JSON patch does not apply (a failed `test`, a missing
/// path): apimachinery's `NewGenericServerResponse(422, …)`, whose message hides the cause.
fn unprocessable() -> Status {
    Status {
        reason: StatusReason::Invalid,
        message: "the server rejected our request due to an error in our request".to_string(),
        details: None,
    }
}

/// Applies `patch` to `doc` as the api-server's PATCH handler does, with its error statuses.
pub fn apply_patch(doc: &mut Value, patch: &Patch) -> Result<(), Status> {
    match patch.type_ {
        PatchType::Json => {
            let ops = decode_json_patch(&patch.body).map_err(Status::bad_request)?;
            let mut work = doc.clone();
            for op in &ops {
                apply_op(&mut work, op).map_err(|_| unprocessable())?;
            }
            *doc = work;
            Ok(())
        }
        other => apply(doc, &patch.body, other).map_err(Status::bad_request),
    }
}

/// How Go's `encoding/json` names a JSON value's type in its errors.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `jsonpatch.DecodePatch`: a JSON array of objects.
fn decode_json_patch(body: &Value) -> Result<Vec<Map<String, Value>>, String> {
    let Value::Array(items) = body else {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            go_type(body)
        ));
    };
    items
        .iter()
        .map(|item| match item {
            Value::Object(m) => Ok(m.clone()),
            Value::Null => Ok(Map::new()),
            other => Err(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                go_type(other)
            )),
        })
        .collect()
}

/// RFC 6901: `/a/b~1c` → `["a", "b/c"]`; `""` is the whole document.
fn pointer_tokens(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("invalid path {path}"));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn op_path(op: &Map<String, Value>, field: &str) -> Result<Vec<String>, String> {
    let path = op
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("operation missing {field} field"))?;
    pointer_tokens(path)
}

fn array_index(token: &str, len: usize, allow_end: bool) -> Result<usize, String> {
    if allow_end && token == "-" {
        return Ok(len);
    }
    let i: usize = token
        .parse()
        .map_err(|_| format!("invalid array index {token}"))?;
    let limit = if allow_end {
        len
    } else {
        len.saturating_sub(1)
    };
    if i > limit || (!allow_end && len == 0) {
        return Err("index out of bounds".to_string());
    }
    Ok(i)
}

fn get_at<'a>(doc: &'a Value, tokens: &[String]) -> Result<&'a Value, String> {
    let mut at = doc;
    for t in tokens {
        at = match at {
            Value::Object(m) => m.get(t).ok_or("missing key")?,
            Value::Array(a) => a
                .get(array_index(t, a.len(), false)?)
                .ok_or("index out of bounds")?,
            _ => return Err("missing path".into()),
        };
    }
    Ok(at)
}

/// The container holding the last token, and that token.
fn parent_of<'a>(
    doc: &'a mut Value,
    tokens: &'a [String],
) -> Result<(&'a mut Value, &'a str), String> {
    let Some((last, parents)) = tokens.split_last() else {
        return Err("the root has no parent".into());
    };
    let mut at = doc;
    for t in parents {
        at = match at {
            Value::Object(m) => m.get_mut(t).ok_or("missing path")?,
            Value::Array(a) => {
                let i = array_index(t, a.len(), false)?;
                a.get_mut(i).ok_or("index out of bounds")?
            }
            _ => return Err("missing path".into()),
        };
    }
    Ok((at, last.as_str()))
}

fn add_at(doc: &mut Value, tokens: &[String], value: Value) -> Result<(), String> {
    if tokens.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = parent_of(doc, tokens)?;
    match parent {
        Value::Object(m) => {
            m.insert(last.to_string(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = array_index(last, a.len(), true)?;
            a.insert(i, value);
            Ok(())
        }
        _ => Err("missing path".into()),
    }
}

fn remove_at(doc: &mut Value, tokens: &[String]) -> Result<Value, String> {
    let (parent, last) = parent_of(doc, tokens)?;
    match parent {
        Value::Object(m) => m.remove(last).ok_or_else(|| "missing key".into()),
        Value::Array(a) => {
            let i = array_index(last, a.len(), false)?;
            Ok(a.remove(i))
        }
        _ => Err("missing path".into()),
    }
}

fn apply_op(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
    let value = || {
        op.get("value")
            .cloned()
            .ok_or_else(|| "missing value".to_string())
    };
    match kind {
        "add" => add_at(doc, &op_path(op, "path")?, value()?),
        "remove" => remove_at(doc, &op_path(op, "path")?).map(|_| ()),
        "replace" => {
            let path = op_path(op, "path")?;
            let v = value()?;
            if path.is_empty() {
                *doc = v;
                return Ok(());
            }
            get_at(doc, &path)?;
            remove_at(doc, &path)?;
            add_at(doc, &path, v)
        }
        "move" => {
            let from = op_path(op, "from")?;
            let path = op_path(op, "path")?;
            let v = remove_at(doc, &from)?;
            add_at(doc, &path, v)
        }
        "copy" => {
            let from = op_path(op, "from")?;
            let path = op_path(op, "path")?;
            let v = get_at(doc, &from)?.clone();
            add_at(doc, &path, v)
        }
        "test" => {
            let path = op_path(op, "path")?;
            let expected = op.get("value").cloned().unwrap_or(Value::Null);
            match get_at(doc, &path) {
                Ok(v) if *v == expected => Ok(()),
                Err(_) if expected.is_null() => Ok(()),
                _ => Err("test failed".into()),
            }
        }
        other => Err(format!("Unexpected kind: {other}")),
    }
}

/// The merge key of a list field, by field name (`patchMergeKey` tags in the API types).
///
/// Simplification: keyed by field name wherever it appears, not by the exact type.
fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets" => "name",
        "ports" => "containerPort",
        "volumeMounts" => "mountPath",
        "conditions" | "addresses" => "type",
        "ownerReferences" => "uid",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        _ => return None,
    })
}

pub fn apply(doc: &mut Value, patch: &Value, patch_type: PatchType) -> Result<(), String> {
    if !patch.is_object() {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            go_type(patch)
        ));
    }
    merge(doc, patch, patch_type == PatchType::Strategic);
    Ok(())
}

fn merge(target: &mut Value, patch: &Value, strategic: bool) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else { return };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
            continue;
        }
        if strategic
            && let (Some(key), Value::Array(items)) = (merge_key(k), v)
            && let Some(Value::Array(existing)) = t.get_mut(k)
        {
            merge_list(existing, items, key);
            continue;
        }
        match t.get_mut(k) {
            Some(existing) if v.is_object() && existing.is_object() => {
                merge(existing, v, strategic)
            }
            _ => {
                let mut fresh = Value::Null;
                merge(&mut fresh, v, strategic);
                t.insert(k.clone(), if v.is_object() { fresh } else { v.clone() });
            }
        }
    }
}

fn merge_list(existing: &mut Vec<Value>, items: &[Value], key: &str) {
    for item in items {
        let id = item.get(key).cloned();
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        let pos = id
            .as_ref()
            .and_then(|id| existing.iter().position(|e| e.get(key) == Some(id)));
        match (pos, delete) {
            (Some(i), true) => {
                existing.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => merge(&mut existing[i], item, true),
            (None, false) => existing.push(item.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_replaces_lists_and_removes_nulls() {
        let mut doc = json!({"a": 1, "b": {"c": 2, "d": 3}, "l": [1, 2]});
        apply(
            &mut doc,
            &json!({"b": {"c": null, "e": 4}, "l": [3]}),
            PatchType::Merge,
        )
        .unwrap();
        assert_eq!(doc, json!({"a": 1, "b": {"d": 3, "e": 4}, "l": [3]}));
    }

    #[test]
    fn json_patch_applies_rfc6902_operations() {
        let mut doc = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"l": [1, 2]}});
        let patch = Patch::json(json!([
            {"op": "test", "path": "/metadata/labels/a", "value": "1"},
            {"op": "replace", "path": "/metadata/labels/a", "value": "2"},
            {"op": "add", "path": "/spec/l/-", "value": 3},
            {"op": "add", "path": "/spec/l/0", "value": 0},
            {"op": "copy", "from": "/spec/l/1", "path": "/spec/first"},
            {"op": "move", "from": "/spec/first", "path": "/metadata/labels/b~1c"},
            {"op": "remove", "path": "/spec/l/1"}
        ]));
        apply_patch(&mut doc, &patch).unwrap();
        assert_eq!(
            doc,
            json!({"metadata": {"labels": {"a": "2", "b/c": 1}}, "spec": {"l": [0, 2, 3]}})
        );
    }

    #[test]
    fn a_failing_json_patch_changes_nothing_and_is_unprocessable() {
        let mut doc = json!({"a": 1});
        let patch = Patch::json(json!([
            {"op": "replace", "path": "/a", "value": 2},
            {"op": "test", "path": "/a", "value": 1}
        ]));
        let err = apply_patch(&mut doc, &patch).unwrap_err();
        assert_eq!(err.reason, StatusReason::Invalid);
        assert_eq!(doc, json!({"a": 1}));
        let err = apply_patch(&mut doc, &Patch::json(json!({"op": "add"}))).unwrap_err();
        assert_eq!(err.reason, StatusReason::BadRequest);
    }

    #[test]
    fn strategic_patch_merges_containers_by_name() {
        let mut doc = json!({"spec": {"containers": [
            {"name": "web", "image": "nginx:1.26"},
            {"name": "sidecar", "image": "busybox"}
        ]}});
        let patch = json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}});
        apply(&mut doc, &patch, PatchType::Strategic).unwrap();
        assert_eq!(doc["spec"]["containers"][0]["image"], "nginx:1.27");
        assert_eq!(doc["spec"]["containers"][1]["name"], "sidecar");
    }
}
