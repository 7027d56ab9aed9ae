//! Text that thousands of rows hold the same value of (a namespace, a node, an image, a
//! pod's owner and its uid, a phase), kept once and shared. A realistic pod row held
//! about 400 bytes of such copies; each value now costs its rows a pointer and a length.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock};

use super::interner::Interner;

/// A string shared by the rows that hold the same value (see [`SharedStr::new`]).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedStr(Arc<str>);

/// The values in use.
static INTERNER: Interner<str> = Interner::new();

static EMPTY: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));

impl SharedStr {
    /// The shared copy of `value` (made on its first use).
    pub fn new(value: &str) -> Self {
        if value.is_empty() {
            return Self::default();
        }
        Self(INTERNER.intern(value))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        Self(Arc::clone(&EMPTY))
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for SharedStr {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for SharedStr {
    fn from(value: String) -> Self {
        Self::new(&value)
    }
}

impl From<&String> for SharedStr {
    fn from(value: &String) -> Self {
        Self::new(value)
    }
}

impl From<SharedStr> for String {
    fn from(value: SharedStr) -> Self {
        value.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_share_one_copy() {
        let a = SharedStr::new("team-a-shared-str-test");
        let b = SharedStr::from("team-a-shared-str-test".to_owned());
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "team-a-shared-str-test");
        assert_eq!(a.len(), 22);
        assert!(!Arc::ptr_eq(
            &a.0,
            &SharedStr::new("team-b-shared-str-test").0
        ));
    }

    #[test]
    fn values_no_row_holds_are_pruned() {
        let held = SharedStr::new("held-while-pruning");
        // Enough dropped values to pass any pruning threshold other tests have set.
        let threshold = INTERNER.prune_at();
        for i in 0..=threshold * 2 {
            drop(SharedStr::new(&format!("dropped-value-{i}")));
        }
        assert!(INTERNER.contains("held-while-pruning"));
        assert!(!INTERNER.contains("dropped-value-0"));
        assert_eq!(held, "held-while-pruning");
    }
}
