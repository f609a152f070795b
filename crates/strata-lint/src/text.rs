//! Byte-level scanning of SQL text: statement boundaries for parallel parsing, trivia (whitespace
//! and comments) around statements, and identifier tokens.
//!
//! This never decides what a statement means; the PostgreSQL parser does. It only finds where
//! the file may be cut into chunks (after a `;` outside quotes, comments and parentheses), and
//! a wrong cut is harmless: the parser then rejects the chunk and it is parsed again whole.

/// Offsets just after the `;` that end a chunk of at least `target` bytes; the last chunk ends
/// at the end of the text. Stops cutting at an unterminated quote or comment.
pub(crate) fn chunk_ends(sql: &str, target: usize) -> Vec<usize> {
    let (mut ends, _) = cuts(sql, target, true);
    if ends.last().is_none_or(|&e| e < sql.len()) {
        ends.push(sql.len());
    }
    ends
}

/// The offsets of the first token of each statement of the text, cutting after every `;`
/// outside quotes and comments (parentheses are not counted, so a `;` the scanner wrongly
/// takes for nested only makes more pieces); `None` when an unterminated quote or comment
/// stops the scan. A statement may start at any of these offsets, never elsewhere.
pub(crate) fn statement_starts(sql: &str) -> Option<Vec<usize>> {
    let (ends, complete) = cuts(sql, 1, false);
    if !complete {
        return None;
    }
    let starts = std::iter::once(0)
        .chain(ends)
        .map(|s| skip_trivia(sql, s, sql.len()))
        .filter(|&s| s < sql.len())
        .collect();
    Some(starts)
}

/// Offsets just after the `;` that end a piece of at least `target` bytes (with `parens`, only
/// outside parentheses), and whether the scan reached the end of the text (`false`: stopped at
/// an unterminated quote or comment).
fn cuts(sql: &str, target: usize, parens: bool) -> (Vec<usize>, bool) {
    let b = sql.as_bytes();
    let mut ends = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' => {
                let escapes =
                    i > 0 && matches!(b[i - 1], b'e' | b'E') && (i < 2 || !is_ident_byte(b[i - 2]));
                match skip_quoted(b, i, b'\'', escapes) {
                    Some(next) => i = next,
                    None => break,
                }
                continue;
            }
            b'"' => {
                match skip_quoted(b, i, b'"', false) {
                    Some(next) => i = next,
                    None => break,
                }
                continue;
            }
            b'$' if i == 0 || !is_ident_byte(b[i - 1]) => {
                if let Some(tag_end) = dollar_tag_end(b, i) {
                    let tag = &b[i..=tag_end];
                    match find(b, tag_end + 1, tag) {
                        Some(close) => i = close + tag.len(),
                        None => break,
                    }
                    continue;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = find(b, i, b"\n").map_or(b.len(), |n| n + 1);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                match skip_block_comment(b, i) {
                    Some(next) => i = next,
                    None => break,
                }
                continue;
            }
            b'(' if parens => depth += 1,
            b')' if parens => depth = depth.saturating_sub(1),
            b';' if depth == 0 && i + 1 - start >= target => {
                ends.push(i + 1);
                start = i + 1;
            }
            c if is_ident_byte(c) => {
                while i < b.len() && is_ident_byte(b[i]) {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (ends, i >= b.len())
}

/// Skips whitespace and comments from `from`; returns the offset of the next token (or `to`).
pub(crate) fn skip_trivia(sql: &str, from: usize, to: usize) -> usize {
    let b = sql.as_bytes();
    let mut i = from;
    while i < to {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = find(b, i, b"\n").map_or(to, |n| n + 1).min(to);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match skip_block_comment(b, i) {
                Some(next) => i = next.min(to),
                None => return to,
            },
            _ => return i,
        }
    }
    to
}

/// The end of the last token in `from..to` (trailing whitespace and comments excluded).
pub(crate) fn content_end(sql: &str, from: usize, to: usize) -> usize {
    let b = sql.as_bytes();
    let mut end = from;
    let mut i = from;
    while i < to {
        let next = skip_trivia(sql, i, to);
        if next >= to {
            break;
        }
        i = next;
        let token_end = match b[i] {
            b'\'' => skip_quoted(b, i, b'\'', false),
            b'"' => skip_quoted(b, i, b'"', false),
            b'$' => {
                dollar_tag_end(b, i).and_then(|e| find(b, e + 1, &b[i..=e]).map(|c| c + e + 1 - i))
            }
            c if is_ident_byte(c) => {
                let mut j = i;
                while j < to && is_ident_byte(b[j]) {
                    j += 1;
                }
                Some(j)
            }
            _ => Some(i + 1),
        };
        i = token_end.unwrap_or(to).min(to);
        end = i;
    }
    end
}

/// The line comments (`--` to the end of the line, without the dashes) in a stretch of text that
/// holds only whitespace, comments and `;`.
pub(crate) fn line_comments(sql: &str, from: usize, to: usize) -> Vec<&str> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let end = find(b, i, b"\n").unwrap_or(to).min(to);
                out.push(&sql[i + 2..end]);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match skip_block_comment(b, i) {
                Some(next) => i = next,
                None => break,
            },
            _ => i += 1,
        }
    }
    out
}

