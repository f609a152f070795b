//! [`Object`]: one thing with its own identity in a diff and its own statement(s) in a dump.
//!
//! A [`Schema`] is flattened into objects: a table becomes the table itself plus one object per
//! column, constraint, row-security setting, comment and grant, so that a diff can name exactly
//! what differs and emit one `ALTER` for it. Every object has a key (the text `COMMENT ON` would
//! use for it, like `TABLE "public"."users"`), an owner (dropping the owner drops it), a rank
//! (its place in a dump among objects that do not depend on each other) and the text in which
//! its dependencies are named.

use crate::model::*;
use crate::render::{ident, prefixed_qname, qname};
use serde::Serialize;

/// What an object needs to exist before it.
#[derive(Debug, Default)]
pub(crate) struct Deps<'a> {
    /// Keys of objects it needs (ignored when no such object takes part).
    pub keys: Vec<String>,
    /// Names of relations or functions it needs, resolved to keys by name.
    pub names: Vec<&'a QualifiedName>,
    /// Expressions and types in which it names other objects (`schema.name`).
    pub texts: Vec<&'a str>,
    /// A foreign key needs the unique indexes of the table it references.
    pub unique_keys_of: Option<&'a QualifiedName>,
}

/// What kind of object an [`Object`] is, for messages and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ObjectKind {
    /// A schema (namespace).
    Schema,
    /// An extension.
    Extension,
    /// An enum type.
    Enum,
    /// A composite type.
    CompositeType,
    /// A domain.
    Domain,
    /// A collation.
    Collation,
    /// A text search dictionary.
    TextSearchDictionary,
    /// A text search configuration.
    TextSearchConfig,
    /// A sequence.
    Sequence,
    /// The column a sequence belongs to.
    SequenceOwner,
    /// A function.
    Function,
    /// A procedure.
    Procedure,
    /// An aggregate function.
    Aggregate,
    /// A table.
    Table,
    /// A table column.
    Column,
    /// A table constraint.
    Constraint,
    /// An index.
    Index,
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A trigger.
    Trigger,
    /// A rewrite rule.
    Rule,
    /// Row-level security flags of a table.
    RowSecurity,
    /// A row-level security policy.
    Policy,
    /// A comment.
    Comment,
    /// A privilege.
    Grant,
    /// The owner of an object.
    Owner,
    /// A default privilege.
    DefaultPrivilege,
}

impl ObjectKind {
    /// Lowercase words for messages (`materialized view`).
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Enum => "enum",
            ObjectKind::CompositeType => "composite type",
            ObjectKind::Domain => "domain",
            ObjectKind::Collation => "collation",
            ObjectKind::TextSearchDictionary => "text search dictionary",
            ObjectKind::TextSearchConfig => "text search configuration",
            ObjectKind::Sequence => "sequence",
            ObjectKind::SequenceOwner => "sequence ownership",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Aggregate => "aggregate",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Rule => "rule",
            ObjectKind::RowSecurity => "row level security",
            ObjectKind::Policy => "policy",
            ObjectKind::Comment => "comment",
            ObjectKind::Grant => "privilege",
            ObjectKind::Owner => "owner",
            ObjectKind::DefaultPrivilege => "default privilege",
        }
    }
}

