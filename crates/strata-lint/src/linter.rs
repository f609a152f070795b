//! The [`Linter`]: parses a file, runs every enabled rule over its statements in order, and
//! applies suppression comments and configured levels.

use crate::parse::{parse_file, ItemKind};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::state::{Facts, FileState};
use crate::{locks, rules, suppress, LintContext, Severity, Violation};
use pg_query::NodeEnum;
use std::collections::HashMap;

/// A rule id that no rule has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown lint rule `{0}`")]
pub struct UnknownRule(pub String);

/// Lints PostgreSQL migration files. Holds the level of each rule (its default unless
/// configured); pure and cheap to share across threads.
#[derive(Debug, Clone, Default)]
pub struct Linter {
    /// Rule id -> configured level (`None`: off).
    levels: HashMap<&'static str, Option<Severity>>,
}

impl Linter {
    /// A linter with every rule at its default level.
    pub fn new() -> Linter {
        Linter::default()
    }

    /// Sets a rule's level (`None` turns it off).
    ///
    /// # Errors
    /// [`UnknownRule`] when no rule has that id.
    pub fn set_level(&mut self, rule: &str, level: Option<Severity>) -> Result<(), UnknownRule> {
        let meta = rules::find(rule).ok_or_else(|| UnknownRule(rule.to_string()))?;
        self.levels.insert(meta.meta().id, level);
        Ok(())
    }

    /// The level a rule's findings get (`None`: off).
    pub fn level(&self, rule: &dyn Rule) -> Option<Severity> {
        match self.levels.get(rule.meta().id) {
            Some(level) => *level,
            None => Some(rule.meta().severity),
        }
    }

    /// Lints one file's text. Findings come sorted by position.
    pub fn lint(&self, sql: &str, cx: &LintContext) -> Vec<Violation> {
        let mut cx = cx.clone();
        self.lint_and_learn(sql, &mut cx)
    }

    /// Lints one file and then adds what it created to `cx.catalog`, so the next migration in a
    /// sequence is linted knowing about it.
    pub fn lint_and_learn(&self, sql: &str, cx: &mut LintContext) -> Vec<Violation> {
        let mut suppressions = suppress::Suppressions::default();
        let mut catalog = std::mem::take(&mut cx.catalog);
        // A file that controls its own transactions (a COMMIT in the middle, statements before
        // its BEGIN) is run by strata as written, statement by statement: lint it that way.
        let as_written = cx.runner_skips_transaction_when_required
            && cx.is_transactional()
            && controls_own_transactions(sql);
        let mut file = FileState::new(cx.is_transactional() && !as_written);
        let active: Vec<&dyn Rule> = rules::all()
            .iter()
            .copied()
            .filter(|r| self.level(*r).is_some())
            .collect();
        let mut out = Findings::default();
        let mut prev_end = 0;
        parse_file(sql, |item| {
            let index = file.items;
            file.items += 1;
            suppressions.before(sql, prev_end, item.span.start.max(prev_end), index);
            prev_end = prev_end.max(item.span.end);
            out.current = Some(index);
            if file.only_outside_tx {
                file.only_outside_tx = matches!(item.kind, ItemKind::Statement(ref n)
                    if !matches!(n.as_ref(), NodeEnum::TransactionStmt(_))
                        && strata_sql::requires_no_transaction(
                            &sql[item.span.clone()],
                            strata_sql::Dialect::Postgres,
                        )
                        .is_some());
            }
            let node = match &item.kind {
                ItemKind::Error { message, at } => {
                    out.push(rules::syntax_error::violation(
                        sql,
                        item.span.clone(),
                        *at,
                        message,
                    ));
                    return;
                }
                ItemKind::Statement(node) => node,
            };
            let stmt = Statement {
                node,
                span: item.span.clone(),
                base: item.base,
                sql,
                index,
            };
            let facts = check(&active, &stmt, cx, &catalog, &file, &mut out);
            if !item.embedded.is_empty() {
                // A DO block runs as one transaction, inside the file's or on its own.
                let outer = std::mem::replace(&mut file.in_tx, true);
                for embedded in &item.embedded {
                    let range = embedded.embedded.range.clone();
                    // A string constant with doubled quotes is linted as its value; its
                    // findings point at the constant in the file.
                    let (text, own) = embedded.text(sql);
                    for node in &embedded.stmts {
                        let stmt = Statement {
                            node,
                            span: own.clone(),
                            base: own.start,
                            sql: text,
                            index,
                        };
                        let before = out.items.len();
                        let facts = check(&active, &stmt, cx, &catalog, &file, &mut out);
                        if embedded.embedded.unescaped.is_some() {
                            for (v, _) in &mut out.items[before..] {
                                v.span = range.clone();
                            }
                        }
                        let in_file = Statement {
                            node,
                            span: range.clone(),
                            base: range.start,
                            sql,
                            index,
                        };
                        file.apply(&in_file, facts, &mut catalog);
                    }
                }
                file.in_tx = outer;
            }
            file.apply(&stmt, facts, &mut catalog);
        });
        suppressions.tail(sql, prev_end);
        out.current = None;
        {
            let scope = Scope {
                cx,
                catalog: &catalog,
                file: &file,
            };
            for rule in &active {
                rule.finish(&scope, &mut out);
            }
        }
        cx.catalog = catalog;
        // A file of nothing but such statements runs outside a transaction after all.
        let runs_outside = cx.runner_skips_transaction_when_required
            && file.transactional
            && file.items > 0
            && file.only_outside_tx;
        let mut violations: Vec<Violation> = out
            .items
            .into_iter()
            .filter(|(v, _)| {
                !(runs_outside && v.rule == rules::concurrently_in_transaction::META.id)
            })
            .filter(|(v, item)| !suppressions.ignores(v.rule, *item))
            .filter_map(|(mut v, _)| {
                if let Some(Some(level)) = self.levels.get(v.rule) {
                    v.severity = *level;
                }
                self.levels
                    .get(v.rule)
                    .is_none_or(Option::is_some)
                    .then_some(v)
            })
            .collect();
        violations.sort_by(|a, b| a.span.start.cmp(&b.span.start).then(a.rule.cmp(b.rule)));
        violations
    }
}

