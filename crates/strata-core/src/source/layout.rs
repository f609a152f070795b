//! File-name patterns of each layout: which file is which part of which migration.
//!
//! Version grammar (all layouts but Flyway): one or more ASCII digits, `_`, then a non-empty
//! name kept as written. A single-file migration may also separate them with `-` (dbmate's
//! `00000000000000-initial-schema.sql`), provided the name starts with a letter, so that a
//! date written with dashes (`2019-06-01-222649_x.sql`) is never read as version `2019`. `1.up.sql` and `1_.up.sql` (which golang-migrate accepts) are refused:
//! a migration without a name cannot be told apart in `status`, and the rule is the same for
//! every layout. Flyway: `V`/`U`, a version of digit parts separated by `.` or `_`, `__`, then a
//! non-empty description; `R__` and a non-empty description. Diesel directories: a version part
//! of digits and `-` (starting and ending with a digit), `_`, then a non-empty name; the version
//! is all the digits of the version part.

use super::Layout;
use crate::Version;

/// What part of a migration a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// `{version}_{name}.up.sql`.
    PairUp,
    /// `{version}_{name}.down.sql`.
    PairDown,
    /// `{version}_{name}.sql`, possibly with dbmate sections.
    Single,
    /// `{version}_{name}.verify.sql`, beside a pair or a single file.
    Verify,
    /// `{version}_{name}/up.sql`.
    DieselUp,
    /// `{version}_{name}/down.sql`.
    DieselDown,
    /// `{version}_{name}/metadata.toml`.
    DieselMetadata,
    /// `V{version}__{desc}.sql`.
    FlywayVersioned,
    /// `U{version}__{desc}.sql`.
    FlywayUndo,
    /// `R__{desc}.sql`.
    FlywayRepeatable,
}

impl Role {
    /// The layout this kind of file belongs to (`Pairs` for verify files, which pairs and single
    /// files share).
    pub(crate) fn layout(self) -> Layout {
        match self {
            Role::PairUp | Role::PairDown | Role::Verify => Layout::Pairs,
            Role::Single => Layout::Single,
            Role::DieselUp | Role::DieselDown | Role::DieselMetadata => Layout::Diesel,
            Role::FlywayVersioned | Role::FlywayUndo | Role::FlywayRepeatable => Layout::Flyway,
        }
    }

    /// Whether a directory configured with `layout` accepts this kind of file.
    pub(crate) fn fits(self, layout: Layout) -> bool {
        match (self, layout) {
            (_, Layout::Auto) => true,
            (Role::Verify, Layout::Pairs | Layout::Single) => true,
            (role, layout) => role.layout() == layout,
        }
    }

    /// True for the files that hold a migration's up script (the ones a migration is made of;
    /// downs, verify files and metadata attach to them).
    pub(crate) fn is_up(self) -> bool {
        matches!(
            self,
            Role::PairUp
                | Role::Single
                | Role::DieselUp
                | Role::FlywayVersioned
                | Role::FlywayRepeatable
        )
    }
}

/// A recognised migration file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileName {
    /// What the file holds.
    pub role: Role,
    /// The version (`None` for Flyway repeatables).
    pub version: Option<Version>,
    /// The name or Flyway description, as written.
    pub name: String,
    /// For diesel files: the directory name, which ties up, down and metadata together.
    pub dir: Option<String>,
}

/// A `.sql` file that fits no pattern the configured layout accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unrecognized {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// The name of a layout as written in configuration.
pub(crate) fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Auto => "auto",
        Layout::Pairs => "pairs",
        Layout::Single => "single",
        Layout::Diesel => "diesel",
        Layout::Flyway => "flyway",
    }
}

/// The file-name patterns of a layout, for messages.
pub(crate) fn patterns(layout: Layout) -> &'static str {
    match layout {
        Layout::Pairs => {
            "`{version}_{name}.up.sql` with an optional `{version}_{name}.down.sql` \
             (and `{version}_{name}.verify.sql`)"
        }
        Layout::Single => {
            "`{version}_{name}.sql` or `{version}-{name}.sql` (and `{version}_{name}.verify.sql`)"
        }
        Layout::Diesel => "directories `{version}_{name}/` holding `up.sql` and `down.sql`",
        Layout::Flyway => "`V{version}__{desc}.sql`, `U{version}__{desc}.sql` and `R__{desc}.sql`",
        Layout::Auto => {
            "`{version}_{name}.up.sql` + `.down.sql`, `{version}_{name}.sql` (or `{version}-{name}.sql`), \
             `{version}_{name}/up.sql` + `down.sql` (diesel), `{version}_{name}.verify.sql`, \
             or Flyway's `V{version}__{desc}.sql`, `U{version}__{desc}.sql`, `R__{desc}.sql`"
        }
    }
}

