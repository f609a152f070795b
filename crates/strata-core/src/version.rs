//! Migration versions: sequence numbers, timestamps and Flyway's dotted versions, compared the way
//! the tools that wrote them compare them.

use std::cmp::Ordering;
use std::fmt;

/// A migration version as written in a file name, compared part by part numerically.
///
/// `1`, `0001` and `20240101120000` have one part; Flyway's `1.10` or `1_10` have two. Parts are
/// compared as unbounded integers (leading zeros ignored), and a version that is a prefix of
/// another sorts first, so `10 < 10.1 < 11` and `1_9 < 1_10`. Two versions that compare equal
/// (`1` and `001`) are the same version.
#[derive(Debug, Clone)]
pub struct Version {
    /// The text as written; validated by [`Version::parse`], so [`Version::parts`] can split it
    /// again for each comparison instead of keeping the parts (thousands of versions are built,
    /// cloned and compared on every run; one allocation each keeps that cheap).
    raw: String,
    /// The value of a one-part version (no `.` or `_`) that fits: most versions, sequence
    /// numbers and timestamps alike, and they compare as integers.
    value: Option<u128>,
}

/// A version string that is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{raw}` is not a migration version: {reason}")]
pub struct VersionError {
    /// The text given.
    pub raw: String,
    /// Why it was refused.
    pub reason: &'static str,
}

impl Version {
    /// Parses a version: digits, optionally in parts separated by `.` or `_` (Flyway).
    pub fn parse(raw: &str) -> Result<Version, VersionError> {
        let err = |reason| VersionError {
            raw: raw.to_string(),
            reason,
        };
        if raw.is_empty() {
            return Err(err("it is empty"));
        }
        for part in raw.split(['.', '_']) {
            if part.is_empty() {
                return Err(err("it has an empty part"));
            }
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("only digits separated by `.` or `_` are allowed"));
            }
        }
        let value = match raw.contains(['.', '_']) {
            true => None,
            false => raw.parse().ok(),
        };
        Ok(Version {
            raw: raw.to_string(),
            value,
        })
    }

    /// The digits of each part with leading zeros stripped (`""` for zero).
    fn parts(&self) -> impl Iterator<Item = &str> {
        self.raw.split(['.', '_']).map(|part| {
            let zeros = part.bytes().take_while(|&b| b == b'0').count();
            &part[zeros..]
        })
    }

    /// Builds a version from the digits of a text (diesel's `2017-08-31-230457` is `20170831230457`).
    pub fn from_digits(text: &str) -> Result<Version, VersionError> {
        let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return Err(VersionError {
                raw: text.to_string(),
                reason: "it has no digits",
            });
        }
        Version::parse(&digits)
    }

    /// The version as written (`0001`, `1.10`, `20240101120000`).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// True for the version `0` (and `00`...), which `down --to 0` uses to mean "before everything".
    pub fn is_zero(&self) -> bool {
        self.parts().all(str::is_empty)
    }

    /// The number of parts (1 for plain sequence numbers and timestamps).
    pub fn part_count(&self) -> usize {
        self.parts().count()
    }

    /// Width of the raw text, used to zero-pad the next sequence number like the previous ones.
    pub fn width(&self) -> usize {
        self.raw.len()
    }

    /// The numeric value when the version is one part that fits in 128 bits.
    pub fn as_u128(&self) -> Option<u128> {
        self.value
    }
}

fn cmp_part(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        if let (Some(a), Some(b)) = (self.value, other.value) {
            return a.cmp(&b);
        }
        // A missing part counts as zero, so a trailing zero part does not make a version
        // larger: `1` == `1.0`.
        let (mut a, mut b) = (self.parts(), other.parts());
        loop {
            match (a.next(), b.next()) {
                (None, None) => return Ordering::Equal,
                (x, y) => match cmp_part(x.unwrap_or(""), y.unwrap_or("")) {
                    Ordering::Equal => continue,
                    o => return o,
                },
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn unpadded_integers_compare_numerically() {
        assert!(v("2") < v("10"));
        assert!(v("1") < v("2"));
        assert_eq!(v("0001"), v("1"));
    }

    #[test]
    fn timestamps_of_different_widths_compare_numerically() {
        assert!(v("2017010213") < v("20170102131034"));
        assert!(v("99999999999999") < v("202601011200000000"));
    }

    #[test]
    fn flyway_versions_compare_part_by_part() {
        assert!(v("1_9") < v("1_10"));
        assert!(v("1.9") < v("1.10"));
        assert!(v("10") < v("10.1"));
        assert!(v("10.1") < v("11"));
        assert_eq!(v("1.0"), v("1"));
        assert_eq!(v("1_1"), v("1.1"));
    }

    #[test]
    fn one_part_and_several_parts_compare_alike() {
        assert_eq!(v("1"), v("1.0"));
        assert_eq!(v("1.0.0"), v("001"));
        assert!(v("2") > v("1.9"));
        assert!(v("1.0.1") > v("1"));
        assert!(v("0") < v("0.1"));
        assert_eq!(v("0"), v("0_0"));
        assert!(v("007") < v("10"));
        assert_eq!(v("1").part_count(), 1);
        assert_eq!(v("1_2.3").part_count(), 3);
        assert_eq!(v("1.2").as_u128(), None);
        assert_eq!(v("000").as_u128(), Some(0));
    }

    #[test]
    fn zero_and_digits() {
        assert!(v("0").is_zero());
        assert!(v("000").is_zero());
        assert!(!v("0.1").is_zero());
        assert_eq!(
            Version::from_digits("2017-08-31-230457").unwrap().as_str(),
            "20170831230457"
        );
        assert_eq!(v("42").as_u128(), Some(42));
    }

    #[test]
    fn rejects_non_versions() {
        assert!(Version::parse("").is_err());
        assert!(Version::parse("1..2").is_err());
        assert!(Version::parse("v1").is_err());
        assert!(Version::parse("1a").is_err());
    }
}
