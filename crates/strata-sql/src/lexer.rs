//! The shared tokenizer behind splitting and directives.
//!
//! It knows only what splitting needs: where strings, quoted identifiers, dollar quotes and
//! comments start and end in each dialect, and words, parentheses and semicolons. It never fails:
//! an unterminated token runs to the end of the text and says so, and each caller decides whether
//! that is an error. It works on bytes (every delimiter is ASCII) so it stays linear and fast.

use crate::Dialect;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Spaces, tabs, line breaks (and a byte-order mark at the very start).
    Whitespace,
    /// `-- ...` (and MySQL `# ...`), without the line break.
    LineComment,
    /// `/* ... */`.
    BlockComment,
    /// MySQL `/*! ... */` and MariaDB `/*M! ... */`: a comment elsewhere, but SQL that MySQL
    /// runs, so it counts as part of a statement.
    ConditionalComment,
    /// `'...'`, PostgreSQL `E'...'`, MySQL `"..."`.
    String,
    /// `"..."`, MySQL and SQLite `` `...` ``, SQLite `[...]`.
    QuotedIdent,
    /// PostgreSQL `$$...$$` or `$tag$...$tag$`.
    DollarString,
    /// A keyword or an unquoted identifier.
    Word,
    /// A numeric literal (loosely: digits followed by identifier characters and dots).
    Number,
    /// `;`
    Semicolon,
    /// `(`
    OpenParen,
    /// `)`
    CloseParen,
    /// Any other single character.
    Other,
}

/// One token: its kind and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// False when a string, identifier, dollar quote or comment runs to the end of the text.
    pub terminated: bool,
}

impl Token {
    /// Whitespace and comments: not part of any statement.
    pub(crate) fn is_trivia(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
        )
    }

    /// The token's text.
    pub(crate) fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    /// True when the token is the word `keyword` (ASCII case-insensitive).
    pub(crate) fn is_word(&self, src: &str, keyword: &str) -> bool {
        self.kind == TokenKind::Word && self.text(src).eq_ignore_ascii_case(keyword)
    }

    /// For an unterminated token, what it is, as said in errors.
    pub(crate) fn unterminated_what(&self, src: &str) -> Option<String> {
        if self.terminated {
            return None;
        }
        Some(match self.kind {
            TokenKind::String => "string literal".to_string(),
            TokenKind::QuotedIdent => "quoted identifier".to_string(),
            TokenKind::DollarString => {
                let text = self.text(src);
                let close = text[1..].find('$').map_or(text.len(), |i| i + 2);
                format!("dollar-quoted string {}", &text[..close])
            }
            TokenKind::BlockComment | TokenKind::ConditionalComment => "block comment".to_string(),
            _ => "token".to_string(),
        })
    }
}

