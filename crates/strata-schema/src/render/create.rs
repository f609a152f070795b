//! `CREATE` (and the `ALTER ... ADD` for parts of tables) for each kind of object.

use super::{dollar_quote, ident, literal, push_ident, qname, role};
use crate::model::*;
use crate::object::Object;

/// The statements that create `o`.
pub(crate) fn create(o: &Object) -> Vec<String> {
    match o {
        Object::Schema(s) if s.name == "public" => {
            // Every new database has it.
            vec![format!("CREATE SCHEMA IF NOT EXISTS {}", ident(&s.name))]
        }
        Object::Schema(s) => vec![format!("CREATE SCHEMA {}", ident(&s.name))],
        Object::Extension(e) => vec![format!(
            "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
            ident(&e.name),
            ident(&e.schema)
        )],
        Object::Enum(t) => {
            let labels: Vec<String> = t.labels.iter().map(|l| literal(l)).collect();
            vec![format!(
                "CREATE TYPE {} AS ENUM ({})",
                qname(&t.name),
                labels.join(", ")
            )]
        }
        Object::Composite(t) => {
            let attrs: Vec<String> = t
                .attributes
                .iter()
                .map(|a| {
                    let mut s = format!("    {} {}", ident(&a.name), a.data_type);
                    if let Some(c) = &a.collation {
                        s.push_str(&format!(" COLLATE {c}"));
                    }
                    s
                })
                .collect();
            vec![format!(
                "CREATE TYPE {} AS (\n{}\n)",
                qname(&t.name),
                attrs.join(",\n")
            )]
        }
        Object::Domain(d) => domain(d),
        Object::Collation(c) => vec![super::catalog::collation(c)],
        Object::Owner { target, role, .. } => {
            vec![format!("ALTER {target} OWNER TO {}", ident(role))]
        }
        Object::DefaultPrivilege(p) => vec![super::catalog::default_privilege(p, false)],
        Object::TextSearchDictionary(d) => vec![super::catalog::text_search_dictionary(d)],
        Object::TextSearchConfig(c) => super::catalog::text_search_config(c),
        Object::Aggregate(a) => vec![super::catalog::aggregate(a, false)],
        Object::Sequence(s) => vec![format!(
            "CREATE SEQUENCE {}{}",
            qname(&s.name),
            sequence_options(s)
        )],
        Object::SequenceOwner {
            sequence,
            table,
            column,
        } => vec![format!(
            "ALTER SEQUENCE {} OWNED BY {}.{}",
            qname(sequence),
            qname(table),
            ident(column)
        )],
        Object::Function(f) => vec![function(f, false)],
        Object::Table(t) => table(t),
        Object::Column { table, column: c } => vec![format!(
            "ALTER TABLE {} ADD COLUMN {}",
            qname(table),
            column(c)
        )],
        Object::Constraint { table, constraint } => {
            let mut s = format!(
                "ALTER TABLE {} ADD {}",
                qname(table),
                constraint_def(constraint)
            );
            if !constraint.valid {
                s.push_str(" NOT VALID");
            }
            vec![s]
        }
        Object::Index(i) => vec![index(i)],
        Object::View(v) => vec![view(v)],
        Object::Trigger(t) => trigger(t),
        Object::Rule(r) => vec![r.definition.clone()],
        Object::RowSecurity { table, forced } => {
            let mut out = vec![format!(
                "ALTER TABLE {} ENABLE ROW LEVEL SECURITY",
                qname(table)
            )];
            if *forced {
                out.push(format!(
                    "ALTER TABLE {} FORCE ROW LEVEL SECURITY",
                    qname(table)
                ));
            }
            out
        }
        Object::Policy(p) => vec![policy(p)],
        Object::Comment { target, text, .. } => {
            vec![["COMMENT ON ", target, " IS ", &literal(text)].concat()]
        }
        Object::Grant {
            grant_on, grant, ..
        } => vec![grant_sql(grant_on, grant, grant.revoked)],
    }
}

/// `GRANT` (or, for a revoked default, `REVOKE`); `invert` swaps them (to undo it).
pub(crate) fn grant_sql(grant_on: &str, g: &Grant, revoke: bool) -> String {
    if revoke {
        format!(
            "REVOKE {} ON {grant_on} FROM {}",
            g.privilege,
            role(&g.grantee)
        )
    } else {
        let option = if g.grantable {
            " WITH GRANT OPTION"
        } else {
            ""
        };
        format!(
            "GRANT {} ON {grant_on} TO {}{option}",
            g.privilege,
            role(&g.grantee)
        )
    }
}

