//! The playground's shell: runs what a user typed or pasted (one or many lines) against the
//! cluster and the playground's files.
//!
//! It understands what tutorials write around kubectl: quotes and escapes, `#` comments,
//! backslash continuations, heredocs (`<<EOF`, `<<'EOF'`, `<<-EOF`) as standard input,
//! `< file`, redirections of standard output and error (`> f`, `>> f`, `2> f`, `2>&1`, `&>`,
//! `/dev/null`), pipelines and lists (`|`, `;`, `&&`, `||`; a line ending in an operator goes
//! on), variables (`NAME=value`, `export`, `$NAME`, `${NAME:-default}`, `$?`) and command
//! substitution (`$(…)`, backquotes). Programs: `kubectl` (and `k`), `ls`, `cat`, `rm`,
//! `mkdir`, `echo`, `sleep` (moves the virtual clock), and the text filters of
//! [`crate::coreutils`] (`grep`, `head`, `tail`, `wc`, `sort`, `uniq`, `cut`, `base64`, `tee`).
//!
//! Simplification: no globs, arithmetic, functions or control flow (`if`, `for`); `&` runs a
//! command in the foreground.

mod syntax;

use std::collections::{BTreeMap, BTreeSet};

use crate::config::KubeConfig;
use crate::files::{self, Files};
use crate::{Output, coreutils, root};
use sim::Cluster;
use syntax::{Command, ErrTarget, Joint, List, ParseError, Seg, Stdin, Word, parse, tokenize};

/// Everything a kubectl command may read besides the cluster: the files and standard input.
pub(crate) struct Io<'a> {
    pub files: &'a Files,
    pub stdin: Option<&'a str>,
    /// The client's kubeconfig (`kubectl config` changes it).
    pub kubeconfig: &'a mut KubeConfig,
    /// The front end's editor, for `kubectl edit` (none: the command explains the alternative).
    pub editor: Option<&'a crate::Editor>,
}

/// The cluster and the files beside it: what a playground session keeps.
#[derive(Clone, Debug)]
pub struct Shell {
    pub cluster: Cluster,
    pub files: Files,
    pub vars: Vars,
    /// The kubeconfig kubectl reads (kind's, for a cluster named `timonel`).
    pub kubeconfig: KubeConfig,
    /// The editor `kubectl edit` opens; front ends set it (the native CLI runs `$EDITOR`).
    pub editor: Option<crate::Editor>,
}

/// One command the shell ran: its text (with any heredoc) and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub command: String,
    pub output: Output,
    /// The cluster's virtual time when the command ended (`sleep` moves it).
    pub finished_at: sim::Time,
}

impl Default for Shell {
    fn default() -> Self {
        Shell::new(Cluster::default())
    }
}

impl Shell {
    pub fn new(cluster: Cluster) -> Self {
        Shell {
            cluster,
            files: Files::new(),
            vars: Vars::default(),
            kubeconfig: KubeConfig::default(),
            editor: None,
        }
    }

    /// Runs everything in `text` (one line, or many with heredocs); the output is every
    /// command's stdout and stderr, each concatenated, and the last command's exit status.
    pub fn run(&mut self, text: &str) -> Output {
        concat(self.run_each(text))
    }

    /// Runs everything in `text`, one `Step` per command, in order.
    pub fn run_each(&mut self, text: &str) -> Vec<Step> {
        self.run_each_with(text, &mut |_, _| {})
    }

    /// Like [`Shell::run_each`], calling `prepare` with each step's command line and the files
    /// just before the step runs (the native CLI loads files named by `-f` from disk there).
    pub fn run_each_with(
        &mut self,
        text: &str,
        prepare: &mut dyn FnMut(&str, &mut Files),
    ) -> Vec<Step> {
        run_text(
            &mut self.cluster,
            &mut self.files,
            &mut self.vars,
            &mut self.kubeconfig,
            text,
            prepare,
            self.editor.as_ref(),
        )
    }
}

pub(crate) fn concat(steps: Vec<Step>) -> Output {
    let mut out = Output::default();
    for s in steps {
        out.stdout.push_str(&s.output.stdout);
        out.stderr.push_str(&s.output.stderr);
        out.exit_code = s.output.exit_code;
    }
    out
}