/// Classifies one entry by its path relative to the migrations directory.
///
/// `Ok(None)` for files that are not migrations and are ignored: anything that is not `.sql`
/// (README.md, diesel's `.keep`, `.toml` files other than a diesel `metadata.toml`) and hidden
/// files. A `.sql` file that fits no pattern accepted by `layout` is an error.
pub(crate) fn classify(relative: &str, layout: Layout) -> Result<Option<FileName>, Unrecognized> {
    let parts: Vec<&str> = relative.split('/').collect();
    if parts.iter().any(|p| p.starts_with('.')) {
        return Ok(None);
    }
    let file = parts.last().copied().unwrap_or_default();
    let is_sql = super::read::is_sql(file);
    let found = match parts.as_slice() {
        [file] => match_root(file),
        [dir, file] => match_diesel(dir, file),
        _ => None,
    };
    match found {
        Some(f) if f.role.fits(layout) => Ok(Some(f)),
        Some(_) | None if !is_sql => Ok(None),
        Some(f) => Err(wrong_layout(f.role, layout)),
        None => Err(unrecognized(&parts, layout)),
    }
}

/// A root-level file name of the pairs, single or Flyway layouts.
fn match_root(file: &str) -> Option<FileName> {
    let stem = file.strip_suffix(".sql")?;
    if let Some(found) = match_flyway(stem) {
        return Some(found);
    }
    let suffixes = [
        (".up", Role::PairUp),
        (".down", Role::PairDown),
        (".verify", Role::Verify),
    ];
    let (role, stem) = suffixes
        .iter()
        .find_map(|&(suffix, role)| stem.strip_suffix(suffix).map(|s| (role, s)))
        .unwrap_or((Role::Single, stem));
    let (version, name) = version_and_name(stem, matches!(role, Role::Single | Role::Verify))?;
    Some(FileName {
        role,
        version: Some(version),
        name: name.to_string(),
        dir: None,
    })
}

/// `{digits}_{name}` with a non-empty name; with `dash`, also `{digits}-{name}` where the name
/// starts with an ASCII letter.
fn version_and_name(stem: &str, dash: bool) -> Option<(Version, &str)> {
    let end = stem.bytes().position(|b| !b.is_ascii_digit())?;
    let (digits, rest) = stem.split_at(end);
    let name = match rest.as_bytes() {
        [b'_', ..] => &rest[1..],
        [b'-', first, ..] if dash && first.is_ascii_alphabetic() => &rest[1..],
        _ => return None,
    };
    if digits.is_empty() || name.is_empty() {
        return None;
    }
    Some((Version::parse(digits).ok()?, name))
}

/// `V{ver}__{desc}`, `U{ver}__{desc}` or `R__{desc}` (without `.sql`).
fn match_flyway(stem: &str) -> Option<FileName> {
    let file = |role, version, name: &str| {
        (!name.is_empty()).then(|| FileName {
            role,
            version,
            name: name.to_string(),
            dir: None,
        })
    };
    if let Some(desc) = stem.strip_prefix("R__") {
        return file(Role::FlywayRepeatable, None, desc);
    }
    let (role, rest) = if let Some(rest) = stem.strip_prefix('V') {
        (Role::FlywayVersioned, rest)
    } else {
        (Role::FlywayUndo, stem.strip_prefix('U')?)
    };
    let (version, desc) = rest.split_once("__")?;
    file(role, Some(Version::parse(version).ok()?), desc)
}

/// A file inside a diesel migration directory.
fn match_diesel(dir: &str, file: &str) -> Option<FileName> {
    let (version, name) = diesel_dir(dir)?;
    let role = match file {
        "up.sql" => Role::DieselUp,
        "down.sql" => Role::DieselDown,
        "metadata.toml" => Role::DieselMetadata,
        _ => return None,
    };
    Some(FileName {
        role,
        version: Some(version),
        name: name.to_string(),
        dir: Some(dir.into()),
    })
}

/// Splits a diesel directory name (`20170102131034_x`, `2017-08-31-230457_y`,
/// `2026-07-30-140000-0000_z`) into its version (all the digits of the leading part) and name.
pub(crate) fn diesel_dir(dir: &str) -> Option<(Version, &str)> {
    let (version, name) = dir.split_once('_')?;
    let digit_ends = version.starts_with(|c: char| c.is_ascii_digit())
        && version.ends_with(|c: char| c.is_ascii_digit());
    if !digit_ends || name.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    Some((Version::from_digits(version).ok()?, name))
}

