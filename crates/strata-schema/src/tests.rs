//! Unit tests of diff and rendering on schemas built by hand.

use crate::render::{changes_sql, dump_sql};
use crate::*;

fn q(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

fn col(name: &str, ty: &str, not_null: bool) -> Column {
    let mut c = Column::new(name, ty);
    c.not_null = not_null;
    c
}

fn pk(name: &str, cols: &[&str]) -> Constraint {
    Constraint::new(
        name,
        ConstraintKind::PrimaryKey {
            columns: cols.iter().map(|s| s.to_string()).collect(),
            include: vec![],
        },
    )
}

/// A small but complete schema: two schemas, an enum, a domain, a table with identity and
/// generated columns, a foreign key, an index, a view over a view, a function and trigger,
/// row-level security with a policy, comments and a grant.
fn sample() -> Schema {
    let mut s = Schema::new();
    s.schemas = vec![Namespace::new("app"), Namespace::new("public")];
    s.enums = vec![EnumType::new(
        q("app", "status"),
        vec!["new".into(), "done".into()],
    )];
    let mut d = Domain::new(q("app", "positive"), "integer");
    d.checks = vec![DomainCheck::new("positive_check", "(VALUE > 0)")];
    s.domains = vec![d];
    let mut users = Table::new(q("app", "users"));
    let mut id = col("id", "bigint", true);
    id.identity = Some(Identity::new(true, "bigint"));
    let mut email = col("email", "text", true);
    email.comment = Some("login name".into());
    let mut lower = col("email_lower", "text", false);
    lower.generated = Some("lower(email)".into());
    users.columns = vec![id, email, lower];
    users.constraints = vec![pk("users_pkey", &["id"])];
    users.row_security = true;
    users.comment = Some("people who log in".into());
    users.grants = vec![Grant::new("PUBLIC", "SELECT")];
    let mut orders = Table::new(q("app", "orders"));
    let mut st = col("status", "app.status", true);
    st.default = Some("'new'::app.status".into());
    orders.columns = vec![
        col("id", "bigint", true),
        col("user_id", "bigint", false),
        st,
        col("qty", "app.positive", false),
    ];
    let mut fk = ForeignKey::new(vec!["user_id".into()], q("app", "users"), vec!["id".into()]);
    fk.on_delete = FkAction::SetNull;
    orders.constraints = vec![
        pk("orders_pkey", &["id"]),
        Constraint::new("orders_user_id_fkey", ConstraintKind::ForeignKey(fk)),
    ];
    s.tables = vec![orders, users];
    let mut ix = Index::new(
        q("app", "orders_user_id_idx"),
        q("app", "orders"),
        vec!["user_id".into()],
    );
    ix.predicate = Some("(user_id IS NOT NULL)".into());
    s.indexes = vec![ix];
    s.views = vec![
        View::new(
            q("app", "active_users"),
            " SELECT users.id\n   FROM app.users",
        ),
        View::new(
            q("app", "active_user_ids"),
            " SELECT active_users.id\n   FROM app.active_users",
        ),
    ];
    let mut f = Function::new(
        q("app", "touch"),
        "trigger",
        "plpgsql",
        "\nBEGIN\n  RETURN NEW;\nEND;\n",
    );
    f.config = vec!["search_path=app, pg_temp".into()];
    s.functions = vec![f];
    let mut t = Trigger::new(
        "orders_touch",
        q("app", "orders"),
        vec!["UPDATE".into()],
        q("app", "touch"),
    );
    t.timing = "BEFORE".into();
    s.triggers = vec![t];
    let mut p = Policy::new("own_rows", q("app", "users"));
    p.command = PolicyCommand::Select;
    p.using = Some("(id = (current_setting('app.user_id'::text))::bigint)".into());
    s.policies = vec![p];
    s.normalize();
    s
}

#[test]
fn dump_is_ordered_by_dependency() {
    insta::assert_snapshot!(dump_sql(&sample()));
}

#[test]
fn dump_is_deterministic_whatever_the_input_order() {
    let a = sample();
    let mut b = sample();
    b.tables.reverse();
    b.views.reverse();
    b.normalize();
    assert_eq!(dump_sql(&a), dump_sql(&b));
}

#[test]
fn equal_schemas_have_no_changes() {
    assert!(diff(&sample(), &sample()).is_empty());
}

#[test]
fn json_round_trip() {
    let s = sample();
    let json = serde_json::to_string(&s).unwrap();
    let back: Schema = serde_json::from_str(&json).unwrap();
    assert_eq!(s, back);
}

fn summaries(changes: &[Change]) -> Vec<String> {
    changes.iter().map(Change::summary).collect()
}

#[test]
fn drift_like_changes_are_named() {
    let a = sample();
    let mut b = sample();
    b.indexes.clear();
    b.tables[1].columns.push(col("nickname", "text", false));
    b.policies[0].using = Some("true".into());
    let changes = diff(&a, &b);
    assert_eq!(
        summaries(&changes),
        vec![
            "+ column app.users.nickname",
            "- index app.orders_user_id_idx",
            "~ policy own_rows on app.users (using)",
        ]
    );
    assert_eq!(
        changes[2].details(),
        vec![(
            "using".to_string(),
            "(id = (current_setting('app.user_id'::text))::bigint)".to_string(),
            "true".to_string()
        )]
    );
    insta::assert_snapshot!(changes_sql(&changes).join(";\n"), @r#"
    DROP INDEX IF EXISTS "app"."orders_user_id_idx";
    ALTER TABLE "app"."users" ADD COLUMN "nickname" text;
    ALTER POLICY "own_rows" ON "app"."users"
        USING (true)
    "#);
}

#[test]
fn a_dropped_table_takes_its_parts_with_it() {
    let a = sample();
    let mut b = sample();
    b.tables.retain(|t| t.name.name != "orders");
    b.indexes.clear();
    b.triggers.clear();
    let sql = changes_sql(&diff(&a, &b));
    assert_eq!(sql, vec![r#"DROP TABLE IF EXISTS "app"."orders""#]);
}

#[test]
fn a_created_table_holds_its_columns_and_keys_and_comes_before_foreign_keys() {
    let a = Schema::new();
    let b = sample();
    let sql = changes_sql(&diff(&a, &b));
    assert!(!sql.iter().any(|s| s.contains("ADD COLUMN")));
    let pos = |needle: &str| {
        sql.iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("{needle} missing from {sql:#?}"))
    };
    assert!(pos("CREATE TYPE \"app\".\"status\"") < pos("CREATE TABLE \"app\".\"orders\""));
    assert!(pos("CREATE DOMAIN") < pos("CREATE TABLE \"app\".\"orders\""));
    assert!(pos("CREATE TABLE \"app\".\"users\"") < pos("orders_user_id_fkey"));
    assert!(pos("VIEW \"app\".\"active_users\"") < pos("VIEW \"app\".\"active_user_ids\""));
    assert!(pos("CREATE FUNCTION") < pos("CREATE TRIGGER"));
    assert!(pos("ENABLE ROW LEVEL SECURITY") < pos("CREATE POLICY"));
}

#[test]
fn a_changed_view_recreates_the_views_over_it() {
    let a = sample();
    let mut b = sample();
    let v = b
        .views
        .iter_mut()
        .find(|v| v.name.name == "active_users")
        .unwrap();
    v.definition = " SELECT users.id\n   FROM app.users\n  WHERE (users.id > 0)".into();
    let changes = diff(&a, &b);
    assert_eq!(
        summaries(&changes),
        vec![
            "~ view app.active_user_ids (recreated: depends on VIEW \"app\".\"active_users\")",
            "~ view app.active_users (definition)",
        ]
    );
    let sql = changes_sql(&changes);
    let heads: Vec<&str> = sql.iter().map(|s| s.lines().next().unwrap()).collect();
    assert_eq!(
        heads,
        vec![
            r#"DROP VIEW IF EXISTS "app"."active_user_ids""#,
            r#"DROP VIEW IF EXISTS "app"."active_users""#,
            r#"CREATE VIEW "app"."active_users" AS"#,
            r#"CREATE VIEW "app"."active_user_ids" AS"#,
        ]
    );
}

#[test]
fn a_retyped_column_recreates_views_over_its_table() {
    let a = sample();
    let mut b = sample();
    b.tables[1].columns[0].data_type = "numeric".into();
    b.tables[1].columns[0].identity = None;
    let sql = changes_sql(&diff(&a, &b));
    let heads: Vec<&str> = sql.iter().map(|s| s.lines().next().unwrap()).collect();
    assert_eq!(
        heads,
        vec![
            r#"DROP VIEW IF EXISTS "app"."active_user_ids""#,
            r#"DROP VIEW IF EXISTS "app"."active_users""#,
            r#"ALTER TABLE "app"."users" ALTER COLUMN "id" TYPE numeric USING "id"::numeric"#,
            r#"ALTER TABLE "app"."users" ALTER COLUMN "id" DROP IDENTITY"#,
            r#"CREATE VIEW "app"."active_users" AS"#,
            r#"CREATE VIEW "app"."active_user_ids" AS"#,
        ]
    );
}

#[test]
fn enum_values_are_added_in_place() {
    let a = sample();
    let mut b = sample();
    b.enums[0].labels = vec!["new".into(), "paid".into(), "done".into(), "void".into()];
    assert_eq!(
        changes_sql(&diff(&a, &b)),
        vec![
            r#"ALTER TYPE "app"."status" ADD VALUE 'paid' BEFORE 'done'"#,
            r#"ALTER TYPE "app"."status" ADD VALUE 'void' AFTER 'done'"#,
        ]
    );
}

#[test]
fn a_new_type_is_created_before_the_column_that_uses_it_and_the_old_dropped_after() {
    let a = sample();
    let mut b = sample();
    b.enums[0].name = q("app", "order_status");
    b.tables[0].columns[2].data_type = "app.order_status".into();
    b.tables[0].columns[2].default = None;
    let sql = changes_sql(&diff(&a, &b));
    assert_eq!(
        sql,
        vec![
            r#"CREATE TYPE "app"."order_status" AS ENUM ('new', 'done')"#,
            r#"ALTER TABLE "app"."orders" ALTER COLUMN "status" DROP DEFAULT"#,
            r#"ALTER TABLE "app"."orders" ALTER COLUMN "status" TYPE app.order_status USING "status"::app.order_status"#,
            r#"DROP TYPE IF EXISTS "app"."status""#,
        ]
    );
}

#[test]
fn foreign_keys_wait_for_the_unique_index_they_reference() {
    let mut b = sample();
    b.tables[1].constraints.clear();
    let mut ix = Index::new(
        q("app", "users_id_key"),
        q("app", "users"),
        vec!["id".into()],
    );
    ix.unique = true;
    b.indexes.push(ix);
    b.normalize();
    let sql = changes_sql(&diff(&Schema::new(), &b));
    let pos = |needle: &str| sql.iter().position(|s| s.contains(needle)).unwrap();
    assert!(pos("users_id_key") < pos("orders_user_id_fkey"));
}

#[test]
fn comments_grants_rls_and_validation_alter_in_place() {
    let mut a = sample();
    a.tables[0].constraints[0].valid = false;
    let mut b = sample();
    b.tables[1].comment = Some("accounts".into());
    b.tables[1].grants = vec![Grant::new("app_reader", "SELECT")];
    b.tables[1].force_row_security = true;
    assert_eq!(
        changes_sql(&diff(&a, &b)),
        vec![
            r#"REVOKE SELECT ON TABLE "app"."users" FROM PUBLIC"#,
            r#"ALTER TABLE "app"."orders" VALIDATE CONSTRAINT "orders_pkey""#,
            r#"ALTER TABLE "app"."users" FORCE ROW LEVEL SECURITY"#,
            r#"COMMENT ON TABLE "app"."users" IS 'accounts'"#,
            r#"GRANT SELECT ON TABLE "app"."users" TO "app_reader""#,
        ]
    );
}

#[test]
fn functions_are_replaced_in_place_unless_their_signature_changes() {
    let a = sample();
    let mut b = sample();
    b.functions[0].body = "\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND;\n".into();
    let sql = changes_sql(&diff(&a, &b));
    assert_eq!(sql.len(), 1);
    assert!(
        sql[0].starts_with(r#"CREATE OR REPLACE FUNCTION "app"."touch"()"#),
        "{}",
        sql[0]
    );
    b.functions[0].result = Some("integer".into());
    let sql = changes_sql(&diff(&a, &b));
    let heads: Vec<&str> = sql.iter().map(|s| s.lines().next().unwrap()).collect();
    assert_eq!(
        heads,
        vec![
            r#"DROP TRIGGER IF EXISTS "orders_touch" ON "app"."orders""#,
            r#"DROP FUNCTION IF EXISTS "app"."touch"()"#,
            r#"CREATE FUNCTION "app"."touch"()"#,
            r#"CREATE TRIGGER "orders_touch" BEFORE UPDATE ON "app"."orders" FOR EACH ROW EXECUTE FUNCTION "app"."touch"()"#,
        ]
    );
}

#[test]
fn owners_and_default_privileges_are_diffed() {
    let a = sample();
    let mut b = sample();
    b.owners = vec![
        Owner::new("SCHEMA \"app\"", "admin"),
        Owner::new("TABLE \"app\".\"users\"", "auth_admin"),
        // Owners of objects the schema does not hold are left out.
        Owner::new("TABLE \"app\".\"gone\"", "admin"),
    ];
    let mut p = DefaultPrivilege::new("TABLES", "reader", "SELECT");
    p.schema = Some("app".into());
    b.default_privileges = vec![p];
    let changes = diff(&a, &b);
    assert_eq!(
        summaries(&changes),
        vec![
            "+ owner schema app (admin)",
            "+ owner table app.users (auth_admin)",
            "+ default privilege SELECT on new tables in schema app for reader",
        ]
    );
    insta::assert_snapshot!(changes_sql(&changes).join(";\n"), @r#"
    ALTER SCHEMA "app" OWNER TO "admin";
    ALTER TABLE "app"."users" OWNER TO "auth_admin";
    ALTER DEFAULT PRIVILEGES IN SCHEMA "app" GRANT SELECT ON TABLES TO "reader"
    "#);
    // Back: the objects return to the role that runs the script.
    let back = changes_sql(&diff(&b, &a));
    assert_eq!(
        back,
        vec![
            "ALTER DEFAULT PRIVILEGES IN SCHEMA \"app\" REVOKE SELECT ON TABLES FROM \"reader\"",
            "ALTER SCHEMA \"app\" OWNER TO CURRENT_USER",
            "ALTER TABLE \"app\".\"users\" OWNER TO CURRENT_USER",
        ]
    );
    // In a dump, the owner comes before the grants the new owner would take over.
    let dump = dump_sql(&b);
    let at = |s: &str| dump.find(s).unwrap_or_else(|| panic!("{s} not in {dump}"));
    assert!(at("OWNER TO \"auth_admin\"") < at("GRANT SELECT ON TABLE \"app\".\"users\""));
}
