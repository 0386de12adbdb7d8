//! Resolving `TYPE[,TYPE…] [NAME…]` and `TYPE/NAME…` arguments into kinds and names, as
//! cli-runtime's resource builder does against the server's discovery (`sim::Kind`).

use crate::Output;
use sim::Kind;

/// One requested type and the names asked for (empty: every object, by selector).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub kind: Kind,
    pub names: Vec<String>,
}

/// What the arguments asked for.
#[derive(Clone, Debug, Default)]
pub struct Requests {
    pub requests: Vec<Request>,
    /// Whether more than one type was named (`pods,deploy`, `all`, `pod/a deploy/b`): tables
    /// then prefix names with their kind.
    pub multiple_types: bool,
    /// One object named exactly (`pod x`, `pod/x`): `-o yaml` prints it rather than a List.
    pub single_item: bool,
}

/// The `all` category, in kubectl's order, limited to the kinds the cluster serves.
const ALL: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
];

/// Resource names real clusters serve that the simulated one does not (yet).
// Simplification: the simulated cluster serves only the kinds in `sim::Kind`; for these
// well-known ones Timonel says so instead of claiming the server has no such type.
const NOT_SIMULATED: &[(&str, &str)] = &[
    ("statefulsets", "statefulsets"),
    ("statefulset", "statefulsets"),
    ("sts", "statefulsets"),
    ("jobs", "jobs"),
    ("job", "jobs"),
    ("cronjobs", "cronjobs"),
    ("cronjob", "cronjobs"),
    ("cj", "cronjobs"),
    ("replicationcontrollers", "replicationcontrollers"),
    ("rc", "replicationcontrollers"),
    ("horizontalpodautoscalers", "horizontalpodautoscalers"),
    ("hpa", "horizontalpodautoscalers"),
    ("networkpolicies", "networkpolicies"),
    ("netpol", "networkpolicies"),
    ("roles", "roles"),
    ("rolebindings", "rolebindings"),
    ("clusterroles", "clusterroles"),
    ("clusterrolebindings", "clusterrolebindings"),
];

/// One type word (`pods`, `deploy`, `deployments.apps`, `Pod`) to a kind, or kubectl's error.
pub fn kind_of(word: &str) -> Result<Kind, Output> {
    let lower = word.to_lowercase();
    if let Some(kind) = Kind::from_resource_name(&lower) {
        return Ok(kind);
    }
    if let Some((_, plural)) = NOT_SIMULATED.iter().find(|(w, _)| *w == lower) {
        return Err(Output::error(format!(
            "{plural} are not simulated in this playground yet"
        )));
    }
    Err(Output::error(match word.split_once('.') {
        Some((base, group)) if !base.is_empty() => {
            format!("the server doesn't have a resource type \"{base}\" in group \"{group}\"")
        }
        _ => format!("the server doesn't have a resource type \"{word}\""),
    }))
}

fn kinds_of(types: &str) -> Result<Vec<Kind>, Output> {
    let mut kinds = Vec::new();
    for word in types.split(',').filter(|w| !w.is_empty()) {
        if word == "all" {
            kinds.extend(ALL.iter().copied());
        } else {
            kinds.push(kind_of(word)?);
        }
    }
    Ok(kinds)
}

/// Parses the positional arguments of `get`, `delete`, `describe` and `scale`.
pub fn parse(args: &[String]) -> Result<Requests, Output> {
    let Some(first) = args.first() else {
        return Ok(Requests::default());
    };
    if first.contains('/') {
        let mut requests: Vec<Request> = Vec::new();
        for arg in args {
            let Some((ty, name)) = arg.split_once('/') else {
                return Err(Output::error(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
                ));
            };
            if name.is_empty() {
                return Err(Output::error(
                    "arguments in resource/name form must have a single resource and name",
                ));
            }
            let kind = kind_of(ty)?;
            match requests.iter_mut().find(|r| r.kind == kind) {
                Some(r) => r.names.push(name.to_string()),
                None => requests.push(Request {
                    kind,
                    names: vec![name.to_string()],
                }),
            }
        }
        let multiple_types = requests.len() > 1;
        return Ok(Requests {
            single_item: args.len() == 1,
            multiple_types,
            requests,
        });
    }
    if args[1..].iter().any(|a| a.contains('/')) {
        return Err(Output::error(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
        ));
    }
    let mut kinds = kinds_of(first)?;
    let mut seen = Vec::new();
    kinds.retain(|k| {
        let new = !seen.contains(k);
        seen.push(*k);
        new
    });
    let names: Vec<String> = args[1..].to_vec();
    let multiple_types = first.split(',').filter(|w| !w.is_empty()).count() > 1
        || first.split(',').any(|w| w == "all");
    Ok(Requests {
        single_item: kinds.len() == 1 && names.len() == 1,
        multiple_types,
        requests: kinds
            .into_iter()
            .map(|kind| Request {
                kind,
                names: names.clone(),
            })
            .collect(),
    })
}

/// `/v1, Resource=pods` or `apps/v1, Resource=deployments`: how list errors name a resource.
pub fn gvr(kind: Kind) -> String {
    let info = kind.info();
    format!("{}/{}, Resource={}", info.group, info.version, info.plural)
}
