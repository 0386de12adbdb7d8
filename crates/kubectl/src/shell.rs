//! The playground's shell: runs what a user typed or pasted (one or many lines) against the
//! cluster and the playground's files.
//!
//! It understands what tutorials write around kubectl: quotes and escapes, `#` comments,
//! backslash continuations, heredocs (`<<EOF`, `<<'EOF'`, `<<-EOF`) as standard input,
//! `< file`, and redirections of standard output and error (`> f`, `>> f`, `2> f`, `2>&1`,
//! `/dev/null`). Programs: `kubectl` (and `k`), `ls`, `cat`, `rm`, `mkdir`, `echo`, `sleep`
//! (moves the virtual clock).

use crate::files::{self, Files};
use crate::{LexError, Output, root};
use sim::Cluster;

/// Everything a kubectl command may read besides the cluster: the files and standard input.
pub(crate) struct Io<'a> {
    pub files: &'a Files,
    pub stdin: Option<&'a str>,
}

/// The cluster and the files beside it: what a playground session keeps.
#[derive(Clone, Debug)]
pub struct Shell {
    pub cluster: Cluster,
    pub files: Files,
}

/// One command the shell ran: its text (with any heredoc) and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub command: String,
    pub output: Output,
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
        }
    }

    /// Runs everything in `text` (one line, or many with heredocs); the output is every
    /// command's stdout and stderr, each concatenated, and the last command's exit status.
    pub fn run(&mut self, text: &str) -> Output {
        concat(self.run_each(text))
    }

    /// Runs everything in `text`, one `Step` per command, in order.
    pub fn run_each(&mut self, text: &str) -> Vec<Step> {
        run_text(&mut self.cluster, &mut self.files, text)
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

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    /// `>` (false) or `>>` (true), for fd 1 or 2.
    Out {
        fd: u8,
        append: bool,
    },
    /// `2>&1`
    ErrToOut,
    /// `<`
    In,
    /// `<<` (false) or `<<-` (true)
    Heredoc(bool),
    /// `|`
    Pipe,
}

fn tokenize(line: &str) -> Result<Vec<Tok>, LexError> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    let flush = |toks: &mut Vec<Tok>, word: &mut String, in_word: &mut bool, quoted: &mut bool| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
            *quoted = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => flush(&mut toks, &mut word, &mut in_word, &mut quoted),
            '#' if !in_word => break,
            '|' => {
                flush(&mut toks, &mut word, &mut in_word, &mut quoted);
                toks.push(Tok::Pipe);
            }
            '>' => {
                let fd = if in_word && !quoted && (word == "1" || word == "2") {
                    let fd = if word == "2" { 2 } else { 1 };
                    word.clear();
                    in_word = false;
                    fd
                } else {
                    flush(&mut toks, &mut word, &mut in_word, &mut quoted);
                    1
                };
                if chars.peek() == Some(&'>') {
                    chars.next();
                    toks.push(Tok::Out { fd, append: true });
                } else if fd == 2 && chars.peek() == Some(&'&') {
                    chars.next();
                    let target: String = chars.next().into_iter().collect();
                    if target == "1" {
                        toks.push(Tok::ErrToOut);
                    } else {
                        toks.push(Tok::Word(format!("2>&{target}")));
                    }
                } else {
                    toks.push(Tok::Out { fd, append: false });
                }
            }
            '<' => {
                flush(&mut toks, &mut word, &mut in_word, &mut quoted);
                if chars.peek() == Some(&'<') {
                    chars.next();
                    if chars.peek() == Some(&'-') {
                        chars.next();
                        toks.push(Tok::Heredoc(true));
                    } else {
                        toks.push(Tok::Heredoc(false));
                    }
                } else {
                    toks.push(Tok::In);
                }
            }
            '\'' => {
                in_word = true;
                quoted = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(LexError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                quoted = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(LexError::UnterminatedQuote('"')),
                        },
                        Some(c) => word.push(c),
                        None => return Err(LexError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                None => {}
                Some(c) => {
                    in_word = true;
                    quoted = true;
                    word.push(c);
                }
            },
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush(&mut toks, &mut word, &mut in_word, &mut quoted);
    Ok(toks)
}

