//! FR: routing (Traefik v1 labels). The routes come from [`crate::routes`]; the helpers here
//! point inside a label's value, before or after interpolation.

pub(crate) mod ambiguous_route_port;
pub(crate) mod hard_coded_host;
pub(crate) mod invalid_basic_auth;
pub(crate) mod invalid_frontend_rule;
pub(crate) mod invalid_route_number;
pub(crate) mod invalid_rule_regex;
pub(crate) mod invalid_traefik_enable;
pub(crate) mod route_conflict;
pub(crate) mod route_port_not_exposed;
pub(crate) mod route_without_port;
pub(crate) mod routing_labels_on_job;
pub(crate) mod rule_never_matches;
pub(crate) mod shadowed_route;
pub(crate) mod undoubled_dollar_in_auth;

use std::ops::Range;

use crate::locate::ScalarOffsets;
use crate::model::{Form, KeyValue};
use crate::rules::{Context, Rule};
use crate::span::{Location, Span};
use crate::yaml::NodeKind;

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &invalid_frontend_rule::InvalidFrontendRule,
    &route_without_port::RouteWithoutPort,
    &ambiguous_route_port::AmbiguousRoutePort,
    &invalid_traefik_enable::InvalidTraefikEnable,
    &invalid_route_number::InvalidRouteNumber,
    &route_conflict::RouteConflict,
    &invalid_basic_auth::InvalidBasicAuth,
    &undoubled_dollar_in_auth::UndoubledDollarInAuth,
    &hard_coded_host::HardCodedHost,
    &route_port_not_exposed::RoutePortNotExposed,
    &invalid_rule_regex::InvalidRuleRegex,
    &routing_labels_on_job::RoutingLabelsOnJob,
    &shadowed_route::ShadowedRoute,
    &rule_never_matches::RuleNeverMatches,
];

/// The basic-auth label properties (v1.7 also reads `.users`).
pub(crate) const AUTH_PROPS: &[&str] = &["frontend.auth.basic", "frontend.auth.basic.users"];

/// Where the value starts inside the label's scalar: after `KEY=` in list form.
fn value_offset(cx: &Context<'_>, kv: &KeyValue) -> usize {
    match kv.form {
        Form::List => kv.key(&cx.project.tree).len() + 1,
        Form::Map => 0,
    }
}

/// Where the label's value is (the `<<` line when inherited; the key without a value).
pub(crate) fn value_loc(cx: &Context<'_>, kv: &KeyValue) -> Location {
    let tree = &cx.project.tree;
    kv.located_value(tree)
        .map_or_else(|| kv.key_primary(tree), |v| v.primary())
}

/// The file location of `range` (byte offsets into the label's interpolated value). Inherited
/// labels point at the `<<` line.
pub(crate) fn in_value(cx: &Context<'_>, kv: &KeyValue, range: Range<usize>) -> Location {
    ValueLocator::new(cx, kv).at(range)
}

/// Places byte ranges of a label's interpolated value in its file ([`in_value`]), what that
/// takes worked out once: a rule reporting each of thousands of problems in one value (FR014
/// on the pieces of a long rule) mapped the whole value again for each.
pub(crate) struct ValueLocator<'a> {
    placing: Placing<'a>,
}

enum Placing<'a> {
    /// Inherited through `<<`: everything is at that line.
    Inherited(Location),
    /// Interpolation changed the value: placed in the raw value.
    Interpolated {
        value: &'a str,
        /// How many bytes the raw and the interpolated value share at the start, and at the end.
        same_start: usize,
        same_end: usize,
        /// The raw value.
        raw: &'a str,
        raw_at: RawLocator,
        variables: &'a factory_env::Variables,
        /// For each byte of the value, the raw range it came from ([`rendered_from`]), worked
        /// out for the first range not placed by the shared start or end.
        from: std::cell::OnceCell<Option<Vec<Range<usize>>>>,
    },
    /// The value as written, after `KEY=` in list form.
    Written { base: usize, at: ScalarOffsets },
}

impl<'a> ValueLocator<'a> {
    pub(crate) fn new(cx: &'a Context<'_>, kv: &'a KeyValue) -> Self {
        let tree = &cx.project.tree;
        if kv.has_value()
            && let Some(via) = kv.via(tree)
        {
            return ValueLocator {
                placing: Placing::Inherited(via),
            };
        }
        Self::placed(cx, kv, false)
    }

    /// Places ranges where the value is written, even when a service inherited it through
    /// `<<` (in the anchor's text; the caller points at the `<<` line too).
    pub(crate) fn in_place(cx: &'a Context<'_>, kv: &'a KeyValue) -> Self {
        Self::placed(cx, kv, true)
    }

    fn placed(cx: &'a Context<'_>, kv: &'a KeyValue, in_place: bool) -> Self {
        let tree = &cx.project.tree;
        if let (Some(raw), Some(value)) = (
            cx.interpolation
                .raw_of(&cx.project.tree, kv.node)
                .and_then(|_| raw_value(cx, kv)),
            kv.value(tree),
        ) && raw != value
        {
            // Up to the first `$`: a `$` of the value may be a `$$` of the raw text, which
            // shifts what follows (`rendered_from` places it on both).
            let same_start = raw
                .bytes()
                .zip(value.bytes())
                .take_while(|&(a, b)| a == b && a != b'$')
                .count();
            let same_end = raw
                .bytes()
                .rev()
                .zip(value.bytes().rev())
                .take_while(|&(a, b)| a == b && a != b'$')
                .count();
            return ValueLocator {
                placing: Placing::Interpolated {
                    value,
                    same_start,
                    same_end,
                    raw,
                    raw_at: RawLocator::placing(cx, kv, in_place),
                    variables: cx.variables,
                    from: std::cell::OnceCell::new(),
                },
            };
        }
        ValueLocator {
            placing: Placing::Written {
                base: value_offset(cx, kv),
                at: ScalarOffsets::of_value(&cx.project.tree, cx.sources, kv.node),
            },
        }
    }

    /// Where `range` of the value is.
    pub(crate) fn at(&self, range: Range<usize>) -> Location {
        match &self.placing {
            Placing::Inherited(via) => *via,
            Placing::Interpolated {
                value,
                same_start,
                same_end,
                raw,
                raw_at,
                variables,
                from,
            } => {
                // The range is still exact when the text from it to the end (or from the start
                // to it) was written as is, i.e. the variables are all on the other side.
                let shifted = value
                    .is_char_boundary(range.start)
                    .then(|| value.len() - range.start)
                    .filter(|tail| tail <= same_end)
                    .map(|tail| raw.len() - tail)
                    .or_else(|| {
                        (value.is_char_boundary(range.end) && range.end <= *same_start)
                            .then_some(range.start)
                    });
                if let Some(start) = shifted
                    && let Some(loc) = raw_at.exact(start..start + range.len())
                {
                    return loc;
                }
                // Variables on both sides: each rendered byte is placed at the raw text it came
                // from, a substituted value at its whole `${...}`.
                if range.start < range.end
                    && let Some(from) = from.get_or_init(|| rendered_from(raw, value, variables))
                    && let (Some(first), Some(last)) =
                        (from.get(range.start), from.get(range.end - 1))
                    && let Some(loc) = raw_at.exact(first.start..last.end)
                {
                    return loc;
                }
                raw_at.whole
            }
            Placing::Written { base, at } => at.at(base + range.start..base + range.end),
        }
    }
}

