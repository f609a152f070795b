//! SQL for collations, aggregates and text search dictionaries and configurations.

use super::{ident, literal, qname};
use crate::model::*;

/// `CREATE COLLATION`.
pub(crate) fn collation(c: &Collation) -> String {
    let mut options = Vec::new();
    if c.provider != "libc" && !c.provider.is_empty() {
        options.push(format!("provider = {}", c.provider));
    }
    if let Some(l) = &c.locale {
        options.push(format!("locale = {}", literal(l)));
    }
    if let Some(l) = &c.lc_collate {
        options.push(format!("lc_collate = {}", literal(l)));
    }
    if let Some(l) = &c.lc_ctype {
        options.push(format!("lc_ctype = {}", literal(l)));
    }
    if !c.deterministic {
        options.push("deterministic = false".into());
    }
    format!(
        "CREATE COLLATION {} ({})",
        qname(&c.name),
        options.join(", ")
    )
}

/// `CREATE [OR REPLACE] AGGREGATE`.
pub(crate) fn aggregate(a: &Aggregate, or_replace: bool) -> String {
    let args = if a.arguments.is_empty() {
        "*"
    } else {
        &a.arguments
    };
    let mut options = vec![
        format!("SFUNC = {}", a.state_function),
        format!("STYPE = {}", a.state_type),
    ];
    if a.state_space != 0 {
        options.push(format!("SSPACE = {}", a.state_space));
    }
    if let Some(f) = &a.final_function {
        options.push(format!("FINALFUNC = {f}"));
    }
    if a.final_extra {
        options.push("FINALFUNC_EXTRA".into());
    }
    if let Some(m) = &a.final_modify {
        options.push(format!("FINALFUNC_MODIFY = {}", m.to_uppercase()));
    }
    if let Some(f) = &a.combine_function {
        options.push(format!("COMBINEFUNC = {f}"));
    }
    if let Some(f) = &a.serial_function {
        options.push(format!("SERIALFUNC = {f}"));
    }
    if let Some(f) = &a.deserial_function {
        options.push(format!("DESERIALFUNC = {f}"));
    }
    if let Some(v) = &a.initial_value {
        options.push(format!("INITCOND = {}", literal(v)));
    }
    if let Some(op) = &a.sort_operator {
        options.push(format!("SORTOP = {op}"));
    }
    match a.parallel {
        Parallel::Safe => options.push("PARALLEL = SAFE".into()),
        Parallel::Restricted => options.push("PARALLEL = RESTRICTED".into()),
        Parallel::Unsafe => {}
    }
    if a.kind == AggregateKind::Hypothetical {
        options.push("HYPOTHETICAL".into());
    }
    format!(
        "CREATE {}AGGREGATE {}({args}) (\n    {}\n)",
        if or_replace { "OR REPLACE " } else { "" },
        qname(&a.name),
        options.join(",\n    ")
    )
}

/// `DROP AGGREGATE`.
pub(crate) fn drop_aggregate(a: &Aggregate) -> String {
    let args = if a.identity_arguments.is_empty() {
        "*"
    } else {
        &a.identity_arguments
    };
    format!("DROP AGGREGATE IF EXISTS {}({args})", qname(&a.name))
}

/// `CREATE TEXT SEARCH DICTIONARY`.
pub(crate) fn text_search_dictionary(d: &TextSearchDictionary) -> String {
    let mut s = format!(
        "CREATE TEXT SEARCH DICTIONARY {} (TEMPLATE = {}",
        qname(&d.name),
        d.template
    );
    if let Some(o) = d.options.as_deref().filter(|o| !o.is_empty()) {
        s.push_str(", ");
        s.push_str(o);
    }
    s.push(')');
    s
}

/// `CREATE TEXT SEARCH CONFIGURATION` and its mappings.
pub(crate) fn text_search_config(c: &TextSearchConfig) -> Vec<String> {
    let mut out = vec![format!(
        "CREATE TEXT SEARCH CONFIGURATION {} (PARSER = {})",
        qname(&c.name),
        c.parser
    )];
    out.extend(c.mappings.iter().map(|m| mapping(&c.name, "ADD", m)));
    out
}

fn mapping(config: &QualifiedName, verb: &str, m: &TextSearchMapping) -> String {
    format!(
        "ALTER TEXT SEARCH CONFIGURATION {} {verb} MAPPING FOR {} WITH {}",
        qname(config),
        ident(&m.token),
        m.dictionaries.join(", ")
    )
}

/// The mappings of `a` changed into those of `b`, when the parser is the same.
pub(crate) fn alter_text_search_config(
    a: &TextSearchConfig,
    b: &TextSearchConfig,
) -> Option<Vec<String>> {
    if a.parser != b.parser {
        return None;
    }
    let mut out = Vec::new();
    for m in &a.mappings {
        if !b.mappings.iter().any(|n| n.token == m.token) {
            out.push(format!(
                "ALTER TEXT SEARCH CONFIGURATION {} DROP MAPPING FOR {}",
                qname(&b.name),
                ident(&m.token)
            ));
        }
    }
    for m in &b.mappings {
        match a.mappings.iter().find(|o| o.token == m.token) {
            Some(o) if o == m => {}
            Some(_) => out.push(mapping(&b.name, "ALTER", m)),
            None => out.push(mapping(&b.name, "ADD", m)),
        }
    }
    Some(out)
}

/// `ALTER DEFAULT PRIVILEGES ... GRANT` (or, for a revoked default, `REVOKE`); `undo` gives
/// the statement that takes it back.
pub(crate) fn default_privilege(p: &DefaultPrivilege, undo: bool) -> String {
    let mut s = String::from("ALTER DEFAULT PRIVILEGES");
    if let Some(r) = &p.role {
        s.push_str(&format!(" FOR ROLE {}", ident(r)));
    }
    if let Some(n) = &p.schema {
        s.push_str(&format!(" IN SCHEMA {}", ident(n)));
    }
    let grantee = super::role(&p.grantee);
    if p.revoked != undo {
        s.push_str(&format!(
            " REVOKE {} ON {} FROM {grantee}",
            p.privilege, p.objects
        ));
    } else {
        s.push_str(&format!(
            " GRANT {} ON {} TO {grantee}",
            p.privilege, p.objects
        ));
        if p.grantable {
            s.push_str(" WITH GRANT OPTION");
        }
    }
    s
}