fn domain(d: &Domain) -> Vec<String> {
    let mut s = format!("CREATE DOMAIN {} AS {}", qname(&d.name), d.data_type);
    if let Some(c) = &d.collation {
        s.push_str(&format!(" COLLATE {c}"));
    }
    if let Some(def) = &d.default {
        s.push_str(&format!(" DEFAULT {def}"));
    }
    if d.not_null {
        s.push_str(" NOT NULL");
    }
    let mut later = Vec::new();
    for c in &d.checks {
        if c.valid {
            s.push_str(&format!(
                "\n    CONSTRAINT {} CHECK ({})",
                ident(&c.name),
                c.expression
            ));
        } else {
            later.push(domain_check(&d.name, c));
        }
    }
    let mut out = vec![s];
    out.extend(later);
    out
}

/// `ALTER DOMAIN ... ADD CONSTRAINT` (with `NOT VALID` when it is not validated).
pub(crate) fn domain_check(domain: &QualifiedName, c: &DomainCheck) -> String {
    format!(
        "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({}){}",
        qname(domain),
        ident(&c.name),
        c.expression,
        if c.valid { "" } else { " NOT VALID" }
    )
}

/// The options of `CREATE SEQUENCE` that differ from the defaults, each with a leading space.
fn sequence_options(s: &Sequence) -> String {
    let max = crate::model::int_type_max(&s.data_type);
    let (default_min, default_max) = if s.increment > 0 {
        (1, max)
    } else {
        (-max - 1, -1)
    };
    let default_start = if s.increment > 0 {
        s.min_value
    } else {
        s.max_value
    };
    let mut out = String::new();
    if s.data_type != "bigint" {
        out.push_str(&format!(" AS {}", s.data_type));
    }
    let base = SequenceOptions {
        increment: 1,
        min_value: default_min,
        max_value: default_max,
        start: default_start,
        cache: 1,
        cycle: false,
    };
    for o in SequenceOptions::of_sequence(s).changed_from(&base) {
        out.push(' ');
        out.push_str(&o);
    }
    out
}

/// `CREATE [OR REPLACE] FUNCTION` / `PROCEDURE`.
pub(crate) fn function(f: &Function, or_replace: bool) -> String {
    let word = if f.kind == FunctionKind::Procedure {
        "PROCEDURE"
    } else {
        "FUNCTION"
    };
    let mut s = format!(
        "CREATE {}{word} {}({})",
        if or_replace { "OR REPLACE " } else { "" },
        qname(&f.name),
        f.arguments
    );
    if let Some(r) = &f.result {
        s.push_str(&format!("\n    RETURNS {r}"));
    }
    s.push_str(&format!("\n    LANGUAGE {}", ident(&f.language)));
    if f.kind == FunctionKind::Window {
        s.push_str("\n    WINDOW");
    }
    if f.kind != FunctionKind::Procedure {
        match f.volatility {
            Volatility::Immutable => s.push_str("\n    IMMUTABLE"),
            Volatility::Stable => s.push_str("\n    STABLE"),
            Volatility::Volatile => {}
        }
        if f.strict {
            s.push_str("\n    STRICT");
        }
        if f.leakproof {
            s.push_str("\n    LEAKPROOF");
        }
        match f.parallel {
            Parallel::Safe => s.push_str("\n    PARALLEL SAFE"),
            Parallel::Restricted => s.push_str("\n    PARALLEL RESTRICTED"),
            Parallel::Unsafe => {}
        }
        let c_like = matches!(f.language.as_str(), "c" | "internal");
        let default_cost = if c_like { "1" } else { "100" };
        if f.cost != default_cost && !f.cost.is_empty() {
            s.push_str(&format!("\n    COST {}", f.cost));
        }
        let set_returning = f
            .result
            .as_deref()
            .is_some_and(|r| r.starts_with("SETOF ") || r.starts_with("TABLE("));
        if set_returning && f.rows != "1000" && !f.rows.is_empty() && f.rows != "0" {
            s.push_str(&format!("\n    ROWS {}", f.rows));
        }
    }
    if f.security_definer {
        s.push_str("\n    SECURITY DEFINER");
    }
    for c in &f.config {
        let (name, value) = c.split_once('=').unwrap_or((c, ""));
        s.push_str(&format!(
            "\n    SET {name} TO {}",
            setting_value(name, value)
        ));
    }
    match (&f.sql_body, &f.library) {
        (Some(body), _) => s.push_str(&format!("\n{body}")),
        (None, Some(lib)) => {
            s.push_str(&format!("\n    AS {}, {}", literal(lib), literal(&f.body)))
        }
        (None, None) => s.push_str(&format!("\nAS {}", dollar_quote(&f.body))),
    }
    s
}

