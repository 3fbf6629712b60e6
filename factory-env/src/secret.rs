//! A value that never prints itself.

use std::fmt;

/// What every masked value prints as.
pub const MASK: &str = "********";

/// A secret value: `Debug` and `Display` print `********`; [`Secret::expose`] gives the value.
///
/// ```
/// use factory_env::Secret;
/// let secret = Secret::new("hunter2");
/// assert_eq!(format!("{secret} {secret:?}"), "******** ********");
/// assert_eq!(secret.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}
