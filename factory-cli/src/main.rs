//! The `factory` command.
#![forbid(unsafe_code)]

fn main() {}
