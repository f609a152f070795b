//! Column types as the parser writes them, normalized, and which type changes rewrite a table.

use crate::ast::{inner, svals};
use pg_query::protobuf::{a_const, TypeName};
use pg_query::NodeEnum;
use std::fmt;

/// A column type: canonical name (`int4`, `varchar`, `timestamptz`), modifiers (`255`, `10, 2`)
/// and whether it is an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColType {
    /// Canonical name: the catalog name of built-in types (`int4`, `bpchar`), else the last part
    /// of the name as written.
    pub name: String,
    /// Type modifiers (`varchar(255)` has `[255]`); empty when none were given.
    pub mods: Vec<i64>,
    /// `[]` was written.
    pub array: bool,
}

impl ColType {
    /// Normalizes a parsed type name.
    pub fn from_type_name(t: &TypeName) -> ColType {
        let names = svals(&t.names);
        let last = names.last().copied().unwrap_or_default();
        let name = match last {
            "int" | "integer" => "int4",
            "bigint" => "int8",
            "smallint" => "int2",
            "serial4" => "serial",
            "serial8" => "bigserial",
            "serial2" => "smallserial",
            "boolean" => "bool",
            "float" => "float8",
            "real" => "float4",
            "decimal" => "numeric",
            "character varying" => "varchar",
            "character" => "bpchar",
            other => other,
        };
        let mods = t
            .typmods
            .iter()
            .filter_map(|m| match inner(m) {
                Some(NodeEnum::AConst(c)) => match &c.val {
                    Some(a_const::Val::Ival(i)) => Some(i64::from(i.ival)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        ColType {
            name: name.to_string(),
            mods,
            array: !t.array_bounds.is_empty(),
        }
    }

    /// `timestamp` without time zone.
    pub fn is_timestamp_without_tz(&self) -> bool {
        self.name == "timestamp"
    }

    /// `serial`, `bigserial` or `smallserial`.
    pub fn is_serial(&self) -> bool {
        matches!(self.name.as_str(), "serial" | "bigserial" | "smallserial")
    }

    /// A 16- or 32-bit integer (including `serial` and `smallserial`).
    pub fn is_small_integer(&self) -> bool {
        !self.array
            && matches!(
                self.name.as_str(),
                "int4" | "int2" | "serial" | "smallserial"
            )
    }

    /// `varchar(n)`.
    pub fn is_limited_varchar(&self) -> bool {
        self.name == "varchar" && !self.mods.is_empty()
    }

    /// `char(n)` / `character(n)` (blank-padded), not the one-byte `"char"`.
    pub fn is_bpchar(&self) -> bool {
        self.name == "bpchar"
    }
}

impl fmt::Display for ColType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.name.as_str() {
            "int4" => "integer",
            "int8" => "bigint",
            "int2" => "smallint",
            "bool" => "boolean",
            "float8" => "double precision",
            "float4" => "real",
            "bpchar" => "char",
            other => other,
        };
        f.write_str(name)?;
        if !self.mods.is_empty() {
            let mods: Vec<String> = self.mods.iter().map(i64::to_string).collect();
            write!(f, "({})", mods.join(", "))?;
        }
        if self.array {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

/// Whether changing a column from `old` to `new` (without `USING`) rewrites the table: `false`
/// for binary-coercible changes PostgreSQL applies to the catalog only.
pub fn type_change_rewrites(old: &ColType, new: &ColType) -> bool {
    if old.array != new.array {
        return true;
    }
    let (o, n) = (old.name.as_str(), new.name.as_str());
    if o == n {
        return !typmod_change_is_free(o, &old.mods, &new.mods);
    }
    let text_like = |t: &str| matches!(t, "text" | "citext");
    match (o, n) {
        // varchar -> text, varchar(n) -> text, text <-> citext: binary coercible.
        ("varchar", t) if text_like(t) => false,
        (t, "varchar") if text_like(t) => !new.mods.is_empty(),
        (a, b) if text_like(a) && text_like(b) => false,
        ("cidr", "inet") => false,
        ("xml", "text") => false,
        _ => true,
    }
}

/// A change of modifiers within one type that needs no rewrite: dropping the limit, or
/// widening it where the type's length check is a no-op for existing values.
fn typmod_change_is_free(name: &str, old: &[i64], new: &[i64]) -> bool {
    if old == new {
        return true;
    }
    match name {
        "varchar" | "varbit" | "timestamp" | "timestamptz" | "time" | "timetz" | "interval" => {
            match (old.first(), new.first()) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => b >= a,
            }
        }
        "numeric" => match (old, new) {
            (_, []) => true,
            ([], _) => false,
            (o, n) => {
                let scale = |m: &[i64]| m.get(1).copied().unwrap_or(0);
                n[0] >= o[0] && scale(o) == scale(n)
            }
        },
        _ => false,
    }
}

/// Whether a new type is one a column often widens to for free (text, unlimited varchar,
/// numeric): used when the old type is not known.
pub fn likely_free_target(new: &ColType) -> bool {
    !new.array && matches!(new.name.as_str(), "text" | "citext" | "varchar" | "numeric")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, mods: &[i64]) -> ColType {
        ColType {
            name: name.into(),
            mods: mods.to_vec(),
            array: false,
        }
    }

    #[test]
    fn binary_coercible_changes_do_not_rewrite() {
        let free = [
            (t("varchar", &[50]), t("text", &[])),
            (t("varchar", &[50]), t("varchar", &[100])),
            (t("varchar", &[50]), t("varchar", &[])),
            (t("text", &[]), t("varchar", &[])),
            (t("numeric", &[10, 2]), t("numeric", &[12, 2])),
            (t("numeric", &[10, 2]), t("numeric", &[])),
            (t("timestamptz", &[3]), t("timestamptz", &[6])),
            (t("cidr", &[]), t("inet", &[])),
        ];
        for (a, b) in free {
            assert!(!type_change_rewrites(&a, &b), "{a} -> {b}");
        }
    }

    #[test]
    fn other_changes_rewrite() {
        let costly = [
            (t("int4", &[]), t("int8", &[])),
            (t("varchar", &[100]), t("varchar", &[50])),
            (t("text", &[]), t("varchar", &[50])),
            (t("numeric", &[10, 2]), t("numeric", &[12, 4])),
            (t("numeric", &[]), t("numeric", &[12, 2])),
            (t("timestamp", &[]), t("timestamptz", &[])),
            (t("bpchar", &[10]), t("bpchar", &[20])),
            (t("json", &[]), t("jsonb", &[])),
        ];
        for (a, b) in costly {
            assert!(type_change_rewrites(&a, &b), "{a} -> {b}");
        }
    }
}
