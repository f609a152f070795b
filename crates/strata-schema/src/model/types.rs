//! Schemas, extensions, user-defined types and sequences.

use super::{Grant, QualifiedName};
use serde::{Deserialize, Serialize};

/// A schema (namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Namespace {
    /// Its name.
    pub name: String,
    /// `COMMENT ON SCHEMA`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl Namespace {
    /// A schema called `name`.
    pub fn new(name: impl Into<String>) -> Namespace {
        Namespace {
            name: name.into(),
            ..Namespace::default()
        }
    }
}

/// An installed extension.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Extension {
    /// `pgcrypto`.
    pub name: String,
    /// The schema its objects live in.
    pub schema: String,
    /// The installed version. Informative only: dumps install the server's default version and
    /// diffs ignore it.
    pub version: String,
}

impl Extension {
    /// Extension `name` in `schema`.
    pub fn new(name: impl Into<String>, schema: impl Into<String>) -> Extension {
        Extension {
            name: name.into(),
            schema: schema.into(),
            version: String::new(),
        }
    }
}

/// An enum type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EnumType {
    /// Its name.
    pub name: QualifiedName,
    /// Labels in their sort order.
    pub labels: Vec<String>,
    /// `COMMENT ON TYPE`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl EnumType {
    /// An enum with these labels.
    pub fn new(name: QualifiedName, labels: Vec<String>) -> EnumType {
        EnumType {
            name,
            labels,
            ..EnumType::default()
        }
    }
}

/// One attribute of a composite type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Attribute {
    /// Its name.
    pub name: String,
    /// Its type as the engine prints it (`numeric(10,2)`, `public.mood`).
    pub data_type: String,
    /// A collation other than the type's default (`pg_catalog."C"`).
    pub collation: Option<String>,
}

impl Attribute {
    /// An attribute of a type.
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Attribute {
        Attribute {
            name: name.into(),
            data_type: data_type.into(),
            collation: None,
        }
    }
}

/// A composite type (`CREATE TYPE ... AS (...)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompositeType {
    /// Its name.
    pub name: QualifiedName,
    /// Attributes in order.
    pub attributes: Vec<Attribute>,
    /// `COMMENT ON TYPE`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl CompositeType {
    /// A composite type with these attributes.
    pub fn new(name: QualifiedName, attributes: Vec<Attribute>) -> CompositeType {
        CompositeType {
            name,
            attributes,
            ..CompositeType::default()
        }
    }
}

/// A named check constraint of a domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DomainCheck {
    /// The constraint's name.
    pub name: String,
    /// The condition, as the engine prints it (`(VALUE > 0)`).
    pub expression: String,
    /// False when added `NOT VALID` and not validated since.
    pub valid: bool,
}

impl DomainCheck {
    /// A validated check.
    pub fn new(name: impl Into<String>, expression: impl Into<String>) -> DomainCheck {
        DomainCheck {
            name: name.into(),
            expression: expression.into(),
            valid: true,
        }
    }
}

/// A domain: a type with a default and constraints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Domain {
    /// Its name.
    pub name: QualifiedName,
    /// The underlying type.
    pub data_type: String,
    /// A collation other than the base type's.
    pub collation: Option<String>,
    /// The default expression.
    pub default: Option<String>,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Check constraints, by name.
    pub checks: Vec<DomainCheck>,
    /// `COMMENT ON DOMAIN`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl Domain {
    /// A domain over `data_type`.
    pub fn new(name: QualifiedName, data_type: impl Into<String>) -> Domain {
        Domain {
            name,
            data_type: data_type.into(),
            ..Domain::default()
        }
    }
}

/// A sequence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sequence {
    /// Its name.
    pub name: QualifiedName,
    /// `smallint`, `integer` or `bigint`.
    pub data_type: String,
    /// `START WITH`.
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
    /// The column that owns it (`OWNED BY`): table and column name.
    pub owned_by: Option<(QualifiedName, String)>,
    /// `COMMENT ON SEQUENCE`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl Sequence {
    /// A `bigint` sequence with the engine's default options.
    pub fn new(name: QualifiedName) -> Sequence {
        Sequence {
            name,
            data_type: "bigint".into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: i64::MAX,
            cache: 1,
            cycle: false,
            owned_by: None,
            comment: None,
            grants: Vec::new(),
        }
    }
}
