//! Resident memory after each step of a lint, in process: `memory FILE` prints the resident
//! set and its peak (`/proc/self/status`, Linux) after reading the file, after loading the
//! project (parse, merge, interpolate, model) and after the rules: the steps of `factory lint`,
//! in its order (a parse alone first, dropped, would leave its freed pages to the next steps). For
//! finding which structure the peak of `benches/compare.sh` comes from; the file's directory
//! `.env` is loaded too.
#![allow(clippy::disallowed_methods, clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;

use factory_compose::{
    FileKind, ProcessEnv, Settings, SharedText, SourceFile, SourceMap, check, load,
};

/// As in the `factory` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `VmRSS` and `VmHWM` in KiB, when the system has them.
fn resident() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .split_whitespace()
            .next()?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn report(step: &str, baseline: u64) {
    match resident() {
        Some((rss, peak)) => println!(
            "{step:>8}  resident {:>8.1} MiB  peak {:>8.1} MiB  (+{:.1} MiB since start)",
            rss as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(baseline) as f64 / 1024.0
        ),
        None => println!("{step:>8}  (no /proc/self/status here)"),
    }
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: memory FILE");
        return ExitCode::from(2);
    };
    let path = Path::new(&path);
    let baseline = resident().map_or(0, |(_, peak)| peak);
    report("start", baseline);
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("memory: cannot read {}", path.display());
        return ExitCode::FAILURE;
    };
    // Shared by the tree and the source map, as `SourceFile::new` makes it in the CLI.
    let text = SharedText::from(text);
    report("read", baseline);
    let size = text.len();
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    if let Ok(env) = std::fs::read_to_string(path.with_file_name(".env")) {
        map.add(SourceFile::new(".env", env, FileKind::Dotenv));
    }
    let (settings, process) = (Settings::default(), ProcessEnv::default());
    let loaded = load(&map, &process, &settings);
    report("load", baseline);
    let tree = &loaded.project.tree;
    let (copied, items, entries) = tree.buffer_lengths();
    println!(
        "          {} nodes, {copied} bytes of scalar text not read from the file, {items} sequence items, {entries} mapping entries",
        tree.nodes.len()
    );
    let report_ = check(&loaded, &map, &process, &settings);
    report("rules", baseline);
    if let Some((_, peak)) = resident() {
        println!(
            "{} diagnostics; peak {:.1}× the input ({size} bytes)",
            report_.diagnostics.len(),
            (peak * 1024) as f64 / size.max(1) as f64
        );
    }
    ExitCode::SUCCESS
}
