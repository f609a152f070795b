//! `strata new`: detecting a directory's shape and creating the next migration in it.

use super::{Fixture, SQL};
use crate::source::new::{civil_from_days, diesel_version, sanitize, timestamp};
use crate::source::{create_migration, detect_shape, read_dir, Layout, Shape, Versioning};
use crate::SourceErrorKind;
use std::fs;
use std::path::Path;

/// 2025-11-15 12:00:00 UTC.
const NOW: u64 = 1_763_208_000;

fn shape_of(f: &Fixture, layout: Layout) -> Shape {
    detect_shape(&read_dir(f.path()).unwrap(), layout).unwrap()
}

fn created(f: &Fixture, name: &str, shape: Shape) -> Vec<String> {
    let paths = create_migration(f.path(), name, shape, NOW).unwrap();
    paths.iter().map(|p| relative(f.path(), p)).collect()
}

fn relative(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn civil_dates() {
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(59), (1970, 3, 1));
    assert_eq!(civil_from_days(365), (1971, 1, 1));
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    assert_eq!(civil_from_days(11_017), (2000, 3, 1));
    assert_eq!(civil_from_days(47_540), (2100, 2, 28));
    assert_eq!(civil_from_days(47_541), (2100, 3, 1));
    assert_eq!(timestamp(0), "19700101000000");
    assert_eq!(timestamp(951_782_400), "20000229000000");
    assert_eq!(timestamp(NOW), "20251115120000");
    assert_eq!(timestamp(1_785_420_000), "20260730140000");
    assert_eq!(timestamp(4_102_444_799), "20991231235959");
    assert_eq!(timestamp(253_402_300_799), "99991231235959");
}

#[test]
fn names_are_sanitized() {
    assert_eq!(sanitize("add_users").as_deref(), Some("add_users"));
    assert_eq!(
        sanitize("Add users-Table").as_deref(),
        Some("add_users_table")
    );
    assert_eq!(sanitize("  --add  email!! ").as_deref(), Some("add_email"));
    assert_eq!(sanitize("v2.1 fix").as_deref(), Some("v2_1_fix"));
    assert_eq!(sanitize(" - ").as_deref(), None);
    assert_eq!(sanitize("").as_deref(), None);
}

#[test]
fn diesel_versions_are_formatted_with_dashes() {
    assert_eq!(diesel_version("20251115120000"), "2025-11-15-120000");
    assert_eq!(
        diesel_version("202607301400000000"),
        "2026-07-30-140000-0000"
    );
    assert_eq!(diesel_version("42"), "42");
}

#[test]
fn detect_shape_of_each_layout() {
    let empty = Fixture::new(&[]);
    let s = shape_of(&empty, Layout::Auto);
    assert_eq!(
        (s.layout, s.versioning, s.sections),
        (Layout::Pairs, Versioning::Timestamp, false)
    );
    assert_eq!(
        shape_of(&empty, Layout::Flyway).versioning,
        Versioning::Sequence
    );
    assert_eq!(
        shape_of(&empty, Layout::Diesel).versioning,
        Versioning::Timestamp
    );

    let pairs = Fixture::new(&[
        ("0001_a.up.sql", SQL),
        ("0001_a.down.sql", SQL),
        ("0002_b.up.sql", SQL),
    ]);
    let s = shape_of(&pairs, Layout::Auto);
    assert_eq!(
        (s.layout, s.versioning),
        (Layout::Pairs, Versioning::Sequence)
    );

    let supabase = Fixture::new(&[("20251115120000_a.sql", SQL), ("README.md", "")]);
    let s = shape_of(&supabase, Layout::Auto);
    assert_eq!(
        (s.layout, s.versioning, s.sections),
        (Layout::Single, Versioning::Timestamp, false)
    );

    let dbmate = Fixture::new(&[(
        "20240101000000_a.sql",
        "-- migrate:up\nselect 1;\n-- migrate:down\n",
    )]);
    assert!(shape_of(&dbmate, Layout::Auto).sections);

    let diesel = Fixture::new(&[
        ("00000000000000_diesel_initial_setup/up.sql", SQL),
        ("1_a/up.sql", SQL),
    ]);
    let s = shape_of(&diesel, Layout::Auto);
    assert_eq!(
        (s.layout, s.versioning),
        (Layout::Diesel, Versioning::Timestamp)
    );

    let flyway = Fixture::new(&[("V1__a.sql", SQL), ("V2__b.sql", SQL), ("R__v.sql", SQL)]);
    let s = shape_of(&flyway, Layout::Auto);
    assert_eq!(
        (s.layout, s.versioning),
        (Layout::Flyway, Versioning::Sequence)
    );

    // The most common layout wins; a tie goes to the newest migration's.
    let mixed = Fixture::new(&[("1_a.sql", SQL), ("2_b.sql", SQL), ("3_c.up.sql", SQL)]);
    assert_eq!(shape_of(&mixed, Layout::Auto).layout, Layout::Single);
    let tie = Fixture::new(&[("1_a.sql", SQL), ("2_b.up.sql", SQL)]);
    assert_eq!(shape_of(&tie, Layout::Auto).layout, Layout::Pairs);

    // An explicit layout is kept, and other files are refused.
    assert_eq!(shape_of(&pairs, Layout::Pairs).layout, Layout::Pairs);
    let err = detect_shape(&read_dir(pairs.path()).unwrap(), Layout::Single).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::UnrecognizedFile);
}

