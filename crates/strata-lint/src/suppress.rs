//! Suppression comments: `-- strata:ignore <rule-id>` on the lines before a statement, and
//! `-- strata:ignore-file <rule-id>` anywhere between statements.

use crate::parse::Item;
use crate::text::line_comments;
use std::collections::{HashMap, HashSet};

/// The rule ids each statement (by item index) and the whole file ignore.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    /// Ignored in the whole file.
    pub file: HashSet<String>,
    /// Ignored for one statement.
    pub statements: HashMap<usize, HashSet<String>>,
}

impl Suppressions {
    /// Whether `rule` is ignored for the statement `item` (or the file).
    pub fn ignores(&self, rule: &str, item: Option<usize>) -> bool {
        self.file.contains(rule)
            || item
                .and_then(|i| self.statements.get(&i))
                .is_some_and(|s| s.contains(rule))
    }
}

/// Reads the comments between statements. A comment before statement `i` (after the previous
/// one ends) applies to statement `i`.
pub(crate) fn collect(sql: &str, items: &[Item]) -> Suppressions {
    let mut s = Suppressions::default();
    let mut prev_end = 0;
    for (i, item) in items.iter().enumerate() {
        let region_end = item.span.start.max(prev_end);
        read(sql, prev_end, region_end, Some(i), &mut s);
        prev_end = item.span.end.max(prev_end);
    }
    read(sql, prev_end, sql.len(), None, &mut s);
    s
}

fn read(sql: &str, from: usize, to: usize, item: Option<usize>, s: &mut Suppressions) {
    if from >= to || !sql[from..to].to_ascii_lowercase().contains("strata:ignore") {
        return;
    }
    for comment in line_comments(sql, from, to) {
        let comment = comment.trim_start();
        let Some(rest) = strip_prefix_ignore_case(comment, "strata:ignore") else {
            continue;
        };
        let (file, rest) = match strip_prefix_ignore_case(rest, "-file") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if !rest.starts_with(|c: char| c.is_whitespace()) {
            continue;
        }
        // Ids, separated by spaces or commas; `--` starts a reason.
        let ids = rest.split("--").next().unwrap_or_default();
        for id in ids
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|i| !i.is_empty())
        {
            let id = id.to_ascii_lowercase();
            match (file, item) {
                (true, _) => {
                    s.file.insert(id);
                }
                (false, Some(i)) => {
                    s.statements.entry(i).or_default().insert(id);
                }
                (false, None) => {}
            }
        }
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}
