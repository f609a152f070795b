//! The schema commands on PostgreSQL: `schema dump`, `schema diff`, `check drift`,
//! `check roundtrip` and `verify`. Each test has a database of its own; scratch databases are
//! created beside it on the same server.

use crate::harness::*;
use strata_test_support::{Engine, TestDb};

fn db() -> TestDb {
    TestDb::new(Engine::Postgres)
}

/// The redacted transcript, with the test database's URL replaced too.
fn transcript(db: &TestDb, args: &[&str]) -> String {
    strata(db, args)
        .transcript(db.dir())
        .replace(db.url(), "[URL]")
}

/// A users table with an index, row-level security and four policies, and an orders table
/// with a foreign key and a materialized view over it.
fn project(db: &TestDb) {
    pair(
        db,
        "0001_create_users",
        "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id uuid NOT NULL, email text NOT NULL);\n\
         CREATE INDEX users_email_idx ON users (email);\n\
         ALTER TABLE users ENABLE ROW LEVEL SECURITY;\n\
         CREATE POLICY users_select ON users FOR SELECT USING (tenant_id = current_setting('app.tenant')::uuid);\n\
         CREATE POLICY users_insert ON users FOR INSERT WITH CHECK (tenant_id = current_setting('app.tenant')::uuid);\n\
         CREATE POLICY users_update ON users FOR UPDATE USING (tenant_id = current_setting('app.tenant')::uuid);\n\
         CREATE POLICY users_delete ON users FOR DELETE USING (tenant_id = current_setting('app.tenant')::uuid);\n",
        "DROP TABLE users;\n",
    );
    pair(
        db,
        "0002_create_orders",
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE SET NULL, total numeric(10,2));\n\
         CREATE INDEX orders_user_id_idx ON orders (user_id);\n\
         CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;\n",
        "DROP MATERIALIZED VIEW order_totals;\nDROP TABLE orders;\n",
    );
}

#[test]
fn drift_is_none_on_an_untouched_database_and_names_each_hand_change() {
    let db = db();
    project(&db);
    strata(&db, &["up"]).ok();
    strata(&db, &["check", "drift"])
        .ok()
        .says(&["no drift: the database matches its 2 applied migration(s)"]);
    db.execute(
        "DROP INDEX orders_user_id_idx;
         ALTER TABLE users ADD COLUMN nickname text;
         ALTER POLICY users_update ON users USING (true);",
    );
    insta::assert_snapshot!(transcript(&db, &["check", "drift"]));
    let json = strata(&db, &["check", "drift", "--format", "json"])
        .code(1)
        .json();
    let found: Vec<(String, String, String)> = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["action"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap().to_string(),
                d["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "create".into(),
                "column".into(),
                "public.users.nickname".into()
            ),
            (
                "drop".into(),
                "index".into(),
                "public.orders_user_id_idx".into()
            ),
            (
                "alter".into(),
                "policy".into(),
                "users_update on public.users".into()
            ),
        ]
    );
}

