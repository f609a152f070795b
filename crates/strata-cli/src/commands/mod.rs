//! One file per subcommand; shared set-up here.

mod baseline;
mod check;
mod down;
mod lint;
mod mark_applied;
mod new;
mod repair;
mod schema;
mod status;
mod up;
mod validate;
mod verify;
mod version;

use crate::args::{Cli, Command, Format};
use crate::config::Config;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use strata::source::Layout;
use strata::{Driver, Event, ExecutorOptions, Migration, Version};

/// Runs the command and returns the exit code.
pub async fn run(cli: Cli) -> Result<i32> {
    let config = Config::resolve(&cli)?;
    match cli.command {
        Command::New { name } => new::run(&config, &name),
        Command::Up {
            to,
            dry_run,
            allow_out_of_order,
            allow_missing,
            single_transaction,
            allow_unsafe,
            verify,
            no_verify,
        } => {
            let policy = strata::Policy::default()
                .allow_out_of_order(allow_out_of_order)
                .allow_missing(allow_missing)
                .single_transaction(single_transaction);
            let target = strata::Target::Up {
                to: to.as_deref().map(parse_version).transpose()?,
            };
            let verify = (verify || config.verify) && !no_verify;
            up::run(&config, target, policy, dry_run, allow_unsafe, verify).await
        }
        Command::Down {
            count,
            to,
            batch,
            dry_run,
        } => {
            let target = match (count, to, batch) {
                (_, _, true) => strata::Target::DownBatch,
                (_, Some(v), _) => strata::Target::DownTo(parse_version(&v)?),
                (n, None, false) => strata::Target::DownCount(n.unwrap_or(1)),
            };
            down::run(&config, target, dry_run).await
        }
        Command::Redo { dry_run } => down::run(&config, strata::Target::Redo, dry_run).await,
        Command::Status { check } => status::run(&config, check).await,
        Command::Version => version::run(&config).await,
        Command::Validate => validate::run(&config).await,
        Command::Lint {
            paths,
            all,
            pg_version,
            fail_on,
            measure,
            shadow_url,
        } => {
            let measure = measure.then_some(shadow_url);
            lint::run(&config, &paths, all, pg_version, fail_on, measure).await
        }
        Command::Baseline { version, reason } => {
            baseline::run(&config, &parse_version(&version)?, reason.as_deref()).await
        }
        Command::MarkApplied { version, reason } => {
            mark_applied::run(&config, &parse_version(&version)?, reason.as_deref()).await
        }
        Command::Repair {
            version,
            accept_checksum,
            forget,
            reason,
        } => {
            let version = version.as_deref().map(parse_version).transpose()?;
            repair::run(
                &config,
                version.as_ref(),
                accept_checksum,
                forget,
                reason.as_deref(),
            )
            .await
        }
        Command::Schema { command } => schema::run(&config, command).await,
        Command::Check { command } => check::run(&config, command).await,
        Command::Verify { version } => {
            let version = version.as_deref().map(parse_version).transpose()?;
            verify::run(&config, version.as_ref()).await
        }
    }
}

fn parse_version(s: &str) -> Result<Version> {
    Ok(Version::parse(s)?)
}

/// Reads the migrations directory.
fn load(config: &Config) -> Result<Vec<Migration>> {
    Ok(strata::source::load_dir(&config.dir, config.layout)?)
}

/// How the migrations directory is read (`load_dir`, or `load_ups` for a no-op `up`).
type Loader = fn(&Path, Layout) -> std::result::Result<Vec<Migration>, strata::SourceError>;

/// Starts reading the migrations directory on a blocking thread, from async code.
fn start_loading(
    config: &Config,
    load: Loader,
) -> tokio::task::JoinHandle<std::result::Result<Vec<Migration>, strata::SourceError>> {
    let (dir, layout) = (config.dir.clone(), config.layout);
    tokio::task::spawn_blocking(move || load(&dir, layout))
}

