//! Each layout, ordering, normalization, directives and ignored files.

use super::{labels, Fixture, SQL};
use crate::source::load_dir;
use crate::source::{parse_entries, read_dir, Entry, Layout};
use crate::{Checksum, MigrationKind, Origin, Script, SourceErrorKind, Timeouts, TransactionMode};

#[test]
fn pairs_layout() {
    let f = Fixture::new(&[
        ("0001_initial_schema.up.sql", "create table a (id int);\n"),
        ("0001_initial_schema.down.sql", "drop table a;\n"),
        ("0002_add_b.up.sql", "create table b (id int);\n"),
    ]);
    let ms = f.load();
    assert_eq!(labels(&ms), ["0001_initial_schema", "0002_add_b"]);
    let first = &ms[0];
    assert_eq!(first.kind, MigrationKind::Versioned);
    assert_eq!(first.up.sql, "create table a (id int);\n");
    assert_eq!(first.down.as_ref().unwrap().sql, "drop table a;\n");
    assert_eq!(first.checksum, Checksum::of("create table a (id int);\n"));
    assert_eq!(
        first.origin,
        Origin::Files {
            up: f.path().join("0001_initial_schema.up.sql"),
            down: Some(f.path().join("0001_initial_schema.down.sql")),
        }
    );
    assert_eq!(
        first.down.as_ref().unwrap().path,
        Some(f.path().join("0001_initial_schema.down.sql"))
    );
    // An up without a down is irreversible, not an error.
    assert_eq!(ms[1].down, None);
    assert_eq!(ms, f.load_as(Layout::Pairs).unwrap());
}

#[test]
fn dbmate_files_named_with_a_dash() {
    // supabase/postgres's init scripts, applied by `dbmate migrate`.
    let f = Fixture::new(&[
        (
            "00000000000000-initial-schema.sql",
            "-- migrate:up\ncreate table a (id int);\n\n-- migrate:down\n",
        ),
        (
            "00000000000002-storage-schema.sql",
            "create table c (id int);\n",
        ),
        (
            "00000000000001-auth-schema.sql",
            "create table b (id int);\n",
        ),
        ("00000000000003_later.sql", "create table d (id int);\n"),
        ("00000000000001-auth-schema.verify.sql", "select 1;\n"),
    ]);
    let ms = f.load();
    let names: Vec<_> = ms
        .iter()
        .map(|m| (m.version_str(), m.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("00000000000000", "initial-schema"),
            ("00000000000001", "auth-schema"),
            ("00000000000002", "storage-schema"),
            ("00000000000003", "later"),
        ]
    );
    assert_eq!(ms[0].up.sql.trim(), "create table a (id int);");
    assert!(ms[1].verify.is_some());
    assert_eq!(ms, f.load_as(Layout::Single).unwrap());
    // `-` and `_` after the same version are the same version.
    let f = Fixture::new(&[("1-a.sql", SQL), ("1_b.sql", SQL)]);
    let err = f.load_as(Layout::Auto).unwrap_err();
    assert_eq!(err.kind, SourceErrorKind::DuplicateVersion);
}

#[test]
fn single_file_layout() {
    let f = Fixture::new(&[
        (
            "20251115120000_add_import_batch_id_to_peers.sql",
            "alter table peers add column x int;\n",
        ),
        (
            "20251116090000_index_peers.sql",
            "create index on peers (x);\n",
        ),
    ]);
    let ms = f.load();
    assert_eq!(
        labels(&ms),
        [
            "20251115120000_add_import_batch_id_to_peers",
            "20251116090000_index_peers"
        ]
    );
    assert_eq!(ms[0].version_str(), "20251115120000");
    assert_eq!(ms[0].name, "add_import_batch_id_to_peers");
    assert_eq!(ms[0].up.sql, "alter table peers add column x int;\n");
    assert_eq!(ms[0].up.line_offset, 0);
    assert_eq!(ms[0].down, None);
    assert_eq!(ms, f.load_as(Layout::Single).unwrap());
}

