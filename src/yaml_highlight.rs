//! YAML highlighting for the editor: a small line scanner, not a parser. It only colours text;
//! whether the YAML is valid is serde_yaml's call (see `editor_state::yaml_problems`).

/// What a piece of a line is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// Indentation, spaces, flow collections: no colour.
    Plain,
    /// A mapping key (`name` in `name: web`).
    Key,
    /// `:`, `-`, `|`, `>` and the like.
    Punct,
    /// A quoted or plain string value.
    Str,
    Num,
    /// `true`, `false`, `null`, `~`.
    Lit,
    Comment,
    /// `&anchor`, `*alias`, `!tag`.
    Anchor,
    /// `---` and `...`.
    Doc,
    /// The lines of a block scalar (`|`, `>`).
    Block,
}

impl Tok {
    /// The CSS class of the token's `<span>` (none for plain text).
    pub fn class(self) -> Option<&'static str> {
        Some(match self {
            Tok::Plain => return None,
            Tok::Key => "y-key",
            Tok::Punct => "y-punct",
            Tok::Str => "y-str",
            Tok::Num => "y-num",
            Tok::Lit => "y-lit",
            Tok::Comment => "y-comment",
            Tok::Anchor => "y-anchor",
            Tok::Doc => "y-doc",
            Tok::Block => "y-str",
        })
    }
}

/// One line's tokens, in order; together they are exactly the line.
pub type Line<'a> = Vec<(Tok, &'a str)>;

/// Splits `text` into lines (on `\n`; a trailing newline gives a last empty line) and tokens.
pub fn highlight(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    // The column a block scalar's lines must be indented beyond, while inside one.
    let mut block: Option<usize> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(col) = block
            && (line.trim().is_empty() || indent > col)
        {
            out.push(vec![(Tok::Block, line)]);
            continue;
        }
        let mut toks = Vec::new();
        block = scan_line(line, &mut toks);
        out.push(toks);
    }
    out
}

fn push<'a>(toks: &mut Line<'a>, tok: Tok, s: &'a str) {
    if !s.is_empty() {
        toks.push((tok, s));
    }
}

/// Tokens of one line outside block scalars; returns the column a block scalar started on it
/// must be indented beyond, if one starts.
fn scan_line<'a>(line: &'a str, toks: &mut Line<'a>) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    push(toks, Tok::Plain, &line[..indent]);
    let mut rest = &line[indent..];
    let mut col = indent;
    if indent == 0
        && (rest.starts_with("---") || rest.starts_with("..."))
        && rest[3..].chars().next().is_none_or(char::is_whitespace)
    {
        push(toks, Tok::Doc, &rest[..3]);
        rest = &rest[3..];
        col += 3;
    }
    // Sequence entries: `- `, possibly nested (`- - a`).
    loop {
        if rest == "-" {
            push(toks, Tok::Punct, rest);
            return None;
        }
        if let Some(after) = rest.strip_prefix("- ") {
            push(toks, Tok::Punct, "-");
            let spaces = after.len() - after.trim_start_matches(' ').len();
            push(toks, Tok::Plain, &rest[1..2 + spaces]);
            col += 2 + spaces;
            rest = &after[spaces..];
        } else {
            break;
        }
    }
    let key_col = col;
    if let Some(key_len) = key_length(rest) {
        push(toks, Tok::Key, &rest[..key_len]);
        push(toks, Tok::Punct, ":");
        rest = &rest[key_len + 1..];
    }
    scan_value(rest, toks).then_some(key_col)
}

/// The length of the key if `rest` starts with `key:` (followed by a space or the end).
fn key_length(rest: &str) -> Option<usize> {
    if rest.starts_with(['#', '[', '{', '|', '>', '&', '*', '!', '%', '@', '`']) {
        return None;
    }
    let end = if rest.starts_with(['"', '\'']) {
        quoted_length(rest)?
    } else {
        let mut end = None;
        let bytes = rest.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'#' && i > 0 && bytes[i - 1] == b' ' {
                return None;
            }
            if b == b':' && bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\t') {
                end = Some(i);
                break;
            }
        }
        return end.filter(|&e| e > 0);
    };
    (rest[end..].starts_with(':')
        && rest[end + 1..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace))
    .then_some(end)
}

