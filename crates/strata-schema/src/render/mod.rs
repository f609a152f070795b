//! SQL for changes and dumps (PostgreSQL dialect, the first engine with introspection).
//!
//! Identifiers strata writes are always quoted; expressions, types and view queries are
//! written as the engine printed them. [`dump_sql`] is [`changes_sql`] from an empty schema.

mod alter;
mod catalog;
mod create;
mod script;

pub(crate) use alter::recreated_by_alter;
pub use script::{changes_sql, dump_sql, header, script, script_with};

use crate::QualifiedName;

/// Quotes an identifier: `"a""b"`.
pub fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_ident(&mut out, name);
    out
}

/// Appends `name` quoted to `out`.
pub(crate) fn push_ident(out: &mut String, name: &str) {
    push_quoted(out, name, '"');
}

/// Appends `text` between two `quote`s, each `quote` inside it doubled.
fn push_quoted(out: &mut String, text: &str, quote: char) {
    out.push(quote);
    if text.contains(quote) {
        for c in text.chars() {
            if c == quote {
                out.push(quote);
            }
            out.push(c);
        }
    } else {
        out.push_str(text);
    }
    out.push(quote);
}

/// A quoted qualified name: `"public"."users"`.
pub fn qname(name: &QualifiedName) -> String {
    prefixed_qname("", name)
}

/// `prefix` then [`qname`]: `TABLE "public"."users"`, in one allocation.
pub(crate) fn prefixed_qname(prefix: &str, name: &QualifiedName) -> String {
    let mut out = String::with_capacity(prefix.len() + name.schema.len() + name.name.len() + 5);
    out.push_str(prefix);
    push_ident(&mut out, &name.schema);
    out.push('.');
    push_ident(&mut out, &name.name);
    out
}

/// A string literal, for `standard_conforming_strings = on` (the dump header sets it):
/// quotes doubled, backslashes literal.
pub fn literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    push_quoted(&mut out, value, '\'');
    out
}

/// A dollar-quoted string whose tag does not occur in `body`: `$function$...$function$`, else
/// `$function1$`, ...
pub(crate) fn dollar_quote(body: &str) -> String {
    let mut tag = "$function$".to_string();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$function{n}$");
    }
    format!("{tag}{body}{tag}")
}

/// A role for `GRANT ... TO` and `CREATE POLICY ... TO`: `PUBLIC` as the keyword, other roles
/// quoted.
pub(crate) fn role(name: &str) -> String {
    if name.eq_ignore_ascii_case("public") {
        "PUBLIC".into()
    } else {
        ident(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(qname(&QualifiedName::new("a", "B")), "\"a\".\"B\"");
        assert_eq!(literal("it's \\n"), "'it''s \\n'");
        assert_eq!(dollar_quote("x"), "$function$x$function$");
        assert_eq!(
            dollar_quote("a $function$ b"),
            "$function1$a $function$ b$function1$"
        );
        assert_eq!(role("public"), "PUBLIC");
        assert_eq!(role("app"), "\"app\"");
    }
}