#[test]
fn dbmate_sections_give_scripts_and_line_offsets() {
    let text = "-- migrate:up\ncreate table a (id int);\n\n-- migrate:down\ndrop table a;\n";
    let f = Fixture::new(&[("20240101000000_a.sql", text)]);
    let m = &f.load()[0];
    assert_eq!(m.up.sql, "create table a (id int);\n\n");
    assert_eq!(m.up.line_offset, 1);
    let down = m.down.as_ref().unwrap();
    assert_eq!(down.sql, "drop table a;\n");
    assert_eq!(down.line_offset, 4);
    // Positions map back to the file's own lines: `drop` is on line 5.
    assert!(
        down.locate(0).ends_with("20240101000000_a.sql:5:1"),
        "{}",
        down.locate(0)
    );
    assert!(m.up.locate(0).ends_with(":2:1"), "{}", m.up.locate(0));
    // The checksum covers the up section only.
    assert_eq!(m.checksum, Checksum::of("create table a (id int);\n\n"));
    let other_down = "-- migrate:up\ncreate table a (id int);\n\n-- migrate:down\n-- nothing\n";
    let g = Fixture::new(&[("20240101000000_a.sql", other_down)]);
    assert_eq!(g.load()[0].checksum, m.checksum);
}

#[test]
fn dbmate_blank_down_means_nothing_to_undo() {
    let f = Fixture::new(&[
        ("1_a.sql", "-- migrate:up\ncreate table a (id int);\n-- migrate:down\n"),
        ("2_b.sql", "-- migrate:up\ncreate table b (id int);\n-- migrate:down\n-- irreversible? no: nothing to do\n\n"),
        ("3_c.sql", "-- migrate:up\ncreate table c (id int);\n"),
    ]);
    let ms = f.load();
    assert!(ms[0].down.as_ref().unwrap().is_blank());
    assert!(ms[1].down.as_ref().unwrap().is_blank());
    assert_eq!(ms[2].down, None);
}

#[test]
fn dbmate_transaction_false_applies_to_both_scripts() {
    let text = "-- migrate:up transaction:false\ncreate index concurrently i on t (x);\n-- migrate:down\ndrop index concurrently i;\n";
    let f = Fixture::new(&[("20240101000000_idx.sql", text)]);
    let m = &f.load()[0];
    assert_eq!(m.transaction(), TransactionMode::None);
    assert_eq!(m.down.as_ref().unwrap().transaction, TransactionMode::None);
}

#[test]
fn diesel_layout() {
    let f = Fixture::new(&[
        (
            "00000000000000_diesel_initial_setup/up.sql",
            "create function f() returns int as $$ select 1 $$ language sql;\n",
        ),
        (
            "00000000000000_diesel_initial_setup/down.sql",
            "drop function f();\n",
        ),
        ("20170102131034_x/up.sql", "create table x (id int);\n"),
        ("20170102131034_x/down.sql", "drop table x;\n"),
        ("2017-08-31-230457_y/up.sql", "create table y (id int);\n"),
        (
            "2026-07-30-140000-0000_z/up.sql",
            "create table z (id int);\n",
        ),
        ("2026-07-30-140000-0000_z/down.sql", "drop table z;\n"),
        (".keep", ""),
    ]);
    let ms = f.load();
    assert_eq!(
        labels(&ms),
        [
            "00000000000000_diesel_initial_setup",
            "20170102131034_x",
            "20170831230457_y",
            "202607301400000000_z",
        ]
    );
    assert_eq!(ms[2].name, "y");
    assert_eq!(ms[2].down, None);
    assert_eq!(ms[3].down.as_ref().unwrap().sql, "drop table z;\n");
    assert_eq!(
        ms[2].up.path,
        Some(f.path().join("2017-08-31-230457_y/up.sql"))
    );
    assert!(ms
        .iter()
        .all(|m| m.transaction() == TransactionMode::Transactional));
    assert_eq!(ms, f.load_as(Layout::Diesel).unwrap());
}

