//! What earlier statements created: the linter's picture of the schema, built from migrations
//! (never from a database).

use crate::types::ColType;
use std::collections::{HashMap, HashSet};

/// Tables with their columns, check constraints and policies, indexes and enum types, as created
/// by the statements learned so far. Keys are `name` for the `public` schema (or no schema) and
/// `schema.name` otherwise.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub(crate) tables: HashMap<String, Table>,
    /// Index key -> table key.
    pub(crate) indexes: HashMap<String, String>,
    /// Enum types.
    pub(crate) enums: HashSet<String>,
    /// Functions created by migrations -> whether they are VOLATILE (the default).
    pub(crate) functions: HashMap<String, bool>,
}

/// A table (or view or materialized view) the catalog knows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// Column name -> type, when it was created by a statement the linter saw.
    pub columns: HashMap<String, ColType>,
    /// CHECK constraints.
    pub checks: Vec<Check>,
    /// How many policies were created on it.
    pub policies: u32,
}

/// A CHECK constraint.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    /// Its name (empty when the parser gave none).
    pub name: String,
    /// The column when the check is exactly `col IS NOT NULL`.
    pub not_null_column: Option<String>,
    /// Validated (added without `NOT VALID`, or validated later).
    pub validated: bool,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// Whether a table (or view) with this key was created by a statement learned so far.
    pub fn has_table(&self, key: &str) -> bool {
        self.tables.contains_key(key)
    }

    /// How many tables the catalog knows.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    pub(crate) fn table_mut(&mut self, key: &str) -> &mut Table {
        self.tables.entry(key.to_string()).or_default()
    }

    pub(crate) fn column_type(&self, table: &str, column: &str) -> Option<&ColType> {
        self.tables.get(table)?.columns.get(column)
    }

    /// Whether a validated `CHECK (column IS NOT NULL)` exists on the table.
    pub(crate) fn has_valid_not_null_check(&self, table: &str, column: &str) -> bool {
        self.tables.get(table).is_some_and(|t| {
            t.checks
                .iter()
                .any(|c| c.validated && c.not_null_column.as_deref() == Some(column))
        })
    }

    pub(crate) fn policies(&self, table: &str) -> u32 {
        self.tables.get(table).map_or(0, |t| t.policies)
    }

    pub(crate) fn drop_table(&mut self, key: &str) {
        self.tables.remove(key);
        self.indexes.retain(|_, t| t != key);
    }

    pub(crate) fn rename_table(&mut self, from: &str, to: String) {
        if let Some(t) = self.tables.remove(from) {
            self.tables.insert(to.clone(), t);
        }
        for t in self.indexes.values_mut() {
            if t == from {
                *t = to.clone();
            }
        }
    }
}
