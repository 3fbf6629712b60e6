//! The ports the image of each stage exposes: the `EXPOSE` words of the stage and of the
//! stages it is built on, what Docker records as the image's exposed ports.
//!
//! The routing rules read a few answers of them: whether there is any word (FR002), how many
//! distinct ports, the lowest, the first few, and whether a given port is one of them (FR003,
//! which counts a service's own `expose` ports once). Each is worked out for every stage in one
//! walk of the stages, so that no stage's chain is gathered: gathering it for each stage of a
//! long chain, each built by a job of its own, was quadratic (12 000 stages: 4.7 s).

use super::Dockerfile;

/// What the image built from one stage exposes: the `EXPOSE` words of the stage and of the
/// stages it is built on, nearest stage first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageExposes {
    /// Whether an `EXPOSE` of the chain has a word (`8000`, `8000/tcp`, `${PORT}`): the image
    /// exposes something, even when factory cannot read its number.
    pub any: bool,
    /// How many distinct port numbers ([`expose_ports`]) the words give.
    pub count: usize,
    /// The lowest of them.
    pub lowest: Option<u16>,
    /// The first [`ImageExposes::LISTED`] of them, nearest stage first, in the order written.
    pub first: Vec<u16>,
}

impl ImageExposes {
    /// How many ports [`ImageExposes::first`] keeps: what a message lists.
    pub const LISTED: usize = 8;
}

/// The port number of an `EXPOSE` word: `8000/tcp` is 8000, a range is its first port, a word
/// with a variable has none.
#[must_use]
pub fn expose_port(word: &str) -> Option<u16> {
    let spec = word.split('/').next().unwrap_or(word);
    let first = spec.split('-').next().unwrap_or(spec);
    first.parse::<u16>().ok()
}

/// The port numbers of an `EXPOSE` word, as Docker records them (`nat.ParsePortSpecs`): a
/// range `8000-8002/tcp` is each of its ports; a range that ends before it starts is its first
/// port ([`expose_port`]).
pub fn expose_ports(word: &str) -> impl Iterator<Item = u16> {
    expose_range(word)
        .into_iter()
        .flat_map(|(first, last)| first..=last)
}

/// The first and last ports of [`expose_ports`].
fn expose_range(word: &str) -> Option<(u16, u16)> {
    let first = expose_port(word)?;
    let spec = word.split('/').next().unwrap_or(word);
    let last = spec
        .split_once('-')
        .and_then(|(_, b)| b.parse::<u16>().ok());
    Some((first, last.unwrap_or(first).max(first)))
}

/// How many port numbers the `EXPOSE` words of a project's Dockerfiles give in all that are
/// read ([`parse_sharing`](super::parse_sharing)); past it, the rest of a range is left out,
/// but its first port (a thousand files of ranges of 65 535 ports would be 65 million; a legitimate image exposes a few, or a range of some thousands), and
/// FC004 says so ([`ExposedPorts::cut`]).
pub const EXPOSED_BUDGET: usize = 1 << 18;

/// [`ImageExposes`] for every stage, and which stages expose each port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ExposedPorts {
    stages: Vec<ImageExposes>,
    /// Each stage's position in a depth-first walk of the stages (a stage, then the stages
    /// built on it): a stage and those built on it are one run of positions.
    position: Vec<usize>,
    /// `(port, start, end)`: the stages at positions `start..end` (a stage whose own `EXPOSE`
    /// gives `port`, and those built on it) expose `port`. Sorted; the runs of one port do not
    /// overlap (a run inside another is left out).
    runs: Vec<(u16, usize, usize)>,
    /// The `EXPOSE` instruction (its index) whose range passed [`EXPOSED_BUDGET`], if any.
    cut: Option<usize>,
}

