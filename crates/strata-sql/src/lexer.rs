//! The shared tokenizer behind splitting and directives.
