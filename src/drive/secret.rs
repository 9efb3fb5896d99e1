//! The target's secrets (tokens, passwords): read by the target file's
//! checks, and kept only inside [`Secret`], whose `Debug` prints a mask,
//! so that they reach request headers and nothing else.

/// A token, masked in every printout.
#[derive(Clone, Default)]
pub struct Secret(pub(super) String);

impl Secret {
    /// A secret read elsewhere (a password file).
    pub(crate) fn new(s: &str) -> Secret {
        Secret(s.to_string())
    }

    /// The token itself, for a request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<token>")
    }
}
