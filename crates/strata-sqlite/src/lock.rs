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
    /// Takes the lock, polling until `wait` has passed.
    pub(crate) fn acquire(db: &Path, wait: Duration) -> Result<FileLock, DriverError> {
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
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    return Err(DriverError::new(
                        DriverErrorKind::LockTimeout,
                        format!(
                            "another strata run holds the migration lock on {} ({}) and did not finish within {:?}",
                            db.display(),
                            if holder.is_empty() { "holder unknown" } else { holder },
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

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}
