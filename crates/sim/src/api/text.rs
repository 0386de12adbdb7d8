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
use std::ptr::NonNull;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Two words: the text's address and its length, shifted left by one with the low bit set when
/// the text lives in an `Arc<str>` (whose strong count this `Str` holds) rather than in static
/// memory. Half the size of an enum of `&'static str` and `Arc<str>` (which needs a third word
/// for its tag), and `Option<Str>` is no larger (the address is never null). Most fields of the
/// objects a cluster writes are `Str`s, so the word saved is saved many times per pod.
pub struct Str {
    ptr: NonNull<u8>,
    tagged_len: usize,
}

const SHARED: usize = 1;

// SAFETY: a `Str` is either a `&'static str` or an `Arc<str>`, both `Send` and `Sync`; it never
// hands out mutable access to its text.
unsafe impl Send for Str {}
// SAFETY: as above.
unsafe impl Sync for Str {}

impl Str {
    /// Static text: no allocation, ever.
    pub const fn from_static(s: &'static str) -> Str {
        Str {
            // SAFETY: a reference's address is never null.
            ptr: unsafe { NonNull::new_unchecked(s.as_ptr().cast_mut()) },
            // A `str` is at most `isize::MAX` bytes long: the shift loses nothing.
            tagged_len: s.len() << 1,
        }
    }

    fn from_arc(s: Arc<str>) -> Str {
        let len = s.len();
        let raw = Arc::into_raw(s);
        Str {
            // SAFETY: `Arc::into_raw` never returns null.
            ptr: unsafe { NonNull::new_unchecked(raw.cast::<u8>().cast_mut()) },
            tagged_len: (len << 1) | SHARED,
        }
    }

    fn is_shared(&self) -> bool {
        self.tagged_len & SHARED != 0
    }

    /// The text as the `*const str` it was made from (for `Arc`'s raw-pointer functions).
    fn raw(&self) -> *const str {
        std::ptr::slice_from_raw_parts(self.ptr.as_ptr().cast_const(), self.tagged_len >> 1)
            as *const str
    }

    /// A copy of `s` (one allocation, shared by every clone after it).
    pub fn new(s: &str) -> Str {
        if s.is_empty() {
            Str::default()
        } else {
            Str::from_arc(s.into())
        }
    }

    /// Formatted text in one allocation (`format!` and a conversion would take two): written
    /// into a reused buffer, then copied once into the shared string.
    pub fn format(args: fmt::Arguments<'_>) -> Str {
        use std::cell::RefCell;
        use std::fmt::Write;
        thread_local! {
            static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
        }
        BUFFER.with(|buffer| match buffer.try_borrow_mut() {
            Ok(mut b) => {
                b.clear();
                let _ = b.write_fmt(args);
                Str::new(&b)
            }
            // An argument that formats a `Str` itself: a buffer of its own.
            Err(_) => Str::from(fmt::format(args)),
        })
    }

    /// Empties the text (`String::clear`).
    pub fn clear(&mut self) {
        *self = Str::default();
    }

    pub fn is_empty(&self) -> bool {
        self.tagged_len >> 1 == 0
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `ptr` and the length come from a `&'static str` or from an `Arc<str>` this
        // `Str` keeps alive, so they describe valid UTF-8 for as long as `self` lives.
        unsafe { &*self.raw() }
    }
}

impl Clone for Str {
    fn clone(&self) -> Str {
        if self.is_shared() {
            // SAFETY: `raw()` is the pointer `Arc::into_raw` returned, and `self` holds a strong
            // count, so the allocation is alive; the new `Str` owns the count added here.
            unsafe { Arc::increment_strong_count(self.raw()) };
        }
        Str {
            ptr: self.ptr,
            tagged_len: self.tagged_len,
        }
    }
}

impl Drop for Str {
    fn drop(&mut self) {
        if self.is_shared() {
            // SAFETY: `raw()` is the pointer `Arc::into_raw` returned, and this `Str` owns one
            // strong count, given back exactly once here.
            drop(unsafe { Arc::from_raw(self.raw()) });
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
            Str::from_arc(s.into())
        }
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::new(s)
    }
}

impl From<&Str> for Str {
    fn from(s: &Str) -> Str {
        s.clone()
    }
}

impl From<Arc<str>> for Str {
    fn from(s: Arc<str>) -> Str {
        Str::from_arc(s)
    }
}

impl From<&Arc<str>> for Str {
    fn from(s: &Arc<str>) -> Str {
        Str::from_arc(Arc::clone(s))
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
        assert_eq!(Str::format(format_args!("{s}-{}", 7)), "Ready-7");
        assert!(Str::from(String::new()).is_empty());
        let (a, b) = (Str::new("a"), Str::from("b"));
        assert!(a < b);
    }

    #[test]
    fn a_str_is_two_words_and_an_optional_one_too() {
        assert_eq!(std::mem::size_of::<Str>(), 2 * std::mem::size_of::<usize>());
        assert_eq!(
            std::mem::size_of::<Option<Str>>(),
            std::mem::size_of::<Str>()
        );
    }

    #[test]
    fn the_last_copy_frees_the_text_and_static_text_is_never_counted() {
        let arc: std::sync::Arc<str> = "kube-system".into();
        let s = Str::from(&arc);
        let copies: Vec<Str> = (0..3).map(|_| s.clone()).collect();
        assert_eq!(std::sync::Arc::strong_count(&arc), 5);
        drop(copies);
        drop(s);
        assert_eq!(std::sync::Arc::strong_count(&arc), 1);
        let st = Str::from_static("Normal");
        let st2 = st.clone();
        assert!(std::ptr::eq(st.as_str(), st2.as_str()));
        assert_eq!(Str::new("").as_str(), "");
        let mut cleared = Str::new("x");
        cleared.clear();
        assert!(cleared.is_empty());
    }

    #[test]
    fn copies_share_the_text() {
        let s = Str::from(String::from("2026-11-28T10:00:00Z"));
        let copy = s.clone();
        assert!(std::ptr::eq(s.as_str(), copy.as_str()));
    }
}
