//! Triggers (not the internal ones behind foreign keys, nor partitions' clones of a
//! partitioned table's trigger).

use super::sql::{balanced, comment};
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{QualifiedName, Trigger};

pub(crate) fn sql(ctx: &Ctx) -> String {
    let clone = if ctx.version >= 130000 {
        " AND t.tgparentid = 0"
    } else {
        ""
    };
    format!(
        "SELECT n.nspname, c.relname, t.tgname, t.tgtype, t.tgattr::text, pg_get_triggerdef(t.oid), \
         fn.nspname, f.proname, encode(t.tgargs, 'hex'), t.tgoldtable, t.tgnewtable, \
         t.tgconstraint <> 0, t.tgdeferrable, t.tginitdeferred, t.tgenabled, {comment}, \
         t.tgrelid::text \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_proc f ON f.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace \
         WHERE NOT t.tgisinternal{clone} AND {ok} AND {member}{share}",
        comment = comment("pg_trigger", "t.oid", "0"),
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = ctx.not_member("pg_class", "c.oid"),
        share = ctx.share("c.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let bits = r.int(3)?;
        let mut events = Vec::new();
        for (bit, name) in [
            (4, "INSERT"),
            (16, "UPDATE"),
            (8, "DELETE"),
            (32, "TRUNCATE"),
        ] {
            if bits & bit != 0 {
                events.push(name.to_string());
            }
        }
        let mut t = Trigger::new(
            r.text(2),
            QualifiedName::new(r.text(0), r.text(1)),
            events,
            QualifiedName::new(r.text(6), r.text(7)),
        );
        t.for_each_row = bits & 1 != 0;
        t.timing = if bits & 64 != 0 {
            "INSTEAD OF"
        } else if bits & 2 != 0 {
            "BEFORE"
        } else {
            "AFTER"
        }
        .into();
        t.update_columns = reader.column_names(&r.text(16), &r.text(4), 0);
        t.when = when_condition(&r.text(5));
        t.arguments = arguments(&r.text(8));
        t.old_table = r.opt(9);
        t.new_table = r.opt(10);
        t.constraint = r.flag(11);
        t.deferrable = r.flag(12);
        t.initially_deferred = r.flag(13);
        t.enabled = match r.text(14).as_str() {
            "D" => "disabled",
            "R" => "replica",
            "A" => "always",
            _ => "origin",
        }
        .into();
        t.comment = r.opt(15);
        reader.schema.triggers.push(t);
    }
    Ok(())
}

/// The condition of `... FOR EACH ROW WHEN (condition) EXECUTE ...` in a trigger definition.
fn when_condition(def: &str) -> Option<String> {
    let at = ["EACH ROW WHEN (", "EACH STATEMENT WHEN ("]
        .iter()
        .find_map(|m| def.find(m).map(|i| i + m.len() - 1))?;
    balanced(def, at).map(|(inner, _)| inner.to_string())
}

/// `tgargs` (hex): arguments each ended by a NUL byte.
fn arguments(hex: &str) -> Vec<String> {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    let mut out: Vec<String> = bytes
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    // The last argument ends with a NUL too, leaving an empty piece.
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_and_arguments() {
        let def = "CREATE TRIGGER t BEFORE UPDATE ON public.x FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION public.f('a', 'b')";
        assert_eq!(
            when_condition(def).as_deref(),
            Some("(old.* IS DISTINCT FROM new.*)")
        );
        assert_eq!(
            when_condition("... FOR EACH ROW EXECUTE FUNCTION f()"),
            None
        );
        assert_eq!(arguments("610062630000"), vec!["a", "bc", ""]);
        assert_eq!(arguments(""), Vec::<String>::new());
    }
}