#[test]
fn diesel_metadata_turns_off_transactions() {
    let f = Fixture::new(&[
        (
            "2024-01-01-000000_idx/up.sql",
            "create index concurrently i on t (x);\n",
        ),
        (
            "2024-01-01-000000_idx/down.sql",
            "drop index concurrently i;\n",
        ),
        (
            "2024-01-01-000000_idx/metadata.toml",
            "run_in_transaction = false\n",
        ),
        ("2024-01-02-000000_tx/up.sql", SQL),
        ("2024-01-02-000000_tx/down.sql", "drop table t;\n"),
        (
            "2024-01-02-000000_tx/metadata.toml",
            "run_in_transaction = true\n",
        ),
    ]);
    let ms = f.load();
    assert_eq!(ms[0].transaction(), TransactionMode::None);
    assert_eq!(
        ms[0].down.as_ref().unwrap().transaction,
        TransactionMode::None
    );
    assert_eq!(ms[1].transaction(), TransactionMode::Transactional);
    assert_eq!(
        ms[1].down.as_ref().unwrap().transaction,
        TransactionMode::Transactional
    );
}

#[test]
fn flyway_layout_with_undo_and_repeatables() {
    let f = Fixture::new(&[
        ("V1__create_users.sql", "create table users (id int);\n"),
        ("U1__create_users.sql", "drop table users;\n"),
        ("V1_1__add_email.sql", "alter table users add email text;\n"),
        ("V2.10__y.sql", SQL),
        ("R__views.sql", "create or replace view v as select 1;\n"),
        (
            "R__functions.sql",
            "create or replace function f() returns int as $$ select 1 $$ language sql;\n",
        ),
    ]);
    let ms = f.load();
    assert_eq!(
        labels(&ms),
        [
            "1_create_users",
            "1_1_add_email",
            "2.10_y",
            "R__functions",
            "R__views"
        ]
    );
    assert_eq!(ms[0].down.as_ref().unwrap().sql, "drop table users;\n");
    assert_eq!(ms[1].down, None);
    assert_eq!(ms[3].kind, MigrationKind::Repeatable);
    assert_eq!(ms[3].version, None);
    assert_eq!(ms[4].name, "views");
    assert_eq!(ms, f.load_as(Layout::Flyway).unwrap());
}

#[test]
fn ordering_traps() {
    // Unpadded integers sort numerically, not as text.
    let f = Fixture::new(&[("10_c.sql", SQL), ("2_b.sql", SQL), ("1_a.sql", SQL)]);
    assert_eq!(labels(&f.load()), ["1_a", "2_b", "10_c"]);
    // Timestamps of different widths compare numerically.
    let f = Fixture::new(&[
        ("20240101120000_b.sql", SQL),
        ("202401011200_a.sql", SQL),
        ("202401011200000000_c.sql", SQL),
    ]);
    assert_eq!(
        labels(&f.load()),
        ["202401011200_a", "20240101120000_b", "202401011200000000_c"]
    );
    // Flyway compares part by part.
    let f = Fixture::new(&[
        ("V11__e.sql", SQL),
        ("V10.1__d.sql", SQL),
        ("V10__c.sql", SQL),
        ("V1_10__b.sql", SQL),
        ("V1_9__a.sql", SQL),
    ]);
    assert_eq!(
        labels(&f.load()),
        ["1_9_a", "1_10_b", "10_c", "10.1_d", "11_e"]
    );
    // Diesel dashes do not change the order: digits are compared.
    let f = Fixture::new(&[
        ("2017-08-31-230457_b/up.sql", SQL),
        ("20170102131034_a/up.sql", SQL),
    ]);
    assert_eq!(labels(&f.load()), ["20170102131034_a", "20170831230457_b"]);
}

