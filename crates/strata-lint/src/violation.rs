//! What a rule reports.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// How serious a finding is. Ordered: `Hint < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Advice (type choices, a lock timeout strata already sets): worth knowing, not a risk by
    /// itself.
    Hint,
    /// A real risk for a busy database: a lock held for a long time, a table rewrite, a change
    /// running code may not survive.
    Warning,
    /// The migration fails, does nothing it seems to do, or cannot be run by strata as written.
    Error,
}

impl Severity {
    /// `hint`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level name that is not `hint`, `warning` or `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}` (expected hint, warning or error)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(s: &str) -> Result<Severity, UnknownSeverity> {
        match s.to_ascii_lowercase().as_str() {
            "hint" | "info" | "note" => Ok(Severity::Hint),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" | "deny" => Ok(Severity::Error),
            _ => Err(UnknownSeverity(s.to_string())),
        }
    }
}

/// One finding: a rule, where in the file, what and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule's id (`create-index-nonconcurrent`).
    pub rule: &'static str,
    /// How serious it is (the rule's level, or the level configured for it).
    pub severity: Severity,
    /// What is wrong, naming the objects involved.
    pub message: String,
    /// Byte range in the linted text (map it with [`strata_sql::line_col`]).
    pub span: Range<usize>,
    /// The safe way to get the same result, when there is one.
    pub help: Option<String>,
}

impl Violation {
    /// A finding of `rule` at its default severity.
    pub fn new(rule: &RuleMeta, span: Range<usize>, message: impl Into<String>) -> Violation {
        Violation {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Violation {
        self.help = Some(help.into());
        self
    }

    /// Overrides the severity for this one finding.
    pub fn severity(mut self, severity: Severity) -> Violation {
        self.severity = severity;
        self
    }
}

/// What a rule declares about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable id, used in suppression comments, configuration and `docs/rules/<id>.md`.
    pub id: &'static str,
    /// The level of its findings unless configured otherwise.
    pub severity: Severity,
    /// One line: what it catches.
    pub summary: &'static str,
}