/// Whether `line` ends in an unescaped backslash (a continuation).
fn continues(line: &str) -> bool {
    line.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

/// How deep `$(…)` may nest before the shell gives up.
const MAX_SUBSTITUTION_DEPTH: usize = 16;

/// The shell's variables and the last exit status (`$?`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars {
    values: BTreeMap<String, String>,
    exported: BTreeSet<String>,
    status: i32,
}

impl Vars {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// What running needs: the cluster, the files, the variables, and how deep in `$(…)` we are.
struct Ctx<'a> {
    cluster: &'a mut Cluster,
    files: &'a mut Files,
    vars: &'a mut Vars,
    kubeconfig: &'a mut KubeConfig,
    editor: Option<&'a crate::Editor>,
    depth: usize,
    /// The status of the last `$(…)`, which an assignment alone returns.
    substitution_status: Option<i32>,
}

/// Runs `text` step by step; `prepare` sees each step's command line (without its heredoc
/// bodies) and the files just before the step runs.
pub(crate) fn run_text(
    cluster: &mut Cluster,
    files: &mut Files,
    vars: &mut Vars,
    kubeconfig: &mut KubeConfig,
    text: &str,
    prepare: &mut dyn FnMut(&str, &mut Files),
    editor: Option<&crate::Editor>,
) -> Vec<Step> {
    let mut ctx = Ctx {
        cluster,
        files,
        vars,
        kubeconfig,
        editor,
        depth: 0,
        substitution_status: None,
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let mut line = lines[i].trim_end_matches('\r').to_string();
        i += 1;
        // Continuations, quotes that span lines, and lines ending in `|`, `&&` or `||`.
        let parsed = loop {
            if continues(&line) && i < lines.len() {
                line.pop();
                line.push_str(lines[i].trim_end_matches('\r'));
                i += 1;
                continue;
            }
            let more = i < lines.len();
            match tokenize(&line) {
                Err(_) if more => {}
                Err(e) => break Err(Output::error(e.to_string())),
                Ok(toks) => match parse(toks) {
                    Ok(list) => break Ok(list),
                    Err(ParseError::Incomplete) if more => {}
                    Err(ParseError::Incomplete) => {
                        break Err(bash_error("syntax error: unexpected end of file"));
                    }
                    Err(ParseError::Syntax(m)) => break Err(bash_error(&m)),
                },
            }
            line.push('\n');
            line.push_str(lines[i].trim_end_matches('\r'));
            i += 1;
        };
        let list = match parsed {
            Ok(list) => list,
            Err(output) => {
                ctx.vars.status = output.exit_code;
                steps.push(Step {
                    command: line,
                    output,
                    finished_at: ctx.cluster.now(),
                });
                continue;
            }
        };
        if list.items.is_empty() {
            continue;
        }
        let mut warning = String::new();
        let mut bodies = Vec::new();
        for doc in &list.heredocs {
            let mut body = String::new();
            let mut found = false;
            while i < lines.len() {
                let raw = lines[i].trim_end_matches('\r');
                i += 1;
                let l = if doc.strip_tabs {
                    raw.trim_start_matches('\t')
                } else {
                    raw
                };
                if l == doc.delimiter {
                    found = true;
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            if !found {
                // A trailing newline of the pasted text is not a line of the heredoc.
                if body.ends_with("\n\n") || (body == "\n" && text.ends_with('\n')) {
                    body.pop();
                }
                warning.push_str(&format!(
                    "bash: warning: here-document at line {} delimited by end-of-file (wanted `{}')\n",
                    start + 1,
                    doc.delimiter
                ));
            }
            bodies.push((body, doc.expand));
        }
        let full = lines[start..i.min(lines.len())].join("\n");
        prepare(&line, ctx.files);
        let mut output = ctx.run_list(&list, &bodies);
        output.stderr.insert_str(0, &warning);
        steps.push(Step {
            command: full,
            output,
            finished_at: ctx.cluster.now(),
        });
    }
    steps
}

fn bash_error(message: &str) -> Output {
    Output {
        stderr: format!("bash: {message}\n"),
        exit_code: 2,
        ..Output::default()
    }
}

/// Appends `o`'s streams to `acc` and takes its status.
fn append(acc: &mut Output, o: Output) {
    acc.stdout.push_str(&o.stdout);
    acc.stderr.push_str(&o.stderr);
    acc.exit_code = o.exit_code;
}

impl Ctx<'_> {
    fn run_list(&mut self, list: &List, bodies: &[(String, bool)]) -> Output {
        let mut out = Output::default();
        for (joint, pipeline) in &list.items {
            let skip = match joint {
                Joint::Always => false,
                Joint::IfOk => self.vars.status != 0,
                Joint::IfFailed => self.vars.status == 0,
            };
            if skip {
                continue;
            }
            let o = self.run_pipeline(pipeline, bodies);
            self.vars.status = o.exit_code;
            append(&mut out, o);
        }
        out.exit_code = self.vars.status;
        out
    }

    fn run_pipeline(&mut self, pipeline: &[Command], bodies: &[(String, bool)]) -> Output {
        let mut piped: Option<String> = None;
        let mut result = Output::default();
        let last = pipeline.len().saturating_sub(1);
        for (n, cmd) in pipeline.iter().enumerate() {
            let o = self.run_command(cmd, bodies, piped.take());
            result.stderr.push_str(&o.stderr);
            result.exit_code = o.exit_code;
            if n == last {
                result.stdout = o.stdout;
            } else {
                piped = Some(o.stdout);
            }
        }
        result
    }

    /// Expands a word into fields: unquoted expansions split on whitespace, quoted ones
    /// never; errors of `$(…)` go to `stderr`.
    fn expand(&mut self, word: &Word, stderr: &mut String) -> Vec<String> {
        let mut fields: Vec<String> = Vec::new();
        let mut current = String::new();
        let mut have = false;
        for seg in &word.0 {
            let (value, quoted) = match seg {
                Seg::Lit(t) | Seg::Quoted(t) => {
                    current.push_str(t);
                    have = true;
                    continue;
                }
                Seg::Var {
                    name,
                    default,
                    quoted,
                } => (self.variable(name, default.as_deref()), *quoted),
                Seg::Sub { text, quoted } => (self.substitute(text, stderr), *quoted),
            };
            if quoted {
                current.push_str(&value);
                have = true;
                continue;
            }
            let starts_blank = value.starts_with(char::is_whitespace);
            let ends_blank = value.ends_with(char::is_whitespace);
            let pieces: Vec<&str> = value.split_whitespace().collect();
            if starts_blank && have {
                fields.push(std::mem::take(&mut current));
                have = false;
            }
            for (k, p) in pieces.iter().enumerate() {
                if k > 0 {
                    fields.push(std::mem::take(&mut current));
                }
                current.push_str(p);
                have = true;
            }
            if ends_blank && have && !pieces.is_empty() {
                fields.push(std::mem::take(&mut current));
                have = false;
            }
        }
        if have {
            fields.push(current);
        }
        fields
    }

    /// Expands a word that must stay one string (assignments, heredoc delimiters' bodies).
    fn expand_joined(&mut self, word: &Word, stderr: &mut String) -> String {
        let mut s = String::new();
        for seg in &word.0 {
            match seg {
                Seg::Lit(t) | Seg::Quoted(t) => s.push_str(t),
                Seg::Var { name, default, .. } => {
                    s.push_str(&self.variable(name, default.as_deref()))
                }
                Seg::Sub { text, .. } => s.push_str(&self.substitute(text, stderr)),
            }
        }
        s
    }

    fn variable(&self, name: &str, default: Option<&str>) -> String {
        let value = match name {
            "?" => Some(self.vars.status.to_string()),
            "$" => Some("1".to_string()),
            "#" => Some("0".to_string()),
            "0" => Some("bash".to_string()),
            _ => self.vars.values.get(name).cloned(),
        };
        match (value, default) {
            (Some(v), Some(d)) if v.is_empty() => d.to_string(),
            (Some(v), _) => v,
            (None, Some(d)) => d.to_string(),
            (None, None) => String::new(),
        }
    }

    /// `$(…)`: runs the text and takes its standard output, trailing newlines removed.
    fn substitute(&mut self, text: &str, stderr: &mut String) -> String {
        if self.depth >= MAX_SUBSTITUTION_DEPTH {
            stderr.push_str("bash: maximum nesting of command substitutions reached\n");
            return String::new();
        }
        let list = match tokenize(text).map(parse) {
            Ok(Ok(list)) => list,
            Ok(Err(ParseError::Syntax(m))) => {
                stderr.push_str(&format!("bash: command substitution: line 1: {m}\n"));
                return String::new();
            }
            _ => {
                stderr.push_str(
                    "bash: command substitution: line 1: syntax error: unexpected end of file\n",
                );
                return String::new();
            }
        };
        let status = self.vars.status;
        // A substitution starts afresh: an empty one (`$()`) succeeds.
        self.vars.status = 0;
        self.depth += 1;
        let out = self.run_list(&list, &[]);
        self.depth -= 1;
        // The status of `a=$(false)` is the substitution's; elsewhere the command's own.
        self.vars.status = status;
        self.substitution_status = Some(out.exit_code);
        stderr.push_str(&out.stderr);
        out.stdout.trim_end_matches('\n').to_string()
    }

    /// Expands `$…` in a heredoc body whose delimiter was not quoted (left as written if an
    /// expansion is unterminated).
    fn expand_body(&mut self, body: &str, stderr: &mut String) -> String {
        match syntax::body_word(body) {
            Ok(word) => self.expand_joined(&word, stderr),
            Err(_) => body.to_string(),
        }
    }
}
fn redirect_error(path: &str, why: &str) -> Output {
    Output {
        stderr: format!("bash: {path}: {why}\n"),
        exit_code: 1,
        ..Output::default()
    }
}

/// Opens an output redirection as bash does before running the command (`>` truncates).
fn open_for_writing(files: &mut Files, path: &str, append: bool) -> Result<(), Output> {
    if path == "/dev/null" {
        return Ok(());
    }
    files
        .check_writable(path)
        .map_err(|why| redirect_error(path, why))?;
    if !append || files.read(path).is_none() {
        files.write(path, "");
    }
    Ok(())
}

fn write_to(files: &mut Files, path: &str, text: &str) {
    if path == "/dev/null" {
        return;
    }
    let mut contents = files.read(path).unwrap_or("").to_string();
    contents.push_str(text);
    files.write(path, contents);
}

/// The programs `Ctx::program` knows (Tab completion offers them; a test in `complete.rs`
/// keeps the list in step with its match).
pub(crate) const PROGRAMS: &[&str] = &[
    "kubectl", "k", "ls", "cat", "rm", "mkdir", "echo", "sleep", "grep", "head", "tail", "wc",
    "sort", "uniq", "cut", "base64", "tee", "printf", "true", "false", "export", "unset",
];

impl Ctx<'_> {
    /// Expands a redirection target, which must be one word.
    fn target(&mut self, word: &Word, stderr: &mut String) -> Result<String, Output> {
        let fields = self.expand(word, stderr);
        match fields.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(Output {
                stderr: format!("{stderr}bash: {}: ambiguous redirect\n", word.text()),
                exit_code: 1,
                ..Output::default()
            }),
        }
    }

    fn run_command(
        &mut self,
        cmd: &Command,
        bodies: &[(String, bool)],
        piped: Option<String>,
    ) -> Output {
        let mut stderr = String::new();
        // Leading assignments: alone they set shell variables; before a command they would only
        // reach its environment, which no playground program reads.
        let assignments = cmd
            .words
            .iter()
            .take_while(|w| w.assignment().is_some())
            .count();
        self.substitution_status = None;
        let mut words = Vec::new();
        for w in &cmd.words[assignments..] {
            words.extend(self.expand(w, &mut stderr));
        }
        if words.is_empty() && assignments > 0 {
            for w in &cmd.words[..assignments] {
                if let Some((name, value)) = w.assignment() {
                    let value = self.expand_joined(&value, &mut stderr);
                    self.vars.values.insert(name, value);
                }
            }
        }
        let stdin = match &cmd.stdin {
            None => piped,
            Some(Stdin::Heredoc(n)) => match bodies.get(*n) {
                Some((body, true)) => Some(self.expand_body(body, &mut stderr)),
                Some((body, false)) => Some(body.clone()),
                None => Some(String::new()),
            },
            Some(Stdin::File(word)) => {
                let path = match self.target(word, &mut stderr) {
                    Ok(p) => p,
                    Err(out) => return out,
                };
                match self.files.entry(&path) {
                    Some(files::Entry::File) => self.files.read(&path).map(str::to_string),
                    Some(files::Entry::Dir) => return redirect_error(&path, "Is a directory"),
                    None => return redirect_error(&path, "No such file or directory"),
                }
            }
        };
        let stdout_target = match &cmd.stdout {
            Some((word, append)) => match self.target(word, &mut stderr) {
                Ok(p) => Some((p, *append)),
                Err(out) => return out,
            },
            None => None,
        };
        let stderr_target = match &cmd.stderr {
            Some(ErrTarget::File(word, append)) => match self.target(word, &mut stderr) {
                Ok(p) => Some(Some((p, *append))),
                Err(out) => return out,
            },
            Some(ErrTarget::Stdout) => Some(None),
            None => None,
        };
        if let Some((path, append)) = &stdout_target
            && let Err(out) = open_for_writing(self.files, path, *append)
        {
            return out;
        }
        if let Some(Some((path, append))) = &stderr_target
            && let Err(out) = open_for_writing(self.files, path, *append)
        {
            return out;
        }
        let mut out = if words.is_empty() {
            Output {
                exit_code: self.substitution_status.unwrap_or(0),
                ..Output::default()
            }
        } else {
            self.program(&words, stdin.as_deref())
        };
        out.stderr.insert_str(0, &stderr);
        match &stderr_target {
            None => {}
            Some(None) => {
                let err = std::mem::take(&mut out.stderr);
                out.stdout.push_str(&err);
            }
            Some(Some((path, _))) => {
                let err = std::mem::take(&mut out.stderr);
                write_to(self.files, path, &err);
            }
        }
        if let Some((path, _)) = &stdout_target {
            let text = std::mem::take(&mut out.stdout);
            write_to(self.files, path, &text);
        }
        out
    }

    fn program(&mut self, words: &[String], stdin: Option<&str>) -> Output {
        let Some((name, args)) = words.split_first() else {
            return Output::default();
        };
        let files = &mut *self.files;
        match name.as_str() {
            "kubectl" | "k" => {
                let kubeconfig = &mut *self.kubeconfig;
                root::run(
                    self.cluster,
                    &mut Io {
                        files,
                        stdin,
                        kubeconfig,
                        editor: self.editor,
                    },
                    args,
                )
            }
            "ls" => files::ls(files, args),
            "cat" => files::cat(files, args, stdin),
            "rm" => files::rm(files, args),
            "mkdir" => files::mkdir(files, args),
            "echo" => echo(args),
            "sleep" => sleep(self.cluster, args),
            "grep" => coreutils::grep(files, args, stdin),
            "head" => coreutils::head(files, args, stdin),
            "tail" => coreutils::tail(files, args, stdin),
            "wc" => coreutils::wc(files, args, stdin),
            "sort" => coreutils::sort(files, args, stdin),
            "uniq" => coreutils::uniq(files, args, stdin),
            "cut" => coreutils::cut(files, args, stdin),
            "base64" => coreutils::base64(files, args, stdin),
            "tee" => coreutils::tee(files, args, stdin),
            "printf" => coreutils::printf(args),
            "true" | ":" => Output::default(),
            "false" => Output {
                exit_code: 1,
                ..Output::default()
            },
            "export" => self.export(args),
            "unset" => {
                for a in args {
                    self.vars.values.remove(a);
                    self.vars.exported.remove(a);
                }
                Output::default()
            }
            other => Output {
                stderr: format!("{other}: command not found\n"),
                exit_code: 127,
                ..Output::default()
            },
        }
    }

    /// `export NAME=value`, `export NAME`, and `export` alone (lists them as `declare -x`).
    fn export(&mut self, args: &[String]) -> Output {
        if args.is_empty() || args == ["-p"] {
            let mut s = String::new();
            for name in &self.vars.exported {
                match self.vars.values.get(name) {
                    Some(v) => s.push_str(&format!(
                        "declare -x {name}=\"{}\"\n",
                        v.replace('\\', "\\\\")
                            .replace('"', "\\\"")
                            .replace('$', "\\$")
                    )),
                    None => s.push_str(&format!("declare -x {name}\n")),
                }
            }
            return Output::ok(s);
        }
        let mut out = Output::default();
        for a in args {
            let (name, value) = match a.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (a.as_str(), None),
            };
            if !syntax::is_name(name) {
                out.stderr
                    .push_str(&format!("bash: export: `{a}': not a valid identifier\n"));
                out.exit_code = 1;
                continue;
            }
            if let Some(v) = value {
                self.vars.values.insert(name.to_string(), v.to_string());
            }
            self.vars.exported.insert(name.to_string());
        }
        out
    }
}

