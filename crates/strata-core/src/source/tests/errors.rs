//! Every malformed input gets an error of the right kind that names the files involved.

use super::{labels, Fixture, SQL};
use crate::source::{parse_entries, read_dir, Entry, Layout};
use crate::SourceErrorKind as Kind;

#[test]
fn missing_directory_says_what_to_do() {
    let f = Fixture::new(&[]);
    let missing = f.path().join("migrations");
    let err = read_dir(&missing).unwrap_err();
    assert_eq!(err.kind, Kind::Io);
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(err.to_string().contains("migrations"), "{err}");
    let help = err.help.unwrap();
    assert!(
        help.contains("--dir") && help.contains("strata new"),
        "{help}"
    );
}

#[test]
fn a_file_instead_of_a_directory_is_an_io_error() {
    let f = Fixture::new(&[("1_a.sql", SQL)]);
    let err = read_dir(&f.path().join("1_a.sql")).unwrap_err();
    assert_eq!(err.kind, Kind::Io);
}

#[test]
fn unrecognized_sql_file_lists_the_patterns() {
    let f = Fixture::new(&[
        ("1_a.sql", SQL),
        ("seed.sql", "insert into t values (1);\n"),
    ]);
    let err = f.fails(Layout::Auto, Kind::UnrecognizedFile, &["seed.sql"]);
    let help = err.help.unwrap();
    for pattern in [
        "{version}_{name}.up.sql",
        "{version}_{name}.sql",
        "V{version}__{desc}.sql",
        "R__{desc}.sql",
        "up.sql",
    ] {
        assert!(help.contains(pattern), "{help} lacks {pattern}");
    }
    for bad in [
        "1.up.sql",
        "1_.up.sql",
        "0001.sql",
        "V1_init.sql",
        "R_views.sql",
        "0002_x.SQL",
    ] {
        let f = Fixture::new(&[(bad, SQL)]);
        f.fails(Layout::Auto, Kind::UnrecognizedFile, &[bad]);
    }
}

#[test]
fn explicit_layout_refuses_other_patterns_and_says_which() {
    let f = Fixture::new(&[("1_a.up.sql", SQL), ("2_b.sql", SQL)]);
    let err = f.fails(Layout::Pairs, Kind::UnrecognizedFile, &["2_b.sql"]);
    assert!(err.message.contains("`pairs`"), "{err}");
    let f = Fixture::new(&[("1_a.sql", SQL), ("2_b.up.sql", SQL)]);
    let err = f.fails(Layout::Single, Kind::UnrecognizedFile, &["2_b.up.sql"]);
    assert!(err.message.contains("`single`"), "{err}");
    let f = Fixture::new(&[("1_a/up.sql", SQL), ("2_b.sql", SQL)]);
    let err = f.fails(Layout::Diesel, Kind::UnrecognizedFile, &["2_b.sql"]);
    assert!(err.message.contains("`diesel`"), "{err}");
    let f = Fixture::new(&[("V1__a.sql", SQL), ("2_b/up.sql", SQL)]);
    let err = f.fails(Layout::Flyway, Kind::UnrecognizedFile, &["2_b/up.sql"]);
    assert!(err.message.contains("`flyway`"), "{err}");
}

