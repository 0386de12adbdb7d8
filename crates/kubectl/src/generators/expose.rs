//! `kubectl expose (TYPE NAME | TYPE/NAME) [--port=…] [--target-port=…] [--type=…] …`: a
//! Service for a pod, Deployment, ReplicaSet or Service, its selector and ports read from the
//! object as kubectl's polymorphic helpers read them.

use super::cli::{Cmd, Flag, Kind as FlagKind, flag};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use crate::{Output, errors, resources};
use serde_json::Value;
use sim::{Cluster, Kind};
use std::collections::BTreeMap;

const CMD: Cmd = Cmd {
    path: "kubectl expose",
};

fn flags() -> Vec<Flag> {
    let mut specs = vec![
        flag("port", FlagKind::String),
        flag("target-port", FlagKind::String),
        flag("protocol", FlagKind::String),
        flag("name", FlagKind::String),
        flag("type", FlagKind::String),
        flag("selector", FlagKind::String),
        flag("labels", FlagKind::String),
        flag("cluster-ip", FlagKind::String),
        flag("external-ip", FlagKind::String),
        flag("load-balancer-ip", FlagKind::String),
        flag("session-affinity", FlagKind::String),
        flag("override-type", FlagKind::String),
        flag("overrides", FlagKind::String),
    ];
    specs.extend(
        CREATE_FLAGS
            .iter()
            .filter(|f| f.name != "validate")
            .cloned(),
    );
    specs
}