/// For each byte of `rendered` (what `raw`, a template, rendered to with `variables`), the range
/// of `raw` it came from: a literal byte is its own (`$$` the two that make a `$`), a
/// substituted value's bytes are the whole `${...}` that gave them. `None` when rendering the
/// template piece by piece does not give `rendered` again.
fn rendered_from(
    raw: &str,
    rendered: &str,
    variables: &factory_env::Variables,
) -> Option<Vec<Range<usize>>> {
    let mut from: Vec<Range<usize>> = Vec::with_capacity(rendered.len());
    let out = render_piecewise(raw, variables, |piece, at, gave| match piece {
        // Written as is: each byte of a character is placed at the whole character.
        Piece::Literal if at.len() == gave.len() => {
            for (i, c) in raw.get(at.clone()).unwrap_or_default().char_indices() {
                let char_at = at.start + i..at.start + i + c.len_utf8();
                from.extend(std::iter::repeat_n(char_at, c.len_utf8()));
            }
        }
        _ => from.extend(std::iter::repeat_n(at, gave.len())),
    })?;
    (out == rendered).then_some(from)
}

/// A piece of a template, as [`render_piecewise`] gives them.
enum Piece<'u> {
    /// Text written as is, or a `$$` that writes one `$`.
    Literal,
    /// A substitution: its own use, then those nested in it.
    Substitution(&'u [factory_env::VarUse]),
}

/// What [`render_piecewise`] gives each piece to.
type EachPiece<'e> = dyn FnMut(Piece<'_>, Range<usize>, Range<usize>) + 'e;

/// Renders `raw`, a template, one piece at a time with `variables`, and gives `each` piece with
/// the range of `raw` it is written at and the range of the result it gave. `None` when the
/// template does not parse or a substitution fails.
fn render_piecewise(
    raw: &str,
    variables: &factory_env::Variables,
    mut each: impl FnMut(Piece<'_>, Range<usize>, Range<usize>),
) -> Option<String> {
    // Literal text (`$$` writes one `$`), a run written as is and each `$$` given apart.
    let literal = |at: Range<usize>, out: &mut String, each: &mut EachPiece<'_>| -> Option<()> {
        let mut pos = at.start;
        let mut rest = raw.get(at)?;
        while !rest.is_empty() {
            let run = rest.find("$$").unwrap_or(rest.len());
            if run > 0 {
                each(Piece::Literal, pos..pos + run, out.len()..out.len() + run);
                out.push_str(&rest[..run]);
            }
            if rest[run..].starts_with("$$") {
                each(
                    Piece::Literal,
                    pos + run..pos + run + 2,
                    out.len()..out.len() + 1,
                );
                out.push('$');
                pos += run + 2;
                rest = &rest[run + 2..];
            } else {
                break;
            }
        }
        Some(())
    };
    let template = factory_env::Template::parse(raw).ok()?;
    let uses = template.variables();
    let mut out = String::with_capacity(raw.len());
    let mut pos = 0;
    let mut i = 0;
    while let Some(u) = uses.get(i) {
        // The use and the ones nested in it (they follow it).
        let inner = uses
            .get(i + 1..)
            .map_or(0, |rest| rest.iter().take_while(|v| v.nested).count());
        let group = uses.get(i..=i + inner)?;
        i += inner + 1;
        if u.nested {
            continue;
        }
        literal(pos..u.span.start, &mut out, &mut each)?;
        let value = factory_env::Template::parse(raw.get(u.span.clone())?)
            .ok()?
            .render(variables)
            .ok()?
            .value;
        each(
            Piece::Substitution(group),
            u.span.clone(),
            out.len()..out.len() + value.len(),
        );
        out.push_str(&value);
        pos = u.span.end;
    }
    literal(pos..raw.len(), &mut out, &mut each)?;
    Some(out)
}

/// Point `diag` at `range` of the label's value, with a secondary label on the anchor when the
/// value was inherited through `<<`.
pub(crate) fn point_in(
    cx: &Context<'_>,
    kv: &KeyValue,
    range: Range<usize>,
    diag: crate::diagnostic::Diagnostic,
) -> crate::diagnostic::Diagnostic {
    diag.at(in_value(cx, kv, range))
        .with_inherited_from(kv.value_inherited_from(&cx.project.tree))
}

/// The label's value as written, before interpolation (YAML quoting already decoded).
pub(crate) fn raw_value<'a>(cx: &'a Context<'_>, kv: &'a KeyValue) -> Option<&'a str> {
    match cx.interpolation.raw_of(&cx.project.tree, kv.node) {
        Some(raw) => match kv.form {
            Form::List => raw.split_once('=').map(|(_, v)| v),
            Form::Map => Some(raw),
        },
        None => kv.value(&cx.project.tree),
    }
}

/// The file location of `range` (byte offsets into the label's raw value), `None` when the
/// written text cannot be mapped exactly (folded, escaped, inherited).
pub(crate) fn in_raw_exact(
    cx: &Context<'_>,
    kv: &KeyValue,
    range: Range<usize>,
) -> Option<Location> {
    RawLocator::new(cx, kv).exact(range)
}

/// Places byte ranges of a label's raw value in its file, the value's offsets worked out once:
/// a rule that reports each of a label's thousands of hosts places them all with one.
pub(crate) struct RawLocator {
    /// Where the value starts in the scalar ([`value_offset`]).
    base: usize,
    offsets: Option<(crate::span::FileId, crate::locate::FileOffsets)>,
    /// Where a range that does not map exactly is placed: the whole value ([`value_loc`]).
    whole: Location,
}

impl RawLocator {
    pub(crate) fn new(cx: &Context<'_>, kv: &KeyValue) -> Self {
        Self::placing(cx, kv, false)
    }

    /// `in_place`: an inherited value is placed where it is written (its anchor's text), not at
    /// the `<<` line ([`ValueLocator::in_place`]).
    fn placing(cx: &Context<'_>, kv: &KeyValue, in_place: bool) -> Self {
        let inherited = kv.has_value() && kv.via(&cx.project.tree).is_some();
        let offsets = (|| {
            if inherited && !in_place {
                return None;
            }
            let node = cx.project.tree.node(kv.node);
            let NodeKind::Scalar(s) = node.kind else {
                return None;
            };
            let raw = cx
                .interpolation
                .raw_of(&cx.project.tree, kv.node)
                .unwrap_or(cx.project.tree.text(s));
            let text = &cx.sources.get(node.file).text;
            let map = crate::locate::value_offsets(text, node.span, node.style, raw)?;
            Some((node.file, map))
        })();
        Self {
            base: value_offset(cx, kv),
            offsets,
            whole: if inherited && in_place {
                cx.project.tree.location(kv.node)
            } else {
                value_loc(cx, kv)
            },
        }
    }

    /// Where `range` of the raw value is, if the written text maps exactly.
    pub(crate) fn exact(&self, range: Range<usize>) -> Option<Location> {
        let (file, map) = self.offsets.as_ref()?;
        let start = map.get(self.base + range.start)?;
        let end = map.get(self.base + range.end)?;
        Some(Location::new(*file, Span::new(start, end.max(start))))
    }

    /// [`RawLocator::exact`], else the whole value.
    pub(crate) fn at(&self, range: Range<usize>) -> Location {
        self.exact(range).unwrap_or(self.whole)
    }
}

/// Whether the label's value uses a variable that is not set and has no default: FE002/FE007
/// already report it, and the value Traefik would see is not the one meant.
pub(crate) fn uses_unset_variable(cx: &Context<'_>, kv: &KeyValue) -> bool {
    cx.interpolation
        .uses_of(kv.node)
        .iter()
        .filter(|u| !u.has_default)
        .any(|u| cx.variables.variable(cx.interpolation.name(u)).is_none())
}

