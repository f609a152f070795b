//! Raw command-line arguments (clap). Resolved with the config file into [`crate::config::Config`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people (for `schema dump`, SQL; `sql` is accepted as another name).
    #[value(alias = "sql")]
    Text,
    /// One JSON document on stdout, for machines.
    Json,
    /// GitHub Actions workflow annotations (`strata lint`; other commands print text).
    Github,
}

/// The lowest finding level that makes `strata lint` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding.
    Hint,
    /// Warnings and errors.
    Warning,
    /// Errors only.
    Error,
    /// Never: always exit 0 unless strata itself fails.
    Never,
}

#[derive(Debug, Parser)]
#[command(
    name = "strata",
    version,
    about = "Versioned SQL migrations that prove what they did",
    propagate_version = true
)]
pub struct Cli {
    /// Database URL (default: $DATABASE_URL, also read from .env, then strata.toml).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Migrations directory (default: from strata.toml, else `migrations`).
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Config file (default: strata.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Environment section of the config file (`[env.NAME]`).
    #[arg(long, global = true, value_name = "NAME")]
    pub env: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only results and errors, no progress.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// History table name (default: strata_migrations).
    #[arg(long, global = true, value_name = "NAME")]
    pub history_table: Option<String>,
    /// Seconds to wait for another runner's migration lock.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub lock_wait: Option<f64>,
    /// Schema of the history table (PostgreSQL; default: public, created when missing).
    #[arg(long, global = true, value_name = "NAME")]
    pub schema: Option<String>,
    /// lock_timeout for migrations (PostgreSQL; `5s`, `500ms`, `0` = off; default 5s).
    #[arg(long, global = true, value_name = "DURATION")]
    pub lock_timeout: Option<String>,
    /// statement_timeout for migrations (PostgreSQL; `30s`, `10min`; default off).
    #[arg(long, global = true, value_name = "DURATION")]
    pub statement_timeout: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the next migration file(s) in the directory's layout.
    New {
        /// Name of the migration (`add_users`).
        name: String,
    },
    /// Apply pending migrations.
    Up {
        /// Apply up to and including this version.
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Print the plan and the SQL without running anything.
        #[arg(long)]
        dry_run: bool,
        /// Apply pending migrations whose version is below the highest applied one.
        #[arg(long)]
        allow_out_of_order: bool,
        /// Go on although applied migrations have no file.
        #[arg(long)]
        allow_missing: bool,
        /// Run every migration in one transaction: all or nothing.
        #[arg(long)]
        single_transaction: bool,
        /// Apply even when `strata lint` finds errors in the pending migrations (PostgreSQL).
        #[arg(long)]
        allow_unsafe: bool,
        /// Run each migration's verify script right after it (before its commit) and stop at
        /// the first that fails (default: `verify` in strata.toml).
        #[arg(long, overrides_with = "no_verify")]
        verify: bool,
        /// Do not run verify scripts, although strata.toml says `verify = true`.
        #[arg(long, overrides_with = "verify")]
        no_verify: bool,
    },
    /// Revert migrations (default: the last one).
    Down {
        /// How many to revert.
        #[arg(conflicts_with_all = ["to", "batch"])]
        count: Option<usize>,
        /// Revert everything above this version (`0`: everything).
        #[arg(long, value_name = "VERSION", conflicts_with = "batch")]
        to: Option<String>,
        /// Revert everything the last `up` applied.
        #[arg(long)]
        batch: bool,
        /// Print the plan and the SQL without running anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Revert the last applied migration and apply it again.
    Redo {
        /// Print the plan and the SQL without running anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Show every migration and its state.
    Status {
        /// Exit 1 when anything is pending, modified, missing, dirty or out of order.
        #[arg(long)]
        check: bool,
    },
    /// Print the current version (the highest applied).
    Version,
    /// Check the files (layout, names, directives) and, with a database, the checksums.
    Validate,
    /// Find migration steps that lock, rewrite or break a busy PostgreSQL database.
    Lint {
        /// Files or directories to lint (default: the pending migrations; all of them when no
        /// database URL is given).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Lint every migration, not only the pending ones.
        #[arg(long)]
        all: bool,
        /// Target PostgreSQL major version (default: [lint] pg_version in strata.toml, else the
        /// server's when connected, else 15).
        #[arg(long, value_name = "N")]
        pg_version: Option<u32>,
        /// Exit with 1 when a finding is at or above this level.
        #[arg(long, value_enum, default_value_t = FailOn::Warning)]
        fail_on: FailOn,
        /// Also run each statement in a scratch PostgreSQL database, after the migrations
        /// before it, in a transaction that is rolled back, and report the locks it took and
        /// the tables it rewrote.
        #[arg(long)]
        measure: bool,
        /// Server on which the scratch database of --measure is created (default:
        /// $STRATA_SHADOW_URL, then `shadow_url` in strata.toml, else the database URL's).
        #[arg(long, value_name = "URL", requires = "measure")]
        shadow_url: Option<String>,
    },
    /// Record that the database already has everything up to VERSION.
    Baseline {
        /// The version the existing schema corresponds to.
        #[arg(id = "baseline_version", value_name = "VERSION")]
        version: String,
        /// Why (stored in the history).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Record VERSION as applied without running it.
    MarkApplied {
        /// The version to record.
        #[arg(id = "target_version", value_name = "VERSION")]
        version: String,
        /// Why (stored in the history).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Resolve a dirty migration, or accept a changed file's checksum.
    Repair {
        /// The version to repair (default: every dirty one).
        #[arg(id = "repair_version", value_name = "VERSION")]
        version: Option<String>,
        /// Store the file's current checksum for a modified migration.
        #[arg(long)]
        accept_checksum: bool,
        /// Remove a dirty migration's row instead (you undid it by hand).
        #[arg(long)]
        forget: bool,
        /// Why (stored in the history).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Read and compare schemas: `dump`, `diff`.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Check the schema against the migrations: `drift`, `roundtrip`.
    Check {
        #[command(subcommand)]
        command: CheckCommand,
    },
    /// Run the verify scripts of applied migrations (each in a transaction rolled back).
    Verify {
        /// Only this migration's.
        #[arg(id = "verify_version", value_name = "VERSION")]
        version: Option<String>,
    },
}

/// Which schemas a schema command reads, and where scratch databases go.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Only this schema (repeatable). `--schema` names the history table's schema.
    #[arg(long = "include-schema", short = 'n', value_name = "SCHEMA")]
    pub include_schemas: Vec<String>,
    /// Leave this schema out (repeatable).
    #[arg(long = "exclude-schema", short = 'N', value_name = "SCHEMA")]
    pub exclude_schemas: Vec<String>,
    /// Server on which scratch databases are created (default: $STRATA_SHADOW_URL, then
    /// `shadow_url` in strata.toml, else the database URL's server).
    #[arg(long, value_name = "URL")]
    pub shadow_url: Option<String>,
}

/// `strata schema ...`.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the database's schema: SQL that recreates it (default) or JSON (`--format json`).
    Dump {
        #[command(flatten)]
        schemas: SchemaArgs,
        /// Write to this file instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The differences and the SQL that turn FROM into TO. Each side is a database URL, or a
    /// migrations directory (`dir:PATH`, a path, or `migrations` for the project's) built in a
    /// scratch database. Exit 1 when they differ.
    Diff {
        /// The schema to start from.
        from: String,
        /// The schema to arrive at.
        to: String,
        #[command(flatten)]
        schemas: SchemaArgs,
    },
}

/// `strata check ...`.
#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Compare the database with what its applied migrations build in a scratch database.
    /// Exit 1 on drift.
    Drift {
        #[command(flatten)]
        schemas: SchemaArgs,
    },
    /// In a scratch database, for every migration: up, down (must restore the schema), up
    /// again (must give the same schema). Exit 1 at the first that fails.
    Roundtrip {
        /// Check only migrations from this version on (earlier ones are just applied).
        #[arg(long, value_name = "VERSION")]
        from: Option<String>,
        #[command(flatten)]
        schemas: SchemaArgs,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let a = Cli::try_parse_from(["strata", "--format", "json", "status", "--check"]).unwrap();
        let b = Cli::try_parse_from(["strata", "status", "--check", "--format", "json"]).unwrap();
        assert_eq!(a.format, Format::Json);
        assert_eq!(b.format, Format::Json);
        let c = Cli::try_parse_from(["strata", "repair", "3", "--dir", "db"]).unwrap();
        assert!(matches!(c.command, Command::Repair { version: Some(ref v), .. } if v == "3"));
        assert_eq!(c.dir.as_deref(), Some(std::path::Path::new("db")));
    }
}