/// One object of a flattened [`Schema`]. Comments and grants are objects of their own, so the
/// objects they belong to carry none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "object", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Object {
    /// A schema.
    Schema(Namespace),
    /// An extension.
    Extension(Extension),
    /// An enum.
    Enum(EnumType),
    /// A composite type.
    Composite(CompositeType),
    /// A domain.
    Domain(Domain),
    /// A collation.
    Collation(Collation),
    /// A text search dictionary.
    TextSearchDictionary(TextSearchDictionary),
    /// A text search configuration with its mappings.
    TextSearchConfig(TextSearchConfig),
    /// A sequence (ownership is a [`Object::SequenceOwner`]).
    Sequence(Sequence),
    /// `ALTER SEQUENCE ... OWNED BY`: needs the table, which needs the sequence first.
    SequenceOwner {
        /// The sequence.
        sequence: QualifiedName,
        /// The owning table.
        table: QualifiedName,
        /// The owning column.
        column: String,
    },
    /// A function or procedure.
    Function(Function),
    /// An aggregate function.
    Aggregate(Aggregate),
    /// A table with its columns and the constraints `CREATE TABLE` holds.
    Table(Table),
    /// One column of a table.
    Column {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: Column,
    },
    /// One constraint of a table.
    Constraint {
        /// The table.
        table: QualifiedName,
        /// The constraint.
        constraint: Constraint,
    },
    /// An index.
    Index(Index),
    /// A view or materialized view.
    View(View),
    /// A trigger.
    Trigger(Trigger),
    /// A rewrite rule.
    Rule(Rule),
    /// Row-level security enabled (and maybe forced) on a table.
    RowSecurity {
        /// The table.
        table: QualifiedName,
        /// `FORCE ROW LEVEL SECURITY`.
        forced: bool,
    },
    /// A policy.
    Policy(Policy),
    /// A comment on another object.
    Comment {
        /// The commented object's key (`TABLE "public"."users"`).
        target: String,
        /// The commented object for messages (`table public.users`).
        on: String,
        /// The text.
        text: String,
    },
    /// A privilege on another object.
    Grant {
        /// The object's key.
        target: String,
        /// The object as `GRANT ... ON` names it (`TABLE "public"."users"`).
        grant_on: String,
        /// The object for messages.
        on: String,
        /// The privilege.
        grant: Grant,
    },
    /// The owner of another object.
    Owner {
        /// The object's key, which `ALTER ... OWNER TO` names it by.
        target: String,
        /// The object for messages.
        on: String,
        /// The owning role.
        role: String,
    },
    /// A default privilege.
    DefaultPrivilege(DefaultPrivilege),
}

impl Object {
    /// What kind of object it is.
    pub fn kind(&self) -> ObjectKind {
        match self {
            Object::Schema(_) => ObjectKind::Schema,
            Object::Extension(_) => ObjectKind::Extension,
            Object::Enum(_) => ObjectKind::Enum,
            Object::Composite(_) => ObjectKind::CompositeType,
            Object::Domain(_) => ObjectKind::Domain,
            Object::Collation(_) => ObjectKind::Collation,
            Object::TextSearchDictionary(_) => ObjectKind::TextSearchDictionary,
            Object::TextSearchConfig(_) => ObjectKind::TextSearchConfig,
            Object::Aggregate(_) => ObjectKind::Aggregate,
            Object::Sequence(_) => ObjectKind::Sequence,
            Object::SequenceOwner { .. } => ObjectKind::SequenceOwner,
            Object::Function(f) if f.kind == FunctionKind::Procedure => ObjectKind::Procedure,
            Object::Function(_) => ObjectKind::Function,
            Object::Table(_) => ObjectKind::Table,
            Object::Column { .. } => ObjectKind::Column,
            Object::Constraint { .. } => ObjectKind::Constraint,
            Object::Index(_) => ObjectKind::Index,
            Object::View(v) if v.materialized => ObjectKind::MaterializedView,
            Object::View(_) => ObjectKind::View,
            Object::Trigger(_) => ObjectKind::Trigger,
            Object::Rule(_) => ObjectKind::Rule,
            Object::RowSecurity { .. } => ObjectKind::RowSecurity,
            Object::Policy(_) => ObjectKind::Policy,
            Object::Comment { .. } => ObjectKind::Comment,
            Object::Grant { .. } => ObjectKind::Grant,
            Object::Owner { .. } => ObjectKind::Owner,
            Object::DefaultPrivilege(_) => ObjectKind::DefaultPrivilege,
        }
    }