fn describe(role: Role) -> &'static str {
    match role {
        Role::PairUp | Role::PairDown => "an up/down pair file (`pairs` layout)",
        Role::Verify => "a verify file (`pairs` and `single` layouts)",
        Role::Single => "a single-file migration (`single` layout)",
        Role::DieselUp | Role::DieselDown | Role::DieselMetadata => {
            "a diesel migration directory (`diesel` layout)"
        }
        Role::FlywayVersioned | Role::FlywayUndo | Role::FlywayRepeatable => {
            "a Flyway migration (`flyway` layout)"
        }
    }
}

fn wrong_layout(role: Role, layout: Layout) -> Unrecognized {
    Unrecognized {
        message: format!(
            "this is named like {}, but the configured layout is `{}`",
            describe(role),
            layout_name(layout)
        ),
        help: format!(
            "files of the `{}` layout are named {}; rename the file, or change the configured layout",
            layout_name(layout),
            patterns(layout)
        ),
    }
}

fn unrecognized(parts: &[&str], layout: Layout) -> Unrecognized {
    let file = parts.last().copied().unwrap_or_default();
    let hint = hint(parts, file);
    let message = match layout {
        Layout::Auto => format!("this `.sql` file fits no migration file name pattern{hint}"),
        _ => format!(
            "this `.sql` file does not fit the configured layout `{}`{hint}",
            layout_name(layout)
        ),
    };
    let help = match layout {
        Layout::Auto => format!(
            "migration files are named {}; rename the file, or move it out of the migrations directory",
            patterns(layout)
        ),
        _ => format!(
            "files of the `{}` layout are named {}; rename the file, move it out of the migrations \
             directory, or change the configured layout",
            layout_name(layout),
            patterns(layout)
        ),
    };
    Unrecognized { message, help }
}

