use std::ops::Range;

use crate::diagnostic::Diagnostics;
use crate::locate::in_scalar;
use crate::model::CommandValue;
use crate::rules::{
    Context, Rule, contains_ignore_case, declare_rule, ends_with_ignore_case, registry,
    starts_with_ignore_case,
};
use crate::yaml::scalar_text;

declare_rule! {
    /// ## What it does
    /// Reports a service configured to send mail through the SMTP ports 25, 465 or 587: an
    /// `environment` value or a `command` naming `host:25`, `host:465` or `host:587`, or a mail
    /// port variable (`SMTP_PORT`, `SMTP_*_PORT`, `*_SMTP_PORT`, `EMAIL_PORT`, `MAIL_PORT`) set
    /// to one of them. An address a server listens on (`0.0.0.0:25`, `[::]:587`) or the
    /// container itself (`localhost:25`) is no relay and is not reported.
    ///
    /// ## Why is this bad?
    /// Containers on the platform cannot send mail directly: outgoing ports 25, 465 and 587 are
    /// blocked, so the connection hangs or fails in production only. The platform provides an
    /// authenticated mail service through `MAILS_DOMAIN`, `MAILS_PORT`, `MAILS_USER` and
    /// `MAILS_TOKEN`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       SMTP_HOST: smtp.example.com
    ///       SMTP_PORT: "587"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       SMTP_HOST: ${MAILS_DOMAIN}
    ///       SMTP_PORT: ${MAILS_PORT}
    ///       SMTP_USER: ${MAILS_USER}
    ///       SMTP_PASSWORD: ${MAILS_TOKEN}
    /// ```
    pub(crate) struct BlockedMailPort {
        code: "FM004",
        name: "blocked-mail-port",
        severity: Warning,
        summary: "a service is configured to send mail through port 25/465/587 (an environment value or command naming `:25`, `:465`, `:587` or an `SMTP*_PORT` of those; blocked — use `MAILS_*`)",
    }
}

const BLOCKED: [&str; 3] = ["25", "465", "587"];

const HELP: &str = "send mail through the platform's service: `MAILS_DOMAIN`, `MAILS_PORT`, `MAILS_USER` and `MAILS_TOKEN` are in the environment it generates";

/// Whether an environment variable name is a mail server port.
pub(crate) fn is_mail_port_name(name: &str) -> bool {
    // `name.to_ascii_uppercase()` compared with upper-case ASCII, without the allocation.
    let is = |w: &str| name.eq_ignore_ascii_case(w);
    if is("MAILS_PORT") {
        return false;
    }
    let ends_port = ends_with_ignore_case(name, "PORT");
    (ends_port && (starts_with_ignore_case(name, "SMTP") || contains_ignore_case(name, "_SMTP")))
        || is("EMAIL_PORT")
        || is("MAIL_PORT")
        || ends_with_ignore_case(name, "_EMAIL_PORT")
        || ends_with_ignore_case(name, "_MAIL_PORT")
}