#[test]
fn down_without_up() {
    let f = Fixture::new(&[("1_a.up.sql", SQL), ("2_b.down.sql", "drop table b;\n")]);
    let err = f.fails(Layout::Auto, Kind::DownWithoutUp, &["2_b.down.sql"]);
    assert!(err.message.contains("2_b.up.sql"), "{err}");
    // A down whose name differs from the up of its version.
    let f = Fixture::new(&[("1_a.up.sql", SQL), ("1_b.down.sql", "drop table b;\n")]);
    f.fails(
        Layout::Auto,
        Kind::DownWithoutUp,
        &["1_b.down.sql", "1_a.up.sql"],
    );
    // A pair down beside a single file: the single file keeps its down in a section.
    let f = Fixture::new(&[("1_a.sql", SQL), ("1_a.down.sql", "drop table a;\n")]);
    let err = f.fails(
        Layout::Auto,
        Kind::DownWithoutUp,
        &["1_a.down.sql", "1_a.sql"],
    );
    assert!(err.help.unwrap().contains("-- migrate:down"));
    // Flyway undo without its versioned migration.
    let f = Fixture::new(&[("V1__a.sql", SQL), ("U2__b.sql", "drop table b;\n")]);
    f.fails(Layout::Flyway, Kind::DownWithoutUp, &["U2__b.sql"]);
    // A diesel directory without up.sql.
    let f = Fixture::new(&[("1_a/up.sql", SQL), ("2_b/down.sql", "drop table b;\n")]);
    let err = f.fails(Layout::Auto, Kind::DownWithoutUp, &["2_b/down.sql"]);
    assert!(err.message.contains("up.sql"), "{err}");
    let f = Fixture::new(&[("2_b/metadata.toml", "run_in_transaction = false\n")]);
    let err = f.fails(Layout::Auto, Kind::Layout, &["2_b/metadata.toml"]);
    assert!(err.message.contains("no up.sql"), "{err}");
    // A verify file without its migration.
    let f = Fixture::new(&[("1_a.sql", SQL), ("2_b.verify.sql", "select 1;\n")]);
    f.fails(Layout::Auto, Kind::DownWithoutUp, &["2_b.verify.sql"]);
}

#[test]
fn duplicate_versions_name_both_files() {
    let f = Fixture::new(&[("1_a.sql", SQL), ("0001_b.sql", SQL)]);
    let err = f.fails(
        Layout::Auto,
        Kind::DuplicateVersion,
        &["1_a.sql", "0001_b.sql"],
    );
    assert_eq!(err.paths.len(), 2);
    // A pair and a single file with the same version.
    let f = Fixture::new(&[
        ("2_a.up.sql", SQL),
        ("2_a.down.sql", SQL),
        ("02_b.sql", SQL),
    ]);
    f.fails(
        Layout::Auto,
        Kind::DuplicateVersion,
        &["02_b.sql", "2_a.up.sql"],
    );
    // Flyway `1.1` and `1_1` are one version; so are `1` and `1.0`.
    let f = Fixture::new(&[("V1.1__a.sql", SQL), ("V1_1__b.sql", SQL)]);
    f.fails(
        Layout::Flyway,
        Kind::DuplicateVersion,
        &["V1.1__a.sql", "V1_1__b.sql"],
    );
    let f = Fixture::new(&[("V1__a.sql", SQL), ("V1.0__b.sql", SQL)]);
    f.fails(
        Layout::Flyway,
        Kind::DuplicateVersion,
        &["V1__a.sql", "V1.0__b.sql"],
    );
    // Diesel directories whose digits agree.
    let f = Fixture::new(&[
        ("20170831230457_a/up.sql", SQL),
        ("2017-08-31-230457_b/up.sql", SQL),
    ]);
    f.fails(
        Layout::Auto,
        Kind::DuplicateVersion,
        &["20170831230457_a/up.sql", "2017-08-31-230457_b/up.sql"],
    );
    // Two downs for one up.
    let f = Fixture::new(&[
        ("1_a.up.sql", SQL),
        ("1_a.down.sql", SQL),
        ("01_a.down.sql", SQL),
    ]);
    f.fails(
        Layout::Auto,
        Kind::DuplicateVersion,
        &["1_a.down.sql", "01_a.down.sql"],
    );
    // Two undo scripts for one Flyway version.
    let f = Fixture::new(&[("V1__a.sql", SQL), ("U1__a.sql", SQL), ("U1.0__a.sql", SQL)]);
    f.fails(
        Layout::Auto,
        Kind::DuplicateVersion,
        &["U1__a.sql", "U1.0__a.sql"],
    );
}

