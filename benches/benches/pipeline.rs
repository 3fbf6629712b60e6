//! Criterion benches per phase (parse, merge, interpolate, model, rules, then load = all of
//! loading, lint = load + rules, render_json, render_human, config_yaml, load_two_files) on
//! generated projects of 10 … 10 000 services and on the corpus.
#![allow(missing_docs, clippy::disallowed_methods)]

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use factory_benches::{generated_dotenv, generated_project};
use factory_compose::render::{self, Format, Options};
use factory_compose::report::human::{self, Color};
use factory_compose::report::json;
use factory_compose::yaml::{self, Limits};
use factory_compose::{
    Diagnostics, FileId, FileKind, ProcessEnv, Settings, SharedText, SourceFile, SourceMap, check,
    interpolate, lint, load, merge, model,
};

fn sources(compose: &str) -> SourceMap {
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "docker-compose.yml",
        compose,
        FileKind::Compose,
    ));
    map.add(SourceFile::new(
        ".env",
        generated_dotenv(),
        FileKind::Dotenv,
    ));
    map
}

fn phases(c: &mut Criterion) {
    let settings = Settings::default();
    let env = ProcessEnv::default();
    for n in [10usize, 100, 1_000, 10_000] {
        let text = generated_project(n);
        let map = sources(&text);
        let mut group = c.benchmark_group(format!("generated/{n}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        if n >= 1_000 {
            group.sample_size(10);
        }
        // The text as the source map shares it with the trees.
        let shared = SharedText::from(text.as_str());
        group.bench_function("parse", |b| {
            b.iter(|| yaml::parse(black_box(shared.clone()), FileId(0), &Limits::default()))
        });
        // The phases one by one, each on the previous phase's output (cloned outside the
        // timing): merge of two files, interpolation, model, rules.
        let parsed = yaml::parse(shared, FileId(0), &Limits::default()).tree;
        group.bench_function("merge", |b| {
            b.iter_batched(
                || vec![parsed.clone(), parsed.clone()],
                |trees| merge::merge(black_box(trees)),
                BatchSize::LargeInput,
            )
        });
        let loaded = load(&map, &env, &settings);
        group.bench_function("interpolate", |b| {
            b.iter_batched(
                || parsed.clone(),
                |mut tree| {
                    let mut diags = Diagnostics::new(usize::MAX);
                    interpolate::run(&mut tree, &map, &loaded.variables, &settings, &mut diags)
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function("model", |b| {
            b.iter_batched(
                || loaded.project.tree.clone(),
                |tree| model::build(black_box(tree), &mut Diagnostics::new(usize::MAX)),
                BatchSize::LargeInput,
            )
        });
        group.bench_function("rules", |b| {
            b.iter(|| check(black_box(&loaded), &map, &env, &settings))
        });
        group.bench_function("load", |b| {
            b.iter(|| load(black_box(&map), &env, &settings))
        });
        group.bench_function("lint", |b| {
            b.iter(|| lint(black_box(&map), &env, &settings))
        });
        let report = lint(&map, &env, &settings);
        group.bench_function("render_json", |b| {
            b.iter(|| json::render(black_box(&report), &map))
        });
        // Without its `.env` the project has about three findings per service, a third of them
        // with a second label on the shared anchor at the top of the file: each human frame
        // must cost its own lines, not the lines between (it was quadratic in the file).
        let mut bare = SourceMap::new();
        bare.add(SourceFile::new(
            "docker-compose.yml",
            text.as_str(),
            FileKind::Compose,
        ));
        let findings = lint(&bare, &env, &settings);
        group.bench_function("render_human", |b| {
            b.iter(|| human::render(black_box(&findings), &bare, Color::Never, 1))
        });
        group.bench_function("config_yaml", |b| {
            b.iter(|| {
                render::render(
                    black_box(&loaded),
                    &settings,
                    &Options::default(),
                    Format::Yaml,
                )
            })
        });
        // Merge: the same project again as an override file (every service, every key merged).
        let mut two = sources(&text);
        two.add(SourceFile::new(
            "docker-compose.override.yml",
            text.as_str(),
            FileKind::Compose,
        ));
        group.bench_function("load_two_files", |b| {
            b.iter(|| load(black_box(&two), &env, &settings))
        });
        group.finish();
    }
}

fn corpus(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let Ok(index) = std::fs::read_to_string(dir.join("INDEX.tsv")) else {
        return;
    };
    let files: Vec<SharedText> = index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter_map(|p| std::fs::read_to_string(dir.join(p)).ok())
        .map(SharedText::from)
        .collect();
    let total: usize = files.iter().map(|f| f.len()).sum();
    let maps: Vec<SourceMap> = files.iter().map(|t| sources(t)).collect();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(total as u64));
    group.sample_size(10);
    group.bench_with_input(
        BenchmarkId::new("parse", files.len()),
        &files,
        |b, files| {
            b.iter(|| {
                for f in files {
                    black_box(yaml::parse(f.clone(), FileId(0), &Limits::default()));
                }
            });
        },
    );
    group.bench_with_input(BenchmarkId::new("load", files.len()), &maps, |b, maps| {
        b.iter(|| {
            for m in maps {
                black_box(load(m, &ProcessEnv::default(), &Settings::default()));
            }
        });
    });
    let loaded: Vec<_> = maps
        .iter()
        .map(|m| load(m, &ProcessEnv::default(), &Settings::default()))
        .collect();
    group.bench_with_input(BenchmarkId::new("rules", files.len()), &maps, |b, maps| {
        b.iter(|| {
            for (m, l) in maps.iter().zip(&loaded) {
                black_box(check(l, m, &ProcessEnv::default(), &Settings::default()));
            }
        });
    });
    group.bench_with_input(
        BenchmarkId::new("config_yaml", files.len()),
        &loaded,
        |b, loaded| {
            b.iter(|| {
                for l in loaded {
                    black_box(render::render(
                        l,
                        &Settings::default(),
                        &Options::default(),
                        Format::Yaml,
                    ));
                }
            });
        },
    );
    group.bench_with_input(BenchmarkId::new("lint", files.len()), &maps, |b, maps| {
        b.iter(|| {
            for m in maps {
                black_box(lint(m, &ProcessEnv::default(), &Settings::default()));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, phases, corpus);
criterion_main!(benches);