    /// The unique key: for objects that can carry a comment, exactly what `COMMENT ON` names.
    pub fn key(&self) -> String {
        match self {
            Object::Schema(s) => format!("SCHEMA {}", ident(&s.name)),
            Object::Extension(e) => format!("EXTENSION {}", ident(&e.name)),
            Object::Enum(t) => prefixed_qname("TYPE ", &t.name),
            Object::Composite(t) => prefixed_qname("TYPE ", &t.name),
            Object::Domain(d) => prefixed_qname("DOMAIN ", &d.name),
            Object::Collation(c) => prefixed_qname("COLLATION ", &c.name),
            Object::TextSearchDictionary(d) => prefixed_qname("TEXT SEARCH DICTIONARY ", &d.name),
            Object::TextSearchConfig(c) => prefixed_qname("TEXT SEARCH CONFIGURATION ", &c.name),
            Object::Aggregate(a) => aggregate_key(a),
            Object::Sequence(s) => prefixed_qname("SEQUENCE ", &s.name),
            Object::SequenceOwner { sequence, .. } => {
                format!("SEQUENCE {} OWNED BY", qname(sequence))
            }
            Object::Function(f) => function_key(f),
            Object::Table(t) => prefixed_qname("TABLE ", &t.name),
            Object::Column { table, column } => {
                format!("COLUMN {}.{}", qname(table), ident(&column.name))
            }
            Object::Constraint { table, constraint } => {
                format!("CONSTRAINT {} ON {}", ident(&constraint.name), qname(table))
            }
            Object::Index(i) => prefixed_qname("INDEX ", &i.name),
            Object::View(v) if v.materialized => prefixed_qname("MATERIALIZED VIEW ", &v.name),
            Object::View(v) => prefixed_qname("VIEW ", &v.name),
            Object::Trigger(t) => format!("TRIGGER {} ON {}", ident(&t.name), qname(&t.table)),
            Object::Rule(r) => format!("RULE {} ON {}", ident(&r.name), qname(&r.table)),
            Object::RowSecurity { table, .. } => prefixed_qname("ROW SECURITY ON ", table),
            Object::Policy(p) => format!("POLICY {} ON {}", ident(&p.name), qname(&p.table)),
            Object::Comment { target, .. } => ["COMMENT ON ", target].concat(),
            Object::Grant { target, grant, .. } => format!(
                "PRIVILEGE ON {target} {} FOR {}",
                grant.privilege, grant.grantee
            ),
            Object::Owner { target, .. } => format!("OWNER OF {target}"),
            Object::DefaultPrivilege(p) => default_privilege_key(p),
        }
    }

    /// The object for messages, without its kind: `public.users`, `public.users.email`,
    /// `users_pkey on public.users`.
    pub fn name(&self) -> String {
        match self {
            Object::Schema(s) => s.name.clone(),
            Object::Extension(e) => e.name.clone(),
            Object::Enum(t) => t.name.to_string(),
            Object::Composite(t) => t.name.to_string(),
            Object::Domain(d) => d.name.to_string(),
            Object::Collation(c) => c.name.to_string(),
            Object::TextSearchDictionary(d) => d.name.to_string(),
            Object::TextSearchConfig(c) => c.name.to_string(),
            Object::Aggregate(a) => a.signature(),
            Object::Sequence(s) => s.name.to_string(),
            Object::SequenceOwner { sequence, .. } => sequence.to_string(),
            Object::Function(f) => f.signature(),
            Object::Table(t) => t.name.to_string(),
            Object::Column { table, column } => format!("{table}.{}", column.name),
            Object::Constraint { table, constraint } => format!("{} on {table}", constraint.name),
            Object::Index(i) => i.name.to_string(),
            Object::View(v) => v.name.to_string(),
            Object::Trigger(t) => format!("{} on {}", t.name, t.table),
            Object::Rule(r) => format!("{} on {}", r.name, r.table),
            Object::RowSecurity { table, .. } => table.to_string(),
            Object::Policy(p) => format!("{} on {}", p.name, p.table),
            Object::Comment { on, .. } => on.clone(),
            Object::Grant { on, grant, .. } => {
                format!("{} on {on} for {}", grant.privilege, grant.grantee)
            }
            Object::Owner { on, role, .. } => format!("{on} ({role})"),
            Object::DefaultPrivilege(p) => format!(
                "{} on new {} {}{}for {}",
                p.privilege,
                p.objects.to_lowercase(),
                p.schema
                    .as_ref()
                    .map(|s| format!("in schema {s} "))
                    .unwrap_or_default(),
                p.role
                    .as_ref()
                    .map(|r| format!("of {r} "))
                    .unwrap_or_default(),
                p.grantee
            ),
        }
    }

