//! Generators of synthetic compose projects for the benchmarks.
#![forbid(unsafe_code)]
