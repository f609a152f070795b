//! Finding the objects an expression names.
//!
//! Engines print expressions, view queries and types with every name outside their own catalog
//! schema-qualified (strata's PostgreSQL introspector runs with an empty `search_path` for
//! that), so `schema.name` pairs in the text are the objects used. String literals are searched
//! too: `nextval('public.users_id_seq'::regclass)` names its sequence inside one. A false match
//! only adds an ordering constraint between two objects, never a wrong statement.

/// Identifiers found in a text.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    /// `(schema, name)` pairs: every `a.b` with `a` and `b` identifiers.
    pub qualified: Vec<(String, String)>,
    /// Every identifier, qualified or not (unquoted ones folded to lower case).
    pub identifiers: Vec<String>,
}

/// Scans `text` for identifiers and qualified names.
pub(crate) fn scan(text: &str, found: &mut Found) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    // The previous identifier and whether a `.` followed it.
    let mut previous: Option<String> = None;
    let mut dot = false;
    while i < chars.len() {
        let c = chars[i];
        let token = if c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == '"' {
                    if chars.get(i + 1) == Some(&'"') {
                        s.push('"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(chars[i]);
                i += 1;
            }
            Some(s)
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                s.extend(chars[i].to_lowercase());
                i += 1;
            }
            Some(s)
        } else {
            i += 1;
            if c == '.' && previous.is_some() {
                dot = true;
            } else if !c.is_whitespace() || dot {
                // Whitespace between a name and its dot does not occur in printed SQL.
                previous = None;
                dot = false;
            }
            None
        };
        if let Some(t) = token {
            if let (Some(p), true) = (&previous, dot) {
                found.qualified.push((p.clone(), t.clone()));
            }
            found.identifiers.push(t.clone());
            previous = Some(t);
            dot = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qualified(text: &str) -> Vec<(String, String)> {
        let mut f = Found::default();
        scan(text, &mut f);
        f.qualified
    }

    #[test]
    fn qualified_names_bare_quoted_and_in_literals() {
        assert_eq!(
            qualified("nextval('public.users_id_seq'::regclass)"),
            vec![("public".into(), "users_id_seq".into())]
        );
        assert_eq!(
            qualified(r#"SELECT u.id FROM "App"."User ""x""" u JOIN app.orders o ON true"#),
            vec![
                ("u".into(), "id".into()),
                ("App".into(), "User \"x\"".into()),
                ("app".into(), "orders".into())
            ]
        );
        assert_eq!(qualified("a . b"), vec![]);
        assert_eq!(qualified("1.5 + x"), vec![]);
        assert_eq!(
            qualified("public.mood[]"),
            vec![("public".into(), "mood".into())]
        );
    }

    #[test]
    fn identifiers_fold_unquoted_case() {
        let mut f = Found::default();
        scan(r#"lower(Email) "Name""#, &mut f);
        assert_eq!(f.identifiers, vec!["lower", "email", "Name"]);
    }
}