impl ExposedPorts {
    /// Works out every stage's answers; each stage's parent comes before it in `df.stages`.
    /// The ports read are taken from `left` ([`EXPOSED_BUDGET`]).
    pub(super) fn new(df: &Dockerfile, left: &mut usize) -> Self {
        let n = df.stages.len();
        // Each stage's own port numbers (repeats kept), one list cut at `own_at`.
        let mut own: Vec<u16> = Vec::new();
        let mut own_at = vec![0; n + 1];
        let mut own_any = vec![false; n];
        let mut cut = None;
        for (i, stage) in df.stages.iter().enumerate() {
            for k in stage.body.clone() {
                let Some(ins) = df.instructions.get(k).filter(|ins| ins.keyword == "EXPOSE") else {
                    continue;
                };
                for word in ins.args.split_whitespace() {
                    own_any[i] = true;
                    let Some((first, last)) = expose_range(word) else {
                        continue;
                    };
                    // Past the budget, a range's first port is still read (FR002, the lowest).
                    let all = usize::from(last - first) + 1;
                    let read = all.min((*left).max(1));
                    own.extend((first..=last).take(read));
                    *left = left.saturating_sub(read);
                    if read < all {
                        cut.get_or_insert(k);
                    }
                }
            }
            own_at[i + 1] = own.len();
        }
        let own_of = |i: usize| own.get(own_at[i]..own_at[i + 1]).unwrap_or_default();
        // Each stage's answers but the count, from its parent's (worked out before it).
        let mut stages: Vec<ImageExposes> = Vec::with_capacity(n);
        for (i, &own_any) in own_any.iter().enumerate() {
            let parent = df.parent(i).and_then(|p| stages.get(p));
            let mine = own_of(i);
            let mut first: Vec<u16> = Vec::new();
            for &port in mine.iter().chain(parent.map_or(&[][..], |p| &p.first)) {
                if first.len() == ImageExposes::LISTED {
                    break;
                }
                // The parent's first ports, less this stage's, are enough: this stage has fewer
                // than LISTED distinct ports when the list gets to them.
                if !first.contains(&port) {
                    first.push(port);
                }
            }
            stages.push(ImageExposes {
                any: own_any || parent.is_some_and(|p| p.any),
                count: 0,
                lowest: mine
                    .iter()
                    .copied()
                    .chain(parent.and_then(|p| p.lowest))
                    .min(),
                first,
            });
        }
        let mut out = ExposedPorts {
            stages,
            position: vec![0; n],
            runs: Vec::new(),
            cut,
        };
        if own.is_empty() {
            return out;
        }
        // The distinct count needs the chain's ports at once: a depth-first walk keeps, for
        // each port, how many stages of the path from the first stage give it.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for i in 0..n {
            match df.parent(i) {
                Some(p) => children[p].push(i),
                None => roots.push(i),
            }
        }
        let mut on_path = vec![0u32; usize::from(u16::MAX) + 1];
        let mut distinct = 0;
        let mut next = 0;
        let mut end = vec![0; n];
        // (stage, leaving): entered, its children pushed, then left.
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
        while let Some((i, leaving)) = stack.pop() {
            if leaving {
                for &port in own_of(i) {
                    let c = &mut on_path[usize::from(port)];
                    *c -= 1;
                    distinct -= usize::from(*c == 0);
                }
                end[i] = next;
                continue;
            }
            for &port in own_of(i) {
                let c = &mut on_path[usize::from(port)];
                distinct += usize::from(*c == 0);
                *c += 1;
            }
            out.stages[i].count = distinct;
            out.position[i] = next;
            next += 1;
            stack.push((i, true));
            stack.extend(children[i].iter().rev().map(|&c| (c, false)));
        }
        for (i, (&start, &end)) in out.position.iter().zip(&end).enumerate() {
            out.runs
                .extend(own_of(i).iter().map(|&port| (port, start, end)));
        }
        out.runs.sort_unstable();
        out.runs.dedup();
        // A stage's run holds the runs of the stages built on it: keep the outer ones.
        let mut kept: Vec<(u16, usize, usize)> = Vec::with_capacity(out.runs.len());
        for run in out.runs.drain(..) {
            match kept.last() {
                Some(&(port, _, end)) if port == run.0 && run.1 < end => {}
                _ => kept.push(run),
            }
        }
        out.runs = kept;
        out
    }

    /// The `EXPOSE` instruction (its index) where [`EXPOSED_BUDGET`] left ports out, if any.
    pub(super) fn cut(&self) -> Option<usize> {
        self.cut
    }

    /// The answers of stage `index`.
    pub(super) fn of(&self, index: usize) -> Option<&ImageExposes> {
        self.stages.get(index)
    }

    /// Whether the image of stage `index` exposes `port`.
    pub(super) fn exposes(&self, index: usize, port: u16) -> bool {
        let Some(&at) = self.position.get(index) else {
            return false;
        };
        let after = self
            .runs
            .partition_point(|&(p, start, _)| (p, start) <= (port, at));
        after
            .checked_sub(1)
            .and_then(|k| self.runs.get(k))
            .is_some_and(|&(p, _, end)| p == port && at < end)
    }
}

#[cfg(test)]
mod tests {
    use super::{ImageExposes, expose_port, expose_ports};
    use crate::dockerfile::{Dockerfile, parse};

