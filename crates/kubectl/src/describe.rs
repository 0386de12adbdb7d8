//! `kubectl describe pod|deployment|node|namespace|configmap|secret|serviceaccount|replicaset
//! [NAME | -l SELECTOR]`: kubectl's describers (`pkg/describe/describe.go`) over the objects
//! the api-server returns, through Go's tab-writer (padding 2), with the Events table.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::get::{list_error, namespace_of};
use crate::printers::table::{age, at, format_selector, human_duration};
use crate::printers::tabwriter;
use crate::{Output, errors, resources};
use serde_json::Value;
use sim::{Cluster, Kind, ListOptions, Object, Time};
use std::fmt::Write as _;

#[path = "describe_policy.rs"]
mod policy;

const CMD: Cmd = Cmd {
    path: "kubectl describe",
};

const FLAGS: &[Flag] = &[
    short("selector", 'l', FlagKind::String),
    short("all-namespaces", 'A', FlagKind::Bool),
    flag("show-events", FlagKind::Bool),
    flag("chunk-size", FlagKind::Int),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
];

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let parsed = match CMD.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.changed("filename") || parsed.changed("kustomize") {
        return Output::error("\"kubectl describe -f\" is not available in this playground yet");
    }
    if parsed.args.is_empty() {
        return Output::error(
            "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.",
        );
    }
    let requests = match resources::parse(&parsed.args) {
        Ok(r) => r,
        Err(out) => return out,
    };
    if parsed.changed("selector") && requests.requests.iter().any(|r| !r.names.is_empty()) {
        return Output::error("name cannot be provided when a selector is specified");
    }
    let namespace = namespace_of(&parsed);
    let all_namespaces = parsed.bool("all-namespaces");
    let show_events = !parsed.changed("show-events") || parsed.bool("show-events");
    let list = ListOptions::labels(parsed.string_or_empty("selector"));
    let mut out = Output::default();
    let mut errs = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut matched = String::new();
    for r in &requests.requests {
        if matches!(r.kind, Kind::Event) {
            return Output::error(
                "\"kubectl describe events\" is not available in this playground yet",
            );
        }
        let ns = (!all_namespaces).then_some(namespace.as_str());
        let listed = match cluster.api().list(r.kind, ns, &list) {
            Ok(l) => l.items,
            Err(status) => {
                errs.push(list_error(r.kind, &list, &status));
                continue;
            }
        };
        if r.names.is_empty() {
            if listed.is_empty() && errs.is_empty() {
                out.stderr = if r.kind.info().namespaced && !all_namespaces {
                    format!("No resources found in {namespace} namespace.\n")
                } else {
                    "No resources found\n".to_string()
                };
            }
            for o in &listed {
                texts.push(describe(cluster, o, show_events));
            }
            continue;
        }
        let prefix_fallback = parsed.args.len() == 2 && !parsed.args[0].contains('/');
        for name in &r.names {
            match cluster.api().get(r.kind, &namespace, name) {
                Ok(o) => texts.push(describe(cluster, &o, show_events)),
                Err(status) => {
                    // `DescribeMatchingResources`: `describe TYPE PREFIX` describes every
                    // object whose name starts with PREFIX, each followed by a blank line.
                    let prefixed: Vec<&Object> = listed
                        .iter()
                        .filter(|o| prefix_fallback && o.metadata().name.starts_with(name.as_str()))
                        .collect();
                    if prefixed.is_empty() {
                        errs.push(errors::status_text(&status));
                    }
                    for o in prefixed {
                        matched.push_str(&describe(cluster, o, show_events));
                        matched.push('\n');
                    }
                }
            }
        }
    }
    out.stdout = texts.join("\n\n") + &matched;
    for e in &errs {
        out.stderr.push_str(e);
        out.stderr.push('\n');
    }
    if !errs.is_empty() {
        out.exit_code = 1;
    }
    out
}

/// One object's description (ending in a newline).
fn describe(cluster: &Cluster, object: &Object, show_events: bool) -> String {
    let now = cluster.now();
    let v = object.to_json();
    // The describers that show events (namespaces and secrets have none).
    let has_events = !matches!(
        object.kind(),
        Kind::Namespace | Kind::Secret | Kind::ResourceQuota | Kind::LimitRange
    );
    let events = (show_events && has_events).then(|| events_for(cluster, object));
    let mut w = String::new();
    match object.kind() {
        Kind::Pod => describe_pod(&mut w, &v, now),
        Kind::Deployment => describe_deployment(&mut w, cluster, &v),
        Kind::Node => describe_node(&mut w, cluster, &v, now),
        Kind::ReplicaSet => describe_replica_set(&mut w, cluster, &v),
        Kind::DaemonSet => describe_daemon_set(&mut w, cluster, &v),
        _ if policy::describe(&mut w, cluster, object) => {}
        _ if crate::describe_network::describe(&mut w, cluster, object) => {}
        _ => describe_generic(&mut w, &v, cluster),
    }
    match events {
        // `Events:\t<none>` shares the tab-writer with the lines above it.
        Some(events) if events.is_empty() => {
            w.push_str("Events:\t<none>\n");
            tabwriter::align(&w, 0, 2)
        }
        // A table of events starts after a flush.
        Some(events) => {
            tabwriter::align(&w, 0, 2) + &tabwriter::align(&describe_events(&events, now), 0, 2)
        }
        None => tabwriter::align(&w, 0, 2),
    }
}

// ----- helpers shared by the describers ------------------------------------------------------

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

fn n(v: &Value, path: &[&str]) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn arr<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    at(v, path)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// Go's `time.RFC1123Z` for a UTC timestamp: `Thu, 01 Jan 2026 00:00:48 +0000`.
pub fn rfc1123z(timestamp: &str) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let num = |r: std::ops::Range<usize>| timestamp.get(r).and_then(|x| x.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return timestamp.to_string();
    };
    let time = timestamp.get(11..19).unwrap_or("00:00:00");
    // Days since 1970-01-01 (a Thursday), by Howard Hinnant's days_from_civil.
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let weekday = DAYS[(days + 4).rem_euclid(7) as usize];
    let month = MONTHS[((m - 1).clamp(0, 11)) as usize];
    format!("{weekday}, {d:02} {month} {y} {time} +0000")
}

