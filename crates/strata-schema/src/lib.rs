//! The engine-neutral catalog model of strata: what a database's schema holds, how two schemas
//! differ, and the SQL that turns one into the other.
//!
//! - [`Schema`] is the model: schemas (namespaces), extensions, enums, composite types, domains,
//!   sequences, tables with their columns and constraints, indexes, views and materialized
//!   views, functions and procedures, triggers, row-level security and policies, comments and
//!   grants. Expressions and types are kept as the engine prints them; everything else is
//!   structured. Nothing in it names a programming language, so type generation and ER diagrams
//!   read the same model.
//! - [`diff`] compares two schemas object by object and returns the [`Change`]s, one per object
//!   that differs.
//! - [`render::changes_sql`] turns changes into statements ordered by dependency (drops before
//!   creates, dependents after what they depend on); [`render::dump_sql`] is the special case of
//!   an empty schema to a full one, so a dump reloads into an empty database.
//!
//! The crate does no I/O: engines fill the model (see `strata-postgres`'s introspector), and
//! everything here is pure and deterministic.

mod change;
mod diff;
mod filter;
mod flatten;
mod model;
mod object;
mod order;
mod refs;
pub mod render;

pub use change::Change;
pub use diff::diff;
pub use filter::Filter;
pub use model::*;
pub use object::{Object, ObjectKind};

#[cfg(test)]
mod tests;
