//! The parser's C entry point, called directly for the error position.
//!
//! `pg_query::parse` keeps only the message of a syntax error and also builds table and function
//! summaries of the whole tree, which the linter does not use. Calling libpg_query (linked by the
//! `pg_query` crate) directly gives the error's cursor position and skips that extra pass; the
//! protobuf tree is decoded into `pg_query`'s own types.

use pg_query::protobuf;
use prost::Message;
use std::ffi::{c_char, c_int, CStr, CString};

#[repr(C)]
struct PgQueryError {
    message: *mut c_char,
    funcname: *mut c_char,
    filename: *mut c_char,
    lineno: c_int,
    cursorpos: c_int,
    context: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobuf {
    len: usize,
    data: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobufParseResult {
    parse_tree: PgQueryProtobuf,
    stderr_buffer: *mut c_char,
    error: *mut PgQueryError,
}

extern "C" {
    fn pg_query_parse_protobuf(input: *const c_char) -> PgQueryProtobufParseResult;
    fn pg_query_free_protobuf_parse_result(result: PgQueryProtobufParseResult);
}

/// A statement the parser rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The parser's message (`syntax error at or near "x"`).
    pub message: String,
    /// Byte offset of the error in the input, when the parser gave one.
    pub offset: Option<usize>,
}

/// Parses `sql` (which must not contain NUL bytes) into raw statements.
pub fn parse(sql: &str) -> Result<protobuf::ParseResult, ParseError> {
    let input = CString::new(sql).map_err(|e| ParseError {
        message: "the text contains a NUL byte".into(),
        offset: Some(e.nul_position()),
    })?;
    // SAFETY: `input` is a valid NUL-terminated string that outlives the call; the result is
    // read before it is freed, exactly once, by the library's own free function.
    unsafe {
        let result = pg_query_parse_protobuf(input.as_ptr());
        let outcome = if !result.error.is_null() {
            let error = &*result.error;
            let message = CStr::from_ptr(error.message).to_string_lossy().into_owned();
            // The cursor counts characters from 1; 0 means "no position".
            let offset = usize::try_from(error.cursorpos)
                .ok()
                .filter(|&c| c > 0)
                .map(|c| char_to_byte(sql, c - 1));
            Err(ParseError { message, offset })
        } else {
            let data = std::slice::from_raw_parts(
                result.parse_tree.data as *const u8,
                result.parse_tree.len,
            );
            protobuf::ParseResult::decode(data).map_err(|e| ParseError {
                message: format!("cannot decode the parse tree: {e}"),
                offset: None,
            })
        };
        pg_query_free_protobuf_parse_result(result);
        outcome
    }
}

/// The byte offset of the `chars`-th character (clamped to the end).
fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(text.len())
}