#[test]
fn layouts_mix_under_auto() {
    let f = Fixture::new(&[
        ("1_a.up.sql", SQL),
        ("2_b.sql", SQL),
        ("3_c/up.sql", SQL),
        ("V4__d.sql", SQL),
        ("R__e.sql", SQL),
    ]);
    assert_eq!(labels(&f.load()), ["1_a", "2_b", "3_c", "4_d", "R__e"]);
}

#[test]
fn bom_and_crlf_do_not_change_the_checksum() {
    let lf = Fixture::new(&[("1_a.sql", "create table a (id int);\nselect 1;\n")]);
    let crlf = Fixture::new(&[]);
    crlf.write(
        "1_a.sql",
        b"\xEF\xBB\xBFcreate table a (id int);\r\nselect 1;\r\n",
    );
    let (a, b) = (&lf.load()[0], &crlf.load()[0]);
    assert_eq!(a.checksum, b.checksum);
    assert_eq!(b.up.sql, "create table a (id int);\nselect 1;\n");
    // Also for dbmate sections, whose boundaries are found after normalizing.
    let crlf = Fixture::new(&[]);
    crlf.write(
        "1_a.sql",
        b"\xEF\xBB\xBF-- migrate:up\r\nselect 1;\r\n-- migrate:down\r\nselect 2;\r\n",
    );
    let m = &crlf.load()[0];
    assert_eq!(m.up.sql, "select 1;\n");
    assert_eq!(m.down.as_ref().unwrap().sql, "select 2;\n");
    assert_eq!(m.checksum, Checksum::of("select 1;\n"));
}

#[test]
fn no_transaction_directives() {
    let f = Fixture::new(&[
        (
            "1_a.up.sql",
            "-- strata:no-transaction\ncreate index concurrently i on t (x);\n",
        ),
        ("1_a.down.sql", "drop index i;\n"),
        ("2_b.up.sql", "create table b (id int);\n"),
        (
            "2_b.down.sql",
            "-- no-transaction\ndrop index concurrently j;\n",
        ),
        (
            "3_c.sql",
            "-- no-transaction\ncreate index concurrently k on t (x);\n",
        ),
        ("4_d.sql", SQL),
        ("V5__e.sql", "-- strata:no-transaction\nvacuum;\n"),
    ]);
    let ms = f.load();
    // In a pair each file carries its own directive.
    assert_eq!(ms[0].transaction(), TransactionMode::None);
    assert_eq!(
        ms[0].down.as_ref().unwrap().transaction,
        TransactionMode::Transactional
    );
    assert_eq!(ms[1].transaction(), TransactionMode::Transactional);
    assert_eq!(
        ms[1].down.as_ref().unwrap().transaction,
        TransactionMode::None
    );
    assert_eq!(ms[2].transaction(), TransactionMode::None);
    assert_eq!(ms[3].transaction(), TransactionMode::Transactional);
    assert_eq!(ms[4].transaction(), TransactionMode::None);
}