/// `key=value,key2=value2` as kubectl's `--labels`/`--selector` take it.
fn parse_map(s: &str) -> Result<BTreeMap<String, String>, String> {
    let mut m = BTreeMap::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!("invalid label spec: {part}"));
        };
        m.insert(k.to_string(), v.to_string());
    }
    Ok(m)
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The containers' ports of a pod template (or pod spec): (port, protocol).
fn container_ports(spec: Option<&Value>) -> Vec<(i64, String)> {
    let mut ports = Vec::new();
    for c in spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for p in c
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = p.get("containerPort").and_then(Value::as_i64) {
                let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                ports.push((n, proto.to_string()));
            }
        }
    }
    ports
}

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let specs = flags();
    let parsed = match CMD.parse(&specs, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let options = match Options::from_flags(&parsed) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if !parsed.string_or_empty("filename").is_empty() || !parsed.list("filename").is_empty() {
        // Simplification: expose reads the object from the cluster, not from a file.
        return Output::error(
            "\"kubectl expose -f\" is not available in this playground yet; name the object: kubectl expose TYPE NAME",
        );
    }
    let requests = match resources::parse(&parsed.args) {
        Ok(r) => r,
        Err(out) => return out,
    };
    let Some(request) = requests.requests.first() else {
        return Output::error(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        );
    };
    let Some(name) = request.names.first() else {
        return Output::error("resource(s) were provided, but no name was specified");
    };
    let kind = request.kind;
    let namespace = options
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(crate::config::default_namespace);
    let object = match cluster.api().get(kind, &namespace, name) {
        Ok(o) => o,
        Err(status) => return errors::status_output(&status),
    };
    let v = crate::printers::object_value(&object);
    let (introspected_selector, ports) = match kind {
        Kind::Pod => (
            Ok(string_map(v.pointer("/metadata/labels"))),
            container_ports(v.get("spec")),
        ),
        Kind::Deployment | Kind::ReplicaSet => {
            let selector = if v
                .pointer("/spec/selector/matchExpressions")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                Err(format!(
                    "couldn't convert expressions - \"{}\" to map-based selector format",
                    v.pointer("/spec/selector/matchExpressions")
                        .map(Value::to_string)
                        .unwrap_or_default()
                ))
            } else {
                Ok(string_map(v.pointer("/spec/selector/matchLabels")))
            };
            (selector, container_ports(v.pointer("/spec/template/spec")))
        }
        Kind::Service => {
            let ports = v
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    let n = p.get("port").and_then(Value::as_i64)?;
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    Some((n, proto.to_string()))
                })
                .collect();
            (Ok(string_map(v.pointer("/spec/selector"))), ports)
        }
        other => return Output::error(format!("cannot expose a {}", other.info().kind)),
    };
    let selector = match parsed.string_or_empty("selector") {
        "" => match introspected_selector {
            Ok(s) if !s.is_empty() => s,
            Ok(_) => {
                let why = match kind {
                    Kind::Pod => "the pod has no labels and cannot be exposed".to_string(),
                    _ => format!("the {} has no selector", kind.info().singular),
                };
                return CMD.usage_error(&format!(
                    "couldn't retrieve selectors via --selector flag or introspection: {why}"
                ));
            }
            Err(why) => {
                return CMD.usage_error(&format!(
                    "couldn't retrieve selectors via --selector flag or introspection: {why}"
                ));
            }
        },
        s => match parse_map(s) {
            Ok(m) => m,
            Err(e) => return Output::error(e),
        },
    };
    let port_flag = parsed.string_or_empty("port");
    let ports: Vec<(i64, String)> = if port_flag.is_empty() {
        if ports.is_empty() {
            return CMD.usage_error("couldn't find port via --port flag or introspection");
        }
        ports
    } else {
        let mut v = Vec::new();
        for p in port_flag.split(',') {
            match p.parse::<i64>() {
                Ok(n) => v.push((n, String::new())),
                Err(_) => {
                    return Output::error(format!("strconv.Atoi: parsing \"{p}\": invalid syntax"));
                }
            }
        }
        v
    };
    let protocol_flag = parsed.string_or_empty("protocol");
    let target = parsed.string_or_empty("target-port");
    let many = ports.len() > 1;
    let port_docs: Vec<Doc> = ports
        .iter()
        .enumerate()
        .map(|(i, (port, proto))| {
            let protocol = if !protocol_flag.is_empty() {
                protocol_flag.to_string()
            } else if proto.is_empty() {
                "TCP".to_string()
            } else {
                proto.clone()
            };
            let target_port = if target.is_empty() {
                Doc::Int(*port)
            } else if let Ok(n) = target.parse::<i64>() {
                Doc::Int(n)
            } else {
                Doc::str(target)
            };
            Doc::obj()
                .with_opt("name", many.then(|| Doc::str(format!("port-{}", i + 1))))
                .with("port", Doc::Int(*port))
                .with("protocol", Doc::str(protocol))
                .with("targetPort", target_port)
        })
        .collect();
    let labels = match parsed.string_or_empty("labels") {
        "" => string_map(v.pointer("/metadata/labels")),
        s => match parse_map(s) {
            Ok(m) => m,
            Err(e) => return Output::error(e),
        },
    };
    let service_name = match parsed.string_or_empty("name") {
        "" => name.clone(),
        n => n.to_string(),
    };
    let type_ = parsed.string_or_empty("type");
    let cluster_ip = parsed.string_or_empty("cluster-ip");
    let external_ips: Vec<String> = parsed
        .string_or_empty("external-ip")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let spec = Doc::obj()
        .with("ports", Doc::Arr(port_docs))
        .with("selector", Doc::string_map(&selector))
        .with_opt(
            "clusterIP",
            (!cluster_ip.is_empty()).then(|| Doc::str(cluster_ip)),
        )
        .with_opt("type", (!type_.is_empty()).then(|| Doc::str(type_)))
        .with_opt(
            "externalIPs",
            (!external_ips.is_empty()).then(|| Doc::strings(&external_ips)),
        )
        .with_opt(
            "sessionAffinity",
            (!parsed.string_or_empty("session-affinity").is_empty())
                .then(|| Doc::str(parsed.string_or_empty("session-affinity"))),
        );
    let doc = Doc::obj()
        .with("apiVersion", Doc::str("v1"))
        .with("kind", Doc::str("Service"))
        .with(
            "metadata",
            Doc::obj()
                .with_opt("labels", Doc::string_map_opt(&labels))
                .with("name", Doc::str(service_name.as_str()))
                .with_opt("namespace", options.namespace_doc()),
        )
        .with("spec", spec)
        .with("status", Doc::obj().with("loadBalancer", Doc::obj()));
    let mut options = options;
    options.verb = "exposed";
    options.finish(
        cluster,
        Generated {
            doc,
            resource: "service",
            name: service_name,
        },
    )
}