/// Where standard error goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ErrTarget {
    Stdout,
    File(String, bool),
}

/// One simple command with its redirections.
#[derive(Clone, Debug, Default)]
struct Command {
    words: Vec<String>,
    stdin: Option<Stdin>,
    stdout: Option<(String, bool)>,
    stderr: Option<ErrTarget>,
}

#[derive(Clone, Debug)]
enum Stdin {
    Text(String),
    File(String),
}

/// A heredoc waiting for its body: the delimiter and whether leading tabs are stripped.
struct Pending {
    delimiter: String,
    strip_tabs: bool,
}

/// Whether `line` ends in an unescaped backslash (a continuation).
fn continues(line: &str) -> bool {
    line.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

pub(crate) fn run_text(cluster: &mut Cluster, files: &mut Files, text: &str) -> Vec<Step> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let mut line = lines[i].trim_end_matches('\r').to_string();
        i += 1;
        // Continuations and quotes that span lines.
        let toks = loop {
            if continues(&line) && i < lines.len() {
                line.pop();
                line.push_str(lines[i].trim_end_matches('\r'));
                i += 1;
                continue;
            }
            match tokenize(&line) {
                Ok(t) => break Ok(t),
                Err(e) if i >= lines.len() => break Err(e),
                Err(_) => {
                    line.push('\n');
                    line.push_str(lines[i].trim_end_matches('\r'));
                    i += 1;
                }
            }
        };
        let toks = match toks {
            Ok(t) => t,
            Err(e) => {
                steps.push(Step {
                    command: line,
                    output: Output::error(e.to_string()),
                });
                continue;
            }
        };
        if toks.is_empty() {
            continue;
        }
        let (mut command, pending, syntax) = build(toks);
        let mut warning = String::new();
        if let Some(p) = pending {
            let mut body = String::new();
            let mut found = false;
            while i < lines.len() {
                let raw = lines[i].trim_end_matches('\r');
                i += 1;
                let l = if p.strip_tabs {
                    raw.trim_start_matches('\t')
                } else {
                    raw
                };
                if l == p.delimiter {
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
                warning = format!(
                    "bash: warning: here-document at line {} delimited by end-of-file (wanted `{}')\n",
                    start + 1,
                    p.delimiter
                );
            }
            command.stdin = Some(Stdin::Text(body));
        }
        let full = lines[start..i.min(lines.len())].join("\n");
        let mut output = match syntax {
            Some(message) if message.starts_with("pipes") => Output {
                stderr: format!("{message}\n"),
                exit_code: 1,
                ..Output::default()
            },
            Some(message) => Output {
                stderr: format!("bash: {message}\n"),
                exit_code: 2,
                ..Output::default()
            },
            None => execute(cluster, files, &command),
        };
        output.stderr.insert_str(0, &warning);
        steps.push(Step {
            command: full,
            output,
        });
    }
    steps
}

