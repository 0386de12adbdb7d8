//! coreutils' line filters: `head`, `tail`, `wc`, `sort`, `uniq`, `cut`, `base64`, `tee`.

use super::{Args, Read, count, getopt, lines, read_inputs, usage_error};
use crate::Output;
use crate::files::Files;

fn err(stderr: String, code: i32) -> Output {
    Output {
        stderr,
        exit_code: code,
        ..Output::default()
    }
}

/// `head -5` and `tail -5` (the obsolete form, first argument only) mean `-n 5`.
fn obsolete_count(args: &[String]) -> Vec<String> {
    match args.first() {
        Some(a)
            if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            let mut v = vec!["-n".to_string(), a[1..].to_string()];
            v.extend(args[1..].iter().cloned());
            v
        }
        _ => args.to_vec(),
    }
}

fn parse(prog: &str, args: &[String], spec: &str, long: &[(&str, char)]) -> Result<Args, Output> {
    getopt(args, spec, long).map_err(|e| usage_error(prog, None, e, 1))
}

/// Text up to and including the `n`th newline (or all of it).
fn first_lines(text: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    match text.match_indices('\n').nth(n - 1) {
        Some((i, _)) => &text[..=i],
        None => text,
    }
}

fn line_count(text: &str) -> usize {
    lines(text).len()
}

fn from_line(text: &str, n: usize) -> &str {
    if n == 0 {
        return text;
    }
    match text.match_indices('\n').nth(n - 1) {
        Some((i, _)) => &text[i + 1..],
        None => "",
    }
}

