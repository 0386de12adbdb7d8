//! Tab completion at the playground's prompt, as bash completes kubectl after
//! `source <(kubectl completion bash)`: programs, kubectl's commands and subcommands, resource
//! types, object names from the cluster, namespaces, flags, and the playground's file names.
//!
//! [`complete`] is a pure function of the line, the cursor and what the session holds; the
//! front ends decide what Tab and a second Tab do with its answer.
//!
//! Everything offered comes from the definitions the commands run with: the commands from
//! `root::AVAILABLE`, the programs from `shell::PROGRAMS`, the resource types from the
//! cluster's kinds, and each command's flags from the very flag list it parses (learned by
//! running the command until its parse, see [`cli::capture_flags`]).

use crate::generators::cli::{self, Flag, GLOBAL, Kind as FlagKind};
use crate::shell::Io;
use crate::{Files, KubeConfig, Shell};
use sim::{Cluster, Kind};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// What Tab does to the line: replace `line[start..end]` (the word before the cursor) with
/// `text`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset where the word being completed starts.
    pub start: usize,
    /// Byte offset where it ends (the cursor).
    pub end: usize,
    /// The longest common prefix of the candidates; when there is exactly one candidate, the
    /// whole candidate and a space (none after a folder's `/` or a flag's `=`).
    pub text: String,
    /// Every candidate for the word, sorted: what a second Tab lists when the first one could
    /// not decide.
    pub choices: Vec<String>,
}

impl Completion {
    /// Whether applying the completion changes the line (if not, a second Tab lists the
    /// choices).
    pub fn changes(&self, line: &str) -> bool {
        line.get(self.start..self.end) != Some(self.text.as_str())
    }

    /// Whether there is more than one way to go on (what a second Tab lists).
    pub fn ambiguous(&self) -> bool {
        self.choices.len() > 1
    }

    /// The line with the completion applied, and the cursor after the inserted text (bytes).
    pub fn apply(&self, line: &str) -> (String, usize) {
        let (Some(before), Some(after)) = (line.get(..self.start), line.get(self.end..)) else {
            return (line.to_string(), line.len());
        };
        (
            format!("{before}{}{after}", self.text),
            self.start + self.text.len(),
        )
    }
}

impl Shell {
    /// Completes the word before `cursor` (a byte offset) in `line`, against this session's
    /// cluster, files and kubeconfig.
    pub fn complete(&self, line: &str, cursor: usize) -> Completion {
        complete(line, cursor, &self.cluster, &self.files, &self.kubeconfig)
    }
}

/// Completes the word before `cursor` (a byte offset into `line`; past the end or inside a
/// character means the end): which candidates fit it, and what Tab puts in its place.
pub fn complete(
    line: &str,
    cursor: usize,
    cluster: &Cluster,
    files: &Files,
    kubeconfig: &KubeConfig,
) -> Completion {
    let cursor = if line.is_char_boundary(cursor) {
        cursor
    } else {
        line.len()
    };
    let scan = scan(&line[..cursor]);
    let session = Session {
        cluster,
        files,
        kubeconfig,
    };
    let word = scan.word.as_str();
    let mut candidates = if scan.redirect {
        session.files(word)
    } else {
        match scan.words.split_first() {
            None => programs(word),
            Some((program, args)) if program == "kubectl" || program == "k" => {
                session.kubectl(args, word)
            }
            Some((program, _)) => match program.as_str() {
                "sleep" | "export" | "unset" | "true" | "false" | "printf" | "clear" => Vec::new(),
                _ => session.files(word),
            },
        }
    };
    candidates.retain(|c| c.starts_with(word));
    candidates.sort();
    candidates.dedup();
    let text = match candidates.as_slice() {
        [] => line[scan.start..cursor].to_string(),
        [one] if one.ends_with('/') || one.ends_with('=') => one.clone(),
        [one] => format!("{one} "),
        [first, rest @ ..] => {
            let mut common = first.len();
            for c in rest {
                common = common.min(
                    first
                        .char_indices()
                        .zip(c.chars())
                        .find(|((_, a), b)| a != b)
                        .map_or(first.len().min(c.len()), |((i, _), _)| i),
                );
            }
            let lcp = &first[..common];
            // The typed word is kept as typed (quotes and all) until Tab can add to it.
            if lcp.len() > word.len() {
                lcp.to_string()
            } else {
                line[scan.start..cursor].to_string()
            }
        }
    };
    Completion {
        start: scan.start,
        end: cursor,
        text,
        choices: candidates,
    }
}