/// A more precise reason for the commonest near misses.
fn hint(parts: &[&str], file: &str) -> &'static str {
    if parts.len() > 2 {
        return " (only files directly in the directory, or in a diesel migration directory, are read)";
    }
    if parts.len() == 2 {
        return match diesel_dir(parts[0]) {
            Some(_) => " (a diesel migration directory holds `up.sql`, `down.sql` and `metadata.toml`)",
            None => " (a diesel directory is named `{version}_{name}`, e.g. `2017-08-31-230457_add_users`)",
        };
    }
    let Some(stem) = file.strip_suffix(".sql") else {
        return " (the extension must be `.sql`, in lower case)";
    };
    if stem.starts_with(|c: char| c.is_ascii_digit()) {
        return " (the version must be followed by `_` and a name, e.g. `0001_create_users.sql`; \
                 a single-file migration may use `-` before a name starting with a letter)";
    }
    if stem.starts_with(['V', 'U']) && stem[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return " (a Flyway version is digits separated by `.` or `_`, followed by `__` and a \
                 description, e.g. `V1.2__create_users.sql`)";
    }
    if stem.starts_with('R') {
        return " (a Flyway repeatable migration is named `R__{desc}.sql`)";
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(relative: &str) -> FileName {
        classify(relative, Layout::Auto).unwrap().unwrap()
    }

    fn role(relative: &str) -> Role {
        ok(relative).role
    }

    #[test]
    fn root_patterns() {
        assert_eq!(role("0001_init.up.sql"), Role::PairUp);
        assert_eq!(role("0001_init.down.sql"), Role::PairDown);
        assert_eq!(role("0001_init.verify.sql"), Role::Verify);
        assert_eq!(role("20251115120000_add_x.sql"), Role::Single);
        assert_eq!(role("V1__init.sql"), Role::FlywayVersioned);
        assert_eq!(role("U1__init.sql"), Role::FlywayUndo);
        assert_eq!(role("R__views.sql"), Role::FlywayRepeatable);
        let f = ok("20251115120000_add_import_batch_id.sql");
        assert_eq!(f.version.unwrap().as_str(), "20251115120000");
        assert_eq!(f.name, "add_import_batch_id");
    }

    #[test]
    fn dbmate_names_with_a_dash() {
        let f = ok("00000000000000-initial-schema.sql");
        assert_eq!(f.role, Role::Single);
        assert_eq!(f.version.unwrap().as_str(), "00000000000000");
        assert_eq!(f.name, "initial-schema");
        let f = ok("20211115181400-update-auth-permissions.sql");
        assert_eq!(f.version.unwrap().as_str(), "20211115181400");
        assert_eq!(f.name, "update-auth-permissions");
        // Its verify file, written the same way.
        assert_eq!(role("0001-init.verify.sql"), Role::Verify);
        assert_eq!(ok("0001-init.verify.sql").name, "init");
        // Only single files: golang-migrate and sqlx pairs need `_`.
        for f in [
            "0001-init.up.sql",
            "0001-init.down.sql",
            // A date written with dashes is not version 2019.
            "2019-06-01-222649_x.sql",
            "0001-.sql",
            "0001-2x.sql",
            "V1-init.sql",
        ] {
            assert!(classify(f, Layout::Auto).is_err(), "{f}");
        }
        // Accepted by the `single` layout only among the explicit ones.
        assert!(classify("1-a.sql", Layout::Single).unwrap().is_some());
        assert!(classify("1-a.sql", Layout::Pairs).is_err());
        // Diesel directories keep their own grammar.
        assert_eq!(
            ok("2019-06-01-222649_x/up.sql").version.unwrap().as_str(),
            "20190601222649"
        );
    }

    #[test]
    fn flyway_versions_and_descriptions() {
        let f = ok("V1_1__add_users.sql");
        assert_eq!(f.version.unwrap().as_str(), "1_1");
        assert_eq!(f.name, "add_users");
        assert_eq!(ok("V2.10__y.sql").version.unwrap().as_str(), "2.10");
        assert_eq!(ok("R__views.sql").version, None);
        assert_eq!(ok("R__views.sql").name, "views");
    }

    #[test]
    fn diesel_directories() {
        for (dir, digits, name) in [
            ("20170102131034_x", "20170102131034", "x"),
            ("2017-08-31-230457_y", "20170831230457", "y"),
            ("2026-07-30-140000-0000_z", "202607301400000000", "z"),
            (
                "00000000000000_diesel_initial_setup",
                "00000000000000",
                "diesel_initial_setup",
            ),
        ] {
            let f = ok(&format!("{dir}/up.sql"));
            assert_eq!(f.role, Role::DieselUp);
            assert_eq!(f.version.unwrap().as_str(), digits);
            assert_eq!(f.name, name);
            assert_eq!(f.dir.as_deref(), Some(dir));
        }
        assert_eq!(role("1_x/down.sql"), Role::DieselDown);
        assert_eq!(role("1_x/metadata.toml"), Role::DieselMetadata);
    }

    #[test]
    fn ignored_files() {
        for f in [
            "README.md",
            ".keep",
            ".hidden.sql",
            "strata.toml",
            "metadata.toml",
            "1_x/notes.txt",
            ".git/1_x.sql",
            "seeds/data.csv",
        ] {
            assert_eq!(classify(f, Layout::Auto), Ok(None), "{f}");
        }
    }

    #[test]
    fn near_misses_are_refused_with_a_hint() {
        for (f, hint) in [
            ("1.up.sql", "followed by `_` and a name"),
            ("1_.up.sql", "followed by `_` and a name"),
            ("0001.sql", "followed by `_` and a name"),
            ("V1_init.sql", "Flyway"),
            ("R_views.sql", "R__{desc}.sql"),
            ("seed.sql", ""),
            ("0001_x.SQL", "lower case"),
            ("1_x/extra.sql", "holds `up.sql`"),
            ("data/up.sql", "is named `{version}_{name}`"),
            ("a/b/1_x.sql", "only files directly"),
        ] {
            let err = classify(f, Layout::Auto).unwrap_err();
            assert!(err.message.contains(hint), "{f}: {}", err.message);
            assert!(
                err.help.contains("{version}_{name}.sql"),
                "{f}: {}",
                err.help
            );
        }
    }

    #[test]
    fn explicit_layouts_accept_only_their_own_files() {
        assert!(classify("1_a.up.sql", Layout::Pairs).unwrap().is_some());
        assert!(classify("1_a.verify.sql", Layout::Single)
            .unwrap()
            .is_some());
        assert!(classify("1_a.verify.sql", Layout::Pairs).unwrap().is_some());
        let err = classify("1_a.sql", Layout::Pairs).unwrap_err();
        assert!(
            err.message.contains("configured layout is `pairs`"),
            "{}",
            err.message
        );
        let err = classify("V1__a.sql", Layout::Single).unwrap_err();
        assert!(err.message.contains("Flyway"), "{}", err.message);
        let err = classify("1_a/up.sql", Layout::Flyway).unwrap_err();
        assert!(err.message.contains("diesel"), "{}", err.message);
        // Non-SQL files stay ignored whatever the layout.
        assert_eq!(classify("1_a/metadata.toml", Layout::Pairs), Ok(None));
        let err = classify("notes.sql", Layout::Diesel).unwrap_err();
        assert!(
            err.message.contains("configured layout `diesel`"),
            "{}",
            err.message
        );
        assert!(err.help.contains("up.sql"), "{}", err.help);
    }
}
