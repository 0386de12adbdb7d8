//! Command-line flags parsed as kubectl's pflag does, with pflag's error texts.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    Bool,
    String,
}

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    pub name: &'static str,
    pub shorthand: Option<char>,
    pub kind: FlagKind,
}

/// Flags found on a command line, by long name, and the positional arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub values: BTreeMap<&'static str, String>,
    pub args: Vec<String>,
}

impl Parsed {
    pub fn bool(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == "true")
    }

    pub fn string(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// Go's `strconv.ParseBool`.
fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn flag_label(spec: &FlagSpec) -> String {
    match spec.shorthand {
        Some(s) => format!("-{s}, --{}", spec.name),
        None => format!("--{}", spec.name),
    }
}

fn set(parsed: &mut Parsed, spec: &FlagSpec, value: &str) -> Result<(), String> {
    let value = match spec.kind {
        FlagKind::String => value.to_string(),
        FlagKind::Bool => match parse_bool(value) {
            Some(b) => b.to_string(),
            None => {
                return Err(format!(
                    "invalid argument \"{value}\" for \"{}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax",
                    flag_label(spec)
                ));
            }
        },
    };
    parsed.values.insert(spec.name, value);
    Ok(())
}

/// Parses `words` against `specs`; the error is pflag's message (without `error: `).
pub fn parse(specs: &[FlagSpec], words: &[String]) -> Result<Parsed, String> {
    let as_cli = |s: &FlagSpec| crate::generators::cli::Flag {
        name: s.name,
        short: s.shorthand,
        kind: match s.kind {
            FlagKind::Bool => crate::generators::cli::Kind::Bool,
            FlagKind::String => crate::generators::cli::Kind::String,
        },
        no_opt: None,
    };
    if crate::generators::cli::captured(&specs.iter().map(as_cli).collect::<Vec<_>>()) {
        return Err("flags captured".to_string());
    }
    let mut parsed = Parsed::default();
    let mut rest = words.iter();
    while let Some(word) = rest.next() {
        if word == "--" {
            parsed.args.extend(rest.cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let Some(spec) = specs.iter().find(|s| s.name == name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            match (inline, spec.kind) {
                (Some(v), _) => set(&mut parsed, spec, v)?,
                (None, FlagKind::Bool) => set(&mut parsed, spec, "true")?,
                (None, FlagKind::String) => match rest.next() {
                    Some(v) => set(&mut parsed, spec, v)?,
                    None => return Err(format!("flag needs an argument: --{name}")),
                },
            }
        } else if word.len() > 1 && word.starts_with('-') {
            let shorts = &word[1..];
            for (i, c) in shorts.char_indices() {
                let Some(spec) = specs.iter().find(|s| s.shorthand == Some(c)) else {
                    return Err(format!("unknown shorthand flag: '{c}' in -{shorts}"));
                };
                let after = &shorts[i + c.len_utf8()..];
                match spec.kind {
                    FlagKind::Bool => match after.strip_prefix('=') {
                        Some(v) => {
                            set(&mut parsed, spec, v)?;
                            break;
                        }
                        None => set(&mut parsed, spec, "true")?,
                    },
                    FlagKind::String => {
                        if !after.is_empty() {
                            set(&mut parsed, spec, after.strip_prefix('=').unwrap_or(after))?;
                        } else {
                            match rest.next() {
                                Some(v) => set(&mut parsed, spec, v)?,
                                None => {
                                    return Err(format!(
                                        "flag needs an argument: '{c}' in -{shorts}"
                                    ));
                                }
                            }
                        }
                        break;
                    }
                }
            }
        } else {
            parsed.args.push(word.clone());
        }
    }
    Ok(parsed)
}
