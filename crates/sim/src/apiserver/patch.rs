//! PATCH bodies: JSON merge patch (RFC 7386) and a strategic merge patch that merges the lists
//! Kubernetes keys by a field (containers by name, ports by containerPort …).

use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/merge-patch+json`.
    Merge,
    /// `application/strategic-merge-patch+json` (kubectl's default for built-in kinds).
    Strategic,
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
        return Err(
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
                .to_string(),
        );
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
