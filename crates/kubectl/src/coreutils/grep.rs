//! GNU `grep`: the options learners use on kubectl output (`-i -v -c -n -w -x -o -q -l -L -H
//! -h -E -F -e -A -B -C`), its prefixes, group separators, messages and exit statuses.

use super::regex::{Regex, is_word};
use super::{ArgError, Read, getopt, lines, read_inputs, usage_error};
use crate::Output;
use crate::files::Files;

const USAGE: &str = "Usage: grep [OPTION]... PATTERNS [FILE]...";

const LONG: &[(&str, char)] = &[
    ("ignore-case", 'i'),
    ("invert-match", 'v'),
    ("count", 'c'),
    ("line-number", 'n'),
    ("word-regexp", 'w'),
    ("line-regexp", 'x'),
    ("only-matching", 'o'),
    ("quiet", 'q'),
    ("silent", 'q'),
    ("files-with-matches", 'l'),
    ("files-without-match", 'L'),
    ("with-filename", 'H'),
    ("no-filename", 'h'),
    ("extended-regexp", 'E'),
    ("fixed-strings", 'F'),
    ("basic-regexp", 'G'),
    ("regexp", 'e'),
    ("after-context", 'A'),
    ("before-context", 'B'),
    ("context", 'C'),
    ("no-messages", 's'),
];

#[derive(Default)]
struct Options {
    ignore_case: bool,
    invert: bool,
    count: bool,
    number: bool,
    word: bool,
    line: bool,
    only: bool,
    quiet: bool,
    list: bool,
    list_without: bool,
    with_name: Option<bool>,
    extended: bool,
    fixed: bool,
    no_messages: bool,
    after: usize,
    before: usize,
}

fn fail(message: String) -> Output {
    Output {
        stderr: format!("grep: {message}\n"),
        exit_code: 2,
        ..Output::default()
    }
}

pub fn grep(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    let parsed = match getopt(args, "ivcnwxoqlLHhEFGe:A:B:C:s", LONG) {
        Ok(a) => a,
        Err(e) => return usage_error("grep", Some(USAGE), e, 2),
    };
    let mut o = Options::default();
    let mut patterns: Vec<String> = Vec::new();
    for (c, v) in parsed.opts {
        let context = |v: &Option<String>| -> Result<usize, Output> {
            let v = v.as_deref().unwrap_or("");
            v.parse::<usize>()
                .map_err(|_| fail(format!("{v}: invalid context length argument")))
        };
        match c {
            'i' => o.ignore_case = true,
            'v' => o.invert = true,
            'c' => o.count = true,
            'n' => o.number = true,
            'w' => o.word = true,
            'x' => o.line = true,
            'o' => o.only = true,
            'q' => o.quiet = true,
            'l' => o.list = true,
            'L' => o.list_without = true,
            'H' => o.with_name = Some(true),
            'h' => o.with_name = Some(false),
            'E' => o.extended = true,
            'F' => o.fixed = true,
            'G' => o.extended = false,
            's' => o.no_messages = true,
            'e' => patterns.extend(v.unwrap_or_default().split('\n').map(str::to_string)),
            'A' | 'B' | 'C' => {
                let n = match context(&v) {
                    Ok(n) => n,
                    Err(out) => return out,
                };
                if c != 'B' {
                    o.after = n;
                }
                if c != 'A' {
                    o.before = n;
                }
            }
            _ => {}
        }
    }
    let mut operands = parsed.operands;
    if patterns.is_empty() {
        if operands.is_empty() {
            return usage_error("grep", None, ArgError::Usage(USAGE), 2);
        }
        patterns = operands.remove(0).split('\n').map(str::to_string).collect();
    }
    let mut regexes = Vec::new();
    for p in &patterns {
        let re = if o.fixed {
            Ok(Regex::literal(p, o.ignore_case))
        } else {
            Regex::new(p, o.extended, o.ignore_case)
        };
        match re {
            Ok(r) => regexes.push(r),
            Err(m) => return fail(m),
        }
    }
    let show_name = o.with_name.unwrap_or(operands.len() > 1);
    let mut out = Output::default();
    let mut any_selected = false;
    let mut error = false;
    for (name, read) in read_inputs(files, &operands, stdin) {
        let label = if name == "-" {
            "(standard input)".to_string()
        } else {
            name.clone()
        };
        let text = match read {
            Read::Text(t) => t,
            Read::Missing => {
                error = true;
                if !o.no_messages {
                    out.stderr
                        .push_str(&format!("grep: {name}: No such file or directory\n"));
                }
                continue;
            }
            Read::Directory => {
                error = true;
                if !o.no_messages {
                    out.stderr
                        .push_str(&format!("grep: {name}: Is a directory\n"));
                }
                continue;
            }
        };
        let selected = search(&text, &label, show_name, &regexes, &o, &mut out.stdout);
        if selected {
            any_selected = true;
            if o.quiet {
                return Output::default();
            }
        }
    }
    if o.quiet {
        out.stdout.clear();
    }
    out.exit_code = if error {
        2
    } else if any_selected {
        0
    } else {
        1
    };
    out
}

