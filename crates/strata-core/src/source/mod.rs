//! Reading migrations from a directory in any of the common layouts.
//!
//! Reading is split in two: [`read_dir`] collects `(relative path, bytes)` entries from disk,
//! and [`parse_entries`] (pure) turns entries into migrations, so migrations compiled into a
//! binary go through exactly the same parsing.

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

/// Reads every file under `dir` (one level, plus diesel's subdirectories) as entries.
pub fn read_dir(dir: &Path) -> Result<Vec<Entry>, SourceError> {
    let _ = dir;
    todo!("read_dir")
}

/// Parses entries into migrations: versioned ones sorted by version, then repeatables by name.
pub fn parse_entries(entries: &[Entry], layout: Layout) -> Result<Vec<Migration>, SourceError> {
    let _ = (entries, layout);
    todo!("parse_entries")
}

/// Reads and parses a directory.
pub fn load_dir(dir: &Path, layout: Layout) -> Result<Vec<Migration>, SourceError> {
    parse_entries(&read_dir(dir)?, layout)
}

/// Detects the shape of the migrations in a directory (for `strata new`).
pub fn detect_shape(entries: &[Entry], layout: Layout) -> Result<Shape, SourceError> {
    let _ = (entries, layout);
    todo!("detect_shape")
}

/// Creates the files of a new migration named `name` in `dir`, in the directory's shape, with
/// the next version (`now_unix` seconds for timestamps). Returns the paths created.
pub fn create_migration(
    dir: &Path,
    name: &str,
    shape: Shape,
    now_unix: u64,
) -> Result<Vec<PathBuf>, SourceError> {
    let _ = (dir, name, shape, now_unix);
    todo!("create_migration")
}