/// What Traefik reads of a rule label whatever the values of its unset variables (those
/// without a default, which FE002/FE007 report): a variable unset at lint time may be set where
/// the project is deployed (a CI variable), so the text it gives is unknown, not empty.
///
/// Traefik v1.7's `parseRules` (`rules/rules.go`) first splits the whole rule on every `;`
/// (`strings.FieldsFunc`: no quoting, escaping or brace counting; `{…}` templates are read by
/// mux later, one argument at a time), then takes the matcher name as the first `:`-field of a
/// segment, and the arguments as the other `:`-fields re-joined and split on `,`. An unknown
/// value can add `;`s, but only inside itself: every `;` written around it still separates. So
/// a segment between two such `;`s (or an end of the rule) that has no unknown text inside, or
/// right at its start or end (where it would join the segment), is a segment of the rule
/// Traefik reads, with its name and arguments, whatever the variables hold. Of a segment with
/// unknown text after its name's `:` the name is known: this keeps such a segment when that
/// name is not one Traefik knows (`Pathprefix:/${V}`), for its FR001.
///
/// Of such a segment with a name Traefik knows, the arguments written out before the unknown
/// text and ended by a `,` written there too are known ([`PartialSegment`]): the unknown text
/// starts the segment's next argument whatever it holds (a `;` in it ends the segment after
/// that argument, a `:` or `,` only joins or splits what follows). The arguments after it are
/// not known to be the segment's: a `;` in the unknown text puts them in a segment of their
/// own (`Host:${V},a.com:80` is `Host:x;Path:/y,a.com:80` when `V` holds `x;Path:/y`). What
/// is said of one argument alone is said of those; what counts the arguments (`Headers` and
/// `Query` pairs, a missing argument) or compares them with others is not.
///
/// The known segments, joined with `;`, are a rule [`factory_route::Rule::parse`] reads as
/// Traefik reads those segments in the whole rule: its errors are the rule's (a segment left
/// out can only add `Query` variables, hence conflicts, and errors; never remove one), and so
/// are its warnings, each about one segment, or about AND-ed `Host`/`Path` segments that other
/// segments can only narrow further. Except one: which `ReplacePathRegex` Traefik applies is
/// the last one of the rule, so its findings are left out when unknown text follows it.
pub(crate) struct KnownRule {
    /// The known segments joined with `;`.
    text: String,
    /// For each segment: where it starts in `text`, in the label's value, and its length.
    pieces: Vec<(usize, usize, usize)>,
    /// Where the last unknown text of the value starts.
    last_unknown: usize,
    /// The known arguments of the segments holding unknown text after them.
    partial: Vec<PartialSegment>,
}

/// The start of a segment with unknown text after its matcher name's `:`: the name, its `:`
/// and the arguments up to the last `,` written before the unknown text (the `,` kept: a `:`
/// right before it stays in the argument, as in the whole segment).
struct PartialSegment {
    /// Where it starts in the label's value.
    at: usize,
    /// `Name:arg,…,arg,` as written.
    text: String,
}

impl PartialSegment {
    /// Whether the arguments of a matcher are checked one at a time: not those read in pairs
    /// (`Headers`, `HeadersRegexp`, `Query`: the pairing and its count go on in the unknown
    /// text), nor `ReplacePathRegex`, whose last argument is the one applied.
    fn checks_each_argument(name: factory_route::MatcherName) -> bool {
        use factory_route::MatcherName as M;
        match name {
            M::Host
            | M::HostRegexp
            | M::Path
            | M::PathStrip
            | M::PathStripRegex
            | M::PathPrefix
            | M::PathPrefixStrip
            | M::PathPrefixStripRegex
            | M::Method
            | M::AddPrefix
            | M::ReplacePath => true,
            M::Headers | M::HeadersRegexp | M::Query | M::ReplacePathRegex => false,
        }
    }

    /// Whether a warning is about one argument alone.
    fn of_one_argument(kind: factory_route::WarningKind) -> bool {
        use factory_route::WarningKind as W;
        match kind {
            W::PortInHost
            | W::EmptyHost
            | W::SpaceInsteadOfSemicolon
            | W::InvalidRegex
            | W::RegexTooBig
            | W::BrokenTemplate
            | W::PathWithoutSlash
            | W::TemplateInHost
            | W::SpaceInHost => true,
            // A cut `{…}` may go on in the unknown text; AND-ed matchers and the last strip
            // or rewrite are about the whole rule.
            W::CommaInRegex
            | W::HostsAnded
            | W::PathsAnded
            | W::TemplateInLiteralStrip
            | W::IgnoredReplacePathRegex => false,
        }
    }

    /// The warnings about its known arguments, placed in the label's value. Not those from the
    /// first argument that opens a `{` it does not close: with the arguments after it, that
    /// one may be a `{…}` cut by a comma, whose pieces are not checked alone.
    fn warnings(&self) -> Vec<factory_route::RuleWarning> {
        let Ok(rule) = factory_route::Rule::parse(&self.text) else {
            return Vec::new();
        };
        let Some(seg) = rule.segments().next() else {
            return Vec::new();
        };
        let opens = |t: &str| t.matches('{').count() > t.matches('}').count();
        let start = seg.args().next().map_or(0, |a| a.span.start);
        let end = seg
            .args()
            .find(|a| opens(a.text))
            .map_or(self.text.len(), |a| a.span.start);
        let mut warnings = rule.warnings();
        warnings.retain(|w| {
            Self::of_one_argument(w.kind) && start <= w.span.start && w.span.end <= end
        });
        for w in &mut warnings {
            w.span = w.span.start + self.at..w.span.end + self.at;
        }
        warnings
    }
}

impl KnownRule {
    /// The known segments, joined with `;`.
    #[cfg(test)]
    fn text(&self) -> &str {
        &self.text
    }

    /// The error Traefik refuses the rule with, placed in the label's value: the first of the
    /// known segments (none past factory's regex budget: that one only says factory could not
    /// check the rule).
    pub(crate) fn error(&self) -> Option<factory_route::ParseError> {
        if self.text.is_empty() {
            return None;
        }
        let mut e = factory_route::Rule::parse(&self.text).err()?;
        if e.kind == factory_route::ParseErrorKind::RegexTooBig {
            return None;
        }
        e.span = self.to_value(e.span);
        Some(e)
    }

    /// Whether the known segments match no request ([`factory_route::Rule::never_matches`]):
    /// then the rule matches none, whatever the unknown values (the other segments only
    /// narrow what it matches).
    pub(crate) fn never_matches(&self) -> bool {
        !self.text.is_empty()
            && factory_route::Rule::parse(&self.text).is_ok_and(|r| r.never_matches())
    }

    /// The warnings of the known segments ([`factory_route::Rule::warnings`]) when they parse,
    /// then those about the known arguments of the other segments, placed in the label's value.
    pub(crate) fn warnings(&self) -> Vec<factory_route::RuleWarning> {
        let mut warnings = self.segment_warnings();
        warnings.extend(self.partial.iter().flat_map(PartialSegment::warnings));
        warnings
    }

