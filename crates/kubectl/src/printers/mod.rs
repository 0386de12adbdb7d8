//! Text formats kubectl prints: pure functions from values to `String`.

pub mod json;
pub mod jsonpath;
pub mod network;
pub mod storage;
pub mod table;
pub mod tabwriter;
pub mod yaml;

use serde_json::Value;
use sim::{Kind, Object};

/// `deployment.apps`, `pod`: how kubectl names a kind in `-o name` and success lines.
pub fn kind_name(kind: Kind) -> String {
    let info = kind.info();
    let singular = info.kind.to_lowercase();
    if info.group.is_empty() {
        singular
    } else {
        format!("{singular}.{}", info.group)
    }
}

/// The object as `-o yaml|json` prints it: managedFields omitted.
pub fn object_value(object: &Object) -> Value {
    let mut v = object.to_json();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    v
}
