//! `strata lint`: output formats, exit codes, suppression, configuration, and which migrations
//! it checks (pending ones with a database, all of them without).

use crate::harness::*;
use std::path::Path;
use strata_test_support::{Engine, TestDb};

/// A project directory with `migrations/` holding `files`.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir_all(root.path().join("migrations")).unwrap();
    for (name, text) in files {
        std::fs::write(root.path().join("migrations").join(name), text).unwrap();
    }
    root
}

fn lint(root: &Path, args: &[&str]) -> Run {
    Strata::bare(root).args(["lint"]).args(args).run()
}

/// `(rule, file, line, column, severity)` of each JSON finding.
fn findings(run: &Run) -> Vec<(String, String, u64, u64, String)> {
    run.json()["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The (rule, file) of each finding above hint severity.
fn rule_files(run: &Run) -> Vec<(String, String)> {
    findings(run)
        .into_iter()
        .filter(|f| f.4 != "hint")
        .map(|f| (f.0, f.1))
        .collect()
}

const RISKY: &str = "SET lock_timeout = '5s';\nCREATE TABLE IF NOT EXISTS audit (id bigint);\n\nCREATE INDEX users_email ON users (email);\n";

#[test]
fn json_lists_findings_with_one_based_positions_and_exits_1() {
    let root = project(&[("0001_idx.sql", RISKY)]);
    let run = lint(root.path(), &["--format", "json"]).code(1);
    assert_eq!(
        findings(&run),
        [(
            "create-index-nonconcurrent".into(),
            "migrations/0001_idx.sql".into(),
            4,
            1,
            "warning".into()
        )]
    );
    let f = &run.json()["findings"][0];
    for key in ["message", "help"] {
        assert!(f[key].as_str().is_some_and(|s| !s.is_empty()), "{key}: {f}");
    }
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn text_shows_a_code_frame_and_a_summary() {
    let root = project(&[("0001_idx.sql", RISKY)]);
    lint(root.path(), &[]).code(1).says(&[
        "warning[create-index-nonconcurrent]",
        "--> migrations/0001_idx.sql:4:1",
        "4 | CREATE INDEX users_email ON users (email);",
        "help: use CREATE INDEX CONCURRENTLY",
        "Checked 1 file(s): 1 warning.",
    ]);
}

#[test]
fn github_annotations() {
    let root = project(&[("0001_idx.sql", RISKY)]);
    let run = lint(root.path(), &["--format", "github"]).code(1);
    let line = run.stdout.lines().next().unwrap_or_default();
    assert!(
        line.starts_with(
            "::warning file=migrations/0001_idx.sql,line=4,col=1,endLine=4,endColumn=42,title=strata lint%3A create-index-nonconcurrent::CREATE INDEX on existing table users"
        ),
        "{line}"
    );
    assert!(line.contains("%0Ahelp: "), "{line}");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
}

#[test]
fn exit_code_follows_fail_on() {
    let hints_only = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n";
    let root = project(&[("0001_t.sql", hints_only)]);
    let run = lint(root.path(), &["--format", "json"]).code(0);
    assert_eq!(findings(&run)[0].0, "prefer-timestamptz");
    lint(root.path(), &["--fail-on", "hint"]).code(1);
    let root = project(&[("0001_idx.sql", RISKY)]);
    lint(root.path(), &["--fail-on", "error"]).code(0);
    lint(root.path(), &["--fail-on", "never"]).code(0);
    let root = project(&[("0001_bad.sql", "CREATE TABEL t (id int);\n")]);
    let run = lint(root.path(), &["--fail-on", "error", "--format", "json"]).code(1);
    assert_eq!(findings(&run)[0].0, "syntax-error");
    assert_eq!(findings(&run)[0].2, 1);
}

#[test]
fn the_no_transaction_directive_is_honoured() {
    let cic = "CREATE INDEX CONCURRENTLY users_email ON users (email);\n";
    let mixed = format!("ALTER TABLE users ADD COLUMN note text;\n{cic}");
    let root = project(&[
        ("0001_a.sql", &mixed),
        ("0002_b.sql", &format!("-- strata:no-transaction\n{mixed}")),
        // Nothing but statements that cannot run in a transaction: strata runs it without one.
        ("0003_c.sql", cic),
    ]);
    let run = lint(root.path(), &["--format", "json", "--all"]).code(1);
    let rules = rule_files(&run);
    assert_eq!(
        rules,
        [(
            "concurrently-in-transaction".to_string(),
            "migrations/0001_a.sql".to_string()
        )]
    );
}

#[test]
fn suppression_comments_and_configured_levels() {
    let sql = "SET lock_timeout = '5s';\n-- strata:ignore create-index-nonconcurrent\nCREATE INDEX a ON users (a);\nALTER TABLE users DROP COLUMN legacy;\n";
    let root = project(&[("0001_a.sql", sql)]);
    let run = lint(root.path(), &["--format", "json"]).code(1);
    let rules: Vec<String> = findings(&run).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["drop-column"]);
    std::fs::write(
        root.path().join("strata.toml"),
        "[lint]\nrules = { \"drop-column\" = \"off\", \"prefer-text\" = \"error\" }\npg_version = 14\n",
    )
    .unwrap();
    lint(root.path(), &[]).code(0).says(&["no findings"]);
    std::fs::write(
        root.path().join("strata.toml"),
        "[lint]\nrules = { \"no-such-rule\" = \"off\" }\n",
    )
    .unwrap();
    lint(root.path(), &[])
        .code(2)
        .says(&["unknown lint rule `no-such-rule`"]);
}

#[test]
fn pg_version_changes_the_advice() {
    let sql = "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;\n";
    let root = project(&[("0001_a.sql", sql)]);
    lint(root.path(), &[]).code(0);
    let run = lint(root.path(), &["--pg-version", "10", "--format", "json"]).code(1);
    assert_eq!(findings(&run)[0].0, "add-column-rewrite");
}

#[test]
fn paths_outside_the_project_are_linted_on_their_own() {
    let root = project(&[]);
    std::fs::write(
        root.path().join("a.sql"),
        "CREATE POLICY p ON profiles USING (true);\n",
    )
    .unwrap();
    std::fs::write(
        root.path().join("b.sql"),
        "ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\n",
    )
    .unwrap();
    let run = lint(root.path(), &["a.sql", "b.sql", "--format", "json"]).code(1);
    let rules = rule_files(&run);
    assert_eq!(
        rules,
        [("rls-without-policy".to_string(), "b.sql".to_string())]
    );
    lint(root.path(), &["missing.sql"]).code(2);
}

#[test]
fn with_a_database_only_pending_migrations_are_linted() {
    let db = TestDb::new(Engine::Sqlite);
    write(&db, "0001_users.sql", "CREATE TABLE users (id integer, email varchar(100));\nCREATE INDEX users_id ON users (id);\n");
    strata(&db, &["up"]).ok();
    write(
        &db,
        "0002_email.sql",
        "CREATE INDEX users_email ON users (email);\n",
    );
    let run = strata(&db, &["lint", "--format", "json"]).code(1);
    let linted = rule_files(&run);
    assert_eq!(
        linted,
        [(
            "create-index-nonconcurrent".to_string(),
            "migrations/0002_email.sql".to_string()
        )]
    );
    let run = strata(&db, &["lint", "--all", "--format", "json"]).code(1);
    assert!(findings(&run)
        .iter()
        .any(|f| f.1 == "migrations/0001_users.sql"));
    strata(&db, &["up"]).ok();
    strata(&db, &["lint"]).ok().says(&["Nothing to lint"]);
}

#[test]
fn up_refuses_error_findings_on_postgres_unless_allowed() {
    let db = TestDb::new(Engine::Postgres);
    write(
        &db,
        "0001_mood.sql",
        "CREATE TYPE mood AS ENUM ('ok');\nCREATE TABLE feelings (m mood);\n",
    );
    strata(&db, &["up"]).ok();
    write(
        &db,
        "0002_meh.sql",
        "ALTER TYPE mood ADD VALUE 'meh';\nINSERT INTO feelings VALUES ('meh');\n",
    );
    strata(&db, &["up"]).code(2).says(&[
        "error[enum-value-used-in-transaction]",
        "refusing to apply: strata lint found 1 error(s)",
        "migrations/0002_meh.sql:2:",
        "--allow-unsafe",
    ]);
    let run = strata(&db, &["up", "--format", "json"]).code(2);
    assert!(run.json()["error"]
        .to_string()
        .contains("enum-value-used-in-transaction"));
    // Allowed, PostgreSQL itself rejects the migration.
    strata(&db, &["up", "--allow-unsafe"])
        .code(2)
        .says(&["unsafe use of new value"]);
    // Warnings do not block.
    write(
        &db,
        "0002_meh.sql",
        "ALTER TYPE mood ADD VALUE 'meh';\nCREATE INDEX feelings_m ON feelings (m);\n",
    );
    strata(&db, &["up"]).ok();
}

/// A project with findings of every level, including one in a code frame of several lines.
fn findings_project() -> tempfile::TempDir {
    project(&[
        (
            "0001_users.sql",
            "CREATE TABLE users (id serial PRIMARY KEY, email varchar(100), created timestamp);\n",
        ),
        (
            "0002_email.sql",
            "SET lock_timeout = '5s';\nCREATE INDEX users_email ON users (email);\nALTER TABLE users\n  ALTER COLUMN email TYPE int USING 0;\nCREATE INDEX CONCURRENTLY users_created ON users (created);\n",
        ),
    ])
}

#[test]
fn text_json_and_github_output_snapshots() {
    let root = findings_project();
    let run = lint(root.path(), &[]).code(1);
    insta::assert_snapshot!("lint_text", run.transcript(root.path()));
    let run = lint(root.path(), &["--format", "json"]).code(1);
    assert!(
        run.json().get("measurements").is_none(),
        "no measurements without --measure"
    );
    insta::assert_snapshot!("lint_json", run.transcript(root.path()));
    let run = lint(root.path(), &["--format", "github"]).code(1);
    insta::assert_snapshot!("lint_github", run.transcript(root.path()));
}

/// A run's transcript with what changes from run to run replaced: the temp directory, the
/// server's version, the test database's URL.
fn measured_transcript(db: &TestDb, run: &Run) -> String {
    let mut text = run.transcript(db.dir());
    text = text.replace(&strata::redact_url(db.url()), "[URL]");
    for prefix in ["PostgreSQL ", "\"server_version\": \""] {
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(prefix) {
            out.push_str(&rest[..at + prefix.len()]);
            rest = &rest[at + prefix.len()..];
            let version = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                    .len();
            if version > 0 {
                out.push_str("[VERSION]");
                rest = &rest[version..];
            }
        }
        out.push_str(rest);
        text = out;
    }
    text
}

/// The measurements of a JSON run as `(line, status, locks as "mode relation", rewrites)`.
fn measurements(run: &Run) -> Vec<(u64, String, Vec<String>, Vec<String>)> {
    run.json()["measurements"]
        .as_array()
        .expect("measurements is an array")
        .iter()
        .map(|m| {
            let strings = |key: &str, f: &dyn Fn(&serde_json::Value) -> String| {
                m[key].as_array().unwrap().iter().map(f).collect::<Vec<_>>()
            };
            (
                m["line"].as_u64().unwrap_or(0),
                m["status"].as_str().unwrap().to_string(),
                strings("locks", &|l| {
                    format!(
                        "{} {}",
                        l["mode"].as_str().unwrap(),
                        l["relation"].as_str().unwrap()
                    )
                }),
                strings("rewrites", &|r| r["relation"].as_str().unwrap().to_string()),
            )
        })
        .collect()
}

#[test]
fn measure_shows_the_locks_and_rewrites_postgres_took() {
    let db = TestDb::new(Engine::Postgres);
    write(
        &db,
        "0001_init.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, c int);\nCREATE TABLE u (id bigint, c int);\nCREATE TABLE w (id bigint);\nINSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;\n",
    );
    strata(&db, &["up"]).ok();
    write(
        &db,
        "0002_change.sql",
        "SET lock_timeout = '5s';\nALTER TABLE t ALTER COLUMN c TYPE bigint;\nCREATE INDEX u_c ON u (c);\nALTER TABLE w ADD COLUMN x int;\n",
    );
    write(
        &db,
        "0003_index.sql",
        "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY w_x ON w (x);\n",
    );
    let run = strata(&db, &["lint", "--measure", "--fail-on", "error"]).ok();
    insta::assert_snapshot!("measure_text", measured_transcript(&db, &run));
    let run = strata(&db, &["lint", "--measure", "--format", "json"]).code(1);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        measurements(&run),
        [
            (1, "measured".into(), s(&[]), s(&[])),
            (
                2,
                "measured".into(),
                s(&[
                    "AccessExclusiveLock public.t",
                    "ShareLock public.t",
                    "AccessExclusiveLock public.t_pkey"
                ]),
                s(&["public.t", "public.t_pkey"])
            ),
            (3, "measured".into(), s(&["ShareLock public.u"]), s(&[])),
            (
                4,
                "measured".into(),
                s(&["AccessExclusiveLock public.w"]),
                s(&[])
            ),
            (2, "not-measured".into(), s(&[]), s(&[])),
        ]
    );
    // The findings are those of a run without --measure.
    let plain = strata(&db, &["lint", "--format", "json"]).code(1);
    assert_eq!(run.json()["findings"], plain.json()["findings"]);
    let run = strata(&db, &["lint", "--measure", "--format", "github"]).code(1);
    assert!(
        run.stdout.contains("::notice file=migrations/0002_change.sql,line=2,col=1,title=strata lint --measure::ALTER TABLE t ALTER COLUMN c TYPE bigint: took AccessExclusiveLock on public.t, public.t_pkey; ShareLock on public.t; rewrote public.t, index public.t_pkey"),
        "{}",
        run.stdout
    );
    // Nothing ran for real.
    assert_eq!(versions(&db), applied(&["0001"]));
    assert_eq!(
        db.query_strings(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'c'"
        ),
        ["integer"]
    );
    assert_eq!(user_tables(&db), ["t", "u", "w"]);
    assert!(db.indexes().is_empty(), "{:?}", db.indexes());
}

#[test]
fn measure_reports_failures_and_stops_at_a_migration_that_cannot_apply() {
    let db = TestDb::new(Engine::Postgres);
    write(&db, "0001_init.sql", "CREATE TABLE t (id bigint);\n");
    write(
        &db,
        "0002_bad.sql",
        "ALTER TABLE t ADD COLUMN a int;\nUPDATE missing SET a = 1 WHERE a = 0;\nCREATE INDEX t_a ON t (a);\n",
    );
    write(&db, "0003_next.sql", "ALTER TABLE t ADD COLUMN b int;\n");
    let run = strata(&db, &["lint", "--measure", "--fail-on", "never"]).ok();
    insta::assert_snapshot!("measure_failures", measured_transcript(&db, &run));
    let run = strata(&db, &["lint", "--measure", "--format", "json"]).code(1);
    let m = &run.json()["measurements"];
    assert_eq!(m[2]["status"], "failed");
    assert_eq!(m[2]["error"]["code"], "42P01");
    assert_eq!(
        (
            m[2]["error"]["line"].as_u64(),
            m[2]["error"]["column"].as_u64()
        ),
        (Some(2), Some(8))
    );
    // The statement after the failure is measured without it.
    assert_eq!(m[3]["locks"][0]["mode"], "ShareLock");
    assert_eq!(m[4]["file"], "migrations/0003_next.sql");
    assert_eq!(m[4]["reason"]["kind"], "earlier-migration-failed");
    assert!(versions(&db).is_empty());
}

#[test]
fn measure_needs_a_postgres_server() {
    let db = TestDb::new(Engine::Sqlite);
    write(&db, "0001_t.sql", "CREATE TABLE t (id bigint);\n");
    strata(&db, &["lint", "--measure"])
        .code(2)
        .says(&["measuring locks needs a PostgreSQL server", "--shadow-url"]);
    let root = project(&[("0001_t.sql", "CREATE TABLE t (id bigint);\n")]);
    lint(root.path(), &["--measure"])
        .code(2)
        .says(&["a scratch database is needed", "--shadow-url"]);
}