fn bytes_str(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Shared by `head` and `tail`: options, then each input with `==> name <==` headers.
fn head_or_tail(
    prog: &str,
    files: &Files,
    args: &[String],
    stdin: Option<&str>,
    take: impl Fn(&str, i64, bool, bool) -> String,
) -> Output {
    let args = obsolete_count(args);
    let long = [
        ("lines", 'n'),
        ("bytes", 'c'),
        ("quiet", 'q'),
        ("silent", 'q'),
        ("verbose", 'v'),
        ("follow", 'f'),
    ];
    let spec = if prog == "tail" { "n:c:qvfF" } else { "n:c:qv" };
    let parsed = match parse(prog, &args, spec, &long) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let (mut n, mut plus, mut bytes) = (10i64, false, false);
    let mut headers = parsed.operands.len() > 1;
    for (c, v) in parsed.opts {
        match c {
            'n' | 'c' => {
                let v = v.unwrap_or_default();
                let what = if c == 'n' { "lines" } else { "bytes" };
                match count(&v) {
                    Some((k, p)) => {
                        n = k;
                        plus = p;
                        bytes = c == 'c';
                    }
                    None => {
                        return err(
                            format!("{prog}: invalid number of {what}: \u{2018}{v}\u{2019}\n"),
                            1,
                        );
                    }
                }
            }
            'q' => headers = false,
            'v' => headers = true,
            // Simplification: `tail -f` prints what is there and returns: a command must end.
            _ => {}
        }
    }
    let mut out = Output::default();
    let mut first = true;
    for (name, read) in read_inputs(files, &parsed.operands, stdin) {
        let shown = if name == "-" {
            "standard input"
        } else {
            name.as_str()
        };
        let text = match read {
            Read::Text(t) => t,
            Read::Missing => {
                out.stderr.push_str(&format!(
                    "{prog}: cannot open '{name}' for reading: No such file or directory\n"
                ));
                out.exit_code = 1;
                continue;
            }
            Read::Directory => {
                out.stderr
                    .push_str(&format!("{prog}: error reading '{name}': Is a directory\n"));
                out.exit_code = 1;
                continue;
            }
        };
        if headers {
            if !first {
                out.stdout.push('\n');
            }
            out.stdout.push_str(&format!("==> {shown} <==\n"));
        }
        first = false;
        out.stdout.push_str(&take(&text, n, plus, bytes));
    }
    out
}

pub fn head(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    head_or_tail("head", files, args, stdin, |text, n, _, bytes| {
        if bytes {
            let b = text.as_bytes();
            let k = if n >= 0 {
                (n as usize).min(b.len())
            } else {
                b.len().saturating_sub(n.unsigned_abs() as usize)
            };
            return bytes_str(&b[..k]);
        }
        if n >= 0 {
            first_lines(text, n as usize).to_string()
        } else {
            let keep = line_count(text).saturating_sub(n.unsigned_abs() as usize);
            first_lines(text, keep).to_string()
        }
    })
}

pub fn tail(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    head_or_tail("tail", files, args, stdin, |text, n, plus, bytes| {
        let n = n.unsigned_abs() as usize;
        if bytes {
            let b = text.as_bytes();
            let from = if plus {
                n.saturating_sub(1)
            } else {
                b.len().saturating_sub(n)
            };
            return bytes_str(&b[from.min(b.len())..]);
        }
        if plus {
            from_line(text, n.saturating_sub(1)).to_string()
        } else {
            from_line(text, line_count(text).saturating_sub(n)).to_string()
        }
    })
}

pub fn wc(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    let long = [
        ("lines", 'l'),
        ("words", 'w'),
        ("bytes", 'c'),
        ("chars", 'm'),
        ("max-line-length", 'L'),
    ];
    let parsed = match parse("wc", args, "lwcmL", &long) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let mut which: Vec<char> = parsed.opts.iter().map(|(c, _)| *c).collect();
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    let order = ['l', 'w', 'm', 'c', 'L'];
    let shown: Vec<char> = order
        .iter()
        .copied()
        .filter(|c| which.contains(c))
        .collect();
    let inputs = read_inputs(files, &parsed.operands, stdin);
    let counts = |t: &str| -> [usize; 5] {
        [
            t.matches('\n').count(),
            t.split_whitespace().count(),
            t.chars().count(),
            t.len(),
            t.split('\n').map(|l| l.chars().count()).max().unwrap_or(0),
        ]
    };
    let mut rows: Vec<([usize; 5], String)> = Vec::new();
    let mut out = Output::default();
    let mut total = [0usize; 5];
    let mut from_stdin = false;
    let mut file_bytes = 0usize;
    for (name, read) in &inputs {
        let text = match read {
            Read::Text(t) => t.as_str(),
            Read::Missing => {
                out.stderr
                    .push_str(&format!("wc: {name}: No such file or directory\n"));
                out.exit_code = 1;
                continue;
            }
            Read::Directory => {
                out.stderr
                    .push_str(&format!("wc: {name}: Is a directory\n"));
                out.exit_code = 1;
                from_stdin = true;
                rows.push(([0; 5], name.clone()));
                continue;
            }
        };
        if name == "-" {
            from_stdin = true;
        } else {
            file_bytes += text.len();
        }
        let c = counts(text);
        for i in 0..4 {
            total[i] += c[i];
        }
        total[4] = total[4].max(c[4]);
        rows.push((
            c,
            if name == "-" {
                String::new()
            } else {
                name.clone()
            },
        ));
    }
    if inputs.len() > 1 {
        rows.push((total, "total".into()));
    }
    let width = if shown.len() == 1 && inputs.len() == 1 {
        1
    } else {
        let w = file_bytes.to_string().len();
        if from_stdin { w.max(7) } else { w }
    };
    for (c, name) in rows {
        let nums: Vec<String> = shown
            .iter()
            .map(|k| {
                let i = match k {
                    'l' => 0,
                    'w' => 1,
                    'm' => 2,
                    'c' => 3,
                    _ => 4,
                };
                format!("{:>width$}", c[i])
            })
            .collect();
        let mut line = nums.join(" ");
        if !name.is_empty() {
            line.push(' ');
            line.push_str(&name);
        }
        out.stdout.push_str(&line);
        out.stdout.push('\n');
    }
    out
}

/// One `-k` key: fields `start..=end` (1-based), with its own numeric/reverse flags.
#[derive(Clone, Copy)]
struct Key {
    start: usize,
    end: Option<usize>,
    numeric: bool,
    reverse: bool,
}

fn parse_key(spec: &str) -> Option<Key> {
    let (a, b) = match spec.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (spec, None),
    };
    let field = |s: &str| -> Option<(usize, String)> {
        let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
        let rest = &s[digits.len()..];
        let rest = rest.split_once('.').map_or(rest, |(_, r)| {
            r.trim_start_matches(|c: char| c.is_ascii_digit())
        });
        let n: usize = digits.parse().ok()?;
        Some((n, rest.to_string()))
    };
    let (start, flags_a) = field(a)?;
    if start == 0 {
        return None;
    }
    let (end, flags_b) = match b {
        Some(b) => {
            let (e, f) = field(b)?;
            (Some(e), f)
        }
        None => (None, String::new()),
    };
    let flags = format!("{flags_a}{flags_b}");
    if flags.chars().any(|c| !"nrb".contains(c)) {
        return None;
    }
    Some(Key {
        start,
        end,
        numeric: flags.contains('n'),
        reverse: flags.contains('r'),
    })
}