/// The length of the quoted string `s` starts with, closing quote included; None if unclosed.
fn quoted_length(s: &str) -> Option<usize> {
    let quote = s.chars().next()?;
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && s[i + 1..].starts_with('\'') {
                chars.next();
                continue;
            }
            return Some(i + 1);
        }
    }
    None
}

/// Tokens of a value (after `key:` or `- `); true when it starts a block scalar.
fn scan_value<'a>(mut rest: &'a str, toks: &mut Line<'a>) -> bool {
    let mut block = false;
    while !rest.is_empty() {
        let spaces = rest.len() - rest.trim_start().len();
        if spaces > 0 {
            push(toks, Tok::Plain, &rest[..spaces]);
            rest = &rest[spaces..];
            continue;
        }
        if rest.starts_with('#') {
            push(toks, Tok::Comment, rest);
            break;
        }
        if rest.starts_with(['"', '\'']) {
            let len = quoted_length(rest).unwrap_or(rest.len());
            push(toks, Tok::Str, &rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if rest.starts_with(['&', '*', '!']) {
            let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            push(toks, Tok::Anchor, &rest[..len]);
            rest = &rest[len..];
            continue;
        }
        let end = comment_start(rest).unwrap_or(rest.len());
        let scalar = rest[..end].trim_end();
        let tok = if rest.starts_with(['|', '>'])
            && scalar[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+' | '1'..='9'))
        {
            block = true;
            Tok::Punct
        } else if rest.starts_with(['[', '{']) {
            Tok::Plain
        } else {
            classify(scalar)
        };
        push(toks, tok, scalar);
        rest = &rest[scalar.len()..];
    }
    block
}

/// Where a ` #` comment starts in a plain value.
fn comment_start(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (1..bytes.len()).find(|&i| bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t'))
}

fn classify(scalar: &str) -> Tok {
    match scalar {
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~" => {
            Tok::Lit
        }
        s if is_number(s) => Tok::Num,
        _ => Tok::Str,
    }
}

fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(Tok, &str)> {
        highlight(line).remove(0)
    }

    #[test]
    fn every_line_is_rebuilt_exactly_from_its_tokens() {
        let text = "apiVersion: v1\nkind: Pod # a comment\n---\nmetadata:\n  name: \"web\"\n  labels: {app: web}\nspec:\n  - - x\n  -\n\n'odd: key': 'it''s'\n  x: \"unclosed\n";
        let lines = highlight(text);
        assert_eq!(lines.len(), text.split('\n').count());
        for (line, toks) in text.split('\n').zip(&lines) {
            let rebuilt: String = toks.iter().map(|(_, s)| *s).collect();
            assert_eq!(rebuilt, line);
        }
    }

    #[test]
    fn keys_values_and_comments_get_their_own_colours() {
        assert_eq!(
            kinds("  replicas: 3 # three"),
            [
                (Tok::Plain, "  "),
                (Tok::Key, "replicas"),
                (Tok::Punct, ":"),
                (Tok::Plain, " "),
                (Tok::Num, "3"),
                (Tok::Plain, " "),
                (Tok::Comment, "# three"),
            ]
        );
        assert_eq!(
            kinds("- name: web"),
            [
                (Tok::Punct, "-"),
                (Tok::Plain, " "),
                (Tok::Key, "name"),
                (Tok::Punct, ":"),
                (Tok::Plain, " "),
                (Tok::Str, "web"),
            ]
        );
        assert_eq!(kinds("ok: true")[3], (Tok::Lit, "true"));
        assert_eq!(kinds("image: nginx:1.29")[3], (Tok::Str, "nginx:1.29"));
        assert_eq!(kinds("url: a#b")[3], (Tok::Str, "a#b"));
        assert_eq!(kinds("---")[0], (Tok::Doc, "---"));
        assert_eq!(
            kinds("# only a comment")[0],
            (Tok::Comment, "# only a comment")
        );
    }

    #[test]
    fn a_block_scalar_colours_its_indented_lines_as_text() {
        let lines = highlight(
            "data:\n  script: |\n    echo key: value\n\n    # not a comment\n  next: 1\n",
        );
        assert_eq!(lines[1][4], (Tok::Punct, "|"));
        assert_eq!(lines[2], [(Tok::Block, "    echo key: value")]);
        assert_eq!(lines[4], [(Tok::Block, "    # not a comment")]);
        assert_eq!(lines[5][1], (Tok::Key, "next"));
    }
}
