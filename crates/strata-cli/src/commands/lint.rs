//! `strata lint`: the safety linter over the project's pending migrations, every migration, or
//! the files and directories given.

use super::{connect, connect_options, options};
use crate::args::{FailOn, Format};
use crate::config::Config;
use crate::report::lint::{self as render, Finding, Measured, Source};
use crate::{EXIT_FINDINGS, EXIT_OK};
use anyhow::{anyhow, Context, Result};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use strata::lint::{LintContext, Linter, Severity, DEFAULT_PG_VERSION};
use strata::{Executor, Migration, MigrationState, Script, TransactionMode};

/// One script to lint, or to learn from (an earlier migration that is not linted).
struct Unit {
    file: String,
    sql: String,
    line_offset: usize,
    mode: TransactionMode,
    lint: bool,
    /// Starts a new sequence: nothing learned from the units before it.
    fresh: bool,
    /// The migration it is, when it is one (`--measure` applies the earlier ones).
    migration: Option<Migration>,
    /// Its `-- strata:lock-timeout` directive.
    lock_timeout: Option<std::time::Duration>,
}

pub async fn run(
    config: &Config,
    paths: &[PathBuf],
    all: bool,
    pg_version: Option<u32>,
    fail_on: FailOn,
    measure: Option<Option<String>>,
) -> Result<i32> {
    // The scratch server is resolved first: a missing one is reported before any work.
    let scratch_server = measure
        .map(|flag| config.scratch_server(flag.as_deref()))
        .transpose()
        .context("strata lint --measure")?;
    let linter = linter(config)?;
    keep_freed_memory();
    // Units keep their migrations only for measuring.
    let keep = scratch_server.is_some();
    let mut server_version = None;
    let units = if paths.is_empty() {
        project_units(config, all, &mut server_version, keep).await?
    } else {
        path_units(config, paths, keep)?
    };
    let pg = pg_version
        .or(config.lint.pg_version)
        .or(server_version)
        .unwrap_or(DEFAULT_PG_VERSION);
    // strata sets a lock_timeout of its own on PostgreSQL unless told `0`.
    let runner_timeout = config.lock_timeout.is_none_or(|d| !d.is_zero());
    let base = LintContext::default()
        .pg_version(pg)
        .runner_sets_lock_timeout(runner_timeout)
        .runner_skips_transaction_when_required(true);
    let mut cx = base.clone();
    let mut findings = Vec::new();
    let mut checked = 0;
    for (i, unit) in units.iter().enumerate() {
        if unit.fresh {
            cx = base.clone();
        }
        cx.transaction = unit.mode;
        cx.file_lock_timeout = unit.lock_timeout;
        if unit.lint {
            checked += 1;
            let found = linter.lint_and_learn(&unit.sql, &mut cx);
            findings.extend(found.into_iter().map(|violation| Finding {
                source: i,
                violation,
            }));
        } else {
            strata::lint::learn(&unit.sql, &mut cx);
        }
    }
    let measured = match &scratch_server {
        Some(server) => Some(measure_units(config, server, &units).await?),
        None => None,
    };
    let sources: Vec<Source<'_>> = units
        .iter()
        .map(|u| Source {
            file: &u.file,
            sql: &u.sql,
            line_offset: u.line_offset,
        })
        .collect();
    match config.format {
        Format::Json => {
            let mut doc = render::json(&sources, &findings);
            if let Some(measured) = &measured {
                doc["measurements"] = render::measurements_json(&sources, measured);
            }
            super::print_json(&doc)?
        }
        Format::Github => {
            let mut out = std::io::stdout().lock();
            render::github(&mut out, &sources, &findings)?;
            if let Some(measured) = &measured {
                render::measurements_github(&mut out, &sources, measured)?;
            }
            out.flush()?;
            if !config.quiet {
                writeln!(
                    std::io::stderr().lock(),
                    "{}",
                    render::summary(&findings, checked)
                )?;
            }
        }
        Format::Text => {
            let mut out = std::io::stdout().lock();
            if checked == 0 {
                writeln!(out, "Nothing to lint: no pending migrations.")?;
            } else {
                render::text(&mut out, &sources, &findings, measured.as_deref(), checked)?;
            }
            out.flush()?;
        }
    }
    let threshold = match fail_on {
        FailOn::Hint => Some(Severity::Hint),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Error => Some(Severity::Error),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| findings.iter().any(|f| f.violation.severity >= t));
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// `strata up`'s pre-flight on PostgreSQL: lints the migrations the plan would apply (after
/// learning from the ones before them) and refuses when a finding is at error level, before
/// anything runs: a failure in the third pending migration would otherwise come after the
/// first two were applied.
pub(super) async fn preflight(
    config: &Config,
    migrations: &[Migration],
    driver: &mut dyn strata::Driver,
    target: &strata::Target,
    policy: &strata::Policy,
) -> Result<()> {
    if driver.capabilities().dialect != strata::Dialect::Postgres {
        return Ok(());
    }
    let server_version = driver
        .capabilities()
        .server_version
        .as_deref()
        .and_then(major_version);
    // What the run would do, with strata's own checks (transaction control, CONCURRENTLY in a
    // transaction, unterminated quotes): when those refuse, the run reports it as usual.
    let report = Executor::new(driver, options(config))
        .dry_run(migrations, target, policy)
        .await;
    let (None, Some(plan)) = (&report.error, &report.plan) else {
        return Ok(());
    };
    let to_apply: HashSet<(String, String)> = plan
        .steps
        .iter()
        .filter(|s| !s.action.is_revert())
        .map(|s| {
            (
                s.version
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                s.name.clone(),
            )
        })
        .collect();
    if to_apply.is_empty() {
        return Ok(());
    }
    let units: Vec<Unit> = migrations
        .iter()
        .map(|m| {
            let lint = to_apply.contains(&(m.version_str().to_string(), m.name.clone()));
            migration_unit(m, lint, false)
        })
        .collect();
    let linter = linter(config)?;
    keep_freed_memory();
    let mut cx = LintContext::default()
        .pg_version(
            config
                .lint
                .pg_version
                .or(server_version)
                .unwrap_or(DEFAULT_PG_VERSION),
        )
        .runner_sets_lock_timeout(config.lock_timeout.is_none_or(|d| !d.is_zero()))
        .runner_skips_transaction_when_required(!policy.single_transaction);
    let mut errors = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        cx.transaction = unit.mode;
        cx.file_lock_timeout = unit.lock_timeout;
        if unit.lint {
            let found = linter.lint_and_learn(&unit.sql, &mut cx);
            errors.extend(
                found
                    .into_iter()
                    // The server reports a syntax error itself, with its SQLSTATE and position.
                    .filter(|v| v.severity == Severity::Error && v.rule != "syntax-error")
                    .map(|violation| Finding {
                        source: i,
                        violation,
                    }),
            );
        } else {
            strata::lint::learn(&unit.sql, &mut cx);
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    let sources: Vec<Source<'_>> = units
        .iter()
        .map(|u| Source {
            file: &u.file,
            sql: &u.sql,
            line_offset: u.line_offset,
        })
        .collect();
    if config.format != Format::Json {
        let mut err = std::io::stderr().lock();
        render::frames(&mut err, &sources, &errors)?;
    }
    let first = render::json(&sources, &errors);
    let f = &first["findings"][0];
    Err(anyhow!(
        "refusing to apply: strata lint found {} error(s) in the pending migrations, the first at {}:{}:{} ({}: {}); fix them, or pass --allow-unsafe to apply anyway",
        errors.len(),
        f["file"].as_str().unwrap_or_default(),
        f["line"],
        f["column"],
        f["rule"].as_str().unwrap_or_default(),
        f["message"].as_str().unwrap_or_default()
    ))
}

/// A linter with the levels of `[lint] rules` in strata.toml.
fn linter(config: &Config) -> Result<Linter> {
    let mut linter = Linter::new();
    for (rule, level) in &config.lint.rules {
        let level = match level.to_ascii_lowercase().as_str() {
            "off" | "allow" | "none" => None,
            other => Some(
                other
                    .parse::<Severity>()
                    .map_err(|e| anyhow!("[lint] rules.{rule} in the config file: {e}, or off"))?,
            ),
        };
        linter.set_level(rule, level).map_err(|e| {
            anyhow!("[lint] rules in the config file: {e} (the rules are listed in docs/rules/)")
        })?;
    }
    Ok(linter)
}

/// The project's migrations: all of them are learned from, and the pending ones (every one
/// with `--all` or without a database URL) are linted.
async fn project_units(
    config: &Config,
    all: bool,
    server_version: &mut Option<u32>,
    keep: bool,
) -> Result<Vec<Unit>> {
    let migrations = strata::source::load_dir(&config.dir, config.layout)?;
    let pending: Option<HashSet<(String, String)>> = if all || config.database_url.is_none() {
        None
    } else {
        let mut driver = connect(config).await?;
        *server_version = driver
            .capabilities()
            .server_version
            .as_deref()
            .and_then(major_version);
        let entries = Executor::new(driver.as_mut(), options(config))
            .status(&migrations)
            .await?;
        Some(
            entries
                .into_iter()
                .filter(|e| {
                    matches!(
                        e.status,
                        MigrationState::Pending | MigrationState::OutOfOrder
                    )
                })
                .map(|e| (e.version, e.name))
                .collect(),
        )
    };
    Ok(migrations
        .iter()
        .map(|m| {
            let lint = pending
                .as_ref()
                .is_none_or(|p| p.contains(&(m.version_str().to_string(), m.name.clone())));
            migration_unit(m, lint, keep)
        })
        .collect())
}

/// `keep`: the unit holds a copy of the migration (for `--measure`).
fn migration_unit(m: &Migration, lint: bool, keep: bool) -> Unit {
    Unit {
        file: m
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| m.label()),
        sql: m.up.sql.clone(),
        line_offset: m.up.line_offset,
        // As the run will: a file that cannot run in a transaction, or that controls its own,
        // runs statement by statement.
        mode: strata::effective_transaction(&m.up, strata::Dialect::Postgres),
        lint,
        fresh: false,
        migration: keep.then(|| m.clone()),
        lock_timeout: m.up.timeouts.lock,
    }
}

/// The files and directories given. A file of the project's migrations is linted after
/// learning from the migrations before it; a directory of migrations is linted as a sequence;
/// any other file (or a directory of files that are not migrations) is linted on its own.
fn path_units(config: &Config, paths: &[PathBuf], keep: bool) -> Result<Vec<Unit>> {
    let project = strata::source::load_dir(&config.dir, config.layout).unwrap_or_default();
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let project_paths: Vec<Option<PathBuf>> = project
        .iter()
        .map(|m| m.path().and_then(canonical))
        .collect();
    let mut chosen = vec![false; project.len()];
    let mut others = Vec::new();
    for path in paths {
        if path.is_dir() {
            match strata::source::load_dir(path, strata::source::Layout::Auto) {
                Ok(ms) => {
                    for (k, m) in ms.iter().enumerate() {
                        let mut unit = migration_unit(m, true, keep);
                        unit.fresh = k == 0;
                        others.push(unit);
                    }
                }
                Err(_) => others.extend(plain_files(path)?),
            }
            continue;
        }
        let c = canonical(path).with_context(|| format!("cannot read {}", path.display()))?;
        match project_paths.iter().position(|p| p.as_ref() == Some(&c)) {
            Some(i) => chosen[i] = true,
            None => others.push(file_unit(path)?),
        }
    }
    let mut units = Vec::new();
    if let Some(last) = chosen.iter().rposition(|&c| c) {
        for (i, m) in project.iter().enumerate().take(last + 1) {
            units.push(migration_unit(m, chosen[i], keep));
        }
        units[0].fresh = true;
    }
    units.extend(others);
    Ok(units)
}

/// Every `.sql` file in a directory (sorted), each linted on its own.
fn plain_files(dir: &Path) -> Result<Vec<Unit>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql") && p.is_file())
        .collect();
    files.sort();
    files.iter().map(|p| file_unit(p)).collect()
}

