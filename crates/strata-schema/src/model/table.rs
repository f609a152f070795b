//! Tables, their columns and constraints, and indexes.

use super::{Grant, QualifiedName};
use serde::{Deserialize, Serialize};

/// Identity column options (`GENERATED ALWAYS AS IDENTITY (...)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Identity {
    /// `ALWAYS` (true) or `BY DEFAULT`.
    pub always: bool,
    /// Options of the sequence behind it.
    pub start: i64,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE`.
    pub min_value: i64,
    /// `MAXVALUE`.
    pub max_value: i64,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
}

impl Identity {
    /// An identity with default sequence options for a column of `data_type` (`integer`,
    /// `bigint`, `smallint`).
    pub fn new(always: bool, data_type: &str) -> Identity {
        Identity {
            always,
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: int_type_max(data_type),
            cache: 1,
            cycle: false,
        }
    }
}

/// The largest value of an integer type, the default `MAXVALUE` of its sequences.
pub(crate) fn int_type_max(data_type: &str) -> i64 {
    match data_type {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    }
}

/// A table column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Column {
    /// Its name.
    pub name: String,
    /// The type with its modifiers, as the engine prints it (`character varying(100)`,
    /// `numeric(10,2)`, `public.mood[]`).
    pub data_type: String,
    /// `NOT NULL`.
    pub not_null: bool,
    /// The default expression.
    pub default: Option<String>,
    /// Identity column options.
    pub identity: Option<Identity>,
    /// The expression of a generated (stored) column.
    pub generated: Option<String>,
    /// A collation other than the type's default (`pg_catalog."C"`).
    pub collation: Option<String>,
    /// `COMMENT ON COLUMN`.
    pub comment: Option<String>,
}

impl Column {
    /// A nullable column without default.
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            data_type: data_type.into(),
            ..Column::default()
        }
    }
}

/// What a partition belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartitionOf {
    /// The partitioned table.
    pub parent: QualifiedName,
    /// The bound as the engine prints it (`FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
    /// `DEFAULT`).
    pub bound: String,
}

/// A table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Table {
    /// Its name.
    pub name: QualifiedName,
    /// `UNLOGGED`.
    pub unlogged: bool,
    /// For a partitioned table, the partition key (`RANGE (created_at)`).
    pub partition_key: Option<String>,
    /// For a partition, its parent and bound.
    pub partition_of: Option<PartitionOf>,
    /// Parents by plain inheritance (`INHERITS`).
    pub inherits: Vec<QualifiedName>,
    /// Storage parameters (`fillfactor=70`).
    pub options: Vec<String>,
    /// Columns defined by the table itself, in order (those inherited from a parent or
    /// partitioned table are left out).
    pub columns: Vec<Column>,
    /// Constraints defined by the table itself, by name.
    pub constraints: Vec<Constraint>,
    /// Row-level security enabled.
    pub row_security: bool,
    /// Row-level security forced on the owner too.
    pub force_row_security: bool,
    /// `COMMENT ON TABLE`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl Table {
    /// An empty table.
    pub fn new(name: QualifiedName) -> Table {
        Table {
            name,
            ..Table::default()
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The constraint called `name`.
    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.name == name)
    }

    /// The primary key, if any.
    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints
            .iter()
            .find(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
    }
}

/// A foreign key's `ON UPDATE` / `ON DELETE` action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FkAction {
    /// `NO ACTION` (the default).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// The SQL words.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ForeignKey {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: QualifiedName,
    /// The referenced columns.
    pub referenced_columns: Vec<String>,
    /// `ON UPDATE`.
    pub on_update: FkAction,
    /// `ON DELETE`.
    pub on_delete: FkAction,
    /// `MATCH FULL` (else `MATCH SIMPLE`).
    pub match_full: bool,
}

impl ForeignKey {
    /// `columns` referencing `references (referenced_columns)`, no actions.
    pub fn new(
        columns: Vec<String>,
        references: QualifiedName,
        referenced_columns: Vec<String>,
    ) -> ForeignKey {
        ForeignKey {
            columns,
            references,
            referenced_columns,
            ..ForeignKey::default()
        }
    }
}

/// What a constraint checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConstraintKind {
    /// `PRIMARY KEY (columns) INCLUDE (include)`.
    PrimaryKey {
        /// Key columns.
        columns: Vec<String>,
        /// Non-key columns (`INCLUDE`).
        include: Vec<String>,
    },
    /// `UNIQUE [NULLS NOT DISTINCT] (columns) INCLUDE (include)`.
    Unique {
        /// Key columns.
        columns: Vec<String>,
        /// Non-key columns (`INCLUDE`).
        include: Vec<String>,
        /// `NULLS NOT DISTINCT`.
        nulls_not_distinct: bool,
    },
    /// `CHECK (expression)`.
    Check {
        /// The condition as the engine prints it.
        expression: String,
        /// `NO INHERIT`.
        no_inherit: bool,
    },
    /// `EXCLUDE USING ...`: the whole definition as the engine prints it.
    Exclusion {
        /// `EXCLUDE USING gist (room WITH =, during WITH &&)`.
        definition: String,
    },
    /// `FOREIGN KEY`.
    ForeignKey(ForeignKey),
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Constraint {
    /// Its name.
    pub name: String,
    /// What it checks.
    pub kind: ConstraintKind,
    /// `DEFERRABLE`.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub initially_deferred: bool,
    /// False when added `NOT VALID` and not validated since.
    pub valid: bool,
    /// `COMMENT ON CONSTRAINT`.
    pub comment: Option<String>,
}

impl Constraint {
    /// A valid, immediate constraint.
    pub fn new(name: impl Into<String>, kind: ConstraintKind) -> Constraint {
        Constraint {
            name: name.into(),
            kind,
            deferrable: false,
            initially_deferred: false,
            valid: true,
            comment: None,
        }
    }

    /// True for foreign keys and constraints added `NOT VALID`: they are added after every
    /// table exists (a dump creates them with `ALTER TABLE ... ADD CONSTRAINT`), the others are
    /// part of `CREATE TABLE`.
    pub fn is_deferred_to_alter(&self) -> bool {
        matches!(self.kind, ConstraintKind::ForeignKey(_)) || !self.valid
    }
}

/// An index that is not part of a constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Index {
    /// Its name (in the table's schema).
    pub name: QualifiedName,
    /// The table or materialized view it indexes.
    pub table: QualifiedName,
    /// `UNIQUE`.
    pub unique: bool,
    /// `btree`, `gin`, `gist`, `hash`, `brin`, ...
    pub method: String,
    /// Key elements as the engine prints them, with operator class, collation and ordering
    /// (`lower(email)`, `created_at DESC`, `body gin_trgm_ops`).
    pub elements: Vec<String>,
    /// Non-key columns (`INCLUDE`).
    pub include: Vec<String>,
    /// The predicate of a partial index (`WHERE`).
    pub predicate: Option<String>,
    /// `NULLS NOT DISTINCT`.
    pub nulls_not_distinct: bool,
    /// Storage parameters (`fillfactor=70`).
    pub options: Vec<String>,
    /// `COMMENT ON INDEX`.
    pub comment: Option<String>,
}

impl Index {
    /// A btree index on `elements`.
    pub fn new(name: QualifiedName, table: QualifiedName, elements: Vec<String>) -> Index {
        Index {
            name,
            table,
            method: "btree".into(),
            elements,
            ..Index::default()
        }
    }
}