    /// The warnings of the known segments, placed in the label's value.
    fn segment_warnings(&self) -> Vec<factory_route::RuleWarning> {
        use factory_route::{MatcherName, WarningKind};
        if self.text.is_empty() {
            return Vec::new();
        }
        let Ok(rule) = factory_route::Rule::parse(&self.text) else {
            return Vec::new();
        };
        let mut warnings = rule.warnings();
        // What is said of the literal strips is said of the last one, which unknown text after
        // it may replace.
        let last_strip = rule.last_of(&[MatcherName::PathStrip, MatcherName::PathPrefixStrip]);
        if last_strip.is_some_and(|last| self.to_value(last).end <= self.last_unknown) {
            warnings.retain(|w| w.kind != WarningKind::TemplateInLiteralStrip);
        }
        // What is said of `ReplacePathRegex` is said of the last one, which unknown text after
        // it may replace. The segments' spans are in order: a warning's is searched for.
        let replaces: Vec<Range<usize>> = rule
            .segments()
            .filter(|s| s.name() == MatcherName::ReplacePathRegex)
            .map(|s| s.span())
            .collect();
        if replaces
            .last()
            .is_some_and(|last| self.to_value(last.clone()).end <= self.last_unknown)
        {
            let in_replace = |span: &Range<usize>| {
                let i = replaces.partition_point(|r| r.end < span.end);
                replaces
                    .get(i)
                    .is_some_and(|r| r.start <= span.start && span.end <= r.end)
            };
            warnings.retain(|w| {
                !(matches!(
                    w.kind,
                    WarningKind::IgnoredReplacePathRegex
                        | WarningKind::InvalidRegex
                        | WarningKind::RegexTooBig
                ) && in_replace(&w.span))
            });
        }
        for w in &mut warnings {
            w.span = self.to_value(w.span.clone());
        }
        warnings
    }

    /// The range of the label's value that `range` of the known text is (a `;` joining two
    /// segments is placed at the end of the first).
    pub(crate) fn to_value(&self, range: Range<usize>) -> Range<usize> {
        let place = |at: usize| {
            let i = self
                .pieces
                .partition_point(|&(start, _, _)| start <= at)
                .saturating_sub(1);
            self.pieces.get(i).map_or(0, |&(start, value, len)| {
                value + (at - start.min(at)).min(len)
            })
        };
        let start = place(range.start);
        start..place(range.end).max(start)
    }
}

/// [`KnownRule`] of a rule label that uses an unset variable without a default; `None` when no
/// segment or argument is known (`Host:${DOMAIN}`), or when the unknown text cannot be placed
/// in the value ([`unknown_parts`]).
pub(crate) fn known_rule(cx: &Context<'_>, kv: &KeyValue) -> Option<KnownRule> {
    let (value, _, unknown) = unknown_parts(cx, kv)?;
    let unknown: Vec<Range<usize>> = unknown.into_iter().map(|(gave, _)| gave).collect();
    KnownRule::of(value, &unknown)
}

/// A label's interpolated value, its raw value, and the [`unknown_ranges`] of the value; `None`
/// when the unknown text cannot be placed in the value (a variable in the key of a list item,
/// a value Compose failed to render).
fn unknown_parts<'c>(
    cx: &'c Context<'_>,
    kv: &'c KeyValue,
) -> Option<(&'c str, &'c str, Vec<UnknownPiece>)> {
    let tree = &cx.project.tree;
    let whole = cx.interpolation.raw_of(tree, kv.node)?;
    let raw = raw_value(cx, kv)?;
    // `KEY=value` in list form: a variable in the key leaves the label itself unknown.
    if whole
        .get(..whole.len().checked_sub(raw.len())?)?
        .contains('$')
    {
        return None;
    }
    let value = kv.value(tree)?;
    Some((value, raw, unknown_ranges(raw, value, cx.variables)?))
}

/// Whether FR006 and FR013 compare a route like any other: its rule, and its
/// [`known_beside_rule`] labels, use no variable that is unset and has no default
/// (FE002/FE007), whose value, unknown at lint time, may be set where the project is deployed.
fn compared_as_known(cx: &Context<'_>, d: &crate::routes::RouteDef<'_>) -> bool {
    !uses_unset_variable(cx, d.rule()) && known_beside_rule(cx, d)
}

/// Whether the labels that decide whether a route serves, where and in which order (its
/// service's `traefik.enable`, its priority and entry points) use no unset variable without a
/// default.
fn known_beside_rule(cx: &Context<'_>, d: &crate::routes::RouteDef<'_>) -> bool {
    let enable = cx
        .project
        .services
        .get(d.service_index())
        .and_then(|svc| svc.label(cx.project, "traefik.enable"));
    [enable, d.priority(), d.entrypoints()]
        .into_iter()
        .flatten()
        .all(|kv| !uses_unset_variable(cx, kv))
}

/// The route tables FR006 and FR013 compare ([`crate::routes::tables`]): of the routes
/// [`compared_as_known`]. A rule that reads an unknown value is not known to match or miss any
/// request (`Host:${A}.x.com` and `Host:${B}.x.com` both read `Host:.x.com` when `A` and `B`
/// are unset); [`same_unknown_rules`] compares those.
pub(crate) fn known_tables<'c>(
    cx: &'c Context<'_>,
) -> Vec<(factory_route::RouteTable<'c>, Vec<usize>)> {
    let defs = defs(cx);
    crate::routes::tables_of(cx.project, defs, |i| {
        defs.get(i).is_some_and(|d| compared_as_known(cx, d))
    })
}

/// Two routes whose rules read the same unknown values at the same places, the rest written
/// the same: whatever the values, Traefik reads one rule twice (and the same default
/// priority, the rule's length).
pub(crate) struct SameUnknownRule {
    /// The routes (indices into [`defs`]), in file order.
    pub(crate) first: usize,
    pub(crate) later: usize,
    /// Their priority labels, when both set one (else neither does).
    pub(crate) priorities: Option<(i64, i64)>,
    /// Whether `first` listens only on entry points `later` listens on, and the other way
    /// ([`listens_within`]): a route hidden by the other is hidden on all of its own.
    pub(crate) first_within_later: bool,
    pub(crate) later_within_first: bool,
    /// The rule as written, and the substitutions that give the unknown values.
    pub(crate) rule: String,
    pub(crate) unknowns: Vec<String>,
}

