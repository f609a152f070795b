//! Byte offsets to 1-based line and column.

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// The line and column of byte `offset` in `text` (clamped to the text's end).
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = text[line_start..offset].chars().count() + 1;
    LineCol { line, column }
}

/// Line and column of increasing offsets in one pass: each call continues from the previous one,
/// so positioning every statement of a large script stays linear.
pub(crate) struct Tracker<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> Tracker<'a> {
    pub(crate) fn new(text: &'a str) -> Tracker<'a> {
        Tracker {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// The position of `offset`, which must not be before the previous call's offset (an
    /// earlier offset falls back to a scan from the start).
    pub(crate) fn at(&mut self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            *self = Tracker {
                text: self.text,
                offset: 0,
                line: 1,
                column: 1,
            };
        }
        let skipped = &self.text[self.offset..offset];
        // A UTF-8 continuation byte does not start a character: count the others.
        let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        match skipped.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += skipped.iter().filter(|&&b| b == b'\n').count();
                self.column = 1 + chars(&skipped[last + 1..]);
            }
            None => self.column += chars(skipped),
        }
        self.offset = offset;
        LineCol {
            line: self.line,
            column: self.column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(t, 3), LineCol { line: 2, column: 1 });
        assert_eq!(line_col(t, 7), LineCol { line: 2, column: 4 });
        assert_eq!(line_col(t, 100), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn tracker_agrees_with_line_col() {
        let t = "ab\ncdé\r\n\nfgh";
        let mut tracker = Tracker::new(t);
        for offset in (0..=t.len()).filter(|&o| t.is_char_boundary(o)) {
            assert_eq!(tracker.at(offset), line_col(t, offset), "offset {offset}");
        }
        assert_eq!(tracker.at(1), line_col(t, 1));
    }
}
