//! `kubectl replace -f FILE|DIR|-`: a PUT of each manifest's object (it must exist), and
//! `--force`, which deletes the objects, waits until they are gone and creates them again.

use crate::generators::cli::{Cmd, Kind as FlagKind, flag};
use crate::generators::common::{CREATE_FLAGS, DryRun, Options};
use crate::manifest::{
    FILE_FLAGS, Failure, print_result, read_items, render_failures, with_source,
};
use crate::shell::Io;
use crate::{Output, errors, printers, verb_help};
use sim::{Actor, Cluster, DeleteOptions, FieldValidation, StatusReason, WriteOptions};

/// How long `--force` waits for the deleted objects to go (kubectl's default when `--timeout`
/// is 0).
const FORCE_WAIT_SECONDS: u64 = 300;

pub(crate) fn run(cluster: &mut Cluster, io: &Io, args: &[String]) -> Output {
    if verb_help::requested(args) {
        return Output::ok(verb_help::text("replace"));
    }
    let cmd = Cmd {
        path: "kubectl replace",
    };
    let extra = [
        flag("force", FlagKind::Bool),
        flag("grace-period", FlagKind::Int),
        flag("cascade", FlagKind::String),
        flag("timeout", FlagKind::String),
        flag("wait", FlagKind::Bool),
        flag("raw", FlagKind::String),
        flag("subresource", FlagKind::String),
        flag("record", FlagKind::Bool),
    ];
    let specs = [FILE_FLAGS, &extra, CREATE_FLAGS].concat();
    let parsed = match cmd.parse(&specs, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let options = match Options::from_flags(&parsed) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let validation = match parsed.string("validate") {
        Some("warn") => FieldValidation::Warn,
        Some("ignore" | "false" | "False" | "0") => FieldValidation::Ignore,
        _ => FieldValidation::Strict,
    };
    let filenames = parsed.list("filename");
    if filenames.is_empty() {
        return Output::error("must specify one of -f and -k");
    }
    if parsed.changed("kustomize") {
        return Output::error(
            "-k (kustomize) is not available in this playground; use -f with a file or folder",
        );
    }
    if !parsed.args.is_empty() {
        return cmd.usage_error(&format!("Unexpected args: [{}]", parsed.args.join(" ")));
    }
    let force = parsed.bool("force");
    if parsed.int("grace-period").is_some_and(|g| g >= 0) && !force {
        return Output::error("--grace-period must have --force specified");
    }
    if let Some(t) = parsed.string("timeout") {
        match crate::wait::parse_go_duration(t) {
            Err(e) => {
                return cmd.flag_error(&format!(
                    "invalid argument {} for \"--timeout\" flag: {e}",
                    errors::go_quote(t)
                ));
            }
            Ok(ms) if ms != 0 && !force => {
                return Output::error("--timeout must have --force specified");
            }
            Ok(_) => {}
        }
    }
    if force && options.dry_run != DryRun::None {
        return Output::error("--dry-run can not be used when --force is set");
    }
    let (items, pending) = match read_items(
        io,
        &filenames,
        parsed.bool("recursive"),
        options.namespace.as_deref(),
    ) {
        Ok(x) => x,
        Err(out) => return out,
    };
    let mut out = Output::default();
    if let Some(w) = options.warning() {
        out.stderr.push_str(w);
    }
    if items.is_empty() && pending.is_empty() {
        return Output::error("no objects passed to replace");
    }
    let opts = WriteOptions {
        dry_run: options.dry_run == DryRun::Server,
        field_validation: validation,
    };
    let mut failures: Vec<Failure> = Vec::new();
    if force {
        // Delete everything first, wait until it is gone, then create it again.
        let mut gone = Vec::new();
        for item in &items {
            match cluster.api_mut().delete(
                &Actor::kubectl(),
                item.kind,
                &item.namespace,
                &item.name,
                &DeleteOptions::default(),
            ) {
                Ok(obj) => {
                    let scope = if item.kind.info().namespaced {
                        format!(" from {} namespace", item.namespace)
                    } else {
                        String::new()
                    };
                    out.stdout.push_str(&format!(
                        "{} {} deleted{scope}\n",
                        printers::kind_name(item.kind),
                        errors::go_quote(&item.name)
                    ));
                    gone.push((
                        item.kind,
                        item.namespace.clone(),
                        item.name.clone(),
                        obj.metadata().uid.to_string(),
                    ));
                }
                Err(status) if status.reason == StatusReason::NotFound => {}
                Err(status) => failures.push(Failure::Server(with_source(
                    &status,
                    "deleting",
                    &item.source,
                ))),
            }
        }
        cluster.settle();
        let mut waited = 0;
        while waited < FORCE_WAIT_SECONDS
            && gone.iter().any(|(kind, ns, name, uid)| {
                cluster
                    .api()
                    .get_ref(*kind, ns, name)
                    .is_some_and(|o| o.metadata().uid == *uid)
            })
        {
            cluster.advance(sim::Duration::seconds(1));
            waited += 1;
        }
    }
    for item in &items {
        let result = if force {
            let mut body = item.value.clone();
            if let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                meta.remove("resourceVersion");
                meta.remove("uid");
            }
            cluster
                .api_mut()
                .create_json(&Actor::kubectl(), &item.namespace, &body, &opts)
                .map_err(|s| with_source(&s, "creating", &item.source))
        } else if options.dry_run == DryRun::Client {
            out.stdout.push_str(&print_result(
                item.kind,
                &item.name,
                &item.value,
                &options.output,
                "replaced",
                options.dry_run,
            ));
            continue;
        } else {
            // `Helper.Replace` with overwrite: a manifest without a resourceVersion takes the
            // stored one; a stale one is a Conflict.
            let mut body = item.value.clone();
            let stored = cluster
                .api()
                .get_ref(item.kind, &item.namespace, &item.name);
            let has_version = body
                .pointer("/metadata/resourceVersion")
                .and_then(|v| v.as_str())
                .is_some_and(|v| !v.is_empty());
            if let (Some(stored), false) = (stored, has_version)
                && let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut())
            {
                meta.insert(
                    "resourceVersion".into(),
                    stored.metadata().resource_version.as_str().into(),
                );
            }
            cluster
                .api_mut()
                .update_json(&Actor::kubectl(), &item.namespace, &body, &opts)
                .map_err(|s| with_source(&s, "replacing", &item.source))
        };
        match result {
            Ok(written) => {
                for w in &written.warnings {
                    out.stderr.push_str(&format!("Warning: {w}\n"));
                }
                out.stdout.push_str(&print_result(
                    item.kind,
                    &written.object.metadata().name,
                    &printers::object_value(&written.object),
                    &options.output,
                    "replaced",
                    options.dry_run,
                ));
            }
            Err(status) => failures.push(Failure::Server(status)),
        }
    }
    failures.extend(pending.into_iter().map(|(_, f)| f));
    if options.dry_run == DryRun::None {
        cluster.settle();
    }
    if !failures.is_empty() {
        out.stderr.push_str(&render_failures(&failures));
        out.exit_code = 1;
    }
    out
}