/// `printLabelsMultilineWithIndent`.
pub(crate) fn labels_multiline(w: &mut String, indent: &str, title: &str, map: Option<&Value>) {
    let _ = write!(w, "{indent}{title}:\t");
    let entries: Vec<(&String, &Value)> = match map {
        Some(Value::Object(m)) => m.iter().collect(),
        _ => Vec::new(),
    };
    if entries.is_empty() {
        w.push_str("<none>\n");
        return;
    }
    for (i, (k, v)) in entries.iter().enumerate() {
        if i != 0 {
            let _ = write!(w, "{indent}\t");
        }
        let _ = writeln!(w, "{k}={}", v.as_str().unwrap_or(""));
    }
}

/// `printAnnotationsMultilineWithIndent` (the last-applied configuration is hidden).
pub(crate) fn annotations_multiline(
    w: &mut String,
    indent: &str,
    title: &str,
    map: Option<&Value>,
) {
    const MAX: usize = 140;
    let _ = write!(w, "{indent}{title}:\t");
    let entries: Vec<(&String, &Value)> = match map {
        Some(Value::Object(m)) => m
            .iter()
            .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
            .collect(),
        _ => Vec::new(),
    };
    if entries.is_empty() {
        w.push_str("<none>\n");
        return;
    }
    for (i, (k, v)) in entries.iter().enumerate() {
        if i != 0 {
            let _ = write!(w, "{indent}\t");
        }
        let value = v.as_str().unwrap_or("").trim_end_matches('\n');
        if value.len() + k.len() + 2 > MAX || value.contains('\n') {
            let _ = writeln!(w, "{k}:");
            for line in value.split('\n') {
                let shown: String = if line.chars().count() > MAX - 2 {
                    line.chars().take(MAX - 5).collect::<String>() + "..."
                } else {
                    line.to_string()
                };
                let _ = writeln!(w, "{indent}\t  {shown}");
            }
        } else {
            let _ = writeln!(w, "{k}: {value}");
        }
    }
}

/// `printTolerationsMultilineWithIndent`.
fn tolerations_multiline(w: &mut String, indent: &str, tolerations: &[&Value]) {
    let _ = write!(w, "{indent}Tolerations:\t");
    if tolerations.is_empty() {
        w.push_str("<none>\n");
        return;
    }
    let mut sorted = tolerations.to_vec();
    sorted.sort_by(|a, b| s(a, &["key"]).cmp(s(b, &["key"])));
    for (i, t) in sorted.iter().enumerate() {
        if i != 0 {
            let _ = write!(w, "{indent}\t");
        }
        let (key, value, effect) = (s(t, &["key"]), s(t, &["value"]), s(t, &["effect"]));
        w.push_str(key);
        if !value.is_empty() {
            let _ = write!(w, "={value}");
        }
        if !effect.is_empty() {
            let _ = write!(w, ":{effect}");
        }
        if s(t, &["operator"]) == "Exists" && value.is_empty() {
            w.push_str(if !key.is_empty() || !effect.is_empty() {
                " op=Exists"
            } else {
                "op=Exists"
            });
        }
        if let Some(secs) = t.get("tolerationSeconds").and_then(Value::as_i64) {
            let _ = write!(w, " for {secs}s");
        }
        w.push('\n');
    }
}

