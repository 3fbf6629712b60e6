//! The interpolation pass: every string scalar of the tree (values only, never keys, as Compose
//! does) is rendered with the project's variables before the model is built, so every rule sees
//! resolved values. Errors and unset variables are reported with spans inside the scalar.

use factory_env::{Budgeted, Lookup, Op, Template, Variables};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::rules::registry;
use crate::settings::Settings;
use crate::source::SourceMap;
use crate::span::{FileId, Location, Span};
use crate::yaml::{NodeId, NodeKind, PlainValue, Scalar, ScalarStyle, Tree, resolve_plain};

/// A variable's name in the table of names of its [`Interpolation`]: read it with
/// [`Interpolation::name`]. Each distinct name is kept once (the 10 000-service project makes
/// 18 002 uses of 4 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VarName(u32);

/// One use of a variable in a compose value.
///
/// API change: `name` was the name itself (a `CompactString`, 24 bytes); it is now a handle
/// into the pass's table of names, read with [`Interpolation::name`] (a use is 24 bytes, not
/// 48).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarOccurrence {
    /// The variable's name: [`Interpolation::name`] reads it.
    pub name: VarName,
    /// The `$NAME` / `${...}` in the file (the whole scalar when it cannot be mapped exactly).
    pub location: Location,
    /// The operator, if any (`:-`, `?` …).
    pub op: Option<Op>,
    /// Whether the use provides a default when the variable is missing.
    pub has_default: bool,
    /// The scalar the use is in.
    pub node: NodeId,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<VarOccurrence>() == 24);

/// What the pass keeps of a scalar it rendered: 20 bytes (the 10 000-service project renders
/// 18 000 scalars).
#[derive(Debug, Clone, Copy)]
struct RenderedScalar {
    node: NodeId,
    /// The raw (pre-interpolation) text if the pass changed the scalar's text: its handle in
    /// the tree, which keeps a scalar's earlier text when it is replaced ([`Tree::set_text`]),
    /// so the pass copies none. `Scalar::default()` (an empty text) when the text did not
    /// change: a raw text the pass renders has a `$`, so it is never that.
    raw: Scalar,
    /// The range of [`Interpolation::uses`] the scalar owns (start, end), empty without uses.
    uses: (u32, u32),
}

const _: () = assert!(std::mem::size_of::<RenderedScalar>() == 20);

/// Byte ranges in a scalar's raw text with syntax Compose v1 read differently, and why.
pub type V1Findings = Vec<(std::ops::Range<usize>, &'static str)>;

/// What the pass found besides diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Interpolation {
    /// Every variable use, in file order. Read it, do not reorder it: [`Interpolation::uses_of`]
    /// indexes into it.
    pub uses: Vec<VarOccurrence>,
    /// The variables' names, each once ([`VarName`] indexes this).
    names: Vec<compact_str::CompactString>,
    /// Every scalar with variable uses or whose text the pass changed, sorted by node (so
    /// [`Interpolation::raw_of`] and [`Interpolation::uses_of`] are a binary search, not a scan
    /// per call). One table, not one for each: most rendered scalars are in both.
    rendered: Vec<RenderedScalar>,
    /// The syntax Compose v1 read differently (FE011), per rendered scalar, in file order.
    v1: Vec<(NodeId, V1Findings)>,
    /// The scalars rendered with an unset variable, sorted.
    unset: Vec<NodeId>,
}

impl Interpolation {
    /// The name of the variable `u` uses (`u` is one of this pass's [`Interpolation::uses`]).
    #[must_use]
    pub fn name(&self, u: &VarOccurrence) -> &str {
        self.names
            .get(u.name.0 as usize)
            .map_or("", compact_str::CompactString::as_str)
    }