#[test]
fn duplicate_repeatables() {
    let entry = |relative: &str, display: &str| Entry {
        relative: relative.into(),
        display: display.into(),
        bytes: SQL.as_bytes().to_vec(),
    };
    let entries = [
        entry("R__views.sql", "one/R__views.sql"),
        entry("R__views.sql", "two/R__views.sql"),
    ];
    let err = parse_entries(&entries, Layout::Auto).unwrap_err();
    assert_eq!(err.kind, Kind::DuplicateVersion);
    assert!(err.message.contains("views"), "{err}");
    assert_eq!(
        err.paths,
        [
            std::path::PathBuf::from("one/R__views.sql"),
            "two/R__views.sql".into()
        ]
    );
}

#[test]
fn invalid_utf8_names_the_file_and_line() {
    let f = Fixture::new(&[("1_a.sql", SQL)]);
    f.write("2_b.sql", b"select 1;\nselect '\xff';\n");
    let err = f.fails(Layout::Auto, Kind::InvalidUtf8, &["2_b.sql"]);
    assert_eq!(err.position, Some((2, 9)));
    assert!(err.to_string().contains("2_b.sql:2:9"), "{err}");
    // Down files and diesel metadata are checked too.
    let f = Fixture::new(&[("1_a.up.sql", SQL)]);
    f.write("1_a.down.sql", b"\xc3\x28");
    f.fails(Layout::Auto, Kind::InvalidUtf8, &["1_a.down.sql"]);
    let f = Fixture::new(&[("1_a/up.sql", SQL)]);
    f.write("1_a/metadata.toml", b"\xff");
    f.fails(Layout::Auto, Kind::InvalidUtf8, &["1_a/metadata.toml"]);
}

#[test]
fn up_scripts_without_statements_are_no_op_migrations() {
    // Real projects keep such files (a migration replaced later, one whose work is in its
    // down), and their tools record them as applied.
    for (file, text) in [
        ("1_a.sql", ""),
        ("1_a.sql", "-- just a comment\n\n/* and a block */\n"),
        ("1_a.up.sql", "   \n"),
        (
            "1_a.up.sql",
            "-- Replaced by 000096_threads_threadteamid.up.sql\n",
        ),
        ("V1__a.sql", ""),
        ("R__a.sql", "-- later\n"),
        ("1_a/up.sql", "-- Your SQL goes here\n"),
        (
            "1_a.sql",
            "-- migrate:up\n-- todo\n-- migrate:down\ndrop table t;\n",
        ),
        ("1_a.up.sql", "-- strata:verify\nselect 1;\n"),
    ] {
        let f = Fixture::new(&[(file, text)]);
        let ms = f.load();
        assert_eq!(ms.len(), 1, "{file}");
        assert!(ms[0].up.is_blank(), "{file}");
    }
    let f = Fixture::new(&[
        ("1_a.up.sql", SQL),
        ("1_a.down.sql", "-- nothing to undo\n"),
    ]);
    assert!(f.load()[0].down.as_ref().unwrap().is_blank());
}

#[test]
fn an_unwritten_template_is_refused() {
    let template = crate::source::new::UP_TEMPLATE;
    let dbmate = format!("-- migrate:up\n{template}\n-- migrate:down\ndrop table t;\n");
    let crlf = template.replace('\n', "\r\n");
    for (file, text) in [
        ("1_a.sql", template.to_string()),
        ("1_a.up.sql", format!("\n{template}\n\n")),
        ("1_a.up.sql", crlf),
        ("V1__a.sql", template.to_string()),
        ("1_a/up.sql", template.to_string()),
        ("1_a.sql", dbmate),
    ] {
        let f = Fixture::new(&[("0_first.up.sql", SQL), (file, &text)]);
        let err = f.fails(Layout::Auto, Kind::EmptyUp, &[file]);
        assert!(err.message.contains("template"), "{file}: {err}");
    }
    // Anything else in it, even another comment, makes it a written migration.
    let f = Fixture::new(&[("1_a.up.sql", &format!("{template}-- nothing to do\n"))]);
    assert!(f.load()[0].up.is_blank());
}

