//! Collations created in covered schemas (not those of `initdb` or of extensions).

use super::sql::comment;
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Collation, QualifiedName};

pub(crate) fn sql(ctx: &Ctx) -> String {
    // The ICU locale has a column of its own from PostgreSQL 15 (renamed in 17); before, it is
    // the collate locale.
    let icu = if ctx.version >= 170000 {
        "c.colllocale"
    } else if ctx.version >= 150000 {
        "c.colliculocale"
    } else {
        "NULL"
    };
    format!(
        "SELECT n.nspname, c.collname, c.collprovider, c.collisdeterministic, c.collcollate, \
         c.collctype, {icu}, {comment} FROM pg_collation c \
         JOIN pg_namespace n ON n.oid = c.collnamespace \
         WHERE c.oid >= 16384 AND c.collprovider <> 'd' AND {ok} AND {member}",
        comment = comment("pg_collation", "c.oid", "0"),
        ok = ctx.schema_ok("n.nspname"),
        member = ctx.not_member("pg_collation", "c.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let name = QualifiedName::new(r.text(0), r.text(1));
        let (collate, ctype) = (r.opt(4), r.opt(5));
        let mut c = if r.text(2) == "i" {
            Collation::new(name, "icu", r.opt(6).or(collate).unwrap_or_default())
        } else if collate == ctype {
            Collation::new(name, "libc", collate.unwrap_or_default())
        } else {
            let mut c = Collation::new(name, "libc", "");
            c.locale = None;
            c.lc_collate = collate;
            c.lc_ctype = ctype;
            c
        };
        c.deterministic = r.flag(3);
        c.comment = r.opt(7);
        reader.schema.collations.push(c);
    }
    Ok(())
}
