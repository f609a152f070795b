//! Text search dictionaries and configurations created in covered schemas (not those of
//! `initdb` or of extensions). Parsers and templates are left out: they need C functions, which
//! only extensions bring.

use super::sql::comment;
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{QualifiedName, TextSearchConfig, TextSearchDictionary, TextSearchMapping};

pub(crate) fn dictionaries_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, d.dictname, quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname), \
         d.dictinitoption, {comment} FROM pg_ts_dict d \
         JOIN pg_namespace n ON n.oid = d.dictnamespace \
         JOIN pg_ts_template t ON t.oid = d.dicttemplate \
         JOIN pg_namespace tn ON tn.oid = t.tmplnamespace \
         WHERE d.oid >= 16384 AND {ok} AND {member}",
        comment = comment("pg_ts_dict", "d.oid", "0"),
        ok = ctx.schema_ok("n.nspname"),
        member = ctx.not_member("pg_ts_dict", "d.oid"),
    )
}

pub(crate) fn read_dictionaries(
    rows: Vec<Row<'_>>,
    reader: &mut Reader,
) -> Result<(), DriverError> {
    for r in rows {
        let mut d = TextSearchDictionary::new(QualifiedName::new(r.text(0), r.text(1)), r.text(2));
        d.options = r.opt(3);
        d.comment = r.opt(4);
        reader.schema.text_search_dictionaries.push(d);
    }
    Ok(())
}

/// Configurations with their mappings as JSON `[[token, [dictionary, ...]], ...]`, the
/// dictionaries in the order they are consulted and printed as `regdictionary` does.
pub(crate) fn configs_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.cfgname, quote_ident(pn.nspname) || '.' || quote_ident(p.prsname), \
         (SELECT coalesce(json_agg(json_build_array(t.alias, m.dicts)), '[]') \
           FROM (SELECT maptokentype, array_agg(mapdict::regdictionary::text ORDER BY mapseqno) \
             AS dicts FROM pg_ts_config_map WHERE mapcfg = c.oid GROUP BY maptokentype) m \
           JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype)::text, \
         {comment} FROM pg_ts_config c \
         JOIN pg_namespace n ON n.oid = c.cfgnamespace \
         JOIN pg_ts_parser p ON p.oid = c.cfgparser \
         JOIN pg_namespace pn ON pn.oid = p.prsnamespace \
         WHERE c.oid >= 16384 AND {ok} AND {member}",
        comment = comment("pg_ts_config", "c.oid", "0"),
        ok = ctx.schema_ok("n.nspname"),
        member = ctx.not_member("pg_ts_config", "c.oid"),
    )
}

pub(crate) fn read_configs(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let mut c = TextSearchConfig::new(QualifiedName::new(r.text(0), r.text(1)), r.text(2));
        let mappings: Vec<(String, Vec<String>)> = r.json(3)?;
        c.mappings = mappings
            .into_iter()
            .map(|(token, dictionaries)| TextSearchMapping::new(token, dictionaries))
            .collect();
        c.comment = r.opt(4);
        reader.schema.text_search_configs.push(c);
    }
    Ok(())
}
