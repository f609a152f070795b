//! Building the SQL text the driver sends, and mapping the server's error positions back.

use strata_core::{DriverError, DriverErrorKind};

/// Quotes an identifier: `"a""b"`. Every identifier strata writes goes through this.
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A string literal that means the same whatever `standard_conforming_strings` says (a
/// migration may change it): an `E'...'` string with quotes and backslashes escaped.
///
/// PostgreSQL text cannot hold NUL, so a value with one is refused rather than truncated.
pub(crate) fn literal(value: &str) -> Result<String, DriverError> {
    if value.contains('\0') {
        return Err(DriverError::new(
            DriverErrorKind::Other,
            "a value contains a NUL character, which PostgreSQL text cannot store",
        ));
    }
    let mut out = String::with_capacity(value.len() + 3);
    out.push_str("E'");
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    Ok(out)
}

/// [`literal`] or `NULL`.
pub(crate) fn opt_literal(value: Option<&str>) -> Result<String, DriverError> {
    value.map_or(Ok("NULL".to_string()), literal)
}

/// Several statements joined into one simple-protocol query, remembering where each starts so
/// a position the server reports in the whole text maps back to one statement.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub sql: String,
    /// Characters so far (PostgreSQL positions count characters, not bytes).
    chars: usize,
    /// Commands before the first user statement (`BEGIN`, `SET LOCAL`), each of which completes
    /// with its own `CommandComplete`.
    pub prefix_commands: usize,
    /// For each user statement: byte start in `sql`, char start, char length.
    statements: Vec<(usize, usize, usize)>,
    /// Char offset where strata's own text after the statements starts.
    suffix_start: Option<usize>,
}

impl Batch {
    /// Appends a command of strata's own before the user's statements.
    pub fn prefix(&mut self, command: &str) {
        debug_assert!(self.statements.is_empty());
        self.raw(command);
        self.raw(";\n");
        self.prefix_commands += 1;
    }

    /// Appends one user statement (its index is its order of appending).
    pub fn statement(&mut self, text: &str) {
        let chars = text.chars().count();
        self.statements.push((self.sql.len(), self.chars, chars));
        self.sql.push_str(text);
        self.chars += chars;
        // A newline first: the statement may end in a line comment.
        self.raw("\n;\n");
    }

    /// Appends strata's own text after the user's statements.
    pub fn suffix(&mut self, command: &str) {
        self.suffix_start.get_or_insert(self.chars);
        self.raw(command);
        self.raw(";\n");
    }

    fn raw(&mut self, text: &str) {
        self.sql.push_str(text);
        self.chars += text.chars().count();
    }

    /// Maps a 1-based character position in the whole text to (statement index, byte offset in
    /// that statement). A position in strata's own suffix maps to index [`Batch::len`], one in
    /// the prefix to `None`.
    pub fn locate(&self, position: u32) -> Option<(usize, usize)> {
        let c = (position as usize).checked_sub(1)?;
        if self.suffix_start.is_some_and(|s| c >= s) {
            return Some((self.statements.len(), 0));
        }
        let i = self.statements.partition_point(|&(_, start, _)| start <= c);
        let (byte_start, char_start, len) = *self.statements.get(i.checked_sub(1)?)?;
        // In the separator after a statement: point at its end.
        let c = c.min(char_start + len);
        let text = &self.sql[byte_start..];
        let offset = text
            .char_indices()
            .nth(c - char_start)
            .map_or(text.len(), |(b, _)| b);
        Some((i - 1, offset))
    }
}

/// The byte offset of a 1-based character position in `text` (clamped to its end).
pub(crate) fn char_to_byte(text: &str, position: u32) -> usize {
    let c = (position as usize).saturating_sub(1);
    text.char_indices().nth(c).map_or(text.len(), |(b, _)| b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_always_quoted() {
        assert_eq!(ident("public"), "\"public\"");
        assert_eq!(ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(ident("Mixed Case"), "\"Mixed Case\"");
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal("it's").unwrap(), "E'it''s'");
        assert_eq!(literal(r"C:\dir\").unwrap(), r"E'C:\\dir\\'");
        assert_eq!(literal("é$$x").unwrap(), "E'é$$x'");
        assert!(literal("a\0b").is_err());
        assert_eq!(opt_literal(None).unwrap(), "NULL");
    }

    #[test]
    fn positions_map_to_statements() {
        let mut b = Batch::default();
        b.prefix("BEGIN");
        b.statement("SELECT 'é'");
        b.statement("SELEC 2");
        b.suffix("INSERT INTO h VALUES (1)");
        b.suffix("COMMIT");
        assert_eq!(b.prefix_commands, 1);
        let pos = |needle: &str| b.sql[..b.sql.find(needle).unwrap()].chars().count() as u32 + 1;
        assert_eq!(b.locate(pos("SELECT 'é'")), Some((0, 0)));
        assert_eq!(b.locate(pos("'é'")), Some((0, 7)));
        assert_eq!(b.locate(pos("SELEC 2")), Some((1, 0)));
        assert_eq!(b.locate(pos("2\n")), Some((1, 6)));
        assert_eq!(b.locate(pos("INSERT")), Some((2, 0)));
        assert_eq!(b.locate(pos("BEGIN")), None);
        assert_eq!(b.locate(0), None);
    }

    #[test]
    fn char_positions_become_byte_offsets() {
        assert_eq!(char_to_byte("SELECT 'é' x", 12), 12);
        assert_eq!(char_to_byte("abc", 1), 0);
        assert_eq!(char_to_byte("abc", 99), 3);
    }
}