/// A file outside the project's migrations: its up section (dbmate markers) or all of it, in
/// the transaction mode its directives ask for.
fn file_unit(path: &Path) -> Result<Unit> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| anyhow!("{} is not valid UTF-8", path.display()))?;
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    let directives = strata::sql::parse_directives(&text)
        .map_err(|e| anyhow!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message))?;
    let (sql, line_offset) = match &directives.up {
        Some(up) => (text[up.range.clone()].to_string(), up.line_offset),
        None => (text.clone(), 0),
    };
    Ok(Unit {
        file: path.display().to_string(),
        sql,
        line_offset,
        mode: if directives.no_transaction {
            TransactionMode::None
        } else {
            TransactionMode::Transactional
        },
        lint: true,
        fresh: true,
        migration: None,
        lock_timeout: directives.lock_timeout,
    })
}

/// `--measure`: each sequence of units (a project's migrations, a directory of migrations, a
/// file on its own) in a scratch database of its own on `server`, where the units linted are
/// measured after the ones before them are applied.
async fn measure_units(config: &Config, server: &str, units: &[Unit]) -> Result<Vec<Measured>> {
    let mut starts: Vec<usize> = (0..units.len())
        .filter(|&i| i == 0 || units[i].fresh)
        .collect();
    starts.push(units.len());
    let lint_count = units.iter().filter(|u| u.lint).count();
    if lint_count > 0 && config.format == Format::Text && !config.quiet {
        eprintln!(
            "measuring {lint_count} file(s) in a scratch database on {}",
            strata::redact_url(server)
        );
    }
    let mut out = Vec::new();
    for range in starts.windows(2) {
        let (start, end) = (range[0], range[1]);
        let sequence = &units[start..end];
        let linted: Vec<usize> = (0..sequence.len()).filter(|&i| sequence[i].lint).collect();
        if linted.is_empty() {
            continue;
        }
        let migrations: Option<Vec<Migration>> =
            sequence.iter().map(|u| u.migration.clone()).collect();
        match migrations {
            Some(migrations) => {
                let found = strata::measure::measure(
                    server,
                    &migrations,
                    &linted,
                    &connect_options(config),
                )
                .await
                .with_context(|| {
                    format!(
                        "strata lint --measure: cannot measure {} in a scratch database on {}",
                        sequence[linted[0]].file,
                        strata::redact_url(server)
                    )
                })?;
                out.extend(found.into_iter().map(|m| Measured {
                    source: start + m.index,
                    script: m.outcome.map_err(|e| e.to_string()),
                }));
            }
            None => {
                for i in linted {
                    let unit = &sequence[i];
                    let script = Script::new(unit.sql.clone(), None, unit.line_offset)
                        .with_transaction(unit.mode);
                    let found = strata::measure::measure_script(server, &script)
                        .await
                        .with_context(|| {
                            format!(
                                "strata lint --measure: cannot measure {} in a scratch database on {}",
                                unit.file,
                                strata::redact_url(server)
                            )
                        })?;
                    out.push(Measured {
                        source: start + i,
                        script: Ok(found),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Asks glibc's allocator to keep freed memory instead of returning it to the kernel.
///
/// The PostgreSQL parser allocates and frees a few hundred kilobytes per chunk of a file; by
/// default glibc gives large blocks back at once, and the kernel must zero fresh pages for the
/// next chunk. On a multi-megabyte file that zeroing costs about a third of the run.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        const M_TRIM_THRESHOLD: std::ffi::c_int = -1;
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        // SAFETY: mallopt only changes allocator parameters; it is called before the linter
        // starts its threads.
        unsafe {
            mallopt(M_TRIM_THRESHOLD, 256 << 20);
            mallopt(M_MMAP_THRESHOLD, 64 << 20);
        }
    }
}

/// `15.4` -> 15, `9.6.24` -> 9.
fn major_version(v: &str) -> Option<u32> {
    v.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_versions() {
        assert_eq!(major_version("15.4"), Some(15));
        assert_eq!(major_version("17beta1"), Some(17));
        assert_eq!(major_version(""), None);
    }
}
