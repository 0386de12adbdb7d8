//! Tables as `kubectl get` prints them: the server-side printers' columns per kind
//! (`pkg/printers/internalversion/printers.go`), apimachinery's `HumanDuration`, and
//! cli-runtime's tab-writer (padding 3, minimum width 6, last column unpadded).

use serde_json::Value;
use sim::{Kind, Object, Time};

/// apimachinery `duration.HumanDuration`, from milliseconds (negative for clock skew).
pub fn human_duration(millis: i64) -> String {
    let seconds = millis / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    } else if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// HumanDuration of now − `timestamp`; `<unknown>` when there is none.
pub fn age(now: Time, timestamp: Option<&str>) -> String {
    match timestamp.and_then(Time::parse_rfc3339) {
        Some(t) => human_duration(now.0 as i64 - t.0 as i64),
        None => "<unknown>".into(),
    }
}

/// Rows aligned as kubectl's tab-writer does.
pub fn render(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let width = (widths[i] + 3).max(6);
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Walks a JSON path of object keys.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn int_at(v: &Value, path: &[&str]) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path).and_then(Value::as_str)
}

/// The header cells of a kind's table.
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    if let Some(h) = super::storage::headers(kind, wide) {
        return h;
    }
    if let Some(h) = super::network::headers(kind, wide) {
        return h;
    }
    let mut h: Vec<&'static str> = match kind {
        Kind::Pod => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        Kind::Deployment => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        Kind::ReplicaSet => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        Kind::DaemonSet => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE",
        ],
        Kind::Node => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        Kind::Namespace => vec!["NAME", "STATUS", "AGE"],
        Kind::ConfigMap => vec!["NAME", "DATA", "AGE"],
        Kind::Secret => vec!["NAME", "TYPE", "DATA", "AGE"],
        Kind::ServiceAccount => vec!["NAME", "SECRETS", "AGE"],
        Kind::Event => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        Kind::Lease => vec!["NAME", "HOLDER", "AGE"],
        _ => vec!["NAME", "AGE"],
    };
    if wide {
        match kind {
            Kind::Pod => h.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
            Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
                h.extend(["CONTAINERS", "IMAGES", "SELECTOR"])
            }
            Kind::Node => h.extend([
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ]),
            Kind::Event => {
                h.insert(4, "SUBOBJECT");
                h.insert(5, "SOURCE");
                h.extend(["FIRST SEEN", "COUNT", "NAME"]);
            }
            _ => {}
        }
    }
    h
}