/// The command being typed, up to the cursor.
#[derive(Debug, Default)]
struct Scan {
    /// The finished words of the current command (after the last `|`, `;`, `&&` …), unquoted.
    words: Vec<String>,
    /// The word under the cursor, unquoted, and where it starts.
    word: String,
    start: usize,
    /// Whether that word follows a redirection (`>`, `>>`, `<`, `2>`): a file name.
    redirect: bool,
}

/// Splits the text before the cursor into the current command's words, as the shell would
/// (quotes and backslashes, `|`, `;`, `&`, redirections).
// Simplification: `$(…)`, variables and heredoc bodies are not looked into; a word is
// completed as it was typed.
fn scan(text: &str) -> Scan {
    let mut s = Scan::default();
    let mut in_word = false;
    let mut after_redirect = false;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if escaped {
            s.word.push(c);
            escaped = false;
            continue;
        }
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else {
                s.word.push(c);
            }
            continue;
        }
        let mut finish = |s: &mut Scan, redirect_next: bool, in_word: &mut bool| {
            if *in_word {
                let word = std::mem::take(&mut s.word);
                if !after_redirect {
                    s.words.push(word);
                }
                *in_word = false;
                after_redirect = false;
            }
            if redirect_next {
                after_redirect = true;
            }
        };
        match c {
            ' ' | '\t' | '\n' => finish(&mut s, false, &mut in_word),
            '|' | ';' | '&' | '(' | ')' => {
                finish(&mut s, false, &mut in_word);
                // `2>&1` and `&>`: part of a redirection, not a new command.
                if c == '&' && text[..i].ends_with('>') {
                    after_redirect = true;
                    continue;
                }
                s.words.clear();
                after_redirect = false;
            }
            '>' | '<' => {
                // `2>`: the descriptor is no word of the command.
                if in_word && s.word.chars().all(|d| d.is_ascii_digit()) {
                    s.word.clear();
                    in_word = false;
                }
                finish(&mut s, true, &mut in_word);
                while chars.peek().is_some_and(|(_, n)| *n == '>' || *n == '<') {
                    chars.next();
                }
            }
            _ => {
                if !in_word {
                    in_word = true;
                    s.start = i;
                }
                match c {
                    '\'' | '"' => quote = Some(c),
                    '\\' => escaped = true,
                    _ => s.word.push(c),
                }
            }
        }
    }
    if !in_word {
        s.word.clear();
        s.start = text.len();
    }
    s.redirect = after_redirect;
    s
}

/// The first word: the shell's programs, and the web terminal's own `clear`.
fn programs(word: &str) -> Vec<String> {
    crate::shell::PROGRAMS
        .iter()
        .chain(&["clear"])
        .filter(|p| p.starts_with(word))
        .map(|p| p.to_string())
        .collect()
}

/// The subcommands of kubectl's group commands that the playground runs.
fn subcommands(path: &[&str]) -> Option<&'static [&'static str]> {
    Some(match path {
        ["create"] => &[
            "configmap",
            "deployment",
            "ingress",
            "job",
            "namespace",
            "poddisruptionbudget",
            "secret",
            "service",
        ],
        ["create", "secret"] => &["generic"],
        ["create", "service" | "svc"] => &["clusterip", "loadbalancer", "nodeport"],
        ["rollout"] => &["history", "pause", "restart", "resume", "status", "undo"],
        ["set"] => &["env", "image", "resources"],
        ["top"] => &["node", "pod"],
        ["config"] => &[
            "current-context",
            "delete-context",
            "get-clusters",
            "get-contexts",
            "get-users",
            "rename-context",
            "set-context",
            "use-context",
            "view",
        ],
        _ => return None,
    })
}

/// Flags of the group commands' own, before their subcommand.
fn file_flags() -> [Flag; 2] {
    [
        cli::short("filename", 'f', FlagKind::StringSlice),
        cli::short("kustomize", 'k', FlagKind::String),
    ]
}