#[test]
fn timeout_directives() {
    let f = Fixture::new(&[
        (
            "1_a.up.sql",
            "-- strata:lock-timeout 30s\n-- strata:statement-timeout 0\nalter table t add column x int;\n",
        ),
        ("1_a.down.sql", "alter table t drop column x;\n"),
        (
            "2_b.sql",
            "-- migrate:up transaction:false\n-- strata:lock-timeout 250ms\ncreate index concurrently i on t (x);\n-- migrate:down\ndrop index concurrently i;\n",
        ),
        ("3_c.sql", "select 1;\n"),
    ]);
    let ms = f.load();
    let secs = |s| Some(std::time::Duration::from_secs(s));
    // In a pair each file carries its own.
    assert_eq!(ms[0].up.timeouts, Timeouts::new(secs(30), secs(0)));
    assert_eq!(ms[0].down.as_ref().unwrap().timeouts, Timeouts::default());
    // In a single file they cover both scripts, and are stored with the down.
    let ms1 = Some(std::time::Duration::from_millis(250));
    assert_eq!(ms[1].up.timeouts, Timeouts::new(ms1, None));
    let down = ms[1].down.as_ref().unwrap();
    assert_eq!(down.timeouts, Timeouts::new(ms1, None));
    let stored = Script::stored(down.stored_text());
    assert_eq!(stored.timeouts, down.timeouts);
    assert_eq!(stored.transaction, TransactionMode::None);
    assert_eq!(
        down.stored_text(),
        "-- strata:no-transaction\n-- strata:lock-timeout 250ms\ndrop index concurrently i;\n"
    );
    // A script that says it all itself is stored as written.
    let up = &ms[0].up;
    assert_eq!(up.stored_text(), up.sql);
    assert_eq!(Script::stored(up.stored_text()).timeouts, up.timeouts);
    assert!(ms[2].up.timeouts.is_unset());
    // Directives are part of the text, so of the checksum.
    assert_eq!(ms[0].checksum, Checksum::of(&ms[0].up.sql));
}

#[test]
fn bad_timeout_directive_names_the_file_and_line() {
    let f = Fixture::new(&[("1_a.up.sql", "select 1;\n-- strata:lock-timeout 5 min\n")]);
    let e = load_dir(f.path(), Layout::Auto).unwrap_err();
    assert_eq!(e.kind, SourceErrorKind::BadDirective);
    assert_eq!(e.position, Some((2, 1)));
    assert!(e.message.contains("`5` is not a duration"), "{}", e.message);
}

#[test]
fn verify_sections_and_files() {
    let f = Fixture::new(&[
        ("1_a.up.sql", "create table a (id int);\n-- strata:verify\nselect id from a;\n"),
        ("2_b.sql", "create table b (id int);\n"),
        ("2_b.verify.sql", "select id from b;\n"),
        ("3_c.up.sql", "create table c (id int);\n"),
        ("3_c.verify.sql", "select id from c;\n"),
        ("4_d.sql", "-- migrate:up\ncreate table d (id int);\n-- strata:verify\nselect 1 from d;\n-- migrate:down\ndrop table d;\n"),
    ]);
    let ms = f.load();
    assert_eq!(ms[0].up.sql, "create table a (id int);\n");
    assert_eq!(ms[0].checksum, Checksum::of("create table a (id int);\n"));
    let verify = ms[0].verify.as_ref().unwrap();
    assert_eq!(verify.sql, "select id from a;\n");
    assert_eq!(verify.line_offset, 2);
    assert_eq!(ms[1].verify.as_ref().unwrap().sql, "select id from b;\n");
    assert_eq!(
        ms[1].verify.as_ref().unwrap().path,
        Some(f.path().join("2_b.verify.sql"))
    );
    assert_eq!(ms[2].verify.as_ref().unwrap().sql, "select id from c;\n");
    assert_eq!(ms[3].up.sql, "create table d (id int);\n");
    assert_eq!(ms[3].verify.as_ref().unwrap().sql, "select 1 from d;\n");
    assert_eq!(ms[3].down.as_ref().unwrap().sql, "drop table d;\n");
    assert_eq!(ms[3].down.as_ref().unwrap().line_offset, 5);
}

#[test]
fn non_migration_files_are_ignored() {
    let f = Fixture::new(&[
        ("1_a.sql", SQL),
        ("README.md", "# migrations\n"),
        ("strata.toml", "[x]\n"),
        ("metadata.toml", "run_in_transaction = false\n"),
        (".keep", ""),
        (".hidden.sql", "not sql at all"),
        (".git/config", ""),
        ("seeds/data.sql", "insert into t values (1);\n"),
        ("2_b/notes.txt", "notes"),
        ("2_b/up.sql", SQL),
    ]);
    assert_eq!(labels(&f.load()), ["1_a", "2_b"]);
    assert_eq!(f.load()[0].transaction(), TransactionMode::Transactional);
}

