//! The shell's grammar: words made of literal, quoted and expanded parts (`$VAR`, `${VAR:-x}`,
//! `$(…)`, backquotes), redirections, heredocs, and lists of pipelines joined by `;`, `&&`,
//! `||` and `|`, as bash reads them.

use crate::LexError;

/// One part of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// Unquoted text.
    Lit(String),
    /// Text from quotes or escapes: never split, never a glob, never an operator.
    Quoted(String),
    /// `$NAME`, `${NAME}`, `${NAME:-default}`; `quoted` inside double quotes.
    Var {
        name: String,
        default: Option<String>,
        quoted: bool,
    },
    /// `$(…)` or `` `…` ``.
    Sub { text: String, quoted: bool },
}

/// A word before expansion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word(pub Vec<Seg>);

impl Word {
    /// Whether any part was quoted or escaped (a quoted heredoc delimiter turns off expansion).
    pub fn quoted(&self) -> bool {
        self.0.iter().any(|s| {
            matches!(
                s,
                Seg::Quoted(_) | Seg::Var { quoted: true, .. } | Seg::Sub { quoted: true, .. }
            )
        })
    }

    /// The word's text without quotes and with expansions left as written (a heredoc
    /// delimiter).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Lit(t) | Seg::Quoted(t) => s.push_str(t),
                Seg::Var { name, .. } => {
                    s.push('$');
                    s.push_str(name);
                }
                Seg::Sub { text, .. } => {
                    s.push_str("$(");
                    s.push_str(text);
                    s.push(')');
                }
            }
        }
        s
    }

    /// `NAME=value`: the name and the value's parts, when the word is an assignment.
    pub fn assignment(&self) -> Option<(String, Word)> {
        let Some(Seg::Lit(first)) = self.0.first() else {
            return None;
        };
        let (name, rest) = first.split_once('=')?;
        if !is_name(name) {
            return None;
        }
        let mut value = Vec::new();
        if !rest.is_empty() {
            value.push(Seg::Lit(rest.to_string()));
        }
        value.extend(self.0[1..].iter().cloned());
        Some((name.to_string(), Word(value)))
    }
}

pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Word(Word),
    /// `>` (false) or `>>` (true), for fd 1 or 2.
    Out {
        fd: u8,
        append: bool,
    },
    /// `&>` / `&>>`: both streams.
    OutBoth {
        append: bool,
    },
    /// `2>&1`
    ErrToOut,
    /// `<`
    In,
    /// `<<` (false) or `<<-` (true)
    Heredoc(bool),
    Pipe,
    And,
    Or,
    Semi,
    Amp,
}