#[test]
fn create_pairs_with_sequence_numbers() {
    let f = Fixture::new(&[
        ("0001_a.up.sql", SQL),
        ("0003_c.up.sql", SQL),
        ("0002_b.up.sql", SQL),
    ]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(
        created(&f, "Add users", shape),
        ["0004_add_users.up.sql", "0004_add_users.down.sql"]
    );
    assert_eq!(
        fs::read_to_string(f.path().join("0004_add_users.up.sql")).unwrap(),
        crate::source::new::UP_TEMPLATE
    );
    assert_eq!(
        fs::read_to_string(f.path().join("0004_add_users.down.sql")).unwrap(),
        ""
    );
    // The new migration is refused until written.
    let err = super::super::load_dir(f.path(), Layout::Auto).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::EmptyUp);
    // Unpadded sequences stay unpadded.
    let f = Fixture::new(&[("9_a.up.sql", SQL)]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(created(&f, "b", shape)[0], "10_b.up.sql");
}

#[test]
fn create_in_an_empty_or_missing_directory() {
    let f = Fixture::new(&[]);
    let dir = f.path().join("db/migrations");
    let shape = Shape::new(Layout::Pairs, Versioning::Timestamp, false);
    let paths = create_migration(&dir, "init", shape, NOW).unwrap();
    assert_eq!(
        paths,
        [
            dir.join("20251115120000_init.up.sql"),
            dir.join("20251115120000_init.down.sql")
        ]
    );
    let f = Fixture::new(&[]);
    let shape = Shape::new(Layout::Single, Versioning::Sequence, false);
    assert_eq!(created(&f, "init", shape), ["0001_init.sql"]);
    let f = Fixture::new(&[]);
    let shape = Shape::new(Layout::Auto, Versioning::Sequence, false);
    assert_eq!(
        created(&f, "init", shape),
        ["20251115120000_init.up.sql", "20251115120000_init.down.sql"]
    );
}

#[test]
fn create_single_files_with_timestamps_and_sections() {
    let f = Fixture::new(&[("20240101000000_a.sql", "-- migrate:up\nselect 1;\n")]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(created(&f, "b", shape), ["20251115120000_b.sql"]);
    let text = fs::read_to_string(f.path().join("20251115120000_b.sql")).unwrap();
    assert_eq!(
        text,
        format!(
            "-- migrate:up\n{}\n-- migrate:down\n\n",
            crate::source::new::UP_TEMPLATE
        )
    );
    // A fresh file is refused until its up section is written.
    let err = super::super::load_dir(f.path(), Layout::Auto).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::EmptyUp);
    let f = Fixture::new(&[("20240101000000_a.sql", SQL)]);
    let shape = shape_of(&f, Layout::Auto);
    created(&f, "b", shape);
    assert_eq!(
        fs::read_to_string(f.path().join("20251115120000_b.sql")).unwrap(),
        crate::source::new::UP_TEMPLATE
    );
}

#[test]
fn a_timestamp_not_above_the_highest_version_is_bumped() {
    let f = Fixture::new(&[("20301231235959_future.sql", SQL)]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(created(&f, "b", shape), ["20301231235960_b.sql"]);
    let f = Fixture::new(&[("20251115120000_same_second.sql", SQL)]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(created(&f, "b", shape), ["20251115120001_b.sql"]);
}

#[test]
fn create_diesel_directories() {
    let f = Fixture::new(&[("00000000000000_diesel_initial_setup/up.sql", SQL)]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(
        created(&f, "create_posts", shape),
        [
            "2025-11-15-120000_create_posts/up.sql",
            "2025-11-15-120000_create_posts/down.sql"
        ]
    );
    // Longer timestamps get as many digits, so the date still orders them.
    let f = Fixture::new(&[("2024-07-30-140000-0000_z/up.sql", SQL)]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(
        created(&f, "w", shape)[0],
        "2025-11-15-120000-0000_w/up.sql"
    );
}

#[test]
fn create_flyway_next_major() {
    let f = Fixture::new(&[
        ("V1__a.sql", SQL),
        ("V2.1__b.sql", SQL),
        ("R__views.sql", SQL),
    ]);
    let shape = shape_of(&f, Layout::Auto);
    assert_eq!(created(&f, "c", shape), ["V3__c.sql"]);
    let f = Fixture::new(&[]);
    let shape = shape_of(&f, Layout::Flyway);
    assert_eq!(created(&f, "init", shape), ["V1__init.sql"]);
}

#[test]
fn create_never_overwrites_and_needs_a_name() {
    let f = Fixture::new(&[("0001_a.up.sql", SQL)]);
    let shape = Shape::new(Layout::Diesel, Versioning::Timestamp, false);
    fs::create_dir(f.path().join("2025-11-15-120000_c")).unwrap();
    let err = create_migration(f.path(), "c", shape, NOW).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::Io);
    assert!(err.to_string().contains("2025-11-15-120000_c"), "{err}");
    assert!(err.to_string().contains("never overwrites"), "{err}");
    assert!(!f.path().join("2025-11-15-120000_c/up.sql").exists());
    let err = create_migration(f.path(), "!!", shape, NOW).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::UnrecognizedFile);
    assert!(err.message.contains("`!!`"), "{err}");
}