fn numeric_value(s: &str) -> f64 {
    let s = s.trim_start();
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() || c == '.' || (i == 0 && c == '-') {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    s[..end].parse().unwrap_or(0.0)
}

pub fn sort(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    let long = [
        ("reverse", 'r'),
        ("numeric-sort", 'n'),
        ("unique", 'u'),
        ("key", 'k'),
        ("field-separator", 't'),
        ("ignore-case", 'f'),
        ("stable", 's'),
        ("ignore-leading-blanks", 'b'),
    ];
    let parsed = match getopt(args, "rnuk:t:fsb", &long) {
        Ok(p) => p,
        Err(e) => return usage_error("sort", None, e, 2),
    };
    let (mut reverse, mut numeric, mut unique, mut fold, mut stable) =
        (false, false, false, false, false);
    let mut keys = Vec::new();
    let mut sep: Option<char> = None;
    for (c, v) in parsed.opts {
        match c {
            'r' => reverse = true,
            'n' => numeric = true,
            'u' => unique = true,
            'f' => fold = true,
            's' => stable = true,
            'k' => {
                let v = v.unwrap_or_default();
                match parse_key(&v) {
                    Some(k) => keys.push(k),
                    None => {
                        return err(
                            format!(
                                "sort: invalid number at field start: invalid count at start of \u{2018}{v}\u{2019}\n"
                            ),
                            2,
                        );
                    }
                }
            }
            't' => {
                let v = v.unwrap_or_default();
                let mut chars = v.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => sep = Some(c),
                    _ => {
                        return err(
                            format!("sort: multi-character tab \u{2018}{v}\u{2019}\n"),
                            2,
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let mut all = String::new();
    for (name, read) in read_inputs(files, &parsed.operands, stdin) {
        match read {
            Read::Text(t) => {
                all.push_str(&t);
                if !t.is_empty() && !t.ends_with('\n') {
                    all.push('\n');
                }
            }
            Read::Missing => {
                return err(
                    format!("sort: cannot read: {name}: No such file or directory\n"),
                    2,
                );
            }
            Read::Directory => {
                return err(format!("sort: read failed: {name}: Is a directory\n"), 2);
            }
        }
    }
    let field_of = |line: &str, k: &Key| -> String {
        let fields: Vec<&str> = match sep {
            Some(s) => line.split(s).collect(),
            None => line.split_whitespace().collect(),
        };
        let end = k.end.unwrap_or(fields.len()).min(fields.len());
        if k.start > end {
            return String::new();
        }
        fields[k.start - 1..end].join(&sep.map(String::from).unwrap_or_else(|| " ".into()))
    };
    let cmp_key = |a: &str, b: &str, is_numeric: bool| {
        if is_numeric {
            numeric_value(a)
                .partial_cmp(&numeric_value(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            a.to_uppercase().cmp(&b.to_uppercase())
        } else {
            a.cmp(b)
        }
    };
    let compare = |a: &&str, b: &&str| {
        let mut ord = std::cmp::Ordering::Equal;
        if keys.is_empty() {
            ord = cmp_key(a, b, numeric);
            if reverse {
                ord = ord.reverse();
            }
        }
        for k in &keys {
            if ord.is_ne() {
                break;
            }
            let o = cmp_key(&field_of(a, k), &field_of(b, k), numeric || k.numeric);
            ord = if reverse != k.reverse { o.reverse() } else { o };
        }
        ord
    };
    let mut v = lines(&all);
    v.sort_by(|a, b| {
        let ord = compare(a, b);
        if ord.is_ne() || stable || unique {
            ord
        } else if reverse {
            b.cmp(a)
        } else {
            a.cmp(b)
        }
    });
    if unique {
        v.dedup_by(|a, b| compare(&&**a, &&**b).is_eq());
    }
    let mut out = v.join("\n");
    if !v.is_empty() {
        out.push('\n');
    }
    Output::ok(out)
}

pub fn uniq(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    let long = [
        ("count", 'c'),
        ("repeated", 'd'),
        ("unique", 'u'),
        ("ignore-case", 'i'),
    ];
    let parsed = match parse("uniq", args, "cdui", &long) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let has = |c: char| parsed.opts.iter().any(|(o, _)| *o == c);
    let (counting, repeated, unique, fold) = (has('c'), has('d'), has('u'), has('i'));
    let input: Vec<String> = parsed.operands.iter().take(1).cloned().collect();
    let text = match read_inputs(files, &input, stdin).pop() {
        Some((_, Read::Text(t))) => t,
        Some((name, Read::Missing)) => {
            return err(format!("uniq: {name}: No such file or directory\n"), 1);
        }
        Some((name, _)) => return err(format!("uniq: {name}: Is a directory\n"), 1),
        None => String::new(),
    };
    let same = |a: &str, b: &str| {
        if fold {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for line in lines(&text) {
        match groups.last_mut() {
            Some((l, n)) if same(l, line) => *n += 1,
            _ => groups.push((line, 1)),
        }
    }
    let mut out = String::new();
    for (line, n) in groups {
        if (repeated && n < 2) || (unique && n > 1) {
            continue;
        }
        if counting {
            out.push_str(&format!("{n:>7} {line}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    Output::ok(out)
}

/// A cut list (`1,3-5,7-`) as inclusive 1-based ranges.
fn cut_list(spec: &str, what: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut v = Vec::new();
    for part in spec.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (part, None),
        };
        let num = |s: &str| -> Result<Option<usize>, String> {
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<usize>() {
                Ok(0) => Err(format!("{what} are numbered from 1")),
                Ok(n) => Ok(Some(n)),
                Err(_) => Err(format!(
                    "invalid {} value \u{2018}{s}\u{2019}",
                    what.trim_end_matches('s')
                )),
            }
        };
        let lo = num(a)?;
        let range = match b {
            None => {
                let n = lo.ok_or_else(|| {
                    format!(
                        "invalid {} value \u{2018}\u{2019}",
                        what.trim_end_matches('s')
                    )
                })?;
                (n, n)
            }
            Some(b) => {
                let hi = num(b)?;
                if lo.is_none() && hi.is_none() {
                    return Err("invalid range with no endpoint: -".into());
                }
                (lo.unwrap_or(1), hi.unwrap_or(usize::MAX))
            }
        };
        if range.1 < range.0 {
            return Err("invalid decreasing range".into());
        }
        v.push(range);
    }
    Ok(v)
}

pub fn cut(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    let long = [
        ("delimiter", 'd'),
        ("fields", 'f'),
        ("characters", 'c'),
        ("bytes", 'b'),
        ("only-delimited", 's'),
    ];
    let parsed = match parse("cut", args, "d:f:c:b:s", &long) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let usage = |m: &str| {
        err(
            format!("cut: {m}\nTry 'cut --help' for more information.\n"),
            1,
        )
    };
    let mut delim: Option<String> = None;
    let mut list: Option<(char, String)> = None;
    let mut only = false;
    for (c, v) in parsed.opts {
        match c {
            'd' => delim = v,
            'f' | 'c' | 'b' => {
                if list.is_some() {
                    return usage("only one type of list may be specified");
                }
                list = Some((c, v.unwrap_or_default()));
            }
            's' => only = true,
            _ => {}
        }
    }
    let Some((mode, spec)) = list else {
        return usage("you must specify a list of bytes, characters, or fields");
    };
    let what = if mode == 'f' {
        "fields"
    } else {
        "byte/character positions"
    };
    let ranges = match cut_list(&spec, what) {
        Ok(r) => r,
        Err(m) => return usage(&m),
    };
    let delim_char = match &delim {
        Some(d) if d.chars().count() != 1 => {
            return usage("the delimiter must be a single character");
        }
        Some(d) => d.chars().next().unwrap_or('\t'),
        None => '\t',
    };
    if delim.is_some() && mode != 'f' {
        return usage("an input delimiter may be specified only when operating on fields");
    }
    let selected = |i: usize| ranges.iter().any(|&(a, b)| a <= i && i <= b);
    let mut out = Output::default();
    for (name, read) in read_inputs(files, &parsed.operands, stdin) {
        let text = match read {
            Read::Text(t) => t,
            Read::Missing => {
                out.stderr
                    .push_str(&format!("cut: {name}: No such file or directory\n"));
                out.exit_code = 1;
                continue;
            }
            Read::Directory => {
                out.stderr
                    .push_str(&format!("cut: {name}: Is a directory\n"));
                out.exit_code = 1;
                continue;
            }
        };
        for line in lines(&text) {
            let picked = if mode == 'f' {
                if !line.contains(delim_char) {
                    if !only {
                        out.stdout.push_str(line);
                        out.stdout.push('\n');
                    }
                    continue;
                }
                line.split(delim_char)
                    .enumerate()
                    .filter(|(i, _)| selected(i + 1))
                    .map(|(_, f)| f)
                    .collect::<Vec<_>>()
                    .join(&delim_char.to_string())
            } else {
                line.chars()
                    .enumerate()
                    .filter(|(i, _)| selected(i + 1))
                    .map(|(_, c)| c)
                    .collect()
            };
            out.stdout.push_str(&picked);
            out.stdout.push('\n');
        }
    }
    out
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Decodes until the first invalid character; the bytes so far and whether all was valid.
fn base64_decode(text: &str, ignore_garbage: bool) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    let mut padding = false;
    for c in text.bytes() {
        if c == b'\n' || c == b'\r' {
            continue;
        }
        if c == b'=' {
            padding = true;
            continue;
        }
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            if ignore_garbage {
                continue;
            }
            return (out, false);
        };
        if padding {
            return (out, false);
        }
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (out, bits < 6)
}

pub fn base64(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    let long = [("decode", 'd'), ("wrap", 'w'), ("ignore-garbage", 'i')];
    let parsed = match parse("base64", args, "dw:i", &long) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.operands.len() > 1 {
        return err(
            format!(
                "base64: extra operand \u{2018}{}\u{2019}\nTry 'base64 --help' for more information.\n",
                parsed.operands[1]
            ),
            1,
        );
    }
    let mut decode = false;
    let mut ignore = false;
    let mut wrap = 76usize;
    for (c, v) in parsed.opts {
        match c {
            'd' => decode = true,
            'i' => ignore = true,
            'w' => {
                let v = v.unwrap_or_default();
                match v.parse() {
                    Ok(n) => wrap = n,
                    Err(_) => {
                        return err(
                            format!("base64: invalid wrap size: \u{2018}{v}\u{2019}\n"),
                            1,
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let text = match read_inputs(files, &parsed.operands, stdin).pop() {
        Some((_, Read::Text(t))) => t,
        Some((name, Read::Missing)) => {
            return err(format!("base64: {name}: No such file or directory\n"), 1);
        }
        Some((name, _)) => return err(format!("base64: read error: {name}: Is a directory\n"), 1),
        None => String::new(),
    };
    if decode {
        let (bytes, ok) = base64_decode(&text, ignore);
        let mut out = Output::ok(bytes_str(&bytes));
        if !ok {
            out.stderr = "base64: invalid input\n".into();
            out.exit_code = 1;
        }
        return out;
    }
    let encoded = base64_encode(text.as_bytes());
    if encoded.is_empty() {
        return Output::default();
    }
    let mut out = String::new();
    if wrap == 0 {
        out.push_str(&encoded);
        out.push('\n');
    } else {
        for chunk in encoded.as_bytes().chunks(wrap) {
            out.push_str(&String::from_utf8_lossy(chunk));
            out.push('\n');
        }
    }
    Output::ok(out)
}

pub fn tee(files: &mut Files, args: &[String], stdin: Option<&str>) -> Output {
    let parsed = match getopt(args, "a", &[("append", 'a')]) {
        Ok(p) => p,
        Err(e) => return usage_error("tee", None, e, 1),
    };
    let append = !parsed.opts.is_empty();
    let text = stdin.unwrap_or("");
    let mut out = Output::ok(text);
    for path in &parsed.operands {
        if let Err(why) = files.check_writable(path) {
            out.stderr.push_str(&format!("tee: {path}: {why}\n"));
            out.exit_code = 1;
            continue;
        }
        let mut contents = if append {
            files.read(path).unwrap_or("").to_string()
        } else {
            String::new()
        };
        contents.push_str(text);
        files.write(path, contents);
    }
    out
}

/// bash's `printf FORMAT [ARG]…`: `%s`, `%d`, `%i`, `%%` with `-` and a width, backslash
/// escapes; the format is reused while arguments remain.
pub fn printf(args: &[String]) -> Output {
    let Some((format, mut rest)) = args.split_first() else {
        return err(
            "bash: printf: usage: printf [-v var] format [arguments]\n".into(),
            2,
        );
    };
    let chars: Vec<char> = format.chars().collect();
    let mut out = Output::default();
    loop {
        let mut used = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '\\' => {
                    let e = chars.get(i).copied();
                    i += 1;
                    match e {
                        Some('n') => out.stdout.push('\n'),
                        Some('t') => out.stdout.push('\t'),
                        Some('r') => out.stdout.push('\r'),
                        Some('\\') => out.stdout.push('\\'),
                        Some('"') => out.stdout.push('"'),
                        Some(other) => {
                            out.stdout.push('\\');
                            out.stdout.push(other);
                        }
                        None => out.stdout.push('\\'),
                    }
                }
                '%' => {
                    let left = chars.get(i) == Some(&'-');
                    if left {
                        i += 1;
                    }
                    let mut width = 0usize;
                    while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                        width = width
                            .saturating_mul(10)
                            .saturating_add(d as usize)
                            .min(1000);
                        i += 1;
                    }
                    let conv = chars.get(i).copied();
                    i += 1;
                    let arg = match conv {
                        Some('%') => {
                            out.stdout.push('%');
                            continue;
                        }
                        Some('s' | 'd' | 'i') => {
                            used = true;
                            let a = rest.first().cloned();
                            rest = rest.get(1..).unwrap_or(&[]);
                            a
                        }
                        _ => {
                            out.stdout.push('%');
                            continue;
                        }
                    };
                    let text = match conv {
                        Some('s') => arg.unwrap_or_default(),
                        _ => {
                            let a = arg.unwrap_or_default();
                            match a.trim().parse::<i64>() {
                                Ok(n) => n.to_string(),
                                Err(_) if a.is_empty() => "0".into(),
                                Err(_) => {
                                    out.stderr
                                        .push_str(&format!("bash: printf: {a}: invalid number\n"));
                                    out.exit_code = 1;
                                    "0".into()
                                }
                            }
                        }
                    };
                    if left {
                        out.stdout.push_str(&format!("{text:<width$}"));
                    } else {
                        out.stdout.push_str(&format!("{text:>width$}"));
                    }
                }
                c => out.stdout.push(c),
            }
        }
        if !used || rest.is_empty() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(
            base64_decode("aGVsbG8=\n", false),
            (b"hello".to_vec(), true)
        );
        assert_eq!(base64_decode("aGVsbG8\n", false).0, b"hello".to_vec());
        assert!(!base64_decode("!!", false).1);
    }

    #[test]
    fn cut_lists_follow_coreutils() {
        assert_eq!(
            cut_list("1,3-", "fields"),
            Ok(vec![(1, 1), (3, usize::MAX)])
        );
        assert_eq!(
            cut_list("0", "fields"),
            Err("fields are numbered from 1".into())
        );
    }
}
