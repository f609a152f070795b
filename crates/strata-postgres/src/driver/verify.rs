//! Verify scripts on PostgreSQL: the statements run one by one (extended protocol, so the
//! result's column types are known) inside a transaction that is always rolled back.

use super::PostgresDriver;
use crate::conn::exec;
use crate::error;
use crate::sql::char_to_byte;
use strata_core::{DriverError, DriverErrorKind};
use tokio_postgres::types::Type;

impl PostgresDriver {
    pub(super) async fn run_verify(
        &mut self,
        statements: &[&str],
    ) -> Result<(), (usize, DriverError)> {
        exec(&self.main, "BEGIN READ WRITE")
            .await
            .map_err(|e| (0, e))?;
        let mut outcome = Ok(());
        for (i, statement) in statements.iter().enumerate() {
            match self.main.query(*statement, &[]).await {
                Ok(rows) => {
                    let single_bool = rows.len() == 1
                        && rows[0].columns().len() == 1
                        && *rows[0].columns()[0].type_() == Type::BOOL;
                    if single_bool && rows[0].get::<_, Option<bool>>(0) != Some(true) {
                        let got = match rows[0].get::<_, Option<bool>>(0) {
                            Some(_) => "false",
                            None => "null",
                        };
                        outcome = Err((
                            i,
                            DriverError::new(
                                DriverErrorKind::Other,
                                format!("the check returned {got}"),
                            ),
                        ));
                        break;
                    }
                }
                Err(e) => {
                    let mut err = error::map(&e);
                    err.position = error::position(&e).map(|p| char_to_byte(statement, p));
                    outcome = Err((i, err));
                    break;
                }
            }
        }
        // Always rolled back: a verify script never changes the database.
        let _ = exec(&self.main, "ROLLBACK").await;
        outcome
    }
}
