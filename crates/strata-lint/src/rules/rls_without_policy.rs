//! `rls-without-policy`: row level security enabled on a table with no policy.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "rls-without-policy",
    severity: Severity::Warning,
    summary: "ENABLE ROW LEVEL SECURITY on a table no policy is created for, here or in an earlier migration",
};

/// Decided at the end of the file: the policies may come after the ENABLE.
pub(crate) struct RlsWithoutPolicy;

impl Rule for RlsWithoutPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _: &Statement<'_>, _: &Scope<'_>, _: &mut Findings) {}

    fn finish(&self, scope: &Scope<'_>, out: &mut Findings) {
        for (key, name, item, span) in &scope.file.rls_enabled {
            if scope.catalog.policies(key) > 0 {
                continue;
            }
            out.push_for(
                Violation::new(
                    &META,
                    span.clone(),
                    format!(
                        "row level security is enabled on {name}, but no policy exists for it: every role except the owner and BYPASSRLS roles now sees no rows and cannot write any"
                    ),
                )
                .help(format!("create the policies for {name} in the same migration (CREATE POLICY ... ON {name} ...); if only the owner may use it, say so with -- strata:ignore rls-without-policy")),
                *item,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "rls-without-policy";

    #[test]
    fn flags_rls_with_no_policy() {
        flags(
            ID,
            &[
                "ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;",
                "ALTER TABLE profiles ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON other USING (true);",
                "ALTER TABLE profiles FORCE ROW LEVEL SECURITY;",
            ],
        );
    }

    #[test]
    fn passes_with_policies_before_after_or_earlier() {
        passes(
            ID,
            &[
                "ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON profiles FOR SELECT USING (user_id = auth.uid());",
                "CREATE POLICY own ON public.profiles USING (true); ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;",
                "ALTER TABLE profiles DISABLE ROW LEVEL SECURITY;",
            ],
        );
        let mut earlier = cx();
        crate::learn("CREATE POLICY own ON profiles USING (true);", &mut earlier);
        passes_in(
            ID,
            &earlier,
            &["ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;"],
        );
    }
}