#[test]
fn unknown_directive_has_file_line_and_column() {
    let f = Fixture::new(&[
        ("1_a.sql", SQL),
        (
            "2_b.sql",
            "create table b (id int);\n-- strata:no-transation\n",
        ),
    ]);
    let err = f.fails(Layout::Auto, Kind::BadDirective, &["2_b.sql"]);
    assert_eq!(err.position, Some((2, 1)));
    assert!(err.to_string().contains("2_b.sql:2:1"), "{err}");
    assert!(err.message.contains("no-transation"), "{err}");
}

#[test]
fn dbmate_markers_in_the_wrong_place() {
    // Markers only belong in single files.
    let f = Fixture::new(&[(
        "1_a.up.sql",
        "-- migrate:up\nselect 1;\n-- migrate:down\nselect 2;\n",
    )]);
    let err = f.fails(Layout::Auto, Kind::BadDirective, &["1_a.up.sql"]);
    assert_eq!(err.position, Some((1, 1)));
    // SQL before `-- migrate:up` would never run.
    let f = Fixture::new(&[("1_a.sql", "select 0;\n-- migrate:up\nselect 1;\n")]);
    f.fails(Layout::Auto, Kind::BadDirective, &["1_a.sql"]);
    // A down section without an up section.
    let f = Fixture::new(&[("1_a.sql", "-- migrate:down\nselect 1;\n")]);
    f.fails(Layout::Auto, Kind::BadDirective, &["1_a.sql"]);
    // A verify section in a down script.
    let f = Fixture::new(&[
        ("1_a.up.sql", SQL),
        (
            "1_a.down.sql",
            "drop table t;\n-- strata:verify\nselect 1;\n",
        ),
    ]);
    let err = f.fails(Layout::Auto, Kind::BadDirective, &["1_a.down.sql"]);
    assert_eq!(err.position, Some((2, 1)));
    // A verify section and a verify file for one migration.
    let f = Fixture::new(&[
        (
            "1_a.up.sql",
            "create table a (id int);\n-- strata:verify\nselect 1;\n",
        ),
        ("1_a.verify.sql", "select 2;\n"),
    ]);
    f.fails(
        Layout::Auto,
        Kind::BadDirective,
        &["1_a.up.sql", "1_a.verify.sql"],
    );
}

#[test]
fn bad_diesel_metadata() {
    let f = Fixture::new(&[
        ("1_a/up.sql", SQL),
        ("1_a/metadata.toml", "run_in_transaction = \"no\"\n"),
    ]);
    let err = f.fails(Layout::Auto, Kind::BadMetadata, &["1_a/metadata.toml"]);
    assert!(err.position.is_some(), "{err}");
    let f = Fixture::new(&[
        ("1_a/up.sql", SQL),
        ("1_a/metadata.toml", "run_in_transaction = \n"),
    ]);
    f.fails(Layout::Auto, Kind::BadMetadata, &["1_a/metadata.toml"]);
}

#[test]
fn the_first_error_in_path_order_is_reported() {
    let f = Fixture::new(&[
        ("3_c.sql", ""),
        ("2_b.sql", "-- strata:bogus\nselect 1;\n"),
        ("1_a.txt.sql", SQL),
    ]);
    // `1_a.txt.sql` is a valid single file named `a.txt`; `2_b.sql` comes next.
    f.fails(Layout::Auto, Kind::BadDirective, &["2_b.sql"]);
    let f = Fixture::new(&[
        ("3_c.sql", ""),
        ("2_b.sql", "-- strata:bogus\nselect 1;\n"),
        ("1.sql", SQL),
    ]);
    f.fails(Layout::Auto, Kind::UnrecognizedFile, &["1.sql"]);
}

