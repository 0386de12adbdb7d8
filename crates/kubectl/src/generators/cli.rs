//! pflag-compatible parsing for the generator commands, with the flag types they need
//! (string arrays and slices, integers, optional values) and cobra's `ArgsLenAtDash`.

use crate::Output;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    String,
    /// `StringArray`: every occurrence adds one value.
    StringArray,
    /// `StringSlice`: every occurrence adds its comma-separated values.
    StringSlice,
    /// `Int32Var` (`strconv.ParseInt(s, 0, 32)`).
    Int32,
    /// `IntVar` (`strconv.ParseInt(s, 0, 64)`).
    Int,
}

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub name: &'static str,
    pub short: Option<char>,
    pub kind: Kind,
    /// pflag's `NoOptDefVal`: the value when the flag is given without `=value`.
    pub no_opt: Option<&'static str>,
}

pub const fn flag(name: &'static str, kind: Kind) -> Flag {
    Flag {
        name,
        short: None,
        kind,
        no_opt: None,
    }
}

pub const fn short(name: &'static str, short: char, kind: Kind) -> Flag {
    Flag {
        name,
        short: Some(short),
        kind,
        no_opt: None,
    }
}

pub const fn optional(name: &'static str, no_opt: &'static str) -> Flag {
    Flag {
        name,
        short: None,
        kind: Kind::String,
        no_opt: Some(no_opt),
    }
}

/// kubectl's global flags, accepted by every command (most have no effect in the playground).
pub const GLOBAL: &[Flag] = &[
    flag("as", Kind::String),
    flag("as-group", Kind::StringArray),
    flag("as-uid", Kind::String),
    flag("cache-dir", Kind::String),
    flag("certificate-authority", Kind::String),
    flag("client-certificate", Kind::String),
    flag("client-key", Kind::String),
    flag("cluster", Kind::String),
    flag("context", Kind::String),
    flag("disable-compression", Kind::Bool),
    flag("insecure-skip-tls-verify", Kind::Bool),
    flag("kubeconfig", Kind::String),
    flag("kuberc", Kind::String),
    flag("log-flush-frequency", Kind::String),
    flag("match-server-version", Kind::Bool),
    short("namespace", 'n', Kind::String),
    flag("password", Kind::String),
    flag("profile", Kind::String),
    flag("profile-output", Kind::String),
    flag("request-timeout", Kind::String),
    short("server", 's', Kind::String),
    flag("tls-server-name", Kind::String),
    flag("token", Kind::String),
    flag("user", Kind::String),
    flag("username", Kind::String),
    short("v", 'v', Kind::String),
    flag("vmodule", Kind::String),
    flag("warnings-as-errors", Kind::Bool),
    short("help", 'h', Kind::Bool),
];

/// Flags found on a command line, and the positional arguments.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    values: BTreeMap<&'static str, Vec<String>>,
    pub args: Vec<String>,
    /// cobra's `ArgsLenAtDash`: how many positional arguments came before `--`.
    pub dash: Option<usize>,
}

impl Parsed {
    pub fn changed(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The last value given (string, bool or integer flags).
    pub fn string(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn string_or_empty(&self, name: &str) -> &str {
        self.string(name).unwrap_or("")
    }

    pub fn bool(&self, name: &str) -> bool {
        self.string(name) == Some("true")
    }

    /// An integer flag's value (already validated while parsing).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.string(name).and_then(parse_go_int)
    }

    /// Every value of a string array or slice flag, in order.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.values.get(name).cloned().unwrap_or_default()
    }

    /// Positional arguments before `--` (cobra's args when `ArgsLenAtDash` matters).
    pub fn args_before_dash(&self) -> usize {
        self.dash.unwrap_or(self.args.len())
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

/// Go's `strconv.ParseInt(s, 0, 64)` result, without the error.
fn parse_go_int(s: &str) -> Option<i64> {
    parse_int(s, 64).ok()
}

/// Go's `strconv.ParseInt(s, 0, bits)`; the error is strconv's message.
pub fn parse_int(s: &str, bits: u32) -> Result<i64, String> {
    let syntax = || format!("strconv.ParseInt: parsing \"{s}\": invalid syntax");
    let range = || format!("strconv.ParseInt: parsing \"{s}\": value out of range");
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, rest)
    } else if let Some(rest) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, rest)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(syntax());
    }
    let magnitude = u128::from_str_radix(&digits, radix).map_err(|_| range())?;
    let limit = 1u128 << (bits - 1);
    if (!negative && magnitude >= limit) || (negative && magnitude > limit) {
        return Err(range());
    }
    let value = magnitude as i128;
    Ok((if negative { -value } else { value }) as i64)
}

