//! `strata.toml`, `.env` and the command line, resolved once into [`Config`].

use crate::args::{Cli, Format};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use strata::source::Layout;

/// The config file as written: everything optional. An `[env.NAME]` section has the same keys
/// and overrides the top level (sections do not nest).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    database_url: Option<String>,
    dir: Option<PathBuf>,
    #[serde(alias = "layout")]
    format: Option<Layout>,
    history_table: Option<String>,
    lock_wait: Option<f64>,
    schema: Option<String>,
    lock: Option<LockSetting>,
    lock_timeout: Option<Timeout>,
    statement_timeout: Option<Timeout>,
    lint: Option<LintSection>,
    verify: Option<bool>,
    shadow_url: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, ConfigFile>,
}

impl ConfigFile {
    /// This section's values, falling back to `base` for the keys it does not set.
    fn over(&self, base: &ConfigFile) -> ConfigFile {
        ConfigFile {
            database_url: self.database_url.clone().or(base.database_url.clone()),
            dir: self.dir.clone().or(base.dir.clone()),
            format: self.format.or(base.format),
            history_table: self.history_table.clone().or(base.history_table.clone()),
            lock_wait: self.lock_wait.or(base.lock_wait),
            schema: self.schema.clone().or(base.schema.clone()),
            lock: self.lock.or(base.lock),
            lock_timeout: self.lock_timeout.clone().or(base.lock_timeout.clone()),
            statement_timeout: self
                .statement_timeout
                .clone()
                .or(base.statement_timeout.clone()),
            lint: self.lint.clone().or(base.lint.clone()),
            verify: self.verify.or(base.verify),
            shadow_url: self.shadow_url.clone().or(base.shadow_url.clone()),
            env: BTreeMap::new(),
        }
    }
}

/// `[lint]`: rule levels and the target PostgreSQL version.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintSection {
    /// Rule id -> `off`, `hint`, `warning` or `error`.
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// Target PostgreSQL major version.
    pub pg_version: Option<u32>,
}

/// `lock = "advisory"` (default) or `lock = "table"` (lease row, for transaction-pooling
/// PgBouncer).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum LockSetting {
    Advisory,
    Table,
}

/// A timeout in the config file: seconds as a number, or text with a unit (`"5s"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Timeout {
    Seconds(f64),
    Text(String),
}

impl Timeout {
    fn resolve(&self, key: &str) -> Result<Duration> {
        match self {
            Timeout::Seconds(s) => parse_duration(&s.to_string()),
            Timeout::Text(t) => parse_duration(t),
        }
        .with_context(|| format!("{key} in the config file"))
    }
}

