//! Checksums of migration text.

use sha2::{Digest, Sha256};
use std::fmt;

/// `sha256:` followed by lowercase hex, computed over normalized text (byte-order mark stripped,
/// CRLF turned into LF), so a checkout with different line endings does not look "modified".
/// The algorithm prefix lets the algorithm change later without breaking stored histories.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Checksum(String);

impl Checksum {
    /// Checksum of a text, normalized first.
    pub fn of(text: &str) -> Checksum {
        let normalized = normalize(text);
        let digest = Sha256::digest(normalized.as_bytes());
        let mut s = String::with_capacity(7 + 64);
        s.push_str("sha256:");
        for b in digest {
            s.push(char::from_digit((b >> 4) as u32, 16).unwrap());
            s.push(char::from_digit((b & 15) as u32, 16).unwrap());
        }
        Checksum(s)
    }

    /// A checksum read back from a history table, kept as stored.
    pub fn from_stored(s: impl Into<String>) -> Checksum {
        Checksum(s.into())
    }

    /// The stored form, `sha256:<hex>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A short form for people: the algorithm and the first 12 hex digits.
    pub fn short(&self) -> &str {
        let end = self
            .0
            .find(':')
            .map(|i| i + 13)
            .unwrap_or(12)
            .min(self.0.len());
        &self.0[..end]
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Strips a UTF-8 byte-order mark and turns CRLF (and lone CR) into LF.
pub(crate) fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_and_bom_do_not_change_the_checksum() {
        let a = Checksum::of("create table t(id int);\nselect 1;\n");
        assert_eq!(
            a,
            Checksum::of("\u{feff}create table t(id int);\r\nselect 1;\r\n")
        );
        assert_ne!(a, Checksum::of("create table t(id int);\nselect 2;\n"));
        assert!(a.as_str().starts_with("sha256:"));
        assert_eq!(a.as_str().len(), 7 + 64);
        assert_eq!(a.short().len(), 19);
    }

    #[test]
    fn known_value() {
        assert_eq!(
            Checksum::of("").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
