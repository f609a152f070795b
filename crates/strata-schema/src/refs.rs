//! Finding the objects an expression names.
//!
//! Engines print expressions, view queries and types with every name outside their own catalog
//! schema-qualified (strata's PostgreSQL introspector runs with an empty `search_path` for
//! that), so `schema.name` pairs in the text are the objects used. String literals are searched
//! too: `nextval('public.users_id_seq'::regclass)` names its sequence inside one. A false match
//! only adds an ordering constraint between two objects, never a wrong statement.

use std::borrow::Cow;

/// Identifiers found in texts.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found<'a> {
    /// `(schema, name)` pairs: every `a.b` with `a` and `b` identifiers.
    pub qualified: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Every identifier, qualified or not (unquoted ones folded to lower case), when asked for.
    pub identifiers: Vec<Cow<'a, str>>,
}

impl Found<'_> {
    /// Forgets everything found, keeping the memory.
    pub fn clear(&mut self) {
        self.qualified.clear();
        self.identifiers.clear();
    }
}

/// Scans `text` for qualified names and, with `identifiers`, every identifier.
pub(crate) fn scan<'a>(text: &'a str, found: &mut Found<'a>, identifiers: bool) {
    let bytes = text.as_bytes();
    let mut i = 0;
    // The previous identifier and whether a `.` followed it.
    let mut previous: Option<Cow<'a, str>> = None;
    let mut dot = false;
    while i < bytes.len() {
        let c = text[i..].chars().next().expect("a char boundary");
        let token = if c == '"' {
            // A quoted identifier: up to the closing quote, `""` standing for one quote.
            i += 1;
            let start = i;
            let mut segment = i;
            let mut owned: Option<String> = None;
            let end = loop {
                match bytes.get(i) {
                    None => break i,
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        let o = owned.get_or_insert_with(String::new);
                        o.push_str(&text[segment..i]);
                        o.push('"');
                        i += 2;
                        segment = i;
                    }
                    Some(b'"') => {
                        i += 1;
                        break i - 1;
                    }
                    Some(_) => i += 1,
                }
            };
            Some(match owned {
                Some(mut o) => {
                    o.push_str(&text[segment..end]);
                    Cow::Owned(o)
                }
                None => Cow::Borrowed(&text[start..end]),
            })
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            let mut lower = true;
            for ch in text[i..].chars() {
                if !(ch.is_alphanumeric() || ch == '_' || ch == '$') {
                    break;
                }
                if !(ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' || ch == '$') {
                    lower = false;
                }
                i += ch.len_utf8();
            }
            let word = &text[start..i];
            Some(if lower {
                Cow::Borrowed(word)
            } else {
                Cow::Owned(word.chars().flat_map(char::to_lowercase).collect())
            })
        } else {
            i += c.len_utf8();
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
            if identifiers {
                found.identifiers.push(t.clone());
            }
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
        scan(text, &mut f, false);
        f.qualified
            .into_iter()
            .map(|(a, b)| (a.into_owned(), b.into_owned()))
            .collect()
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
        scan(r#"lower(Email) "Name""#, &mut f, true);
        assert_eq!(f.identifiers, vec!["lower", "email", "Name"]);
    }
}