/// The migrations a [`start_loading`] thread read (its panic goes on here).
fn loaded(
    joined: std::result::Result<
        std::result::Result<Vec<Migration>, strata::SourceError>,
        tokio::task::JoinError,
    >,
) -> Result<Vec<Migration>> {
    match joined {
        Ok(migrations) => Ok(migrations?),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Reads the migrations directory on a blocking thread, from async code.
async fn load_blocking(config: &Config) -> Result<Vec<Migration>> {
    loaded(start_loading(config, strata::source::load_dir).await)
}

/// Reads the migrations directory and opens the database at the same time: the files are read
/// on a thread of their own while the connection is set up (network round trips, the server
/// starting a backend, TLS), so a run waits for the slower of the two instead of both. A
/// problem with the files is reported first, as when they are read before connecting.
/// `locking`: the command takes the migration lock (not a dry run), which PostgreSQL then tries
/// while connecting.
async fn load_and_connect(
    config: &Config,
    locking: bool,
) -> Result<(Vec<Migration>, Box<dyn Driver>)> {
    load_with_and_connect(config, locking, strata::source::load_dir).await
}

/// [`load_and_connect`] with another way to load the files ([`strata::source::load_ups`]).
async fn load_with_and_connect(
    config: &Config,
    locking: bool,
    load: Loader,
) -> Result<(Vec<Migration>, Box<dyn Driver>)> {
    let mut loading = start_loading(config, load);
    // Every command that loads the files reads the history before anything else.
    let options = connect_options(config)
        .lock_early(locking)
        .history_early(true);
    let connecting = open(config, options);
    tokio::pin!(connecting);
    tokio::select! {
        // Bad files stop the connecting.
        joined = &mut loading => {
            let migrations = loaded(joined)?;
            Ok((migrations, connecting.await?))
        }
        driver = &mut connecting => {
            let migrations = loaded(loading.await)?;
            Ok((migrations, driver?))
        }
    }
}

/// Opens the database.
async fn connect(config: &Config) -> Result<Box<dyn Driver>> {
    open(config, connect_options(config)).await
}

async fn open(config: &Config, options: strata::ConnectOptions) -> Result<Box<dyn Driver>> {
    let url = config.url()?;
    strata::connect(&url, &options).await.with_context(|| {
        format!(
            "cannot open the database {} (from {})",
            strata::redact_url(&url),
            config.url_source
        )
    })
}

/// How to connect, from the config.
fn connect_options(config: &Config) -> strata::ConnectOptions {
    strata::ConnectOptions::default()
        .history_table(config.history_table.clone())
        .schema(config.schema.clone())
        .lock_mode(config.lock_mode)
        .lock_timeout(config.lock_timeout)
        .statement_timeout(config.statement_timeout)
}

/// The SQL dialect a URL's engine speaks (SQLite when there is no URL: the embedded default).
pub(crate) fn dialect_of(url: Option<&str>) -> strata::Dialect {
    match url.and_then(|u| u.split(':').next()) {
        Some("postgres" | "postgresql") => strata::Dialect::Postgres,
        Some("mysql" | "mariadb") => strata::Dialect::MySql,
        _ => strata::Dialect::Sqlite,
    }
}

/// Executor options from the config.
fn options(config: &Config) -> ExecutorOptions {
    ExecutorOptions::default().lock_wait(config.lock_wait)
}

/// Progress lines on stderr, for people only.
fn progress(config: &Config) -> impl FnMut(Event) + Send {
    let show = config.format != Format::Json && !config.quiet;
    // What the step's verify script gave (`up --verify`), told with its line.
    let mut verified: Option<&'static str> = None;
    move |event: Event| {
        if !show {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = match event {
            Event::LockWaiting { holder } => {
                writeln!(err, "waiting for the migration lock ({holder})")
            }
            Event::StepFinished {
                label,
                direction,
                millis,
            } => {
                let verb = if direction == "down" {
                    "reverted"
                } else {
                    "applied"
                };
                match verified.take() {
                    Some(v) => writeln!(err, "{verb} {label} ({millis} ms, {v})"),
                    None => writeln!(err, "{verb} {label} ({millis} ms)"),
                }
            }
            Event::Verified { outcome, .. } => {
                verified = match outcome {
                    strata::VerifyOutcome::Passed { .. } => Some("verified"),
                    strata::VerifyOutcome::NoScript => Some("no verify script"),
                    _ => None,
                };
                Ok(())
            }
            Event::Resuming {
                label,
                statements_done,
            } => writeln!(
                err,
                "resuming {label} after its {statements_done} completed statement(s)"
            ),
            Event::Retrying {
                label,
                attempt,
                reason,
            } => {
                writeln!(
                    err,
                    "lock timeout in {label} ({reason}); retrying, attempt {attempt}"
                )
            }
            _ => Ok(()),
        };
    }
}

/// Writes a JSON value to stdout.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<()> {
    // Buffered: pretty JSON is many lines, and stdout alone writes each line separately.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // As an io::Error, so a closed pipe (`strata status --format json | head`) is recognised
    // and ends the program quietly: serde_json's error does not expose the io::Error it wraps
    // as its source.
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
