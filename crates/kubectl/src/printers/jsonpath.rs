//! kubectl's JSONPath templates (`-o jsonpath=…`, `-o custom-columns=…`, `--sort-by`):
//! `{.a.b}`, `[n]`, `[*]`, `[a:b]`, `['key']`, `[?(@.k=="v")]`, `{range …}{end}` and string
//! literals, over the object's JSON. Missing keys print nothing (kubectl's default
//! `--allow-missing-template-keys=true`).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Field(String),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    All,
    Filter {
        path: Vec<Segment>,
        op: String,
        value: Value,
    },
    Recursive(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Segment>),
    Range(Vec<Segment>, Vec<Node>),
}

/// Parses a template; errors are kubectl's parser messages (without `error: `).
fn parse(template: &str) -> Result<Vec<Node>, String> {
    let mut stack: Vec<(Vec<Segment>, Vec<Node>)> = vec![(Vec::new(), Vec::new())];
    let mut rest = template;
    while !rest.is_empty() {
        let Some(open) = rest.find('{') else {
            stack
                .last_mut()
                .unwrap()
                .1
                .push(Node::Text(rest.to_string()));
            break;
        };
        if open > 0 {
            stack
                .last_mut()
                .unwrap()
                .1
                .push(Node::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = find_close(after).ok_or_else(|| "unclosed action".to_string())?;
        let action = after[..close].trim();
        rest = &after[close + 1..];
        if let Some(expr) = action.strip_prefix("range ") {
            stack.push((parse_path(expr.trim())?, Vec::new()));
        } else if action == "end" {
            if stack.len() < 2 {
                return Err("not in range, nothing to end".into());
            }
            let (path, body) = stack.pop().unwrap();
            stack.last_mut().unwrap().1.push(Node::Range(path, body));
        } else if let Some(lit) = action.strip_prefix('"') {
            let lit = lit.strip_suffix('"').ok_or("unterminated quoted string")?;
            stack.last_mut().unwrap().1.push(Node::Text(unescape(lit)));
        } else {
            stack
                .last_mut()
                .unwrap()
                .1
                .push(Node::Path(parse_path(action)?));
        }
    }
    if stack.len() > 1 {
        return Err("unclosed range".into());
    }
    Ok(stack.pop().unwrap().1)
}

/// The `}` closing an action, skipping quoted text.
fn find_close(s: &str) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (None, '"') | (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_path(expr: &str) -> Result<Vec<Segment>, String> {
    let mut segs = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    if i < chars.len() && (chars[i] == '@' || chars[i] == '$') {
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' if i + 1 < chars.len() && chars[i + 1] == '.' => {
                i += 2;
                let (name, next) = read_name(&chars, i);
                segs.push(Segment::Recursive(name));
                i = next;
            }
            '.' => {
                i += 1;
                if i < chars.len() && chars[i] == '*' {
                    segs.push(Segment::All);
                    i += 1;
                    continue;
                }
                let (name, next) = read_name(&chars, i);
                if !name.is_empty() {
                    segs.push(Segment::Field(name));
                }
                i = next;
            }
            '[' => {
                let end = find_bracket_end(&chars, i).ok_or("unterminated array")?;
                let inner: String = chars[i + 1..end].iter().collect();
                segs.push(parse_bracket(inner.trim())?);
                i = end + 1;
            }
            ' ' => i += 1,
            _ => {
                let (name, next) = read_name(&chars, i);
                if name.is_empty() {
                    return Err(format!("unrecognized character in action: {}", chars[i]));
                }
                segs.push(Segment::Field(name));
                i = next;
            }
        }
    }
    Ok(segs)
}

/// A field name up to the next unescaped `.` or `[` (`\.` keeps a dot in the name).
fn read_name(chars: &[char], mut i: usize) -> (String, usize) {
    let mut name = String::new();
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                name.push(chars[i + 1]);
                i += 2;
            }
            '.' | '[' | ' ' => break,
            c => {
                name.push(c);
                i += 1;
            }
        }
    }
    (name, i)
}

