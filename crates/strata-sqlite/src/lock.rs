//! The migration lock: an exclusive OS lock on a sidecar file.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use strata_core::{DriverError, DriverErrorKind};

/// A held lock; dropping it (or the process dying) releases it.
pub(crate) struct FileLock {
    file: File,
}

pub(crate) fn lock_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".strata-lock");
    PathBuf::from(s)
}

impl FileLock {
    /// Takes the lock, polling until `wait` has passed. When another runner holds it, calls
    /// `waiting` once with what the lock file says about the holder before starting to wait.
    pub(crate) fn acquire(
        db: &Path,
        wait: Duration,
        waiting: &mut (dyn FnMut(String) + Send),
    ) -> Result<FileLock, DriverError> {
        let path = lock_path(db);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| {
                DriverError::new(
                    DriverErrorKind::Connect,
                    format!("cannot open the lock file {}: {e}", path.display()),
                )
            })?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(5);
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    if !told {
                        told = true;
                        waiting(holder(&mut file));
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = holder(&mut file);
                    return Err(DriverError::new(
                        DriverErrorKind::LockTimeout,
                        format!(
                            "another strata run holds the migration lock on {} ({}) and did not finish within {:?}",
                            db.display(),
                            holder,
                            wait
                        ),
                    )
                    .with_hint(Some(
                        "wait for it to finish, or raise --lock-wait; the lock is released when that process exits".into(),
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(DriverError::new(
                        DriverErrorKind::Other,
                        format!("cannot lock {}: {e}", path.display()),
                    ))
                }
            }
        }
        // Say who holds it, for whoever waits next. Best effort: the lock is what matters.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let user = std::env::var("USER").unwrap_or_default();
        let _ = write!(file, "pid {} user {user}", std::process::id());
        Ok(FileLock { file })
    }
}

/// What the lock file says about its holder (`pid 12 user ann`), read from the start.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind();
    let _ = file.read_to_string(&mut text);
    match text.trim() {
        "" => "holder unknown".to_string(),
        t => t.to_string(),
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}
