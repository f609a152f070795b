//! `load_ups`: the up scripts alone, with down, undo and verify files matched by name only.

use super::{labels, Fixture, SQL};
use crate::source::{load_dir, load_ups, Layout};
use crate::{Checksum, SourceErrorKind, TransactionMode};

#[test]
fn up_scripts_are_read_and_companion_files_are_not() {
    let f = Fixture::new(&[
        ("0001_a.up.sql", "create table a (id int);\n"),
        ("0002_b.up.sql", "create table b (id int);\n"),
        ("0002_b.verify.sql", "select 1 from b;\n"),
        (
            "0003_c.sql",
            "-- migrate:up\ncreate table c (id int);\n-- migrate:down\ndrop table c;\n",
        ),
    ]);
    // Bytes that are not UTF-8: reading the file would be an error.
    f.write("0001_a.down.sql", b"drop table a;\xff\n");
    let full = load_dir(f.path(), Layout::Auto).unwrap_err();
    assert_eq!(full.kind, SourceErrorKind::InvalidUtf8, "{full}");

    let ups = load_ups(f.path(), Layout::Auto).unwrap();
    assert_eq!(labels(&ups), ["0001_a", "0002_b", "0003_c"]);
    assert_eq!(ups[0].up.sql, "create table a (id int);\n");
    assert_eq!(ups[0].checksum, Checksum::of("create table a (id int);\n"));
    assert_eq!(ups[0].down, None, "the down file is not read");
    assert_eq!(ups[1].verify, None, "the verify file is not read");
    // A section of a single file is part of what is read.
    assert_eq!(ups[2].down.as_ref().unwrap().sql, "drop table c;\n");
}

#[test]
fn ups_match_a_full_load_in_everything_but_the_companion_files() {
    let f = Fixture::new(&[
        (
            "0001_a.up.sql",
            "-- strata:no-transaction\ncreate index concurrently i on t (x);\n",
        ),
        ("0001_a.down.sql", "drop index i;\n"),
        (
            "0002_b.up.sql",
            "create table b (id int);\n-- strata:verify\nselect 1 from b;\n",
        ),
        (
            "0003_c.up.sql",
            "-- strata:lock-timeout 30s\nalter table b add column c int;\n",
        ),
    ]);
    let full = load_dir(f.path(), Layout::Auto).unwrap();
    let ups = load_ups(f.path(), Layout::Auto).unwrap();
    assert_eq!(ups.len(), full.len());
    for (u, m) in ups.iter().zip(&full) {
        assert_eq!(u.version, m.version);
        assert_eq!(u.name, m.name);
        assert_eq!(u.up, m.up);
        assert_eq!(u.checksum, m.checksum);
    }
    assert_eq!(ups[0].up.transaction, TransactionMode::None);
    // The verify section is in the up file, so it is read.
    assert_eq!(ups[1].verify, full[1].verify);
    assert!(ups[1].verify.is_some());
}

#[test]
fn names_alone_still_find_orphans_and_duplicates() {
    let f = Fixture::new(&[
        ("0001_a.up.sql", SQL),
        ("0002_b.down.sql", "drop table b;\n"),
    ]);
    let err = load_ups(f.path(), Layout::Auto).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::DownWithoutUp, "{err}");

    let f = Fixture::new(&[
        ("0001_a.up.sql", SQL),
        ("0001_a.verify.sql", "select 1;\n"),
        ("01_a.verify.sql", "select 2;\n"),
    ]);
    let err = load_ups(f.path(), Layout::Auto).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::DuplicateVersion, "{err}");

    // A file name that fits no pattern is refused as by a full load.
    let f = Fixture::new(&[("0001_a.up.sql", SQL), ("notes.sql", SQL)]);
    let err = load_ups(f.path(), Layout::Auto).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::UnrecognizedFile, "{err}");
}

#[test]
fn diesel_metadata_is_still_read() {
    let f = Fixture::new(&[
        ("2024-01-01-000000_a/up.sql", SQL),
        ("2024-01-01-000000_a/down.sql", "drop table t;\n"),
        (
            "2024-01-01-000000_a/metadata.toml",
            "run_in_transaction = false\n",
        ),
    ]);
    let ups = load_ups(f.path(), Layout::Auto).unwrap();
    assert_eq!(ups.len(), 1);
    assert_eq!(ups[0].up.transaction, TransactionMode::None);
    assert_eq!(ups[0].down, None);
}

#[test]
fn flyway_undo_files_are_not_read() {
    let f = Fixture::new(&[("V1__a.sql", SQL)]);
    f.write("U1__a.sql", b"\xfe");
    assert!(load_dir(f.path(), Layout::Flyway).is_err());
    let ups = load_ups(f.path(), Layout::Flyway).unwrap();
    assert_eq!(labels(&ups), ["1_a"]);
    assert_eq!(ups[0].down, None);
}
