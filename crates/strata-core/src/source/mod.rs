//! Reading migrations from a directory in any of the common layouts.
//!
//! Reading is split in two: [`read_dir`] collects `(relative path, bytes)` entries from disk,
//! and [`parse_entries`] (pure) turns entries into migrations, so migrations compiled into a
//! binary go through exactly the same parsing.
//!
//! File-name patterns are described in `layout.rs`; the rules in short:
//! - Layouts are recognised per file under [`Layout::Auto`] (a directory may mix them as long as
//!   versions stay unique); an explicit layout accepts only its own file names.
//! - Versions are digits followed by `_` and a non-empty name (`0001_init.up.sql`); Flyway's are
//!   digit parts separated by `.` or `_` (`V1_1__init.sql`); diesel's are all the digits of the
//!   directory name's leading part (`2017-08-31-230457_init` is `20170831230457`).
//! - Files that are not `.sql` and hidden files are ignored; a `.sql` file that fits no pattern
//!   is an error, like duplicate versions, downs without ups, invalid UTF-8, unknown directives
//!   and up scripts still holding only the template `strata new` wrote. The first problem in
//!   path order is reported. An up script without statements (empty, or only comments) is a
//!   valid migration that runs nothing.
//! - Text is normalized (byte-order mark, CRLF) before anything else; checksums cover the up
//!   script only (for dbmate files, the `-- migrate:up` section).

mod layout;
mod new;
mod par;
mod parse;
mod read;
mod sections;
mod shape;
#[cfg(test)]
mod tests;

use crate::{Migration, SourceError};
use std::path::{Path, PathBuf};

/// A migrations directory layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Layout {
    /// Detect from the file names.
    Auto,
    /// `{version}_{name}.up.sql` + `{version}_{name}.down.sql` (golang-migrate, sqlx reversible).
    Pairs,
    /// `{version}_{name}.sql` (Supabase, sqlx simple, dbmate with `-- migrate:up/down` sections).
    Single,
    /// `{version}_{name}/up.sql` + `down.sql` (diesel).
    Diesel,
    /// `V{ver}__{desc}.sql`, `U{ver}__{desc}.sql`, `R__{desc}.sql` (Flyway).
    Flyway,
}

/// One file found in a migrations directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the migrations directory, with `/` separators.
    pub relative: String,
    /// Path to show in messages (the directory joined with `relative`).
    pub display: PathBuf,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// How new versions are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Versioning {
    /// 1, 2, 3 (zero-padded like the existing files).
    Sequence,
    /// UTC `YYYYMMDDHHMMSS` (diesel: `YYYY-MM-DD-HHMMSS`).
    Timestamp,
}

/// What a directory looks like: its layout and how its versions are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Shape {
    /// The layout (never `Auto`).
    pub layout: Layout,
    /// Sequence numbers or timestamps.
    pub versioning: Versioning,
    /// For `Single`: whether files use dbmate `-- migrate:up` sections.
    pub sections: bool,
}

impl Shape {
    /// A shape; `sections` only matters for [`Layout::Single`]. A layout of [`Layout::Auto`]
    /// makes [`create_migration`] detect the shape from the directory.
    pub fn new(layout: Layout, versioning: Versioning, sections: bool) -> Shape {
        Shape {
            layout,
            versioning,
            sections,
        }
    }
}

/// Reads every file under `dir` (one level, plus diesel's subdirectories) as entries.
///
/// Reads the `.sql` files directly in `dir` and, in subdirectories whose names start with a
/// digit, `up.sql`, `down.sql` and `metadata.toml`. Other files are not read, since parsing
/// would ignore them; hidden files and directories are skipped. Entries come sorted by
/// [`Entry::relative`]. A missing directory is an [`Io`](crate::SourceErrorKind::Io) error.
pub fn read_dir(dir: &Path) -> Result<Vec<Entry>, SourceError> {
    read::read_dir(dir, |_| false)
}

