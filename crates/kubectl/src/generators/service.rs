//! `kubectl create service clusterip|nodeport|loadbalancer NAME --tcp=PORT[:TARGET]…`

use super::cli::{Cmd, Flag, Kind, flag};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use super::validation::port_name_errors;
use crate::Output;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    ClusterIp,
    NodePort,
    LoadBalancer,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::ClusterIp => "ClusterIP",
            Type::NodePort => "NodePort",
            Type::LoadBalancer => "LoadBalancer",
        }
    }

    fn cmd(self) -> Cmd {
        Cmd {
            path: match self {
                Type::ClusterIp => "kubectl create service clusterip",
                Type::NodePort => "kubectl create service nodeport",
                Type::LoadBalancer => "kubectl create service loadbalancer",
            },
        }
    }

    fn flags(self) -> Vec<Flag> {
        let mut specs = vec![flag("tcp", Kind::StringSlice)];
        match self {
            Type::ClusterIp => specs.push(flag("clusterip", Kind::String)),
            Type::NodePort => specs.push(flag("node-port", Kind::Int)),
            Type::LoadBalancer => {}
        }
        specs.extend_from_slice(CREATE_FLAGS);
        specs
    }
}

pub fn generate(kind: Type, args: &[String]) -> Result<(Options, Generated), Output> {
    let cmd = kind.cmd();
    let parsed = cmd.parse(&kind.flags(), &[], args)?;
    let name = cmd.name(&parsed)?;
    let mut options = Options::from_flags(&parsed)?;
    // kubectl accepts --save-config here but never reads it for services.
    options.save_config = false;
    let cluster_ip = parsed.string_or_empty("clusterip");
    let tcp = parsed.list("tcp");
    if cluster_ip != "None" && tcp.is_empty() {
        return Err(Output::error(
            "at least one tcp port specifier must be provided",
        ));
    }
    let node_port = parsed.int("node-port").unwrap_or(0);
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = parse_ports(spec).map_err(Output::error)?;
        ports.push(
            Doc::obj()
                .with("name", Doc::str(spec.replace(':', "-")))
                .with("protocol", Doc::str("TCP"))
                .with("port", Doc::Int(port))
                .with("targetPort", target)
                .with_opt("nodePort", (node_port != 0).then_some(Doc::Int(node_port))),
        );
    }
    let labels = BTreeMap::from([("app".to_string(), name.clone())]);
    let spec = Doc::obj()
        .with_opt("ports", (!ports.is_empty()).then_some(Doc::Arr(ports)))
        .with("selector", Doc::string_map(&labels))
        .with_opt(
            "clusterIP",
            (!cluster_ip.is_empty()).then(|| Doc::str(cluster_ip)),
        )
        .with("type", Doc::str(kind.name()));
    let doc = Doc::obj()
        .with("kind", Doc::str("Service"))
        .with("apiVersion", Doc::str("v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name.as_str()))
                .with_opt("namespace", options.namespace_doc())
                .with("labels", Doc::string_map(&labels)),
        )
        .with("spec", spec)
        .with("status", Doc::obj().with("loadBalancer", Doc::obj()));
    Ok((
        options,
        Generated {
            doc,
            resource: "service",
            name,
        },
    ))
}

/// `parsePorts`: `PORT[:TARGET]`, TARGET a number or a port name.
fn parse_ports(spec: &str) -> Result<(i64, Doc), String> {
    let mut parts = spec.split(':');
    let first = parts.next().unwrap_or("");
    let port = parse_uint16(first)?;
    let Some(target) = parts.next() else {
        return Ok((port, Doc::Int(port)));
    };
    match go_atoi(target) {
        Some(n) if (1..=65535).contains(&n) => Ok((port, Doc::Int(n))),
        Some(_) => Err("must be between 1 and 65535, inclusive".to_string()),
        None => {
            let errs = port_name_errors(target);
            if errs.is_empty() {
                Ok((port, Doc::str(target)))
            } else {
                Err(errs.join(","))
            }
        }
    }
}

/// `strconv.ParseUint(s, 10, 16)`.
fn parse_uint16(s: &str) -> Result<i64, String> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing \"{s}\": invalid syntax"
        ));
    }
    match s.parse::<u16>() {
        Ok(n) => Ok(i64::from(n)),
        Err(_) => Err(format!(
            "strconv.ParseUint: parsing \"{s}\": value out of range"
        )),
    }
}

/// `strconv.Atoi`, succeeding only where Go's would.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}
