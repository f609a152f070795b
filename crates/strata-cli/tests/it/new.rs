//! `strata new NAME` in each layout.

use crate::harness::*;
use std::path::Path;
use strata_test_support::{Engine, TestDb};

/// Runs `new` in a directory holding `files` and returns the created paths (relative to the
/// test directory), checking that text and JSON output agree.
fn new(files: &[(&str, &str)], name: &str) -> (TestDb, Vec<String>) {
    let db = TestDb::new(Engine::Sqlite);
    for (f, text) in files {
        write(&db, f, text);
    }
    let run = strata(&db, &["new", name, "--format", "json"]).ok();
    let created: Vec<String> = run.json()["created"]
        .as_array()
        .expect("created is an array")
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    for c in &created {
        assert!(db.dir().join(c).is_file(), "{c} was not created");
    }
    (db, created)
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn read(db: &TestDb, path: &str) -> String {
    std::fs::read_to_string(db.dir().join(path)).unwrap()
}

#[test]
fn pairs_get_the_next_sequence_number() {
    let (_db, created) = new(
        &[
            ("0001_a.up.sql", "SELECT 1;\n"),
            ("0001_a.down.sql", "SELECT 1;\n"),
        ],
        "Add users-table",
    );
    assert_eq!(
        created,
        [
            "migrations/0002_add_users_table.up.sql",
            "migrations/0002_add_users_table.down.sql"
        ]
    );
}

#[test]
fn an_empty_directory_gets_a_timestamped_pair_and_text_output() {
    let db = TestDb::new(Engine::Sqlite);
    let run = strata(&db, &["new", "init"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    let up = lines[0].strip_prefix("created migrations/").unwrap();
    let (version, rest) = up.split_once('_').unwrap();
    assert!(digits(version) && version.len() == 14, "{up}");
    assert_eq!(rest, "init.up.sql");
    assert_eq!(
        lines[1],
        format!("created migrations/{version}_init.down.sql")
    );
    // A new migration holds only the template line, and is refused until it is written.
    strata(&db, &["up"])
        .code(2)
        .says(&["the up script is still the template `strata new` wrote"]);
    assert!(db.tables().is_empty());
    // Once written, even as a comment saying it does nothing, it applies.
    let up = format!("migrations/{version}_init.up.sql");
    std::fs::write(
        db.dir().join(&up),
        "-- nothing to do: kept for the history\n",
    )
    .unwrap();
    strata(&db, &["up"])
        .ok()
        .says(&["has no statements; it will be recorded as applied without running anything"]);
}

#[test]
fn single_files_with_and_without_dbmate_sections() {
    let (db, created) = new(&[("0001_a.sql", "SELECT 1;\n")], "b");
    assert_eq!(created, ["migrations/0002_b.sql"]);
    assert_eq!(read(&db, &created[0]), TEMPLATE);

    let dbmate = "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n";
    let (db, created) = new(&[("20240101000000_a.sql", dbmate)], "b");
    assert_eq!(created.len(), 1);
    let file = created[0].strip_prefix("migrations/").unwrap();
    let (version, rest) = file.split_once('_').unwrap();
    assert!(
        digits(version) && version.len() == 14 && version > "20240101000000",
        "{file}"
    );
    assert_eq!(rest, "b.sql");
    let text = read(&db, &created[0]);
    assert_eq!(
        text,
        format!("-- migrate:up\n{TEMPLATE}\n-- migrate:down\n\n")
    );
    strata(&db, &["validate"])
        .code(1)
        .says(&["still the template `strata new` wrote"]);
}

/// The up script `strata new` writes.
const TEMPLATE: &str =
    "-- Write the migration here. strata refuses to apply it while this line is all it holds.\n";

#[test]
fn diesel_directories() {
    let (db, created) = new(
        &[
            ("2017-08-31-230457_a/up.sql", "SELECT 1;\n"),
            ("2017-08-31-230457_a/down.sql", ""),
        ],
        "b",
    );
    assert_eq!(created.len(), 2);
    let dir = Path::new(&created[0]).parent().unwrap();
    let name = dir.file_name().unwrap().to_str().unwrap();
    // YYYY-MM-DD-HHMMSS_b
    let (stamp, rest) = name.split_once('_').unwrap();
    assert_eq!(rest, "b");
    let parts: Vec<&str> = stamp.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [4, 2, 2, 6],
        "{name}"
    );
    assert!(parts.iter().all(|p| digits(p)), "{name}");
    assert_eq!(created[0], format!("migrations/{name}/up.sql"));
    assert_eq!(created[1], format!("migrations/{name}/down.sql"));
    assert!(db.dir().join(dir).is_dir());
}

#[test]
fn flyway_gets_the_next_major_version() {
    let (_db, created) = new(
        &[
            ("V1__a.sql", "SELECT 1;\n"),
            ("V2.1__b.sql", "SELECT 1;\n"),
            ("R__v.sql", "SELECT 1;\n"),
        ],
        "c",
    );
    assert_eq!(created, ["migrations/V3__c.sql"]);
}

#[test]
fn a_name_without_letters_is_refused() {
    let db = TestDb::new(Engine::Sqlite);
    strata(&db, &["new", "--", "--"])
        .code(2)
        .says(&["has no letters or digits"]);
    assert!(
        !db.dir().join(DIR).exists()
            || std::fs::read_dir(db.dir().join(DIR))
                .unwrap()
                .next()
                .is_none()
    );
}