/// The pairs of routes FR006 and FR013 can still compare although their rules use an unset
/// variable without a default: rules that read the same values at the same places (the same
/// `${...}` written there, the rest rendering the same), on a shared entry point, whose
/// priority labels are both set or both unset, with nothing Traefik refuses in what is known
/// of them ([`rule_error`]), and that may match a request ([`KnownRule::never_matches`]).
pub(crate) fn same_unknown_rules(cx: &Context<'_>) -> Vec<SameUnknownRule> {
    type Key = (String, Vec<(Range<usize>, String)>);
    let defs = defs(cx);
    if defs.len() > crate::routes::MAX_COMPARED_ROUTES {
        return Vec::new();
    }
    let mut groups: std::collections::HashMap<Key, Vec<usize>> = std::collections::HashMap::new();
    let mut written: Vec<Option<(String, Vec<String>)>> = vec![None; defs.len()];
    for (i, d) in defs.iter().enumerate() {
        if d.transient || !uses_unset_variable(cx, d.rule()) || !known_beside_rule(cx, d) {
            continue;
        }
        let Some((value, raw, unknown)) = unknown_parts(cx, d.rule()) else {
            continue;
        };
        // Nothing Traefik refuses in what is known of it ([`rule_error`]), and not a rule whose
        // known segments never match (`Host:a.com:8080;Path:/${A}`): FR014 reports that one,
        // which matches no request whatever the values and takes nothing from another route.
        let gave: Vec<Range<usize>> = unknown.iter().map(|(gave, _)| gave.clone()).collect();
        if KnownRule::of(value, &gave).is_some_and(|k| k.error().is_some() || k.never_matches()) {
            continue;
        }
        let pieces: Vec<(Range<usize>, String)> = unknown
            .iter()
            .map(|(gave, at)| {
                (
                    gave.clone(),
                    raw.get(at.clone()).unwrap_or_default().to_owned(),
                )
            })
            .collect();
        if let Some(slot) = written.get_mut(i) {
            *slot = Some((
                raw.to_owned(),
                pieces.iter().map(|(_, p)| p.clone()).collect(),
            ));
        }
        groups
            .entry((value.to_owned(), pieces))
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    let mut members: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    members.sort_unstable();
    for group in members {
        for (k, &a) in group.iter().enumerate() {
            for &b in group.get(k + 1..).unwrap_or_default() {
                let (Some(da), Some(db)) = (defs.get(a), defs.get(b)) else {
                    continue;
                };
                let (ea, eb) = (da.entrypoint_names(), db.entrypoint_names());
                if !(ea.is_empty() || eb.is_empty() || ea.iter().any(|e| eb.contains(e))) {
                    continue;
                }
                let priorities = match (da.effective_priority(), db.effective_priority()) {
                    ((pa, true), (pb, true)) => Some((pa, pb)),
                    ((_, false), (_, false)) => None,
                    _ => continue,
                };
                let Some(Some((rule, unknowns))) = written.get(a) else {
                    continue;
                };
                out.push(SameUnknownRule {
                    first: a,
                    later: b,
                    priorities,
                    first_within_later: listens_within(da, db),
                    later_within_first: listens_within(db, da),
                    rule: rule.clone(),
                    unknowns: unknowns.clone(),
                });
            }
        }
    }
    out
}

/// Whether every entry point route `a` listens on, route `b` listens on too: a route without
/// `frontend.entryPoints` is on every entry point, those no route names too (the default ones
/// of the platform's Traefik).
pub(crate) fn listens_within(
    a: &crate::routes::RouteDef<'_>,
    b: &crate::routes::RouteDef<'_>,
) -> bool {
    let (ea, eb) = (a.entrypoint_names(), b.entrypoint_names());
    eb.is_empty() || (!ea.is_empty() && ea.iter().all(|e| eb.contains(e)))
}

/// `` `${A}` `` or `` `${A}` and `$B` ``: the substitutions that give unknown values.
pub(crate) fn unknowns_named(unknowns: &[String]) -> String {
    let mut seen = std::collections::HashSet::new();
    let named: Vec<String> = unknowns
        .iter()
        .filter(|u| seen.insert(u.as_str()))
        .map(|u| format!("`{u}`"))
        .collect();
    match named.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl KnownRule {
    /// The known segments of `value`, a rule whose `unknown` ranges (sorted, disjoint; empty
    /// where an unset variable gave nothing) may be any text.
    fn of(value: &str, unknown: &[Range<usize>]) -> Option<KnownRule> {
        let is_unknown = |at: &Range<usize>, u: &[Range<usize>]| {
            // The first unknown range not ending before the segment: the one that may touch it.
            let i = u.partition_point(|r| r.end < at.start);
            u.get(i).filter(|r| r.start <= at.end).map(|r| r.start)
        };
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut partial = Vec::new();
        let bytes = value.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let end = memchr::memchr(b';', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let seg = start..end;
            start = end + 1;
            if seg.is_empty() {
                continue;
            }
            let known_end = match is_unknown(&seg, unknown) {
                None => seg.end,
                // Unknown text after the name's `:`: the name alone is known.
                Some(first) if first > seg.start => {
                    let Some(head) = value.get(seg.start..first) else {
                        continue;
                    };
                    let name_at = head.len() - head.trim_start_matches(':').len();
                    let Some(colon) = head[name_at..].find(':') else {
                        continue;
                    };
                    let name = head[name_at..name_at + colon].trim();
                    if let Some(name) = factory_route::MatcherName::from_name(name) {
                        let args_at = name_at + colon + 1;
                        if PartialSegment::checks_each_argument(name)
                            && let Some(comma) = head[args_at..].rfind(',')
                        {
                            partial.push(PartialSegment {
                                at: seg.start,
                                text: head[..=args_at + comma].to_owned(),
                            });
                        }
                        continue;
                    }
                    first
                }
                Some(_) => continue,
            };
            let Some(known) = value.get(seg.start..known_end) else {
                continue;
            };
            if !text.is_empty() {
                text.push(';');
            }
            pieces.push((text.len(), seg.start, known.len()));
            text.push_str(known);
        }
        let last_unknown = unknown.last().map_or(0, |r| r.start);
        (!pieces.is_empty() || !partial.is_empty()).then_some(KnownRule {
            text,
            pieces,
            last_unknown,
            partial,
        })
    }
}

/// A range of a rendered template that holds an unknown value, and the range of the template
/// (the `${...}`) it is written at.
type UnknownPiece = (Range<usize>, Range<usize>);

/// The ranges of `rendered` (what `raw`, a template, rendered to with `variables`) that come
/// from a substitution using a variable that is unset and has no default (itself or one nested
/// in its default), in order, each with the range of `raw` it is written at; `None` when
/// rendering the template piece by piece does not give `rendered` again. A substitution of an
/// unset variable is an empty range where it stood.
fn unknown_ranges(
    raw: &str,
    rendered: &str,
    variables: &factory_env::Variables,
) -> Option<Vec<UnknownPiece>> {
    let unset = |u: &factory_env::VarUse| !u.has_default && variables.variable(&u.name).is_none();
    let mut unknown = Vec::new();
    let out = render_piecewise(raw, variables, |piece, at, gave| {
        if let Piece::Substitution(group) = piece
            && group.iter().any(unset)
        {
            unknown.push((gave, at));
        }
    })?;
    (out == rendered).then_some(unknown)
}

/// Whether the label's value uses a variable that is not set, default or not: the value then
/// depends on where it is deployed (a hash from a secret variable), so FR007 does not judge it.
pub(crate) fn uses_missing_variable(cx: &Context<'_>, kv: &KeyValue) -> bool {
    cx.interpolation
        .uses_of(kv.node)
        .iter()
        .any(|u| cx.variables.variable(cx.interpolation.name(u)).is_none())
}

/// The routes of the project, as `factory routes` shows them, built on first use and shared by
/// every FR rule of the run.
pub(crate) fn defs<'c, 'a>(cx: &'c Context<'a>) -> &'c [crate::routes::RouteDef<'a>] {
    cx.route_defs
        .get_or_init(|| crate::routes::routes(cx.project))
}

/// Indices into [`defs`] of the distinct rule labels of the routes (segments may share the
/// service-wide rule, services may inherit one through `<<`): the first route of each, in route
/// order. Computed once per run.
pub(crate) fn distinct_indices<'c>(cx: &'c Context<'_>) -> &'c [usize] {
    cx.distinct_routes.get_or_init(|| {
        let nodes = cx.project.tree.nodes.len();
        let mut seen = crate::yaml::NodeSet::new(nodes);
        let defs = defs(cx);
        let mut out = Vec::with_capacity(defs.len());
        for (i, d) in defs.iter().enumerate() {
            let node = d.rule().node;
            // A rule label's node is one of the tree's (one past them would count as distinct).
            if seen.insert(node) || node.0 as usize >= nodes {
                out.push(i);
            }
        }
        out
    })
}

/// The distinct rule labels of the routes (see [`distinct_indices`]).
pub(crate) fn distinct_rules<'c, 'a>(
    cx: &'c Context<'a>,
) -> impl Iterator<Item = &'c crate::routes::RouteDef<'a>> {
    let defs = defs(cx);
    distinct_indices(cx).iter().filter_map(|&i| defs.get(i))
}

/// Every `traefik.*` label whose property (after an optional segment) is one of `props`;
/// `project` is the project the service is in.
pub(crate) fn labels_with<'a>(
    project: &'a crate::model::Project,
    svc: &'a crate::model::Service,
    props: &'a [&str],
) -> impl Iterator<Item = &'a KeyValue> {
    svc.label_entries(project).iter().filter(|kv| {
        // The property is a suffix of the key: a cheap test before splitting it.
        let key = kv.key(&project.tree);
        props.iter().any(|p| key.ends_with(p))
            && crate::routes::split_key(key).is_some_and(|(_, p)| props.contains(&p))
    })
}