/// Parses entries into migrations: versioned ones sorted by version, then repeatables by name.
///
/// Pure: entries may come from [`read_dir`] or be compiled into a binary. With
/// [`Layout::Auto`] each file's layout is recognised from its name.
pub fn parse_entries(entries: &[Entry], layout: Layout) -> Result<Vec<Migration>, SourceError> {
    parse::parse_entries(entries, layout, parse::Scope::All)
}

/// Reads and parses a directory.
pub fn load_dir(dir: &Path, layout: Layout) -> Result<Vec<Migration>, SourceError> {
    parse_entries(&read_dir(dir)?, layout)
}

/// Reads and parses a directory's up scripts only, to find out quickly whether anything is
/// pending (a no-op `up` with thousands of migrations spends most of its time reading files).
///
/// Like [`load_dir`], except that down, undo and verify *files* are matched to their migrations
/// by name but not read: their migrations have no [`down`](Migration::down) or
/// [`verify`](Migration::verify) from those files (sections of single-file migrations are
/// read). Every check that needs only names still holds (orphans, duplicates, layout); problems
/// inside those files' contents are not found. Load with [`load_dir`] before running anything.
pub fn load_ups(dir: &Path, layout: Layout) -> Result<Vec<Migration>, SourceError> {
    let entries = read::read_dir(dir, |relative| parse::companion_script(relative, layout))?;
    parse::parse_entries(&entries, layout, parse::Scope::Ups)
}

/// Reads and parses a directory, leaving out the files that have a problem instead of failing:
/// the migrations that could be read, and every problem found (each as [`load_dir`] would report
/// it), in path order. For `strata status`, which shows what it can. A directory that cannot be
/// read is still an error.
///
/// A down, undo, verify or metadata file whose migration was left out is left out with it.
pub fn load_dir_lenient(
    dir: &Path,
    layout: Layout,
) -> Result<(Vec<Migration>, Vec<SourceError>), SourceError> {
    Ok(parse::parse_entries_lenient(&read_dir(dir)?, layout))
}

/// Detects the shape of the migrations in a directory (for `strata new`).
///
/// The layout is `layout` unless it is [`Layout::Auto`]: then the one most migrations use (a tie
/// goes to the newest migration's layout; an empty directory gets [`Layout::Pairs`]). Versions
/// are timestamps for diesel, or when the highest version has 12 digits or more, and sequence
/// numbers otherwise; an empty directory gets timestamps (sequence numbers for Flyway).
/// `sections` is true when the newest single-file migration has a `-- migrate:up` marker.
/// Only file names are checked: a `.sql` file that fits no pattern is an error.
pub fn detect_shape(entries: &[Entry], layout: Layout) -> Result<Shape, SourceError> {
    shape::detect_shape(entries, layout)
}

/// Creates the files of a new migration named `name` in `dir`, in the directory's shape, with
/// the next version (`now_unix` seconds for timestamps). Returns the paths created.
///
/// - The directory is created if missing. The name is lowercased and anything but `[a-z0-9]`
///   becomes `_` (`Add users-table` -> `add_users_table`); a name left empty is an error.
/// - Sequence: the highest existing version + 1, zero-padded to its width (`0004`); `0001` in an
///   empty directory (`1` for Flyway, where the next major version is used: `V3__x.sql` after
///   `V2.1__y.sql`).
/// - Timestamp: UTC `YYYYMMDDHHMMSS` of `now_unix` (padded with zeros when existing timestamps
///   are longer), or the highest existing version + 1 when that is not above it.
/// - Files: pairs `{v}_{name}.up.sql` + `.down.sql`; single `{v}_{name}.sql` (with empty dbmate
///   sections when `shape.sections`); diesel `YYYY-MM-DD-HHMMSS_{name}/up.sql` + `down.sql`;
///   Flyway `V{v}__{name}.sql`. The up script holds one comment line, the template, and is
///   refused as long as that line is all it holds, so a migration not yet written is never
///   recorded as applied; down scripts are empty.
/// - An existing file is never overwritten (error, nothing created).
pub fn create_migration(
    dir: &Path,
    name: &str,
    shape: Shape,
    now_unix: u64,
) -> Result<Vec<PathBuf>, SourceError> {
    new::create_migration(dir, name, shape, now_unix)
}
