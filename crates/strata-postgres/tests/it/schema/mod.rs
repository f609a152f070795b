//! Schema introspection, dumps, diffs and the commands built on them, against real PostgreSQL.

mod fixpoint;
mod introspect;
mod scratch;

use strata_schema::{Filter, Schema};
use strata_test_support::{Engine, TestDb};

/// The realistic schema every object kind appears in.
pub const REALISTIC: &str = include_str!("realistic.sql");

/// A fresh database holding `sql`.
pub fn database_with(sql: &str) -> TestDb {
    let db = TestDb::new(Engine::Postgres);
    db.execute(sql);
    db
}

/// The schema of `db`.
pub async fn schema_of(db: &TestDb, filter: &Filter) -> Schema {
    strata_postgres::introspect::introspect(db.url(), filter)
        .await
        .expect("introspection")
}

/// The whole schema of `db`, read over `connections` connections.
pub async fn schema_over(db: &TestDb, connections: usize) -> Schema {
    strata_postgres::introspect::introspect_with(db.url(), &Filter::new(), Some(connections))
        .await
        .expect("introspection")
}