/// How a route is named in messages: `` `web` `` or `` `web` (segment `api`) ``.
pub(crate) fn route_name(d: &crate::routes::RouteDef<'_>) -> String {
    match &d.segment() {
        Some(s) => format!("`{}` (segment `{s}`)", d.service()),
        None => format!("`{}`", d.service()),
    }
}

/// FC004 where FR006 or FR013 stopped comparing routes: `stopped` holds the two routes (indices
/// into the table's `members`, which index [`defs`]) being compared when the check had tried
/// [`factory_route::MAX_COMPARISON_TRIES`] candidate requests (one doing much work counting
/// as several, [`factory_route::TRY_WORK`]); `rest` names the routes it did not reach.
pub(crate) fn comparison_stopped(
    cx: &Context<'_>,
    code: &str,
    check: &str,
    rest: &str,
    members: &[usize],
    stopped: (usize, usize),
) -> Option<crate::diagnostic::Diagnostic> {
    let defs = defs(cx);
    let def = |i: usize| members.get(i).and_then(|&d| defs.get(d));
    let (at, with) = (def(stopped.0)?, def(stopped.1)?);
    Some(
        crate::rules::registry::diagnostic(
            "FC004",
            format!(
                "factory stopped comparing routes for {check} ({code}) after {} candidate requests, its budget (one that compares more than {compared} hosts, paths or methods, or matches more than {matched} templates, headers or query parameters, counts once per as many): the route of {} and {rest} are not fully checked",
                factory_route::MAX_COMPARISON_TRIES,
                route_name(at),
                compared = factory_route::TRY_WORK,
                matched = factory_route::TRY_WORK / factory_route::MATCH_WORK,
            ),
        )
        .at_labelled(value_loc(cx, at.rule()), "stopped here")
        .with_secondary(
            value_loc(cx, with.rule()),
            format!("{} was being compared with it", route_name(with)),
        )
        .with_help("routes are compared pair by pair, over up to 4096 requests built from their hosts, paths and methods: fewer alternatives, headers and query parameters in each rule (or fewer routes on one host) keep the comparison within budget; check the routes with `factory routes match URL` meanwhile"),
    )
}

/// The warnings of every distinct rule that parses (computed once for FR011 and FR014): index
/// into [`defs`] and the rule's warnings. Of a rule using an unset variable, the warnings of
/// its [`KnownRule`], placed in the label's value.
fn rule_warnings<'c>(cx: &'c Context<'_>) -> &'c [(usize, Vec<factory_route::RuleWarning>)] {
    cx.route_warnings.get_or_init(|| {
        let defs = defs(cx);
        distinct_indices(cx)
            .iter()
            .filter_map(|&i| {
                let d = defs.get(i)?;
                let warnings = if uses_unset_variable(cx, d.rule()) {
                    known_rule(cx, d.rule())?.warnings()
                } else {
                    d.parsed_rule().ok()?.warnings()
                };
                (!warnings.is_empty()).then_some((i, warnings))
            })
            .collect()
    })
}

/// The error Traefik refuses a distinct rule with ([`distinct_rules`]), its span in the
/// label's value: of a rule using an unset variable, the first error of its [`KnownRule`]
/// (none past factory's regex budget: that one only says factory could not check it).
pub(crate) fn rule_error(
    cx: &Context<'_>,
    d: &crate::routes::RouteDef<'_>,
) -> Option<factory_route::ParseError> {
    if !uses_unset_variable(cx, d.rule()) {
        return d.parsed_rule().err().cloned();
    }
    known_rule(cx, d.rule())?.error()
}

/// The text of a rule label's value as written, before interpolation, range by range.
struct WrittenAs<'a> {
    /// The value, then, when interpolation changed it, the raw value and for each byte of the
    /// value the raw range it came from ([`rendered_from`]; `None` when it cannot be placed).
    value: Option<&'a str>,
    raw: Option<(&'a str, Option<Vec<Range<usize>>>)>,
}

impl<'a> WrittenAs<'a> {
    fn of(cx: &'a Context<'_>, kv: &'a KeyValue) -> Self {
        let value = kv.value(&cx.project.tree);
        let raw = cx
            .interpolation
            .raw_of(&cx.project.tree, kv.node)
            .and_then(|_| raw_value(cx, kv))
            .map(|raw| (raw, value.and_then(|v| rendered_from(raw, v, cx.variables))));
        WrittenAs { value, raw }
    }

    /// The raw text `range` of the value was written as: itself when interpolation left the
    /// value as written (or failed, FE001/FE003), the whole raw value when the range cannot
    /// be placed in it.
    fn raw(&self, range: Range<usize>) -> Option<&'a str> {
        match &self.raw {
            None => self.value?.get(range),
            Some((raw, None)) => Some(raw),
            Some((raw, Some(from))) => {
                let first = from.get(range.start)?;
                let last = from.get(range.end.checked_sub(1)?)?;
                raw.get(first.start..last.end.max(first.start))
            }
        }
    }
}

/// Whether `raw` (a value as written in a compose file) has a `${` whose `$` is not escaped
/// by another (`$${` writes a literal `${`).
fn unescaped_template(raw: &str) -> bool {
    let b = raw.as_bytes();
    (0..b.len()).any(|i| {
        b.get(i..i + 2) == Some(b"${")
            && b[..i].iter().rev().take_while(|&&c| c == b'$').count() % 2 == 0
    })
}