fn flag_label(spec: &Flag) -> String {
    match spec.short {
        Some(s) => format!("-{s}, --{}", spec.name),
        None => format!("--{}", spec.name),
    }
}

fn set(parsed: &mut Parsed, spec: &Flag, value: &str) -> Result<(), String> {
    let invalid = |err: String| {
        format!(
            "invalid argument \"{value}\" for \"{}\" flag: {err}",
            flag_label(spec)
        )
    };
    let entry = parsed.values.entry(spec.name).or_default();
    match spec.kind {
        Kind::Bool => match parse_bool(value) {
            Some(b) => *entry = vec![b.to_string()],
            None => {
                return Err(invalid(format!(
                    "strconv.ParseBool: parsing \"{value}\": invalid syntax"
                )));
            }
        },
        Kind::Int32 | Kind::Int => {
            let bits = if spec.kind == Kind::Int32 { 32 } else { 64 };
            let n = parse_int(value, bits).map_err(invalid)?;
            *entry = vec![n.to_string()];
        }
        Kind::String => *entry = vec![value.to_string()],
        Kind::StringArray => entry.push(value.to_string()),
        Kind::StringSlice => {
            if !value.is_empty() {
                entry.extend(value.split(',').map(str::to_string));
            }
        }
    }
    Ok(())
}

thread_local! {
    /// While [`capture_flags`] runs a command: the flags of the first parse, which then stops.
    static CAPTURE: std::cell::RefCell<Option<Option<Vec<Flag>>>> =
        const { std::cell::RefCell::new(None) };
}

/// The flags `run` parses first: the command stops at that parse (an error), so nothing it
/// would do after runs. Tab completion learns each command's flags this way, from the same
/// definitions the commands parse with.
pub(crate) fn capture_flags(run: impl FnOnce()) -> Option<Vec<Flag>> {
    CAPTURE.with(|c| *c.borrow_mut() = Some(None));
    run();
    CAPTURE.with(|c| c.borrow_mut().take().flatten())
}

/// Records `specs` when a capture is on; whether the parse must stop.
pub(crate) fn captured(specs: &[Flag]) -> bool {
    CAPTURE.with(|c| match c.borrow_mut().as_mut() {
        Some(slot) => {
            slot.get_or_insert_with(|| specs.to_vec());
            true
        }
        None => false,
    })
}

