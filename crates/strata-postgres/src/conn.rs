//! Opening connections and running simple-protocol queries on them.
//!
//! Everything strata sends goes through the simple query protocol: one round trip for any number
//! of statements, no prepared statements (so it works through a transaction-pooling PgBouncer),
//! and the statements of a migration run exactly as `psql` would send them.

use crate::error;
use crate::url::ConnectParams;
use futures_util::StreamExt;
use strata_core::DriverError;
use tokio_postgres::{Client, NoTls, SimpleQueryMessage, SimpleQueryRow};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Opens connections to one server.
#[derive(Clone)]
pub(crate) struct Connector {
    pub params: ConnectParams,
    tls: Option<MakeRustlsConnect>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.params.fmt(f)
    }
}

impl Connector {
    pub fn new(params: ConnectParams) -> Result<Connector, DriverError> {
        let tls = crate::tls::client_config(
            params.ssl_mode,
            params.root_cert.as_deref(),
            params.client_cert.as_ref(),
        )?
        .map(MakeRustlsConnect::new);
        Ok(Connector { params, tls })
    }

    /// Opens a connection; `options` go into the startup packet (`-c name=value ...`), which
    /// sets them without a round trip.
    pub async fn open(&self, options: Option<&str>) -> Result<Client, DriverError> {
        Ok(self.open_reporting(options).await?.0)
    }

    /// [`Connector::open`], also returning the `server_version` the server reports at start-up
    /// (`15.4 (Debian 15.4-1)`; empty if it did not), so no query is needed to learn it.
    pub async fn open_reporting(
        &self,
        options: Option<&str>,
    ) -> Result<(Client, String), DriverError> {
        let mut config = self.params.config.clone();
        if let Some(extra) = options {
            let merged = match config.get_options() {
                Some(o) if !o.is_empty() => format!("{o} {extra}"),
                _ => extra.to_string(),
            };
            config.options(merged);
        }
        config.ssl_mode(match self.params.ssl_mode {
            crate::url::SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            crate::url::SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        });
        let fail = |e: tokio_postgres::Error| {
            error::connect(
                &e,
                &self.params.display,
                self.params.config.get_password(),
                &self.params.password_from,
            )
        };
        // The connection object does the I/O; it runs as its own task until the client is
        // dropped (or the server goes away).
        let version = |v: Option<&str>| v.unwrap_or("").to_string();
        Ok(match &self.tls {
            None => {
                let (client, connection) = config.connect(NoTls).await.map_err(fail)?;
                let v = version(connection.parameter("server_version"));
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                (client, v)
            }
            Some(tls) => {
                let (client, connection) = config.connect(tls.clone()).await.map_err(fail)?;
                let v = version(connection.parameter("server_version"));
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                (client, v)
            }
        })
    }
}

/// The rows of every result of a simple query.
pub(crate) async fn rows(client: &Client, sql: &str) -> Result<Vec<SimpleQueryRow>, DriverError> {
    let messages = client.simple_query(sql).await.map_err(|e| error::map(&e))?;
    Ok(messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .collect())
}

/// Runs a simple query, discarding rows.
pub(crate) async fn exec(client: &Client, sql: &str) -> Result<(), DriverError> {
    client.batch_execute(sql).await.map_err(|e| error::map(&e))
}

/// Runs a simple query of several statements; on failure also says how many statements
/// completed before it (the server runs them in order and stops at the first error), which
/// names the failing statement when the error carries no position.
pub(crate) async fn exec_counting(
    client: &Client,
    sql: &str,
) -> Result<(), (usize, tokio_postgres::Error)> {
    let stream = client.simple_query_raw(sql).await.map_err(|e| (0, e))?;
    futures_util::pin_mut!(stream);
    let mut completed = 0;
    while let Some(message) = stream.next().await {
        match message {
            Ok(SimpleQueryMessage::CommandComplete(_)) => completed += 1,
            Ok(_) => {}
            Err(e) => return Err((completed, e)),
        }
    }
    Ok(())
}