fn ports_of(container: &Value, host: bool) -> String {
    arr(container, &["ports"])
        .iter()
        .map(|p| {
            let port = if host {
                n(p, &["hostPort"])
            } else {
                n(p, &["containerPort"])
            };
            let proto = match s(p, &["protocol"]) {
                "" => "TCP",
                other => other,
            };
            format!("{port}/{proto}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// `describeContainers`: `statuses` are the pod's container statuses (none for templates).
fn describe_containers(
    w: &mut String,
    label: &str,
    containers: &[&Value],
    statuses: Option<&[&Value]>,
    space: &str,
) {
    let _ = write!(w, "{space}{label}:");
    if containers.is_empty() {
        w.push_str(" <none>");
    }
    w.push('\n');
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let name = s(c, &["name"]);
        let status = statuses.and_then(|st| st.iter().find(|x| s(x, &["name"]) == name).copied());
        let _ = writeln!(w, "  {name_indent}{name}:");
        if let Some(st) = status {
            let _ = writeln!(w, "    Container ID:\t{}", s(st, &["containerID"]));
        }
        let _ = writeln!(w, "    Image:\t{}", s(c, &["image"]));
        if let Some(st) = status {
            let _ = writeln!(w, "    Image ID:\t{}", s(st, &["imageID"]));
        }
        let ports = ports_of(c, false);
        if ports.contains(',') {
            let _ = writeln!(w, "    Ports:\t{ports}");
        } else {
            let _ = writeln!(w, "    Port:\t{}", or_none(ports));
        }
        let host_ports = ports_of(c, true);
        if host_ports.contains(',') {
            let _ = writeln!(w, "    Host Ports:\t{host_ports}");
        } else {
            let _ = writeln!(w, "    Host Port:\t{}", or_none(host_ports));
        }
        for (key, title) in [("command", "Command"), ("args", "Args")] {
            let items = arr(c, &[key]);
            if !items.is_empty() {
                let _ = writeln!(w, "    {title}:");
                for item in items {
                    for line in item.as_str().unwrap_or("").split('\n') {
                        let _ = writeln!(w, "      {line}");
                    }
                }
            }
        }
        if let Some(st) = status {
            describe_state(w, "State", st.get("state"));
            if at(st, &["lastState", "terminated"]).is_some() {
                describe_state(w, "Last State", st.get("lastState"));
            }
            let ready = st.get("ready").and_then(Value::as_bool).unwrap_or(false);
            let _ = writeln!(w, "    Ready:\t{}", if ready { "True" } else { "False" });
            let _ = writeln!(w, "    Restart Count:\t{}", n(st, &["restartCount"]));
        }
        for (key, title) in [("limits", "Limits"), ("requests", "Requests")] {
            if let Some(Value::Object(m)) = at(c, &["resources", key])
                && !m.is_empty()
            {
                let _ = writeln!(w, "    {title}:");
                for (k, q) in m {
                    let _ = writeln!(w, "      {k}:\t{}", q.as_str().unwrap_or(""));
                }
            }
        }
        for (key, title) in [
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ] {
            if let Some(p) = c.get(key) {
                let _ = writeln!(w, "    {title}:\t{}", describe_probe(p));
            }
        }
        let env = arr(c, &["env"]);
        if env.is_empty() {
            w.push_str("    Environment:\t<none>\n");
        } else {
            w.push_str("    Environment:\n");
            for e in env {
                let name = s(e, &["name"]);
                if let Some(from) = e.get("valueFrom") {
                    let text = if let Some(r) = from.get("configMapKeyRef") {
                        format!(
                            "<set to the key '{}' of config map '{}'>",
                            s(r, &["key"]),
                            s(r, &["name"])
                        )
                    } else if let Some(r) = from.get("secretKeyRef") {
                        format!(
                            "<set to the key '{}' in secret '{}'>",
                            s(r, &["key"]),
                            s(r, &["name"])
                        )
                    } else if let Some(r) = from.get("fieldRef") {
                        format!(" ({}:{})", s(r, &["apiVersion"]), s(r, &["fieldPath"]))
                    } else {
                        String::new()
                    };
                    let optional = from
                        .as_object()
                        .and_then(|m| m.values().next())
                        .and_then(|r| r.get("optional"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    if from.get("fieldRef").is_some() {
                        let _ = writeln!(w, "      {name}:\t{text}");
                    } else {
                        let _ = writeln!(w, "      {name}:\t{text}\tOptional: {optional}");
                    }
                } else {
                    for (i, line) in s(e, &["value"]).split('\n').enumerate() {
                        if i == 0 {
                            let _ = writeln!(w, "      {name}:\t{line}");
                        } else {
                            let _ = writeln!(w, "      \t{line}");
                        }
                    }
                }
            }
        }
        let mut mounts = arr(c, &["volumeMounts"]);
        if mounts.is_empty() {
            w.push_str("    Mounts:\t<none>\n");
        } else {
            w.push_str("    Mounts:\n");
            mounts.sort_by(|a, b| s(a, &["mountPath"]).cmp(s(b, &["mountPath"])));
            for m in mounts {
                let ro = m.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
                let mut flags = vec![if ro {
                    "ro".to_string()
                } else {
                    "rw".to_string()
                }];
                if !s(m, &["subPath"]).is_empty() {
                    flags.push(format!("path={}", errors::go_quote(s(m, &["subPath"]))));
                }
                let _ = writeln!(
                    w,
                    "      {} from {} ({})",
                    s(m, &["mountPath"]),
                    s(m, &["name"]),
                    flags.join(",")
                );
            }
        }
    }
}

/// `DescribeProbe`: the handler and its timing, `http-get http://:8080/healthz delay=0s …`.
fn describe_probe(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n(p, &["initialDelaySeconds"]),
        n(p, &["timeoutSeconds"]),
        n(p, &["periodSeconds"]),
        n(p, &["successThreshold"]),
        n(p, &["failureThreshold"])
    );
    let port = |h: &Value| match h.get("port") {
        Some(Value::Number(num)) => num.to_string(),
        Some(Value::String(name)) => name.clone(),
        _ => String::new(),
    };
    if let Some(e) = p.get("exec") {
        let cmd: Vec<&str> = arr(e, &["command"])
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        format!("exec [{}] {attrs}", cmd.join(" "))
    } else if let Some(h) = p.get("httpGet") {
        let scheme = s(h, &["scheme"]).to_ascii_lowercase();
        let port = port(h);
        let host = if port.is_empty() {
            s(h, &["host"]).to_string()
        } else {
            format!("{}:{port}", s(h, &["host"]))
        };
        format!("http-get {scheme}://{host}{} {attrs}", s(h, &["path"]))
    } else if let Some(t) = p.get("tcpSocket") {
        format!("tcp-socket {}:{} {attrs}", s(t, &["host"]), port(t))
    } else if let Some(g) = p.get("grpc") {
        format!(
            "grpc <pod>:{} {} {attrs}",
            n(g, &["port"]),
            s(g, &["service"])
        )
    } else {
        format!("unknown {attrs}")
    }
}

/// `describeStatus`.
fn describe_state(w: &mut String, title: &str, state: Option<&Value>) {
    let state = state.cloned().unwrap_or(Value::Null);
    if let Some(r) = state.get("running") {
        let _ = writeln!(w, "    {title}:\tRunning");
        let _ = writeln!(w, "      Started:\t{}", rfc1123z(s(r, &["startedAt"])));
    } else if let Some(wt) = state.get("waiting") {
        let _ = writeln!(w, "    {title}:\tWaiting");
        let reason = s(wt, &["reason"]);
        if !reason.is_empty() {
            let _ = writeln!(w, "      Reason:\t{reason}");
        }
    } else if let Some(t) = state.get("terminated") {
        let _ = writeln!(w, "    {title}:\tTerminated");
        for (key, label) in [("reason", "Reason"), ("message", "Message")] {
            if !s(t, &[key]).is_empty() {
                let _ = writeln!(w, "      {label}:\t{}", s(t, &[key]));
            }
        }
        let _ = writeln!(w, "      Exit Code:\t{}", n(t, &["exitCode"]));
        if n(t, &["signal"]) > 0 {
            let _ = writeln!(w, "      Signal:\t{}", n(t, &["signal"]));
        }
        let _ = writeln!(w, "      Started:\t{}", rfc1123z(s(t, &["startedAt"])));
        let _ = writeln!(w, "      Finished:\t{}", rfc1123z(s(t, &["finishedAt"])));
    } else {
        let _ = writeln!(w, "    {title}:\tWaiting");
    }
}

/// `describeVolumes` (the volume kinds the simulated pods use).
fn describe_volumes(w: &mut String, volumes: &[&Value], space: &str) {
    if volumes.is_empty() {
        let _ = writeln!(w, "{space}Volumes:\t<none>");
        return;
    }
    let _ = writeln!(w, "{space}Volumes:");
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        let _ = writeln!(w, "  {name_indent}{}:", s(v, &["name"]));
        if let Some(p) = v.get("projected") {
            w.push_str("    Type:\tProjected (a volume that contains injected data from multiple sources)\n");
            for src in arr(p, &["sources"]) {
                if let Some(t) = src.get("serviceAccountToken") {
                    let _ = writeln!(
                        w,
                        "    TokenExpirationSeconds:\t{}",
                        n(t, &["expirationSeconds"])
                    );
                } else if let Some(c) = src.get("configMap") {
                    let _ = writeln!(w, "    ConfigMapName:\t{}", s(c, &["name"]));
                    let optional = c.get("optional").and_then(Value::as_bool).unwrap_or(false);
                    let _ = writeln!(w, "    Optional:\t{optional}");
                } else if src.get("downwardAPI").is_some() {
                    w.push_str("    DownwardAPI:\ttrue\n");
                } else if let Some(sec) = src.get("secret") {
                    let _ = writeln!(w, "    SecretName:\t{}", s(sec, &["name"]));
                    let optional = sec
                        .get("optional")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    let _ = writeln!(w, "    Optional:\t{optional}");
                }
            }
        } else if let Some(e) = v.get("emptyDir") {
            w.push_str(
                "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n",
            );
            let _ = writeln!(w, "    Medium:\t{}", s(e, &["medium"]));
            let limit = match s(e, &["sizeLimit"]) {
                "" => "<unset>",
                x => x,
            };
            let _ = writeln!(w, "    SizeLimit:\t{limit}");
        } else if let Some(c) = v.get("configMap") {
            w.push_str("    Type:\tConfigMap (a volume populated by a ConfigMap)\n");
            let _ = writeln!(w, "    Name:\t{}", s(c, &["name"]));
            let optional = c.get("optional").and_then(Value::as_bool).unwrap_or(false);
            let _ = writeln!(w, "    Optional:\t{optional}");
        } else if let Some(sec) = v.get("secret") {
            w.push_str("    Type:\tSecret (a volume populated by a Secret)\n");
            let _ = writeln!(w, "    SecretName:\t{}", s(sec, &["secretName"]));
            let optional = sec
                .get("optional")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let _ = writeln!(w, "    Optional:\t{optional}");
        } else if let Some(c) = v.get("persistentVolumeClaim") {
            w.push_str("    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n");
            let _ = writeln!(w, "    ClaimName:\t{}", s(c, &["claimName"]));
            let read_only = c.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
            let _ = writeln!(w, "    ReadOnly:\t{read_only}");
        } else if let Some(h) = v.get("hostPath") {
            w.push_str("    Type:\tHostPath (bare host directory volume)\n");
            let _ = writeln!(w, "    Path:\t{}", s(h, &["path"]));
            let _ = writeln!(w, "    HostPathType:\t{}", s(h, &["type"]));
        } else {
            // Simplification: other volume kinds are listed without their details.
            w.push_str("    Type:\t<unknown>\n");
        }
    }
}

fn describe_pod(w: &mut String, v: &Value, now: Time) {
    let _ = writeln!(w, "Name:\t{}", s(v, &["metadata", "name"]));
    let _ = writeln!(w, "Namespace:\t{}", s(v, &["metadata", "namespace"]));
    if let Some(p) = at(v, &["spec", "priority"]).and_then(Value::as_i64) {
        let _ = writeln!(w, "Priority:\t{p}");
    }
    if !s(v, &["spec", "priorityClassName"]).is_empty() {
        let _ = writeln!(
            w,
            "Priority Class Name:\t{}",
            s(v, &["spec", "priorityClassName"])
        );
    }
    if !s(v, &["spec", "runtimeClassName"]).is_empty() {
        let _ = writeln!(
            w,
            "Runtime Class Name:\t{}",
            s(v, &["spec", "runtimeClassName"])
        );
    }
    if !s(v, &["spec", "serviceAccountName"]).is_empty() {
        let _ = writeln!(
            w,
            "Service Account:\t{}",
            s(v, &["spec", "serviceAccountName"])
        );
    }
    match s(v, &["spec", "nodeName"]) {
        "" => w.push_str("Node:\t<none>\n"),
        node => {
            let _ = writeln!(w, "Node:\t{node}/{}", s(v, &["status", "hostIP"]));
        }
    }
    if !s(v, &["status", "startTime"]).is_empty() {
        let _ = writeln!(
            w,
            "Start Time:\t{}",
            rfc1123z(s(v, &["status", "startTime"]))
        );
    }
    labels_multiline(w, "", "Labels", at(v, &["metadata", "labels"]));
    annotations_multiline(w, "", "Annotations", at(v, &["metadata", "annotations"]));
    let phase = s(v, &["status", "phase"]);
    let deletion = s(v, &["metadata", "deletionTimestamp"]);
    if !deletion.is_empty() && phase != "Failed" && phase != "Succeeded" {
        // translateTimestampUntil: the time left until the deletion timestamp.
        let left = Time::parse_rfc3339(deletion)
            .map(|t| human_duration(t.0 as i64 - now.0 as i64))
            .unwrap_or_else(|| "<unknown>".into());
        let _ = writeln!(w, "Status:\tTerminating (lasts {left})");
        let _ = writeln!(
            w,
            "Termination Grace Period:\t{}s",
            n(v, &["metadata", "deletionGracePeriodSeconds"])
        );
    } else {
        let _ = writeln!(w, "Status:\t{phase}");
    }
    for (key, label) in [("reason", "Reason"), ("message", "Message")] {
        if !s(v, &["status", key]).is_empty() {
            let _ = writeln!(w, "{label}:\t{}", s(v, &["status", key]));
        }
    }
    let _ = writeln!(w, "IP:\t{}", s(v, &["status", "podIP"]));
    let ips = arr(v, &["status", "podIPs"]);
    if ips.is_empty() {
        w.push_str("IPs:\t<none>\n");
    } else {
        w.push_str("IPs:\n");
        for ip in ips {
            let _ = writeln!(w, "  IP:\t{}", s(ip, &["ip"]));
        }
    }
    if let Some(owner) = arr(v, &["metadata", "ownerReferences"])
        .into_iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
    {
        let _ = writeln!(
            w,
            "Controlled By:\t{}/{}",
            s(owner, &["kind"]),
            s(owner, &["name"])
        );
    }
    if !s(v, &["status", "nominatedNodeName"]).is_empty() {
        let _ = writeln!(
            w,
            "NominatedNodeName:\t{}",
            s(v, &["status", "nominatedNodeName"])
        );
    }
    let init = arr(v, &["spec", "initContainers"]);
    if !init.is_empty() {
        let st = arr(v, &["status", "initContainerStatuses"]);
        describe_containers(w, "Init Containers", &init, Some(&st), "");
    }
    let st = arr(v, &["status", "containerStatuses"]);
    describe_containers(
        w,
        "Containers",
        &arr(v, &["spec", "containers"]),
        Some(&st),
        "",
    );
    let conditions = arr(v, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.push_str("Conditions:\n  Type\tStatus\n");
        for c in conditions {
            let _ = writeln!(w, "  {} \t{} ", s(c, &["type"]), s(c, &["status"]));
        }
    }
    describe_volumes(w, &arr(v, &["spec", "volumes"]), "");
    let qos = s(v, &["status", "qosClass"]);
    let _ = writeln!(w, "QoS Class:\t{qos}");
    labels_multiline(w, "", "Node-Selectors", at(v, &["spec", "nodeSelector"]));
    tolerations_multiline(w, "", &arr(v, &["spec", "tolerations"]));
}

/// The `Conditions:` table of a Deployment or ReplicaSet (`Type  Status  Reason`).
fn describe_workload_conditions(w: &mut String, v: &Value) {
    let conditions = arr(v, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.push_str("Conditions:\n  Type\tStatus\tReason\n");
        w.push_str("  ----\t------\t------\n");
        for c in conditions {
            let _ = writeln!(
                w,
                "  {} \t{}\t{}",
                s(c, &["type"]),
                s(c, &["status"]),
                s(c, &["reason"])
            );
        }
    }
}

/// `DescribePodTemplate`.
fn describe_pod_template(w: &mut String, t: Option<&Value>) {
    w.push_str("Pod Template:\n");
    let Some(t) = t else {
        w.push_str("  <unset>");
        return;
    };
    labels_multiline(w, "  ", "Labels", at(t, &["metadata", "labels"]));
    if matches!(at(t, &["metadata", "annotations"]), Some(Value::Object(m)) if !m.is_empty()) {
        annotations_multiline(w, "  ", "Annotations", at(t, &["metadata", "annotations"]));
    }
    if !s(t, &["spec", "serviceAccountName"]).is_empty() {
        let _ = writeln!(
            w,
            "  Service Account:\t{}",
            s(t, &["spec", "serviceAccountName"])
        );
    }
    let init = arr(t, &["spec", "initContainers"]);
    if !init.is_empty() {
        describe_containers(w, "Init Containers", &init, None, "  ");
    }
    describe_containers(
        w,
        "Containers",
        &arr(t, &["spec", "containers"]),
        None,
        "  ",
    );
    describe_volumes(w, &arr(t, &["spec", "volumes"]), "  ");
    if !s(t, &["spec", "priorityClassName"]).is_empty() {
        let _ = writeln!(
            w,
            "  Priority Class Name:\t{}",
            s(t, &["spec", "priorityClassName"])
        );
    }
    labels_multiline(w, "  ", "Node-Selectors", at(t, &["spec", "nodeSelector"]));
    tolerations_multiline(w, "  ", &arr(t, &["spec", "tolerations"]));
}

/// ReplicaSets controlled by the object with this uid.
fn owned_replica_sets(cluster: &Cluster, namespace: &str, uid: &str) -> Vec<Value> {
    cluster
        .api()
        .iter(Kind::ReplicaSet, Some(namespace))
        .filter(|rs| rs.metadata().controller().is_some_and(|o| o.uid == uid))
        .map(Object::to_json)
        .collect()
}

/// The pod template without the `pod-template-hash` label, to find a Deployment's new RS.
fn template_without_hash(template: Option<&Value>) -> Value {
    let mut t = template.cloned().unwrap_or(Value::Null);
    if let Some(labels) = t
        .get_mut("metadata")
        .and_then(|m| m.get_mut("labels"))
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    t
}

fn replica_sets_text(sets: &[&Value]) -> String {
    let list: Vec<String> = sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                s(rs, &["metadata", "name"]),
                n(rs, &["status", "replicas"]),
                n(rs, &["spec", "replicas"])
            )
        })
        .collect();
    if list.is_empty() {
        "<none>".into()
    } else {
        list.join(", ")
    }
}

