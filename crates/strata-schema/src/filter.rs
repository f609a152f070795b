//! Which schemas and tables an introspection covers.

use crate::QualifiedName;

/// Schemas an engine never reports: its own catalogs.
pub const SYSTEM_SCHEMAS: &[&str] = &["pg_catalog", "information_schema", "pg_toast"];

/// Which part of a database to introspect. By default: every schema except the engine's own
/// (`pg_catalog`, `information_schema`, `pg_toast`, temporary schemas) and without the tables
/// given in [`Filter::exclude_tables`] (strata's history table).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Filter {
    /// Only these schemas (empty: all).
    pub include_schemas: Vec<String>,
    /// Never these schemas.
    pub exclude_schemas: Vec<String>,
    /// Never these tables (and nothing that belongs to them).
    pub exclude_tables: Vec<QualifiedName>,
}

impl Filter {
    /// Everything but the engine's own schemas.
    pub fn new() -> Filter {
        Filter::default()
    }

    /// Adds schemas to include.
    pub fn include_schemas(mut self, schemas: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.include_schemas
            .extend(schemas.into_iter().map(Into::into));
        self
    }

    /// Adds schemas to exclude.
    pub fn exclude_schemas(mut self, schemas: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.exclude_schemas
            .extend(schemas.into_iter().map(Into::into));
        self
    }

    /// Adds a table to leave out.
    pub fn exclude_table(mut self, table: QualifiedName) -> Self {
        self.exclude_tables.push(table);
        self
    }

    /// Whether objects in `schema` are covered.
    pub fn covers_schema(&self, schema: &str) -> bool {
        !SYSTEM_SCHEMAS.contains(&schema)
            && !schema.starts_with("pg_temp")
            && !schema.starts_with("pg_toast")
            && (self.include_schemas.is_empty() || self.include_schemas.iter().any(|s| s == schema))
            && !self.exclude_schemas.iter().any(|s| s == schema)
    }

    /// Whether the table (or anything attached to it) is covered.
    pub fn covers_table(&self, table: &QualifiedName) -> bool {
        self.covers_schema(&table.schema) && !self.exclude_tables.contains(table)
    }
}
