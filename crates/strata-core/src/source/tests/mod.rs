//! Tests of reading and parsing migration directories. Fixtures are built in temporary
//! directories from the file lists written in each test.

mod create;
mod errors;
mod layouts;
mod ups;

use super::{load_dir, Layout};
use crate::{Migration, SourceError, SourceErrorKind};
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// A temporary migrations directory.
pub(super) struct Fixture {
    dir: TempDir,
}

impl Fixture {
    /// A directory holding `files` (relative path, text); parent directories are created.
    pub(super) fn new(files: &[(&str, &str)]) -> Fixture {
        let fixture = Fixture {
            dir: TempDir::new().unwrap(),
        };
        for (relative, text) in files {
            fixture.write(relative, text.as_bytes());
        }
        fixture
    }

    pub(super) fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.dir.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub(super) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(super) fn load(&self) -> Vec<Migration> {
        self.load_as(Layout::Auto).unwrap_or_else(|e| panic!("{e}"))
    }

    pub(super) fn load_as(&self, layout: Layout) -> Result<Vec<Migration>, SourceError> {
        load_dir(self.dir.path(), layout)
    }

    /// Loading fails with `kind`, and the message names every file of `files`.
    pub(super) fn fails(
        &self,
        layout: Layout,
        kind: SourceErrorKind,
        files: &[&str],
    ) -> SourceError {
        let err = match self.load_as(layout) {
            Ok(ms) => panic!("expected {kind:?}, got {} migrations", ms.len()),
            Err(e) => e,
        };
        assert_eq!(err.kind, kind, "{err}");
        let shown = err.to_string();
        for file in files {
            assert!(shown.contains(file), "`{shown}` does not name {file}");
            assert!(
                err.paths.iter().any(|p| p.ends_with(file)),
                "{:?} does not hold {file}",
                err.paths
            );
        }
        err
    }
}

/// `version_name` labels (`R__name` for repeatables), in order.
pub(super) fn labels(ms: &[Migration]) -> Vec<String> {
    ms.iter().map(Migration::label).collect()
}

/// A statement for files that need one.
pub(super) const SQL: &str = "create table t (id int);\n";