thread_local! {
    /// Each command's flags, by command path (`rollout status`), learned once.
    static FLAGS: RefCell<BTreeMap<String, Vec<Flag>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The flags the command at `path` parses (without the global ones): the command runs, on a
/// scratch cluster, until its flag parse, which hands over its list and stops it.
fn flags_of(path: &[&str]) -> Vec<Flag> {
    let key = path.join(" ");
    if let Some(known) = FLAGS.with(|f| f.borrow().get(&key).cloned()) {
        return known;
    }
    let mut flags = parsed_flags(path).unwrap_or_default();
    // `create` alone parses nothing before it wants a subcommand; its own flags are `-f`/`-k`
    // (`create -f`), and so are apply's and replace's.
    if path == ["create"] {
        flags.extend(file_flags());
    }
    FLAGS.with(|f| f.borrow_mut().insert(key, flags.clone()));
    flags
}

/// What the command at `path` hands its flag parse, if it gets that far with no arguments.
fn parsed_flags(path: &[&str]) -> Option<Vec<Flag>> {
    let args: Vec<String> = path.iter().map(|w| w.to_string()).collect();
    cli::capture_flags(|| {
        let mut cluster = Cluster::new(sim::Config {
            workers: 0,
            ..sim::Config::default()
        });
        let mut files = Files::new();
        let mut kubeconfig = KubeConfig::default();
        crate::root::run(
            &mut cluster,
            &mut Io {
                files: &mut files,
                stdin: None,
                kubeconfig: &mut kubeconfig,
                editor: None,
            },
            &args,
        );
    })
}

/// Whether a flag needs a value as the next word when given without `=`.
fn takes_value(flag: &Flag) -> bool {
    flag.kind != FlagKind::Bool && flag.no_opt.is_none()
}

/// A command line's words read with a set of flags.
#[derive(Debug, Default)]
struct Walk {
    positionals: Vec<String>,
    namespace: Option<String>,
    /// The flag whose value the next word is.
    pending: Option<Flag>,
}

fn walk(args: &[String], specs: &[Flag]) -> Walk {
    let find_long = |name: &str| specs.iter().chain(GLOBAL).find(|s| s.name == name).copied();
    let find_short = |c: char| {
        specs
            .iter()
            .chain(GLOBAL)
            .find(|s| s.short == Some(c))
            .copied()
    };
    let mut w = Walk::default();
    let mut rest = args.iter();
    let value = |w: &mut Walk, flag: &Flag, v: &str| {
        if flag.name == "namespace" {
            w.namespace = Some(v.to_string());
        }
    };
    while let Some(word) = rest.next() {
        if let Some(flag) = w.pending.take() {
            value(&mut w, &flag, word);
            continue;
        }
        if word == "--" {
            w.positionals.extend(rest.cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            match long.split_once('=') {
                Some((name, v)) => {
                    if let Some(flag) = find_long(name) {
                        value(&mut w, &flag, v);
                    }
                }
                None => w.pending = find_long(long).filter(takes_value),
            }
        } else if word.len() > 1 && word.starts_with('-') {
            for (i, c) in word.char_indices().skip(1) {
                let Some(flag) = find_short(c) else { break };
                if !takes_value(&flag) {
                    continue;
                }
                let after = &word[i + c.len_utf8()..];
                if after.is_empty() {
                    w.pending = Some(flag);
                } else {
                    value(&mut w, &flag, after.strip_prefix('=').unwrap_or(after));
                }
                break;
            }
        } else {
            w.positionals.push(word.clone());
        }
    }
    w
}

/// What the session offers completion.
struct Session<'a> {
    cluster: &'a Cluster,
    files: &'a Files,
    kubeconfig: &'a KubeConfig,
}

/// Which types a command takes as its first argument.
enum Types {
    All,
    Only(&'static [Kind]),
}

impl Session<'_> {
    /// Candidates for `word`, the next word after `kubectl args…`.
    fn kubectl(&self, args: &[String], word: &str) -> Vec<String> {
        // The command path: the first positional word, and its subcommands for group commands.
        let global = walk(args, &file_flags());
        let mut path: Vec<&str> = Vec::new();
        for p in &global.positionals {
            // A group command's next word is its subcommand (or an alias of one: `create deploy`).
            if !path.is_empty() && subcommands(&path).is_none() {
                break;
            }
            path.push(p.as_str());
        }
        let Some(verb) = path.first().copied() else {
            return self.flags_or(&global, &[], word, || {
                crate::root::AVAILABLE
                    .iter()
                    .map(|v| v.to_string())
                    .collect()
            });
        };
        if !crate::root::AVAILABLE.contains(&verb) {
            return Vec::new();
        }
        let specs = flags_of(&path);
        let read = walk(args, &specs);
        let namespace = read
            .namespace
            .clone()
            .or_else(|| global.namespace.clone())
            .unwrap_or_else(|| self.kubeconfig.namespace());
        let after: Vec<String> = read.positionals.iter().skip(path.len()).cloned().collect();
        self.flags_or(&read, &specs, word, || {
            if let Some(subs) = subcommands(&path) {
                return subs.iter().map(|s| s.to_string()).collect();
            }
            self.arguments(&path, &after, word, &namespace)
        })
    }

    /// A flag's value, a flag, or else the positional candidates.
    fn flags_or(
        &self,
        read: &Walk,
        specs: &[Flag],
        word: &str,
        positional: impl FnOnce() -> Vec<String>,
    ) -> Vec<String> {
        if let Some(flag) = &read.pending {
            return self.flag_value(flag.name, word);
        }
        if let Some(long) = word.strip_prefix("--")
            && let Some((name, value)) = long.split_once('=')
        {
            return self
                .flag_value(name, value)
                .into_iter()
                .map(|v| format!("--{name}={v}"))
                .collect();
        }
        if word.starts_with('-') {
            let all = || specs.iter().chain(GLOBAL);
            let mut out: Vec<String> = all().map(|f| format!("--{}", f.name)).collect();
            if !word.starts_with("--") {
                out.extend(all().filter_map(|f| f.short.map(|c| format!("-{c}"))));
            }
            return out;
        }
        positional()
    }

    /// Values for the flag `name`: namespaces, files, output formats, contexts.
    fn flag_value(&self, name: &str, word: &str) -> Vec<String> {
        match name {
            "namespace" => self.names(Kind::Namespace, ""),
            "filename" => self.files(word),
            "output" => [
                "json",
                "yaml",
                "wide",
                "name",
                "jsonpath=",
                "custom-columns=",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            "context" => self.kubeconfig.contexts.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Positional arguments after the command path.
    fn arguments(&self, path: &[&str], before: &[String], word: &str, ns: &str) -> Vec<String> {
        const WORKLOADS: &[Kind] = &[
            Kind::Pod,
            Kind::Deployment,
            Kind::ReplicaSet,
            Kind::DaemonSet,
        ];
        let types = match path {
            ["get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "wait"] => {
                Types::All
            }
            ["scale"] => Types::Only(&[Kind::Deployment, Kind::ReplicaSet]),
            ["rollout", _] => Types::Only(&[Kind::Deployment, Kind::DaemonSet]),
            ["set", _] => Types::Only(WORKLOADS),
            ["expose"] => {
                Types::Only(&[Kind::Deployment, Kind::ReplicaSet, Kind::Pod, Kind::Service])
            }
            ["taint"] => Types::Only(&[Kind::Node]),
            // `logs POD` and `exec POD`: pod names first, `TYPE/NAME` for workloads.
            ["logs" | "exec"] if before.is_empty() && !word.contains('/') => {
                return self.names(Kind::Pod, ns);
            }
            ["logs" | "exec"] => Types::Only(WORKLOADS),
            ["explain"] if before.is_empty() => return self.types(&Types::All, ""),
            ["cordon" | "uncordon" | "drain"] | ["top", "node" | "nodes" | "no"] => {
                return self.names(Kind::Node, "");
            }
            ["top", _] => return self.names(Kind::Pod, ns),
            [
                "config",
                "use-context" | "use" | "delete-context" | "rename-context" | "set-context",
            ] if before.is_empty() => {
                return self.kubeconfig.contexts.keys().cloned().collect();
            }
            _ => return Vec::new(),
        };
        if let Some((ty, _)) = word.split_once('/') {
            return match self.kind(ty, &types) {
                Some(kind) => self
                    .names(kind, ns)
                    .into_iter()
                    .map(|n| format!("{ty}/{n}"))
                    .collect(),
                None => Vec::new(),
            };
        }
        match before.first() {
            None => self.types(&types, word),
            // `TYPE/NAME TYPE/NAME…`: another type, then its names.
            Some(first) if first.contains('/') => self
                .types(&types, word)
                .into_iter()
                .map(|t| format!("{t}/"))
                .collect(),
            Some(first) => {
                let kinds: Vec<Option<Kind>> = first
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(|t| self.kind(t, &types))
                    .collect();
                match kinds.as_slice() {
                    [Some(kind)] => {
                        let typed: BTreeSet<&String> = before[1..].iter().collect();
                        self.names(*kind, ns)
                            .into_iter()
                            .filter(|n| !typed.contains(n))
                            .collect()
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    /// A type word to its kind, if the command takes that kind.
    fn kind(&self, word: &str, types: &Types) -> Option<Kind> {
        let kind = Kind::from_resource_name(&word.to_lowercase())?;
        match types {
            Types::All => Some(kind),
            Types::Only(kinds) => kinds.contains(&kind).then_some(kind),
        }
    }

    /// Resource types, as `kubectl api-resources` names them: the plural names; when no
    /// plural fits what was typed, the singular and short names that do (`svc`, `cm`).
    fn types(&self, types: &Types, word: &str) -> Vec<String> {
        let kinds: Vec<Kind> = match types {
            Types::All => Kind::ALL.to_vec(),
            Types::Only(kinds) => kinds.to_vec(),
        };
        let plurals: Vec<String> = kinds
            .iter()
            .map(|k| k.info().plural.to_string())
            .filter(|p| p.starts_with(word))
            .collect();
        if !plurals.is_empty() {
            return plurals;
        }
        kinds
            .iter()
            .flat_map(|k| {
                let info = k.info();
                std::iter::once(info.singular).chain(info.short_names.iter().copied())
            })
            .map(str::to_string)
            .collect()
    }

    /// The names of a kind's objects, in `namespace` when the kind is namespaced.
    fn names(&self, kind: Kind, namespace: &str) -> Vec<String> {
        let ns = kind.info().namespaced.then_some(namespace);
        self.cluster
            .api()
            .iter(kind, ns)
            .filter(|o| ns.is_none_or(|ns| o.metadata().namespace == ns))
            .map(|o| o.metadata().name.to_string())
            .collect()
    }

    /// The playground's files and folders whose path starts with `word` (folders end in `/`).
    fn files(&self, word: &str) -> Vec<String> {
        let dir = word.rfind('/').map_or("", |i| &word[..=i]);
        self.files
            .children(dir)
            .into_iter()
            .map(|name| {
                let path = format!("{dir}{name}");
                if self.files.entry(&path) == Some(crate::Entry::Dir) {
                    format!("{path}/")
                } else {
                    path
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_line;

    fn run(line: &str) -> crate::Output {
        run_line(&mut Cluster::default(), line)
    }

    #[test]
    fn every_command_offered_runs_and_every_other_says_it_is_not_available() {
        for command in crate::root::COMMANDS {
            let out = run(&format!("kubectl {command}"));
            let unavailable = out
                .stderr
                .contains("is not available in this playground yet")
                && out.stderr.contains(&format!("\"kubectl {command}\""));
            assert_eq!(
                unavailable,
                !crate::root::AVAILABLE.contains(command),
                "kubectl {command}: {out:?}"
            );
        }
        for command in crate::root::AVAILABLE {
            assert!(crate::root::COMMANDS.contains(command), "{command}");
        }
    }

    #[test]
    fn every_program_offered_is_one_the_shell_runs() {
        for program in crate::shell::PROGRAMS {
            let out = run(&format!("{program} </dev/null"));
            assert!(
                !out.stderr.contains("command not found"),
                "{program}: {out:?}"
            );
        }
    }

    #[test]
    fn every_subcommand_offered_is_one_the_playground_runs() {
        for path in [
            vec!["create"],
            vec!["create", "secret"],
            vec!["create", "service"],
            vec!["rollout"],
            vec!["set"],
            vec!["top"],
            vec!["config"],
        ] {
            for sub in subcommands(&path).unwrap_or_default() {
                let out = run(&format!("kubectl {} {sub}", path.join(" ")));
                assert!(
                    !out.stderr.contains("not available")
                        && !out.stderr.contains("unknown command")
                        && !out.stderr.contains(&format!("Unexpected args: [{sub}")),
                    "{path:?} {sub}: {out:?}"
                );
            }
        }
    }

    #[test]
    fn every_command_offered_hands_over_its_flags() {
        let mut paths: Vec<Vec<&str>> = Vec::new();
        for verb in crate::root::AVAILABLE {
            match subcommands(&[verb]) {
                Some(subs) => {
                    for sub in subs {
                        match subcommands(&[verb, sub]) {
                            Some(more) => paths.extend(more.iter().map(|m| vec![*verb, sub, m])),
                            None => paths.push(vec![verb, sub]),
                        }
                    }
                }
                None => paths.push(vec![verb]),
            }
        }
        let silent: Vec<String> = paths
            .iter()
            .filter(|p| parsed_flags(p).is_none())
            .map(|p| p.join(" "))
            .collect();
        assert_eq!(silent, Vec::<String>::new());
    }

    #[test]
    fn the_flags_of_a_command_are_the_ones_it_parses() {
        let get = flags_of(&["get"]);
        assert!(
            get.iter()
                .any(|f| f.name == "output" && f.short == Some('o'))
        );
        assert!(get.iter().any(|f| f.name == "show-labels"));
        let status = flags_of(&["rollout", "status"]);
        assert!(status.iter().any(|f| f.name == "watch"));
        let version = flags_of(&["version"]);
        assert!(version.iter().any(|f| f.name == "client"));
    }
}
