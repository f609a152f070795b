//! [`Change`]: one object that differs between two schemas.

use crate::object::{Object, ObjectKind};
use serde::Serialize;

/// How one object differs between the schema a diff starts from (A) and the one it goes to
/// (B).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
// An `Alter` holds two objects; changes are few (one per differing object), so boxing them
// would cost more in use than it saves.
#[allow(clippy::large_enum_variant)]
pub enum Change {
    /// In B only: create it.
    Create {
        /// The object.
        object: Object,
    },
    /// In A only: drop it.
    Drop {
        /// The object.
        object: Object,
    },
    /// In both with different definitions: alter it, or drop and create it when it cannot be
    /// altered in place or something it depends on is recreated.
    Alter {
        /// As in A.
        from: Object,
        /// As in B.
        to: Object,
        /// Dropped and created rather than altered.
        recreate: bool,
    },
    /// The same in both, but it has to be dropped and created again because something it
    /// depends on is (a view over a view whose query changed).
    Recreate {
        /// The object.
        object: Object,
        /// The key of the object that causes it.
        because: String,
    },
}

impl Change {
    /// The object as it ends up (as it was, for a drop).
    pub fn object(&self) -> &Object {
        match self {
            Change::Create { object } | Change::Drop { object } => object,
            Change::Alter { to, .. } => to,
            Change::Recreate { object, .. } => object,
        }
    }

    /// What kind of object changes.
    pub fn kind(&self) -> ObjectKind {
        self.object().kind()
    }

    /// The object's unique key.
    pub fn key(&self) -> String {
        self.object().key()
    }

    /// True for real differences; false for [`Change::Recreate`], which only exists to make the
    /// SQL work.
    pub fn is_difference(&self) -> bool {
        !matches!(self, Change::Recreate { .. })
    }

    /// One line: `+ index public.users_email_idx`, `- column public.users.nickname`,
    /// `~ policy tenant on public.orders (using)`.
    pub fn summary(&self) -> String {
        match self {
            Change::Create { object } => format!("+ {}", object.describe()),
            Change::Drop { object } => format!("- {}", object.describe()),
            Change::Alter { from, to, .. } => {
                let fields = changed_fields(from, to)
                    .into_iter()
                    .map(|(f, _, _)| f)
                    .collect::<Vec<_>>();
                if fields.is_empty() {
                    format!("~ {}", to.describe())
                } else {
                    format!("~ {} ({})", to.describe(), fields.join(", "))
                }
            }
            Change::Recreate { object, because } => {
                format!("~ {} (recreated: depends on {because})", object.describe())
            }
        }
    }

    /// For an [`Change::Alter`]: each changed field with its value in A and in B, as JSON text.
    pub fn details(&self) -> Vec<(String, String, String)> {
        match self {
            Change::Alter { from, to, .. } => changed_fields(from, to),
            _ => Vec::new(),
        }
    }
}

/// Fields whose values differ, compared through their JSON form so every object kind is covered
/// without a hand-written comparison each. Nested structs are compared one level down
/// (`identity.start`).
fn changed_fields(from: &Object, to: &Object) -> Vec<(String, String, String)> {
    let (a, b) = (inner_json(from), inner_json(to));
    let mut out = Vec::new();
    compare("", &a, &b, &mut out, 0);
    out
}

fn inner_json(o: &Object) -> serde_json::Value {
    let v = serde_json::to_value(o).unwrap_or_default();
    let mut inner = v.get("object").cloned().unwrap_or(v);
    // Parts compared as objects of their own are not differences of the table itself.
    if let (Object::Table(_), Some(map)) = (o, inner.as_object_mut()) {
        map.remove("columns");
        map.remove("constraints");
    }
    inner
}

fn compare(
    prefix: &str,
    a: &serde_json::Value,
    b: &serde_json::Value,
    out: &mut Vec<(String, String, String)>,
    depth: usize,
) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if depth < 2 => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if va != vb {
                    let name = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    compare(&name, va, vb, out, depth + 1);
                }
            }
        }
        _ if a != b => out.push((prefix.to_string(), show(a), show(b))),
        _ => {}
    }
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}