/// The spans `[start, end)` of non-overlapping matches in `line`, leftmost-longest.
fn matches(line: &[char], regexes: &[Regex], o: &Options) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    while start <= line.len() {
        let mut best: Option<usize> = None;
        for re in regexes {
            for end in re.ends_from(line, start).into_iter().rev() {
                if o.line && (start != 0 || end != line.len()) {
                    continue;
                }
                if o.word {
                    let before = start > 0 && is_word(line[start - 1]);
                    let after = end < line.len() && is_word(line[end]);
                    if before || after {
                        continue;
                    }
                }
                if best.is_none_or(|b| end > b) {
                    best = Some(end);
                }
                break;
            }
        }
        match best {
            Some(end) if end > start => {
                spans.push((start, end));
                start = end;
            }
            Some(end) => {
                spans.push((start, end));
                start += 1;
            }
            None => start += 1,
        }
        if !o.only && !spans.is_empty() {
            break;
        }
    }
    spans
}

fn selects(line: &str, regexes: &[Regex], o: &Options) -> bool {
    let chars: Vec<char> = line.chars().collect();
    let hit = if o.line || o.word {
        !matches(&chars, regexes, o).is_empty()
    } else {
        regexes.iter().any(|r| r.is_match(&chars))
    };
    hit != o.invert
}

/// Searches one input, printing as grep does; whether any line was selected.
fn search(
    text: &str,
    label: &str,
    show_name: bool,
    regexes: &[Regex],
    o: &Options,
    stdout: &mut String,
) -> bool {
    let all = lines(text);
    let selected: Vec<bool> = all.iter().map(|l| selects(l, regexes, o)).collect();
    let n = selected.iter().filter(|s| **s).count();
    if o.count {
        if show_name {
            stdout.push_str(&format!("{label}:{n}\n"));
        } else {
            stdout.push_str(&format!("{n}\n"));
        }
        return n > 0;
    }
    if o.list || o.list_without {
        if (n > 0) == o.list {
            stdout.push_str(&format!("{label}\n"));
        }
        return n > 0;
    }
    let prefix = |i: usize, sep: char| {
        let mut p = String::new();
        if show_name {
            p.push_str(label);
            p.push(sep);
        }
        if o.number {
            p.push_str(&(i + 1).to_string());
            p.push(sep);
        }
        p
    };
    let context = (o.before > 0 || o.after > 0) && !o.only;
    let mut last_printed: Option<usize> = None;
    let mut after_left = 0;
    for (i, line) in all.iter().enumerate() {
        if selected[i] {
            if context {
                let from = i.saturating_sub(o.before);
                let from = last_printed.map_or(from, |l| from.max(l + 1));
                if let Some(l) = last_printed
                    && from > l + 1
                {
                    stdout.push_str("--\n");
                } else if last_printed.is_none() && from > 0 && stdout_has_groups(stdout) {
                    stdout.push_str("--\n");
                }
                for (j, l) in all.iter().enumerate().take(i).skip(from) {
                    stdout.push_str(&format!("{}{l}\n", prefix(j, '-')));
                }
            }
            if o.only {
                if !o.invert {
                    let chars: Vec<char> = line.chars().collect();
                    for (s, e) in matches(&chars, regexes, o) {
                        if e > s {
                            let m: String = chars[s..e].iter().collect();
                            stdout.push_str(&format!("{}{m}\n", prefix(i, ':')));
                        }
                    }
                }
            } else {
                stdout.push_str(&format!("{}{line}\n", prefix(i, ':')));
            }
            last_printed = Some(i);
            after_left = o.after;
        } else if context && after_left > 0 {
            stdout.push_str(&format!("{}{line}\n", prefix(i, '-')));
            last_printed = Some(i);
            after_left -= 1;
        }
    }
    n > 0
}

/// Whether an earlier input already printed a context group (grep separates groups across
/// files with `--` too).
fn stdout_has_groups(stdout: &str) -> bool {
    !stdout.is_empty()
}