/// Splits one logical line into tokens. An unterminated quote or `$(` is an error, so the
/// caller can read the next line into it.
pub fn tokenize(line: &str) -> Result<Vec<Tok>, LexError> {
    let chars: Vec<char> = line.chars().collect();
    let mut toks = Vec::new();
    let mut word = Word::default();
    let mut in_word = false;
    let mut i = 0;
    fn push_lit(word: &mut Word, c: char, quoted: bool) {
        match word.0.last_mut() {
            Some(Seg::Lit(s)) if !quoted => s.push(c),
            Some(Seg::Quoted(s)) if quoted => s.push(c),
            _ => word.0.push(if quoted {
                Seg::Quoted(c.to_string())
            } else {
                Seg::Lit(c.to_string())
            }),
        }
    }
    fn flush(toks: &mut Vec<Tok>, word: &mut Word, in_word: &mut bool) {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    }
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            ' ' | '\t' | '\n' | '\r' => flush(&mut toks, &mut word, &mut in_word),
            '#' if !in_word => {
                // A comment runs to the end of its line.
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '|' | ';' | '&' => {
                if c == '&' && chars.get(i) == Some(&'>') {
                    flush(&mut toks, &mut word, &mut in_word);
                    i += 1;
                    let append = chars.get(i) == Some(&'>');
                    if append {
                        i += 1;
                    }
                    toks.push(Tok::OutBoth { append });
                    continue;
                }
                flush(&mut toks, &mut word, &mut in_word);
                let doubled = chars.get(i) == Some(&c) && c != ';';
                if doubled {
                    i += 1;
                }
                toks.push(match (c, doubled) {
                    ('|', false) => Tok::Pipe,
                    ('|', true) => Tok::Or,
                    ('&', true) => Tok::And,
                    ('&', false) => Tok::Amp,
                    _ => Tok::Semi,
                });
            }
            '>' => {
                let fd = match &word.0[..] {
                    [Seg::Lit(w)] if in_word && (w == "1" || w == "2") => {
                        let fd = if w == "2" { 2 } else { 1 };
                        word = Word::default();
                        in_word = false;
                        fd
                    }
                    _ => {
                        flush(&mut toks, &mut word, &mut in_word);
                        1
                    }
                };
                if chars.get(i) == Some(&'>') {
                    i += 1;
                    toks.push(Tok::Out { fd, append: true });
                } else if chars.get(i) == Some(&'&') {
                    i += 1;
                    let target = chars.get(i).copied();
                    i += 1;
                    match (fd, target) {
                        (2, Some('1')) => toks.push(Tok::ErrToOut),
                        // `>&2`: what the playground prints on stdout or stderr ends up on the
                        // same screen.
                        (1, Some('2')) => {}
                        _ => {
                            let t: String = target.into_iter().collect();
                            toks.push(Tok::Word(Word(vec![Seg::Quoted(format!("{fd}>&{t}"))])));
                        }
                    }
                } else {
                    toks.push(Tok::Out { fd, append: false });
                }
            }
            '<' => {
                flush(&mut toks, &mut word, &mut in_word);
                if chars.get(i) == Some(&'<') {
                    i += 1;
                    if chars.get(i) == Some(&'-') {
                        i += 1;
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
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            s.push(c);
                            i += 1;
                        }
                        None => return Err(LexError::UnterminatedQuote('\'')),
                    }
                }
                word.0.push(Seg::Quoted(s));
            }
            '"' => {
                in_word = true;
                // An empty pair still makes a (quoted, empty) word.
                word.0.push(Seg::Quoted(String::new()));
                loop {
                    match chars.get(i) {
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            i += 1;
                            match chars.get(i) {
                                Some(&c @ ('"' | '\\' | '$' | '`')) => push_lit(&mut word, c, true),
                                Some('\n') => {}
                                Some(&c) => {
                                    push_lit(&mut word, '\\', true);
                                    push_lit(&mut word, c, true);
                                }
                                None => return Err(LexError::UnterminatedQuote('"')),
                            }
                            i += 1;
                        }
                        Some('$') => {
                            i += 1;
                            dollar(&chars, &mut i, &mut word, true)?;
                        }
                        Some('`') => {
                            i += 1;
                            let text = backquoted(&chars, &mut i)?;
                            word.0.push(Seg::Sub { text, quoted: true });
                        }
                        Some(&c) => {
                            push_lit(&mut word, c, true);
                            i += 1;
                        }
                        None => return Err(LexError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => match chars.get(i) {
                Some('\n') => i += 1,
                None => {}
                Some(&c) => {
                    in_word = true;
                    push_lit(&mut word, c, true);
                    i += 1;
                }
            },
            '$' => {
                in_word = true;
                dollar(&chars, &mut i, &mut word, false)?;
            }
            '`' => {
                in_word = true;
                let text = backquoted(&chars, &mut i)?;
                word.0.push(Seg::Sub {
                    text,
                    quoted: false,
                });
            }
            c => {
                in_word = true;
                push_lit(&mut word, c, false);
            }
        }
    }
    flush(&mut toks, &mut word, &mut in_word);
    Ok(toks)
}

/// What follows a `$` (already consumed) at `chars[*i]`.
fn dollar(chars: &[char], i: &mut usize, word: &mut Word, quoted: bool) -> Result<(), LexError> {
    match chars.get(*i) {
        Some('(') => {
            *i += 1;
            let start = *i;
            let mut depth = 1;
            let mut quote: Option<char> = None;
            while *i < chars.len() {
                let c = chars[*i];
                *i += 1;
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some('"'), '\\') => *i += 1,
                    (Some(_), _) => {}
                    (None, '\'' | '"') => quote = Some(c),
                    (None, '\\') => *i += 1,
                    (None, '(') => depth += 1,
                    (None, ')') => {
                        depth -= 1;
                        if depth == 0 {
                            let text: String = chars[start..*i - 1].iter().collect();
                            word.0.push(Seg::Sub { text, quoted });
                            return Ok(());
                        }
                    }
                    _ => {}
                }
            }
            Err(LexError::UnterminatedQuote(')'))
        }
        Some('{') => {
            *i += 1;
            let start = *i;
            while *i < chars.len() && chars[*i] != '}' {
                *i += 1;
            }
            if *i >= chars.len() {
                return Err(LexError::UnterminatedQuote('}'));
            }
            let inner: String = chars[start..*i].iter().collect();
            *i += 1;
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n.to_string(), Some(d.to_string())),
                None => match inner.split_once('-') {
                    Some((n, d)) if is_name(n) => (n.to_string(), Some(d.to_string())),
                    _ => (inner, None),
                },
            };
            word.0.push(Seg::Var {
                name,
                default,
                quoted,
            });
            Ok(())
        }
        Some(&c)
            if c == '?' || c == '$' || c == '#' || c == '@' || c == '*' || c.is_ascii_digit() =>
        {
            *i += 1;
            word.0.push(Seg::Var {
                name: c.to_string(),
                default: None,
                quoted,
            });
            Ok(())
        }
        Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
            let start = *i;
            while chars
                .get(*i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                *i += 1;
            }
            word.0.push(Seg::Var {
                name: chars[start..*i].iter().collect(),
                default: None,
                quoted,
            });
            Ok(())
        }
        _ => {
            // A lone `$` is itself.
            match word.0.last_mut() {
                Some(Seg::Lit(s)) if !quoted => s.push('$'),
                Some(Seg::Quoted(s)) if quoted => s.push('$'),
                _ => word.0.push(if quoted {
                    Seg::Quoted("$".into())
                } else {
                    Seg::Lit("$".into())
                }),
            }
            Ok(())
        }
    }
}

