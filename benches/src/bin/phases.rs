//! Times each phase of the pipeline on one compose file, in process, and prints milliseconds
//! (best of RUNS) and throughput: `phases FILE [RUNS]`. The file's directory `.env` is loaded
//! too. For finding where the time goes; `cargo bench` is the measurement of record.
#![allow(clippy::disallowed_methods, clippy::print_stdout, clippy::print_stderr)]

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use factory_compose::yaml::{self, Limits};
use factory_compose::{
    FileId, FileKind, ProcessEnv, Settings, SharedText, SourceFile, SourceMap, compose_refusals,
    lint, load,
};

/// As in the `factory` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1).map(Path::new) else {
        eprintln!("usage: phases FILE [RUNS]");
        return ExitCode::from(2);
    };
    let runs = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("phases: cannot read {}", path.display());
        return ExitCode::FAILURE;
    };
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "docker-compose.yml",
        text.as_str(),
        FileKind::Compose,
    ));
    if let Ok(env) = std::fs::read_to_string(path.with_file_name(".env")) {
        map.add(SourceFile::new(".env", env, FileKind::Dotenv));
    }
    // `PHASES_THREADS=N`: the rules share N threads, as in the CLI (default 1).
    let settings = Settings {
        threads: std::env::var("PHASES_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1),
        ..Settings::default()
    };
    let process = ProcessEnv::default();
    let mb = text.len() as f64 / 1e6;
    // `PHASES_LINT=N`: only lint, N times (for a profiler).
    if let Some(n) = std::env::var("PHASES_LINT")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        for _ in 0..n {
            black_box(lint(&map, &process, &settings));
        }
        return ExitCode::SUCCESS;
    }
    let loaded = load(&map, &process, &settings);
    // The text as the source map shares it with the trees.
    let shared = SharedText::from(text.as_str());
    let phases: [(&str, Duration); 5] = [
        (
            "events",
            best(runs, || {
                saphyr_parser::Parser::new_from_str(&text)
                    .take_while(Result::is_ok)
                    .count()
            }),
        ),
        (
            "parse",
            best(runs, || {
                yaml::parse(shared.clone(), FileId(0), &Limits::default())
            }),
        ),
        ("load", best(runs, || load(&map, &process, &settings))),
        ("lint", best(runs, || lint(&map, &process, &settings))),
        // What `config` checks on a loaded project before printing it (not part of `lint`).
        (
            "refusals",
            best(runs, || compose_refusals(&loaded, &map, &settings)),
        ),
    ];
    let parsed = yaml::parse(shared, FileId(0), &Limits::default());
    println!(
        "{} bytes, {} nodes ({} bytes each)",
        text.len(),
        parsed.tree.nodes.len(),
        std::mem::size_of::<yaml::Node>()
    );
    for (name, d) in phases {
        let ms = d.as_secs_f64() * 1e3;
        println!("{name:>8} {ms:9.2} ms {:8.1} MB/s", mb / d.as_secs_f64());
    }
    ExitCode::SUCCESS
}
