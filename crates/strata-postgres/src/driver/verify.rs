//! Verify scripts on PostgreSQL: the statements run one by one (extended protocol, so the
//! result's column types are known), nested in a savepoint that is always rolled back: in a
//! transaction of their own (`strata verify`), or inside a migration's transaction before its
//! commit (`strata up --verify`).

use super::PostgresDriver;
use crate::conn::{exec, exec_counting};
use crate::error;
use crate::sql::{char_to_byte, Batch};
use strata_core::{ApplyFailure, DriverError, DriverErrorKind, HistoryChange};
use tokio_postgres::types::Type;

/// The savepoint the checks run in.
const SAVEPOINT: &str = "strata_verify";

impl PostgresDriver {
    pub(super) async fn run_verify(
        &mut self,
        statements: &[&str],
    ) -> Result<(), (usize, DriverError)> {
        exec(&self.main, "BEGIN READ WRITE")
            .await
            .map_err(|e| (0, e))?;
        let outcome = self.check_all(statements).await;
        // Always rolled back: a verify script never changes the database.
        let _ = exec(&self.main, "ROLLBACK").await;
        outcome
    }

    /// Each statement must succeed; one returning a single row with a single boolean must
    /// return true. One round trip per statement (`query_typed`: no separate prepare).
    async fn check_all(&self, statements: &[&str]) -> Result<(), (usize, DriverError)> {
        for (i, statement) in statements.iter().enumerate() {
            match self.main.query_typed(statement, &[]).await {
                Ok(rows) => {
                    let single_bool = rows.len() == 1
                        && rows[0].columns().len() == 1
                        && *rows[0].columns()[0].type_() == Type::BOOL;
                    if single_bool && rows[0].get::<_, Option<bool>>(0) != Some(true) {
                        let got = match rows[0].get::<_, Option<bool>>(0) {
                            Some(_) => "false",
                            None => "null",
                        };
                        return Err((
                            i,
                            DriverError::new(
                                DriverErrorKind::Other,
                                format!("the check returned {got}"),
                            ),
                        ));
                    }
                }
                Err(e) => {
                    let mut err = error::map(&e);
                    err.position = error::position(&e).map(|p| char_to_byte(statement, p));
                    return Err((i, err));
                }
            }
        }
        Ok(())
    }

    /// [`Driver::apply_verified`](strata_core::Driver::apply_verified). A migration without
    /// checks goes to the server in one round trip; checked, it takes three plus one per check:
    /// deciding to commit needs the checks' typed results (a `false` is not an error the server
    /// would stop at), so the commit cannot travel with them.
    ///
    /// 1. `BEGIN`, `SET LOCAL ...`, the statements and `SAVEPOINT strata_verify`, as one
    ///    simple-protocol query (errors map to the migration's statements, as in
    ///    `apply_atomic`);
    /// 2. each check, in the savepoint;
    /// 3. `ROLLBACK TO SAVEPOINT`, the history change and `COMMIT`; or, when a check failed,
    ///    `ROLLBACK` of everything.
    pub(super) async fn run_apply_verified(
        &mut self,
        statements: &[&str],
        verify: &[&str],
        change: &HistoryChange,
    ) -> Result<(), ApplyFailure> {
        let n = statements.len();
        self.ready()
            .await
            .map_err(|e| ApplyFailure::Statement(0, e))?;
        let mut batch = Batch::default();
        self.open_step(&mut batch);
        for s in statements {
            batch.statement(s);
        }
        batch.suffix(&format!("SAVEPOINT {SAVEPOINT}"));
        if let Err((completed, e)) = exec_counting(&self.main, &batch.sql).await {
            let mut err = error::map(&e);
            let (index, offset) = match error::position(&e).and_then(|p| batch.locate(p)) {
                Some((i, off)) => (i, (i < n).then_some(off)),
                None => (completed.saturating_sub(batch.prefix_commands).min(n), None),
            };
            err.position = offset;
            self.abandon().await;
            // Nothing was committed: no COMMIT had been sent.
            return Err(ApplyFailure::Statement(index, err));
        }
        if let Err((i, e)) = self.check_all(verify).await {
            self.abandon().await;
            return Err(ApplyFailure::Verify(i, e));
        }
        let mut tail =
            format!("ROLLBACK TO SAVEPOINT {SAVEPOINT};\nRELEASE SAVEPOINT {SAVEPOINT};\n");
        for w in self
            .table
            .write_sql(change, true)
            .map_err(|e| ApplyFailure::Statement(n, e))?
        {
            tail.push_str(&w);
            tail.push_str(";\n");
        }
        if !self.all {
            tail.push_str("COMMIT");
        }
        let Err(e) = exec(&self.main, &tail).await else {
            self.unflushed |= !self.all;
            return Ok(());
        };
        let mut err = e;
        if err.kind == DriverErrorKind::ConnectionLost && !self.all {
            match self.settle_after_loss(change).await {
                // The COMMIT went through before the connection broke.
                Ok(true) => {
                    self.unflushed = true;
                    return Ok(());
                }
                Ok(false) => err.message.push_str("; its transaction did not commit"),
                Err(e2) => err.message.push_str(&format!(
                    "; whether its transaction committed is unknown (reconnecting failed: {})",
                    e2.message
                )),
            }
        } else {
            self.abandon().await;
        }
        Err(ApplyFailure::Statement(n, err))
    }

    /// After a failure inside a step: its own transaction is rolled back; inside `begin_all`,
    /// the caller rolls back the whole run.
    async fn abandon(&mut self) {
        if !self.all {
            let _ = exec(&self.main, "ROLLBACK").await;
        }
    }
}