fn find_bracket_end(chars: &[char], start: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate().skip(start) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Segment, String> {
    if inner == "*" {
        return Ok(Segment::All);
    }
    if let Some(filter) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if let Some((lhs, rhs)) = filter.split_once(op) {
                let rhs = rhs.trim();
                let value = if let Some(s) = rhs
                    .strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .or_else(|| rhs.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
                {
                    Value::String(s.to_string())
                } else {
                    serde_json::from_str(rhs).unwrap_or(Value::String(rhs.to_string()))
                };
                return Ok(Segment::Filter {
                    path: parse_path(lhs.trim())?,
                    op: op.to_string(),
                    value,
                });
            }
        }
        // `[?(@.key)]`: elements that have the field.
        return Ok(Segment::Filter {
            path: parse_path(filter.trim())?,
            op: "exists".into(),
            value: Value::Null,
        });
    }
    if let Some(key) = inner
        .strip_prefix('\'')
        .and_then(|k| k.strip_suffix('\''))
        .or_else(|| inner.strip_prefix('"').and_then(|k| k.strip_suffix('"')))
    {
        return Ok(Segment::Field(key.to_string()));
    }
    if let Some((a, b)) = inner.split_once(':') {
        let num = |s: &str| -> Result<Option<i64>, String> {
            let s = s.split(':').next().unwrap_or("").trim();
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse()
                    .map(Some)
                    .map_err(|_| format!("invalid array index {s}"))
            }
        };
        return Ok(Segment::Slice(num(a)?, num(b)?));
    }
    inner
        .parse::<i64>()
        .map(Segment::Index)
        .map_err(|_| format!("invalid array index {inner}"))
}

fn apply(values: Vec<Value>, seg: &Segment) -> Vec<Value> {
    let mut out = Vec::new();
    for v in values {
        match seg {
            Segment::Field(name) => {
                if let Some(x) = v.get(name) {
                    out.push(x.clone());
                }
            }
            Segment::Index(i) => {
                if let Value::Array(a) = &v {
                    let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                    if idx >= 0
                        && let Some(x) = a.get(idx as usize)
                    {
                        out.push(x.clone());
                    }
                }
            }
            Segment::Slice(a, b) => {
                if let Value::Array(items) = &v {
                    let len = items.len() as i64;
                    let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                    let start = a.map_or(0, norm);
                    let end = b.map_or(len, norm);
                    if start < end {
                        out.extend(items[start as usize..end as usize].iter().cloned());
                    }
                }
            }
            Segment::All => match &v {
                Value::Array(a) => out.extend(a.iter().cloned()),
                Value::Object(m) => out.extend(m.values().cloned()),
                _ => {}
            },
            Segment::Filter { path, op, value } => {
                if let Value::Array(a) = &v {
                    for item in a {
                        let got = path.iter().fold(vec![item.clone()], apply);
                        let keep = match op.as_str() {
                            "exists" => !got.is_empty(),
                            "==" => got.first() == Some(value),
                            "!=" => got.first().is_some_and(|g| g != value),
                            _ => {
                                let (Some(x), Some(y)) =
                                    (got.first().and_then(Value::as_f64), value.as_f64())
                                else {
                                    continue;
                                };
                                match op.as_str() {
                                    "<" => x < y,
                                    ">" => x > y,
                                    "<=" => x <= y,
                                    _ => x >= y,
                                }
                            }
                        };
                        if keep {
                            out.push(item.clone());
                        }
                    }
                }
            }
            Segment::Recursive(name) => collect_recursive(&v, name, &mut out),
        }
    }
    out
}

fn collect_recursive(v: &Value, name: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x.clone());
            }
            for child in m.values() {
                collect_recursive(child, name, out);
            }
        }
        Value::Array(a) => {
            for child in a {
                collect_recursive(child, name, out);
            }
        }
        _ => {}
    }
}

/// The values a path selects from `root`.
pub fn find(root: &Value, path: &str) -> Result<Vec<Value>, String> {
    let segs = parse_path(path)?;
    Ok(segs.iter().fold(vec![root.clone()], apply))
}

/// A scalar as text, maps and lists as compact JSON (`JSONPath.PrintResults`).
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => {
            let mut s = String::new();
            compact_json(&mut s, other);
            s
        }
    }
}