/// `500ms`, `5s`, `5`, `2min`, `1h`; `0` turns a timeout off.
pub fn parse_duration(text: &str) -> Result<Duration> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .with_context(|| format!("`{text}` is not a duration such as 500ms, 5s or 2min"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "min" | "m" => value * 60.0,
        "h" => value * 3600.0,
        other => bail!("unknown unit `{other}` in `{text}`: use ms, s, min or h"),
    };
    if seconds > 86_400.0 {
        bail!("`{text}` is longer than a day");
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Everything a command needs, resolved.
#[derive(Debug, Clone)]
pub struct Config {
    /// The database URL, if any source gave one.
    pub database_url: Option<String>,
    /// Where the URL came from, for messages.
    pub url_source: &'static str,
    /// Migrations directory.
    pub dir: PathBuf,
    /// Layout override.
    pub layout: Layout,
    /// History table.
    pub history_table: Option<String>,
    /// Lock wait.
    pub lock_wait: Duration,
    /// Schema of the history table (PostgreSQL).
    pub schema: Option<String>,
    /// Advisory lock or lease row.
    pub lock_mode: strata::LockMode,
    /// `lock_timeout` (`None`: the engine's default).
    pub lock_timeout: Option<Duration>,
    /// `statement_timeout` (`None`: the engine's default).
    pub statement_timeout: Option<Duration>,
    /// Output format.
    pub format: Format,
    /// No progress output.
    pub quiet: bool,
    /// The `[lint]` section.
    pub lint: LintSection,
    /// `verify = true`: `up` runs each migration's verify script (`--verify`, `--no-verify`).
    pub verify: bool,
    /// The server scratch databases are created on, from `STRATA_SHADOW_URL`, an `[env]`
    /// section or the top level (`--shadow-url` beats them all; see [`Config::shadow_url`]).
    shadow_url: Option<(String, &'static str)>,
}

impl Config {
    /// Resolves the command line, the environment, `.env` and the config file, in that order of
    /// precedence.
    pub fn resolve(cli: &Cli) -> Result<Config> {
        let (file, base) = load_file(cli.config.as_deref())?;
        let section = match &cli.env {
            Some(name) => Some(file.env.get(name).with_context(|| {
                let known: Vec<_> = file.env.keys().map(String::as_str).collect();
                format!(
                    "no [env.{name}] section in the config file (known: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )
            })?),
            None => None,
        };
        if let Some(nested) = file.env.iter().find(|(_, s)| !s.env.is_empty()) {
            bail!("[env.{}] cannot hold env sections of its own", nested.0);
        }
        // The URL's precedence differs from the other keys: an [env] section's URL beats
        // DATABASE_URL (the user named the environment), the top level's does not.
        let dotenv = read_dotenv();
        let (database_url, url_source) = if let Some(u) = &cli.database_url {
            (Some(u.clone()), "--database-url")
        } else if let Some(u) = section.and_then(|s| s.database_url.clone()) {
            (Some(u), "the config file's [env] section")
        } else if let Some(u) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            (Some(u), "DATABASE_URL")
        } else if let Some(u) = dotenv {
            (Some(u), "DATABASE_URL in .env")
        } else if let Some(u) = &file.database_url {
            (Some(u.clone()), "the config file")
        } else {
            (None, "nowhere")
        };
        let eff = match section {
            Some(s) => s.over(&file),
            None => file.clone(),
        };
        let dir = match &cli.dir {
            Some(d) => d.clone(),
            None => base.join(
                eff.dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("migrations")),
            ),
        };
        let layout = eff.format.unwrap_or(Layout::Auto);
        let history_table = cli.history_table.clone().or(eff.history_table.clone());
        let lock_wait = cli.lock_wait.or(eff.lock_wait).unwrap_or(60.0);
        if !(0.0..=86_400.0).contains(&lock_wait) {
            bail!("lock wait must be between 0 and 86400 seconds, not {lock_wait}");
        }
        let schema = cli.schema.clone().or(eff.schema.clone());
        let lock_mode = match eff.lock {
            Some(LockSetting::Table) => strata::LockMode::Table,
            _ => strata::LockMode::Advisory,
        };
        let timeout = |arg: &Option<String>, key: &str, file: &Option<Timeout>| match arg {
            Some(a) => parse_duration(a)
                .with_context(|| format!("--{}", key.replace('_', "-")))
                .map(Some),
            None => file.as_ref().map(|t| t.resolve(key)).transpose(),
        };
        let lock_timeout = timeout(&cli.lock_timeout, "lock_timeout", &eff.lock_timeout)?;
        let statement_timeout = timeout(
            &cli.statement_timeout,
            "statement_timeout",
            &eff.statement_timeout,
        )?;
        Ok(Config {
            database_url,
            url_source,
            dir,
            layout,
            history_table,
            lock_wait: Duration::from_secs_f64(lock_wait),
            schema,
            lock_mode,
            lock_timeout,
            statement_timeout,
            format: cli.format,
            quiet: cli.quiet,
            lint: eff.lint.clone().unwrap_or_default(),
            verify: eff.verify.unwrap_or(false),
            shadow_url: std::env::var("STRATA_SHADOW_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .map(|u| (u, "STRATA_SHADOW_URL"))
                .or_else(|| {
                    section
                        .and_then(|s| s.shadow_url.clone())
                        .map(|u| (u, "the config file's [env] section"))
                })
                .or_else(|| file.shadow_url.clone().map(|u| (u, "the config file"))),
        })
    }

    /// The server scratch databases are created on (`schema diff`, `check drift`, `check
    /// roundtrip`, `lint --measure`): `--shadow-url` (`flag`), else `STRATA_SHADOW_URL`, else
    /// `shadow_url` in the `[env.NAME]` section, else at the top of strata.toml, else the
    /// database URL's server. `${VAR}` in a value from the config file is expanded.
    pub fn scratch_server(&self, flag: Option<&str>) -> Result<String> {
        if let Some(u) = flag {
            return Ok(u.to_string());
        }
        match &self.shadow_url {
            Some((u, source)) if source.starts_with("the config file") => {
                expand(u).with_context(|| format!("shadow_url in {source}"))
            }
            Some((u, _)) => Ok(u.clone()),
            None => self.url().context(
                "a scratch database is needed: give --database-url (or DATABASE_URL), or a server to create it on with --shadow-url, STRATA_SHADOW_URL or shadow_url in strata.toml",
            ),
        }
    }

    /// The database URL, or an error saying where to put one. `${VAR}` in a URL from the
    /// config file is expanded here, so commands that need no database never require it.
    pub fn url(&self) -> Result<String> {
        let url = self.database_url.as_deref().context(
            "no database URL: pass --database-url, set DATABASE_URL (or put it in .env), or set database_url in strata.toml",
        )?;
        if self.url_source.starts_with("the config file") {
            expand(url)
        } else {
            Ok(url.to_string())
        }
    }
}

/// Reads the config file: `--config` (must exist) or `./strata.toml` (optional). Relative
/// directories in it are relative to the file.
fn load_file(explicit: Option<&Path>) -> Result<(ConfigFile, PathBuf)> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from("strata.toml");
            if !p.exists() {
                return Ok((ConfigFile::default(), PathBuf::new()));
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    let file: ConfigFile = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((file, base))
}

/// `DATABASE_URL` from `./.env`, without changing the process environment.
fn read_dotenv() -> Option<String> {
    let iter = dotenvy::from_path_iter(".env").ok()?;
    iter.filter_map(Result::ok)
        .find(|(k, _)| k == "DATABASE_URL")
        .map(|(_, v)| v)
}

/// Expands `${VAR}` in config values, so secrets can stay in the environment.
fn expand(value: &str) -> Result<String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .context("unclosed ${ in the config file")?
            + start;
        let name = &rest[start + 2..end];
        let v = std::env::var(name)
            .with_context(|| format!("the config file uses ${{{name}}}, which is not set"))?;
        out.push_str(&v);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