/// Words and redirections of one command; a heredoc still to read; a syntax error.
fn build(toks: Vec<Tok>) -> (Command, Option<Pending>, Option<String>) {
    let mut cmd = Command::default();
    let mut pending = None;
    let mut it = toks.into_iter();
    while let Some(t) = it.next() {
        if t == Tok::Pipe {
            // Simplification: no pipes yet; say so rather than run half a pipeline.
            return (
                cmd,
                pending,
                Some("pipes (|) are not available in this playground yet".to_string()),
            );
        }
        let needs_word = !matches!(t, Tok::Word(_) | Tok::ErrToOut);
        let target = if needs_word {
            match it.next() {
                Some(Tok::Word(w)) => Some(w),
                Some(_) | None => {
                    return (
                        cmd,
                        None,
                        Some("syntax error near unexpected token `newline'".to_string()),
                    );
                }
            }
        } else {
            None
        };
        let target = target.unwrap_or_default();
        match t {
            Tok::Word(w) => cmd.words.push(w),
            Tok::ErrToOut => cmd.stderr = Some(ErrTarget::Stdout),
            Tok::Out { fd: 2, append } => cmd.stderr = Some(ErrTarget::File(target, append)),
            Tok::Out { append, .. } => cmd.stdout = Some((target, append)),
            Tok::In => cmd.stdin = Some(Stdin::File(target)),
            Tok::Heredoc(strip_tabs) => {
                pending = Some(Pending {
                    delimiter: target,
                    strip_tabs,
                })
            }
            Tok::Pipe => {}
        }
    }
    (cmd, pending, None)
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

fn execute(cluster: &mut Cluster, files: &mut Files, cmd: &Command) -> Output {
    let stdin = match &cmd.stdin {
        None => None,
        Some(Stdin::Text(t)) => Some(t.clone()),
        Some(Stdin::File(path)) => match files.entry(path) {
            Some(files::Entry::File) => files.read(path).map(str::to_string),
            Some(files::Entry::Dir) => return redirect_error(path, "Is a directory"),
            None => return redirect_error(path, "No such file or directory"),
        },
    };
    if let Some((path, append)) = &cmd.stdout
        && let Err(out) = open_for_writing(files, path, *append)
    {
        return out;
    }
    if let Some(ErrTarget::File(path, append)) = &cmd.stderr
        && let Err(out) = open_for_writing(files, path, *append)
    {
        return out;
    }
    let mut out = program(cluster, files, &cmd.words, stdin.as_deref());
    match &cmd.stderr {
        None => {}
        Some(ErrTarget::Stdout) => {
            let err = std::mem::take(&mut out.stderr);
            out.stdout.push_str(&err);
        }
        Some(ErrTarget::File(path, _)) => {
            let err = std::mem::take(&mut out.stderr);
            write_to(files, path, &err);
        }
    }
    if let Some((path, _)) = &cmd.stdout {
        let text = std::mem::take(&mut out.stdout);
        write_to(files, path, &text);
    }
    out
}

fn program(
    cluster: &mut Cluster,
    files: &mut Files,
    words: &[String],
    stdin: Option<&str>,
) -> Output {
    let Some((name, args)) = words.split_first() else {
        return Output::default();
    };
    match name.as_str() {
        "kubectl" | "k" => root::run(cluster, &Io { files, stdin }, args),
        "ls" => files::ls(files, args),
        "cat" => files::cat(files, args, stdin),
        "rm" => files::rm(files, args),
        "mkdir" => files::mkdir(files, args),
        "echo" => echo(args),
        "sleep" => sleep(cluster, args),
        other => Output {
            stderr: format!("{other}: command not found\n"),
            exit_code: 127,
            ..Output::default()
        },
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
    cluster.advance(sim::Duration::millis(total));
    Output::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirections_and_heredocs_are_operators() {
        assert_eq!(
            tokenize("kubectl get x -o yaml >web.yaml 2>&1").unwrap(),
            [
                Tok::Word("kubectl".into()),
                Tok::Word("get".into()),
                Tok::Word("x".into()),
                Tok::Word("-o".into()),
                Tok::Word("yaml".into()),
                Tok::Out {
                    fd: 1,
                    append: false
                },
                Tok::Word("web.yaml".into()),
                Tok::ErrToOut,
            ]
        );
        assert_eq!(
            tokenize("cat <<-'EOF' >> f # note").unwrap(),
            [
                Tok::Word("cat".into()),
                Tok::Heredoc(true),
                Tok::Word("EOF".into()),
                Tok::Out {
                    fd: 1,
                    append: true
                },
                Tok::Word("f".into()),
            ]
        );
        assert_eq!(
            tokenize("echo '>' a#b").unwrap(),
            [
                Tok::Word("echo".into()),
                Tok::Word(">".into()),
                Tok::Word("a#b".into())
            ]
        );
    }

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
    fn a_pasted_block_runs_every_command() {
        let mut sh = Shell::default();
        let steps = sh.run_each("mkdir k8s\n\n# make a file\necho hi > k8s/a.txt\nls k8s\n");
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[2].command, "ls k8s");
        assert_eq!(steps[2].output.stdout, "a.txt\n");
    }
}
