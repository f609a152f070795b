//! The catalog model. Every public struct is `#[non_exhaustive]`: build one with its `new`
//! constructor (or `Default`) and set the public fields.

mod catalog;
mod code;
mod ownership;
mod table;
mod types;

pub use catalog::{
    Aggregate, AggregateKind, Collation, TextSearchConfig, TextSearchDictionary, TextSearchMapping,
};
pub use code::{
    Function, FunctionKind, Parallel, Policy, PolicyCommand, Rule, Trigger, View, Volatility,
};
pub use ownership::{DefaultPrivilege, Owner};
pub(crate) use table::int_type_max;
pub use table::{
    Column, Constraint, ConstraintKind, FkAction, ForeignKey, Identity, Index, PartitionOf, Table,
};
pub use types::{
    Attribute, CompositeType, Domain, DomainCheck, EnumType, Extension, Namespace, Sequence,
};

use serde::{Deserialize, Serialize};
use std::fmt;

/// A name inside a schema (namespace): `public.users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QualifiedName {
    /// The schema (namespace).
    pub schema: String,
    /// The object's name.
    pub name: String,
}

impl QualifiedName {
    /// `schema.name`.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> QualifiedName {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

/// `schema.name`, unquoted, for messages (the SQL renderer quotes).
impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// One privilege on an object that differs from the engine's default for it: granted to a role
/// beyond the default, or a default privilege taken away (`revoked`). Privileges of the object's
/// owner are left out: the owner holds them all (see [`Owner`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Grant {
    /// The role, or `PUBLIC`.
    pub grantee: String,
    /// `SELECT`, `INSERT`, `USAGE`, `EXECUTE`, ...
    pub privilege: String,
    /// Granted `WITH GRANT OPTION`.
    pub grantable: bool,
    /// A default privilege that was revoked (rather than an extra one granted).
    pub revoked: bool,
}

impl Grant {
    /// `privilege` granted to `grantee`.
    pub fn new(grantee: impl Into<String>, privilege: impl Into<String>) -> Grant {
        Grant {
            grantee: grantee.into(),
            privilege: privilege.into(),
            grantable: false,
            revoked: false,
        }
    }
}

/// A database's schema: every object strata knows, each list sorted by name (see
/// [`Schema::normalize`]) so that equal databases give equal values and identical output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Schema {
    /// Schemas (namespaces).
    pub schemas: Vec<Namespace>,
    /// Installed extensions (their own objects are not listed elsewhere).
    pub extensions: Vec<Extension>,
    /// Enum types.
    pub enums: Vec<EnumType>,
    /// Composite types (not the row types of tables).
    pub composites: Vec<CompositeType>,
    /// Domains.
    pub domains: Vec<Domain>,
    /// Collations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collations: Vec<Collation>,
    /// Text search dictionaries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text_search_dictionaries: Vec<TextSearchDictionary>,
    /// Text search configurations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text_search_configs: Vec<TextSearchConfig>,
    /// Sequences (not those behind identity columns).
    pub sequences: Vec<Sequence>,
    /// Tables, partitioned tables and partitions.
    pub tables: Vec<Table>,
    /// Views and materialized views.
    pub views: Vec<View>,
    /// Functions and procedures.
    pub functions: Vec<Function>,
    /// Aggregate functions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aggregates: Vec<Aggregate>,
    /// Indexes that are not part of a constraint.
    pub indexes: Vec<Index>,
    /// Triggers (not the engine's internal ones).
    pub triggers: Vec<Trigger>,
    /// Row-level security policies.
    pub policies: Vec<Policy>,
    /// Rewrite rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Owners of objects not owned by the role that read the schema.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<Owner>,
    /// Default privileges (`ALTER DEFAULT PRIVILEGES`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_privileges: Vec<DefaultPrivilege>,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Sorts every list into its canonical order: objects by name; columns, enum labels and
    /// other ordered parts keep their order; grants and named parts by name.
    pub fn normalize(&mut self) {
        self.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        self.extensions.sort_by(|a, b| a.name.cmp(&b.name));
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        self.composites.sort_by(|a, b| a.name.cmp(&b.name));
        self.domains.sort_by(|a, b| a.name.cmp(&b.name));
        self.sequences.sort_by(|a, b| a.name.cmp(&b.name));
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        self.views.sort_by(|a, b| a.name.cmp(&b.name));
        self.functions.sort_by(|a, b| {
            (&a.name, &a.identity_arguments).cmp(&(&b.name, &b.identity_arguments))
        });
        self.collations.sort_by(|a, b| a.name.cmp(&b.name));
        self.text_search_dictionaries
            .sort_by(|a, b| a.name.cmp(&b.name));
        self.text_search_configs.sort_by(|a, b| a.name.cmp(&b.name));
        for c in &mut self.text_search_configs {
            c.mappings.sort_by(|a, b| a.token.cmp(&b.token));
        }
        self.aggregates.sort_by(|a, b| {
            (&a.name, &a.identity_arguments).cmp(&(&b.name, &b.identity_arguments))
        });
        for a in &mut self.aggregates {
            a.grants.sort();
        }
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.triggers
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.policies
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        for s in &mut self.schemas {
            s.grants.sort();
        }
        for d in &mut self.domains {
            d.checks.sort_by(|a, b| a.name.cmp(&b.name));
            d.grants.sort();
        }
        for t in &mut self.enums {
            t.grants.sort();
        }
        for t in &mut self.composites {
            t.grants.sort();
        }
        for s in &mut self.sequences {
            s.grants.sort();
        }
        for t in &mut self.tables {
            t.constraints.sort_by(|a, b| a.name.cmp(&b.name));
            t.grants.sort();
        }
        for v in &mut self.views {
            v.grants.sort();
        }
        for f in &mut self.functions {
            f.grants.sort();
        }
        for p in &mut self.policies {
            p.roles.sort();
        }
        self.rules
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.owners.sort();
        self.default_privileges.sort();
    }

    /// The table with this name.
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// The view or materialized view with this name.
    pub fn view(&self, name: &QualifiedName) -> Option<&View> {
        self.views.iter().find(|v| &v.name == name)
    }

    /// How many objects of each kind there are, for summaries: `(kind, count)` for every kind
    /// with at least one object.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        let mut out = vec![
            ("schemas", self.schemas.len()),
            ("extensions", self.extensions.len()),
            ("enums", self.enums.len()),
            ("composite types", self.composites.len()),
            ("domains", self.domains.len()),
            ("collations", self.collations.len()),
            (
                "text search dictionaries",
                self.text_search_dictionaries.len(),
            ),
            ("text search configurations", self.text_search_configs.len()),
            ("sequences", self.sequences.len()),
            ("tables", self.tables.len()),
            (
                "views",
                self.views.iter().filter(|v| !v.materialized).count(),
            ),
            (
                "materialized views",
                self.views.iter().filter(|v| v.materialized).count(),
            ),
            ("functions", self.functions.len()),
            ("aggregates", self.aggregates.len()),
            ("indexes", self.indexes.len()),
            ("triggers", self.triggers.len()),
            ("policies", self.policies.len()),
            ("rules", self.rules.len()),
        ];
        out.retain(|(_, n)| *n > 0);
        out
    }
}