fn echo(args: &[String]) -> Output {
    let (newline, args) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        _ => (true, args),
    };
    let mut s = args.join(" ");
    if newline {
        s.push('\n');
    }
    Output::ok(s)
}

/// `sleep 30`, `sleep 30s`, `sleep 2m`, `sleep 1h`: how far to move the virtual clock.
pub fn sleep_duration(arg: &str) -> Option<sim::Duration> {
    let (digits, unit) = match arg.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => arg.split_at(i),
        None => (arg, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let seconds = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86400)?,
        _ => return None,
    };
    Some(sim::Duration::millis(seconds.checked_mul(1000)?))
}

fn sleep(cluster: &mut Cluster, args: &[String]) -> Output {
    let usage = |m: String| Output {
        stderr: format!("sleep: {m}\nTry 'sleep --help' for more information.\n"),
        exit_code: 1,
        ..Output::default()
    };
    if args.is_empty() {
        return usage("missing operand".into());
    }
    let mut total = 0u64;
    for a in args {
        match sleep_duration(a) {
            Some(d) => total = total.saturating_add(d.0),
            None => return usage(format!("invalid time interval '{a}'")),
        }
    }
    // Simplification: one sleep moves the virtual clock by at most a day (every heartbeat on
    // the way is simulated, so `sleep 100000d` would otherwise hold the page for hours).
    let mut out = Output::default();
    if total > MAX_SLEEP_MILLIS {
        total = MAX_SLEEP_MILLIS;
        out.stderr = "sleep: the playground's clock moves at most 24h per sleep\n".into();
    }
    cluster.advance(sim::Duration::millis(total));
    out
}