    /// The text of `node` before interpolation, if it changed; `tree` is the tree the pass
    /// rendered (for a loaded project, [`crate::model::Project::tree`]).
    #[must_use]
    pub fn raw_of<'t>(&self, tree: &'t Tree, node: NodeId) -> Option<&'t str> {
        self.rendered(node)
            .filter(|r| r.raw != Scalar::default())
            .map(|r| tree.text(r.raw))
    }

    /// The scalars rendered with an unset variable (and no default), sorted.
    #[must_use]
    pub fn unset_scalars(&self) -> &[NodeId] {
        &self.unset
    }

    /// Every rendered scalar whose raw text has syntax Compose v1 read differently (FE011), in
    /// file order, with the byte ranges in the raw text and why
    /// ([`factory_env::Template::v1_incompatibilities`]).
    #[must_use]
    pub fn v1_incompatibilities(&self) -> &[(NodeId, V1Findings)] {
        &self.v1
    }

    /// The scalars rendered with a variable that is not set (FE002), sorted by node.
    #[must_use]
    pub fn rendered_with_unset(&self) -> &[NodeId] {
        &self.unset
    }

    /// The variable uses in `node` (a binary search, not a scan).
    #[must_use]
    pub fn uses_of(&self, node: NodeId) -> &[VarOccurrence] {
        self.rendered(node)
            .and_then(|r| self.uses.get(r.uses.0 as usize..r.uses.1 as usize))
            .unwrap_or_default()
    }

    /// The row of `node` in [`Interpolation::rendered`].
    fn rendered(&self, node: NodeId) -> Option<&RenderedScalar> {
        self.rendered
            .binary_search_by_key(&node, |r| r.node)
            .ok()
            .and_then(|i| self.rendered.get(i))
    }
}

