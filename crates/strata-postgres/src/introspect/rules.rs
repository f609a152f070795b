//! Rewrite rules on tables and views (not the `_RETURN` rule that makes a view a view).

use super::sql::comment;
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{QualifiedName, Rule};

pub(crate) fn sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), {comment} \
         FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE r.rulename <> '_RETURN' AND r.oid >= 16384 AND {ok} AND {member}",
        comment = comment("pg_rewrite", "r.oid", "0"),
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = ctx.not_member("pg_class", "c.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let definition = r.text(3);
        let definition = definition.trim_end().trim_end_matches(';').to_string();
        let mut rule = Rule::new(
            r.text(2),
            QualifiedName::new(r.text(0), r.text(1)),
            definition,
        );
        rule.comment = r.opt(4);
        reader.schema.rules.push(rule);
    }
    Ok(())
}