fn describe_deployment(w: &mut String, cluster: &Cluster, v: &Value) {
    let _ = writeln!(w, "Name:\t{}", s(v, &["metadata", "name"]));
    let _ = writeln!(w, "Namespace:\t{}", s(v, &["metadata", "namespace"]));
    let _ = writeln!(
        w,
        "CreationTimestamp:\t{}",
        rfc1123z(s(v, &["metadata", "creationTimestamp"]))
    );
    labels_multiline(w, "", "Labels", at(v, &["metadata", "labels"]));
    annotations_multiline(w, "", "Annotations", at(v, &["metadata", "annotations"]));
    let _ = writeln!(
        w,
        "Selector:\t{}",
        selector_text(at(v, &["spec", "selector"]))
    );
    let mut replicas = format!(
        "{} desired | {} updated | {} total | {} available | {} unavailable",
        n(v, &["spec", "replicas"]),
        n(v, &["status", "updatedReplicas"]),
        n(v, &["status", "replicas"]),
        n(v, &["status", "availableReplicas"]),
        n(v, &["status", "unavailableReplicas"])
    );
    if let Some(t) = at(v, &["status", "terminatingReplicas"]).and_then(Value::as_i64) {
        let _ = write!(replicas, " | {t} terminating");
    }
    let _ = writeln!(w, "Replicas:\t{replicas}");
    let _ = writeln!(w, "StrategyType:\t{}", s(v, &["spec", "strategy", "type"]));
    let _ = writeln!(
        w,
        "MinReadySeconds:\t{}",
        n(v, &["spec", "minReadySeconds"])
    );
    if let Some(ru) = at(v, &["spec", "strategy", "rollingUpdate"]) {
        let text = |k: &str| match ru.get(k) {
            Some(Value::String(x)) => x.clone(),
            Some(Value::Number(x)) => x.to_string(),
            _ => "<nil>".to_string(),
        };
        let _ = writeln!(
            w,
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
            text("maxUnavailable"),
            text("maxSurge")
        );
    }
    describe_pod_template(w, at(v, &["spec", "template"]));
    describe_workload_conditions(w, v);
    let sets = owned_replica_sets(
        cluster,
        s(v, &["metadata", "namespace"]),
        s(v, &["metadata", "uid"]),
    );
    let want = template_without_hash(at(v, &["spec", "template"]));
    let new_rs = sets
        .iter()
        .find(|rs| template_without_hash(at(rs, &["spec", "template"])) == want);
    let old: Vec<&Value> = sets
        .iter()
        .filter(|rs| Some(*rs) != new_rs && n(rs, &["spec", "replicas"]) != 0)
        .collect();
    let _ = writeln!(w, "OldReplicaSets:\t{}", replica_sets_text(&old));
    // A paused Deployment whose template changed has no new ReplicaSet yet.
    let new_sets: Vec<&Value> = new_rs.into_iter().collect();
    let _ = writeln!(w, "NewReplicaSet:\t{}", replica_sets_text(&new_sets));
}