/// The identifier token at `at` and its length in bytes as PostgreSQL counts it (a quoted
/// identifier without its quotes, `""` counted once).
pub(crate) fn identifier_at(sql: &str, at: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let b = sql.as_bytes();
    match *b.get(at)? {
        b'"' => {
            let end = skip_quoted(b, at, b'"', false)?;
            let inner = &sql[at + 1..end - 1];
            Some((at..end, inner.len() - inner.matches("\"\"").count()))
        }
        c if is_ident_byte(c) => {
            let mut j = at;
            while j < b.len() && is_ident_byte(b[j]) {
                j += 1;
            }
            Some((at..j, j - at))
        }
        _ => None,
    }
}

/// The end of the clause starting at `at`: the next `,` or unmatched `)` outside quotes and
/// parentheses, or `limit`; trailing whitespace excluded.
pub(crate) fn clause_end(sql: &str, at: usize, limit: usize) -> usize {
    let b = sql.as_bytes();
    let mut depth = 0usize;
    let mut i = at;
    while i < limit {
        match b[i] {
            b'\'' => {
                i = skip_quoted(b, i, b'\'', false).unwrap_or(limit);
                continue;
            }
            b'"' => {
                i = skip_quoted(b, i, b'"', false).unwrap_or(limit);
                continue;
            }
            b'$' if dollar_tag_end(b, i).is_some() => {
                let e = dollar_tag_end(b, i).unwrap_or(i);
                i = find(b, e + 1, &b[i..=e]).map_or(limit, |c| c + e + 1 - i);
                continue;
            }
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            b',' if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    let i = i.min(limit);
    at + sql[at..i].trim_end().len()
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// From an opening quote at `at`, the offset after the closing one (a doubled quote does not
/// close; with `escapes`, neither does a backslash-escaped one).
fn skip_quoted(b: &[u8], at: usize, quote: u8, escapes: bool) -> Option<usize> {
    let mut i = at + 1;
    while i < b.len() {
        let c = b[i];
        if escapes && c == b'\\' {
            i += 2;
            continue;
        }
        if c == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The offset of the closing `$` of a dollar-quote tag starting at `at` (`$$`, `$fn$`).
fn dollar_tag_end(b: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    if b.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
        i += 1;
    }
    (b.get(i) == Some(&b'$')).then_some(i)
}

/// From `/*` at `at`, the offset after the matching `*/` (comments nest in PostgreSQL).
fn skip_block_comment(b: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    while i + 1 < b.len() {
        if b[i] == b'/' && b[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.len() == 1 {
        return b[from..]
            .iter()
            .position(|&c| c == needle[0])
            .map(|p| p + from);
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_after_top_level_semicolons() {
        let sql = "select ';'; select $x$ ; $x$; /* ; /* ; */ ; */ select (1;2); select \"a;\";";
        let ends = chunk_ends(sql, 1);
        let texts: Vec<&str> = {
            let mut start = 0;
            ends.iter()
                .map(|&e| {
                    let t = &sql[start..e];
                    start = e;
                    t.trim()
                })
                .collect()
        };
        assert_eq!(
            texts,
            [
                "select ';';",
                "select $x$ ; $x$;",
                "/* ; /* ; */ ; */ select (1;2);",
                "select \"a;\";"
            ]
        );
    }

    #[test]
    fn statement_starts_skip_bodies_and_ignore_parentheses() {
        let sql = "-- c\nBEGIN; CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql; select (1; COMMIT;";
        let words: Vec<&str> = statement_starts(sql)
            .unwrap()
            .into_iter()
            .map(|at| &sql[identifier_at(sql, at).unwrap().0])
            .collect();
        assert_eq!(words, ["BEGIN", "CREATE", "select", "COMMIT"]);
        assert_eq!(statement_starts("select 'x; COMMIT;"), None);
    }

    #[test]
    fn escape_strings_and_params() {
        let sql = "select E'\\';' ; select $1; select 'it''s;'; x";
        assert_eq!(chunk_ends(sql, 1), [15, 26, 43, sql.len()]);
    }

    #[test]
    fn trivia_and_content() {
        let sql = "  -- a\n /* b /* c */ */ select 1 -- tail\n  ";
        let start = skip_trivia(sql, 0, sql.len());
        assert_eq!(&sql[start..start + 6], "select");
        assert_eq!(&sql[start..content_end(sql, start, sql.len())], "select 1");
        assert_eq!(line_comments(sql, 0, start), [" a"]);
    }

    #[test]
    fn identifiers() {
        let sql = "x \"a\"\"b\" abc";
        assert_eq!(identifier_at(sql, 2), Some((2..8, 3)));
        assert_eq!(identifier_at(sql, 9), Some((9..12, 3)));
    }
}
