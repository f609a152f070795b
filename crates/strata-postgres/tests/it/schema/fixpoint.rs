//! The dump fix-point: dump, reload into an empty database, dump again: identical text.

use super::{database_with, schema_of, REALISTIC};
use strata_schema::render::dump_sql;
use strata_schema::Filter;

#[tokio::test]
async fn realistic_schema_dumps_reloads_and_dumps_identically() {
    let a = database_with(REALISTIC);
    let first = dump_sql(&schema_of(&a, &Filter::new()).await);
    let b = database_with(&first);
    let second = dump_sql(&schema_of(&b, &Filter::new()).await);
    assert_eq!(first, second, "the reloaded database dumps differently");
    insta::assert_snapshot!("realistic_dump", first);
}

#[tokio::test]
async fn a_dump_is_the_same_whatever_order_the_objects_were_created_in() {
    let a = database_with(
        "CREATE TABLE t2 (id int PRIMARY KEY); CREATE TABLE t1 (id int PRIMARY KEY, t2 int REFERENCES t2);
         CREATE VIEW v AS SELECT id FROM t1;",
    );
    let b = database_with(
        "CREATE TABLE t1 (id int PRIMARY KEY, t2 int); CREATE TABLE t2 (id int PRIMARY KEY);
         ALTER TABLE t1 ADD CONSTRAINT t1_t2_fkey FOREIGN KEY (t2) REFERENCES t2;
         CREATE VIEW v AS SELECT id FROM t1;",
    );
    let (sa, sb) = (
        schema_of(&a, &Filter::new()).await,
        schema_of(&b, &Filter::new()).await,
    );
    assert_eq!(dump_sql(&sa), dump_sql(&sb));
    assert!(strata_schema::diff(&sa, &sb).is_empty());
}

/// Dumps `sql`'s database, reloads the dump into an empty database and dumps that: the two
/// dumps must be the same text. Returns the dump.
async fn fix_point(sql: &str) -> String {
    let a = database_with(sql);
    let first = dump_sql(&schema_of(&a, &Filter::new()).await);
    let b = database_with(&first);
    let second = dump_sql(&schema_of(&b, &Filter::new()).await);
    assert_eq!(first, second, "the reloaded database dumps differently");
    first
}

#[tokio::test]
async fn generated_columns_and_indexes_calling_sql_functions_with_unqualified_bodies_reload() {
    let dump = fix_point(
        "CREATE SCHEMA app;
         CREATE TYPE st AS ENUM ('a', 'b');
         CREATE FUNCTION st_from(text) RETURNS st AS 'SELECT CAST($1 AS st);' LANGUAGE SQL IMMUTABLE;
         CREATE FUNCTION norm(text) RETURNS text AS 'SELECT lower(trim($1))' LANGUAGE sql IMMUTABLE;
         CREATE TABLE t (v jsonb, s st GENERATED ALWAYS AS (st_from(v->>'s')) STORED);
         CREATE TABLE app.u (name text);
         CREATE UNIQUE INDEX u_norm ON app.u (norm(name));",
    )
    .await;
    assert!(
        dump.contains("set_config('search_path', 'pg_catalog, \"public\", \"app\"', false)"),
        "{dump}"
    );
}