    /// `kind name`, for messages: `index public.users_email_idx`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.kind().as_str(), self.name())
    }

    /// The key of the object whose drop takes this one with it, if any.
    pub(crate) fn owner(&self, relation_key: &dyn Fn(&QualifiedName) -> String) -> Option<String> {
        match self {
            Object::Column { table, .. }
            | Object::Constraint { table, .. }
            | Object::RowSecurity { table, .. } => Some(prefixed_qname("TABLE ", table)),
            Object::Index(i) => Some(relation_key(&i.table)),
            Object::Trigger(t) => Some(relation_key(&t.table)),
            Object::Rule(r) => Some(relation_key(&r.table)),
            Object::Policy(p) => Some(prefixed_qname("TABLE ", &p.table)),
            Object::Comment { target, .. }
            | Object::Grant { target, .. }
            | Object::Owner { target, .. } => Some(target.clone()),
            Object::SequenceOwner { sequence, .. } => Some(prefixed_qname("SEQUENCE ", sequence)),
            _ => None,
        }
    }

    /// True for parts that `CREATE TABLE` of their owner already holds.
    pub(crate) fn inline_in_table(&self) -> bool {
        match self {
            Object::Column { .. } => true,
            Object::Constraint { constraint, .. } => !constraint.is_deferred_to_alter(),
            _ => false,
        }
    }

    /// Where the object goes among objects that do not depend on each other.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Object::Schema(_) => 0,
            Object::Extension(_) => 1,
            Object::Collation(_) | Object::TextSearchDictionary(_) => 2,
            Object::Enum(_) | Object::Composite(_) | Object::Domain(_) => 2,
            Object::TextSearchConfig(_) => 3,
            Object::Sequence(_) => 3,
            Object::Function(_) | Object::Aggregate(_) => 4,
            Object::Table(_) => 5,
            Object::Column { .. } => 6,
            Object::Constraint { constraint, .. } if !constraint.is_deferred_to_alter() => 7,
            Object::SequenceOwner { .. } => 8,
            Object::View(_) => 8,
            Object::Index(_) => 9,
            Object::Constraint { .. } => 10,
            Object::Trigger(_) | Object::Rule(_) => 11,
            Object::RowSecurity { .. } => 12,
            Object::Policy(_) => 13,
            Object::Comment { .. } => 14,
            Object::Owner { .. } => 14,
            Object::Grant { .. } | Object::DefaultPrivilege(_) => 15,
        }
    }

    /// Drops of these wait until everything else has changed: columns may still use the type,
    /// sequence or function until they are altered.
    pub(crate) fn dropped_last(&self) -> bool {
        matches!(
            self,
            Object::Schema(_)
                | Object::Extension(_)
                | Object::Enum(_)
                | Object::Composite(_)
                | Object::Domain(_)
                | Object::Sequence(_)
                | Object::Function(_)
                | Object::Aggregate(_)
                | Object::Collation(_)
                | Object::TextSearchDictionary(_)
                | Object::TextSearchConfig(_)
        )
    }

    /// Whether two objects with the same key have the same definition.
    pub(crate) fn same_as(&self, other: &Object) -> bool {
        match (self, other) {
            (Object::Table(a), Object::Table(b)) => {
                a.unlogged == b.unlogged
                    && a.partition_key == b.partition_key
                    && a.partition_of == b.partition_of
                    && a.inherits == b.inherits
                    && a.options == b.options
            }
            (Object::Extension(a), Object::Extension(b)) => a.schema == b.schema,
            _ => self == other,
        }
    }

    /// What this object needs to exist first.
    pub(crate) fn dependencies(&self) -> Deps<'_> {
        let schema = |s: &str| format!("SCHEMA {}", ident(s));
        let table = |t: &QualifiedName| prefixed_qname("TABLE ", t);
        let column = |t: &QualifiedName, c: &str| format!("COLUMN {}.{}", qname(t), ident(c));
        let mut d = Deps::default();
        match self {
            Object::Schema(_) => {}
            Object::Extension(e) => d.keys.push(schema(&e.schema)),
            Object::Enum(t) => d.keys.push(schema(&t.name.schema)),
            Object::Composite(t) => {
                d.keys.push(schema(&t.name.schema));
                d.texts
                    .extend(t.attributes.iter().map(|a| a.data_type.as_str()));
            }
            Object::Domain(dom) => {
                d.keys.push(schema(&dom.name.schema));
                d.texts.push(&dom.data_type);
                d.texts.extend(dom.default.as_deref());
                d.texts
                    .extend(dom.checks.iter().map(|c| c.expression.as_str()));
            }
            Object::Sequence(s) => d.keys.push(schema(&s.name.schema)),
            Object::Collation(c) => d.keys.push(schema(&c.name.schema)),
            Object::TextSearchDictionary(t) => {
                d.keys.push(schema(&t.name.schema));
                d.texts.push(&t.template);
            }
            Object::TextSearchConfig(c) => {
                d.keys.push(schema(&c.name.schema));
                d.texts.push(&c.parser);
                for m in &c.mappings {
                    d.texts.extend(m.dictionaries.iter().map(String::as_str));
                }
            }
            Object::Aggregate(a) => {
                d.keys.push(schema(&a.name.schema));
                d.texts.push(&a.arguments);
                d.texts.push(&a.state_function);
                d.texts.push(&a.state_type);
                for f in [
                    &a.final_function,
                    &a.combine_function,
                    &a.serial_function,
                    &a.deserial_function,
                    &a.sort_operator,
                ] {
                    d.texts.extend(f.as_deref());
                }
            }
            Object::SequenceOwner {
                sequence,
                table: t,
                column: c,
            } => {
                d.keys.push(prefixed_qname("SEQUENCE ", sequence));
                d.keys.push(table(t));
                d.keys.push(column(t, c));
            }
            Object::Function(f) => {
                d.keys.push(schema(&f.name.schema));
                d.texts.push(&f.arguments);
                d.texts.extend(f.result.as_deref());
                d.texts.extend(f.sql_body.as_deref());
            }
            Object::Table(t) => {
                d.keys.push(schema(&t.name.schema));
                if let Some(p) = &t.partition_of {
                    d.keys.push(table(&p.parent));
                }
                d.keys.extend(t.inherits.iter().map(table));
                d.texts.extend(t.partition_key.as_deref());
                for c in &t.columns {
                    column_texts(c, &mut d.texts);
                }
                for c in t.constraints.iter().filter(|c| !c.is_deferred_to_alter()) {
                    constraint_texts(c, &mut d.texts);
                }
            }
            Object::Column {
                table: t,
                column: c,
            } => {
                d.keys.push(table(t));
                column_texts(c, &mut d.texts);
            }
            Object::Constraint {
                table: t,
                constraint,
            } => {
                d.keys.push(table(t));
                constraint_texts(constraint, &mut d.texts);
                let columns: &[String] = match &constraint.kind {
                    ConstraintKind::PrimaryKey { columns, include } => {
                        d.keys.extend(include.iter().map(|c| column(t, c)));
                        columns
                    }
                    ConstraintKind::Unique {
                        columns, include, ..
                    } => {
                        d.keys.extend(include.iter().map(|c| column(t, c)));
                        columns
                    }
                    ConstraintKind::ForeignKey(fk) => {
                        d.keys.push(table(&fk.references));
                        d.keys.extend(
                            fk.referenced_columns
                                .iter()
                                .map(|c| column(&fk.references, c)),
                        );
                        d.unique_keys_of = Some(&fk.references);
                        &fk.columns
                    }
                    _ => &[],
                };
                d.keys.extend(columns.iter().map(|c| column(t, c)));
            }
            Object::Index(i) => {
                d.keys.push(schema(&i.name.schema));
                d.keys.extend(i.include.iter().map(|c| column(&i.table, c)));
                d.names.push(&i.table);
                d.texts.extend(i.elements.iter().map(String::as_str));
                d.texts.extend(i.predicate.as_deref());
            }
            Object::View(v) => {
                d.keys.push(schema(&v.name.schema));
                d.texts.push(&v.definition);
            }
            Object::Trigger(t) => {
                d.keys
                    .extend(t.update_columns.iter().map(|c| column(&t.table, c)));
                d.names.push(&t.table);
                d.names.push(&t.function);
                d.texts.extend(t.when.as_deref());
            }
            Object::Rule(r) => {
                d.names.push(&r.table);
                d.texts.push(&r.definition);
            }
            Object::RowSecurity { table: t, .. } => d.keys.push(table(t)),
            Object::Policy(p) => {
                d.keys.push(table(&p.table));
                d.texts.extend(p.using.as_deref());
                d.texts.extend(p.with_check.as_deref());
            }
            Object::Comment { target, .. } | Object::Owner { target, .. } => {
                d.keys.push(target.clone())
            }
            Object::Grant { target, .. } => {
                // A new owner takes over the grants made by the old one: owner first.
                d.keys.push(target.clone());
                d.keys.push(format!("OWNER OF {target}"));
            }
            Object::DefaultPrivilege(p) => d.keys.extend(p.schema.as_deref().map(schema)),
        }
        d
    }

    /// The table whose unqualified column names appear in this object's expressions, if any.
    pub(crate) fn column_scope(&self) -> Option<&QualifiedName> {
        match self {
            Object::Column { table, .. } | Object::Constraint { table, .. } => Some(table),
            Object::Index(i) => Some(&i.table),
            Object::Trigger(t) => Some(&t.table),
            Object::Policy(p) => Some(&p.table),
            _ => None,
        }
    }
}

