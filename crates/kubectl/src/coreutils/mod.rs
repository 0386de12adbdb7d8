//! The text filters learners pipe kubectl into — `grep`, `head`, `tail`, `wc`, `sort`, `uniq`,
//! `cut`, `base64`, `tee`, and bash's `printf` — with GNU coreutils' and GNU grep's options, output and messages.
//!
//! Simplification: text is compared and sorted as in the C locale (byte order), `wc` pads
//! standard input as a pipe even when it comes from `< file`, and `tail -f` does not follow.

mod grep;
pub mod regex;
mod text;

pub use grep::grep;
pub use text::{base64, cut, head, printf, sort, tail, tee, uniq, wc};

use crate::Output;
use crate::files::{Entry, Files};

/// One parsed option: the letter and its argument, if it takes one.
type Opt = (char, Option<String>);

/// A command's options and operands, getopt style: clustered short options (`-vi`), arguments
/// attached (`-n5`) or following (`-n 5`), long options by their short equivalents, `--`.
struct Args {
    opts: Vec<Opt>,
    operands: Vec<String>,
}

/// Why the arguments could not be parsed; rendered by each program with its own usage line.
enum ArgError {
    Invalid(char),
    Missing(char),
    Unrecognized(String),
    /// No complaint about an option: only the usage line (`grep` without a pattern).
    Usage(&'static str),
}

/// Parses `args` for a program whose short options are `spec` (`"n:c:qv"`: a colon after a
/// letter that takes an argument) and whose long options map onto them.
fn getopt(args: &[String], spec: &str, long: &[(&str, char)]) -> Result<Args, ArgError> {
    let takes = |c: char| {
        spec.find(c)
            .is_some_and(|i| spec[i + c.len_utf8()..].starts_with(':'))
    };
    let known = |c: char| c != ':' && spec.contains(c);
    let mut out = Args {
        opts: Vec::new(),
        operands: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(name) = a.strip_prefix("--") {
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            let Some(&(_, c)) = long.iter().find(|(l, _)| *l == name) else {
                return Err(ArgError::Unrecognized(a.clone()));
            };
            if takes(c) {
                let value = match value {
                    Some(v) => v,
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => return Err(ArgError::Missing(c)),
                };
                out.opts.push((c, Some(value)));
            } else {
                out.opts.push((c, None));
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let letters: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < letters.len() {
                let c = letters[j];
                j += 1;
                if !known(c) {
                    return Err(ArgError::Invalid(c));
                }
                if takes(c) {
                    let rest: String = letters[j..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(ArgError::Missing(c));
                    };
                    out.opts.push((c, Some(value)));
                    break;
                }
                out.opts.push((c, None));
            }
            continue;
        }
        out.operands.push(a.clone());
    }
    Ok(out)
}

/// The usual coreutils complaint about options, with `Try 'prog --help'…`.
fn usage_error(prog: &str, usage: Option<&str>, e: ArgError, code: i32) -> Output {
    let first = match e {
        ArgError::Invalid(c) => format!("{prog}: invalid option -- '{c}'\n"),
        ArgError::Missing(c) => format!("{prog}: option requires an argument -- '{c}'\n"),
        ArgError::Unrecognized(o) => format!("{prog}: unrecognized option '{o}'\n"),
        ArgError::Usage(u) => format!("{u}\n"),
    };
    let usage = usage.map(|u| format!("{u}\n")).unwrap_or_default();
    Output {
        stderr: format!("{first}{usage}Try '{prog} --help' for more information.\n"),
        exit_code: code,
        ..Output::default()
    }
}

/// What reading an operand gave: its text, or why not.
enum Read {
    Text(String),
    Missing,
    Directory,
}

/// Reads each operand (`-` or none: standard input, which can be read once).
fn read_inputs(files: &Files, operands: &[String], stdin: Option<&str>) -> Vec<(String, Read)> {
    let mut stdin = Some(stdin.unwrap_or(""));
    let mut read = |name: &str| -> Read {
        if name == "-" {
            return Read::Text(stdin.take().unwrap_or("").to_string());
        }
        match files.entry(name) {
            Some(Entry::File) => Read::Text(files.read(name).unwrap_or("").to_string()),
            Some(Entry::Dir) => Read::Directory,
            None => Read::Missing,
        }
    };
    if operands.is_empty() {
        return vec![("-".to_string(), read("-"))];
    }
    operands
        .iter()
        .map(|name| (name.clone(), read(name)))
        .collect()
}

/// The lines of `text`, without their newlines (a last line without one still counts).
fn lines(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') || text.is_empty() {
        v.pop();
    }
    v
}

/// Parses a count such as `10`, `+3` or `-2`, with coreutils' multiplier suffixes.
fn count(arg: &str) -> Option<(i64, bool)> {
    let (plus, digits) = match arg.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, arg),
    };
    let (neg, digits) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits),
    };
    let split = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let (number, suffix) = digits.split_at(split);
    let n: i64 = number.parse().ok()?;
    let mult: i64 = match suffix {
        "" => 1,
        "b" => 512,
        "kB" => 1000,
        "K" | "KiB" => 1024,
        "MB" => 1000 * 1000,
        "M" | "MiB" => 1024 * 1024,
        _ => return None,
    };
    let n = n.checked_mul(mult)?;
    Some((if neg { -n } else { n }, plus))
}