fn compact_json(out: &mut String, v: &Value) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                compact_json(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::generators::write_go_string(out, k);
                out.push(':');
                compact_json(out, x);
            }
            out.push('}');
        }
        Value::String(s) => crate::generators::write_go_string(out, s),
        other => out.push_str(&other.to_string()),
    }
}

/// `JSONPath.FindResults`: one result set per action, text included, ranges unrolled per item.
fn find_results(nodes: &[Node], current: &Value, out: &mut Vec<Vec<Value>>) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push(vec![Value::String(t.clone())]),
            Node::Path(segs) => out.push(segs.iter().fold(vec![current.clone()], apply)),
            Node::Range(segs, body) => {
                let mut results = segs.iter().fold(vec![current.clone()], apply);
                if results.len() == 1
                    && let Value::Array(items) = &results[0]
                {
                    results = items.clone();
                }
                for item in &results {
                    find_results(body, item, out);
                }
            }
        }
    }
}

fn results_of(template: &str, root: &Value) -> Result<Vec<Vec<Value>>, String> {
    let nodes = parse(template)?;
    let mut sets = Vec::new();
    find_results(&nodes, root, &mut sets);
    Ok(sets)
}

/// `-o jsonpath=TEMPLATE` over one object or a List: each result as text, a set's results
/// separated by spaces (`JSONPath.PrintResults`).
pub fn render(template: &str, root: &Value) -> Result<String, String> {
    let mut out = String::new();
    for set in results_of(template, root)? {
        let texts: Vec<String> = set.iter().map(text_of).collect();
        out.push_str(&texts.join(" "));
    }
    Ok(out)
}

/// `-o jsonpath-as-json=TEMPLATE`: every result set as an indented JSON array on its own lines.
pub fn render_as_json(template: &str, root: &Value) -> Result<String, String> {
    let mut out = String::new();
    for set in results_of(template, root)? {
        out.push_str(&crate::printers::json::to_string(&Value::Array(set)));
    }
    Ok(out)
}

/// Go's `%v` of a decoded JSON value (custom-columns cells).
pub fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, x)| format!("{k}:{}", go_value(x)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// cli-runtime's `RelaxedJSONPathExpression`: `.a.b`, `a.b` or `{.a.b}` as a path.
pub fn relaxed(expr: &str) -> String {
    let e = expr.trim();
    let e = e
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(e);
    if e.starts_with('.') || e.starts_with('$') || e.starts_with('@') {
        e.to_string()
    } else {
        format!(".{e}")
    }
}

/// The template of a `-o jsonpath=…` or `-o jsonpath-as-json=…` value, and whether its results
/// print as JSON.
pub fn template_of(output: &str) -> Option<(&str, bool)> {
    match output.strip_prefix("jsonpath=") {
        Some(t) => Some((t, false)),
        None => output.strip_prefix("jsonpath-as-json=").map(|t| (t, true)),
    }
}

/// `value` through a template, as text or as JSON; errors in kubectl's words (without `error: `).
pub fn print_template(template: &str, as_json: bool, value: &Value) -> Result<String, String> {
    let printed = if as_json {
        render_as_json(template, value)
    } else {
        render(template, value)
    };
    printed.map_err(|e| format!("error parsing jsonpath {template}, {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_ranges_filters_and_literals() {
        let list = json!({"items": [
            {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"}},
             "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "b"}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
        ]});
        assert_eq!(render("{.items[*].metadata.name}", &list).unwrap(), "a b");
        assert_eq!(
            render("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &list).unwrap(),
            "a\nb\n"
        );
        assert_eq!(
            render(
                "{.items[?(@.metadata.name==\"b\")].status.conditions[?(@.type=='Ready')].status}",
                &list
            )
            .unwrap(),
            "False"
        );
        assert_eq!(
            render(
                "{.items[0].metadata.labels.app\\.kubernetes\\.io/name}",
                &list
            )
            .unwrap(),
            "x"
        );
        assert_eq!(render("{.items[-1].metadata.name}", &list).unwrap(), "b");
        assert_eq!(
            render("{.items[0].metadata.labels}", &list).unwrap(),
            "{\"app.kubernetes.io/name\":\"x\"}"
        );
        assert_eq!(render("name: {.missing}", &list).unwrap(), "name: ");
    }
}
