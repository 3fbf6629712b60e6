use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a `.env` line Compose cannot parse, at its line and column: an unterminated quote,
    /// a key with a blank in it, a broken `${` in a value. Also a file whose
    /// substitutions would add more than 16 bytes per byte of the file (at least 1 MiB): a
    /// variable redefined from itself line after line (`A=$A$A`) doubles each time, and factory
    /// stops reading the file there instead of exhausting memory. The `env_file`s and
    /// `label_file`s of all the services also share one such budget (16 bytes per byte of the
    /// project's files, at least 16 MiB), so that a file read by many services cannot multiply
    /// it. Likewise a `.env`, `env_file`
    /// or `label_file` is read up to 100 000 variables: the rest of a longer file is not read,
    /// and FE004 says so at the first line left.
    ///
    /// ## Why is this bad?
    /// Compose refuses to start the project (`failed to read .env`), in development and in CI.
    ///
    /// ## Example
    /// ```yaml
    /// # .env
    /// API_KEY="abc
    /// MY VAR=1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # .env
    /// API_KEY=abc
    /// MY_VAR=1
    /// ```
    pub(crate) struct InvalidDotenv {
        code: "FE004",
        name: "invalid-dotenv",
        severity: Error,
        summary: "`.env` syntax error (line:column)",
    }
}
reported_elsewhere!(InvalidDotenv);