/// A heredoc body as one double-quoted word: `$VAR`, `${…}`, `$(…)` and backquotes expand,
/// `\$`, `\`` and `\\` are escapes, everything else is literal.
pub fn body_word(body: &str) -> Result<Word, LexError> {
    let chars: Vec<char> = body.chars().collect();
    let mut word = Word::default();
    let mut lit = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\\' if matches!(chars.get(i), Some('$' | '`' | '\\')) => {
                lit.push(chars[i]);
                i += 1;
            }
            '$' => {
                word.0.push(Seg::Quoted(std::mem::take(&mut lit)));
                dollar(&chars, &mut i, &mut word, true)?;
            }
            '`' => {
                word.0.push(Seg::Quoted(std::mem::take(&mut lit)));
                let text = backquoted(&chars, &mut i)?;
                word.0.push(Seg::Sub { text, quoted: true });
            }
            c => lit.push(c),
        }
    }
    word.0.push(Seg::Quoted(lit));
    Ok(word)
}

fn backquoted(chars: &[char], i: &mut usize) -> Result<String, LexError> {
    let mut s = String::new();
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        match c {
            '`' => return Ok(s),
            '\\' if matches!(chars.get(*i), Some('`' | '\\' | '$')) => {
                s.push(chars[*i]);
                *i += 1;
            }
            c => s.push(c),
        }
    }
    Err(LexError::UnterminatedQuote('`'))
}

/// Where standard error goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrTarget {
    Stdout,
    File(Word, bool),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stdin {
    /// The body of the n-th heredoc of the line.
    Heredoc(usize),
    File(Word),
}

/// One simple command with its redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<Word>,
    pub stdin: Option<Stdin>,
    pub stdout: Option<(Word, bool)>,
    pub stderr: Option<ErrTarget>,
}

/// How a pipeline joins the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Joint {
    /// First, or after `;`, `&` or a newline.
    Always,
    /// After `&&`.
    IfOk,
    /// After `||`.
    IfFailed,
}

/// A heredoc on the line, waiting for its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub strip_tabs: bool,
    /// Whether `$` expansions apply to the body (the delimiter was not quoted).
    pub expand: bool,
}

/// A parsed line: pipelines with their joints, and the heredocs to read after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    pub items: Vec<(Joint, Vec<Command>)>,
    pub heredocs: Vec<Heredoc>,
}

/// Why a line does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The line ends inside a list or pipeline (`kubectl get pods |`): read on.
    Incomplete,
    /// bash's message, without the `bash: ` prefix.
    Syntax(String),
}

fn token_text(t: &Tok) -> &'static str {
    match t {
        Tok::Pipe => "|",
        Tok::Or => "||",
        Tok::And => "&&",
        Tok::Semi => ";",
        Tok::Amp => "&",
        _ => "newline",
    }
}

