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