/// The longest one `sleep` advances the virtual clock: a day.
const MAX_SLEEP_MILLIS: u64 = 24 * 3600 * 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heredoc_writes_a_file() {
        let mut sh = Shell::default();
        let out = sh.run("cat <<EOF > a.yaml\nx: 1\n  y\nEOF\ncat a.yaml\n");
        assert_eq!(out.stdout, "x: 1\n  y\n");
        assert_eq!(sh.files.read("a.yaml"), Some("x: 1\n  y\n"));
    }

    #[test]
    fn an_unterminated_heredoc_ends_at_the_end_of_the_text() {
        let mut sh = Shell::default();
        let out = sh.run("cat <<-EOF\n\tno terminator\n");
        assert_eq!(out.stdout, "no terminator\n");
        assert_eq!(
            out.stderr,
            "bash: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\n"
        );
    }

    #[test]
    fn variables_live_in_the_shell_between_commands() {
        let mut sh = Shell::default();
        sh.run("export NS=dev\nkubectl create namespace $NS");
        let out = sh.run("kubectl get ns \"$NS\" -o name && echo ok || echo failed");
        assert_eq!(out.stdout, "namespace/dev\nok\n");
        assert_eq!(sh.run("export").stdout, "declare -x NS=\"dev\"\n");
        assert_eq!(sh.run("unset NS; echo [$NS]").stdout, "[]\n");
    }

    #[test]
    fn an_unquoted_heredoc_expands_variables_and_a_quoted_one_does_not() {
        let mut sh = Shell::default();
        let out =
            sh.run("name=web\ncat <<EOF\nname: $name \\$x\nEOF\ncat <<'EOF'\nname: $name\nEOF\n");
        assert_eq!(out.stdout, "name: web $x\nname: $name\n");
    }

    #[test]
    fn an_empty_substitution_succeeds_whatever_came_before() {
        let mut sh = Shell::default();
        assert_eq!(sh.run("false; $(); echo $?").stdout, "0\n");
        assert_eq!(sh.run("false\n``").exit_code, 0);
    }

    #[test]
    fn runaway_command_substitution_stops() {
        let mut sh = Shell::default();
        let deep = format!("echo {}x{}", "$(echo ".repeat(40), ")".repeat(40));
        let out = sh.run(&deep);
        assert!(out.stderr.contains("maximum nesting"), "{out:?}");
    }

    #[test]
    fn a_pasted_block_runs_every_command() {
        let mut sh = Shell::default();
        let steps = sh.run_each("mkdir k8s\n\n# make a file\necho hi > k8s/a.txt\nls k8s\n");
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[2].command, "ls k8s");
        assert_eq!(steps[2].output.stdout, "a.txt\n");
    }
}
