//! `strata.toml`, `.env` and the command line, resolved once into [`Config`].

use crate::args::{Cli, Format};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use strata::source::Layout;

/// The config file as written: everything optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    database_url: Option<String>,
    dir: Option<PathBuf>,
    #[serde(alias = "layout")]
    format: Option<Layout>,
    history_table: Option<String>,
    lock_wait: Option<f64>,
    #[serde(default)]
    env: BTreeMap<String, EnvSection>,
}

/// An `[env.NAME]` section: overrides the top level.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvSection {
    database_url: Option<String>,
    dir: Option<PathBuf>,
    #[serde(alias = "layout")]
    format: Option<Layout>,
    history_table: Option<String>,
    lock_wait: Option<f64>,
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
    /// Output format.
    pub format: Format,
    /// No progress output.
    pub quiet: bool,
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
        let pick =
            |f: fn(&EnvSection) -> Option<String>, top: Option<String>| section.and_then(f).or(top);
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
        let dir = match &cli.dir {
            Some(d) => d.clone(),
            None => match section.and_then(|s| s.dir.clone()).or(file.dir.clone()) {
                Some(d) => base.join(d),
                None => base.join("migrations"),
            },
        };
        let layout = section
            .and_then(|s| s.format)
            .or(file.format)
            .unwrap_or(Layout::Auto);
        let history_table = cli
            .history_table
            .clone()
            .or_else(|| pick(|s| s.history_table.clone(), file.history_table.clone()));
        let lock_wait = cli
            .lock_wait
            .or(section.and_then(|s| s.lock_wait))
            .or(file.lock_wait)
            .unwrap_or(60.0);
        if !(0.0..=86_400.0).contains(&lock_wait) {
            bail!("lock wait must be between 0 and 86400 seconds, not {lock_wait}");
        }
        Ok(Config {
            database_url,
            url_source,
            dir,
            layout,
            history_table,
            lock_wait: Duration::from_secs_f64(lock_wait),
            format: cli.format,
            quiet: cli.quiet,
        })
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
