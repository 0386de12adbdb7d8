//! Where a command's output names objects: `TYPE/NAME` words (`deployment.apps/web created`,
//! `-o name`, `kubectl get all` rows) and the NAME column of a one-type `kubectl get` table.
//! The web terminal turns these spans into links that open the inspector.

use crate::generators::cli;
use crate::{get, resources, split_words};
use sim::Kind;
use sim::views_why::ObjRef;

/// One object named in the output: the bytes `start..end` of the text name `object`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub start: usize,
    pub end: usize,
    pub object: ObjRef,
}

/// What a command line says about the table it prints.
#[derive(Debug, Default)]
struct Command {
    /// The namespace it works in (`-n`, or the default given).
    namespace: String,
    /// The one kind a `kubectl get` table lists, when it lists exactly one.
    table_kind: Option<Kind>,
}

/// Words that end the kubectl part of a shell line (`kubectl get pods | grep web`).
const SHELL_OPERATORS: &[&str] = &["|", "||", "&&", ";", ">", ">>", "<", "&"];

fn command(line: &str, default_namespace: &str) -> Command {
    let mut cmd = Command {
        namespace: default_namespace.to_string(),
        table_kind: None,
    };
    let Ok(words) = split_words(line) else {
        return cmd;
    };
    let Some(start) = words.iter().position(|w| w == "kubectl" || w == "k") else {
        return cmd;
    };
    let args: Vec<String> = words[start + 1..]
        .iter()
        .take_while(|w| !SHELL_OPERATORS.contains(&w.as_str()))
        .cloned()
        .collect();
    let Some(verb_at) = args.iter().position(|w| !w.starts_with('-')) else {
        return cmd;
    };
    // Global flags may come before the verb (`kubectl -n dev get pods`); get's flags include
    // them, so the whole line parses as get's.
    let mut flag_words = args[..verb_at].to_vec();
    flag_words.extend(args[verb_at + 1..].iter().cloned());
    let Ok(parsed) = cli::parse(get::FLAGS, &flag_words) else {
        // Another command's flags: only the namespace matters for `TYPE/NAME` words.
        if let Some(ns) = namespace_flag(&flag_words) {
            cmd.namespace = ns;
        }
        return cmd;
    };
    if let Some(ns) = parsed.string("namespace").filter(|ns| !ns.is_empty()) {
        cmd.namespace = ns.to_string();
    }
    if args[verb_at] != "get" {
        return cmd;
    }
    let Ok(requests) = resources::parse(&parsed.args) else {
        return cmd;
    };
    if let [only] = requests.requests.as_slice()
        && !requests.multiple_types
    {
        cmd.table_kind = Some(only.kind);
    }
    cmd
}

/// The objects `output` (what `command_line` printed) names, in order. `default_namespace` is
/// the namespace the command ran in without `-n`. Whether each object exists is the caller's
/// question.
pub fn find(command_line: &str, default_namespace: &str, output: &str) -> Vec<Link> {
    let cmd = command(command_line, default_namespace);
    let mut links = Vec::new();
    // The current table's columns: where NAMESPACE and NAME start (byte offsets in a line).
    let mut columns: Option<(Option<usize>, usize)> = None;
    let mut offset = 0;
    for line in output.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        let here = offset;
        offset += line.len();
        if let Some(header) = header_columns(text) {
            columns = Some(header);
            continue;
        }
        if text.trim().is_empty() {
            columns = None;
            continue;
        }
        let row_namespace = columns
            .and_then(|(ns, _)| ns)
            .and_then(|at| word_at(text, at))
            .map(|(_, _, w)| w.to_string());
        let namespace = row_namespace.as_deref().unwrap_or(&cmd.namespace);
        let mut found = false;
        for (start, _, word) in words(text) {
            if let Some((kind, name, len)) = type_slash_name(word) {
                found = true;
                links.push(Link {
                    start: here + start,
                    end: here + start + len,
                    object: object(kind, namespace, name),
                });
            }
        }
        if found {
            continue;
        }
        if let (Some(kind), Some((_, name_at))) = (cmd.table_kind, columns)
            && let Some((start, end, name)) = word_at(text, name_at)
        {
            links.push(Link {
                start: here + start,
                end: here + end,
                object: object(kind, namespace, name),
            });
        }
    }
    links
}

