//! Where templates and `.env` files read variable values from.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::marker::PhantomData;

/// A source of variable values: `None` means the variable is not set (which differs from set to
/// an empty string for `${VAR-default}`, `${VAR?msg}` and `${VAR+alt}`).
pub trait Lookup {
    /// The value of `name`, or `None` when it is not set.
    fn get(&self, name: &str) -> Option<&str>;
}

impl<S: BuildHasher> Lookup for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

impl Lookup for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(String::as_str)
    }
}

impl Lookup for [(String, String)] {
    /// The last pair named `name` wins, as when the pairs are inserted into a map in order.
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl Lookup for Vec<(String, String)> {
    fn get(&self, name: &str) -> Option<&str> {
        Lookup::get(self.as_slice(), name)
    }
}

/// No variable is set.
impl Lookup for () {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

impl<T: Lookup + ?Sized> Lookup for &T {
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }
}

/// A closure used as a [`Lookup`].
///
/// ```
/// use factory_env::{FnLookup, Lookup};
/// let home = String::from("/home/me");
/// let lookup = FnLookup::new(|name: &str| (name == "HOME").then_some(home.as_str()));
/// assert_eq!(lookup.get("HOME"), Some("/home/me"));
/// assert_eq!(lookup.get("USER"), None);
/// ```
pub struct FnLookup<'a, F> {
    function: F,
    values: PhantomData<&'a str>,
}

impl<'a, F: Fn(&str) -> Option<&'a str>> FnLookup<'a, F> {
    /// Wraps `function`, which returns values borrowed for `'a`.
    pub fn new(function: F) -> Self {
        Self {
            function,
            values: PhantomData,
        }
    }
}

impl<'a, F: Fn(&str) -> Option<&'a str>> Lookup for FnLookup<'a, F> {
    fn get(&self, name: &str) -> Option<&str> {
        (self.function)(name)
    }
}

/// A lookup that hands out at most a budget of bytes of values in all, then empty strings
/// (remembering that it ran out), so that what is rendered through it stays bounded however
/// often a long value is used: a budget on expansion, like YAML's on aliases.
pub struct Budgeted<'l> {
    inner: &'l dyn Lookup,
    left: std::cell::Cell<usize>,
    exhausted: std::cell::Cell<bool>,
}

impl<'l> Budgeted<'l> {
    /// `inner`, with `bytes` of values to hand out.
    pub fn new(inner: &'l dyn Lookup, bytes: usize) -> Self {
        Budgeted {
            inner,
            left: std::cell::Cell::new(bytes),
            exhausted: std::cell::Cell::new(false),
        }
    }

    /// The bytes still available.
    pub fn left(&self) -> usize {
        self.left.get()
    }

    /// Whether a value was refused (replaced by an empty string) for lack of budget.
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }
}

impl Lookup for Budgeted<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let value = self.inner.get(name)?;
        match self.left.get().checked_sub(value.len()) {
            Some(left) => {
                self.left.set(left);
                Some(value)
            }
            None => {
                self.exhausted.set(true);
                Some("")
            }
        }
    }
}

/// Two lookups in order: the first one that has the variable wins.
#[derive(Debug, Clone, Copy)]
pub struct Chain<A, B>(pub A, pub B);

impl<A: Lookup, B: Lookup> Lookup for Chain<A, B> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).or_else(|| self.1.get(name))
    }
}
