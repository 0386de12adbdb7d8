//! [`Str`]: an immutable string field that is cheap to copy.
//!
//! Most strings in the objects a cluster writes are either constants (`True`, `Ready`,
//! `Normal`, `kubelet`) or copies of a string another object already holds (a timestamp shared
//! by every condition a write touches, a node name). As `String`s each copy was an allocation
//! and a few dozen bytes per object version; as a [`Str`] a constant is a pointer to static text
//! and a copy is a reference count. It reads as a `&str` (`Deref`), compares with `&str` and
//! `String`, and serializes as the text itself.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Str {
    /// Static text: no allocation, ever.
    pub const fn from_static(s: &'static str) -> Str {
        Str(Repr::Static(s))
    }

    /// A copy of `s` (one allocation, shared by every clone after it).
    pub fn new(s: &str) -> Str {
        if s.is_empty() {
            Str::default()
        } else {
            Str(Repr::Shared(s.into()))
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }
}

impl Default for Str {
    fn default() -> Self {
        Str::from_static("")
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl From<&'static str> for Str {
    fn from(s: &'static str) -> Str {
        Str::from_static(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        if s.is_empty() {
            Str::default()
        } else {
            Str(Repr::Shared(s.into()))
        }
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::new(s)
    }
}

impl From<Arc<str>> for Str {
    fn from(s: Arc<str>) -> Str {
        Str(Repr::Shared(s))
    }
}

impl From<&Arc<str>> for Str {
    fn from(s: &Arc<str>) -> Str {
        Str(Repr::Shared(Arc::clone(s)))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.as_str().to_string()
    }
}

impl From<&Str> for String {
    fn from(s: &Str) -> String {
        s.as_str().to_string()
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        String::deserialize(d).map(Str::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Str;

    #[test]
    fn a_str_reads_compares_and_serializes_as_its_text() {
        let s = Str::from("Ready");
        let t = Str::new("Ready");
        assert_eq!(s, t);
        assert_eq!(s, "Ready");
        assert_eq!("Ready", s);
        assert_eq!(s, String::from("Ready"));
        assert!(s.starts_with("Rea"));
        assert_eq!(format!("{s} {s:?}"), "Ready \"Ready\"");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"Ready\"");
        let back: Str = serde_json::from_str("\"Ready\"").unwrap();
        assert_eq!(back, s);
        assert!(Str::default().is_empty());
        assert!(Str::from(String::new()).is_empty());
        let (a, b) = (Str::new("a"), Str::from("b"));
        assert!(a < b);
    }

    #[test]
    fn copies_share_the_text() {
        let s = Str::from(String::from("2026-11-28T10:00:00Z"));
        let copy = s.clone();
        assert!(std::ptr::eq(s.as_str(), copy.as_str()));
    }
}