/// `metav1.FormatLabelSelector`.
pub fn format_selector(selector: Option<&Value>) -> String {
    let Some(sel) = selector else {
        return "<none>".into();
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(Value::Object(m)) = sel.get("matchLabels") {
        for (k, v) in m {
            parts.push(format!("{k}={}", v.as_str().unwrap_or("")));
        }
    }
    if let Some(Value::Array(exprs)) = sel.get("matchExpressions") {
        for e in exprs {
            let key = str_at(e, &["key"]).unwrap_or("");
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let part = match str_at(e, &["operator"]).unwrap_or("") {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.to_string(),
                "DoesNotExist" => format!("!{key}"),
                _ => return "<error>".into(),
            };
            parts.push(part);
        }
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

fn containers_and_images(template_spec: Option<&Value>) -> (String, String) {
    let containers = template_spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = containers
        .iter()
        .filter_map(|c| str_at(c, &["name"]))
        .collect();
    let images: Vec<&str> = containers
        .iter()
        .filter_map(|c| str_at(c, &["image"]))
        .collect();
    (names.join(","), images.join(","))
}

/// A map as `k=v,k2=v2` (keys sorted), `<none>` when empty.
pub fn format_labels(map: Option<&Value>) -> String {
    match map {
        Some(Value::Object(m)) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

/// The pod's RESTARTS cell: the count, with `(<age> ago)` of the last restart when known.
fn pod_restarts(pod: &Value, now: Time) -> String {
    let statuses = at(pod, &["status", "containerStatuses"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut restarts = 0;
    let mut last: Option<Time> = None;
    // While the pod initializes, the init containers' restarts are shown (printPod).
    let mut initializing = false;
    let init = at(pod, &["status", "initContainerStatuses"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for c in &init {
        restarts += int_at(c, &["restartCount"]);
        if let Some(t) =
            str_at(c, &["lastState", "terminated", "finishedAt"]).and_then(Time::parse_rfc3339)
        {
            last = Some(last.map_or(t, |l: Time| l.max(t)));
        }
        if at(c, &["state", "terminated"]).is_some()
            && int_at(c, &["state", "terminated", "exitCode"]) == 0
        {
            continue;
        }
        initializing = true;
        break;
    }
    let initialized = at(pod, &["status", "conditions"])
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                str_at(c, &["type"]) == Some("Initialized")
                    && str_at(c, &["status"]) == Some("True")
            })
        });
    if initializing && !initialized {
        return match last {
            Some(t) if restarts > 0 => format!(
                "{restarts} ({} ago)",
                human_duration(now.0 as i64 - t.0 as i64)
            ),
            _ => restarts.to_string(),
        };
    }
    restarts = 0;
    last = None;
    for c in &statuses {
        restarts += int_at(c, &["restartCount"]);
        if let Some(t) =
            str_at(c, &["lastState", "terminated", "finishedAt"]).and_then(Time::parse_rfc3339)
        {
            last = Some(last.map_or(t, |l: Time| l.max(t)));
        }
    }
    match last {
        Some(t) if restarts > 0 => format!(
            "{restarts} ({} ago)",
            human_duration(now.0 as i64 - t.0 as i64)
        ),
        _ => restarts.to_string(),
    }
}

/// The cells of one object's row (without NAMESPACE, labels or `-L` columns).
pub fn cells(object: &Object, now: Time, wide: bool, name: &str) -> Vec<String> {
    let v = object.to_json();
    let created = str_at(&v, &["metadata", "creationTimestamp"]);
    let age_cell = age(now, created);
    let n = |p: &[&str]| int_at(&v, p).to_string();
    if let Some(row) = super::network::cells(object, wide, name, age_cell.clone()) {
        return row;
    }
    let mut row = match object {
        Object::Pod(pod) => {
            let total = pod.spec.containers.len();
            let ready = pod
                .status
                .as_ref()
                .map(|s| {
                    s.container_statuses
                        .iter()
                        .filter(|c| c.ready && c.state.running.is_some())
                        .count()
                })
                .unwrap_or(0);
            let mut row = vec![
                name.to_string(),
                format!("{ready}/{total}"),
                sim::views::pod_status(pod),
                pod_restarts(&v, now),
                age_cell,
            ];
            if wide {
                let ip = at(&v, &["status", "podIPs"])
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(|p| str_at(p, &["ip"]))
                    .or_else(|| str_at(&v, &["status", "podIP"]))
                    .unwrap_or("<none>");
                let node = str_at(&v, &["spec", "nodeName"]).unwrap_or("<none>");
                let nominated = str_at(&v, &["status", "nominatedNodeName"]).unwrap_or("<none>");
                row.extend([
                    ip.to_string(),
                    node.to_string(),
                    nominated.to_string(),
                    "<none>".to_string(),
                ]);
            }
            row
        }
        Object::Deployment(_) => {
            let mut row = vec![
                name.to_string(),
                format!(
                    "{}/{}",
                    int_at(&v, &["status", "readyReplicas"]),
                    int_at(&v, &["spec", "replicas"])
                ),
                n(&["status", "updatedReplicas"]),
                n(&["status", "availableReplicas"]),
                age_cell,
            ];
            if wide {
                let (c, i) = containers_and_images(at(&v, &["spec", "template", "spec"]));
                row.extend([c, i, format_selector(at(&v, &["spec", "selector"]))]);
            }
            row
        }
        Object::ReplicaSet(_) => {
            let mut row = vec![
                name.to_string(),
                n(&["spec", "replicas"]),
                n(&["status", "replicas"]),
                n(&["status", "readyReplicas"]),
                age_cell,
            ];
            if wide {
                let (c, i) = containers_and_images(at(&v, &["spec", "template", "spec"]));
                row.extend([c, i, format_selector(at(&v, &["spec", "selector"]))]);
            }
            row
        }
        Object::DaemonSet(_) => {
            let mut row = vec![
                name.to_string(),
                n(&["status", "desiredNumberScheduled"]),
                n(&["status", "currentNumberScheduled"]),
                n(&["status", "numberReady"]),
                n(&["status", "updatedNumberScheduled"]),
                n(&["status", "numberAvailable"]),
                format_labels(at(&v, &["spec", "template", "spec", "nodeSelector"])),
                age_cell,
            ];
            if wide {
                let (c, i) = containers_and_images(at(&v, &["spec", "template", "spec"]));
                row.extend([c, i, format_selector(at(&v, &["spec", "selector"]))]);
            }
            row
        }
        Object::Node(node) => {
            let version = str_at(&v, &["status", "nodeInfo", "kubeletVersion"]).unwrap_or("");
            let mut row = vec![
                name.to_string(),
                sim::views::node_status(node),
                sim::views::node_roles(node),
                age_cell,
                version.to_string(),
            ];
            if wide {
                let address = |t: &str| {
                    at(&v, &["status", "addresses"])
                        .and_then(Value::as_array)
                        .and_then(|a| a.iter().find(|x| str_at(x, &["type"]) == Some(t)))
                        .and_then(|x| str_at(x, &["address"]))
                        .unwrap_or("<none>")
                        .to_string()
                };
                let info = |k: &str| {
                    str_at(&v, &["status", "nodeInfo", k])
                        .filter(|s| !s.is_empty())
                        .unwrap_or("<unknown>")
                        .to_string()
                };
                row.extend([
                    address("InternalIP"),
                    address("ExternalIP"),
                    info("osImage"),
                    info("kernelVersion"),
                    info("containerRuntimeVersion"),
                ]);
            }
            row
        }
        Object::Namespace(_) => vec![
            name.to_string(),
            str_at(&v, &["status", "phase"]).unwrap_or("").to_string(),
            age_cell,
        ],
        Object::ConfigMap(cm) => vec![
            name.to_string(),
            (cm.data.len() + cm.binary_data.len()).to_string(),
            age_cell,
        ],
        Object::Secret(s) => vec![
            name.to_string(),
            s.type_.clone().unwrap_or_default(),
            s.data.len().to_string(),
            age_cell,
        ],
        Object::Lease(l) => vec![
            name.to_string(),
            l.spec.holder_identity.clone().unwrap_or_default(),
            age_cell,
        ],
        Object::ServiceAccount(sa) => {
            vec![name.to_string(), sa.secrets.len().to_string(), age_cell]
        }
        Object::ResourceQuota(_)
        | Object::LimitRange(_)
        | Object::StorageClass(_)
        | Object::PersistentVolume(_)
        | Object::PersistentVolumeClaim(_)
        | Object::PodDisruptionBudget(_) => {
            super::storage::cells(object, now, wide, name).unwrap_or_default()
        }
        Object::Event(e) => {
            let last = e
                .series
                .as_ref()
                .map(|s| s.last_observed_time.as_str())
                .or(e.last_timestamp.as_deref())
                .or(e.event_time.as_deref())
                .or(e.first_timestamp.as_deref());
            let last_seen = age(now, last);
            let object_cell = format!(
                "{}/{}",
                e.involved_object.kind.to_lowercase(),
                e.involved_object.name
            );
            let mut row = vec![
                last_seen,
                e.type_.as_deref().unwrap_or_default().to_string(),
                e.reason.as_deref().unwrap_or_default().to_string(),
                object_cell,
                e.message
                    .as_deref()
                    .unwrap_or_default()
                    .to_string()
                    .trim()
                    .to_string(),
            ];
            if wide {
                let source = e
                    .source
                    .as_ref()
                    .map(|s| {
                        if s.host.is_empty() {
                            s.component.to_string()
                        } else {
                            format!("{}, {}", s.component, s.host)
                        }
                    })
                    .unwrap_or_default();
                row.insert(4, e.involved_object.field_path.to_string());
                row.insert(5, source);
                let first = e.first_timestamp.clone().or(e.event_time.clone());
                row.extend([
                    age(now, first.as_deref()),
                    e.count.unwrap_or(1).to_string(),
                    e.metadata.name.to_string(),
                ]);
            }
            row
        }
        _ => vec![name.to_string(), age_cell],
    };
    if row.is_empty() {
        row.push(name.to_string());
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_follow_apimachinery() {
        let s = |n: i64| human_duration(n * 1000);
        assert_eq!(s(5), "5s");
        assert_eq!(s(119), "119s");
        assert_eq!(s(182), "3m2s");
        assert_eq!(s(240), "4m");
        assert_eq!(s(45 * 60), "45m");
        assert_eq!(s(179 * 60), "179m");
        assert_eq!(s(4 * 3600 + 300), "4h5m");
        assert_eq!(s(7 * 3600), "7h");
        assert_eq!(s(23 * 3600), "23h");
        assert_eq!(s(53 * 3600), "2d5h");
        assert_eq!(s(7 * 86400), "7d");
        assert_eq!(s(400 * 86400), "400d");
        assert_eq!(s((3 * 365 + 12) * 86400), "3y12d");
        assert_eq!(s(9 * 365 * 86400), "9y");
        assert_eq!(human_duration(-500), "0s");
        assert_eq!(human_duration(-5000), "<invalid>");
    }

    #[test]
    fn columns_pad_by_three_and_leave_the_last_alone() {
        let rows = vec![
            vec!["NAME".to_string(), "READY".to_string(), "AGE".to_string()],
            vec!["nginx".to_string(), "1/1".to_string(), "5s".to_string()],
        ];
        assert_eq!(render(&rows), "NAME    READY   AGE\nnginx   1/1     5s\n");
    }
}