#[test]
fn read_dir_lists_sql_files_and_diesel_directories_sorted() {
    let f = Fixture::new(&[
        ("2_b.sql", SQL),
        ("1_a.up.sql", SQL),
        ("README.md", "x"),
        ("2017-08-31-230457_y/up.sql", SQL),
        (
            "2017-08-31-230457_y/metadata.toml",
            "run_in_transaction = false\n",
        ),
        ("2017-08-31-230457_y/other.sql", SQL),
        ("docs/up.sql", SQL),
    ]);
    let entries = read_dir(f.path()).unwrap();
    let relative: Vec<&str> = entries.iter().map(|e| e.relative.as_str()).collect();
    assert_eq!(
        relative,
        [
            "1_a.up.sql",
            "2017-08-31-230457_y/metadata.toml",
            "2017-08-31-230457_y/up.sql",
            "2_b.sql",
        ]
    );
    assert_eq!(
        entries[2].display,
        f.path().join("2017-08-31-230457_y/up.sql")
    );
    assert_eq!(entries[2].bytes, SQL.as_bytes());
}

#[test]
fn parse_entries_is_pure_and_sorts_its_input() {
    let entry = |relative: &str, text: &str| Entry {
        relative: relative.into(),
        display: format!("embedded/{relative}").into(),
        bytes: text.as_bytes().to_vec(),
    };
    let entries = [
        entry("2_b.down.sql", "drop table b;\n"),
        entry("2_b.up.sql", "create table b (id int);\n"),
        entry("1_a.up.sql", "create table a (id int);\n"),
    ];
    let ms = parse_entries(&entries, Layout::Auto).unwrap();
    assert_eq!(labels(&ms), ["1_a", "2_b"]);
    assert_eq!(
        ms[1].down.as_ref().unwrap().path,
        Some("embedded/2_b.down.sql".into())
    );
}

#[test]
fn padded_and_unpadded_pair_halves_match_by_version() {
    let f = Fixture::new(&[("1_a.up.sql", SQL), ("0001_a.down.sql", "drop table t;\n")]);
    let ms = f.load();
    assert_eq!(labels(&ms), ["1_a"]);
    assert_eq!(ms[0].down.as_ref().unwrap().sql, "drop table t;\n");
}

