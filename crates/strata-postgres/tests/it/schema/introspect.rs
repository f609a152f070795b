//! Introspection of every object kind.

use super::{database_with, schema_of, schema_over, REALISTIC};
use strata_schema::*;

#[tokio::test]
async fn every_object_kind_is_read() {
    let db = database_with(REALISTIC);
    let s = schema_of(&db, &Filter::new()).await;
    insta::assert_debug_snapshot!("realistic_counts", s.counts());
    let q = QualifiedName::new;

    let names: Vec<&str> = s.schemas.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["Billing", "app", "audit", "public"]);
    let app = &s.schemas[1];
    assert_eq!(app.comment.as_deref(), Some("application tables"));
    assert_eq!(app.grants, [Grant::new("strata_test_app", "USAGE")]);
    assert_eq!(s.extensions.len(), 1);
    assert_eq!(
        (
            s.extensions[0].name.as_str(),
            s.extensions[0].schema.as_str()
        ),
        ("citext", "public")
    );

    assert_eq!(s.enums[0].labels, ["new", "paid", "shipped", "cancelled"]);
    assert_eq!(
        s.composites[0].attributes[1].collation.as_deref(),
        Some("pg_catalog.\"C\"")
    );
    assert_eq!(
        s.composites[0].attributes[2].data_type,
        "character varying(10)"
    );
    let amount = s
        .domains
        .iter()
        .find(|d| d.name.name == "positive_amount")
        .unwrap();
    assert_eq!(
        (
            amount.data_type.as_str(),
            amount.not_null,
            amount.default.as_deref()
        ),
        ("numeric(12,2)", true, Some("0"))
    );
    assert_eq!(amount.checks[0].expression, "(VALUE >= (0)::numeric)");

    let seq = s
        .sequences
        .iter()
        .find(|x| x.name.name == "invoice_number")
        .unwrap();
    assert_eq!(
        (seq.data_type.as_str(), seq.start, seq.increment, seq.cache),
        ("integer", 1000, 10, 5)
    );
    let serial = s
        .sequences
        .iter()
        .find(|x| x.name.name == "orders_id_seq")
        .unwrap();
    assert_eq!(
        serial.owned_by,
        Some((q("app", "orders"), "id".to_string()))
    );
    assert!(
        !s.sequences
            .iter()
            .any(|x| x.name.name.starts_with("users_id")),
        "identity sequences belong to their column"
    );

    let users = s.table(&q("app", "users")).unwrap();
    let id = users.column("id").unwrap();
    let identity = id.identity.as_ref().unwrap();
    assert!(identity.always);
    assert_eq!((identity.start, identity.increment), (100, 2));
    assert!(users
        .column("search")
        .unwrap()
        .generated
        .as_deref()
        .unwrap()
        .contains("to_tsvector"));
    assert_eq!(users.column("email").unwrap().data_type, "app.email");
    assert!(users.row_security && users.force_row_security);
    match &users.constraint("users_tenant_email_key").unwrap().kind {
        ConstraintKind::Unique {
            columns,
            include,
            nulls_not_distinct,
        } => {
            assert_eq!(
                (columns.as_slice(), include.as_slice(), *nulls_not_distinct),
                (
                    &["tenant_id".to_string(), "email".to_string()][..],
                    &["full_name".to_string()][..],
                    true
                )
            );
        }
        other => panic!("{other:?}"),
    }
    let tenants = s.table(&q("app", "tenants")).unwrap();
    assert_eq!(
        tenants.column("slug").unwrap().collation.as_deref(),
        Some("pg_catalog.\"C\"")
    );
    assert_eq!(
        tenants.comment.as_deref(),
        Some("customers of the platform")
    );
    assert_eq!(
        tenants.column("slug").unwrap().comment.as_deref(),
        Some("URL-safe name")
    );

    let orders = s.table(&q("app", "orders")).unwrap();
    let fk = orders.constraint("orders_user_fk").unwrap();
    assert!(fk.deferrable && fk.initially_deferred && fk.valid);
    match &fk.kind {
        ConstraintKind::ForeignKey(f) => {
            assert_eq!(
                (f.on_update, f.on_delete),
                (FkAction::Cascade, FkAction::SetNull)
            );
            assert_eq!(f.references, q("app", "users"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!orders.constraint("orders_tenant_fk").unwrap().valid);
    assert!(!orders.constraint("orders_total_check").unwrap().valid);
    assert_eq!(orders.grants.len(), 4);
    let sessions = s.table(&q("app", "sessions")).unwrap();
    assert!(sessions.unlogged);
    assert!(
        matches!(&sessions.constraint("sessions_user_id_fkey").unwrap().kind,
        ConstraintKind::ForeignKey(f) if f.match_full && f.on_delete == FkAction::Cascade)
    );
    assert!(
        matches!(&s.table(&q("app", "bookings")).unwrap().constraint("bookings_no_overlap").unwrap().kind,
        ConstraintKind::Exclusion { definition } if definition.starts_with("EXCLUDE USING gist"))
    );

    let events = s.table(&q("audit", "events")).unwrap();
    assert_eq!(events.partition_key.as_deref(), Some("RANGE (occurred_at)"));
    let part = s.table(&q("audit", "events_2024")).unwrap();
    let p = part.partition_of.as_ref().unwrap();
    assert_eq!(p.parent, q("audit", "events"));
    assert!(p.bound.starts_with("FOR VALUES FROM"));
    assert!(
        part.columns.is_empty() && part.constraints.is_empty(),
        "a partition's columns and keys are its parent's"
    );
    let index_names: Vec<String> = s.indexes.iter().map(|i| i.name.to_string()).collect();
    assert!(
        !index_names.iter().any(|n| n.contains("events_2024")),
        "{index_names:?}"
    );
    assert!(s
        .table(&q("Billing", "Invoice Lines"))
        .unwrap()
        .column("Line No")
        .is_some());

    let open = s
        .indexes
        .iter()
        .find(|i| i.name.name == "orders_open_idx")
        .unwrap();
    assert!(open.predicate.as_deref().unwrap().contains("status"));
    assert_eq!(open.comment.as_deref(), Some("orders still in progress"));
    let meta = s
        .indexes
        .iter()
        .find(|i| i.name.name == "orders_meta_idx")
        .unwrap();
    assert_eq!(
        (meta.method.as_str(), meta.elements.as_slice()),
        ("gin", &["meta jsonb_path_ops".to_string()][..])
    );
    let invoice = s
        .indexes
        .iter()
        .find(|i| i.name.name == "orders_invoice_idx")
        .unwrap();
    assert!(invoice.unique);
    assert_eq!(invoice.include, ["status"]);
    assert_eq!(invoice.options, ["fillfactor=80"]);
    let placed = s
        .indexes
        .iter()
        .find(|i| i.name.name == "orders_tenant_placed_idx")
        .unwrap();
    assert_eq!(placed.elements, ["tenant_id", "placed_at DESC"]);
    assert!(s
        .indexes
        .iter()
        .any(|i| i.name.name == "order_totals_key" && i.table == q("app", "order_totals")));

    let active = s.view(&q("app", "active_users")).unwrap();
    assert_eq!(active.options, ["security_invoker=true"]);
    assert!(
        active.definition.contains("FROM app.users u"),
        "{}",
        active.definition
    );
    assert_eq!(
        active.grants,
        [{
            let mut g = Grant::new("strata_test_reader", "SELECT");
            g.grantable = true;
            g
        }]
    );
    let totals = s.view(&q("app", "order_totals")).unwrap();
    assert!(totals.materialized);
    assert_eq!(totals.comment.as_deref(), Some("refreshed nightly"));

    let f = |name: &str| s.functions.iter().find(|f| f.name.name == name).unwrap();
    let tenant = f("current_tenant");
    assert_eq!(
        (tenant.language.as_str(), tenant.volatility, tenant.parallel),
        ("sql", Volatility::Stable, Parallel::Safe)
    );
    assert_eq!(
        f("touch_updated_at").config,
        ["search_path=pg_catalog, pg_temp"]
    );
    let log = f("log_orders");
    assert!(log.security_definer);
    assert!(log.grants.contains(&{
        let mut g = Grant::new("PUBLIC", "EXECUTE");
        g.revoked = true;
        g
    }));
    assert!(log
        .grants
        .contains(&Grant::new("strata_test_app", "EXECUTE")));
    let count = f("order_count");
    assert!(count
        .sql_body
        .as_deref()
        .unwrap()
        .starts_with("BEGIN ATOMIC"));
    assert_eq!(
        count.identity_arguments,
        "p_user bigint, p_status app.order_status"
    );
    assert_eq!(count.comment.as_deref(), Some("orders of a user"));
    assert_eq!(
        (f("users_of").result.as_deref(), f("users_of").rows.as_str()),
        (Some("SETOF app.users"), "50")
    );
    assert_eq!(f("archive_orders").kind, FunctionKind::Procedure);

    let t = |name: &str| s.triggers.iter().find(|t| t.name == name).unwrap();
    assert_eq!(
        t("users_touch").when.as_deref(),
        Some("(old.full_name IS DISTINCT FROM new.full_name)")
    );
    assert_eq!(t("orders_touch").events, ["INSERT", "UPDATE"]);
    assert_eq!(t("orders_touch").update_columns, ["status", "total"]);
    let audit = t("orders_audit");
    assert_eq!(
        (
            audit.for_each_row,
            audit.new_table.as_deref(),
            audit.enabled.as_str()
        ),
        (false, Some("new_rows"), "disabled")
    );
    assert_eq!(audit.arguments, ["orders", "v1"]);

    let policies: Vec<String> = s
        .policies
        .iter()
        .filter(|p| p.table == q("app", "users"))
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(
        policies,
        [
            "users_delete",
            "users_insert",
            "users_select",
            "users_update"
        ]
    );
    let sel = s
        .policies
        .iter()
        .find(|p| p.name == "users_select")
        .unwrap();
    assert_eq!(sel.roles, ["strata_test_app", "strata_test_reader"]);
    assert_eq!(sel.command, PolicyCommand::Select);
    assert_eq!(
        sel.using.as_deref(),
        Some("(tenant_id = app.current_tenant())")
    );
    let del = s
        .policies
        .iter()
        .find(|p| p.name == "users_delete")
        .unwrap();
    assert!(!del.permissive);
    assert_eq!(del.roles, ["PUBLIC"]);
    assert!(s
        .policies
        .iter()
        .find(|p| p.name == "users_update")
        .unwrap()
        .with_check
        .is_some());
}

#[tokio::test]
async fn extension_members_are_left_out() {
    let db = database_with("CREATE EXTENSION pg_trgm; CREATE TABLE t (x text);");
    let s = schema_of(&db, &Filter::new()).await;
    assert_eq!(
        s.extensions
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["pg_trgm"]
    );
    assert!(
        s.functions.is_empty(),
        "{:?}",
        s.functions
            .iter()
            .map(|f| f.signature())
            .collect::<Vec<_>>()
    );
    assert!(s.composites.is_empty() && s.enums.is_empty());
}

#[tokio::test]
async fn schemas_are_filtered_and_the_history_table_left_out() {
    let db = database_with(
        "CREATE SCHEMA a; CREATE SCHEMA b; CREATE TABLE a.t (id int); CREATE TABLE b.t (id int);
         CREATE SCHEMA strata; CREATE TABLE strata.strata_migrations (version text);
         CREATE TABLE public.strata_migrations (version text);",
    );
    let only_a = schema_of(&db, &Filter::new().include_schemas(["a"])).await;
    assert_eq!(only_a.schemas.len(), 1);
    assert_eq!(
        only_a
            .tables
            .iter()
            .map(|t| t.name.to_string())
            .collect::<Vec<_>>(),
        ["a.t"]
    );
    let not_a = schema_of(&db, &Filter::new().exclude_schemas(["a"])).await;
    assert!(not_a.tables.iter().all(|t| t.name.schema != "a"));
    let filter = Filter::new()
        .exclude_table(QualifiedName::new("strata", "strata_migrations"))
        .exclude_table(QualifiedName::new("public", "strata_migrations"));
    let s = schema_of(&db, &filter).await;
    let tables: Vec<String> = s.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(tables, ["a.t", "b.t"]);
    let schemas: Vec<&str> = s.schemas.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        schemas,
        ["a", "b", "public"],
        "strata's own schema is hidden when it holds only its tables"
    );
}

/// Every index shape whose key strata prints itself (btree over plain columns) or leaves to the
/// server (other operator classes and collations, expressions, other methods).
const INDEXES: &str = r#"
CREATE TYPE mood AS ENUM ('a', 'b');
CREATE DOMAIN code AS text;
CREATE TABLE t (
    id int, "Name" text, "user" text, v varchar(20), c text COLLATE "C", m mood, d code,
    arr int[], n numeric, ts timestamptz, b bool, "we ird" int, "Upper""Quote" int
);
CREATE INDEX ON t (id);
CREATE INDEX ON t (id DESC);
CREATE INDEX ON t (id DESC NULLS LAST);
CREATE INDEX ON t (id NULLS FIRST);
CREATE INDEX ON t (id ASC NULLS LAST);
CREATE INDEX ON t ("Name", "user", "Upper""Quote" DESC);
CREATE INDEX ON t (v);
CREATE INDEX ON t (v varchar_pattern_ops);
CREATE INDEX ON t (c);
CREATE INDEX ON t (c COLLATE "POSIX");
CREATE INDEX ON t ("Name" COLLATE "C");
CREATE INDEX ON t ("Name" text_pattern_ops DESC);
CREATE INDEX ON t (m);
CREATE INDEX ON t (d);
CREATE INDEX ON t (arr);
CREATE INDEX ON t USING gin (arr);
CREATE INDEX ON t USING hash (id);
CREATE INDEX ON t (lower("Name"), id DESC);
CREATE INDEX ON t (n, ts) INCLUDE (b, "we ird") WHERE b;
CREATE UNIQUE INDEX ON t ("we ird");
CREATE INDEX ON t USING brin (ts);
CREATE MATERIALIZED VIEW mv AS SELECT id, "Name" FROM t;
CREATE INDEX ON mv ("Name" DESC, id);
"#;

/// The key elements of `CREATE INDEX ... USING method (elements) ...`.
fn elements_of(def: &str, method: &str) -> Vec<String> {
    let marker = format!(" USING {method} (");
    let start = def.find(&marker).unwrap() + marker.len();
    let (mut depth, mut quoted, mut out, mut current) = (0, false, Vec::new(), String::new());
    for ch in def[start..].chars() {
        match ch {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => break,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    out.push(current.trim().to_string());
    out
}

#[tokio::test]
async fn index_keys_are_printed_exactly_as_the_server_prints_them() {
    let db = database_with(INDEXES);
    let expected: Vec<(String, Vec<String>)> = db
        .query_rows(
            "SELECT i.relname, am.amname, pg_get_indexdef(i.oid) FROM pg_class i \
             JOIN pg_am am ON am.oid = i.relam WHERE i.relkind = 'i' \
             AND i.relnamespace = 'public'::regnamespace ORDER BY 1",
        )
        .into_iter()
        .map(|r| (r[0].clone(), elements_of(&r[2], &r[1])))
        .collect();
    assert_eq!(expected.len(), 22);
    for connections in [1, 3] {
        let s = schema_over(&db, connections).await;
        let actual: Vec<(String, Vec<String>)> = s
            .indexes
            .iter()
            .map(|i| (i.name.name.clone(), i.elements.clone()))
            .collect();
        assert_eq!(actual, expected, "over {connections} connection(s)");
    }
    let s = schema_of(&db, &Filter::new()).await;
    let ix = s.indexes.iter().find(|i| !i.include.is_empty()).unwrap();
    assert_eq!(ix.include, ["b", "we ird"]);
    assert_eq!(ix.predicate.as_deref(), Some("b"));
}

#[tokio::test]
async fn several_connections_read_the_same_schema_as_one() {
    let db = database_with(super::REALISTIC);
    let one = schema_over(&db, 1).await;
    for connections in [2, 4] {
        let many = schema_over(&db, connections).await;
        assert_eq!(
            strata_schema::render::dump_sql(&many),
            strata_schema::render::dump_sql(&one),
            "over {connections} connections"
        );
        assert_eq!(many, one, "over {connections} connections");
    }
}

/// Column collations: the common `text`/`varchar`/`char` columns with the default collation
/// skip the type lookup, so the others (a domain with its own collation, `name`, arrays) are
/// compared with the server's own rule: a collation is printed when it differs from the
/// type's.
#[tokio::test]
async fn column_collations_follow_the_server() {
    let db = database_with(
        r#"CREATE DOMAIN c_text AS text COLLATE "C";
        CREATE TABLE coll (
            a text, b varchar(5), c char(2), d text COLLATE "C", e varchar COLLATE "POSIX",
            f c_text, g c_text COLLATE "default", h name, i name COLLATE "default",
            j text[] COLLATE "C", k text[], l int, m c_text COLLATE "C");"#,
    );
    let expected: Vec<(String, Option<String>)> = db
        .query_rows(
            "SELECT a.attname, CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation \
             THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) ELSE '' END \
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_collation co ON co.oid = a.attcollation \
             LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace \
             WHERE a.attrelid = 'public.coll'::regclass AND a.attnum > 0 ORDER BY a.attnum",
        )
        .into_iter()
        .map(|r| (r[0].clone(), Some(r[1].clone()).filter(|c| !c.is_empty())))
        .collect();
    assert_eq!(expected.len(), 13);
    assert!(
        expected.iter().filter(|c| c.1.is_some()).count() >= 4,
        "{expected:?}"
    );
    for connections in [1, 2] {
        let s = schema_over(&db, connections).await;
        let t = s.tables.iter().find(|t| t.name.name == "coll").unwrap();
        let actual: Vec<(String, Option<String>)> = t
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.collation.clone()))
            .collect();
        assert_eq!(actual, expected, "over {connections} connection(s)");
    }
}
