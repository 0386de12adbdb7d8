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

/// A field that is usually empty and otherwise the same in many objects (labels, annotations,
/// owner references): shared between an object's versions and between the pods of one
/// template until one of them changes it (copy on write), and one word when empty.
#[derive(Clone, Default)]
pub struct SharedOrEmpty<T>(Option<Arc<T>>);

/// Labels and annotations.
pub type Labels = SharedOrEmpty<BTreeMap<String, String>>;
/// `metadata.ownerReferences`.
pub type OwnerRefs = SharedOrEmpty<Vec<OwnerReference>>;

/// A collection with a static empty value to read through when there is none.
pub trait EmptyValue: 'static {
    fn empty() -> &'static Self;
    fn has_none(&self) -> bool;
}

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();
static NO_OWNERS: Vec<OwnerReference> = Vec::new();

impl EmptyValue for BTreeMap<String, String> {
    fn empty() -> &'static Self {
        &NO_LABELS
    }
    fn has_none(&self) -> bool {
        self.is_empty()
    }
}

impl EmptyValue for Vec<OwnerReference> {
    fn empty() -> &'static Self {
        &NO_OWNERS
    }
    fn has_none(&self) -> bool {
        self.is_empty()
    }
}

/// For `skip_serializing_if`.
pub fn is_empty<T: EmptyValue>(v: &SharedOrEmpty<T>) -> bool {
    v.has_none()
}

impl<T: EmptyValue> Deref for SharedOrEmpty<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.as_deref().unwrap_or(T::empty())
    }
}

impl<T: EmptyValue + Clone + Default> DerefMut for SharedOrEmpty<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }
}

impl<T: EmptyValue> From<T> for SharedOrEmpty<T> {
    fn from(value: T) -> Self {
        SharedOrEmpty((!value.has_none()).then(|| Arc::new(value)))
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

impl<T: EmptyValue + PartialEq> PartialEq for SharedOrEmpty<T> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => **self == **other,
        }
    }
}

impl<T: EmptyValue + Eq> Eq for SharedOrEmpty<T> {}

impl PartialEq<BTreeMap<String, String>> for Labels {
    fn eq(&self, other: &BTreeMap<String, String>) -> bool {
        **self == *other
    }
}

impl<T: EmptyValue + fmt::Debug> fmt::Debug for SharedOrEmpty<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: EmptyValue + Serialize> Serialize for SharedOrEmpty<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de, T: EmptyValue + Deserialize<'de>> Deserialize<'de> for SharedOrEmpty<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(SharedOrEmpty::from)
    }
}

#[cfg(test)]
mod tests {
    use super::{Labels, Shared, is_empty};
    use std::collections::BTreeMap;
    use std::sync::Arc;

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

    #[test]
    fn labels_are_shared_until_one_copy_changes_and_empty_ones_hold_nothing() {
        let empty = Labels::default();
        assert!(empty.0.is_none() && empty.is_empty() && is_empty(&empty));
        let template: Labels = [("app".to_string(), "web".to_string())]
            .into_iter()
            .collect();
        let mut pod = template.clone();
        assert!(matches!((&template.0, &pod.0), (Some(a), Some(b)) if Arc::ptr_eq(a, b)));
        pod.insert("extra".into(), "1".into());
        assert_eq!(template.len(), 1);
        assert_eq!(pod.len(), 2);
        assert_eq!(
            serde_json::to_string(&pod).unwrap(),
            r#"{"app":"web","extra":"1"}"#
        );
        let back: Labels = serde_json::from_str("{}").unwrap();
        assert!(back.0.is_none());
        assert_eq!(Labels::from(BTreeMap::new()), empty);
    }
}
