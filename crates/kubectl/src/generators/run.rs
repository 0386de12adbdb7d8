//! `kubectl run NAME --image=IMAGE [--port=P] [--env=K=V]… [--labels=k=v,…] [--restart=…]
//! [--command] [-- ARGS…]`: a Pod.

use super::cli::{Cmd, Flag, Kind, flag, optional, short};
use super::common::{Generated, Options};
use super::doc::Doc;
use super::validation::{is_env_var_name, is_image_reference};
use crate::Output;
use std::collections::BTreeMap;

const CMD: Cmd = Cmd {
    path: "kubectl run",
};

const FLAGS: &[Flag] = &[
    // Printing and request flags.
    short("output", 'o', Kind::String),
    flag("template", Kind::String),
    flag("show-managed-fields", Kind::Bool),
    flag("allow-missing-template-keys", Kind::Bool),
    flag("record", Kind::Bool),
    flag("field-manager", Kind::String),
    flag("save-config", Kind::Bool),
    optional("dry-run", "unchanged"),
    // Delete flags kubectl registers on `run` (deprecated, unused).
    flag("cascade", Kind::String),
    short("filename", 'f', Kind::StringSlice),
    flag("force", Kind::Bool),
    flag("grace-period", Kind::Int),
    short("kustomize", 'k', Kind::String),
    short("recursive", 'R', Kind::Bool),
    flag("timeout", Kind::String),
    flag("wait", Kind::Bool),
    flag("pod-running-timeout", Kind::String),
    // `run`'s own flags.
    flag("annotations", Kind::StringArray),
    flag("image", Kind::String),
    flag("image-pull-policy", Kind::String),
    flag("rm", Kind::Bool),
    flag("env", Kind::StringArray),
    flag("port", Kind::String),
    short("labels", 'l', Kind::String),
    short("stdin", 'i', Kind::Bool),
    short("tty", 't', Kind::Bool),
    flag("attach", Kind::Bool),
    flag("leave-stdin-open", Kind::Bool),
    flag("restart", Kind::String),
    flag("command", Kind::Bool),
    flag("expose", Kind::Bool),
    short("quiet", 'q', Kind::Bool),
    flag("privileged", Kind::Bool),
    flag("overrides", Kind::String),
    flag("override-type", Kind::String),
];

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let parsed = CMD.parse(FLAGS, &["image"], args)?;
    let options = Options::from_flags(&parsed)?;

    // `RunOptions.Validate`.
    if parsed.args.is_empty() || parsed.dash == Some(0) {
        return Err(CMD.usage_error("NAME is required for run"));
    }
    let image = parsed.string_or_empty("image");
    if image.is_empty() {
        return Err(Output::error("--image is required"));
    }
    if !is_image_reference(image) {
        return Err(Output::error(format!(
            "Invalid image name \"{image}\": invalid reference format"
        )));
    }
    let interactive = parsed.bool("stdin");
    if parsed.bool("tty") && !interactive {
        return Err(CMD.usage_error("-i/--stdin is required for containers with -t/--tty=true"));
    }
    let port = parsed.string_or_empty("port");
    if parsed.bool("expose") && port.is_empty() {
        return Err(CMD.usage_error("--port must be set when exposing a service"));
    }
    let restart = parsed.string_or_empty("restart");
    if !matches!(restart, "" | "Always" | "OnFailure" | "Never") {
        return Err(CMD.usage_error(&format!("invalid restart policy: {restart}")));
    }
    let attach = parsed.bool("attach") || interactive;
    if !attach && parsed.bool("rm") {
        return Err(CMD.usage_error("--rm should only be used for attached containers"));
    }
    if attach && options.dry_run != super::common::DryRun::None {
        return Err(CMD.usage_error(
            "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
        ));
    }
    let pull_policy = parsed.string_or_empty("image-pull-policy");
    if !matches!(pull_policy, "" | "Always" | "IfNotPresent" | "Never") {
        return Err(CMD.usage_error(&format!("invalid image pull policy: {pull_policy}")));
    }
    if attach {
        return Err(Output::error(
            "attaching to a container (-i, -t, --attach) is not available in this playground yet",
        ));
    }
    if parsed.bool("expose") {
        return Err(Output::error(
            "kubectl run --expose is not available in this playground yet; run the pod, then kubectl expose it",
        ));
    }
    if parsed.changed("overrides") {
        return Err(Output::error(
            "--overrides is not available in this playground yet",
        ));
    }

    // The `run-pod/v1` generator.
    let name = parsed.args[0].clone();
    let command_args: Vec<String> = parsed.args[1..].to_vec();
    let mut envs = Vec::new();
    for env in parsed.list("env") {
        match env.split_once('=') {
            Some((k, v)) if !k.is_empty() && is_env_var_name(k) => envs.push(
                Doc::obj()
                    .with("name", Doc::str(k))
                    .with_opt("value", (!v.is_empty()).then(|| Doc::str(v))),
            ),
            _ => return Err(Output::error(format!("invalid env: {env}"))),
        }
    }
    let labels_flag = parsed.string_or_empty("labels");
    let labels = if labels_flag.is_empty() {
        BTreeMap::from([("run".to_string(), name.clone())])
    } else {
        parse_labels(labels_flag).map_err(Output::error)?
    };
    let ports = if port.is_empty() {
        None
    } else {
        let n: i64 = go_atoi(port).ok_or_else(|| {
            Output::error(format!("strconv.Atoi: parsing \"{port}\": invalid syntax"))
        })?;
        Some(Doc::Arr(vec![
            Doc::obj().with("containerPort", Doc::Int(n)),
        ]))
    };
    let mut annotations = BTreeMap::new();
    for annotation in parsed.list("annotations") {
        let Some((k, v)) = annotation.split_once('=') else {
            return Err(Output::error(format!(
                "invalid annotations format: {annotation}"
            )));
        };
        annotations.insert(k.to_string(), v.to_string());
    }
    let (command, args_field) = if command_args.is_empty() {
        (None, None)
    } else if parsed.bool("command") {
        (Some(Doc::strings(&command_args)), None)
    } else {
        (None, Some(Doc::strings(&command_args)))
    };
    let container = Doc::obj()
        .with("name", Doc::str(name.as_str()))
        .with("image", Doc::str(image))
        .with_opt("command", command)
        .with_opt("args", args_field)
        .with_opt("ports", ports)
        .with_opt("env", (!envs.is_empty()).then_some(Doc::Arr(envs)))
        .with("resources", Doc::obj())
        .with_opt(
            "imagePullPolicy",
            (!pull_policy.is_empty()).then(|| Doc::str(pull_policy)),
        )
        .with_opt(
            "securityContext",
            parsed
                .bool("privileged")
                .then(|| Doc::obj().with("privileged", Doc::Bool(true))),
        );
    let restart_policy = if restart.is_empty() {
        "Always"
    } else {
        restart
    };
    let doc = Doc::obj()
        .with("kind", Doc::str("Pod"))
        .with("apiVersion", Doc::str("v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name.as_str()))
                .with_opt("namespace", options.namespace_doc())
                .with("labels", Doc::string_map(&labels))
                .with_opt("annotations", Doc::string_map_opt(&annotations)),
        )
        .with(
            "spec",
            Doc::obj()
                .with("containers", Doc::Arr(vec![container]))
                .with("restartPolicy", Doc::str(restart_policy))
                .with("dnsPolicy", Doc::str("ClusterFirst")),
        )
        .with("status", Doc::obj());
    Ok((
        options,
        Generated {
            doc,
            resource: "pod",
            name,
        },
    ))
}

/// `generate.ParseLabels`: `k=v,k2=v2`.
fn parse_labels(spec: &str) -> Result<BTreeMap<String, String>, String> {
    let mut labels = BTreeMap::new();
    for item in spec.split(',') {
        let parts: Vec<&str> = item.split('=').collect();
        if parts.len() != 2 {
            return Err(format!("unexpected label spec: {item}"));
        }
        if parts[0].is_empty() {
            return Err("unexpected empty label key".to_string());
        }
        labels.insert(parts[0].to_string(), parts[1].to_string());
    }
    Ok(labels)
}

/// `strconv.Atoi`.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
