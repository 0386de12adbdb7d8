//! [`Shared`]: a field value shared between the versions of an object until one of them changes
//! it (copy on write).
//!
//! A pod's spec hardly changes after it is bound, but every status write, informer read and
//! watch event used to copy it whole: about 25 strings and a dozen vectors per copy, and the
//! largest part of the pod. Behind [`Shared`] those copies are a reference count; a write
//! through `DerefMut` copies the value first if another version still holds it. Serialized, it
//! is the value itself.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::meta::OwnerReference;

#[derive(Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }

    /// Whether both hold the very same value (then they are equal without a comparison).
    pub fn same(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Shared::same(self, other) || *self.0 == *other.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Shared::new)
    }
}

/// A label (or annotation) map shared between the versions of an object and between the pods
/// of one template until one of them changes it (copy on write). An empty map allocates
/// nothing, so the many objects without labels (events) pay one word for it.
#[derive(Clone, Default)]
pub struct Labels(Option<Arc<BTreeMap<String, String>>>);

/// For `skip_serializing_if`.
pub fn is_empty(labels: &Labels) -> bool {
    labels.is_empty()
}

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

impl Deref for Labels {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &BTreeMap<String, String> {
        self.0.as_deref().unwrap_or(&NO_LABELS)
    }
}

impl DerefMut for Labels {
    fn deref_mut(&mut self) -> &mut BTreeMap<String, String> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(map: BTreeMap<String, String>) -> Self {
        Labels((!map.is_empty()).then(|| Arc::new(map)))
    }
}

impl From<Labels> for BTreeMap<String, String> {
    fn from(labels: Labels) -> Self {
        labels.0.map(Arc::unwrap_or_clone).unwrap_or_default()
    }
}

impl FromIterator<(String, String)> for Labels {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        BTreeMap::from_iter(iter).into()
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Labels {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => **self == **other,
        }
    }
}

impl Eq for Labels {}

impl PartialEq<BTreeMap<String, String>> for Labels {
    fn eq(&self, other: &BTreeMap<String, String>) -> bool {
        **self == *other
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(d).map(Labels::from)
    }
}

/// An object's owner references, shared like [`Labels`]: the pods a ReplicaSet creates hold
/// the same list, and a pod's versions keep sharing it until one changes it.
#[derive(Clone, Default)]
pub struct OwnerRefs(Option<Arc<Vec<OwnerReference>>>);

static NO_OWNERS: Vec<OwnerReference> = Vec::new();

/// For `skip_serializing_if`.
pub fn no_owners(refs: &OwnerRefs) -> bool {
    refs.is_empty()
}

impl Deref for OwnerRefs {
    type Target = Vec<OwnerReference>;
    fn deref(&self) -> &Vec<OwnerReference> {
        self.0.as_deref().unwrap_or(&NO_OWNERS)
    }
}

impl DerefMut for OwnerRefs {
    fn deref_mut(&mut self) -> &mut Vec<OwnerReference> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }
}

impl From<Vec<OwnerReference>> for OwnerRefs {
    fn from(refs: Vec<OwnerReference>) -> Self {
        OwnerRefs((!refs.is_empty()).then(|| Arc::new(refs)))
    }
}

impl PartialEq for OwnerRefs {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => **self == **other,
        }
    }
}

impl Eq for OwnerRefs {}

impl fmt::Debug for OwnerRefs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl Serialize for OwnerRefs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for OwnerRefs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::deserialize(d).map(OwnerRefs::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    #[test]
    fn a_write_copies_only_a_value_another_version_holds() {
        let a = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert!(Shared::same(&a, &b));
        b.push(3);
        assert_eq!(*a, vec![1, 2]);
        assert_eq!(*b, vec![1, 2, 3]);
        assert!(!Shared::same(&a, &b));
        assert_ne!(a, b);
    }

    #[test]
    fn it_serializes_as_the_value_itself() {
        let a = Shared::new(vec!["x".to_string()]);
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert_eq!(json, r#"["x"]"#);
        let back: Shared<Vec<String>> = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, a);
    }
}