/// `-n NS`, `-nNS`, `-n=NS`, `--namespace NS` or `--namespace=NS`, the last one given.
fn namespace_flag(words: &[String]) -> Option<String> {
    let mut found = None;
    let mut rest = words.iter();
    while let Some(word) = rest.next() {
        let value = match word.as_str() {
            "-n" | "--namespace" => rest.next().cloned(),
            w => w
                .strip_prefix("--namespace=")
                .or_else(|| w.strip_prefix("-n=").or_else(|| w.strip_prefix("-n")))
                .map(str::to_string),
        };
        if let Some(ns) = value.filter(|ns| !ns.is_empty()) {
            found = Some(ns);
        }
    }
    found
}

fn object(kind: Kind, namespace: &str, name: &str) -> ObjRef {
    let namespace = if kind.info().namespaced {
        namespace
    } else {
        ""
    };
    ObjRef::new(kind, namespace, name)
}

/// A table header (`NAME   READY …` or `NAMESPACE   NAME   …`): where NAMESPACE and NAME begin.
fn header_columns(line: &str) -> Option<(Option<usize>, usize)> {
    let mut cells = words(line);
    let (first_at, _, first) = cells.next()?;
    if first_at != 0 {
        return None;
    }
    match first {
        "NAME" => Some((None, 0)),
        "NAMESPACE" => {
            let (name_at, _, second) = cells.next()?;
            (second == "NAME").then_some((Some(0), name_at))
        }
        _ => None,
    }
}

/// The words of a line, with their byte ranges.
fn words(line: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &line[at..];
        let skip = rest.find(|c: char| !c.is_whitespace())?;
        let start = at + skip;
        let len = line[start..]
            .find(char::is_whitespace)
            .unwrap_or(line.len() - start);
        at = start + len;
        Some((start, start + len, &line[start..start + len]))
    })
}

/// The word starting exactly at byte `at` of a table row.
fn word_at(line: &str, at: usize) -> Option<(usize, usize, &str)> {
    words(line).find(|(start, _, _)| *start == at)
}