/// Whether the file has transaction control other than a `BEGIN` first and a `COMMIT` last
/// around everything (what strata's runner checks to run a file as written). The split is only
/// done when the text holds a word that may be such a statement.
fn controls_own_transactions(sql: &str) -> bool {
    if !may_control_transactions(sql) {
        return false;
    }
    match strata_sql::split(sql, strata_sql::Dialect::Postgres) {
        Ok(statements) => strata_sql::unwrap_transaction(&statements).stray.is_some(),
        Err(_) => false,
    }
}

/// A cheap filter for [`controls_own_transactions`]: whether some statement of the file may
/// start with a transaction-control word (`begin`, `start`, `commit`, `end`, `rollback`,
/// `abort`). Quotes, dollar-quoted bodies and comments are skipped, so a function body's
/// `END;` does not count; when the scan cannot finish (an unterminated quote), the answer is
/// yes and the full check decides.
fn may_control_transactions(sql: &str) -> bool {
    const WORDS: &[&str] = &["begin", "start", "commit", "end", "rollback", "abort"];
    let Some(starts) = crate::text::statement_starts(sql) else {
        return true;
    };
    starts.into_iter().any(|at| {
        let word = crate::text::identifier_at(sql, at).map_or("", |(r, _)| &sql[r]);
        WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
    })
}

/// Runs the rules over one statement; returns what the file's state must record about it.
fn check(
    active: &[&dyn Rule],
    stmt: &Statement<'_>,
    cx: &LintContext,
    catalog: &crate::Catalog,
    file: &FileState,
    out: &mut Findings,
) -> Facts {
    let scope = Scope { cx, catalog, file };
    for rule in active {
        rule.check(stmt, &scope, out);
    }
    Facts {
        blocking: locks::blocking(stmt.node, &scope),
        backfill: rules::backfill_in_ddl_transaction::backfill_target(stmt.node, &scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_words_count_only_where_a_statement_starts() {
        let body = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n  RETURN NEW;\nEND;\n$fn$;\nCOMMENT ON TABLE t IS 'commit; end;';\n-- rollback;\n";
        assert!(!may_control_transactions(body));
        assert!(!controls_own_transactions(body));
        let own = format!("{body}ALTER TYPE s ADD VALUE 'x';\ncommit;\nUPDATE t SET s = 'x';");
        assert!(may_control_transactions(&own));
        assert!(controls_own_transactions(&own));
        assert!(may_control_transactions("select 'unterminated; COMMIT;"));
        assert!(!controls_own_transactions("BEGIN;\nSELECT 1;\nCOMMIT;"));
    }
}
