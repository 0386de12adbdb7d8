//! Splits a command line into words the way a POSIX shell does for simple commands:
//! single quotes, double quotes with backslash escapes, and backslash outside quotes.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexError {
    UnterminatedQuote(char),
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LexError::UnterminatedQuote(q) => {
                write!(f, "unexpected end of line: missing closing {q}")
            }
        }
    }
}

impl std::error::Error for LexError {}

pub fn split_words(line: &str) -> Result<Vec<String>, LexError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
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
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(c) => word.push(c),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split_words(line).unwrap()
    }

    #[test]
    fn words_are_split_on_blanks() {
        assert_eq!(words("  kubectl   get\tpods "), ["kubectl", "get", "pods"]);
    }

    #[test]
    fn quotes_keep_spaces_and_are_removed() {
        assert_eq!(
            words(r#"kubectl label pod x 'a b'="c d" e\ f"#),
            ["kubectl", "label", "pod", "x", "a b=c d", "e f"]
        );
    }

    #[test]
    fn double_quotes_honour_backslash_escapes() {
        assert_eq!(words(r#""say \"hi\" \n""#), [r#"say "hi" \n"#]);
    }

    #[test]
    fn an_empty_quoted_word_is_still_a_word() {
        assert_eq!(words("echo ''"), ["echo", ""]);
    }

    #[test]
    fn an_unterminated_quote_is_an_error() {
        assert_eq!(
            split_words("kubectl get 'pods"),
            Err(LexError::UnterminatedQuote('\''))
        );
    }
}