/// A `SET name TO value` value as stored in a function's configuration: list settings such as
/// `search_path` are stored in SQL form already (`"$user", public`); others are quoted.
fn setting_value(name: &str, value: &str) -> String {
    let list = matches!(
        name,
        "search_path"
            | "temp_tablespaces"
            | "session_preload_libraries"
            | "shared_preload_libraries"
            | "local_preload_libraries"
    );
    if list && !value.is_empty() && value != "\"\"" {
        value.to_string()
    } else if list {
        "''".into()
    } else {
        literal(value)
    }
}

fn table(t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    let kind = if t.unlogged {
        "UNLOGGED TABLE"
    } else {
        "TABLE"
    };
    // ` (\n    part,\n    part\n)`, or nothing without parts.
    let mut body = String::new();
    let mut separator = " (\n    ";
    for c in &t.columns {
        body.push_str(separator);
        push_column(&mut body, c);
        separator = ",\n    ";
    }
    for c in t.constraints.iter().filter(|c| !c.is_deferred_to_alter()) {
        body.push_str(separator);
        push_constraint_def(&mut body, c);
        separator = ",\n    ";
    }
    if !body.is_empty() {
        body.push_str("\n)");
    }
    let mut s = match &t.partition_of {
        // A partition that has columns of its own was attached after it was created.
        Some(p) if t.columns.is_empty() => format!(
            "CREATE {kind} {} PARTITION OF {}{body}\n{}",
            qname(&t.name),
            qname(&p.parent),
            p.bound
        ),
        _ => {
            let body = if body.is_empty() { " ()".into() } else { body };
            format!("CREATE {kind} {}{body}", qname(&t.name))
        }
    };
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t.inherits.iter().map(qname).collect();
        s.push_str(&format!("\nINHERITS ({})", parents.join(", ")));
    }
    if let Some(k) = &t.partition_key {
        s.push_str(&format!("\nPARTITION BY {k}"));
    }
    if !t.options.is_empty() {
        s.push_str(&format!("\nWITH ({})", t.options.join(", ")));
    }
    out.push(s);
    if let Some(p) = t.partition_of.as_ref().filter(|_| !t.columns.is_empty()) {
        out.push(format!(
            "ALTER TABLE {} ATTACH PARTITION {} {}",
            qname(&p.parent),
            qname(&t.name),
            p.bound
        ));
    }
    out
}

/// A column definition as in `CREATE TABLE`.
pub(crate) fn column(c: &Column) -> String {
    let mut s = String::new();
    push_column(&mut s, c);
    s
}

/// Appends [`column`] to `s`.
fn push_column(s: &mut String, c: &Column) {
    push_ident(s, &c.name);
    s.push(' ');
    s.push_str(&c.data_type);
    if let Some(coll) = &c.collation {
        s.push_str(" COLLATE ");
        s.push_str(coll);
    }
    if let Some(g) = &c.generated {
        s.push_str(" GENERATED ALWAYS AS (");
        s.push_str(g);
        s.push_str(") STORED");
    } else if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(d);
    }
    if let Some(i) = &c.identity {
        s.push_str(&identity(i, &c.data_type));
    }
    if c.not_null {
        s.push_str(" NOT NULL");
    }
}

fn identity(i: &Identity, data_type: &str) -> String {
    let mut s = format!(
        " GENERATED {} AS IDENTITY",
        if i.always { "ALWAYS" } else { "BY DEFAULT" }
    );
    let options = identity_options(i, &Identity::new(i.always, data_type));
    if !options.is_empty() {
        s.push_str(&format!(" ({})", options.join(" ")));
    }
    s
}

/// Sequence options of an identity that differ from `base`.
pub(crate) fn identity_options(i: &Identity, base: &Identity) -> Vec<String> {
    SequenceOptions::of_identity(i).changed_from(&SequenceOptions::of_identity(base))
}

/// The options a sequence and an identity column share, in the order the engine prints them.
pub(crate) struct SequenceOptions {
    increment: i64,
    min_value: i64,
    max_value: i64,
    start: i64,
    cache: i64,
    cycle: bool,
}