#[test]
fn the_first_error_in_path_order_is_reported_in_large_directories() {
    // Enough files for parsing to be spread over threads (from 256): the errors sit in
    // different runs.
    let f = Fixture::new(&[]);
    for i in 1..=300 {
        let up = match i {
            150 => crate::source::new::UP_TEMPLATE.to_string(),
            250 => "-- strata:bogus\nselect 1;\n".to_string(),
            _ => format!("create table t{i} (id int);\n"),
        };
        f.write(&format!("{i:04}_m{i}.up.sql"), up.as_bytes());
    }
    f.write("0100_again.up.sql", SQL.as_bytes());
    f.fails(
        Layout::Auto,
        Kind::DuplicateVersion,
        &["0100_again.up.sql", "0100_m100.up.sql"],
    );
    fs_remove(&f, "0100_again.up.sql");
    f.fails(Layout::Auto, Kind::EmptyUp, &["0150_m150.up.sql"]);
    f.write("0150_m150.up.sql", SQL.as_bytes());
    f.fails(Layout::Auto, Kind::BadDirective, &["0250_m250.up.sql"]);
}

fn fs_remove(f: &Fixture, relative: &str) {
    std::fs::remove_file(f.path().join(relative)).unwrap();
}

#[test]
fn a_lenient_load_leaves_out_only_the_files_with_problems() {
    let template = crate::source::new::UP_TEMPLATE;
    let f = Fixture::new(&[
        ("0001_a.up.sql", SQL),
        ("0002_b.up.sql", "select 1;\n-- strata:bogus\n"),
        ("0002_b.down.sql", "select 2;\n"),
        ("0003_c.up.sql", template),
        ("0004_d.up.sql", SQL),
        ("04_e.sql", SQL),
        ("0005_f.down.sql", SQL),
    ]);
    let (ms, problems) = crate::source::load_dir_lenient(f.path(), Layout::Auto).unwrap();
    assert_eq!(labels(&ms), ["0001_a", "0004_d"]);
    let kinds: Vec<_> = problems.iter().map(|p| p.kind).collect();
    // In path order; the down of 0002 goes with its up, without a problem of its own.
    assert_eq!(
        kinds,
        [
            Kind::BadDirective,
            Kind::EmptyUp,
            Kind::DuplicateVersion,
            Kind::DownWithoutUp
        ]
    );
    // The strict load reports the first of them.
    assert_eq!(f.load_as(Layout::Auto).unwrap_err(), problems[0]);
    // A directory that cannot be read is still an error.
    assert!(crate::source::load_dir_lenient(&f.path().join("nope"), Layout::Auto).is_err());
}

#[test]
fn flyway_placeholders_are_refused_where_they_are() {
    let f = Fixture::new(&[
        ("V1__init.sql", "CREATE TABLE user_two_fa_secret (scratch_codes varchar(100));\n"),
        (
            "V2__widen.sql",
            "-- ${flyway:defaultSchema} in a comment is fine\nALTER TABLE ${flyway:defaultSchema}.user_two_fa_secret ALTER COLUMN scratch_codes TYPE varchar(2000);\n",
        ),
    ]);
    let err = f.fails(Layout::Auto, Kind::Placeholder, &["V2__widen.sql"]);
    assert_eq!(err.position, Some((2, 13)));
    assert!(err.message.contains("`${flyway:defaultSchema}`"), "{err}");
    assert!(err.help.as_deref().unwrap().contains("usually `public`"));
    // In undo and repeatable files too, user placeholders as well.
    for file in ["U1__init.sql", "R__grants.sql"] {
        let f = Fixture::new(&[
            ("V1__init.sql", SQL),
            (file, "GRANT SELECT ON t TO ${app_role};\n"),
        ]);
        let err = f.fails(Layout::Auto, Kind::Placeholder, &[file]);
        assert!(err.message.contains("`${app_role}`"), "{err}");
    }
    // Other layouts have no placeholders: the text is SQL as written.
    let f = Fixture::new(&[("1_a.sql", "SELECT '${not_flyway}';\n")]);
    assert_eq!(f.load().len(), 1);
}