#[test]
fn drift_repair_sql_brings_the_database_back() {
    let db = db();
    project(&db);
    strata(&db, &["up"]).ok();
    db.execute(
        "DROP INDEX users_email_idx; ALTER TABLE users ALTER COLUMN email TYPE varchar(200); \
         CREATE VIEW emails AS SELECT email FROM users;",
    );
    let json = strata(&db, &["check", "drift", "--format", "json"])
        .code(1)
        .json();
    let sql: Vec<String> = json["repair_sql"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    db.execute(&sql.join(";\n"));
    strata(&db, &["check", "drift"]).ok();
}

#[test]
fn roundtrip_names_the_migration_whose_down_forgets_an_index() {
    let db = db();
    project(&db);
    pair(
        &db,
        "0003_index_emails",
        "CREATE UNIQUE INDEX users_tenant_email_idx ON users (tenant_id, email);\nALTER TABLE orders ADD COLUMN note text;\n",
        "ALTER TABLE orders DROP COLUMN note;\n",
    );
    insta::assert_snapshot!(transcript(&db, &["check", "roundtrip"]));
    let json = strata(&db, &["check", "roundtrip", "--format", "json"])
        .code(1)
        .json();
    assert_eq!(json["failure"]["version"], "0003");
    assert_eq!(json["failure"]["phase"], "down");
    assert_eq!(
        json["failure"]["differences"][0]["name"],
        "public.users_tenant_email_idx"
    );
    assert!(
        user_tables(&db).is_empty(),
        "the check ran in a scratch database"
    );
}

#[test]
fn roundtrip_reports_a_failing_down_as_a_finding_with_its_file_and_line() {
    let db = db();
    project(&db);
    pair(
        &db,
        "0003_add_note",
        "ALTER TABLE orders ADD COLUMN note text;\n",
        "ALTER TABLE orders\n  DROP COLUMN note text;\n",
    );
    let out = strata(&db, &["check", "roundtrip"]).code(1).says(&[
        "ok      0001_create_users",
        "ok      0002_create_orders",
        "FAILED  0003_add_note",
        "0003_add_note: its down failed:",
        "0003_add_note.down.sql:2:20",
        "run `strata check roundtrip` again",
    ]);
    assert!(
        !out.output().contains("strata down"),
        "the advice is about the file, not about a database the user owns"
    );
    let json = strata(&db, &["check", "roundtrip", "--format", "json"])
        .code(1)
        .json();
    assert_eq!(json["failure"]["version"], "0003");
    assert_eq!(json["failure"]["phase"], "down-failed");
    assert_eq!(json["failure"]["error"]["kind"], "migration");
    assert!(
        user_tables(&db).is_empty(),
        "the check ran in a scratch database"
    );
}

#[test]
fn roundtrip_passes_when_every_down_restores_the_schema() {
    let db = db();
    project(&db);
    strata(&db, &["check", "roundtrip"]).ok().says(&[
        "ok      0001_create_users",
        "ok      0002_create_orders",
        "round trip passed",
    ]);
    strata(&db, &["check", "roundtrip", "--from", "2"])
        .ok()
        .says(&["applied 0001_create_users", "ok      0002_create_orders"]);
}

#[test]
fn verify_scripts_pass_fail_and_never_change_the_database() {
    let db = db();
    project(&db);
    write(
        &db,
        "0001_create_users.verify.sql",
        "SELECT id, tenant_id, email FROM users WHERE false;\n\
         SELECT relrowsecurity FROM pg_class WHERE relname = 'users';\n\
         SELECT count(*) = 4 FROM pg_policies WHERE tablename = 'users';\n\
         CREATE TABLE verify_leftover (x int);\n",
    );
    write(
        &db,
        "0002_create_orders.verify.sql",
        "SELECT 1 FROM pg_matviews WHERE matviewname = 'order_totals';\n\
         SELECT count(*) = 2 FROM pg_indexes WHERE tablename = 'orders';\n",
    );
    strata(&db, &["verify"])
        .ok()
        .says(&["pending 0001_create_users"]);
    strata(&db, &["up"]).ok();
    strata(&db, &["verify"]).ok().says(&[
        "ok      0001_create_users (4 statement(s))",
        "verify: 2 passed, 0 failed",
    ]);
    assert!(!user_tables(&db).contains(&"verify_leftover".to_string()));
    db.execute("DROP INDEX orders_user_id_idx;");
    insta::assert_snapshot!(transcript(&db, &["verify"]));
    strata(&db, &["verify", "1"]).ok();
    let json = strata(&db, &["verify", "--format", "json"]).code(1).json();
    assert_eq!(json["failed"], 1);
    assert_eq!(json["migrations"][1]["outcome"], "failed");
    assert_eq!(json["migrations"][1]["statement"], 2);
}

#[test]
fn diff_between_the_migrations_and_the_database() {
    let db = db();
    project(&db);
    strata(&db, &["up"]).ok();
    strata(&db, &["schema", "diff", "migrations", db.url()])
        .ok()
        .says(&["-- no differences"]);
    db.execute("ALTER TABLE users ADD COLUMN nickname text; DROP POLICY users_delete ON users;");
    insta::assert_snapshot!(transcript(
        &db,
        &["schema", "diff", "dir:migrations", db.url()]
    ));
}

#[test]
fn dump_as_sql_to_a_file_and_as_json() {
    let db = db();
    project(&db);
    strata(&db, &["up"]).ok();
    strata(
        &db,
        &["schema", "dump", "--format", "sql", "-o", "schema.sql"],
    )
    .ok();
    let sql = std::fs::read_to_string(db.dir().join("schema.sql")).unwrap();
    assert!(sql.contains("CREATE TABLE \"public\".\"orders\""), "{sql}");
    assert!(
        !sql.contains("strata_migrations"),
        "the history table is strata's own"
    );
    let json = strata(&db, &["schema", "dump", "--format", "json"])
        .ok()
        .json();
    let tables: Vec<&str> = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["orders", "users"]);
    assert_eq!(json["policies"].as_array().unwrap().len(), 4);
    let only = strata(&db, &["schema", "dump", "-N", "public"]).ok();
    assert!(!only.output().contains("CREATE TABLE"));
}