/// Tokens of a text in one dialect.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    dialect: Dialect,
    /// Skip whitespace instead of yielding it.
    skip_whitespace: bool,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str, dialect: Dialect) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            dialect,
            skip_whitespace: false,
        }
    }

    /// The same tokens without the whitespace ones (faster when they are not needed).
    pub(crate) fn without_whitespace(mut self) -> Lexer<'a> {
        self.skip_whitespace = true;
        self
    }

    fn peek(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// Scans one token starting at `self.pos`; returns its kind, end and whether it is closed.
    fn scan_token(&self) -> (TokenKind, usize, bool) {
        let start = self.pos;
        let b = self.bytes[start];
        let next = self.peek(start + 1);
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                (TokenKind::Whitespace, self.run_end(start, is_space), true)
            }
            0xEF if start == 0 && self.src.starts_with('\u{feff}') => {
                (TokenKind::Whitespace, 3, true)
            }
            b'-' if next == Some(b'-') && self.dash_comment_starts(start) => {
                (TokenKind::LineComment, self.line_end(start), true)
            }
            b'#' if self.dialect == Dialect::MySql => {
                (TokenKind::LineComment, self.line_end(start), true)
            }
            b'/' if next == Some(b'*') => self.block_comment(start),
            b'\'' => {
                let backslashes = self.dialect == Dialect::MySql;
                let (end, ok) = self.quoted(start + 1, b'\'', backslashes);
                (TokenKind::String, end, ok)
            }
            b'"' if self.dialect == Dialect::MySql => {
                let (end, ok) = self.quoted(start + 1, b'"', true);
                (TokenKind::String, end, ok)
            }
            b'"' => {
                let (end, ok) = self.quoted(start + 1, b'"', false);
                (TokenKind::QuotedIdent, end, ok)
            }
            b'`' if self.dialect != Dialect::Postgres => {
                let (end, ok) = self.quoted(start + 1, b'`', false);
                (TokenKind::QuotedIdent, end, ok)
            }
            b'[' if self.dialect == Dialect::Sqlite => {
                match self.bytes[start + 1..].iter().position(|&c| c == b']') {
                    Some(i) => (TokenKind::QuotedIdent, start + 1 + i + 1, true),
                    None => (TokenKind::QuotedIdent, self.bytes.len(), false),
                }
            }
            b'$' if self.dialect == Dialect::Postgres => self.dollar(start),
            b';' => (TokenKind::Semicolon, start + 1, true),
            b'(' => (TokenKind::OpenParen, start + 1, true),
            b')' => (TokenKind::CloseParen, start + 1, true),
            b'0'..=b'9' => {
                let end = self.run_end(start, |c| {
                    c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
                });
                (TokenKind::Number, end, true)
            }
            c if is_ident_start(c) => {
                let end = self.run_end(start, is_ident_continue);
                // PostgreSQL `E'...'`: a string with backslash escapes, prefixed by one letter.
                if self.dialect == Dialect::Postgres
                    && end == start + 1
                    && (c == b'e' || c == b'E')
                    && self.peek(end) == Some(b'\'')
                {
                    let (end, ok) = self.quoted(end + 1, b'\'', true);
                    return (TokenKind::String, end, ok);
                }
                (TokenKind::Word, end, true)
            }
            _ => (TokenKind::Other, start + 1, true),
        }
    }

    fn run_end(&self, start: usize, accept: impl Fn(u8) -> bool) -> usize {
        self.bytes[start..]
            .iter()
            .position(|&c| !accept(c))
            .map_or(self.bytes.len(), |i| start + i)
    }

    fn line_end(&self, start: usize) -> usize {
        self.bytes[start..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.bytes.len(), |i| start + i)
    }

    /// MySQL needs whitespace or a control character after `--` (`1--1` is arithmetic there).
    fn dash_comment_starts(&self, start: usize) -> bool {
        self.dialect != Dialect::MySql || self.peek(start + 2).is_none_or(|c| c <= b' ')
    }

    fn block_comment(&self, start: usize) -> (TokenKind, usize, bool) {
        let kind = if self.dialect == Dialect::MySql
            && (self.bytes[start + 2..].starts_with(b"!")
                || self.bytes[start + 2..].starts_with(b"M!"))
        {
            TokenKind::ConditionalComment
        } else {
            TokenKind::BlockComment
        };
        // PostgreSQL nests block comments; SQLite and MySQL end at the first `*/`.
        let nested = self.dialect == Dialect::Postgres;
        let mut depth = 1usize;
        let mut i = start + 2;
        while i + 1 < self.bytes.len() {
            match (self.bytes[i], self.bytes[i + 1]) {
                (b'*', b'/') => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return (kind, i, true);
                    }
                }
                (b'/', b'*') if nested => {
                    depth += 1;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        (kind, self.bytes.len(), false)
    }

    /// The end of a quoted token whose body starts at `from`: `quote` doubled stands for itself,
    /// and with `backslashes` a backslash escapes the next byte.
    fn quoted(&self, from: usize, quote: u8, backslashes: bool) -> (usize, bool) {
        let mut i = from;
        while i < self.bytes.len() {
            let c = self.bytes[i];
            if c == quote {
                if self.peek(i + 1) == Some(quote) {
                    i += 2;
                    continue;
                }
                return (i + 1, true);
            }
            // A skipped byte may start a multi-byte character; its continuation bytes are never
            // a quote or a backslash, so the scan stays correct.
            i += if backslashes && c == b'\\' { 2 } else { 1 };
        }
        (self.bytes.len(), false)
    }

    /// `$$` or `$tag$` opens a dollar quote; anything else (`$1`) is a lone `$`.
    fn dollar(&self, start: usize) -> (TokenKind, usize, bool) {
        let tag_end = match self.peek(start + 1) {
            Some(b'$') => start + 1,
            Some(c) if is_ident_start(c) => {
                let end = self.run_end(start + 1, |c| is_ident_start(c) || c.is_ascii_digit());
                if self.peek(end) != Some(b'$') {
                    return (TokenKind::Other, start + 1, true);
                }
                end
            }
            _ => return (TokenKind::Other, start + 1, true),
        };
        let delimiter = &self.src[start..=tag_end];
        let body = tag_end + 1;
        match self.src[body..].find(delimiter) {
            Some(i) => (TokenKind::DollarString, body + i + delimiter.len(), true),
            None => (TokenKind::DollarString, self.bytes.len(), false),
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    #[inline]
    fn next(&mut self) -> Option<Token> {
        if self.skip_whitespace {
            if self.pos == 0 && self.src.starts_with('\u{feff}') {
                self.pos = 3;
            }
            while self.pos < self.bytes.len() && is_space(self.bytes[self.pos]) {
                self.pos += 1;
            }
        }
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let (kind, end, terminated) = self.scan_token();
        self.pos = end;
        Some(Token {
            kind,
            start,
            end,
            terminated,
        })
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Letters, `_` and any non-ASCII byte (PostgreSQL, SQLite and MySQL all accept those in
/// identifiers).
fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

/// After the first character identifiers also take digits and `$` (`a$$b` is one identifier in
/// PostgreSQL, not a dollar quote).
fn is_ident_continue(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == b'$'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str, dialect: Dialect) -> Vec<(TokenKind, &str)> {
        Lexer::new(src, dialect)
            .filter(|t| t.kind != TokenKind::Whitespace)
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn tokens_cover_the_text_without_gaps() {
        let src = "SELECT 'a''b', \"x\"\"y\", $$ $ $$, /* c */ 1.5e3 -- end\n;é$1";
        let mut pos = 0;
        for t in Lexer::new(src, Dialect::Postgres) {
            assert_eq!(t.start, pos);
            assert!(t.end > t.start);
            pos = t.end;
        }
        assert_eq!(pos, src.len());
    }

    #[test]
    fn strings_double_their_quote() {
        use TokenKind::*;
        assert_eq!(
            kinds("'it''s' x", Dialect::Sqlite),
            vec![(String, "'it''s'"), (Word, "x")]
        );
        assert_eq!(
            kinds("'a\\' x", Dialect::Postgres),
            vec![(String, "'a\\'"), (Word, "x")]
        );
    }

    #[test]
    fn postgres_escape_strings_take_backslashes() {
        use TokenKind::*;
        assert_eq!(
            kinds("E'a\\'b' x", Dialect::Postgres),
            vec![(String, "E'a\\'b'"), (Word, "x")]
        );
        assert_eq!(
            kinds("e'\\\\' x", Dialect::Postgres),
            vec![(String, "e'\\\\'"), (Word, "x")]
        );
        // A longer word ending in `e` is not a prefix.
        assert_eq!(
            kinds("type'a\\' x", Dialect::Postgres),
            vec![(Word, "type"), (String, "'a\\'"), (Word, "x")]
        );
    }

    #[test]
    fn mysql_strings_take_backslashes_and_double_quotes() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"'a\'b' "c\"d" `e``f`"#, Dialect::MySql),
            vec![
                (String, r"'a\'b'"),
                (String, r#""c\"d""#),
                (QuotedIdent, "`e``f`"),
            ]
        );
    }

    #[test]
    fn sqlite_quotes_identifiers_three_ways() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#""a;b" `c;d` [e;f]"#, Dialect::Sqlite),
            vec![
                (QuotedIdent, r#""a;b""#),
                (QuotedIdent, "`c;d`"),
                (QuotedIdent, "[e;f]"),
            ]
        );
        assert_eq!(kinds("a[1]", Dialect::Postgres)[1], (Other, "["));
    }

    #[test]
    fn comments_by_dialect() {
        use TokenKind::*;
        assert_eq!(
            kinds("# c\nx", Dialect::MySql),
            vec![(LineComment, "# c"), (Word, "x")]
        );
        assert_eq!(kinds("a # b", Dialect::Postgres)[1], (Other, "#"));
        assert_eq!(kinds("1--1", Dialect::MySql).len(), 4);
        assert_eq!(kinds("1--1", Dialect::Postgres)[1], (LineComment, "--1"));
        assert_eq!(kinds("--\nx", Dialect::MySql)[0], (LineComment, "--"));
        assert_eq!(
            kinds("/*!40101 SET x */", Dialect::MySql)[0].0,
            ConditionalComment
        );
        assert_eq!(
            kinds("/*M!100101 SET x */", Dialect::MySql)[0].0,
            ConditionalComment
        );
        assert_eq!(
            kinds("/*!40101 SET x */", Dialect::Postgres)[0].0,
            BlockComment
        );
    }

    #[test]
    fn block_comments_nest_only_in_postgres() {
        use TokenKind::*;
        let src = "/* a /* b */ c */ d";
        assert_eq!(
            kinds(src, Dialect::Postgres),
            vec![(BlockComment, "/* a /* b */ c */"), (Word, "d")]
        );
        assert_eq!(
            kinds(src, Dialect::Sqlite)[0],
            (BlockComment, "/* a /* b */")
        );
        assert_eq!(
            kinds(src, Dialect::MySql)[0],
            (BlockComment, "/* a /* b */")
        );
        // `/*/` does not close what it opens.
        assert_eq!(
            kinds("/*/ x */y", Dialect::Sqlite)[0],
            (BlockComment, "/*/ x */")
        );
    }

    #[test]
    fn dollar_quotes() {
        use TokenKind::*;
        assert_eq!(
            kinds("$$a;'b$$ x", Dialect::Postgres)[0],
            (DollarString, "$$a;'b$$")
        );
        assert_eq!(
            kinds("$fn$ $$ ; $fn$ x", Dialect::Postgres)[0],
            (DollarString, "$fn$ $$ ; $fn$")
        );
        assert_eq!(kinds("$a$ $b$ $a$", Dialect::Postgres).len(), 1);
        assert_eq!(
            kinds("$1 + $2", Dialect::Postgres),
            vec![
                (Other, "$"),
                (Number, "1"),
                (Other, "+"),
                (Other, "$"),
                (Number, "2"),
            ]
        );
        // `$` inside an identifier is part of it.
        assert_eq!(kinds("a$$b", Dialect::Postgres), vec![(Word, "a$$b")]);
        // Tags follow identifier rules: `$1a$` is not a tag.
        assert_eq!(kinds("$1a$", Dialect::Postgres)[0], (Other, "$"));
        assert_eq!(
            kinds("$é$ x $é$", Dialect::Postgres)[0],
            (DollarString, "$é$ x $é$")
        );
        assert_eq!(kinds("$$x$$", Dialect::Sqlite)[0], (Other, "$"));
    }

    #[test]
    fn unterminated_tokens_run_to_the_end() {
        let check = |src: &str, dialect, what: &str| {
            let last = Lexer::new(src, dialect).last().unwrap();
            assert_eq!(last.end, src.len());
            assert_eq!(last.unterminated_what(src).as_deref(), Some(what), "{src}");
        };
        check("x 'abc", Dialect::Postgres, "string literal");
        check("x E'ab\\'", Dialect::Postgres, "string literal");
        check("x \"abc", Dialect::Postgres, "quoted identifier");
        check("x `abc", Dialect::MySql, "quoted identifier");
        check("x [abc", Dialect::Sqlite, "quoted identifier");
        check(
            "x $fn$ body $$",
            Dialect::Postgres,
            "dollar-quoted string $fn$",
        );
        check("x $$ body", Dialect::Postgres, "dollar-quoted string $$");
        check("x /* /* */", Dialect::Postgres, "block comment");
        check("x /*", Dialect::Sqlite, "block comment");
        assert!(Lexer::new("x -- c", Dialect::Postgres).all(|t| t.terminated));
    }

    #[test]
    fn without_whitespace_yields_the_other_tokens() {
        let src = "\u{feff} a  'b' -- c\n\t/* d */ ;\n";
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            let all: Vec<Token> = Lexer::new(src, d)
                .filter(|t| t.kind != TokenKind::Whitespace)
                .collect();
            let fast: Vec<Token> = Lexer::new(src, d).without_whitespace().collect();
            assert_eq!(all, fast);
            assert_eq!(fast.len(), 5);
        }
    }

    #[test]
    fn byte_order_mark_is_whitespace() {
        let src = "\u{feff}SELECT";
        let first = Lexer::new(src, Dialect::Sqlite).next().unwrap();
        assert_eq!((first.kind, first.end), (TokenKind::Whitespace, 3));
    }
}
