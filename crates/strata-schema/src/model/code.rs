//! Views, functions, triggers and row-level security policies: the objects that hold code.

use super::{Grant, QualifiedName};
use serde::{Deserialize, Serialize};

/// A view or materialized view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct View {
    /// Its name.
    pub name: QualifiedName,
    /// A materialized view.
    pub materialized: bool,
    /// The query as the engine prints it, without a trailing semicolon.
    pub definition: String,
    /// Options (`security_invoker=true`, `check_option=local`).
    pub options: Vec<String>,
    /// `COMMENT ON VIEW`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl View {
    /// A view with its query.
    pub fn new(name: QualifiedName, definition: impl Into<String>) -> View {
        View {
            name,
            definition: definition.into(),
            ..View::default()
        }
    }
}

/// Function, procedure or window function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FunctionKind {
    /// `CREATE FUNCTION`.
    #[default]
    Function,
    /// `CREATE PROCEDURE`.
    Procedure,
    /// `CREATE FUNCTION ... WINDOW`.
    Window,
}

/// How a function's result may vary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Volatility {
    /// The default.
    #[default]
    Volatile,
    /// `STABLE`.
    Stable,
    /// `IMMUTABLE`.
    Immutable,
}

/// Whether a function may run in parallel workers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Parallel {
    /// The default.
    #[default]
    Unsafe,
    /// `PARALLEL RESTRICTED`.
    Restricted,
    /// `PARALLEL SAFE`.
    Safe,
}

/// A function or procedure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Function {
    /// Its name.
    pub name: QualifiedName,
    /// Function, procedure or window function.
    pub kind: FunctionKind,
    /// The full argument list with names, modes and defaults (`a integer, b text DEFAULT 'x'`).
    pub arguments: String,
    /// The argument types that identify it among overloads (`integer, text`).
    pub identity_arguments: String,
    /// What it returns (`integer`, `SETOF public.users`, `TABLE(id bigint)`, `trigger`); `None`
    /// for procedures.
    pub result: Option<String>,
    /// `plpgsql`, `sql`, `c`, ...
    pub language: String,
    /// The body as written (for `c` functions, the link symbol).
    pub body: String,
    /// A body in standard SQL form (`BEGIN ATOMIC ... END` or `RETURN ...`), which the engine
    /// parses and stores instead of [`Function::body`].
    pub sql_body: Option<String>,
    /// The library file of a `c` function.
    pub library: Option<String>,
    /// Volatility.
    pub volatility: Volatility,
    /// `STRICT` (returns null on null input).
    pub strict: bool,
    /// `SECURITY DEFINER`.
    pub security_definer: bool,
    /// `LEAKPROOF`.
    pub leakproof: bool,
    /// Parallel safety.
    pub parallel: Parallel,
    /// `COST`, as the engine prints it.
    pub cost: String,
    /// `ROWS` of a set-returning function (`0` otherwise).
    pub rows: String,
    /// `SET` clauses, as `name=value` (`search_path=public, pg_temp`).
    pub config: Vec<String>,
    /// `COMMENT ON FUNCTION`.
    pub comment: Option<String>,
    /// Privileges beyond the defaults.
    pub grants: Vec<Grant>,
}

impl Function {
    /// A volatile function with no arguments.
    pub fn new(
        name: QualifiedName,
        result: impl Into<String>,
        language: impl Into<String>,
        body: impl Into<String>,
    ) -> Function {
        Function {
            name,
            result: Some(result.into()),
            language: language.into(),
            body: body.into(),
            cost: "100".into(),
            rows: "0".into(),
            ..Function::default()
        }
    }

    /// `name(identity arguments)`, unquoted, for messages.
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.identity_arguments)
    }
}

/// A trigger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Trigger {
    /// Its name.
    pub name: String,
    /// The table or view it is on.
    pub table: QualifiedName,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    /// `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`, in that order.
    pub events: Vec<String>,
    /// Columns of `UPDATE OF`.
    pub update_columns: Vec<String>,
    /// `FOR EACH ROW` (else `FOR EACH STATEMENT`).
    pub for_each_row: bool,
    /// The `WHEN` condition.
    pub when: Option<String>,
    /// The trigger function.
    pub function: QualifiedName,
    /// Arguments passed to it.
    pub arguments: Vec<String>,
    /// `REFERENCING OLD TABLE AS`.
    pub old_table: Option<String>,
    /// `REFERENCING NEW TABLE AS`.
    pub new_table: Option<String>,
    /// A constraint trigger.
    pub constraint: bool,
    /// `DEFERRABLE` (constraint triggers).
    pub deferrable: bool,
    /// `INITIALLY DEFERRED` (constraint triggers).
    pub initially_deferred: bool,
    /// `origin` (the default), `disabled`, `replica` or `always`.
    pub enabled: String,
    /// `COMMENT ON TRIGGER`.
    pub comment: Option<String>,
}

impl Trigger {
    /// An enabled `AFTER ... FOR EACH ROW` trigger.
    pub fn new(
        name: impl Into<String>,
        table: QualifiedName,
        events: Vec<String>,
        function: QualifiedName,
    ) -> Trigger {
        Trigger {
            name: name.into(),
            table,
            timing: "AFTER".into(),
            events,
            for_each_row: true,
            function,
            enabled: "origin".into(),
            ..Trigger::default()
        }
    }
}

/// The command a policy applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PolicyCommand {
    /// `FOR ALL` (the default).
    #[default]
    All,
    /// `FOR SELECT`.
    Select,
    /// `FOR INSERT`.
    Insert,
    /// `FOR UPDATE`.
    Update,
    /// `FOR DELETE`.
    Delete,
}

impl PolicyCommand {
    /// The SQL word.
    pub fn sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

/// A row-level security policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Policy {
    /// Its name.
    pub name: String,
    /// The table it applies to.
    pub table: QualifiedName,
    /// Permissive (true, the default) or restrictive.
    pub permissive: bool,
    /// The command it applies to.
    pub command: PolicyCommand,
    /// Roles it applies to, sorted; `PUBLIC` for everyone.
    pub roles: Vec<String>,
    /// The `USING` expression.
    pub using: Option<String>,
    /// The `WITH CHECK` expression.
    pub with_check: Option<String>,
    /// `COMMENT ON POLICY`.
    pub comment: Option<String>,
}

impl Policy {
    /// A permissive policy for all commands and everyone.
    pub fn new(name: impl Into<String>, table: QualifiedName) -> Policy {
        Policy {
            name: name.into(),
            table,
            permissive: true,
            roles: vec!["PUBLIC".into()],
            ..Policy::default()
        }
    }
}

/// A rewrite rule on a table or view (not the `_RETURN` rule that makes a view).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Rule {
    /// Its name.
    pub name: String,
    /// The table or view it is on.
    pub table: QualifiedName,
    /// The whole `CREATE RULE` statement as the engine prints it, without a trailing semicolon.
    pub definition: String,
    /// `COMMENT ON RULE`.
    pub comment: Option<String>,
}

impl Rule {
    /// A rule with its `CREATE RULE` statement.
    pub fn new(
        name: impl Into<String>,
        table: QualifiedName,
        definition: impl Into<String>,
    ) -> Rule {
        Rule {
            name: name.into(),
            table,
            definition: definition.into(),
            comment: None,
        }
    }
}
