//! Tests across rules: the parser traps every rule relies on, suppression comments, levels, and
//! what the context (transaction mode, version, earlier migrations) changes.

mod context;
mod suppression;
mod traps;