    /// Stage `index`'s answers worked out from its whole chain, and every port of it.
    fn by_chain(df: &Dockerfile, index: usize) -> (ImageExposes, Vec<u16>) {
        let words = df.chain_expose_words(index);
        let mut ports: Vec<u16> = Vec::new();
        for port in words.iter().flat_map(|w| expose_ports(w)) {
            if !ports.contains(&port) {
                ports.push(port);
            }
        }
        let answers = ImageExposes {
            any: !words.is_empty(),
            count: ports.len(),
            lowest: ports.iter().min().copied(),
            first: ports.iter().take(ImageExposes::LISTED).copied().collect(),
        };
        (answers, ports)
    }

    fn assert_as_by_chain(df: &Dockerfile) {
        for i in 0..df.stages.len() {
            let (want, ports) = by_chain(df, i);
            assert_eq!(df.image_exposes(i), Some(&want), "stage {i}");
            for port in 0..40 {
                assert_eq!(
                    df.image_exposes_port(i, port),
                    ports.contains(&port),
                    "stage {i}, port {port}"
                );
            }
        }
        assert_eq!(df.image_exposes(df.stages.len()), None);
        assert!(!df.image_exposes_port(df.stages.len(), 1));
    }

    /// Two chains from one base, a chain of another image, repeats across stages, more than
    /// eight ports, a range, a protocol, a variable and an `EXPOSE` without words.
    #[test]
    fn each_stage_exposes_the_ports_of_its_chain() {
        let text = "FROM a AS s0\nEXPOSE 3 1\nFROM s0 AS s1\nRUN x\nFROM s1 AS s2\nEXPOSE 2 1/udp\n\
                    FROM b AS s3\nEXPOSE ${PORT}\nFROM s2 AS s4\nEXPOSE 9 8 7 6 5 4\nFROM s3 AS s5\n\
                    EXPOSE 20-22\nFROM s4\nEXPOSE 3 10 11\nFROM s0\nEXPOSE\nFROM s5\nEXPOSE 5\n";
        let df = parse(text);
        assert_as_by_chain(&df);
        let six = df.image_exposes(6);
        assert_eq!(six.map(|e| e.count), Some(11));
        assert_eq!(
            six.map(|e| e.first.clone()),
            Some(vec![3, 10, 11, 9, 8, 7, 6, 5])
        );
        assert_eq!(
            df.image_exposes(3).map(|e| (e.any, e.count)),
            Some((true, 0))
        );
        assert_eq!(df.image_exposes(1).map(|e| e.lowest), Some(Some(1)));
        assert!(df.image_exposes_port(4, 1) && !df.image_exposes_port(3, 1));
        // A range is each of its ports, as Docker records them.
        assert_eq!(df.image_exposes(5).map(|e| e.count), Some(3));
        assert!(df.image_exposes_port(5, 21) && df.image_exposes_port(8, 22));
    }

    #[test]
    fn a_range_is_each_of_its_ports() {
        let ports = |w: &str| expose_ports(w).collect::<Vec<u16>>();
        assert_eq!(ports("8000-8002/tcp"), [8000, 8001, 8002]);
        assert_eq!(ports("8000"), [8000]);
        // Docker refuses a reversed range; its first port is kept, as `expose_port` reads it.
        assert_eq!(ports("8002-8000"), [8002]);
        assert_eq!(ports("8000-x"), [8000]);
        assert_eq!(ports("${A}-8000"), Vec::<u16>::new());
        assert_eq!(ports("1-65535").len(), 65535);
        assert_eq!(ports("49152-65535/udp").len(), 16384);
        assert_eq!(ports("65535-65535"), [65535]);
        assert_eq!(expose_port("8000-8002"), Some(8000));
    }

    proptest::proptest! {
        /// Any forest of stages, each with a few `EXPOSE` words of a few ports: every stage's
        /// answers are those of its whole chain.
        #[test]
        fn any_stages_expose_the_ports_of_their_chains(
            stages in proptest::collection::vec(
                (0usize..8, proptest::collection::vec(0usize..14, 0..6)),
                1..24,
            ),
        ) {
            let words = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "1/udp", "30-39", "${P}", "x"];
            let mut text = String::new();
            for (i, (parent, exposed)) in stages.iter().enumerate() {
                // Half the stages are built on an earlier one, the others on an image.
                let base = match i.checked_sub(1 + parent) {
                    Some(p) if parent % 2 == 0 => format!("s{p}"),
                    _ => "img".to_owned(),
                };
                text.push_str(&format!("FROM {base} AS s{i}\n"));
                if !exposed.is_empty() {
                    let line: Vec<&str> = exposed.iter().filter_map(|&w| words.get(w).copied()).collect();
                    text.push_str(&format!("EXPOSE {}\n", line.join(" ")));
                }
            }
            assert_as_by_chain(&parse(&text));
        }
    }
}