/// FR011 and FR014: the warnings of every rule that parses, for one code.
pub(crate) fn warn_rules(
    cx: &Context<'_>,
    code: &'static str,
    out: &mut crate::diagnostic::Diagnostics,
) {
    let defs = defs(cx);
    for (i, warnings) in rule_warnings(cx) {
        let Some(d) = defs.get(*i) else { continue };
        // Built for the first warning of `code`: a long rule may have thousands.
        let mut place: Option<ValueLocator<'_>> = None;
        let mut written: Option<WrittenAs<'_>> = None;
        for w in warnings {
            if w.code() != code {
                continue;
            }
            // A `${` interpolation could not replace (FE001, FE003 report it), or a variable
            // whose value has a `{`, is no literal host written in the rule: one problem, one
            // finding. Judged by where the offending `$`, `{` or `}` (the warning's first byte,
            // and the one after it for a `${`) came from, not by the rest of the argument:
            // `Host:{sub}.${DOMAIN}` writes its `{` itself.
            let offending = w.span.start..(w.span.start + 2).min(w.span.end);
            if w.kind == factory_route::WarningKind::TemplateInHost
                && written
                    .get_or_insert_with(|| WrittenAs::of(cx, d.rule()))
                    .raw(offending)
                    .is_some_and(unescaped_template)
            {
                continue;
            }
            let mut diag = crate::rules::registry::diagnostic(
                code,
                format!(
                    "`{}` of `{}`: {}",
                    d.rule().key(&cx.project.tree),
                    d.service(),
                    w.message
                ),
            )
            .at(place
                .get_or_insert_with(|| ValueLocator::new(cx, d.rule()))
                .at(w.span.clone()))
            .with_inherited_from(d.rule().value_inherited_from(&cx.project.tree));
            if let Some(help) = &w.help {
                diag = diag.with_help(help.clone());
            }
            if w.kind == factory_route::WarningKind::RegexTooBig {
                // Traefik compiles it; factory only could not check it.
                diag.severity = crate::diagnostic::Severity::Warning;
            }
            out.push(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::ProcessEnv;
    use crate::settings::Settings;
    use crate::source::{FileKind, SourceFile, SourceMap};

    // `in_value` as it was before its work was done once per label (each call mapped the whole
    // value): a locator must place every range as it did.
    /// The file location of `range` (byte offsets into the label's interpolated value). Inherited
    /// labels point at the `<<` line.
    fn reference_in_value(cx: &Context<'_>, kv: &KeyValue, range: Range<usize>) -> Location {
        let tree = &cx.project.tree;
        if kv.has_value()
            && let Some(via) = kv.via(tree)
        {
            return via;
        }
        // Interpolated: the range is still exact when the text from it to the end (or from the
        // start to it) was written as is, i.e. the variables are all on the other side.
        if let (Some(raw), Some(value)) = (
            cx.interpolation
                .raw_of(&cx.project.tree, kv.node)
                .and_then(|_| raw_value(cx, kv)),
            kv.value(tree),
        ) && raw != value
        {
            let shifted = value
                .get(range.start..)
                // (Without a `$`: one may be half of a `$$`, which shifts what follows.)
                .filter(|tail| raw.ends_with(tail) && !tail.contains('$'))
                .map(|_| raw.len() - (value.len() - range.start))
                .or_else(|| {
                    value
                        .get(..range.end)
                        .filter(|head| raw.starts_with(head) && !head.contains('$'))
                        .map(|_| range.start)
                });
            if let Some(start) = shifted
                && let Some(loc) = RawLocator::new(cx, kv).exact(start..start + range.len())
            {
                return loc;
            }
            // Variables on both sides: each rendered byte is placed at the raw text it came from,
            // a substituted value at its whole `${...}`.
            if let Some(raw_range) = reference_through_variables(raw, value, cx.variables, range)
                && let Some(loc) = RawLocator::new(cx, kv).exact(raw_range)
            {
                return loc;
            }
            return value_loc(cx, kv);
        }
        let base = value_offset(cx, kv);
        crate::locate::in_scalar(
            &cx.project.tree,
            cx.sources,
            kv.node,
            base + range.start..base + range.end,
        )
    }

    /// The range of `raw` (a template) that `range` of `rendered` (what it rendered to with
    /// `variables`) came from: a literal byte is its own (`$$` the two that make a `$`), a
    /// substituted value's bytes are the whole `${...}` that gave them. `None` when rendering the
    /// template piece by piece does not give `rendered` again.
    fn reference_through_variables(
        raw: &str,
        rendered: &str,
        variables: &factory_env::Variables,
        range: Range<usize>,
    ) -> Option<Range<usize>> {
        let from = rendered_from(raw, rendered, variables)?;
        if range.start >= range.end {
            return None;
        }
        let start = from.get(range.start)?.start;
        let end = from.get(range.end - 1)?.end;
        Some(start..end)
    }

    /// `template` with `${}` where an unknown value goes: the value (each unknown empty) and
    /// the unknown ranges.
    fn with_unknowns(template: &str) -> (String, Vec<Range<usize>>) {
        let mut value = String::new();
        let mut unknown = Vec::new();
        for (i, piece) in template.split("${}").enumerate() {
            if i > 0 {
                unknown.push(value.len()..value.len());
            }
            value.push_str(piece);
        }
        (value, unknown)
    }

    /// The known text of `template` (see [`with_unknowns`]), and where its error is.
    fn known(template: &str) -> Option<(String, Option<String>)> {
        let (value, unknown) = with_unknowns(template);
        let k = KnownRule::of(&value, &unknown)?;
        let error = k.error().map(|e| value[e.span].to_owned());
        Some((k.text().to_owned(), error))
    }

    #[test]
    fn the_known_segments_are_those_no_unknown_text_touches() {
        let some =
            |text: &str, error: Option<&str>| Some((text.to_owned(), error.map(str::to_owned)));
        // A segment written out, before or after the unknown one.
        assert_eq!(known("Bogus:/x;Path:/${}"), some("Bogus:/x", Some("Bogus")));
        assert_eq!(
            known("Host:${};Pathprefix:/api"),
            some("Pathprefix:/api", Some("Pathprefix"))
        );
        // The unknown text is the value, the name or the whole rule: nothing is known.
        assert_eq!(known("Path:/${}"), None);
        assert_eq!(known("Host:${}"), None);
        assert_eq!(known("${}:/x"), None);
        assert_eq!(known("${}"), None);
        assert_eq!(known("Ho${}st:a.com"), None);
        // Right before a `;` or right after one, the unknown text joins that segment.
        assert_eq!(known("Host:a.com${};Path:/x"), some("Path:/x", None));
        assert_eq!(known("Host:a.com;${}Path:/x"), some("Host:a.com", None));
        // Between two `;`, it only adds segments.
        assert_eq!(
            known("Host:a.com;${};Headers:X"),
            some("Host:a.com;Headers:X", Some("X"))
        );
        // A name ended by its `:` before the unknown text is known, and kept if Traefik
        // does not know it; a known name with an unknown value is left out.
        assert_eq!(
            known("Pathprefix:/${}"),
            some("Pathprefix:/", Some("Pathprefix"))
        );
        assert_eq!(known("::Bogus:${}"), some("::Bogus:", Some("Bogus")));
        assert_eq!(known("Bogus${}:/x"), None);
        assert_eq!(known("Host:${};Path:/${}"), None);
        // Arguments before the unknown text, up to a `,`, are checked on their own.
        assert_eq!(known("Host:a.com,${}"), some("", None));
        assert_eq!(known("Headers:X,${}"), None);
        assert_eq!(known(" :${};Path:/x"), some(" :;Path:/x", Some(":")));
    }

    #[test]
    fn known_warnings_are_placed_in_the_value() {
        let warnings = |template: &str| -> Vec<(&'static str, String)> {
            let (value, unknown) = with_unknowns(template);
            KnownRule::of(&value, &unknown)
                .map(|k| k.warnings())
                .unwrap_or_default()
                .into_iter()
                .map(|w| (w.code(), value[w.span].to_owned()))
                .collect()
        };
        assert_eq!(
            warnings("Host:${};Host:a.com:8080"),
            [("FR014", ":8080".to_owned())]
        );
        assert_eq!(
            warnings("Host:a.com;${};Host:b.com;Path:/{id:[}"),
            [
                ("FR011", "/{id:[}".to_owned()),
                ("FR014", "Host:b.com".to_owned())
            ]
        );
        // The last `ReplacePathRegex` applies: unknown text after it may hold another.
        assert_eq!(warnings("ReplacePathRegex:x;Path:/${}"), []);
        assert_eq!(
            warnings("Path:/${};ReplacePathRegex:x"),
            [("FR014", "x".to_owned())]
        );
        assert_eq!(warnings("Path:/${};Bogus:x;Host:a.com:80"), []);
        // So does the last literal strip.
        assert_eq!(warnings("PathPrefixStrip:/{id};${}"), []);
        assert_eq!(
            warnings("Host:${};PathPrefixStrip:/{id}"),
            [("FR014", "/{id}".to_owned())]
        );
        // In a segment with unknown text, an argument written out before it, up to a `,`.
        assert_eq!(
            warnings("Host:a.com:8080,${}"),
            [("FR014", ":8080".to_owned())]
        );
        assert_eq!(
            warnings("Path:/x;Host:a.com Path:/y,b.com:80,${}.com"),
            [("FR014", " ".to_owned()), ("FR014", ":80".to_owned())]
        );
        assert_eq!(
            warnings("Path:x,/{id:(},${}"),
            [("FR014", "x".to_owned()), ("FR011", "/{id:(}".to_owned())]
        );
        // After the unknown text, an argument may be in a segment of its own (`;` in it).
        assert_eq!(warnings("Host:${},a.com:8080"), []);
        // The last known argument touches the unknown text.
        assert_eq!(warnings("Host:a.com:8080${}"), []);
        assert_eq!(warnings("Host:a.com:8080:${},x"), []);
        // From an argument opening a `{`, a `,` may cut a regex going on in the unknown text.
        assert_eq!(
            warnings("Path:x,/{id:[0-9]{1,3}},y,${}"),
            [("FR014", "x".to_owned())]
        );
        // Pairs, counts and the whole rule are not said of a segment not fully known.
        assert_eq!(warnings("Headers:X,a b,${}"), []);
        assert_eq!(warnings("Host:a.com;Host:b.com,${}"), []);
        assert_eq!(warnings("Host: ,${}"), []);
        assert_eq!(warnings("PathStrip:/{id},${}"), []);
    }

    /// A token of a rule, for the property test below.
    fn rule_token() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "Host",
            "Path",
            "PathPrefix",
            "PathStrip",
            "HostRegexp",
            "Headers",
            "Query",
            "ReplacePathRegex",
            "Bogus",
            "host",
            ":",
            ":",
            ";",
            ";",
            ",",
            "{",
            "}",
            "a.com",
            "/x",
            "x",
            " ",
            "=",
            "[0-9]",
            "{id:[0-9]{1,3}}",
            "{id}",
            ":80",
            "(",
            "é",
            ";Host:b.com",
            ";Query:id={id}",
            ";ReplacePathRegex:^/a /b",
            "Host:a.com:80,",
            "Path:x,/{id:(},",
            "PathStrip:/{id},",
            ";PathStrip:/a",
            ",",
            "a b",
        ])
    }

    use proptest::prelude::*;

    proptest! {
        // Cheap cases (0.1 ms each); a segment with arguments before its unknown text that
        // have a finding is one case in a few hundred.
        #![proptest_config(ProptestConfig::with_cases(2048))]
        /// What is found in the known segments and arguments holds whatever the unknown
        /// values are (the fillings hold `;`, `,`, `:` and spaces): an error is an error of
        /// the rule, a warning one of its warnings (or, for AND-ed matchers, the rule still
        /// never matches).
        #[test]
        fn known_findings_hold_whatever_the_unknown_values(
            template in proptest::collection::vec(
                prop_oneof![4 => rule_token(), 1 => Just("${}")], 0..14),
            fills in proptest::collection::vec(
                proptest::collection::vec(rule_token(), 0..5), 4),
        ) {
            let template: String = template.concat();
            let (value, unknown) = with_unknowns(&template);
            let Some(known) = KnownRule::of(&value, &unknown) else { return Ok(()) };
            // The rule with the unknowns filled in, and how far a value offset moved.
            let fill = |k: usize| fills[k % fills.len()].concat();
            let mut actual = String::new();
            let mut pos = 0;
            for (k, r) in unknown.iter().enumerate() {
                actual.push_str(&value[pos..r.start]);
                actual.push_str(&fill(k));
                pos = r.end;
            }
            actual.push_str(&value[pos..]);
            let shift = |at: usize| -> usize {
                unknown
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.start < at)
                    .map(|(k, _)| fill(k).len())
                    .sum()
            };
            let parsed = factory_route::Rule::parse(&actual);
            if let Some(e) = known.error() {
                prop_assert!(parsed.is_err(), "{template:?} filled as {actual:?}: {e:?} not raised");
            }
            let Ok(rule) = parsed else { return Ok(()) };
            let found = rule.warnings();
            for w in known.warnings() {
                let at = w.span.start + shift(w.span.start)..w.span.end + shift(w.span.end);
                let held = match w.kind {
                    factory_route::WarningKind::HostsAnded => found.iter().any(|f| {
                        matches!(f.kind, factory_route::WarningKind::HostsAnded
                            | factory_route::WarningKind::EmptyHost)
                    }),
                    factory_route::WarningKind::PathsAnded => found
                        .iter()
                        .any(|f| f.kind == factory_route::WarningKind::PathsAnded),
                    _ => found.iter().any(|f| f.kind == w.kind && f.span == at),
                };
                prop_assert!(held, "{template:?} filled as {actual:?}: {w:?} not found in {found:?}");
            }
        }
    }

    #[test]
    fn a_value_locator_places_every_range_as_in_value_did() {
        let compose = r#"x-base: &base
  labels:
    traefik.inherited.frontend.rule: Host:inherited.com
x-labels: &labels
  traefik.m.frontend.rule: Host:merged.com;Path:/${E}
services:
  map:
    image: app:1
    labels:
      traefik.a.frontend.rule: Host:a.com;Path:/é/x
      traefik.b.frontend.rule: 'Host:it''s.com;Path:/x'
      traefik.c.frontend.rule: "Host:c.com;Path:/\x41\u00e9"
      traefik.d.frontend.rule: >
        Host:d.com;
        Path:/folded
      traefik.e.frontend.rule: Host:${D};Path:/e
      traefik.f.frontend.rule: Host:f.com;Path:/${D}
      traefik.g.frontend.rule: Host:${D};Path:/é/${E}/x
      traefik.h.frontend.rule: Host:g$$.com;Path:/${UNSET}/é
      traefik.i.frontend.rule: "Host:${D};Path:/\u00e9/${E}"
      traefik.j.frontend.rule: Host:${D:-d.com},${E}
  list:
    image: app:1
    labels:
      - traefik.frontend.rule=Host:${D};Path:/l/${E}/é
      - "traefik.x.frontend.rule=Host:x.com;Path:/\u00e9"
      - traefik.y.frontend.rule=Host:y.com
  inherits:
    <<: *base
    image: app:1
  merges:
    image: app:1
    labels:
      <<: *labels
      traefik.z.frontend.rule: Host:z.com
"#;
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            compose,
            FileKind::Compose,
        ));
        sources.add(SourceFile::new(".env", "D=dé.com\nE=e\n", FileKind::Dotenv));
        let (process, settings) = (ProcessEnv::default(), Settings::default());
        let loaded = crate::load(&sources, &process, &settings);
        let cx = Context::of(&loaded, &sources, &settings, &process);
        let mut labels = 0;
        for svc in &cx.project.services {
            for kv in svc.label_entries(cx.project) {
                let len = kv.value(&cx.project.tree).map_or(0, str::len);
                let place = ValueLocator::new(&cx, kv);
                for start in 0..=len + 1 {
                    for end in start.saturating_sub(1)..=len + 1 {
                        assert_eq!(
                            place.at(start..end),
                            reference_in_value(&cx, kv, start..end),
                            "{} at {start}..{end}",
                            kv.key(&cx.project.tree)
                        );
                    }
                }
                labels += 1;
            }
        }
        assert_eq!(labels, 16);
    }
}
