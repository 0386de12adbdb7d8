//! `kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]]… [--class=C]
//! [--default-backend=svc:port] [--annotation=k=v]…`

use super::cli::{Cmd, Flag, Kind, flag};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use crate::Output;
use std::collections::BTreeMap;

const CMD: Cmd = Cmd {
    path: "kubectl create ingress",
};

const FLAGS: &[Flag] = &[
    flag("class", Kind::String),
    flag("rule", Kind::StringArray),
    flag("default-backend", Kind::String),
    flag("annotation", Kind::StringArray),
];

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let specs = [FLAGS, CREATE_FLAGS].concat();
    let parsed = CMD.parse(&specs, &[], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    let rules = parsed.list("rule");
    let annotations = parsed.list("annotation");
    let default_backend = parsed.string_or_empty("default-backend");
    let class = parsed.string_or_empty("class");

    if default_backend.is_empty() && rules.is_empty() {
        return Err(Output::error(
            "not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)",
        ));
    }
    for rule in &rules {
        if !rule_is_valid(rule) {
            return Err(Output::error(format!(
                "rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
            )));
        }
    }
    let mut annotation_map = BTreeMap::new();
    for annotation in &annotations {
        let Some((k, v)) = annotation.split_once('=') else {
            return Err(Output::error(format!(
                "annotation {annotation} is invalid and should be in format key=[value]"
            )));
        };
        annotation_map.insert(k.to_string(), v.to_string());
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return Err(Output::error(
            "default-backend should be in format servicename:serviceport",
        ));
    }

    let tls = tls_rules(&rules);
    let spec = Doc::obj()
        .with_opt(
            "ingressClassName",
            (!class.is_empty()).then(|| Doc::str(class)),
        )
        .with_opt(
            "defaultBackend",
            (!default_backend.is_empty()).then(|| backend(default_backend)),
        )
        .with_opt("tls", (!tls.is_empty()).then_some(Doc::Arr(tls)))
        .with_opt(
            "rules",
            (!rules.is_empty()).then(|| Doc::Arr(ingress_rules(&rules))),
        );
    let doc = Doc::obj()
        .with("kind", Doc::str("Ingress"))
        .with("apiVersion", Doc::str("networking.k8s.io/v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name.as_str()))
                .with_opt("namespace", options.namespace_doc())
                .with_opt("annotations", Doc::string_map_opt(&annotation_map)),
        )
        .with("spec", spec)
        .with("status", Doc::obj().with("loadBalancer", Doc::obj()));
    Ok((
        options,
        Generated {
            doc,
            resource: "ingress.networking.k8s.io",
            name,
        },
    ))
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// kubectl 1.36 checks that a rule *starts* like `host/path=svcname:svcport`
/// (`^[\w*\-.]*/[^\n]*=[\w\-]+:[\w\-]+`); whatever follows is not checked.
fn rule_is_valid(rule: &str) -> bool {
    let Some(slash) = rule.find('/') else {
        return false;
    };
    let host = &rule[..slash];
    if !host
        .chars()
        .all(|c| is_word(c) || matches!(c, '*' | '-' | '.'))
    {
        return false;
    }
    let after_slash = &rule[slash + 1..];
    let line = &after_slash[..after_slash.find('\n').unwrap_or(after_slash.len())];
    let word_run = |s: &str| {
        s.find(|c: char| !(is_word(c) || c == '-'))
            .unwrap_or(s.len())
    };
    line.match_indices('=').any(|(i, _)| {
        let rest = &line[i + 1..];
        let svc = word_run(rest);
        svc > 0
            && rest[svc..]
                .strip_prefix(':')
                .is_some_and(|port| word_run(port) > 0)
    })
}

/// `buildIngressBackendSvc`: `svc:port`, the port a number or a name.
fn backend(service: &str) -> Doc {
    let mut parts = service.split(':');
    let name = parts.next().unwrap_or("");
    let port = parts.next().unwrap_or("");
    let port_doc = match port.parse::<i32>() {
        Ok(n) => Doc::obj().with_opt("number", (n != 0).then_some(Doc::Int(i64::from(n)))),
        Err(_) => Doc::obj().with_opt("name", (!port.is_empty()).then(|| Doc::str(port))),
    };
    Doc::obj().with(
        "service",
        Doc::obj()
            .with("name", Doc::str(name))
            .with("port", port_doc),
    )
}

/// `buildTLSRules`: one entry per secret, hosts gathered under it.
fn tls_rules(rules: &[String]) -> Vec<Doc> {
    struct Tls {
        hosts: Vec<String>,
        secret: String,
    }
    let mut seen_hosts: Vec<String> = Vec::new();
    let mut tls: Vec<Tls> = Vec::new();
    for rule in rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or("").to_string();
        let secret_parts: Vec<&str> = parts[1].split('=').collect();
        let secret = if secret_parts.len() > 1 {
            secret_parts[1].to_string()
        } else {
            String::new()
        };
        if seen_hosts.contains(&host) {
            continue;
        }
        if let Some(entry) = tls.iter_mut().find(|t| t.secret == secret) {
            entry.hosts.push(host.clone());
            seen_hosts.push(host);
            continue;
        }
        let entry = Tls {
            hosts: if host.is_empty() {
                Vec::new()
            } else {
                vec![host.clone()]
            },
            secret,
        };
        if !entry.secret.is_empty() || !entry.hosts.is_empty() {
            tls.push(entry);
        }
        seen_hosts.push(host);
    }
    tls.into_iter()
        .map(|t| {
            Doc::obj()
                .with_opt(
                    "hosts",
                    (!t.hosts.is_empty()).then(|| Doc::strings(&t.hosts)),
                )
                .with_opt(
                    "secretName",
                    (!t.secret.is_empty()).then(|| Doc::str(t.secret)),
                )
        })
        .collect()
}

/// `buildIngressRules`: one rule per host, paths appended in order.
fn ingress_rules(rules: &[String]) -> Vec<Doc> {
    let mut out: Vec<(String, Vec<Doc>)> = Vec::new();
    for rule in rules {
        let without_tls = rule.split(',').next().unwrap_or("");
        let (host, path_svc) = without_tls.split_once('/').unwrap_or((without_tls, ""));
        let path = http_path(path_svc);
        match out.iter_mut().find(|(h, _)| h == host) {
            Some((_, paths)) => paths.push(path),
            None => out.push((host.to_string(), vec![path])),
        }
    }
    out.into_iter()
        .map(|(host, paths)| {
            Doc::obj()
                .with_opt("host", (!host.is_empty()).then(|| Doc::str(host)))
                .with("http", Doc::obj().with("paths", Doc::Arr(paths)))
        })
        .collect()
}

/// `buildHTTPIngressPath`: a trailing `*` makes the path a `Prefix`.
fn http_path(path_svc: &str) -> Doc {
    let mut parts = path_svc.split('=');
    let mut path = format!("/{}", parts.next().unwrap_or(""));
    let service = parts.next().unwrap_or("");
    let mut path_type = "Exact";
    if path.ends_with('*') {
        path_type = "Prefix";
        path.pop();
    }
    Doc::obj()
        .with("path", Doc::str(path))
        .with("pathType", Doc::str(path_type))
        .with("backend", backend(service))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked_like_kubectl() {
        for ok in [
            "foo.com/bar=svc1:8080,tls=my-cert",
            "/path=svc:80",
            "b.com/=svc2:81,tls",
            "foo.com/bar*=svc1:http",
            "*.foo.com/=s:1,tls=",
            "foo.com/=svc:80,tls=a b",
            "foo.com/a,b=svc:80",
        ] {
            assert!(rule_is_valid(ok), "{ok}");
        }
        for bad in [
            "foo.com/bar",
            "foo.com=svc:80",
            "a/=svc:",
            "f!o/=svc:80",
            "a/x\nb=s:1",
            "a/=:80",
        ] {
            assert!(!rule_is_valid(bad), "{bad}");
        }
    }
}