/// `deployment.apps/web` (maybe followed by punctuation): the kind, the name and how many
/// bytes the link covers.
fn type_slash_name(word: &str) -> Option<(Kind, &str, usize)> {
    let (ty, rest) = word.split_once('/')?;
    if ty.is_empty() || !ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
        return None;
    }
    let kind = Kind::from_resource_name(&ty.to_ascii_lowercase())?;
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .unwrap_or(rest.len());
    let name = rest[..len].trim_end_matches(['.', '-']);
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((kind, name, ty.len() + 1 + name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(command: &str, output: &str) -> Vec<(String, Kind, String, String)> {
        find(command, "default", output)
            .into_iter()
            .map(|l| {
                (
                    output[l.start..l.end].to_string(),
                    l.object.kind,
                    l.object.namespace,
                    l.object.name,
                )
            })
            .collect()
    }

    fn link(text: &str, kind: Kind, ns: &str, name: &str) -> (String, Kind, String, String) {
        (text.into(), kind, ns.into(), name.into())
    }

    #[test]
    fn a_created_deployment_is_named_by_its_type_and_name() {
        assert_eq!(
            named(
                "kubectl create deployment web --image=nginx",
                "deployment.apps/web created\n"
            ),
            vec![link(
                "deployment.apps/web",
                Kind::Deployment,
                "default",
                "web"
            )]
        );
    }

    #[test]
    fn a_deleted_pod_in_another_namespace_is_named_in_that_namespace() {
        assert_eq!(
            named(
                "kubectl delete pod web-abc -n dev",
                "pod \"web-abc\" deleted from dev namespace\npod/web-abc deleted\n"
            ),
            vec![link("pod/web-abc", Kind::Pod, "dev", "web-abc")]
        );
    }

    #[test]
    fn the_namespace_flag_of_any_command_names_the_namespace_of_type_slash_name_words() {
        assert_eq!(
            named(
                "kubectl create deployment web --image=nginx -n dev",
                "deployment.apps/web created\n"
            ),
            vec![link("deployment.apps/web", Kind::Deployment, "dev", "web")]
        );
        assert_eq!(
            named(
                "kubectl run web --image=nginx --namespace=prod",
                "pod/web created\n"
            ),
            vec![link("pod/web", Kind::Pod, "prod", "web")]
        );
    }

    #[test]
    fn a_cordoned_node_has_no_namespace() {
        assert_eq!(
            named(
                "kubectl cordon timonel-worker",
                "node/timonel-worker cordoned\n"
            ),
            vec![link(
                "node/timonel-worker",
                Kind::Node,
                "",
                "timonel-worker"
            )]
        );
    }

    #[test]
    fn every_line_of_output_name_is_a_link() {
        let out = "pod/a\npod/b\n";
        assert_eq!(
            named("kubectl get pods -o name", out),
            vec![
                link("pod/a", Kind::Pod, "default", "a"),
                link("pod/b", Kind::Pod, "default", "b")
            ]
        );
    }

    #[test]
    fn the_rows_of_get_all_link_their_type_and_name_word() {
        let out = "NAME            READY   STATUS    RESTARTS   AGE\n\
                   pod/web-1       1/1     Running   0          5s\n\
                   \n\
                   NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n\
                   service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   1d\n\
                   \n\
                   NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n\
                   deployment.apps/web   1/1     1            1           5s\n";
        assert_eq!(
            named("kubectl get all", out),
            vec![
                link("pod/web-1", Kind::Pod, "default", "web-1"),
                link("service/kubernetes", Kind::Service, "default", "kubernetes"),
                link("deployment.apps/web", Kind::Deployment, "default", "web"),
            ]
        );
    }

    #[test]
    fn the_name_column_of_a_one_type_table_is_a_link() {
        let out = "NAME          READY   STATUS    RESTARTS   AGE\n\
                   web-abc-123   1/1     Running   0          5s\n\
                   web-abc-456   0/1     Pending   0          5s\n";
        assert_eq!(
            named("kubectl get po", out),
            vec![
                link("web-abc-123", Kind::Pod, "default", "web-abc-123"),
                link("web-abc-456", Kind::Pod, "default", "web-abc-456"),
            ]
        );
    }

    #[test]
    fn with_all_namespaces_each_row_names_its_own_namespace() {
        let out = "NAMESPACE     NAME          READY   UP-TO-DATE   AVAILABLE   AGE\n\
                   default       web           1/1     1            1           5s\n\
                   kube-system   coredns       2/2     2            2           1d\n";
        assert_eq!(
            named("kubectl get deploy -A", out),
            vec![
                link("web", Kind::Deployment, "default", "web"),
                link("coredns", Kind::Deployment, "kube-system", "coredns"),
            ]
        );
    }

    #[test]
    fn the_namespace_flag_names_the_namespace_of_table_rows() {
        let out = "NAME   DATA   AGE\nconf   1      5s\n";
        assert_eq!(
            named("kubectl --namespace=dev get configmaps", out),
            vec![link("conf", Kind::ConfigMap, "dev", "conf")]
        );
        assert_eq!(
            named("k get cm -n dev", out),
            vec![link("conf", Kind::ConfigMap, "dev", "conf")]
        );
    }

    #[test]
    fn a_table_of_several_types_links_nothing_by_column() {
        let out = "NAME   READY\nweb    1/1\n";
        assert_eq!(named("kubectl get pods,deploy", out), vec![]);
    }

    #[test]
    fn other_commands_and_words_that_only_look_like_types_link_nothing() {
        assert_eq!(
            named(
                "kubectl describe pod web",
                "Image:  nginx\napiVersion: apps/v1\n"
            ),
            vec![]
        );
        assert_eq!(named("echo NAME", "NAME\nweb\n"), vec![]);
        assert_eq!(named("kubectl get pods", "No resources found.\n"), vec![]);
    }

    #[test]
    fn trailing_punctuation_is_not_part_of_the_name() {
        assert_eq!(
            named(
                "kubectl rollout status deploy/web",
                "see pod/web-1, then.\n"
            ),
            vec![link("pod/web-1", Kind::Pod, "default", "web-1")]
        );
    }

    #[test]
    fn a_quoted_path_with_a_slash_is_not_a_link() {
        // Words with slashes whose first part is no resource type stay text.
        assert_eq!(
            named(
                "kubectl get pods",
                "error: the path \"a/b\" does not exist\n"
            ),
            vec![]
        );
    }
}