#[test]
fn large_directories_read_and_parse_in_order() {
    // Enough files for reading and parsing to be spread over threads.
    let f = Fixture::new(&[]);
    let big = "x".repeat(70_000);
    for i in 1..=300 {
        let up = if i == 150 {
            // Larger than the read buffer.
            format!("-- {big}\ncreate table t{i} (id int);\n")
        } else {
            format!("create table t{i} (id int);\n")
        };
        f.write(&format!("{i:04}_m{i}.up.sql"), up.as_bytes());
        f.write(
            &format!("{i:04}_m{i}.down.sql"),
            format!("drop table t{i};\n").as_bytes(),
        );
    }
    let entries = read_dir(f.path()).unwrap();
    assert_eq!(entries.len(), 600);
    assert!(entries.windows(2).all(|w| w[0].relative < w[1].relative));
    assert_eq!(entries[299].relative, "0150_m150.up.sql");
    assert_eq!(
        entries[299].bytes.len(),
        "-- ".len() + 70_000 + "\ncreate table t150 (id int);\n".len()
    );
    let ms = f.load();
    assert_eq!(ms.len(), 300);
    for (i, m) in ms.iter().enumerate() {
        let n = i + 1;
        assert_eq!(m.version_str(), format!("{n:04}"));
        assert_eq!(m.name, format!("m{n}"));
        assert_eq!(m.down.as_ref().unwrap().sql, format!("drop table t{n};\n"));
        assert_eq!(m.checksum, crate::Checksum::of(&m.up.sql));
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_followed() {
    let target = Fixture::new(&[("shared.sql", SQL), ("7_d/up.sql", SQL)]);
    let f = Fixture::new(&[("1_a.up.sql", SQL)]);
    std::os::unix::fs::symlink(
        target.path().join("shared.sql"),
        f.path().join("2_b.up.sql"),
    )
    .unwrap();
    std::os::unix::fs::symlink(target.path().join("7_d"), f.path().join("3_c")).unwrap();
    std::os::unix::fs::symlink(
        f.path().join("missing.sql"),
        f.path().join("4_dangling.up.sql"),
    )
    .unwrap();
    let relative: Vec<String> = read_dir(f.path())
        .unwrap()
        .into_iter()
        .map(|e| e.relative)
        .collect();
    assert_eq!(relative, ["1_a.up.sql", "2_b.up.sql", "3_c/up.sql"]);
}

#[test]
fn diesel_versions_that_differ_only_in_leading_zeros_are_two_migrations() {
    // LemmyNet/lemmy's migrations/ has both; diesel keeps versions as text.
    let f = Fixture::new(&[
        ("000000000000000_forbid_diesel_cli/up.sql", "select 1;\n"),
        ("000000000000000_forbid_diesel_cli/down.sql", "select 2;\n"),
        ("00000000000000_diesel_initial_setup/up.sql", "select 3;\n"),
        (
            "00000000000000_diesel_initial_setup/down.sql",
            "select 4;\n",
        ),
        ("2019-06-01-222649_remove_admin/up.sql", "select 5;\n"),
    ]);
    let ms = f.load();
    let got: Vec<_> = ms
        .iter()
        .map(|m| (m.version_str(), m.name.as_str(), m.up.sql.trim()))
        .collect();
    // By value, then by text; each down with its own up.
    assert_eq!(
        got,
        [
            ("00000000000000", "diesel_initial_setup", "select 3;"),
            ("000000000000000", "forbid_diesel_cli", "select 1;"),
            ("20190601222649", "remove_admin", "select 5;"),
        ]
    );
    assert_eq!(ms[0].down.as_ref().unwrap().sql.trim(), "select 4;");
    assert_eq!(ms[1].down.as_ref().unwrap().sql.trim(), "select 2;");
    assert_eq!(ms[2].down, None);
    assert_eq!(ms, f.load_as(Layout::Diesel).unwrap());
    // The same text twice is still a duplicate.
    let f = Fixture::new(&[
        ("20170831230457_a/up.sql", SQL),
        ("2017-08-31-230457_b/up.sql", SQL),
    ]);
    assert_eq!(
        f.load_as(Layout::Auto).unwrap_err().kind,
        SourceErrorKind::DuplicateVersion
    );
}

#[test]
fn versions_that_differ_only_in_leading_zeros_are_refused_outside_diesel() {
    for files in [
        ["0_a.up.sql", "00_b.up.sql"],
        ["1_a.sql", "01-b.sql"],
        ["V1__a.sql", "V01__b.sql"],
        // A diesel directory and another layout's file.
        ["0_a/up.sql", "00_b.up.sql"],
    ] {
        let f = Fixture::new(&files.map(|p| (p, SQL)));
        let err = f.load_as(Layout::Auto).unwrap_err();
        assert_eq!(err.kind, SourceErrorKind::DuplicateVersion, "{files:?}");
        // Each file is named once.
        let shown = err.to_string();
        for p in files {
            assert_eq!(shown.matches(p).count(), 1, "{shown}");
        }
    }
    let f = Fixture::new(&[("0_a.up.sql", SQL), ("00_b.up.sql", SQL)]);
    let err = f.load_as(Layout::Auto).unwrap_err();
    assert!(
        err.message
            .contains("version 00 is used by two migrations (the other writes it 0;"),
        "{}",
        err.message
    );
}
