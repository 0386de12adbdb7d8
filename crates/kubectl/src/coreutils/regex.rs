//! The regular expressions of `grep`: POSIX basic (BRE, with GNU's `\+ \? \|`) and extended
//! (ERE, `grep -E`) syntax, bracket expressions with character classes, `\w \W \s \S \b \B \< \>`,
//! compiled to an NFA and run as a Pike VM: time linear in the line for each start, no
//! catastrophic backtracking whatever the pattern, so a learner's pattern cannot hang the tab.
//!
//! Simplification: no back-references (`\1`) and no collating elements (`[.a.]`, `[=a=]`).

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Regex {
    prog: Vec<Inst>,
    classes: Vec<Class>,
    ignore_case: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Assert {
    LineStart,
    LineEnd,
    WordBoundary,
    NotWordBoundary,
    WordStart,
    WordEnd,
}

#[derive(Clone, Copy, Debug)]
enum Inst {
    Char(char),
    Any,
    Class(usize),
    Assert(Assert),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

#[derive(Clone, Debug, Default)]
struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
    named: Vec<fn(char) -> bool>,
}

impl Class {
    fn matches(&self, c: char, ignore_case: bool) -> bool {
        let test = |c: char| {
            self.ranges.iter().any(|&(a, b)| a <= c && c <= b) || self.named.iter().any(|f| f(c))
        };
        let hit = if ignore_case {
            test(c) || c.to_lowercase().any(test) || c.to_uppercase().any(test)
        } else {
            test(c)
        };
        hit != self.negated
    }
}

#[derive(Clone, Debug)]
enum Node {
    Empty,
    Char(char),
    Any,
    Class(usize),
    Assert(Assert),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

/// Largest program accepted (counted repetitions are expanded).
const MAX_PROGRAM: usize = 20_000;

pub fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    extended: bool,
    classes: &'a mut Vec<Class>,
}

impl Regex {
    /// Compiles `pattern`; the error is grep's message (`Unmatched ( or \(`).
    pub fn new(pattern: &str, extended: bool, ignore_case: bool) -> Result<Regex, String> {
        let mut classes = Vec::new();
        let mut p = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            extended,
            classes: &mut classes,
        };
        let node = p.alternation(0)?;
        if p.pos < p.chars.len() {
            return Err("Unmatched ) or \\)".into());
        }
        let mut prog = Vec::new();
        emit(&node, &mut prog, ignore_case)?;
        prog.push(Inst::Match);
        Ok(Regex {
            prog,
            classes,
            ignore_case,
        })
    }

    /// A pattern matching `text` literally (`grep -F`).
    pub fn literal(text: &str, ignore_case: bool) -> Regex {
        let mut prog: Vec<Inst> = text
            .chars()
            .map(|c| Inst::Char(if ignore_case { fold(c) } else { c }))
            .collect();
        prog.push(Inst::Match);
        Regex {
            prog,
            classes: Vec::new(),
            ignore_case,
        }
    }

    /// Every end position of a match that starts at `start`, ascending.
    pub fn ends_from(&self, text: &[char], start: usize) -> Vec<usize> {
        let mut ends = Vec::new();
        let n = self.prog.len();
        let mut current: Vec<usize> = Vec::new();
        let mut on = vec![usize::MAX; n];
        self.add(&mut current, &mut on, 0, text, start, start);
        let mut pos = start;
        loop {
            if current
                .iter()
                .any(|&pc| matches!(self.prog[pc], Inst::Match))
            {
                ends.push(pos);
            }
            if pos >= text.len() || current.is_empty() {
                break;
            }
            let mut next = Vec::new();
            self.step(&current, &mut next, &mut on, text, pos);
            current = next;
            pos += 1;
        }
        ends
    }

    /// Whether the pattern matches anywhere in `text` (one pass: a thread starts at every position).
    pub fn is_match(&self, text: &[char]) -> bool {
        let n = self.prog.len();
        let mut current: Vec<usize> = Vec::new();
        let mut on = vec![usize::MAX; n];
        let mut pos = 0;
        loop {
            self.add(&mut current, &mut on, 0, text, pos, pos);
            if current
                .iter()
                .any(|&pc| matches!(self.prog[pc], Inst::Match))
            {
                return true;
            }
            if pos >= text.len() {
                return false;
            }
            let mut next = Vec::new();
            self.step(&current, &mut next, &mut on, text, pos);
            current = next;
            pos += 1;
        }
    }

    /// Advances every thread in `current` over `text[pos]`.
    fn step(
        &self,
        current: &[usize],
        next: &mut Vec<usize>,
        on: &mut [usize],
        text: &[char],
        pos: usize,
    ) {
        let c = if self.ignore_case {
            fold(text[pos])
        } else {
            text[pos]
        };
        for &pc in current {
            let ok = match self.prog[pc] {
                Inst::Char(x) => x == c,
                Inst::Any => true,
                Inst::Class(i) => self.classes[i].matches(text[pos], self.ignore_case),
                _ => false,
            };
            if ok {
                self.add(next, on, pc + 1, text, pos + 1, pos + 1);
            }
        }
    }

    /// Adds `pc` and what it reaches without consuming input at position `pos`.
    fn add(
        &self,
        list: &mut Vec<usize>,
        on: &mut [usize],
        pc: usize,
        text: &[char],
        pos: usize,
        mark: usize,
    ) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if pc >= self.prog.len() || on[pc] == mark {
                continue;
            }
            on[pc] = mark;
            match self.prog[pc] {
                Inst::Jmp(t) => stack.push(t),
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::Assert(a) => {
                    if holds(a, text, pos) {
                        stack.push(pc + 1);
                    }
                }
                _ => list.push(pc),
            }
        }
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn holds(a: Assert, text: &[char], pos: usize) -> bool {
    let before = pos > 0 && text.get(pos - 1).is_some_and(|&c| is_word(c));
    let after = text.get(pos).is_some_and(|&c| is_word(c));
    match a {
        Assert::LineStart => pos == 0,
        Assert::LineEnd => pos == text.len(),
        Assert::WordBoundary => before != after,
        Assert::NotWordBoundary => before == after,
        Assert::WordStart => !before && after,
        Assert::WordEnd => before && !after,
    }
}