fn describe_replica_set(w: &mut String, cluster: &Cluster, v: &Value) {
    let _ = writeln!(w, "Name:\t{}", s(v, &["metadata", "name"]));
    let _ = writeln!(w, "Namespace:\t{}", s(v, &["metadata", "namespace"]));
    let _ = writeln!(
        w,
        "Selector:\t{}",
        selector_text(at(v, &["spec", "selector"]))
    );
    labels_multiline(w, "", "Labels", at(v, &["metadata", "labels"]));
    annotations_multiline(w, "", "Annotations", at(v, &["metadata", "annotations"]));
    if let Some(owner) = arr(v, &["metadata", "ownerReferences"])
        .into_iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
    {
        let _ = writeln!(
            w,
            "Controlled By:\t{}/{}",
            s(owner, &["kind"]),
            s(owner, &["name"])
        );
    }
    let _ = writeln!(
        w,
        "Replicas:\t{} current / {} desired",
        n(v, &["status", "replicas"]),
        n(v, &["spec", "replicas"])
    );
    let _ = writeln!(w, "Pods Status:\t{}", pods_status(cluster, v));
    describe_pod_template(w, at(v, &["spec", "template"]));
    describe_workload_conditions(w, v);
}

fn describe_daemon_set(w: &mut String, cluster: &Cluster, v: &Value) {
    let _ = writeln!(w, "Name:\t{}", s(v, &["metadata", "name"]));
    let _ = writeln!(
        w,
        "Selector:\t{}",
        selector_text(at(v, &["spec", "selector"]))
    );
    let _ = writeln!(
        w,
        "Node-Selector:\t{}",
        crate::printers::table::format_labels(at(v, &["spec", "template", "spec", "nodeSelector"]))
    );
    labels_multiline(w, "", "Labels", at(v, &["metadata", "labels"]));
    annotations_multiline(w, "", "Annotations", at(v, &["metadata", "annotations"]));
    for (label, key) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        let _ = writeln!(w, "{label}: {}", n(v, &["status", key]));
    }
    let _ = writeln!(w, "Pods Status:\t{}", pods_status(cluster, v));
    describe_pod_template(w, at(v, &["spec", "template"]));
}

