//! Traefik v1 frontend rules: parser, matcher, priorities, route table and conflicts, basic auth.
#![forbid(unsafe_code)]