fn emit(node: &Node, prog: &mut Vec<Inst>, ignore_case: bool) -> Result<(), String> {
    if prog.len() > MAX_PROGRAM {
        return Err("regular expression is too big".into());
    }
    match node {
        Node::Empty => {}
        Node::Char(c) => prog.push(Inst::Char(if ignore_case { fold(*c) } else { *c })),
        Node::Any => prog.push(Inst::Any),
        Node::Class(i) => prog.push(Inst::Class(*i)),
        Node::Assert(a) => prog.push(Inst::Assert(*a)),
        Node::Concat(parts) => {
            for p in parts {
                emit(p, prog, ignore_case)?;
            }
        }
        Node::Alt(alts) => {
            // split L1, next; L1: a; jmp end; next: split … ; last alternative.
            let mut jumps = Vec::new();
            for (i, alt) in alts.iter().enumerate() {
                if i + 1 < alts.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    emit(alt, prog, ignore_case)?;
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    prog[split] = Inst::Split(split + 1, next);
                } else {
                    emit(alt, prog, ignore_case)?;
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat(inner, min, max) => {
            for _ in 0..*min {
                emit(inner, prog, ignore_case)?;
            }
            match max {
                None => {
                    // L: split body, end; body; jmp L
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    emit(inner, prog, ignore_case)?;
                    prog.push(Inst::Jmp(split));
                    let end = prog.len();
                    prog[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(prog.len());
                        prog.push(Inst::Split(prog.len() + 1, 0));
                        emit(inner, prog, ignore_case)?;
                        if prog.len() > MAX_PROGRAM {
                            return Err("regular expression is too big".into());
                        }
                    }
                    let end = prog.len();
                    for s in splits {
                        prog[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    Ok(())
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek2(&self) -> Option<char> {
        self.chars.get(self.pos + 1).copied()
    }

    /// Whether the parser stands on the alternation operator.
    fn at_bar(&self) -> bool {
        if self.extended {
            self.peek() == Some('|')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('|')
        }
    }

    fn at_close(&self) -> bool {
        if self.extended {
            self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        }
    }

    fn alternation(&mut self, depth: usize) -> Result<Node, String> {
        let mut alts = vec![self.concat(depth)?];
        while self.at_bar() {
            self.pos += if self.extended { 1 } else { 2 };
            alts.push(self.concat(depth)?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self, depth: usize) -> Result<Node, String> {
        let mut parts: Vec<Node> = Vec::new();
        let start = self.pos;
        while self.pos < self.chars.len() && !self.at_bar() {
            if self.at_close() {
                if depth > 0 {
                    break;
                }
                if self.extended {
                    // A lone `)` in an ERE is an ordinary character.
                    self.pos += 1;
                    parts.push(Node::Char(')'));
                    continue;
                }
                return Err("Unmatched ) or \\)".into());
            }
            let atom_start = self.pos == start;
            let atom = self.atom(depth, atom_start)?;
            let atom = self.quantifiers(atom, &parts)?;
            parts.push(atom);
        }
        Ok(Node::Concat(parts))
    }

    fn quantifiers(&mut self, mut atom: Node, parts: &[Node]) -> Result<Node, String> {
        let _ = parts;
        loop {
            let (min, max, len) = match (self.peek(), self.peek2()) {
                (Some('*'), _) => (0, None, 1),
                (Some('+'), _) if self.extended => (1, None, 1),
                (Some('?'), _) if self.extended => (0, Some(1), 1),
                (Some('\\'), Some('+')) if !self.extended => (1, None, 2),
                (Some('\\'), Some('?')) if !self.extended => (0, Some(1), 2),
                (Some('{'), _) if self.extended => {
                    // An ERE brace that does not start a valid interval is an ordinary character.
                    let save = self.pos;
                    self.pos += 1;
                    match self.interval() {
                        Ok((min, max)) => {
                            atom = Node::Repeat(Box::new(atom), min, max);
                            continue;
                        }
                        Err(_) => {
                            self.pos = save;
                            return Ok(atom);
                        }
                    }
                }
                (Some('\\'), Some('{')) if !self.extended => {
                    self.pos += 2;
                    let (min, max) = self.interval()?;
                    atom = Node::Repeat(Box::new(atom), min, max);
                    continue;
                }
                _ => return Ok(atom),
            };
            self.pos += len;
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    /// `n}`, `n,}`, `n,m}` after the opening brace (`\}` in a BRE).
    fn interval(&mut self) -> Result<(u32, Option<u32>), String> {
        let number = |p: &mut Parser| -> Option<u32> {
            let s = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            if p.pos == s {
                None
            } else {
                p.chars[s..p.pos].iter().collect::<String>().parse().ok()
            }
        };
        let min = number(self);
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            number(self)
        } else {
            min
        };
        let closed = if self.extended {
            self.peek() == Some('}')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('}')
        };
        if !closed {
            return Err("Unmatched \\{".into());
        }
        self.pos += if self.extended { 1 } else { 2 };
        let min = min.unwrap_or(0);
        if max.is_some_and(|m| m < min) || min > 1000 || max.is_some_and(|m| m > 1000) {
            return Err("Invalid content of \\{\\}".into());
        }
        Ok((min, max))
    }

    fn atom(&mut self, depth: usize, first: bool) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' if self.extended || first => Node::Assert(Assert::LineStart),
            '$' if self.extended
                || self.pos == self.chars.len()
                || self.at_close()
                || self.at_bar() =>
            {
                Node::Assert(Assert::LineEnd)
            }
            '*' if first => Node::Char('*'),
            '[' if self.pos == self.chars.len() => {
                return Err("Invalid regular expression".into());
            }
            '[' => self.bracket()?,
            '{' if self.extended => Node::Char('{'),
            '(' if self.extended => self.group(depth)?,
            '\\' => {
                let Some(e) = self.peek() else {
                    return Err("Trailing backslash".into());
                };
                self.pos += 1;
                match e {
                    '(' if !self.extended => self.group(depth)?,
                    'w' | 'W' | 's' | 'S' => {
                        let f: fn(char) -> bool = if e.eq_ignore_ascii_case(&'w') {
                            is_word
                        } else {
                            char::is_whitespace
                        };
                        self.classes.push(Class {
                            negated: e.is_ascii_uppercase(),
                            ranges: Vec::new(),
                            named: vec![f],
                        });
                        Node::Class(self.classes.len() - 1)
                    }
                    'b' => Node::Assert(Assert::WordBoundary),
                    'B' => Node::Assert(Assert::NotWordBoundary),
                    '<' => Node::Assert(Assert::WordStart),
                    '>' => Node::Assert(Assert::WordEnd),
                    other => Node::Char(other),
                }
            }
            other => Node::Char(other),
        })
    }

    fn group(&mut self, depth: usize) -> Result<Node, String> {
        let inner = self.alternation(depth + 1)?;
        if !self.at_close() {
            return Err("Unmatched ( or \\(".into());
        }
        self.pos += if self.extended { 1 } else { 2 };
        Ok(inner)
    }

    /// A bracket expression, after its `[`.
    fn bracket(&mut self) -> Result<Node, String> {
        let invalid = || "Unmatched [, [^, [:, [., or [=".to_string();
        let mut class = Class::default();
        if self.peek() == Some('^') {
            class.negated = true;
            self.pos += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(invalid());
            };
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                let rest: String = self.chars[self.pos + 1..].iter().collect();
                let Some(end) = rest.find(":]") else {
                    return Err(invalid());
                };
                let name = &rest[..end];
                let f: fn(char) -> bool = match name {
                    "alpha" => char::is_alphabetic,
                    "digit" => |c| c.is_ascii_digit(),
                    "alnum" => char::is_alphanumeric,
                    "upper" => char::is_uppercase,
                    "lower" => char::is_lowercase,
                    "space" => char::is_whitespace,
                    "blank" => |c| c == ' ' || c == '\t',
                    "punct" => |c| c.is_ascii_punctuation(),
                    "xdigit" => |c| c.is_ascii_hexdigit(),
                    "cntrl" => char::is_control,
                    "print" => |c| !c.is_control(),
                    "graph" => |c| !c.is_control() && !c.is_whitespace(),
                    _ => return Err("Invalid character class name".into()),
                };
                class.named.push(f);
                self.pos += 1 + name.chars().count() + 2;
                continue;
            }
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let hi = self.peek2().unwrap_or(c);
                self.pos += 2;
                if hi < c {
                    return Err("Invalid range end".into());
                }
                class.ranges.push((c, hi));
            } else {
                class.ranges.push((c, c));
            }
        }
        self.classes.push(class);
        Ok(Node::Class(self.classes.len() - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(pattern: &str, extended: bool, text: &str) -> bool {
        let re = Regex::new(pattern, extended, false).expect("compiles");
        let chars: Vec<char> = text.chars().collect();
        (0..=chars.len()).any(|s| !re.ends_from(&chars, s).is_empty())
    }

    #[test]
    fn basic_and_extended_syntax_differ_as_in_grep() {
        assert!(finds("web-.*", false, "pod/web-7d4b9"));
        assert!(finds("a\\|b", false, "xbx"));
        assert!(!finds("a|b", false, "xbx"));
        assert!(finds("a|b", true, "xbx"));
        assert!(finds("^Running$", true, "Running"));
        assert!(!finds("^Running$", true, " Running"));
        assert!(finds("[[:digit:]]\\{2\\}", false, "age 12m"));
        assert!(finds("(ab)+c", true, "ababc"));
        assert!(finds("\\bweb\\b", false, "a web pod"));
        assert!(!finds("\\bweb\\b", false, "webapp"));
    }

    #[test]
    fn bad_patterns_get_greps_messages() {
        assert_eq!(
            Regex::new("\\(", false, false).unwrap_err(),
            "Unmatched ( or \\("
        );
        assert_eq!(
            Regex::new("(", true, false).unwrap_err(),
            "Unmatched ( or \\("
        );
        assert!(Regex::new("[", false, false).is_err());
    }

    #[test]
    fn nested_stars_do_not_blow_up() {
        let text: Vec<char> = "a".repeat(5000).chars().collect();
        let re = Regex::new("(a*)*b", true, false).expect("compiles");
        assert!(!re.is_match(&text));
    }
}