pub fn parse(toks: Vec<Tok>) -> Result<List, ParseError> {
    let mut list = List::default();
    let mut pipeline: Vec<Command> = Vec::new();
    let mut cmd = Command::default();
    let mut joint = Joint::Always;
    let mut cmd_started = false;
    let mut it = toks.into_iter().peekable();
    let unexpected = |t: &Tok| {
        ParseError::Syntax(format!(
            "syntax error near unexpected token `{}'",
            token_text(t)
        ))
    };
    while let Some(t) = it.next() {
        match t {
            Tok::Pipe | Tok::Or | Tok::And | Tok::Semi | Tok::Amp => {
                if !cmd_started {
                    return Err(unexpected(&t));
                }
                pipeline.push(std::mem::take(&mut cmd));
                cmd_started = false;
                if t != Tok::Pipe {
                    list.items.push((joint, std::mem::take(&mut pipeline)));
                    joint = match t {
                        Tok::And => Joint::IfOk,
                        Tok::Or => Joint::IfFailed,
                        _ => Joint::Always,
                    };
                    if matches!(t, Tok::Semi | Tok::Amp) && it.peek().is_none() {
                        return Ok(list);
                    }
                }
                if it.peek().is_none() {
                    return Err(ParseError::Incomplete);
                }
            }
            Tok::Word(w) => {
                cmd.words.push(w);
                cmd_started = true;
            }
            Tok::ErrToOut => {
                cmd.stderr = Some(ErrTarget::Stdout);
                cmd_started = true;
            }
            redirection => {
                let target = match it.next() {
                    Some(Tok::Word(w)) => w,
                    Some(other) => return Err(unexpected(&other)),
                    None => {
                        return Err(ParseError::Syntax(
                            "syntax error near unexpected token `newline'".into(),
                        ));
                    }
                };
                cmd_started = true;
                match redirection {
                    Tok::Out { fd: 2, append } => {
                        cmd.stderr = Some(ErrTarget::File(target, append))
                    }
                    Tok::Out { append, .. } => cmd.stdout = Some((target, append)),
                    Tok::OutBoth { append } => {
                        cmd.stdout = Some((target, append));
                        cmd.stderr = Some(ErrTarget::Stdout);
                    }
                    Tok::In => cmd.stdin = Some(Stdin::File(target)),
                    Tok::Heredoc(strip_tabs) => {
                        list.heredocs.push(Heredoc {
                            delimiter: target.text(),
                            strip_tabs,
                            expand: !target.quoted(),
                        });
                        cmd.stdin = Some(Stdin::Heredoc(list.heredocs.len() - 1));
                    }
                    _ => {}
                }
            }
        }
    }
    if cmd_started {
        pipeline.push(cmd);
        list.items.push((joint, pipeline));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Tok {
        Tok::Word(Word(vec![Seg::Lit(s.into())]))
    }

    #[test]
    fn redirections_and_heredocs_are_operators() {
        assert_eq!(
            tokenize("kubectl get x >web.yaml 2>&1").unwrap(),
            [
                lit("kubectl"),
                lit("get"),
                lit("x"),
                Tok::Out {
                    fd: 1,
                    append: false
                },
                lit("web.yaml"),
                Tok::ErrToOut,
            ]
        );
        assert_eq!(
            tokenize("cat <<-'EOF' >> f # note").unwrap(),
            [
                lit("cat"),
                Tok::Heredoc(true),
                Tok::Word(Word(vec![Seg::Quoted("EOF".into())])),
                Tok::Out {
                    fd: 1,
                    append: true
                },
                lit("f"),
            ]
        );
        assert_eq!(
            tokenize("echo '>' a#b").unwrap(),
            [
                lit("echo"),
                Tok::Word(Word(vec![Seg::Quoted(">".into())])),
                lit("a#b")
            ]
        );
    }

    #[test]
    fn lists_and_pipelines_parse_as_bash_reads_them() {
        let list = parse(tokenize("a | b && c; d || e").unwrap()).unwrap();
        let shape: Vec<(Joint, usize)> = list.items.iter().map(|(j, p)| (*j, p.len())).collect();
        assert_eq!(
            shape,
            [
                (Joint::Always, 2),
                (Joint::IfOk, 1),
                (Joint::Always, 1),
                (Joint::IfFailed, 1)
            ]
        );
        assert_eq!(
            parse(tokenize("| x").unwrap()),
            Err(ParseError::Syntax(
                "syntax error near unexpected token `|'".into()
            ))
        );
        assert_eq!(
            parse(tokenize("kubectl get pods |").unwrap()),
            Err(ParseError::Incomplete)
        );
    }

    #[test]
    fn expansions_are_kept_for_later() {
        assert_eq!(
            tokenize("echo \"$A-${B:-x}\" $(k get po)").unwrap()[1..],
            [
                Tok::Word(Word(vec![
                    Seg::Quoted(String::new()),
                    Seg::Var {
                        name: "A".into(),
                        default: None,
                        quoted: true
                    },
                    Seg::Quoted("-".into()),
                    Seg::Var {
                        name: "B".into(),
                        default: Some("x".into()),
                        quoted: true
                    },
                ])),
                Tok::Word(Word(vec![Seg::Sub {
                    text: "k get po".into(),
                    quoted: false
                }])),
            ]
        );
    }
}
