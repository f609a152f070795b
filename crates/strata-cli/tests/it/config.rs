//! Where settings come from: `--database-url`, `[env.NAME]` in `strata.toml`, `DATABASE_URL`,
//! `.env`, the top of `strata.toml`, in that order; directories relative to the config file.

use crate::harness::*;
use std::path::Path;
use strata_test_support::{Engine, TestDb};

/// A project directory with one migration in `dir` (relative to the project).
fn project(dir: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temp dir");
    let d = root.path().join(dir);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("0001_a.up.sql"), "CREATE TABLE a (id INTEGER);\n").unwrap();
    std::fs::write(d.join("0001_a.down.sql"), "DROP TABLE a;\n").unwrap();
    root
}

fn put(root: &Path, file: &str, text: &str) {
    std::fs::write(root.join(file), text).unwrap();
}

/// Which of `dbs` have been migrated (by index).
fn migrated(dbs: &[TestDb]) -> Vec<usize> {
    (0..dbs.len())
        .filter(|&i| dbs[i].tables().contains(&"a".to_string()))
        .collect()
}

#[test]
fn each_source_of_the_url_overrides_the_ones_below_it() {
    let dbs: Vec<TestDb> = (0..5).map(|_| TestDb::new(Engine::Sqlite)).collect();
    let root = project("migrations");
    let p = root.path();
    put(
        p,
        "strata.toml",
        &format!(
            "database_url = \"{}\"\n\n[env.staging]\ndatabase_url = \"{}\"\n",
            dbs[0].url(),
            dbs[3].url()
        ),
    );
    Strata::bare(p).args(["up"]).run().ok();
    assert_eq!(migrated(&dbs), [0], "the top of strata.toml");

    put(
        p,
        ".env",
        &format!("# local settings\nDATABASE_URL={}\n", dbs[1].url()),
    );
    Strata::bare(p).args(["up"]).run().ok();
    assert_eq!(migrated(&dbs), [0, 1], ".env over strata.toml");

    let env = |s: Strata| s.env("DATABASE_URL", dbs[2].url());
    env(Strata::bare(p)).args(["up"]).run().ok();
    assert_eq!(migrated(&dbs), [0, 1, 2], "DATABASE_URL over .env");

    env(Strata::bare(p))
        .args(["--env", "staging", "up"])
        .run()
        .ok();
    assert_eq!(
        migrated(&dbs),
        [0, 1, 2, 3],
        "[env.staging] over DATABASE_URL"
    );

    env(Strata::bare(p))
        .args(["up", "--env", "staging", "--database-url", dbs[4].url()])
        .run()
        .ok();
    assert_eq!(
        migrated(&dbs),
        [0, 1, 2, 3, 4],
        "--database-url over everything"
    );
}

#[test]
fn env_sections_override_the_directory_too_and_unknown_ones_are_refused() {
    let db = TestDb::new(Engine::Sqlite);
    let root = project("migrations");
    let p = root.path();
    std::fs::create_dir_all(p.join("other")).unwrap();
    put(
        &p.join("other"),
        "0001_b.up.sql",
        "CREATE TABLE b (id INTEGER);\n",
    );
    put(
        p,
        "strata.toml",
        &format!(
            "database_url = \"{url}\"\n[env.ci]\ndir = \"other\"\n[env.dev]\nhistory_table = \"dev_history\"\n",
            url = db.url()
        ),
    );
    Strata::bare(p).args(["--env", "ci", "up"]).run().ok();
    assert_eq!(db.tables(), with_history(&["b"]));
    Strata::bare(p).args(["--env", "dev", "up"]).run().ok();
    assert_eq!(
        db.tables(),
        ["a", "b", "dev_history", "strata_migrations"],
        "each env keeps its own history table"
    );
    unchanged(&db, || {
        Strata::bare(p)
            .args(["--env", "prod", "up"])
            .run()
            .code(2)
            .says(&["no [env.prod] section in the config file (known: ci, dev)"]);
    });
}