impl SequenceOptions {
    pub(crate) fn of_sequence(s: &Sequence) -> SequenceOptions {
        SequenceOptions {
            increment: s.increment,
            min_value: s.min_value,
            max_value: s.max_value,
            start: s.start,
            cache: s.cache,
            cycle: s.cycle,
        }
    }

    fn of_identity(i: &Identity) -> SequenceOptions {
        SequenceOptions {
            increment: i.increment,
            min_value: i.min_value,
            max_value: i.max_value,
            start: i.start,
            cache: i.cache,
            cycle: i.cycle,
        }
    }

    /// `INCREMENT BY 2`, `CACHE 10`, ... for each option that differs from `base`.
    pub(crate) fn changed_from(&self, base: &SequenceOptions) -> Vec<String> {
        let mut o = Vec::new();
        if self.increment != base.increment {
            o.push(format!("INCREMENT BY {}", self.increment));
        }
        if self.min_value != base.min_value {
            o.push(format!("MINVALUE {}", self.min_value));
        }
        if self.max_value != base.max_value {
            o.push(format!("MAXVALUE {}", self.max_value));
        }
        if self.start != base.start {
            o.push(format!("START WITH {}", self.start));
        }
        if self.cache != base.cache {
            o.push(format!("CACHE {}", self.cache));
        }
        if self.cycle != base.cycle {
            o.push(if self.cycle { "CYCLE" } else { "NO CYCLE" }.to_string());
        }
        o
    }
}

fn columns(names: &[String]) -> String {
    let mut s = String::new();
    push_columns(&mut s, names);
    s
}

/// Appends the quoted names, separated by `, `, to `s`.
fn push_columns(s: &mut String, names: &[String]) {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        push_ident(s, n);
    }
}

/// `CONSTRAINT "name" ...` as in `CREATE TABLE` (without `NOT VALID`).
pub(crate) fn constraint_def(c: &Constraint) -> String {
    let mut s = String::new();
    push_constraint_def(&mut s, c);
    s
}

/// Appends [`constraint_def`] to `s`.
fn push_constraint_def(s: &mut String, c: &Constraint) {
    s.push_str("CONSTRAINT ");
    push_ident(s, &c.name);
    s.push(' ');
    let include = |s: &mut String, inc: &[String]| {
        if !inc.is_empty() {
            s.push_str(" INCLUDE (");
            push_columns(s, inc);
            s.push(')');
        }
    };
    match &c.kind {
        ConstraintKind::PrimaryKey {
            columns: cols,
            include: inc,
        } => {
            s.push_str("PRIMARY KEY (");
            push_columns(s, cols);
            s.push(')');
            include(s, inc);
        }
        ConstraintKind::Unique {
            columns: cols,
            include: inc,
            nulls_not_distinct,
        } => {
            s.push_str("UNIQUE");
            if *nulls_not_distinct {
                s.push_str(" NULLS NOT DISTINCT");
            }
            s.push_str(" (");
            push_columns(s, cols);
            s.push(')');
            include(s, inc);
        }
        ConstraintKind::Check {
            expression,
            no_inherit,
        } => {
            s.push_str("CHECK (");
            s.push_str(expression);
            s.push(')');
            if *no_inherit {
                s.push_str(" NO INHERIT");
            }
        }
        // The engine's text already says DEFERRABLE when it is.
        ConstraintKind::Exclusion { definition } => {
            s.push_str(definition);
            return;
        }
        ConstraintKind::ForeignKey(fk) => {
            s.push_str("FOREIGN KEY (");
            push_columns(s, &fk.columns);
            s.push_str(") REFERENCES ");
            s.push_str(&qname(&fk.references));
            s.push('(');
            push_columns(s, &fk.referenced_columns);
            s.push(')');
            if fk.match_full {
                s.push_str(" MATCH FULL");
            }
            if fk.on_update != FkAction::NoAction {
                s.push_str(" ON UPDATE ");
                s.push_str(fk.on_update.sql());
            }
            if fk.on_delete != FkAction::NoAction {
                s.push_str(" ON DELETE ");
                s.push_str(fk.on_delete.sql());
            }
        }
    }
    if c.deferrable {
        s.push_str(" DEFERRABLE");
        if c.initially_deferred {
            s.push_str(" INITIALLY DEFERRED");
        }
    }
}