/// Run the pass over `tree` (its first document), mutating interpolated scalars in place:
/// FE001/FE002/FE003/FE007 go to `diags`. [`crate::load`] runs it on the merged tree.
pub fn run(
    tree: &mut Tree,
    sources: &SourceMap,
    vars: &Variables,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Interpolation {
    run_with_files(tree, sources, vars, &[], settings, diags)
}

/// [`run`], where the scalars of some files also see variables of their own after `vars`:
/// `file_vars` holds, for a file `include:` brings in, the variables of its env files (Compose
/// interpolates an included file with the project's variables, then its own `.env`).
pub fn run_with_files(
    tree: &mut Tree,
    sources: &SourceMap,
    vars: &Variables,
    file_vars: &[(FileId, Vec<(String, String)>)],
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Interpolation {
    let Some(root) = tree.root() else {
        return Interpolation::default();
    };
    let mut visited = crate::yaml::NodeSet::new(tree.nodes.len());
    let mut stack = vec![root];
    let mut scalars = Vec::new();
    while let Some(id) = stack.pop() {
        if !visited.insert(id) {
            continue;
        }
        match tree.node(id).kind {
            // A reference rendered before `include` and `extends` were resolved ([`references`])
            // is not rendered twice.
            NodeKind::Scalar(_) if tree.node(id).interpolated => {}
            // Only a text with a `$` has anything to render (most have none: the list of
            // those to render is short).
            NodeKind::Scalar(s) if tree.text(s).contains('$') => scalars.push(id),
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => stack.extend(tree.items(items).iter().rev()),
            NodeKind::Mapping(entries) => {
                stack.extend(tree.entries(entries).iter().rev().map(|e| e.value));
            }
        }
    }
    // Keys a merge made of `- ${K}=v` items: Compose interpolated the whole item.
    scalars.extend(tree.list_item_keys.iter().copied().filter(|id| {
        (id.0 as usize) < tree.nodes.len() && !visited.contains(*id) && !tree.node(*id).interpolated
    }));
    scalars.sort_unstable_by_key(|id| {
        let n = tree.node(*id);
        (n.file, n.span.start)
    });
    let scope = Scope {
        sources,
        vars,
        file_vars,
        settings,
    };
    render_scalars(tree, scalars, &scope, diags)
}

/// Compose interpolates each file before it resolves the file's `include` and `extends`
/// (compose-go's `loadYamlFile`): the paths and names they give (`include: [${INC}]`,
/// `extends: {file: ${BASE}}`) are rendered here with the project's variables, before
/// [`crate::merge`] reads them. The later pass ([`run_with_files`]) leaves these scalars be.
pub(crate) fn references(
    tree: &mut Tree,
    sources: &SourceMap,
    vars: &Variables,
    settings: &Settings,
    diags: &mut Diagnostics,
) {
    let scalars = crate::merge::reference_scalars(tree);
    if scalars.is_empty() {
        return;
    }
    let scope = Scope {
        sources,
        vars,
        file_vars: &[],
        settings,
    };
    render_scalars(tree, scalars, &scope, diags);
}

/// What rendering scalars reads besides the tree.
struct Scope<'a> {
    sources: &'a SourceMap,
    vars: &'a Variables,
    file_vars: &'a [(FileId, Vec<(String, String)>)],
    settings: &'a Settings,
}

/// Render `scalars` (in file order) in place.
fn render_scalars(
    tree: &mut Tree,
    scalars: Vec<NodeId>,
    scope: &Scope<'_>,
    diags: &mut Diagnostics,
) -> Interpolation {
    let Scope {
        sources,
        vars,
        file_vars,
        settings,
    } = *scope;
    // Each scalar adds at most one row to these tables. Each variable use starts at a `$` of a
    // compose file: the files' `$` signs, counted in one pass, bound the uses (capped at two a
    // scalar, so that a file of `$$$$` does not reserve gigabytes). A rendered text is about as
    // long as its raw text. All reserved once rather than grown by doubling: each doubling
    // frees the old buffer, which the allocator keeps a while (on 10 000 services, 0.9 MB of
    // freed buffers when the rules' peak came, and a peak 2 MiB higher).
    let dollars: usize = sources
        .iter()
        .filter(|(_, f)| f.kind == crate::source::FileKind::Compose)
        .map(|(_, f)| memchr::memchr_iter(b'$', f.text.as_bytes()).count())
        .sum();
    let raw_bytes: usize = scalars
        .iter()
        .map(|&id| tree.node(id).span.len() as usize)
        .sum();
    tree.reserve_text(raw_bytes);
    let mut out = Interpolation {
        rendered: Vec::with_capacity(scalars.len()),
        uses: Vec::with_capacity(dollars.min(scalars.len().saturating_mul(2))),
        ..Interpolation::default()
    };
    let budget = expansion_budget(sources);
    let files = FileVars {
        vars,
        file_vars,
        current: std::cell::Cell::new(None),
    };
    let lookup = Budgeted::new(&files, budget);
    // Name → its handle, while the pass runs.
    let mut interned: std::collections::HashMap<
        compact_str::CompactString,
        VarName,
        foldhash::fast::RandomState,
    > = std::collections::HashMap::default();
    for id in scalars {
        let node = tree.node(id).clone();
        let NodeKind::Scalar(scalar) = node.kind else {
            continue;
        };
        let value = tree.text(scalar);
        if !value.contains('$') {
            continue;
        }
        if node.style == ScalarStyle::Plain && !matches!(resolve_plain(value), PlainValue::Str) {
            continue; // numbers, booleans and null are not strings: Compose does not interpolate them
        }
        let file = sources.get(node.file);
        files.select(node.file);
        let whole = Location::new(node.file, node.span);
        let offsets = crate::locate::value_offsets(&file.text, node.span, node.style, value);
        let locate = |r: std::ops::Range<usize>| -> Location {
            match &offsets {
                Some(map) => {
                    let start = map.get(r.start).unwrap_or(node.span.start);
                    let end = map.get(r.end).unwrap_or(node.span.end).max(start);
                    Location::new(node.file, Span::new(start, end))
                }
                None => whole,
            }
        };
        let template = match Template::parse(value) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    registry::diagnostic("FE001", format!("invalid interpolation: {e}"))
                        .at(locate(e.span.clone()))
                        .with_help(e.help()),
                );
                continue;
            }
        };
        let first = out.uses.len();
        for u in template.variables() {
            let name = match interned.get(u.name.as_str()) {
                Some(&name) => name,
                None => {
                    let name = VarName(u32::try_from(out.names.len()).unwrap_or(u32::MAX));
                    out.names.push(u.name.as_str().into());
                    interned.insert(u.name.as_str().into(), name);
                    name
                }
            };
            out.uses.push(VarOccurrence {
                name,
                location: locate(u.span.clone()),
                op: u.op,
                has_default: u.has_default,
                node: id,
            });
        }
        if out.uses.len() > first {
            let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
            out.rendered.push(RenderedScalar {
                node: id,
                raw: Scalar::default(),
                uses: (index(first), index(out.uses.len())),
            });
        }
        let result = template.render(&lookup);
        if lookup.exhausted() {
            diags.push(
                registry::diagnostic(
                    "FC004",
                    format!(
                        "the variables of the compose files expand past factory's budget of {budget} bytes (16 per byte of the project's files, at least 1 MiB): interpolation stops here"
                    ),
                )
                .at(whole)
                .with_help("a long value used many times multiplies: use it once, or write the text out"),
            );
            break;
        }
        match result {
            Ok(rendered) => {
                let v1 = template.v1_incompatibilities();
                if !v1.is_empty() {
                    out.v1.push((id, v1));
                }
                for u in &rendered.unset {
                    let at = locate(u.span.clone());
                    diags.push(unset_diagnostic(&u.name, at, vars, settings));
                }
                if !rendered.unset.is_empty() {
                    out.unset.push(id);
                }
                if rendered.value != value {
                    // The row of its uses, if it has any, else a row of its own.
                    match out.rendered.last_mut() {
                        Some(row) if row.node == id && out.uses.len() > first => row.raw = scalar,
                        _ => out.rendered.push(RenderedScalar {
                            node: id,
                            raw: scalar,
                            uses: (0, 0),
                        }),
                    }
                    tree.set_text(id, &rendered.value);
                }
                if let Some(node) = tree.nodes.get_mut(id.0 as usize) {
                    node.interpolated = true;
                }
            }
            Err(e) => {
                diags.push(
                    registry::diagnostic("FE003", e.to_string())
                        .at(locate(e.span.clone()))
                        .with_help(format!("set `{}` (in `.env` or the environment), or give a default with `${{{}:-default}}`", e.name, e.name)),
                );
            }
        }
    }
    out.rendered.sort_unstable_by_key(|r| r.node);
    out.unset.sort_unstable();
    out
}