fn function_key(f: &Function) -> String {
    let word = if f.kind == FunctionKind::Procedure {
        "PROCEDURE"
    } else {
        "FUNCTION"
    };
    format!("{word} {}({})", qname(&f.name), f.identity_arguments)
}

fn default_privilege_key(p: &DefaultPrivilege) -> String {
    format!(
        "DEFAULT PRIVILEGE{}{} ON {} {} FOR {}",
        p.role
            .as_ref()
            .map(|r| format!(" FOR ROLE {}", ident(r)))
            .unwrap_or_default(),
        p.schema
            .as_ref()
            .map(|s| format!(" IN SCHEMA {}", ident(s)))
            .unwrap_or_default(),
        p.objects,
        p.privilege,
        p.grantee
    )
}

fn aggregate_key(a: &Aggregate) -> String {
    let args = if a.identity_arguments.is_empty() {
        "*"
    } else {
        &a.identity_arguments
    };
    format!("AGGREGATE {}({args})", qname(&a.name))
}

fn column_texts<'a>(c: &'a Column, texts: &mut Vec<&'a str>) {
    texts.push(&c.data_type);
    texts.extend(c.default.as_deref());
    texts.extend(c.generated.as_deref());
    texts.extend(c.collation.as_deref());
}

fn constraint_texts<'a>(c: &'a Constraint, texts: &mut Vec<&'a str>) {
    match &c.kind {
        ConstraintKind::Check { expression, .. } => texts.push(expression),
        ConstraintKind::Exclusion { definition } => texts.push(definition),
        _ => {}
    }
}