/// The `:25` / `:465` / `:587` after a host name in `text` (the range covers `:port`).
pub(crate) fn host_port(text: &str) -> Option<(Range<usize>, &str)> {
    // `:` is ASCII: its byte offsets are char boundaries.
    for (i, _) in text.bytes().enumerate().filter(|&(_, b)| b == b':') {
        let after = &text[i + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let port = &after[..digits];
        if !BLOCKED.contains(&port) {
            continue;
        }
        let host_start = text[..i]
            .rfind(|c: char| c.is_whitespace() || "/@=\"'(,;".contains(c))
            .map_or(0, |p| p + 1);
        let host = &text[host_start..i];
        let hostlike = !host.is_empty()
            && (host.bytes().any(|b| b.is_ascii_alphabetic()) || host.contains(['.', '}', ']']));
        // An address to listen on, or the container itself: no mail leaves through it.
        let local = matches!(
            host.to_ascii_lowercase().as_str(),
            "0.0.0.0" | "127.0.0.1" | "localhost" | "[::]" | "[::1]" | "*"
        );
        if hostlike && !local {
            return Some((i..i + 1 + digits, port));
        }
    }
    None
}

impl Rule for BlockedMailPort {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            let name = svc.name(&cx.project.tree);
            for kv in svc.env_entries(cx.project) {
                let Some(value) = kv.value(tree) else {
                    continue;
                };
                if BLOCKED.contains(&value.trim()) && is_mail_port_name(kv.key(tree)) {
                    let key = kv.key(tree);
                    out.push(
                        registry::diagnostic(
                            "FM004",
                            format!(
                                "service `{name}` sends mail through port {} (`{key}`), which the platform blocks",
                                value.trim()
                            ),
                        )
                        .at_inherited(kv.value_at(tree), kv.via(tree))
                        .with_help(HELP),
                    );
                    continue;
                }
                let Some(text) = scalar_text(tree, kv.node) else {
                    continue;
                };
                if let Some((range, port)) = host_port(text) {
                    let key = kv.key(tree);
                    let at = match kv.via(tree) {
                        Some(via) => via,
                        None => in_scalar(tree, cx.sources, kv.node, range),
                    };
                    out.push(
                        registry::diagnostic(
                            "FM004",
                            format!(
                                "service `{name}` connects to port {port} in `{key}`, which the platform blocks for mail"
                            ),
                        )
                        .at(at)
                        .with_inherited_from(kv.via(tree).map(|_| kv.value_at(tree)))
                        .with_help(HELP),
                    );
                }
            }
            for (key, value) in [
                ("command", svc.command(tree)),
                ("entrypoint", svc.entrypoint(tree)),
            ] {
                let Some(value) = value else { continue };
                let hit = match &value.value {
                    CommandValue::Shell(_) => svc.entry(&cx.project.tree, key).and_then(|e| {
                        let text = scalar_text(tree, e.value)?;
                        let (range, port) = host_port(text)?;
                        let at = if value.via.is_some() {
                            value.primary()
                        } else {
                            in_scalar(tree, cx.sources, e.value, range)
                        };
                        Some((at, port.to_owned()))
                    }),
                    CommandValue::Exec(items) => items.iter().find_map(|item| {
                        let (_, port) = host_port(&item.value)?;
                        Some((item.primary(), port.to_owned()))
                    }),
                    CommandValue::Null => None,
                };
                if let Some((at, port)) = hit {
                    out.push(
                        registry::diagnostic(
                            "FM004",
                            format!(
                                "the `{key}` of service `{name}` connects to port {port}, which the platform blocks for mail"
                            ),
                        )
                        .at(at)
                        .with_help(HELP),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_port_names() {
        for yes in [
            "SMTP_PORT",
            "SMTP_SERVER_PORT",
            "DJANGO_SMTP_PORT",
            "EMAIL_PORT",
            "APP_MAIL_PORT",
            "smtp_port",
        ] {
            assert!(is_mail_port_name(yes), "{yes}");
        }
        for no in ["MAILS_PORT", "PORT", "HTTP_PORT", "SMTP_HOST", "REDIS_PORT"] {
            assert!(!is_mail_port_name(no), "{no}");
        }
    }

    #[test]
    fn host_ports() {
        let hit = |t: &str| host_port(t).map(|(r, p)| (t[r].to_owned(), p.to_owned()));
        assert_eq!(
            hit("smtp://mail.example.com:587"),
            Some((":587".into(), "587".into()))
        );
        assert_eq!(
            hit("smtp.gmail.com:465"),
            Some((":465".into(), "465".into()))
        );
        assert_eq!(
            hit("--relay ${SMTP_HOST}:25 -v"),
            Some((":25".into(), "25".into()))
        );
        assert_eq!(
            hit("smtp://u:p@10.0.0.1:25/"),
            Some((":25".into(), "25".into()))
        );
        for no in [
            "10:25",
            "mail:2525",
            "host:5870",
            "redis:6379",
            "12:465",
            ":587",
        ] {
            assert_eq!(hit(no), None, "{no}");
        }
    }
}