fn index(i: &Index) -> String {
    let mut s = String::with_capacity(128);
    s.push_str(if i.unique {
        "CREATE UNIQUE INDEX "
    } else {
        "CREATE INDEX "
    });
    push_ident(&mut s, &i.name.name);
    s.push_str(" ON ");
    s.push_str(&qname(&i.table));
    s.push_str(" USING ");
    s.push_str(&i.method);
    s.push_str(" (");
    for (k, e) in i.elements.iter().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        s.push_str(e);
    }
    s.push(')');
    if !i.include.is_empty() {
        s.push_str(" INCLUDE (");
        push_columns(&mut s, &i.include);
        s.push(')');
    }
    if i.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if !i.options.is_empty() {
        s.push_str(&format!(" WITH ({})", i.options.join(", ")));
    }
    if let Some(p) = &i.predicate {
        s.push_str(" WHERE ");
        s.push_str(p);
    }
    s
}

fn view(v: &View) -> String {
    let options = if v.options.is_empty() {
        String::new()
    } else {
        format!(" WITH ({})", v.options.join(", "))
    };
    if v.materialized {
        format!(
            "CREATE MATERIALIZED VIEW {}{options} AS\n{}\nWITH NO DATA",
            qname(&v.name),
            v.definition
        )
    } else {
        format!(
            "CREATE VIEW {}{options} AS\n{}",
            qname(&v.name),
            v.definition
        )
    }
}

fn trigger(t: &Trigger) -> Vec<String> {
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| {
            if e == "UPDATE" && !t.update_columns.is_empty() {
                format!("UPDATE OF {}", columns(&t.update_columns))
            } else {
                e.clone()
            }
        })
        .collect();
    let mut s = format!(
        "CREATE {}TRIGGER {} {} {} ON {}",
        if t.constraint { "CONSTRAINT " } else { "" },
        ident(&t.name),
        t.timing,
        events.join(" OR "),
        qname(&t.table)
    );
    if t.constraint && t.deferrable {
        s.push_str(" DEFERRABLE");
        if t.initially_deferred {
            s.push_str(" INITIALLY DEFERRED");
        }
    }
    if t.old_table.is_some() || t.new_table.is_some() {
        s.push_str(" REFERENCING");
        if let Some(o) = &t.old_table {
            s.push_str(&format!(" OLD TABLE AS {}", ident(o)));
        }
        if let Some(n) = &t.new_table {
            s.push_str(&format!(" NEW TABLE AS {}", ident(n)));
        }
    }
    s.push_str(if t.for_each_row {
        " FOR EACH ROW"
    } else {
        " FOR EACH STATEMENT"
    });
    if let Some(w) = &t.when {
        s.push_str(&format!(" WHEN ({w})"));
    }
    let args: Vec<String> = t.arguments.iter().map(|a| literal(a)).collect();
    s.push_str(&format!(
        " EXECUTE FUNCTION {}({})",
        qname(&t.function),
        args.join(", ")
    ));
    let mut out = vec![s];
    out.extend(trigger_enabled(t));
    out
}

/// `ALTER TABLE ... DISABLE TRIGGER` and friends, for a trigger not in the default state.
pub(crate) fn trigger_enabled(t: &Trigger) -> Option<String> {
    let how = match t.enabled.as_str() {
        "disabled" => "DISABLE",
        "replica" => "ENABLE REPLICA",
        "always" => "ENABLE ALWAYS",
        _ => return None,
    };
    Some(format!(
        "ALTER TABLE {} {how} TRIGGER {}",
        qname(&t.table),
        ident(&t.name)
    ))
}

/// The role list of a policy.
pub(crate) fn roles(roles: &[String]) -> String {
    roles.iter().map(|r| role(r)).collect::<Vec<_>>().join(", ")
}

fn policy(p: &Policy) -> String {
    let mut s = format!("CREATE POLICY {} ON {}", ident(&p.name), qname(&p.table));
    if !p.permissive {
        s.push_str(" AS RESTRICTIVE");
    }
    if p.command != PolicyCommand::All {
        s.push_str(&format!(" FOR {}", p.command.sql()));
    }
    let everyone =
        p.roles.is_empty() || (p.roles.len() == 1 && p.roles[0].eq_ignore_ascii_case("public"));
    if !everyone {
        s.push_str(&format!(" TO {}", roles(&p.roles)));
    }
    if let Some(u) = &p.using {
        s.push_str(&format!("\n    USING ({u})"));
    }
    if let Some(w) = &p.with_check {
        s.push_str(&format!("\n    WITH CHECK ({w})"));
    }
    s
}
