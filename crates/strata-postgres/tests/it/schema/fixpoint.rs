//! The dump fix-point: dump, reload into an empty database, dump again: identical text.

use super::{database_with, schema_of, REALISTIC};
use strata_schema::render::{changes_sql, dump_sql, script};
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

#[tokio::test]
async fn collations_aggregates_and_text_search_configurations_are_dumped_before_their_users() {
    let dump = fix_point(
        "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
         CREATE COLLATION c_posix (locale = 'C');
         COMMENT ON COLLATION ci IS 'case-insensitive';
         CREATE TABLE u (name text COLLATE ci, code text COLLATE c_posix);
         CREATE FUNCTION first_agg(anyelement, anyelement) RETURNS anyelement
             LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1';
         CREATE AGGREGATE first(anyelement) (SFUNC = first_agg, STYPE = anyelement);
         CREATE AGGREGATE int_sum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0',
             COMBINEFUNC = int4pl, PARALLEL = SAFE);
         CREATE FUNCTION cnt(int8) RETURNS int8 LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 1';
         CREATE AGGREGATE my_count(*) (SFUNC = cnt, STYPE = int8, INITCOND = '0');
         COMMENT ON AGGREGATE first(anyelement) IS 'the first value';
         CREATE TABLE t (a int, b text);
         CREATE VIEW v AS SELECT a, first(b) AS b, int_sum(a) AS s, my_count(*) AS n FROM t GROUP BY a;
         CREATE TEXT SEARCH DICTIONARY english_simple (TEMPLATE = pg_catalog.simple, STOPWORDS = english);
         CREATE TEXT SEARCH CONFIGURATION custom_english (COPY = pg_catalog.english);
         ALTER TEXT SEARCH CONFIGURATION custom_english
             ALTER MAPPING FOR asciiword WITH english_simple, english_stem;
         ALTER TEXT SEARCH CONFIGURATION custom_english DROP MAPPING FOR email;
         CREATE TABLE doc (body text);
         CREATE INDEX doc_fts ON doc USING gin (to_tsvector('custom_english', body));",
    )
    .await;
    let at = |s: &str| dump.find(s).unwrap_or_else(|| panic!("{s} not in\n{dump}"));
    assert!(at("CREATE COLLATION \"public\".\"ci\"") < at("CREATE TABLE \"public\".\"u\""));
    assert!(at("CREATE AGGREGATE \"public\".\"first\"") < at("CREATE VIEW \"public\".\"v\""));
    assert!(
        at("CREATE FUNCTION \"public\".\"first_agg\"")
            < at("CREATE AGGREGATE \"public\".\"first\"")
    );
    assert!(
        at("CREATE TEXT SEARCH CONFIGURATION \"public\".\"custom_english\"")
            < at("CREATE INDEX \"doc_fts\"")
    );
    assert!(
        at("CREATE TEXT SEARCH DICTIONARY \"public\".\"english_simple\"")
            < at("CREATE TEXT SEARCH CONFIGURATION \"public\".\"custom_english\"")
    );
    insta::assert_snapshot!("catalog_objects_dump", dump);
}

/// Collations, aggregates and text search objects are created and dropped by diffs, in an order
/// that runs: the diff from an empty database to one with them, applied, leaves no difference,
/// and so does the diff back; a changed mapping is altered in place.
#[tokio::test]
async fn diffs_create_alter_and_drop_collations_aggregates_and_text_search_objects() {
    let objects = "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
         CREATE TABLE u (name text COLLATE ci);
         CREATE FUNCTION first_agg(anyelement, anyelement) RETURNS anyelement
             LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1';
         CREATE AGGREGATE first(anyelement) (SFUNC = first_agg, STYPE = anyelement);
         CREATE VIEW v AS SELECT first(name) AS n FROM u;
         CREATE TEXT SEARCH DICTIONARY english_simple (TEMPLATE = pg_catalog.simple, STOPWORDS = english);
         CREATE TEXT SEARCH CONFIGURATION cfg (COPY = pg_catalog.english);
         ALTER TEXT SEARCH CONFIGURATION cfg ALTER MAPPING FOR asciiword WITH english_simple;
         CREATE INDEX u_fts ON u USING gin (to_tsvector('cfg', name));";
    let full = database_with(objects);
    let target = schema_of(&full, &Filter::new()).await;
    let db = database_with("");
    let empty = schema_of(&db, &Filter::new()).await;
    let apply = |from: &strata_schema::Schema, to: &strata_schema::Schema| {
        let sql = changes_sql(&strata_schema::diff(from, to));
        db.execute(&script(&sql));
        sql
    };
    let created = apply(&empty, &target);
    assert!(strata_schema::diff(&schema_of(&db, &Filter::new()).await, &target).is_empty());

    let changed = database_with(&format!(
        "{objects} ALTER TEXT SEARCH CONFIGURATION cfg ALTER MAPPING FOR asciiword WITH english_stem;
         ALTER TEXT SEARCH CONFIGURATION cfg DROP MAPPING FOR email;"
    ));
    let changed = schema_of(&changed, &Filter::new()).await;
    let altered = apply(&target, &changed);
    assert_eq!(
        altered,
        vec![
            "ALTER TEXT SEARCH CONFIGURATION \"public\".\"cfg\" DROP MAPPING FOR \"email\"",
            "ALTER TEXT SEARCH CONFIGURATION \"public\".\"cfg\" ALTER MAPPING FOR \"asciiword\" WITH english_stem",
        ]
    );
    assert!(strata_schema::diff(&schema_of(&db, &Filter::new()).await, &changed).is_empty());

    let dropped = apply(&changed, &empty);
    assert!(strata_schema::diff(&schema_of(&db, &Filter::new()).await, &empty).is_empty());
    insta::assert_snapshot!(
        "catalog_objects_diff",
        format!(
            "{}\n\n-- back to empty\n{}",
            created.join(";\n"),
            dropped.join(";\n")
        )
    );
}

