//! The [`Rule`] trait and what a rule sees: one [`Statement`], the [`Scope`] around it, and the
//! [`Findings`] it reports to.

use crate::ast::{self, is_temp, rel_key};
use crate::state::FileState;
use crate::text::clause_end;
use crate::{Catalog, LintContext, RuleMeta, Violation};
use pg_query::protobuf::RangeVar;
use pg_query::NodeEnum;
use std::ops::Range;

/// A lint rule: declares its id and level, and looks at each statement in order.
///
/// Rules are stateless; what they need to know about earlier statements (transactions, objects
/// created in this file, `lock_timeout`) is in the [`Scope`]. A rule reports what it finds in
/// `check`, and, for findings that depend on the whole file (RLS enabled with no policy), in
/// `finish`.
pub trait Rule: Send + Sync {
    /// The rule's id, default level and summary.
    fn meta(&self) -> &'static RuleMeta;

    /// Looks at one statement; `scope` describes the state before it runs.
    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings);

    /// Called once after the last statement.
    fn finish(&self, scope: &Scope<'_>, out: &mut Findings) {
        let _ = (scope, out);
    }
}

/// One parsed statement of the file.
#[derive(Debug)]
pub struct Statement<'a> {
    /// The parse tree.
    pub node: &'a NodeEnum,
    /// Byte range of the statement in the file (first token to last, `;` excluded).
    pub span: Range<usize>,
    pub(crate) base: usize,
    pub(crate) sql: &'a str,
    pub(crate) index: usize,
}

impl<'a> Statement<'a> {
    /// The statement's text.
    pub fn text(&self) -> &'a str {
        &self.sql[self.span.clone()]
    }

    /// The clause starting at a tree location: up to the next `,` or closing parenthesis
    /// (a column definition, a constraint); the whole statement when the location is unknown.
    pub(crate) fn clause(&self, location: i32) -> Range<usize> {
        match ast::offset(self.base, location).filter(|o| self.span.contains(o)) {
            Some(start) => start..clause_end(self.sql, start, self.span.end).max(start + 1),
            None => self.span.clone(),
        }
    }
}

/// What is known when a statement runs: the file's transaction state, what the file created
/// so far, what earlier migrations created, the target version.
#[derive(Debug)]
pub struct Scope<'a> {
    pub(crate) cx: &'a LintContext,
    pub(crate) catalog: &'a Catalog,
    pub(crate) file: &'a FileState,
}

impl Scope<'_> {
    /// The target server's major version.
    pub fn pg_version(&self) -> u32 {
        self.cx.pg_version
    }

    /// Whether the statement runs inside a transaction block (strata's, or an explicit `BEGIN`).
    pub fn in_transaction(&self) -> bool {
        self.file.in_tx
    }

    /// Whether the relation was created earlier in this file, or is temporary: nobody else can
    /// be using it, so locking it is harmless.
    pub fn is_new(&self, rv: &RangeVar) -> bool {
        if is_temp(rv) {
            return true;
        }
        // The key of an unqualified (or `public`) relation is its name: no need to build it.
        if rv.schemaname.is_empty() || rv.schemaname == "public" {
            self.is_new_key(&rv.relname)
        } else {
            self.is_new_key(&rel_key(rv))
        }
    }

    /// Whether the relation is a system catalog or view (`pg_catalog.pg_roles`,
    /// `information_schema.tables`, or an unqualified `pg_...` name no migration created):
    /// PostgreSQL's own, not one the application's queries use as a table.
    pub(crate) fn is_system_relation(&self, rv: &RangeVar) -> bool {
        let schema = rv.schemaname.as_str();
        schema.eq_ignore_ascii_case("pg_catalog")
            || schema.eq_ignore_ascii_case("information_schema")
            || (schema.is_empty()
                && rv.relname.starts_with("pg_")
                && !self.is_new(rv)
                && !self.catalog.has_table(&rv.relname))
    }

    /// [`Scope::is_new`] by key.
    pub(crate) fn is_new_key(&self, key: &str) -> bool {
        self.file.created.contains_key(key) || self.file.temp.contains(key)
    }

    /// Whether an index was created in this file, or belongs to a table that was.
    pub(crate) fn is_new_index(&self, index_key: &str) -> bool {
        self.file.created_indexes.contains(index_key)
            || self
                .catalog
                .indexes
                .get(index_key)
                .is_some_and(|t| self.is_new_key(t))
    }

    /// Whether a `lock_timeout` set in the file is in effect.
    pub(crate) fn lock_timeout_set(&self) -> bool {
        self.file.lock_timeout_in_effect()
    }
}

/// Where rules put what they find.
#[derive(Debug, Default)]
pub struct Findings {
    pub(crate) items: Vec<(Violation, Option<usize>)>,
    pub(crate) current: Option<usize>,
}

impl Findings {
    /// Reports a finding about the statement being checked.
    pub fn push(&mut self, v: Violation) {
        self.items.push((v, self.current));
    }

    /// Reports a finding about an earlier statement (its suppression comments apply).
    pub(crate) fn push_for(&mut self, v: Violation, statement: usize) {
        self.items.push((v, Some(statement)));
    }
}