/// Parses `words` against `specs` (plus the global flags); the error is pflag's message.
pub fn parse(specs: &[Flag], words: &[String]) -> Result<Parsed, String> {
    if captured(specs) {
        return Err("flags captured".to_string());
    }
    let find_long = |name: &str| specs.iter().chain(GLOBAL).find(|s| s.name == name);
    let find_short = |c: char| specs.iter().chain(GLOBAL).find(|s| s.short == Some(c));
    let mut parsed = Parsed::default();
    let mut rest = words.iter();
    while let Some(word) = rest.next() {
        if word == "--" {
            parsed.dash = Some(parsed.args.len());
            parsed.args.extend(rest.cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            if long.is_empty() || long.starts_with('-') || long.starts_with('=') {
                return Err(format!("bad flag syntax: {word}"));
            }
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let Some(spec) = find_long(name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            match (inline, spec.kind, spec.no_opt) {
                (Some(v), _, _) => set(&mut parsed, spec, v)?,
                (None, Kind::Bool, _) => set(&mut parsed, spec, "true")?,
                (None, _, Some(default)) => set(&mut parsed, spec, default)?,
                (None, _, None) => match rest.next() {
                    Some(v) => set(&mut parsed, spec, v)?,
                    None => return Err(format!("flag needs an argument: --{name}")),
                },
            }
        } else if word.len() > 1 && word.starts_with('-') {
            let shorts = &word[1..];
            for (i, c) in shorts.char_indices() {
                let Some(spec) = find_short(c) else {
                    return Err(format!("unknown shorthand flag: '{c}' in -{shorts}"));
                };
                let after = &shorts[i + c.len_utf8()..];
                if let Some(v) = after.strip_prefix('=') {
                    set(&mut parsed, spec, v)?;
                    break;
                }
                if spec.kind == Kind::Bool {
                    set(&mut parsed, spec, "true")?;
                    continue;
                }
                if let Some(default) = spec.no_opt {
                    set(&mut parsed, spec, default)?;
                    continue;
                }
                if !after.is_empty() {
                    set(&mut parsed, spec, after)?;
                } else {
                    match rest.next() {
                        Some(v) => set(&mut parsed, spec, v)?,
                        None => {
                            return Err(format!("flag needs an argument: '{c}' in -{shorts}"));
                        }
                    }
                }
                break;
            }
        } else {
            parsed.args.push(word.clone());
        }
    }
    Ok(parsed)
}

/// A command as cobra names it in its messages (`kubectl create deployment`).
#[derive(Clone, Copy, Debug)]
pub struct Cmd {
    pub path: &'static str,
}

impl Cmd {
    /// A flag error: pflag's message and cobra's hint.
    pub fn flag_error(&self, message: &str) -> Output {
        Output::error(format!("{message}\nSee '{} --help' for usage.", self.path))
    }

    /// `cmdutil.UsageErrorf`.
    pub fn usage_error(&self, message: &str) -> Output {
        Output::error(format!(
            "{message}\nSee '{} -h' for help and examples",
            self.path
        ))
    }

    /// Parses the command line, answering `-h` and missing required flags as cobra does.
    pub fn parse(
        &self,
        specs: &[Flag],
        required: &[&str],
        words: &[String],
    ) -> Result<Parsed, Output> {
        let parsed = parse(specs, words).map_err(|m| self.flag_error(&m))?;
        if parsed.bool("help") {
            return Err(Output::ok(format!(
                "Usage:\n  {} NAME [flags] [options]\n\nRun 'kubectl help' for the commands this playground supports.\n",
                self.path
            )));
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|name| !parsed.changed(name))
            .map(|name| format!("\"{name}\""))
            .collect();
        if !missing.is_empty() {
            return Err(Output::error(format!(
                "required flag(s) {} not set",
                missing.join(", ")
            )));
        }
        Ok(parsed)
    }

    /// `NameFromCommandArgs`: exactly one NAME before any `--`.
    pub fn name(&self, parsed: &Parsed) -> Result<String, Output> {
        let n = parsed.args_before_dash();
        if n != 1 {
            return Err(self.usage_error(&format!("exactly one NAME is required, got {n}")));
        }
        Ok(parsed.args[0].clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_like_pflag() {
        let specs = [
            flag("image", Kind::StringSlice),
            short("replicas", 'r', Kind::Int32),
            optional("dry-run", "unchanged"),
            short("output", 'o', Kind::String),
        ];
        let p = parse(
            &specs,
            &words("web --image=a,b --image c -r 3 --dry-run -oyaml -- sleep 1"),
        )
        .unwrap();
        assert_eq!(p.list("image"), ["a", "b", "c"]);
        assert_eq!(p.int("replicas"), Some(3));
        assert_eq!(p.string("dry-run"), Some("unchanged"));
        assert_eq!(p.string("output"), Some("yaml"));
        assert_eq!(p.args, ["web", "sleep", "1"]);
        assert_eq!(p.dash, Some(1));
        assert_eq!(
            parse(&specs, &words("-r x")).unwrap_err(),
            "invalid argument \"x\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            parse(&specs, &words("-r 99999999999")).unwrap_err(),
            "invalid argument \"99999999999\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"99999999999\": value out of range"
        );
    }

    #[test]
    fn go_integers() {
        assert_eq!(parse_int("0x10", 32), Ok(16));
        assert_eq!(parse_int("-2147483648", 32), Ok(-2147483648));
        assert!(parse_int("2147483648", 32).is_err());
        assert!(parse_int("", 32).is_err());
    }
}