#[test]
fn config_file_directories_are_relative_to_the_file_and_values_expand_variables() {
    let db = TestDb::new(Engine::Sqlite);
    let root = project("project/db/migrations");
    let p = root.path();
    put(
        &p.join("project"),
        "strata.toml",
        "database_url = \"${STRATA_TEST_URL}\"\ndir = \"db/migrations\"\n",
    );
    Strata::bare(p)
        .args(["--config", "project/strata.toml", "up"])
        .env("STRATA_TEST_URL", db.url())
        .run()
        .ok();
    assert_eq!(db.tables(), with_history(&["a"]));
    // An unset variable is an error that names it.
    Strata::bare(p)
        .args(["--config", "project/strata.toml", "status"])
        .run()
        .code(2)
        .says(&["${STRATA_TEST_URL}, which is not set"]);
    // A config file given explicitly must exist; a broken one is refused with its position.
    Strata::bare(p)
        .args(["--config", "nope.toml", "status"])
        .run()
        .code(2)
        .says(&["cannot read the config file nope.toml"]);
    put(p, "bad.toml", "database_url = \"x\"\nfolder = \"y\"\n");
    Strata::bare(p)
        .args(["--config", "bad.toml", "status"])
        .run()
        .code(2)
        .says(&["bad.toml", "unknown field `folder`"]);
}

#[test]
fn dotenv_and_the_default_directory() {
    let db = TestDb::new(Engine::Sqlite);
    let root = project("migrations");
    let p = root.path();
    // No strata.toml: `migrations` in the working directory, the URL from .env.
    put(p, ".env", &format!("DATABASE_URL=\"{}\"\n", db.url()));
    Strata::bare(p).args(["up"]).run().ok();
    assert_eq!(db.tables(), with_history(&["a"]));
    // An empty DATABASE_URL counts as unset.
    Strata::bare(p)
        .env("DATABASE_URL", "")
        .args(["status", "--check"])
        .run()
        .ok();
}

#[test]
fn no_url_anywhere_says_where_to_put_one_and_passwords_are_never_printed() {
    let root = project("migrations");
    let p = root.path();
    Strata::bare(p)
        .args(["up"])
        .run()
        .code(2)
        .says(&["no database URL: pass --database-url, set DATABASE_URL"]);
    let run = Strata::bare(p)
        .args([
            "up",
            "--database-url",
            "postgres://admin:hunter2@db.example/app",
        ])
        .run()
        .code(2)
        .says(&["postgres://admin:***@db.example/app"]);
    assert!(!run.output().contains("hunter2"), "{}", run.output());
    let run = Strata::bare(p)
        .env("DATABASE_URL", "mysql://root:s3cret@localhost/app")
        .args(["status", "--format", "json"])
        .run()
        .code(2);
    assert!(!run.output().contains("s3cret"), "{}", run.output());
    assert!(run.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("from DATABASE_URL"));
}

#[test]
fn a_layout_set_in_the_config_file_accepts_only_its_own_files() {
    let db = TestDb::new(Engine::Sqlite);
    let root = project("migrations");
    let p = root.path();
    put(
        p,
        "strata.toml",
        &format!("database_url = \"{}\"\nformat = \"flyway\"\n", db.url()),
    );
    unchanged(&db, || {
        Strata::bare(p).args(["up"]).run().code(2).says(&[
            "migrations/0001_a.down.sql",
            "this is named like an up/down pair file (`pairs` layout), but the configured layout is `flyway`",
        ]);
    });
    put(
        p,
        "strata.toml",
        &format!("database_url = \"{}\"\nlayout = \"pairs\"\n", db.url()),
    );
    Strata::bare(p).args(["up"]).run().ok();
    assert_eq!(db.tables(), with_history(&["a"]));
}

#[test]
fn validate_without_a_database_reads_dollar_quoted_files_as_postgresql() {
    let root = project("migrations");
    let p = root.path();
    put(
        p,
        "migrations/0002_b.up.sql",
        "DO $$\nBEGIN\n  PERFORM 1;\nEND $$;\n",
    );
    // A stray COMMIT is still one.
    put(
        p,
        "migrations/0003_c.up.sql",
        "ALTER TABLE a ADD COLUMN b int;\nCOMMIT;\nUPDATE a SET b = 1;\n",
    );
    let run = Strata::bare(p)
        .args(["--dir", "migrations", "validate"])
        .run()
        .ok();
    let out = run.output();
    assert!(
        !out.contains("0002_b.up.sql:4"),
        "the END closing a DO block is no COMMIT:\n{out}"
    );
    assert!(out.contains("0003_c.up.sql:2:1"), "{out}");
}
