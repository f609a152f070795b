//! Whether a column default is volatile: since PostgreSQL 11 a non-volatile default is stored
//! once in the catalog, while a volatile one is evaluated for every existing row (a rewrite).

use crate::ast::{inner, svals};
use pg_query::{Node, NodeEnum};

/// What evaluating an expression once per row would look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Volatility {
    /// Constants, casts, stable or immutable functions (`now()`, `current_timestamp`, `lower()`).
    Fixed,
    /// Calls a function whose volatility the linter does not know (user functions default to
    /// VOLATILE).
    Unknown(String),
    /// Calls a volatile function (`random()`, `gen_random_uuid()`, `clock_timestamp()`).
    Volatile(String),
}

impl Volatility {
    fn worst(self, other: Volatility) -> Volatility {
        match (self, other) {
            (v @ Volatility::Volatile(_), _) | (_, v @ Volatility::Volatile(_)) => v,
            (u @ Volatility::Unknown(_), _) | (_, u @ Volatility::Unknown(_)) => u,
            _ => Volatility::Fixed,
        }
    }
}

/// Built-in (or ubiquitous extension) functions that are VOLATILE.
const VOLATILE: &[&str] = &[
    "random",
    "random_normal",
    "gen_random_uuid",
    "uuidv4",
    "uuidv7",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "gen_random_bytes",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setval",
    "txid_current",
    "pg_current_xact_id",
];

/// Common built-in functions that are STABLE or IMMUTABLE.
const FIXED: &[&str] = &[
    "now",
    "transaction_timestamp",
    "statement_timestamp",
    "current_setting",
    "current_database",
    "current_schema",
    "lower",
    "upper",
    "trim",
    "btrim",
    "ltrim",
    "rtrim",
    "concat",
    "concat_ws",
    "length",
    "substring",
    "replace",
    "md5",
    "abs",
    "round",
    "floor",
    "ceil",
    "greatest",
    "least",
    "coalesce",
    "nullif",
    "to_char",
    "to_date",
    "to_timestamp",
    "to_number",
    "date_trunc",
    "date_part",
    "extract",
    "make_date",
    "make_interval",
    "make_timestamp",
    "make_timestamptz",
    "timezone",
    "jsonb_build_object",
    "jsonb_build_array",
    "json_build_object",
    "json_build_array",
    "to_jsonb",
    "to_json",
    "array_fill",
    "uuid_nil",
    "inet_client_addr",
    "pg_backend_pid",
    "uid",
    "role",
    "jwt",
    "email",
];

/// Classifies an expression. `known` gives the volatility of functions created by earlier
/// statements (`true` = volatile).
pub(crate) fn volatility(expr: &Node, known: &dyn Fn(&str) -> Option<bool>) -> Volatility {
    let Some(node) = inner(expr) else {
        return Volatility::Fixed;
    };
    let all = |nodes: &[Node]| {
        nodes
            .iter()
            .fold(Volatility::Fixed, |acc, n| acc.worst(volatility(n, known)))
    };
    let opt = |n: &Option<Box<Node>>| match n {
        Some(n) => volatility(n, known),
        None => Volatility::Fixed,
    };
    match node {
        NodeEnum::AConst(_) | NodeEnum::SqlvalueFunction(_) | NodeEnum::ParamRef(_) => {
            Volatility::Fixed
        }
        NodeEnum::TypeCast(c) => opt(&c.arg),
        NodeEnum::CollateClause(c) => opt(&c.arg),
        NodeEnum::AExpr(e) => opt(&e.lexpr).worst(opt(&e.rexpr)),
        NodeEnum::BoolExpr(e) => all(&e.args),
        NodeEnum::CoalesceExpr(e) => all(&e.args),
        NodeEnum::MinMaxExpr(e) => all(&e.args),
        NodeEnum::NullTest(e) => opt(&e.arg),
        NodeEnum::BooleanTest(e) => opt(&e.arg),
        NodeEnum::AArrayExpr(e) => all(&e.elements),
        NodeEnum::RowExpr(e) => all(&e.args),
        NodeEnum::List(l) => all(&l.items),
        NodeEnum::CaseExpr(e) => opt(&e.arg).worst(all(&e.args)).worst(opt(&e.defresult)),
        NodeEnum::CaseWhen(w) => opt(&w.expr).worst(opt(&w.result)),
        NodeEnum::FuncCall(f) => {
            let parts = svals(&f.funcname);
            let name = parts
                .last()
                .copied()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let qualified = parts.join(".");
            let own = match known(&qualified).or_else(|| known(&name)) {
                Some(true) => Volatility::Volatile(qualified),
                Some(false) => Volatility::Fixed,
                None if VOLATILE.contains(&name.as_str()) => Volatility::Volatile(qualified),
                None if FIXED.contains(&name.as_str()) => Volatility::Fixed,
                None => Volatility::Unknown(qualified),
            };
            own.worst(all(&f.args))
        }
        // A subquery, a column reference or anything rarer: not provably fixed.
        _ => Volatility::Unknown("an expression".to_string()),
    }
}
