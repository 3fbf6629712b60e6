//! Where output goes: standard output or `--output FILE`; colour decisions.

use std::io::{IsTerminal, Write};
use std::path::Path;

use factory_compose::report::human::Color;

/// Whether to colour human output written to the terminal.
pub(crate) fn color(no_color: bool, to_file: bool) -> Color {
    let disabled =
        no_color || to_file || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if disabled || !std::io::stdout().is_terminal() {
        Color::Never
    } else {
        Color::Always
    }
}

/// Whether to colour human output written to standard error (diagnostics of a command whose
/// output is something else, such as `factory config`).
pub(crate) fn stderr_color(no_color: bool) -> Color {
    let disabled = no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if disabled || !std::io::stderr().is_terminal() {
        Color::Never
    } else {
        Color::Always
    }
}

/// Write `text` to standard error. A closed or failing standard error (`factory config 2>&1 |
/// true`) loses the message but must not turn the command's exit code into a panic's 101, as
/// `eprint!` would.
pub(crate) fn to_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Write `text` to `output` or standard output.
pub(crate) fn emit(text: &str, output: Option<&Path>) -> Result<(), String> {
    match output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .or_else(|e| {
                    // A closed pipe (`factory lint | head`) is not an error worth a message.
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        Ok(())
                    } else {
                        Err(format!("cannot write standard output: {e}"))
                    }
                })
        }
    }
}
