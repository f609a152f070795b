//! Collations, aggregates and text search dictionaries and configurations: objects that other
//! objects name (a column's collation, an aggregate in a view, a configuration in an index
//! expression) without holding data themselves.

use super::{Grant, Parallel, QualifiedName};
use serde::{Deserialize, Serialize};

/// A collation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Collation {
    /// Its name.
    pub name: QualifiedName,
    /// The library that implements it: `libc`, `icu` (or `default`).
    pub provider: String,
    /// The locale of an ICU collation, or of a libc one whose collate and ctype are the same.
    pub locale: Option<String>,
    /// `LC_COLLATE` of a libc collation whose collate and ctype differ.
    pub lc_collate: Option<String>,
    /// `LC_CTYPE` of a libc collation whose collate and ctype differ.
    pub lc_ctype: Option<String>,
    /// Deterministic (false: strings that compare equal may differ in bytes).
    pub deterministic: bool,
    /// `COMMENT ON COLLATION`.
    pub comment: Option<String>,
}

impl Collation {
    /// A deterministic collation of `provider` for `locale`.
    pub fn new(
        name: QualifiedName,
        provider: impl Into<String>,
        locale: impl Into<String>,
    ) -> Collation {
        Collation {
            name,
            provider: provider.into(),
            locale: Some(locale.into()),
            deterministic: true,
            ..Collation::default()
        }
    }
}

/// Normal, ordered-set or hypothetical-set aggregate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AggregateKind {
    /// `CREATE AGGREGATE f(args)`.
    #[default]
    Normal,
    /// `CREATE AGGREGATE f(direct args ORDER BY aggregated args)`.
    OrderedSet,
    /// An ordered-set aggregate declared `HYPOTHETICAL`.
    Hypothetical,
}

/// An aggregate function. Function names and types are kept as the engine prints them
/// (qualified outside its own catalog).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Aggregate {
    /// Its name.
    pub name: QualifiedName,
    /// Normal, ordered-set or hypothetical.
    pub kind: AggregateKind,
    /// The argument list (`anyelement`, `integer ORDER BY text`); empty for `*`.
    pub arguments: String,
    /// The argument types that identify it among overloads.
    pub identity_arguments: String,
    /// The state transition function (`SFUNC`).
    pub state_function: String,
    /// The state type (`STYPE`).
    pub state_type: String,
    /// The average size of the state in bytes (`SSPACE`, 0: the default).
    pub state_space: i64,
    /// The final function (`FINALFUNC`).
    pub final_function: Option<String>,
    /// `FINALFUNC_EXTRA`.
    pub final_extra: bool,
    /// `FINALFUNC_MODIFY`: `read_only`, `shareable` or `read_write`, when not the default.
    pub final_modify: Option<String>,
    /// The combine function (`COMBINEFUNC`).
    pub combine_function: Option<String>,
    /// `SERIALFUNC`.
    pub serial_function: Option<String>,
    /// `DESERIALFUNC`.
    pub deserial_function: Option<String>,
    /// The initial state (`INITCOND`), as text.
    pub initial_value: Option<String>,
    /// The sort operator (`SORTOP`), as `OPERATOR(schema.op)`.
    pub sort_operator: Option<String>,
    /// Parallel safety.
    pub parallel: Parallel,
    /// `COMMENT ON AGGREGATE`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl Aggregate {
    /// A normal aggregate over `arguments` with its state function and type.
    pub fn new(
        name: QualifiedName,
        arguments: impl Into<String>,
        state_function: impl Into<String>,
        state_type: impl Into<String>,
    ) -> Aggregate {
        let arguments = arguments.into();
        Aggregate {
            name,
            identity_arguments: arguments.clone(),
            arguments,
            state_function: state_function.into(),
            state_type: state_type.into(),
            ..Aggregate::default()
        }
    }

    /// `name(identity arguments)`, unquoted, for messages.
    pub fn signature(&self) -> String {
        let args = if self.identity_arguments.is_empty() {
            "*"
        } else {
            &self.identity_arguments
        };
        format!("{}({args})", self.name)
    }
}

/// A text search dictionary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextSearchDictionary {
    /// Its name.
    pub name: QualifiedName,
    /// Its template, qualified (`pg_catalog.snowball`, `public.unaccent`).
    pub template: String,
    /// Its options as the engine prints them (`language = 'english', stopwords = 'english'`).
    pub options: Option<String>,
    /// `COMMENT ON TEXT SEARCH DICTIONARY`.
    pub comment: Option<String>,
}

impl TextSearchDictionary {
    /// A dictionary of `template` without options.
    pub fn new(name: QualifiedName, template: impl Into<String>) -> TextSearchDictionary {
        TextSearchDictionary {
            name,
            template: template.into(),
            ..TextSearchDictionary::default()
        }
    }
}

/// The dictionaries a text search configuration consults for one token type, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextSearchMapping {
    /// The token type (`asciiword`).
    pub token: String,
    /// The dictionaries, as the engine prints them (qualified outside its own catalog).
    pub dictionaries: Vec<String>,
}

impl TextSearchMapping {
    /// `token` mapped to `dictionaries`.
    pub fn new(token: impl Into<String>, dictionaries: Vec<String>) -> TextSearchMapping {
        TextSearchMapping {
            token: token.into(),
            dictionaries,
        }
    }
}

/// A text search configuration: a parser and, for each token type, its dictionaries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextSearchConfig {
    /// Its name.
    pub name: QualifiedName,
    /// The parser, qualified (`pg_catalog."default"`).
    pub parser: String,
    /// The mappings, sorted by token type.
    pub mappings: Vec<TextSearchMapping>,
    /// `COMMENT ON TEXT SEARCH CONFIGURATION`.
    pub comment: Option<String>,
}

impl TextSearchConfig {
    /// A configuration with `parser` and no mappings.
    pub fn new(name: QualifiedName, parser: impl Into<String>) -> TextSearchConfig {
        TextSearchConfig {
            name,
            parser: parser.into(),
            ..TextSearchConfig::default()
        }
    }
}
