//! Helpers for the rules' tests: lint a snippet and look at the rule ids found.

use crate::{LintContext, Linter, Violation};
use strata_core::TransactionMode;

/// The default context: a transactional migration for PostgreSQL 15.
pub(crate) fn cx() -> LintContext {
    LintContext::default()
}

/// A migration marked `-- strata:no-transaction`.
pub(crate) fn no_tx() -> LintContext {
    LintContext::default().transaction(TransactionMode::None)
}

/// Everything found in `sql`.
pub(crate) fn lint(sql: &str, cx: &LintContext) -> Vec<Violation> {
    Linter::new().lint(sql, cx)
}

/// Asserts that `rule` reports each of `cases` (in `cx`).
#[track_caller]
pub(crate) fn flags_in(rule: &str, cx: &LintContext, cases: &[&str]) {
    for sql in cases {
        let found = lint(sql, cx);
        assert!(
            found.iter().any(|v| v.rule == rule),
            "{rule} should flag:\n{sql}\nfound: {:#?}",
            found
        );
    }
}

/// Asserts that `rule` reports none of `cases` (in `cx`).
#[track_caller]
pub(crate) fn passes_in(rule: &str, cx: &LintContext, cases: &[&str]) {
    for sql in cases {
        let found = lint(sql, cx);
        assert!(
            !found.iter().any(|v| v.rule == rule),
            "{rule} should not flag:\n{sql}\nfound: {:#?}",
            found
        );
    }
}

/// [`flags_in`] in the default context.
#[track_caller]
pub(crate) fn flags(rule: &str, cases: &[&str]) {
    flags_in(rule, &cx(), cases)
}

/// [`passes_in`] in the default context.
#[track_caller]
pub(crate) fn passes(rule: &str, cases: &[&str]) {
    passes_in(rule, &cx(), cases)
}