/// `N Running / N Waiting / N Succeeded / N Failed` over the pods the object controls.
fn pods_status(cluster: &Cluster, v: &Value) -> String {
    let uid = s(v, &["metadata", "uid"]);
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for pod in cluster
        .api()
        .iter(Kind::Pod, Some(s(v, &["metadata", "namespace"])))
        .filter(|p| p.metadata().controller().is_some_and(|o| o.uid == uid))
    {
        match s(&pod.to_json(), &["status", "phase"]) {
            "Running" => running += 1,
            "Pending" => waiting += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => {}
        }
    }
    format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed")
}

/// `metav1.LabelSelectorAsSelector(...).String()`.
fn selector_text(sel: Option<&Value>) -> String {
    match format_selector(sel).as_str() {
        "<none>" => String::new(),
        other => other.to_string(),
    }
}

fn describe_node(w: &mut String, cluster: &Cluster, v: &Value, now: Time) {
    let name = s(v, &["metadata", "name"]);
    let _ = writeln!(w, "Name:\t{name}");
    let roles = match cluster.api().get_ref(Kind::Node, "", name) {
        Some(Object::Node(node)) => sim::views::node_roles(node),
        _ => "<none>".into(),
    };
    let _ = writeln!(w, "Roles:\t{roles}");
    labels_multiline(w, "", "Labels", at(v, &["metadata", "labels"]));
    annotations_multiline(w, "", "Annotations", at(v, &["metadata", "annotations"]));
    let _ = writeln!(
        w,
        "CreationTimestamp:\t{}",
        rfc1123z(s(v, &["metadata", "creationTimestamp"]))
    );
    let taints = arr(v, &["spec", "taints"]);
    if taints.is_empty() {
        w.push_str("Taints:\t<none>\n");
    } else {
        for (i, t) in taints.iter().enumerate() {
            w.push_str(if i == 0 { "Taints:\t" } else { "\t" });
            let value = s(t, &["value"]);
            if value.is_empty() {
                let _ = writeln!(w, "{}:{}", s(t, &["key"]), s(t, &["effect"]));
            } else {
                let _ = writeln!(w, "{}={value}:{}", s(t, &["key"]), s(t, &["effect"]));
            }
        }
    }
    let unschedulable = at(v, &["spec", "unschedulable"])
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let _ = writeln!(w, "Unschedulable:\t{unschedulable}");
    // The kubelet's Lease in kube-node-lease.
    let lease = cluster
        .api()
        .get_ref(Kind::Lease, sim::heartbeat::LEASE_NAMESPACE, name)
        .map(sim::Object::to_json);
    let lease_field = |field: &str, time: bool| {
        lease
            .as_ref()
            .and_then(|l| at(l, &["spec", field]))
            .and_then(Value::as_str)
            .map_or("<unset>".to_string(), |v| {
                if time { rfc1123z(v) } else { v.to_string() }
            })
    };
    w.push_str("Lease:\n");
    let _ = writeln!(
        w,
        "  HolderIdentity:\t{}",
        lease_field("holderIdentity", false)
    );
    let _ = writeln!(w, "  AcquireTime:\t{}", lease_field("acquireTime", true));
    let _ = writeln!(w, "  RenewTime:\t{}", lease_field("renewTime", true));
    let conditions = arr(v, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.push_str(
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.push_str("  ----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conditions {
            let _ = writeln!(
                w,
                "  {} \t{} \t{} \t{} \t{} \t{}",
                s(c, &["type"]),
                s(c, &["status"]),
                rfc1123z(s(c, &["lastHeartbeatTime"])),
                rfc1123z(s(c, &["lastTransitionTime"])),
                s(c, &["reason"]),
                s(c, &["message"])
            );
        }
    }
    w.push_str("Addresses:\n");
    for a in arr(v, &["status", "addresses"]) {
        let _ = writeln!(w, "  {}:\t{}", s(a, &["type"]), s(a, &["address"]));
    }
    for (key, title) in [("capacity", "Capacity"), ("allocatable", "Allocatable")] {
        if let Some(Value::Object(m)) = at(v, &["status", key]) {
            let _ = writeln!(w, "{title}:");
            for (k, q) in m {
                let _ = writeln!(w, "  {k}:\t{}", q.as_str().unwrap_or(""));
            }
        }
    }
    if let Some(info) = at(v, &["status", "nodeInfo"]) {
        w.push_str("System Info:\n");
        for (key, label) in [
            ("machineID", "Machine ID"),
            ("systemUUID", "System UUID"),
            ("bootID", "Boot ID"),
            ("kernelVersion", "Kernel Version"),
            ("osImage", "OS Image"),
            ("operatingSystem", "Operating System"),
            ("architecture", "Architecture"),
            ("containerRuntimeVersion", "Container Runtime Version"),
            ("kubeletVersion", "Kubelet Version"),
        ] {
            let _ = writeln!(w, "  {label}:\t{}", s(info, &[key]));
        }
    }
    if !s(v, &["spec", "podCIDR"]).is_empty() {
        let _ = writeln!(w, "PodCIDR:\t{}", s(v, &["spec", "podCIDR"]));
    }
    let cidrs: Vec<&str> = arr(v, &["spec", "podCIDRs"])
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    if !cidrs.is_empty() {
        let _ = writeln!(w, "PodCIDRs:\t{}", cidrs.join(","));
    }
    if !s(v, &["spec", "providerID"]).is_empty() {
        let _ = writeln!(w, "ProviderID:\t{}", s(v, &["spec", "providerID"]));
    }
    // Non-terminated pods on the node, with their requests and limits.
    let pods: Vec<Value> = cluster
        .api()
        .iter(Kind::Pod, None)
        .filter_map(|p| match p {
            Object::Pod(pod) if pod.node_name() == Some(name) && !pod.is_terminal() => {
                Some(p.to_json())
            }
            _ => None,
        })
        .collect();
    let alloc = |r: &str| {
        at(v, &["status", "allocatable", r])
            .and_then(Value::as_str)
            .and_then(parse_milli)
            .unwrap_or(0)
    };
    let (cpu_alloc, mem_alloc) = (alloc("cpu"), alloc("memory"));
    let _ = writeln!(w, "Non-terminated Pods:\t({} in total)", pods.len());
    w.push_str(
        "  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.push_str(
        "  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let (mut cpu_req, mut cpu_lim, mut mem_req, mut mem_lim) = (0i128, 0i128, 0i128, 0i128);
    for p in &pods {
        let sum = |kind: &str, res: &str| -> i128 {
            arr(p, &["spec", "containers"])
                .iter()
                .filter_map(|c| at(c, &["resources", kind, res]).and_then(Value::as_str))
                .filter_map(parse_milli)
                .sum()
        };
        let (cr, cl, mr, ml) = (
            sum("requests", "cpu"),
            sum("limits", "cpu"),
            sum("requests", "memory"),
            sum("limits", "memory"),
        );
        cpu_req += cr;
        cpu_lim += cl;
        mem_req += mr;
        mem_lim += ml;
        let _ = writeln!(
            w,
            "  {}\t{}\t\t{}\t{}\t{}\t{}\t{}",
            s(p, &["metadata", "namespace"]),
            s(p, &["metadata", "name"]),
            with_percent(format_cpu(cr), cr, cpu_alloc),
            with_percent(format_cpu(cl), cl, cpu_alloc),
            with_percent(format_memory(mr), mr, mem_alloc),
            with_percent(format_memory(ml), ml, mem_alloc),
            age(
                now,
                at(p, &["metadata", "creationTimestamp"]).and_then(Value::as_str)
            )
        );
    }
    w.push_str(
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.push_str("  Resource\tRequests\tLimits\n");
    w.push_str("  --------\t--------\t------\n");
    let _ = writeln!(
        w,
        "  cpu\t{}\t{}",
        with_percent(format_cpu(cpu_req), cpu_req, cpu_alloc),
        with_percent(format_cpu(cpu_lim), cpu_lim, cpu_alloc)
    );
    let _ = writeln!(
        w,
        "  memory\t{}\t{}",
        with_percent(format_memory(mem_req), mem_req, mem_alloc),
        with_percent(format_memory(mem_lim), mem_lim, mem_alloc)
    );
    w.push_str("  ephemeral-storage\t0 (0%)\t0 (0%)\n");
    w.push_str("  hugepages-1Gi\t0 (0%)\t0 (0%)\n");
    w.push_str("  hugepages-2Mi\t0 (0%)\t0 (0%)\n");
}

/// A quantity in thousandths (`100m` → 100, `1` → 1000, `128Mi` → 128·2²⁰·1000).
fn parse_milli(q: &str) -> Option<i128> {
    sim::api::meta::parse_quantity_milli(q)
}

fn format_cpu(milli: i128) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

fn format_memory(milli: i128) -> String {
    let bytes = milli / 1000;
    for (suffix, factor) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if bytes != 0 && bytes % factor == 0 {
            return format!("{}{suffix}", bytes / factor);
        }
    }
    bytes.to_string()
}

fn with_percent(text: String, value: i128, allocatable: i128) -> String {
    let pct = if allocatable > 0 {
        value * 100 / allocatable
    } else {
        0
    };
    format!("{text} ({pct}%)")
}

/// Namespaces, ConfigMaps, Secrets, ServiceAccounts: the common header and their data.
fn describe_generic(w: &mut String, v: &Value, cluster: &Cluster) {
    let _ = writeln!(w, "Name:\t{}", s(v, &["metadata", "name"]));
    if !s(v, &["metadata", "namespace"]).is_empty() {
        let _ = writeln!(w, "Namespace:\t{}", s(v, &["metadata", "namespace"]));
    }
    labels_multiline(w, "", "Labels", at(v, &["metadata", "labels"]));
    annotations_multiline(w, "", "Annotations", at(v, &["metadata", "annotations"]));
    match s(v, &["kind"]) {
        "Namespace" => {
            let _ = writeln!(w, "Status:\t{}", s(v, &["status", "phase"]));
            policy::namespace_sections(w, cluster, s(v, &["metadata", "name"]));
        }
        "ConfigMap" => {
            w.push_str("\nData\n====\n");
            if let Some(Value::Object(m)) = v.get("data") {
                for (k, val) in m {
                    let _ = writeln!(w, "{k}:\n----\n{}\n", val.as_str().unwrap_or(""));
                }
            }
            w.push_str("\nBinaryData\n====\n");
            if let Some(Value::Object(m)) = v.get("binaryData") {
                for (k, val) in m {
                    let _ = writeln!(w, "{k}: {} bytes", val.as_str().unwrap_or("").len() * 3 / 4);
                }
            }
            w.push('\n');
        }
        "Secret" => {
            let _ = writeln!(w, "\nType:\t{}\n\nData\n====", s(v, &["type"]));
            if let Some(Value::Object(m)) = v.get("data") {
                for (k, val) in m {
                    let _ = writeln!(w, "{k}:\t{} bytes", decoded_len(val.as_str().unwrap_or("")));
                }
            }
        }
        "ServiceAccount" => {
            w.push_str(
                "Image pull secrets:\t<none>\nMountable secrets: \t<none>\nTokens:            \t<none>\n",
            );
        }
        _ => {}
    }
}

/// The length of base64-encoded data once decoded.
fn decoded_len(b64: &str) -> usize {
    let pad = b64.chars().rev().take_while(|c| *c == '=').count();
    (b64.len() / 4) * 3 - pad.min(2)
}

// ----- events -----------------------------------------------------------------------------------

/// The events about an object (`searchEvents`: same namespace, involvedObject uid).
fn events_for(cluster: &Cluster, object: &Object) -> Vec<sim::api::Event> {
    let meta = object.metadata();
    let ns = if object.kind().info().namespaced {
        Some(meta.namespace.as_str())
    } else {
        None
    };
    let mut events: Vec<sim::api::Event> = cluster
        .api()
        .iter_as::<sim::api::Event>(ns)
        .filter(|e| {
            e.involved_object.uid == meta.uid
                || (e.involved_object.name == meta.name
                    && e.involved_object.kind == object.kind().info().kind
                    && e.involved_object.uid.is_empty())
        })
        .cloned()
        .collect();
    // `SortableEvents` orders by lastTimestamp only (events without one, such as the
    // scheduler's, come first). Simplification: Go's sort is not stable; this one is.
    events.sort_by_key(|e| {
        e.last_timestamp
            .as_deref()
            .and_then(Time::parse_rfc3339)
            .unwrap_or(Time::ZERO)
    });
    events
}

/// `DescribeEvents`.
fn describe_events(events: &[sim::api::Event], now: Time) -> String {
    let mut w = String::from("Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.push_str("  ----\t------\t----\t----\t-------\n");
    for e in events {
        let first = match &e.event_time {
            Some(t) if !t.is_empty() => age(now, Some(t)),
            _ => age(now, e.first_timestamp.as_deref()),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(series) = &e.series {
            format!(
                "{} (x{} over {first})",
                age(now, Some(&series.last_observed_time)),
                series.count
            )
        } else if count > 1 {
            format!(
                "{} (x{count} over {first})",
                age(now, e.last_timestamp.as_deref())
            )
        } else {
            first
        };
        let source = match e.source.as_ref().map(|s| s.component.as_str()) {
            Some(c) if !c.is_empty() => c.to_string(),
            _ => e
                .reporting_component
                .as_deref()
                .unwrap_or_default()
                .to_string(),
        };
        let mut message = e
            .message
            .as_deref()
            .unwrap_or_default()
            .to_string()
            .trim()
            .to_string();
        if !e.involved_object.field_path.is_empty() {
            message = format!("{}: {message}", e.involved_object.field_path);
        }
        let _ = writeln!(
            w,
            "  {}\t{}\t{interval}\t{source}\t{message}",
            e.type_.as_deref().unwrap_or_default(),
            e.reason.as_deref().unwrap_or_default()
        );
    }
    w
}
