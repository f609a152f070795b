//! Text that fools naive splitters: each case hides DDL (or a `;`) where no statement is, and
//! the findings must come only from the real statements, at the right positions.

use crate::testing::*;
use strata_sql::line_col;

/// Rule ids and 1-based lines of the findings.
fn found(sql: &str) -> Vec<(&'static str, usize)> {
    lint(sql, &cx())
        .into_iter()
        .filter(|v| v.rule != "missing-lock-timeout")
        .map(|v| (v.rule, line_col(sql, v.span.start).line))
        .collect()
}

#[test]
fn nested_and_tagged_dollar_quotes() {
    let sql = r#"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $outer$
BEGIN
  PERFORM $inner$ CREATE INDEX i ON users (a); $inner$;
  RAISE NOTICE '%', $$;DROP TABLE users;$$;
END
$outer$;
CREATE INDEX real_one ON users (b);"#;
    assert_eq!(found(sql), [("create-index-nonconcurrent", 7)]);
}

#[test]
fn nested_block_comments() {
    let sql = "/* outer /* inner; DROP TABLE users; */ still comment; TRUNCATE users; */\nDROP TABLE users;";
    assert_eq!(found(sql), [("drop-table", 2)]);
}

#[test]
fn strings_with_semicolons_and_ddl() {
    let sql = "INSERT INTO log (msg) VALUES ('ALTER TABLE users DROP COLUMN a; DROP TABLE users;');\nINSERT INTO log (msg) VALUES (E'it\\'s; TRUNCATE users');\nCOMMENT ON TABLE users IS 'DROP TABLE users; -- not really';\nALTER TABLE users DROP COLUMN a;";
    assert_eq!(found(sql), [("drop-column", 4)]);
}

#[test]
fn do_blocks_execute_constant_strings_but_not_built_ones() {
    let sql = "DO $$\nBEGIN\n  EXECUTE 'CREATE INDEX i ON users (a)';\n  EXECUTE format('ALTER TABLE %I DROP COLUMN x', 'users');\n  EXECUTE 'ALTER TABLE ' || 'users' || ' DROP COLUMN y';\nEND\n$$;\nDO LANGUAGE plpgsql $do$ BEGIN EXECUTE 'TRUNCATE users'; END $do$;\nTRUNCATE users;";
    assert_eq!(
        found(sql),
        [
            ("create-index-nonconcurrent", 3),
            ("truncate-table", 8),
            ("truncate-table", 9)
        ]
    );
    // The finding points inside the string constant, also when its quotes are doubled.
    let sql = "DO $$ BEGIN\n  EXECUTE 'UPDATE accounts SET region = ''eu''';\nEND $$;";
    let v = lint(sql, &cx())
        .into_iter()
        .find(|v| v.rule == "unbatched-backfill")
        .unwrap();
    assert_eq!(&sql[v.span], "UPDATE accounts SET region = ''eu''");
}

#[test]
fn multi_action_alter_table_reports_each_action() {
    let sql = "ALTER TABLE users\n  ADD COLUMN a int,\n  ADD COLUMN token uuid DEFAULT gen_random_uuid(),\n  DROP COLUMN legacy,\n  ALTER COLUMN id TYPE bigint,\n  ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id);";
    let mut rules: Vec<&str> = found(sql).into_iter().map(|(r, _)| r).collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        [
            "add-column-rewrite",
            "column-type-rewrite",
            "constraint-without-not-valid",
            "drop-column",
        ]
    );
    let spans = lint(sql, &cx());
    let rewrite = spans
        .iter()
        .find(|v| v.rule == "add-column-rewrite")
        .unwrap();
    assert_eq!(
        &sql[rewrite.span.clone()],
        "token uuid DEFAULT gen_random_uuid()"
    );
}

#[test]
fn quoted_identifiers_and_atomic_bodies() {
    let sql = "CREATE TABLE \"we;ird\" (\"a;b\" int);\nCREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\nDROP TABLE \"other;table\";";
    assert_eq!(found(sql), [("drop-table", 7)]);
}

#[test]
fn crlf_and_multibyte_text_keep_columns_right() {
    let sql = "-- café ☕\r\nSELECT 'é';\r\n  DROP TABLE users;";
    let v = lint(sql, &cx());
    let drop = v.iter().find(|v| v.rule == "drop-table").unwrap();
    assert_eq!(line_col(sql, drop.span.start).line, 3);
    assert_eq!(line_col(sql, drop.span.start).column, 3);
    assert_eq!(&sql[drop.span.clone()], "DROP TABLE users");
}

#[test]
fn a_large_file_is_parsed_in_chunks_with_the_same_result() {
    let mut sql = String::new();
    for i in 0..3000 {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint);\nCREATE FUNCTION f{i}() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT {i}; END;\n"
        ));
    }
    sql.push_str("CREATE INDEX late ON users (a);\nSELECT 'unterminated;\n");
    assert!(sql.len() > 128 * 1024);
    let v = lint(&sql, &cx());
    let rules: Vec<&str> = v.iter().map(|v| v.rule).collect();
    assert!(rules.contains(&"create-index-nonconcurrent"), "{rules:?}");
    assert!(rules.contains(&"syntax-error"), "{rules:?}");
    let errors: Vec<_> = v.iter().filter(|v| v.rule == "syntax-error").collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
}

#[test]
fn do_blocks_lint_their_static_sql() {
    let sql = "DO $$ BEGIN\n  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;";
    assert_eq!(found(sql), [("constraint-without-not-valid", 2)]);
    let v = lint(sql, &cx());
    let fk = v
        .iter()
        .find(|v| v.rule == "constraint-without-not-valid")
        .unwrap();
    assert_eq!(
        &sql[fk.span.clone()],
        "CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)"
    );
    let safe = "DO $$ BEGIN\n  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;\nDO $$ BEGIN CREATE TABLE t (a int); CREATE INDEX ON t (a); END $$;";
    assert_eq!(found(safe), []);
    let sql =
        "-- strata:no-transaction\nDO $$ BEGIN CREATE INDEX CONCURRENTLY i ON users (a); END $$;";
    let rules: Vec<&str> = lint(sql, &no_tx()).iter().map(|v| v.rule).collect();
    assert!(rules.contains(&"concurrently-in-transaction"), "{rules:?}");
}
