//! Suppression comments: `-- strata:ignore <rule-id>` on the lines before a statement, and
//! `-- strata:ignore-file <rule-id>` anywhere between statements.

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

impl Suppressions {
    /// Reads the comments between the previous statement (ending at `from`) and statement
    /// `item` (starting at `to`); they apply to that statement.
    pub fn before(&mut self, sql: &str, from: usize, to: usize, item: usize) {
        read(sql, from, to, Some(item), self);
    }

    /// Reads the comments after the last statement (only `ignore-file` counts there).
    pub fn tail(&mut self, sql: &str, from: usize) {
        read(sql, from, sql.len(), None, self);
    }
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