/// Owners other than the role that reads the schema are dumped (before the grants, which a new
/// owner would otherwise take over), and so are default privileges.
#[tokio::test]
async fn owners_and_default_privileges_are_dumped() {
    let admin = database_with("");
    for role in ["strata_test_owner", "strata_test_reader"] {
        admin.execute(&format!(
            "DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        ));
    }
    let dump = fix_point(
        "CREATE SCHEMA s AUTHORIZATION strata_test_owner;
         GRANT USAGE ON SCHEMA s TO postgres;
         CREATE TABLE s.t (id serial);
         ALTER TABLE s.t OWNER TO strata_test_owner;
         CREATE VIEW s.v AS SELECT id FROM s.t;
         ALTER VIEW s.v OWNER TO strata_test_owner;
         CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
         ALTER FUNCTION s.f() OWNER TO strata_test_owner;
         CREATE TYPE s.e AS ENUM ('a');
         ALTER TYPE s.e OWNER TO strata_test_owner;
         CREATE TABLE mine (id int);
         ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO strata_test_reader;
         ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
         ALTER DEFAULT PRIVILEGES FOR ROLE strata_test_owner GRANT USAGE ON SEQUENCES TO strata_test_reader;",
    )
    .await;
    let at = |s: &str| dump.find(s).unwrap_or_else(|| panic!("{s} not in\n{dump}"));
    assert!(
        at("ALTER SCHEMA \"s\" OWNER TO \"strata_test_owner\"")
            < at("GRANT USAGE ON SCHEMA \"s\" TO \"postgres\"")
    );
    assert!(!dump.contains("\"mine\" OWNER"), "{dump}");
    insta::assert_snapshot!("owners_dump", dump);
}

#[tokio::test]
async fn rules_are_dumped_after_their_table() {
    let dump = fix_point(
        "CREATE TABLE gen (id int);
         CREATE TABLE log (id int);
         CREATE RULE r AS ON DELETE TO gen DO INSTEAD NOTHING;
         CREATE RULE keep AS ON INSERT TO gen DO ALSO INSERT INTO log VALUES (NEW.id);
         COMMENT ON RULE r ON gen IS 'never delete';",
    )
    .await;
    assert!(
        dump.contains("CREATE RULE r AS\n    ON DELETE TO public.gen DO INSTEAD NOTHING;"),
        "{dump}"
    );
    assert!(
        dump.contains("COMMENT ON RULE \"r\" ON \"public\".\"gen\" IS 'never delete';"),
        "{dump}"
    );
}

/// A diff sets and gives back owners and default privileges on a real database.
#[tokio::test]
async fn diffs_set_and_give_back_owners_and_default_privileges() {
    let admin = database_with("");
    admin.execute(
        "DO $$ BEGIN CREATE ROLE strata_test_owner2; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
    );
    let base = "CREATE SCHEMA s; CREATE TABLE s.t (id int); GRANT USAGE ON SCHEMA s TO postgres;";
    let owned = database_with(&format!(
        "{base} ALTER SCHEMA s OWNER TO strata_test_owner2; ALTER TABLE s.t OWNER TO strata_test_owner2;
         ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO strata_test_owner2;"
    ));
    let owned = schema_of(&owned, &Filter::new()).await;
    let db = database_with(base);
    let plain = schema_of(&db, &Filter::new()).await;
    for (from, to) in [(&plain, &owned), (&owned, &plain)] {
        let sql = changes_sql(&strata_schema::diff(from, to));
        assert!(!sql.is_empty());
        db.execute(&script(&sql));
        let now = schema_of(&db, &Filter::new()).await;
        assert!(
            strata_schema::diff(&now, to).is_empty(),
            "{sql:#?} left {:#?}",
            strata_schema::diff(&now, to)
        );
    }
}