/// The project's variables, then those of the file being interpolated ([`run_with_files`]).
struct FileVars<'a> {
    vars: &'a Variables,
    file_vars: &'a [(FileId, Vec<(String, String)>)],
    /// The own variables of the file being interpolated, if it has any.
    current: std::cell::Cell<Option<&'a [(String, String)]>>,
}

impl FileVars<'_> {
    fn select(&self, file: FileId) {
        self.current.set(
            self.file_vars
                .iter()
                .find(|(f, _)| *f == file)
                .map(|(_, v)| v.as_slice()),
        );
    }
}

impl Lookup for FileVars<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .or_else(|| self.current.get().and_then(|own| Lookup::get(own, name)))
    }
}

/// How many bytes variable substitutions may add to the compose files in all: 16 per byte of
/// the project's files, at least 1 MiB (a 1 MiB `.env` value used 100 000 times would be
/// 100 GB).
pub(crate) fn expansion_budget(sources: &SourceMap) -> usize {
    let total: usize = sources.iter().map(|(_, f)| f.text.len()).sum();
    total.saturating_mul(16).max(1 << 20)
}

/// FE002 in development, FE007 in deploy mode (one problem, one diagnostic).
pub(crate) fn unset_diagnostic(
    name: &str,
    at: Location,
    vars: &Variables,
    settings: &Settings,
) -> Diagnostic {
    if settings.is_deploy() {
        let why = vars
            .why_missing(name)
            .unwrap_or_else(|| "the platform does not provide it".to_owned());
        registry::diagnostic("FE007", format!("`{name}` will not be set when deployed: {why}"))
            .at(at)
            .with_help(if name.starts_with("X_") {
                format!(
                    "give it a default (`${{{name}:-value}}`), define the CI variable `{name}`, or the secret `SV_<ENV>_{name}`"
                )
            } else {
                // `X_` variables keep their prefix: `X_{name}` in CI is `${X_{name}}`.
                format!(
                    "give it a default (`${{{name}:-value}}`), write `${{X_{name}}}` and define the CI variable `X_{name}`, or define the secret `SV_<ENV>_{name}`"
                )
            })
    } else {
        registry::diagnostic(
            "FE002",
            format!("`{name}` is not set: Compose substitutes an empty string"),
        )
        .at(at)
        .with_help(format!(
            "set `{name}` in `.env` or the environment, or write `${{{name}:-default}}`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};

    #[test]
    fn each_name_is_kept_once_and_read_back_through_the_table() {
        let mut sources = SourceMap::new();
        let text = "services:\n  a:\n    image: ${R}/a:${TAG}\n    command: [\"$TAG\", \"${X:-$R}\", \"$$TAG\", \"1 ${TAG}\"]\n";
        sources.add(SourceFile::new("c.yml", text, FileKind::Compose));
        let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
        let i = &loaded.interpolation;
        let names: Vec<&str> = i.uses.iter().map(|u| i.name(u)).collect();
        assert_eq!(names, ["R", "TAG", "TAG", "X", "R", "TAG"]);
        // Same name, same handle; three names in the table.
        assert_eq!(i.uses[1].name, i.uses[2].name);
        assert_ne!(i.uses[0].name, i.uses[1].name);
        assert_eq!(i.names.len(), 3);
        for u in &i.uses {
            let at = &text[u.location.span.range()];
            assert!(at.contains(i.name(u)), "{at} names {}", i.name(u));
        }
    }
}
