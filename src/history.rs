//! The prompt's command history, navigated with ↑ and ↓ as in a shell, and kept across reloads.

use serde::{Deserialize, Serialize};

/// At most this many commands are kept.
pub const LIMIT: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    entries: Vec<String>,
}

impl History {
    pub fn from_entries(mut entries: Vec<String>) -> Self {
        entries.retain(|e| !e.trim().is_empty());
        let excess = entries.len().saturating_sub(LIMIT);
        entries.drain(..excess);
        History { entries }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Remembers a command, unless it is blank or repeats the previous one (as bash's
    /// `ignoredups` does).
    pub fn push(&mut self, line: &str) {
        if line.trim().is_empty() || self.entries.last().is_some_and(|l| l == line) {
            return;
        }
        if self.entries.len() == LIMIT {
            self.entries.remove(0);
        }
        self.entries.push(line.to_string());
    }
}

/// Where ↑/↓ have taken the prompt: browsing from `index`, with the line being typed before
/// browsing started kept in `draft`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    browsing: Option<(usize, String)>,
}

impl Cursor {
    /// ↑: the previous command, or `None` when there is nothing older.
    pub fn up(&mut self, history: &History, current: &str) -> Option<String> {
        let index = match &self.browsing {
            None => history.entries.len().checked_sub(1)?,
            Some((0, _)) => return None,
            Some((i, _)) => i - 1,
        };
        let draft = match self.browsing.take() {
            Some((_, draft)) => draft,
            None => current.to_string(),
        };
        self.browsing = Some((index, draft));
        history.entries.get(index).cloned()
    }

    /// ↓: the next command, or the draft after the newest one; `None` when not browsing.
    pub fn down(&mut self, history: &History) -> Option<String> {
        let (index, draft) = self.browsing.take()?;
        if index + 1 < history.entries.len() {
            let line = history.entries[index + 1].clone();
            self.browsing = Some((index + 1, draft));
            Some(line)
        } else {
            Some(draft)
        }
    }

    /// Stops browsing (after Enter or an edit).
    pub fn reset(&mut self) {
        self.browsing = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(lines: &[&str]) -> History {
        History::from_entries(lines.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn up_walks_back_and_stops_at_the_oldest_command() {
        let h = history(&["a", "b"]);
        let mut c = Cursor::default();
        assert_eq!(c.up(&h, "").as_deref(), Some("b"));
        assert_eq!(c.up(&h, "b").as_deref(), Some("a"));
        assert_eq!(c.up(&h, "a"), None);
    }

    #[test]
    fn down_walks_forward_and_gives_back_what_was_being_typed() {
        let h = history(&["a", "b"]);
        let mut c = Cursor::default();
        c.up(&h, "kubectl ge");
        c.up(&h, "b");
        assert_eq!(c.down(&h).as_deref(), Some("b"));
        assert_eq!(c.down(&h).as_deref(), Some("kubectl ge"));
        assert_eq!(c.down(&h), None);
    }

    #[test]
    fn an_empty_history_has_nothing_above() {
        assert_eq!(Cursor::default().up(&History::default(), "x"), None);
    }

    #[test]
    fn blank_lines_and_immediate_repeats_are_not_remembered() {
        let mut h = History::default();
        h.push("kubectl version");
        h.push("kubectl version");
        h.push("   ");
        h.push("kubectl get pods");
        assert_eq!(h.entries(), ["kubectl version", "kubectl get pods"]);
    }

    #[test]
    fn only_the_newest_commands_are_kept() {
        let mut h = History::from_entries((0..LIMIT + 3).map(|i| i.to_string()).collect());
        assert_eq!(h.entries().len(), LIMIT);
        assert_eq!(h.entries()[0], "3");
        h.push("new");
        assert_eq!(h.entries().len(), LIMIT);
        assert_eq!(h.entries().last().map(String::as_str), Some("new"));
    }
}