/// `shadow_url`: `--shadow-url`, then `STRATA_SHADOW_URL`, then `[env.NAME]`, then the top of
/// strata.toml, else the database URL's server. A server that cannot be reached is named with
/// its password replaced.
#[test]
fn shadow_url_from_the_config_file_env_section_and_environment() {
    let db = db();
    table_pair(&db, "0001_a", "a");
    let bad = |port: u16| format!("postgres://postgres:s3cret@127.0.0.1:{port}/postgres");
    db.write_file(
        "strata.toml",
        format!(
            "shadow_url = \"{}\"\n[env.ci]\nshadow_url = \"{}\"\n[env.broken]\nlock_wait = 5\n",
            bad(1),
            db.url()
        ),
    );
    let fails_on = |run: Run, port: u16| {
        let run = run.code(2).says(&[&format!(
            "postgres://postgres:***@127.0.0.1:{port}/postgres"
        )]);
        assert!(!run.output().contains("s3cret"), "{}", run.output());
    };
    // The top level's, for every command that builds a scratch database.
    fails_on(strata(&db, &["check", "roundtrip"]), 1);
    fails_on(strata(&db, &["check", "drift"]), 1);
    fails_on(strata(&db, &["schema", "diff", "migrations", db.url()]), 1);
    // A section without the key keeps the top level's; the [env.ci] section's wins over it.
    fails_on(strata(&db, &["--env", "broken", "check", "roundtrip"]), 1);
    strata(&db, &["--env", "ci", "check", "roundtrip"])
        .ok()
        .says(&["round trip passed"]);
    // The environment beats the file, the flag beats the environment.
    Strata::new(&db)
        .env("STRATA_SHADOW_URL", db.url())
        .args(["check", "roundtrip"])
        .run()
        .ok();
    let flag = Strata::new(&db)
        .env("STRATA_SHADOW_URL", db.url())
        .args(["check", "roundtrip", "--shadow-url", &bad(2)])
        .run();
    fails_on(flag, 2);
    // With `${VAR}` the password can stay out of the file.
    db.write_file(
        "strata.toml",
        "shadow_url = \"postgres://postgres:${SHADOW_PASSWORD}@127.0.0.1:3/postgres\"\n",
    );
    let run = Strata::new(&db)
        .env("SHADOW_PASSWORD", "s3cret")
        .args(["check", "roundtrip"])
        .run();
    fails_on(run, 3);
}

#[test]
fn roundtrip_takes_diesel_versions_of_equal_value_one_at_a_time() {
    let db = db();
    // Lemmy keeps `00000000000000_` and `000000000000000_` directories: two migrations.
    for (dir, up, down) in [
        (
            "00000000000000_a",
            "CREATE TABLE a (id int);\n",
            "DROP TABLE a;\n",
        ),
        (
            "000000000000000_b",
            "CREATE TABLE b (id int);\n",
            "DROP TABLE b;\n",
        ),
        (
            "20190101000000_c",
            "CREATE TABLE c (id int);\n",
            "DROP TABLE c;\n",
        ),
    ] {
        write(&db, &format!("{dir}/up.sql"), up);
        write(&db, &format!("{dir}/down.sql"), down);
    }
    strata(&db, &["check", "roundtrip"]).ok().says(&[
        "ok      00000000000000_a",
        "ok      000000000000000_b",
        "ok      20190101000000_c",
        "round trip passed",
    ]);
}
