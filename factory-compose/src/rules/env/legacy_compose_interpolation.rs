use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::{Location, Span};
use crate::yaml::NodeKind;

declare_rule! {
    /// ## What it does
    /// Reports interpolation syntax that Compose v2 understands but the platform's Compose v1
    /// era did not: the `${VAR:+replacement}` and `${VAR+replacement}` operators, a variable or a
    /// `}` inside a default (`${A:-${B}}`), and a `$` that does not start a variable (`cost: 5$`).
    ///
    /// ## Why is this bad?
    /// The project is checked with Compose v2's rules, which accept these forms; a deployment
    /// that still runs Compose v1 rejects the file (`Invalid interpolation format`) or reads the
    /// value differently (a nested default is kept as written). Information only: check which
    /// Compose your deployment runs.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       SENTRY_ENV: ${SENTRY_ENV:-${CI_ENVIRONMENT_NAME}}
    ///       PRICE: 5$
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       SENTRY_ENV: ${CI_ENVIRONMENT_NAME}
    ///       PRICE: 5$$
    /// ```
    pub(crate) struct LegacyComposeInterpolation {
        code: "FE011",
        name: "legacy-compose-interpolation",
        severity: Info,
        summary: "syntax the platform's Compose v1 era did not support (`:+`, `+`, nested defaults, a lone `$`)",
    }
}

impl Rule for LegacyComposeInterpolation {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for (id, v1) in cx.interpolation.v1_incompatibilities() {
            let node = tree.node(*id);
            let NodeKind::Scalar(s) = node.kind else {
                continue;
            };
            let raw = cx.interpolation.raw_of(tree, *id).unwrap_or(tree.text(s));
            let found = outermost(v1.clone());
            if found.is_empty() {
                continue;
            }
            let text = &cx.sources.get(node.file).text;
            let offsets = crate::locate::value_to_file(text, node.span, node.style, raw);
            for (range, why) in found {
                let at = match &offsets {
                    Some(map) => {
                        let start = map.get(range.start).copied().unwrap_or(node.span.start);
                        let end = map
                            .get(range.end)
                            .copied()
                            .unwrap_or(node.span.end)
                            .max(start);
                        Location::new(node.file, Span::new(start, end))
                    }
                    None => Location::new(node.file, node.span),
                };
                let written = raw.get(range).unwrap_or("");
                // The advice the leaf crate appends goes to the help text.
                let message = why.split_once(": write").map_or(why, |(m, _)| m);
                out.push(
                    registry::diagnostic("FE011", message)
                        .at(at)
                        .with_help(help(written)),
                );
            }
        }
    }
}

/// One problem, one diagnostic: a finding inside another (a lone `$` inside a default that
/// Compose v1 keeps as written) is part of the outer one.
fn outermost(
    mut found: Vec<(std::ops::Range<usize>, &'static str)>,
) -> Vec<(std::ops::Range<usize>, &'static str)> {
    found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut kept: Vec<(std::ops::Range<usize>, &'static str)> = Vec::new();
    // Every kept range starts at or before this one (sorted by start): one of them holds it
    // when the farthest end among them reaches its end. (Comparing with each kept range was
    // quadratic: 100 000 findings in one value took seconds.)
    let mut reach: Option<usize> = None;
    for (range, why) in found {
        if reach.is_none_or(|end| end < range.end) {
            reach = Some(reach.map_or(range.end, |end| end.max(range.end)));
            kept.push((range, why));
        }
    }
    kept
}

fn help(written: &str) -> &'static str {
    if written == "$" {
        "write a literal `$` as `$$`"
    } else if written == ":+" || written == "+" {
        "set the value in `.env` or CI instead of deriving it with `:+`/`+`, if the deployment runs Compose v1"
    } else {
        "use a plain default (`${VAR:-value}`) without `$` or `}` in it, if the deployment runs Compose v1"
    }
}

#[cfg(test)]
mod tests {
    use super::outermost;
    use factory_env::Template;

    fn ranges(text: &str) -> Vec<std::ops::Range<usize>> {
        let template = Template::parse(text).expect("valid template");
        outermost(template.v1_incompatibilities())
            .into_iter()
            .map(|(r, _)| r)
            .collect()
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn nested_findings_are_one() {
        assert_eq!(ranges("${A:-$2y$05$x}"), [5..13]);
        assert_eq!(ranges("${A:-${B:-$}}"), [5..12]);
        assert_eq!(ranges("5$ and ${A:+b} and $"), [1..2, 10..12, 19..20]);
        assert_eq!(ranges("${A:-plain}"), Vec::<std::ops::Range<usize>>::new());
    }

    proptest::proptest! {
        /// The outermost findings are those no other holds, as a comparison with each kept
        /// one finds.
        #[test]
        fn outermost_keeps_what_no_kept_range_holds(
            found in proptest::collection::vec((0usize..60, 0usize..20), 0..40),
        ) {
            let found: Vec<(std::ops::Range<usize>, &'static str)> =
                found.into_iter().map(|(s, len)| (s..s + len, "why")).collect();
            let mut sorted = found.clone();
            sorted.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
            let mut scan: Vec<(std::ops::Range<usize>, &'static str)> = Vec::new();
            for (r, why) in sorted {
                if !scan.iter().any(|(k, _)| k.start <= r.start && r.end <= k.end) {
                    scan.push((r, why));
                }
            }
            proptest::prop_assert_eq!(outermost(found), scan);
        }
    }
}
