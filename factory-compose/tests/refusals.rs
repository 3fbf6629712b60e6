//! `compose_refusals` on projects of several files. Verdicts checked with `docker compose
//! config` v2.40.3 (`-f a.yml -f b.yml`, empty environment).

use factory_compose::{
    FileKind, ProcessEnv, Settings, SourceFile, SourceMap, compose_refusals, load,
};

fn refusals(files: &[(&str, &str)]) -> Vec<(String, String, u32)> {
    refusals_with(files, &[])
}

/// The refusals of the compose `files` with `others` (files they refer to): code, file, start.
fn refusals_with(files: &[(&str, &str)], others: &[(&str, &str)]) -> Vec<(String, String, u32)> {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(SourceFile::new(*name, *text, FileKind::Compose));
    }
    for (name, text) in others {
        sources.add(SourceFile::new(*name, *text, FileKind::Other));
    }
    let (process, settings) = (ProcessEnv::default(), Settings::default());
    let loaded = load(&sources, &process, &settings);
    compose_refusals(&loaded, &sources, &settings)
        .into_iter()
        .map(|d| {
            let at = d.primary.expect("a refusal has a place").location;
            let file = sources.get(at.file).name.clone();
            (d.code.to_owned(), file, at.span.start)
        })
        .collect()
}

/// The codes and files of the refusals of `files`.
fn codes(files: &[(&str, &str)]) -> Vec<(String, String)> {
    refusals(files)
        .into_iter()
        .map(|(code, file, _)| (code, file))
        .collect()
}

/// One FC020 in `file`.
fn fc020(file: &str) -> Vec<(String, String)> {
    vec![("FC020".to_owned(), file.to_owned())]
}

/// Compose interpolates each file before merging: a value a later file replaces still fails.
#[test]
fn a_replaced_value_is_still_interpolated() {
    let a = "services:\n  web:\n    image: ${X:?nope}\n";
    let b = "services:\n  web:\n    image: nginx\n";
    assert_eq!(
        refusals(&[("a.yml", a), ("b.yml", b)]),
        vec![("FE003".to_owned(), "a.yml".to_owned(), 28)]
    );
    // Compose: `error while interpolating services.web.image: required variable X is missing a
    // value: nope` either way round; the kept value is reported once.
    assert_eq!(
        refusals(&[("b.yml", b), ("a.yml", a)]),
        vec![("FE003".to_owned(), "a.yml".to_owned(), 28)]
    );
    // Reset by the later file: still refused.
    let reset = "services:\n  web:\n    image: !reset null\n    build: .\n";
    assert_eq!(
        refusals(&[("a.yml", a), ("reset.yml", reset)]),
        vec![("FE003".to_owned(), "a.yml".to_owned(), 28)]
    );
    // A default: accepted.
    let with_default = "services:\n  web:\n    image: ${X:-nginx}\n";
    assert!(refusals(&[("a.yml", with_default), ("b.yml", b)]).is_empty());
}

/// Compose reads the env and label files of the services it keeps: a file it cannot read
/// (`key cannot contain a space`) refuses the project, unless only a service its profiles
/// leave out names it.
#[test]
fn unreadable_files_of_services_left_out_are_not_read() {
    let project = |profiles: &str| {
        let mut sources = SourceMap::new();
        let compose = format!(
            "services:\n  web:\n    image: nginx\n  off:\n    image: nginx\n{profiles}    env_file: bad.env\n    label_file: bad.labels\n"
        );
        sources.add(SourceFile::new("compose.yml", compose, FileKind::Compose));
        sources.add(SourceFile::new(
            "bad.env",
            "bad line here\n",
            FileKind::Other,
        ));
        sources.add(SourceFile::new("bad.labels", "bad line\n", FileKind::Other));
        let (process, settings) = (ProcessEnv::default(), Settings::default());
        let loaded = load(&sources, &process, &settings);
        let codes: Vec<(&str, String)> = compose_refusals(&loaded, &sources, &settings)
            .into_iter()
            .map(|d| {
                (
                    d.code,
                    sources
                        .get(d.primary.expect("placed").location.file)
                        .name
                        .clone(),
                )
            })
            .collect();
        (loaded.is_enabled("off"), codes)
    };
    assert_eq!(
        project(""),
        (
            true,
            vec![
                ("FE004", "bad.env".to_owned()),
                ("FE004", "bad.labels".to_owned())
            ]
        )
    );
    assert_eq!(project("    profiles: [debug]\n"), (false, vec![]));
}

/// Compose validates the project merged so far after each file: a required key (`condition`
/// of a long `depends_on`) an earlier file gives is not missing in a later one; missing in the
/// first file, it is refused whatever comes after.
#[test]
fn required_keys_are_checked_on_the_project_merged_so_far() {
    let a = "services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_started\n  db:\n    image: x\n";
    let b = "services:\n  web:\n    depends_on:\n      db: {}\n";
    let c = "services:\n  web:\n    depends_on:\n      cache: {}\n  cache:\n    image: x\n";
    // Verdicts of `docker compose -f … config` (v2.40.3): accepted, then refused three times.
    assert_eq!(codes(&[("a.yml", a), ("b.yml", b)]), vec![]);
    assert_eq!(codes(&[("a.yml", a), ("c.yml", c)]), fc020("c.yml"));
    assert_eq!(codes(&[("b.yml", b), ("a.yml", a)]), fc020("b.yml"));
    assert_eq!(
        codes(&[("a.yml", a), ("b.yml", b), ("c.yml", c)]),
        fc020("c.yml")
    );
}

/// A list Compose's schema wants unique (`group_add`) checked on the files merged so far: the
/// merge can make a repeat neither file has (Compose v2.40.3: `services.w.group_add items at 0
/// and 2 are equal`); a file's own repeat is reported once, with the file.
#[test]
fn repeats_the_merge_makes_are_refused() {
    let g1 = "services:\n  w:\n    image: x\n    group_add: [a, b]\n";
    let g2 = "services:\n  w:\n    group_add: [a]\n";
    let g3 = "services:\n  w:\n    group_add: [c, c]\n";
    let g4 = "services:\n  w:\n    group_add: [d]\n";
    assert_eq!(codes(&[("g1.yml", g1), ("g2.yml", g2)]), fc020("g2.yml"));
    assert_eq!(codes(&[("g1.yml", g1), ("g3.yml", g3)]), fc020("g3.yml"));
    assert_eq!(codes(&[("g1.yml", g1), ("g4.yml", g4)]), vec![]);
}

/// On the files merged so far an earlier file's short ports are mappings (compose-go's
/// canonical form, `published` a string), the last file's as written: a later long port with
/// the same fields and a number `published` repeats an earlier short one, though compose-go's
/// keys for them differ. Verdicts of `docker compose config` v2.40.3: the first file alone is
/// accepted; with any second file, `services.cache.ports items at 0 and 1 are equal`.
#[test]
fn earlier_short_ports_are_compared_in_canonical_form() {
    let c = "services:\n  cache:\n    image: postgres\n    ports:\n      - \"127.0.0.1:8080:80\"\n      - {protocol: tcp, published: 8080, host_ip: 127.0.0.1, mode: ingress, target: 80}\n";
    let o = "services:\n  other:\n    image: x\n";
    assert_eq!(codes(&[("c.yml", c)]), vec![]);
    assert_eq!(codes(&[("c.yml", c), ("o.yml", o)]), fc020("c.yml"));
    let short = "services:\n  cache:\n    image: postgres\n    ports: [\"8080:80\"]\n";
    let long = "services:\n  cache:\n    ports: [{target: 80, published: 8080, protocol: tcp, mode: ingress}]\n";
    let short_later = "services:\n  cache:\n    ports: [\"8080:80\"]\n";
    let long_first = "services:\n  cache:\n    image: postgres\n    ports: [{target: 80, published: 8080, protocol: tcp, mode: ingress}]\n";
    assert_eq!(codes(&[("a.yml", short), ("b.yml", long)]), fc020("b.yml"));
    assert_eq!(
        codes(&[("a.yml", short), ("b.yml", long), ("o.yml", o)]),
        fc020("b.yml")
    );
    assert_eq!(
        codes(&[("a.yml", long_first), ("b.yml", short_later)]),
        vec![]
    );
}

/// A file `include` loads is a project of its own to compose-go, with default values (a long
/// port's `protocol: tcp`); a file `extends` reads is not. Verdicts of `docker compose config`
/// v2.40.3: the included pair of ports is refused (`services.cache.ports items at 0 and 1 are
/// equal`), the extended one only once it writes `protocol: tcp` itself.
#[test]
fn included_ports_have_their_defaults_when_compared() {
    let ports = |protocol: &str| {
        format!(
            "services:\n  cache:\n    image: redis\n    ports:\n      - 8080:80\n      - {{mode: ingress, published: 8080, target: 80{protocol}}}\n"
        )
    };
    let include = "include:\n  - lib/common.yml\nservices:\n  web:\n    image: x\n";
    let extends = "services:\n  web:\n    image: x\n    extends:\n      file: lib/common.yml\n      service: cache\n";
    let codes_of = |main: &str, lib: &str| -> Vec<(String, String)> {
        refusals_with(&[("compose.yml", main)], &[("lib/common.yml", lib)])
            .into_iter()
            .map(|(code, file, _)| (code, file))
            .collect()
    };
    assert_eq!(codes_of(include, &ports("")), fc020("lib/common.yml"));
    assert_eq!(codes_of(extends, &ports("")), vec![]);
    assert_eq!(
        codes_of(extends, &ports(", protocol: tcp")),
        fc020("lib/common.yml")
    );
}

/// A `!reset` value in an anchor is dropped before `<<` reads it, so a mapping's own `!reset`
/// of the same key has nothing to take in its place: the key is gone. Compose v2.40.3 refuses
/// the first project (`service "db" has neither an image nor a build context specified`) and
/// accepts the second (`image: alpine`).
#[test]
fn an_own_reset_over_an_inherited_reset_leaves_nothing() {
    let a = "services:\n  db:\n    image: postgres\n";
    let b = "x-c: &c\n  image: !reset []\nservices:\n  db:\n    <<: *c\n    image: !reset\n";
    let c = "services:\n  db:\n    image: alpine\n";
    let refused: Vec<String> = codes(&[("a.yml", a), ("b.yml", b)])
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(refused, ["FC032"]);
    assert_eq!(codes(&[("a.yml", a), ("b.yml", b), ("c.yml", c)]), vec![]);
}

/// A `!override` read through `<<` marks the path even when the mapping writes the key itself:
/// a null own value then replaces an earlier file's value with null instead of keeping it.
/// Compose v2.40.3 refuses the project (`services.db.image must be a string`).
#[test]
fn an_inherited_override_makes_an_own_null_replace() {
    let a = "services:\n  db:\n    image: postgres\n";
    let b = "x-c: &c\n  image: !override alpine\nservices:\n  db:\n    <<: *c\n    image:\n";
    assert!(!refusals(&[("a.yml", a), ("b.yml", b)]).is_empty());
    let without_override = "services:\n  db:\n    image:\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", without_override)]), vec![]);
}

/// compose-go made an earlier file's `volumes` unique by the targets as written before its
/// canonical form cleaned them: a long item and a short one both at `/data/` are one mount
/// (the short one), not two (Compose v2.40.3 accepts the project; the file alone too).
#[test]
fn an_earlier_file_s_volumes_are_unique_by_written_target_first() {
    let c = "services:\n  app:\n    image: x\n    volumes:\n      - type: volume\n        source: data\n        target: '/data/'\n      - ./data:/data/\nvolumes:\n  data:\n";
    let o = "services:\n  app:\n    volumes:\n      - cache:/var/lib/cache\nvolumes:\n  cache:\n";
    assert_eq!(codes(&[("c.yml", c)]), vec![]);
    assert_eq!(codes(&[("c.yml", c), ("o.yml", o)]), vec![]);
}

/// The required keys are checked once `extends` is applied: a `condition` the extended
/// service gives is not missing (Compose v2.40.3 accepts the first project, refuses the second).
#[test]
fn required_keys_are_checked_after_extends() {
    let extended = "services:\n  app:\n    image: x\n  cache:\n    image: x\n    depends_on:\n      app:\n        condition: service_healthy\n  db:\n    extends:\n      service: cache\n    depends_on:\n      app: {}\n";
    assert_eq!(refusals(&[("compose.yml", extended)]), vec![]);
    let alone =
        "services:\n  app:\n    image: x\n  db:\n    image: x\n    depends_on:\n      app: {}\n";
    assert_eq!(
        refusals(&[("compose.yml", alone)])
            .into_iter()
            .map(|(code, _, _)| code)
            .collect::<Vec<_>>(),
        ["FC020"]
    );
}

/// Compose validates each file before merging: a value the schema refuses is refused even when
/// a later file replaces it, for the values rules report in their own words too (`healthcheck`,
/// `logging` …). Verdicts of `docker compose config` v2.40.3: `validating a.yml:
/// services.app.healthcheck.test must be a string` in either order.
#[test]
fn a_replaced_value_is_still_validated() {
    let a = "services:\n  app:\n    image: alpine\n    healthcheck:\n      test: true\n";
    let b = "services:\n  app:\n    healthcheck:\n      test: pg_isready\n";
    let at_test = vec![("FC020".to_owned(), "a.yml".to_owned(), 64)];
    assert_eq!(refusals(&[("a.yml", a), ("b.yml", b)]), at_test);
    assert_eq!(refusals(&[("b.yml", b), ("a.yml", a)]), at_test);
    // Kept by the merge (no later file sets it): reported once, not per file and merged.
    let c = "services:\n  app:\n    logging:\n      options:\n        tag: true\n";
    assert_eq!(
        codes(&[("a.yml", a), ("c.yml", c)]),
        [fc020("a.yml"), fc020("c.yml")].concat()
    );
    // A valid value replaced: nothing.
    let valid = "services:\n  app:\n    image: alpine\n    healthcheck:\n      test: [CMD, x]\n";
    assert_eq!(codes(&[("v.yml", valid), ("b.yml", b)]), vec![]);
}

/// compose-go's merge refuses a mapping or a list a later file replaces with a value of another
/// kind where no merge rule of its own applies (`cannot override x-a`), reading the earlier
/// value in its canonical form. Verdicts of `docker compose config` v2.40.3.
#[test]
fn a_value_of_another_kind_cannot_override() {
    let web = "services:\n  web:\n    image: nginx\n";
    let with = |extra: &str| format!("{web}{extra}");
    let refused = |a: &str, b: &str| codes(&[("a.yml", a), ("b.yml", b)]);
    // `cannot override x-a`, `cannot override x-a.b`, `cannot override services.web.x-foo`
    assert_eq!(
        refused(&with("x-a:\n  b: 1\n"), "x-a: str\n"),
        fc020("b.yml")
    );
    assert_eq!(
        refused(&with("x-a:\n  b: [1]\n"), "x-a:\n  b: {c: 1}\n"),
        fc020("b.yml")
    );
    assert_eq!(
        refused(
            &with("    x-foo: [1]\n"),
            "services:\n  web:\n    x-foo: 1\n"
        ),
        fc020("b.yml")
    );
    // `gpus: all` is a list by then, and `build.ssh` a mapping.
    assert_eq!(
        refused(
            &with("    gpus: [{driver: nvidia}]\n"),
            "services:\n  web:\n    gpus: all\n"
        ),
        fc020("b.yml")
    );
    assert_eq!(
        refused(
            &with("    build:\n      context: .\n      ssh: [default]\n"),
            "services:\n  web:\n    build:\n      ssh: [a=b]\n"
        ),
        fc020("b.yml")
    );
    // Accepted: `!override`, `!reset`, null, a scalar replaced by a list, `external` (a
    // mapping is `true` by then), `gpus: all` then a list (appended).
    for (a, b) in [
        (with("x-a:\n  b: 1\n"), "x-a: !override str\n"),
        (with("x-a:\n  b: 1\n"), "x-a: !reset str\n"),
        (with("x-a:\n  b: 1\n"), "x-a: ~\n"),
        (with("x-a: 1\n"), "x-a: [1]\n"),
        (
            with("    networks: [n]\nnetworks:\n  n:\n    external: {name: x}\n"),
            "networks:\n  n:\n    external: true\n",
        ),
        (
            with("    gpus: all\n"),
            "services:\n  web:\n    gpus: [{driver: nvidia}]\n",
        ),
    ] {
        assert_eq!(refused(&a, b), vec![], "{a}\n---\n{b}");
    }
}

/// `extends` merges with the same rule, on the extended service as written (compose-go's
/// ExtendService: `cannot override services.x.x-foo`); a `gpus: all` there is not a list yet.
#[test]
fn extends_cannot_override_another_kind_either() {
    let file = |own: &str| {
        format!(
            "services:\n  base:\n    image: a\n    x-foo: [1]\n    gpus: all\n  web:\n    extends: base\n{own}"
        )
    };
    assert_eq!(codes(&[("a.yml", &file("    x-foo: 1\n"))]), fc020("a.yml"));
    for own in [
        "    x-foo: !override 1\n",
        "    x-foo: ~\n",
        "    x-foo: [2]\n",
        "    gpus: [{driver: nvidia}]\n",
    ] {
        assert_eq!(codes(&[("a.yml", &file(own))]), vec![], "{own}");
    }
}

/// The codes and files of the refusals of `compose` with `others` (files it refers to).
fn codes_with(compose: &str, others: &[(&str, &str)]) -> Vec<(String, String)> {
    refusals_with(&[("c.yml", compose)], others)
        .into_iter()
        .map(|(code, file, _)| (code, file))
        .collect()
}

/// compose-go reads a file `extends` names without validating it (only what a service takes
/// from it is validated, with the service), in its canonical form (a `depends_on` entry has a
/// condition), and interpolates it whole. Verdicts of `docker compose config` v2.40.3.
#[test]
fn a_file_extends_reads_is_interpolated_whole_but_validated_only_where_used() {
    let lib = "services:\n  web:\n    image: a\n    cpus: [1]\n  db:\n    image: b\n    depends_on:\n      web: {}\n  env:\n    image: c\n    labels: [\"x=${NAME:?d}\"]\n";
    let extending = |service: &str| {
        format!(
            "services:\n  app:\n    image: c\n    extends:\n      file: lib.yml\n      service: {service}\n  web:\n    image: d\n"
        )
    };
    let refused = |service: &str| codes_with(&extending(service), &[("lib.yml", lib)]);
    // `services.app.cpus must be a number or string` (the merged result).
    assert!(refused("web").contains(&("FC020".to_owned(), "lib.yml".to_owned())));
    // `error while interpolating services.env.labels.[]: required variable NAME is missing a
    // value: d`, whichever service is extended.
    for service in ["web", "db", "env"] {
        assert!(
            refused(service).contains(&("FE003".to_owned(), "lib.yml".to_owned())),
            "{service}"
        );
    }
    // Without the `${NAME:?}`: `db` (its depends_on without condition) is accepted.
    let lib_ok = lib.replace("${NAME:?d}", "1");
    assert_eq!(
        codes_with(&extending("db"), &[("lib.yml", &lib_ok)]),
        vec![]
    );
}

/// compose-go makes `volumes` unique by target with an earlier file's (or a file `extends`
/// reads) short items in canonical form, their target cleaned, and the later items as written:
/// `./data:/data/` (at `/data` by then) and a later `/data/` both stay, then collide. Compose:
/// `services.cache.volumes[3]: target /data already mounted as services.cache.volumes[2]`.
#[test]
fn earlier_short_volumes_are_at_their_cleaned_target() {
    let a = "services:\n  cache:\n    image: a\n    volumes:\n      - type: tmpfs\n        target: /app\n      - ./data:/data/\n";
    let b = "services:\n  cache:\n    volumes:\n      - type: bind\n        source: ./src\n        target: /app\n      - type: bind\n        source: ./y\n        target: /data/\n";
    assert_eq!(
        codes(&[("a.yml", a), ("b.yml", b)]),
        vec![("FC026".to_owned(), "b.yml".to_owned())]
    );
    let extends = "services:\n  web:\n    image: b\n    extends:\n      file: lib.yml\n      service: base\n    volumes:\n      - type: bind\n        source: ./e\n        target: /data/\n";
    let lib = "services:\n  base:\n    image: a\n    volumes: [\"./d:/data/\"]\n";
    assert_eq!(
        codes_with(extends, &[("lib.yml", lib)]),
        vec![("FC026".to_owned(), "c.yml".to_owned())]
    );
    // In one file the short item is compared as written (`/data/`): one item, accepted.
    let own = "services:\n  base:\n    image: a\n    volumes: [\"./d:/data/\"]\n  web:\n    image: b\n    extends: base\n    volumes:\n      - type: bind\n        source: ./e\n        target: /data/\n";
    assert_eq!(codes(&[("c.yml", own)]), vec![]);
}

/// A `depends_on` list in a file `extends` reads is a mapping of default conditions by then, so
/// it merges with the service's own mapping. Compose v2.40.3 accepts it.
#[test]
fn an_extended_depends_on_list_merges_with_a_mapping() {
    let lib = "services:\n  web:\n    image: a\n  db:\n    image: b\n    depends_on: [web]\n";
    for own in ["[cache]", "{web: {condition: service_healthy}}"] {
        let main = format!(
            "services:\n  app:\n    image: c\n    extends:\n      file: lib.yml\n      service: db\n    depends_on: {own}\n  web:\n    image: d\n  cache:\n    image: e\n"
        );
        assert_eq!(codes_with(&main, &[("lib.yml", lib)]), vec![], "{own}");
    }
}

/// compose-go loads an included project with its `configs.*.environment` variable read into
/// `content`, then refuses the config in the including project (`configs.c:
/// file|environment|content attributes are mutually exclusive`, Compose v2.40.3) when the
/// variable is set, even empty; unset, or in the project's own file, it is accepted.
#[test]
fn an_included_config_from_a_set_variable_is_refused() {
    let lib = "services:\n  web:\n    image: a\nconfigs:\n  c:\n    environment: TAG\n";
    let main = "include:\n  - lib.yml\nservices:\n  app:\n    image: b\n";
    let with_env = |env: &str| {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("c.yml", main, FileKind::Compose));
        sources.add(SourceFile::new("lib.yml", lib, FileKind::Other));
        sources.add(SourceFile::new(".env", env, FileKind::Dotenv));
        let (process, settings) = (ProcessEnv::default(), Settings::default());
        let loaded = load(&sources, &process, &settings);
        compose_refusals(&loaded, &sources, &settings)
            .into_iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(with_env("TAG=1\n"), ["FC020"]);
    assert_eq!(with_env("TAG=\n"), ["FC020"]);
    assert_eq!(with_env("OTHER=1\n"), Vec::<&str>::new());
    let own = "services:\n  app:\n    image: b\nconfigs:\n  c:\n    environment: TAG\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("c.yml", own, FileKind::Compose));
    sources.add(SourceFile::new(".env", "TAG=1\n", FileKind::Dotenv));
    let (process, settings) = (ProcessEnv::default(), Settings::default());
    let loaded = load(&sources, &process, &settings);
    assert_eq!(compose_refusals(&loaded, &sources, &settings), vec![]);
}

/// compose-go's mergeDependsOn reads an earlier `depends_on` list as entries of the default
/// condition: a later `db: {restart: true}` merges into one and needs no `condition`. Compose
/// v2.40.3 accepts it.
#[test]
fn a_later_depends_on_entry_merges_into_a_listed_one() {
    let a = "services:\n  app:\n    image: a\n    depends_on: [db]\n  db:\n    image: b\n";
    let b = "services:\n  app:\n    depends_on:\n      db:\n        restart: true\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", b)]), vec![]);
}

/// compose-go marks a `!override` read through `<<` by its path, so the mapping's own value of
/// that key replaces the earlier file's too: `environment` is `{C: 3}`, not `{A: 1, C: 3}`
/// (Compose v2.40.3).
#[test]
fn an_inherited_override_tag_applies_to_the_own_value() {
    let a = "services:\n  app:\n    image: a\n    environment: [A=1]\n";
    let b = "x-c: &c\n  environment: !override [B=2]\nservices:\n  app:\n    <<: *c\n    environment: [C=3]\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("a.yml", a, FileKind::Compose));
    sources.add(SourceFile::new("b.yml", b, FileKind::Compose));
    let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
    let app = loaded.project.service("app").expect("app");
    let names: Vec<&str> = app
        .environment
        .expect("environment")
        .entries(&loaded.project)
        .iter()
        .map(|kv| kv.key(&loaded.project.tree))
        .collect();
    assert_eq!(names, ["C"]);
}

/// compose-go deletes `extends` once it is resolved, so a later file's `extends` of another
/// form is no conflict (Compose v2.40.3 accepts it).
#[test]
fn extends_of_another_form_in_a_later_file_is_no_conflict() {
    let a =
        "services:\n  base:\n    image: a\n  web:\n    image: w\n    extends: {service: base}\n";
    let b = "services:\n  b2:\n    image: b\n  web:\n    extends: b2\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", b)]), vec![]);
}

/// A hostile `ipam.config` merge (compose-go's loop is quadratic) stays linear: two files of
/// 5 000 pools each load at once, without millions of nodes.
#[test]
fn a_huge_ipam_config_merge_stays_small() {
    let pools = "        - {}\n".repeat(5_000);
    let a = format!(
        "services:\n  web:\n    image: a\n    networks: [n]\nnetworks:\n  n:\n    ipam:\n      config:\n{pools}"
    );
    let b = format!("networks:\n  n:\n    ipam:\n      config:\n{pools}");
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("a.yml", a, FileKind::Compose));
    sources.add(SourceFile::new("b.yml", b, FileKind::Compose));
    let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
    assert!(
        loaded.project.tree.nodes.len() < 100_000,
        "{}",
        loaded.project.tree.nodes.len()
    );
}

/// compose-go merges `environment`, `labels`, `sysctls`, `annotations`, `build.args` …
/// (`mergeToSequence`) by printing both sides as `KEY=%v` items before it validates the files
/// merged so far: a later list or mapping value is then a string, accepted, where the file alone
/// (or with an earlier file without the key) is refused; `logging.options` is merged as a
/// mapping and still refused. Verdicts of `docker compose config` v2.40.3.
#[test]
fn a_later_list_value_merged_onto_an_earlier_key_is_a_string() {
    let env = "services:\n  web:\n    image: x\n    environment:\n      B: \"1\"\n";
    let no_env = "services:\n  web:\n    image: x\n";
    let empty_env = "services:\n  web:\n    image: x\n    environment: []\n";
    let later = "services:\n  web:\n    environment:\n      B: [1, 2]\n      C: {x: 1}\n";
    assert_eq!(codes(&[("a.yml", env), ("b.yml", later)]), vec![]);
    assert_eq!(codes(&[("a.yml", empty_env), ("b.yml", later)]), vec![]);
    assert_eq!(
        codes(&[("a.yml", no_env), ("b.yml", later)]),
        [fc020("b.yml"), fc020("b.yml")].concat()
    );
    let options = "services:\n  web:\n    image: x\n    logging:\n      options: {o: \"1\"}\n";
    let options_list = "services:\n  web:\n    logging:\n      options: {o: [1, 2]}\n";
    assert_eq!(
        codes(&[("a.yml", options), ("b.yml", options_list)]),
        fc020("b.yml")
    );
}

/// Top-level volume labels are merged the same way but never made unique again: an item
/// printed the same in both files (`a=1`), or twice in the later file, fails the schema
/// (`volumes.v.labels must be a mapping`, Compose v2.40.3); other values are accepted. Every
/// file's items stay in the list: a third file repeating the first file's item is refused too.
#[test]
fn a_volume_label_item_repeated_by_a_later_file_is_refused() {
    let base = "volumes:\n  v:\n    labels: {a: \"1\"}\nservices:\n  web:\n    image: x\n    volumes: [v:/d]\n";
    let same = "volumes:\n  v:\n    labels: {a: \"1\"}\n";
    let same_number = "volumes:\n  v:\n    labels: {a: 1}\n";
    let same_listed = "volumes:\n  v:\n    labels: [a=1]\n";
    let twice = "volumes:\n  v:\n    labels: {a: [2, 2]}\n";
    let other = "volumes:\n  v:\n    labels: {a: \"2\"}\n";
    let others = "volumes:\n  v:\n    labels: {a: [3, 4]}\n";
    let null = "volumes:\n  v:\n    labels: {a: ~}\n";
    for refused in [same, same_number, same_listed, twice] {
        assert_eq!(
            codes(&[("a.yml", base), ("b.yml", refused)]),
            fc020("b.yml"),
            "{refused}"
        );
    }
    for accepted in [other, others, null] {
        assert_eq!(
            codes(&[("a.yml", base), ("b.yml", accepted)]),
            vec![],
            "{accepted}"
        );
    }
    assert_eq!(
        codes(&[("a.yml", base), ("b.yml", other), ("c.yml", same)]),
        fc020("c.yml")
    );
}

/// compose-go validates the files merged so far after `EnforceUnicity`: a later file's `100`
/// takes the place of the earlier file's (canonical `"100"`), so it comes before `"1e2"` and
/// is no repeat of it (the validator only equals a later number with an earlier numeric
/// string). The same list in one file is refused. Verdicts of Compose v2.40.3.
#[test]
fn a_later_expose_item_is_judged_where_unicity_puts_it() {
    let e1 = "services:\n  c:\n    image: x\n    expose: [100]\n";
    let e2 = "services:\n  c:\n    expose: [\"8000-8001\", \"1e2\", 100]\n";
    let e3 = "services:\n  c:\n    image: x\n    expose: [\"1e2\", 100]\n";
    assert_eq!(codes(&[("e1.yml", e1), ("e2.yml", e2)]), vec![]);
    assert_eq!(codes(&[("e3.yml", e3)]), fc020("e3.yml"));
}

/// compose-go's `mergeExtraHosts` drops every later item an earlier file has, then validates
/// the files merged so far: a later file repeating an earlier item twice is accepted; one
/// adding a new item twice, or one file repeating an item, is refused (`extra_hosts must be a
/// mapping`), and named once though both the load and `compose_refusals` see it. Verdicts of
/// Compose v2.40.3.
#[test]
fn a_later_extra_host_an_earlier_file_has_is_dropped_before_the_repeat_check() {
    let base = "services:\n  w:\n    image: x\n    extra_hosts: [\"h:1.1.1.1\"]\n";
    let same_twice = "services:\n  w:\n    extra_hosts: [\"h:1.1.1.1\", \"h:1.1.1.1\"]\n";
    let new_twice = "services:\n  w:\n    extra_hosts: [\"a:2.2.2.2\", \"a:2.2.2.2\"]\n";
    let no_hosts = "services:\n  w:\n    image: x\n";
    let alone = "services:\n  w:\n    image: x\n    extra_hosts: [\"a:2.2.2.2\", \"a:2.2.2.2\"]\n";
    assert_eq!(codes(&[("a.yml", base), ("b.yml", same_twice)]), vec![]);
    assert_eq!(
        codes(&[("a.yml", base), ("b.yml", new_twice)]),
        fc020("b.yml")
    );
    assert_eq!(
        codes(&[("a.yml", no_hosts), ("b.yml", new_twice)]),
        fc020("b.yml")
    );
    assert_eq!(codes(&[("a.yml", alone)]), fc020("a.yml"));
}

/// go-yaml v3 decodes a scalar with a standard tag to that tag's type and fails to parse the
/// file when its text is not one; `!!binary` must be base64; other tags leave a string.
/// Verdicts of Compose v2.40.3 (`yaml: cannot decode !!str `abc` as a !!int`).
#[test]
fn a_tag_its_text_does_not_decode_to_fails_to_parse() {
    let file = |v: &str| format!("x-e:\n  k: {v}\nservices:\n  a:\n    image: x\n");
    for refused in [
        "!!int abc",
        "!!bool yes",
        "!!binary 'a!b'",
        "!!binary 'aGVsbG8'",
        "!!null x",
        "!!int",
        "!!timestamp 'x'",
        "!!int 2001-12-14",
        "!!float abc",
    ] {
        assert_eq!(
            codes(&[("a.yml", &file(refused))]),
            vec![("FC001".to_owned(), "a.yml".to_owned())],
            "{refused}"
        );
    }
    for accepted in [
        "!!int 0x1F",
        "!!float '1e3'",
        "! 12",
        "!!str",
        "!!null",
        "!!timestamp '2001-12-14'",
        "!foo abc",
        "!!binary aGVsbG8=",
        "!!bool 'True'",
        "!!float .nan",
    ] {
        assert_eq!(codes(&[("a.yml", &file(accepted))]), vec![], "{accepted}");
    }
}

/// A tagged value is typed as go-yaml decodes it before the schema sees it: `image: !!str 12`
/// is a string, `image: !!int '12'` a number. Verdicts of Compose v2.40.3.
#[test]
fn the_schema_sees_what_a_tag_decodes_to() {
    let file = |v: &str| format!("services:\n  a:\n    image: {v}\n");
    assert_eq!(codes(&[("a.yml", &file("!!str 12"))]), vec![]);
    assert_eq!(codes(&[("a.yml", &file("!!int '12'"))]), fc020("a.yml"));
}

/// Docker's `nat.ParsePortSpec` and compose-go's conversion refuse a short port with a host IP
/// Go does not parse, a signed port, an unknown protocol or a zero target, and compose-go
/// refuses a float item (`invalid type float64 for port`). Verdicts of Compose v2.40.3.
#[test]
fn short_ports_compose_cannot_convert_are_refused() {
    let file = |v: &str| format!("services:\n  a:\n    image: x\n    ports:\n      - {v}\n");
    for refused in [
        "\"0\"",
        "0",
        "00",
        "\"80:0\"",
        "\"0-1:0-1\"",
        "\"80/xyz\"",
        "\"8080:80:81\"",
        "12:30:45",
        "\"300.1.1.1:80:80\"",
        "\"01.2.3.4:80:80\"",
        "\"[zz]:80:80\"",
        "\"fe80::1%eth0:80:80\"",
        "1e3",
        "80.0",
        "!!float 1",
        "9223372036854775808",
        // `ParseUint` takes no sign.
        "\"+1\"",
        "\"+80:80\"",
        "\"80:+80\"",
        "\"1-+3\"",
    ] {
        assert_eq!(
            codes(&[("a.yml", &file(refused))]),
            fc020("a.yml"),
            "{refused}"
        );
    }
    for accepted in [
        "\"0:80\"",
        "\"80/\"",
        "\"80/SCTP\"",
        "\"[::1]:80:80\"",
        "\"::1:80:80\"",
        "\"::ffff:1.2.3.4:80:80\"",
        "\"127.0.0.1:8080:80/udp\"",
        "+1",
        "\"080\"",
    ] {
        assert_eq!(codes(&[("a.yml", &file(accepted))]), vec![], "{accepted}");
    }
}

/// compose-go validates a later file merged onto the earlier ones, after `EnforceUnicity` made
/// some lists unique: a later file's repeat is refused, once, where the merge keeps it
/// (`external_links`, `group_add` … are appended) and accepted where it does not (`cap_add`,
/// `dns_opt` are made unique). Verdicts of Compose v2.40.3.
#[test]
fn a_later_file_s_repeats_are_judged_merged() {
    let base = |key: &str| format!("services:\n  a:\n    image: x\n    {key}: [p]\n");
    let later = |key: &str, items: &str| format!("services:\n  a:\n    {key}: {items}\n");
    for key in [
        "external_links",
        "group_add",
        "security_opt",
        "device_cgroup_rules",
    ] {
        for items in ["[q, q]", "[p, p]", "[p]"] {
            assert_eq!(
                codes(&[("a.yml", &base(key)), ("b.yml", &later(key, items))]),
                fc020("b.yml"),
                "{key}: {items}"
            );
        }
        assert_eq!(
            codes(&[("a.yml", &base(key)), ("b.yml", &later(key, "[q]"))]),
            vec![],
            "{key}"
        );
    }
    for key in ["cap_add", "dns_opt", "dns_search", "tmpfs"] {
        for items in ["[q, q]", "[p, p]", "[p, q, q]"] {
            assert_eq!(
                codes(&[("a.yml", &base(key)), ("b.yml", &later(key, items))]),
                vec![],
                "{key}: {items}"
            );
        }
    }
}

/// Values compose-go's decoding refuses after the schema accepted them: a deploy duration
/// without a unit, a boolean or float `storage_opt` value, an `expose` or `group_add` item past
/// int64, a string file mode that is not octal, a string tmpfs mode, a device `count` that is
/// neither `all` nor a number, a negative `healthcheck.retries`, a float file mode or ulimit, a
/// date in `storage_opt`. Verdicts of Compose v2.40.3.
#[test]
fn values_compose_cannot_decode_are_refused() {
    let service = |body: &str| {
        format!(
            "services:\n  a:\n    image: x\n{body}secrets:\n  s:\n    file: ./s\nvolumes:\n  v: {{}}\n"
        )
    };
    for refused in [
        "    deploy:\n      restart_policy:\n        delay: \"1\"\n",
        "    deploy:\n      update_config:\n        monitor: \"5\"\n",
        "    deploy:\n      rollback_config:\n        delay: abc\n",
        "    storage_opt:\n      b: true\n",
        "    storage_opt:\n      n: 1.5\n",
        "    expose: [9223372036854775808]\n",
        "    group_add: [9223372036854775808]\n",
        "    group_add: [18446744073709551615]\n",
        "    secrets:\n      - source: s\n        mode: \"8\"\n",
        "    volumes:\n      - type: tmpfs\n        target: /x\n        tmpfs:\n          mode: \"1\"\n",
        "    gpus:\n      - driver: nvidia\n        count: \"x\"\n",
        "    gpus:\n      - driver: nvidia\n        count: \"1.5\"\n",
        "    healthcheck:\n      test: [\"CMD\", \"x\"]\n      retries: -1\n",
        "    healthcheck:\n      test: [\"CMD\", \"x\"]\n      retries: \"-2\"\n",
        "    secrets:\n      - source: s\n        mode: 1.0\n",
        "    secrets:\n      - source: s\n        mode: 9223372036854775808\n",
        "    ulimits:\n      nofile: 1e3\n",
        "    ulimits:\n      nofile: 9223372036854775808\n",
        "    storage_opt:\n      size: 2001-12-14\n",
        "    storage_opt:\n      size: 9223372036854775808\n",
        // A float past int64 converts to the most negative int64: "must be greater than or
        // equal to 0".
        "    scale: 1e19\n",
        "    scale: 9.3e18\n",
        "    deploy:\n      replicas: 1e19\n",
        "    deploy:\n      replicas: .nan\n",
        // `NanoCPUs` takes no uint64.
        "    deploy:\n      resources:\n        limits:\n          cpus: 9223372036854775808\n",
        // A uint64 wraps into an int: negative.
        "    scale: 9223372036854775808\n",
        "    deploy:\n      replicas: 18446744073709551615\n",
        // `EnforceUnicity` keys a long device by its target: none is "missing a mount target".
        "    devices:\n      - source: /dev/a\n",
        "    devices:\n      - source: /dev/a\n        target:\n",
        // `deploy.resources.*.pids` is read with `ParseInt(s, 10, 64)`.
        "    deploy:\n      resources:\n        limits:\n          pids: \"1e3\"\n",
        "    deploy:\n      resources:\n        limits:\n          pids: \"0x10\"\n",
        "    deploy:\n      resources:\n        limits:\n          pids: \"1_000\"\n",
        "    deploy:\n      resources:\n        limits:\n          pids: \" 5\"\n",
        "    deploy:\n      resources:\n        limits:\n          pids: \"9223372036854775808\"\n",
    ] {
        assert_eq!(
            codes(&[("a.yml", &service(refused))]),
            fc020("a.yml"),
            "{refused}"
        );
    }
    for accepted in [
        "    deploy:\n      restart_policy:\n        delay: \"0\"\n        window: 1m\n",
        "    storage_opt:\n      n: 15\n",
        "    expose: [9223372036854775807]\n",
        "    group_add: [9223372036854775807]\n",
        "    scale: 9e18\n",
        "    scale: 9223372036854775807\n",
        "    cpus: 9223372036854775808\n",
        "    deploy:\n      replicas: 2e1\n",
        "    deploy:\n      resources:\n        limits:\n          pids: \"+5\"\n",
        "    devices:\n      - source: /dev/a\n        target: \"\"\n",
        "    deploy:\n      resources:\n        limits:\n          pids: \"017\"\n",
        "    secrets:\n      - source: s\n        mode: \"440\"\n",
        "    gpus:\n      - driver: nvidia\n        count: \"ALL\"\n",
        "    gpus:\n      - driver: nvidia\n        count: \"+3\"\n",
        "    healthcheck:\n      test: [\"CMD\", \"x\"]\n      retries: 0.5\n",
        "    secrets:\n      - source: s\n        mode: -0x1A\n",
        "    ulimits:\n      nofile: 9223372036854775807\n",
    ] {
        assert_eq!(
            codes(&[("a.yml", &service(accepted))]),
            vec![],
            "{accepted}"
        );
    }
}

/// Compose casts a string at a typed path after interpolating it (`error while interpolating
/// services.a.scale: failed to cast to expected type`): `compose_refusals` refuses an
/// interpolated value that does not cast, an unset variable's empty one included; the load
/// (what `lint` reports) leaves a value rendered with an unset variable to FE002, as the
/// variable may be set when deployed. A `$` interpolation put in the value is a literal.
/// Verdicts of Compose v2.40.3.
#[test]
fn interpolated_values_are_cast_after_interpolation() {
    use factory_compose::Severity;
    let run = |compose: &str, dotenv: &str| {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("a.yml", compose, FileKind::Compose));
        sources.add(SourceFile::new(".env", dotenv, FileKind::Dotenv));
        let (process, settings) = (ProcessEnv::default(), Settings::default());
        let loaded = load(&sources, &process, &settings);
        let on_load: Vec<&str> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code)
            .collect::<Vec<_>>();
        let refused: Vec<&'static str> = compose_refusals(&loaded, &sources, &settings)
            .iter()
            .map(|d| d.code)
            .collect();
        (
            on_load.into_iter().map(str::to_owned).collect::<Vec<_>>(),
            refused,
        )
    };
    let file = "services:\n  a:\n    image: x\n    scale: ${N}\n    privileged: ${B:-false}\n";
    // Set to what does not cast: refused, and reported by the load.
    for dotenv in ["N=x\n", "N=0.5\n", "N=1e3\n", "N=$$\n", "N=2\nB=maybe\n"] {
        let (on_load, refused) = run(file, dotenv);
        assert_eq!(refused, vec!["FC020"], "{dotenv}");
        assert_eq!(on_load, vec!["FC020".to_owned()], "{dotenv}");
    }
    // Unset: Compose casts the empty string and fails; lint reports only the variable.
    let (on_load, refused) = run(file, "");
    assert_eq!(refused, vec!["FC020"]);
    assert!(on_load.is_empty(), "{on_load:?}");
    // Values that cast.
    for dotenv in ["N=2\n", "N=+3\nB=TRUE\n", "N=010\nB=off\n"] {
        let (on_load, refused) = run(file, dotenv);
        assert!(
            refused.is_empty() && on_load.is_empty(),
            "{dotenv}: {refused:?}"
        );
    }
}

/// Go's `ParseFloat` reads the number strings: underscores between digits and hexadecimal
/// floats with a `p` exponent are numbers, a signed `nan` is not; `cpus` is cast with
/// `ParseFloat(s, 32)`, so a value past a `float32` is out of range. After the cast Compose
/// validates what the value became: an interpolated `cpu_percent` past 100 or with a fraction
/// is refused. Verdicts of Compose v2.40.3 (`config`, with the value in `.env`).
#[test]
fn number_strings_are_read_as_go_reads_them_then_validated() {
    let run = |key: &str, value: &str| {
        let mut sources = SourceMap::new();
        let compose = format!("services:\n  a:\n    image: x\n    {key}: ${{V}}\n");
        sources.add(SourceFile::new("a.yml", compose, FileKind::Compose));
        sources.add(SourceFile::new(
            ".env",
            format!("V={value}\n"),
            FileKind::Dotenv,
        ));
        let (process, settings) = (ProcessEnv::default(), Settings::default());
        let loaded = load(&sources, &process, &settings);
        compose_refusals(&loaded, &sources, &settings)
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    };
    for (key, value) in [
        ("cpus", "1_0"),
        ("cpus", "0x1p-2"),
        ("cpus", "0X1.8P1"),
        ("cpus", "1e-400"),
        ("cpus", "3.4028235e38"),
        ("cpu_percent", "1_0"),
        ("cpu_percent", "50."),
        ("cpu_percent", "100"),
    ] {
        assert_eq!(run(key, value), Vec::<&str>::new(), "{key}: {value}");
    }
    for (key, value) in [
        ("cpus", "1e39"),
        ("cpus", "-nan"),
        ("cpus", "1__0"),
        ("cpus", "_1"),
        ("cpus", "1_"),
        ("cpus", "0x10"),
        ("cpus", "0x1p"),
        ("cpus", "infin"),
        ("cpu_percent", "101"),
        ("cpu_percent", "-1"),
        ("cpu_percent", "50.5"),
        ("cpu_percent", "0x1p-2"),
        ("cpu_percent", "1e400"),
    ] {
        assert_eq!(run(key, value), vec!["FC020"], "{key}: {value}");
    }
}

/// compose-go's `HostsList` and boolean decoding: an `extra_hosts` item without `=` or `:`
/// ("invalid additional host, missing IP"), an empty host or one holding a separator ("bad
/// host name"), a number or boolean mapping value; a `depends_on.restart` or
/// `env_file.required` string that is not a YAML 1.1 boolean. Verdicts of Compose v2.40.3.
#[test]
fn extra_hosts_and_boolean_strings_compose_cannot_decode_are_refused() {
    let hosts = |v: &str| format!("services:\n  a:\n    image: x\n    extra_hosts: {v}\n");
    for refused in [
        "[\"myhost\"]",
        "[\"h 1.2.3.4\"]",
        "[\"=1.2.3.4\"]",
        "[\":1.2.3.4\"]",
        "{h: 1}",
        "{h: true}",
        "{\"a:b\": 1.1.1.1}",
        "{\"\": 1.1.1.1}",
        "{h: }",
        "[\"a:b=1\"]",
    ] {
        assert_eq!(
            codes(&[("a.yml", &hosts(refused))]),
            fc020("a.yml"),
            "{refused}"
        );
    }
    for accepted in [
        "[\"myhost:\"]",
        "[\"h=1.2.3.4\"]",
        "[\"h:::1\"]",
        "[\"a=b:1\"]",
        "{h: 1.2.3.4}",
        "{h: [1.1.1.1, 2.2.2.2]}",
    ] {
        assert_eq!(codes(&[("a.yml", &hosts(accepted))]), vec![], "{accepted}");
    }
    let restart = |v: &str| {
        format!(
            "services:\n  a:\n    image: x\n    depends_on:\n      b:\n        condition: service_started\n        restart: {v}\n  b:\n    image: y\n"
        )
    };
    for (value, refused) in [
        ("\"1\"", true),
        ("\"t\"", true),
        ("\"yes\"", false),
        ("\"False\"", false),
    ] {
        let expected = if refused { fc020("a.yml") } else { vec![] };
        assert_eq!(
            codes(&[("a.yml", &restart(value))]),
            expected,
            "restart: {value}"
        );
    }
}

/// compose-go's `checkConsistency` reads a secret's `environment` as a string: empty (an unset
/// variable, often) it is none, and the secret declares neither `file` nor `environment`;
/// `external` still needs none. Verdicts of Compose v2.40.3.
#[test]
fn a_secret_with_an_empty_environment_has_no_source() {
    let file = |secret: &str| {
        format!("services:\n  a:\n    image: x\n    secrets: [s]\nsecrets:\n  s:\n{secret}")
    };
    for refused in ["    environment: \"\"\n", "    environment: ${UNSET}\n"] {
        assert_eq!(
            codes(&[("a.yml", &file(refused))]),
            fc020("a.yml"),
            "{refused}"
        );
    }
    for accepted in [
        "    environment: X\n",
        "    environment: \"\"\n    external: true\n",
    ] {
        assert_eq!(codes(&[("a.yml", &file(accepted))]), vec![], "{accepted}");
    }
}

/// A quoted scalar whose continuation lines are indented less than its block is read (go-yaml
/// does not look at their indentation), but not where go-yaml refuses it too: a quoted key on
/// two lines, a document marker at a line start, no closing quote. Verdicts of Compose v2.40.3.
#[test]
fn under_indented_quoted_scalars_are_read_as_go_yaml_reads_them() {
    let file = |labels: &str| format!("services:\n  s:\n    image: x\n    labels:\n{labels}");
    for refused in [
        "      \"a\n b\": x\n",
        "      a: \"x\n---\n y\"\n",
        "      a: \"x\n... y\"\n",
        "      a: \"unterminated\n y\n",
    ] {
        assert_eq!(
            codes(&[("a.yml", &file(refused))]),
            vec![("FC001".to_owned(), "a.yml".to_owned())],
            "{refused}"
        );
    }
    for accepted in [
        "      a: \"x\n y\"\n",
        "      a: \"x\n ---\n y\"\n",
        "      a: 'x\ny'\n",
        "      - \"a=x\n y\"\n",
    ] {
        assert_eq!(codes(&[("a.yml", &file(accepted))]), vec![], "{accepted}");
    }
}

/// compose-go validates the files merged so far, and its merge keeps the earlier value under a
/// later null: `environment:` left empty in an override is no error. A null where no earlier
/// file has the key is copied, and refused (both checked with Compose v2.40.3:
/// `services.app.healthcheck.retries must be a number or string`).
#[test]
fn a_null_over_an_earlier_value_keeps_it_and_is_not_refused() {
    let a = "services:\n  app:\n    image: x\n    environment: {A: \"1\"}\n    healthcheck: {test: [CMD, \"true\"], retries: 3}\n";
    let b = "services:\n  app:\n    environment:\n    healthcheck: {retries: null}\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", b)]), []);
    let a = "services:\n  app:\n    image: x\n    healthcheck: {test: [CMD, \"true\"]}\n";
    // Compose names the first (`services.app.environment must be a mapping`), factory both.
    assert_eq!(
        codes(&[("a.yml", a), ("b.yml", b)]),
        [fc020("b.yml"), fc020("b.yml")].concat()
    );
}

/// A null `logging` over an earlier file's is the one null compose-go's merge does not keep
/// the earlier value under: `mergeLogging` casts it to a mapping and Compose v2.40.3 panics
/// (`interface {} is nil, not map[string]interface {}`). Elsewhere, or with no earlier
/// `logging`, a later null is handled as above.
#[test]
fn a_null_logging_over_an_earlier_one_is_refused_as_compose_crashes() {
    let a =
        "services:\n  app:\n    image: x\n    logging: {driver: json-file}\n  web:\n    image: x\n";
    let b = "services:\n  app:\n    logging:\n";
    let found = refusals(&[("a.yml", a), ("b.yml", b)]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("FC020", "b.yml")
    );
    // `web` has no earlier `logging`: the null is copied, and the schema refuses it.
    let c = "services:\n  web:\n    logging:\n";
    let found = refusals(&[("a.yml", a), ("c.yml", c)]);
    assert_eq!(found.len(), 1, "{found:?}");
}

/// compose-go merges `labels` as lists of `KEY=%v` strings when an earlier file has them, even
/// through `extends`: a later mapping value is printed `map[b:1]`, not refused (v2.40.3).
#[test]
fn labels_inherited_through_extends_are_merged_as_strings() {
    let a =
        "services:\n  worker:\n    image: x\n    labels: [\"a=1\"]\n  app:\n    extends: worker\n";
    let b = "services:\n  app:\n    labels:\n      p: {b: 1}\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", b)]), []);
    let a = "services:\n  worker:\n    image: x\n  app:\n    extends: worker\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", b)]), fc020("b.yml"));
}

/// compose-go's transformSSH: a `build.ssh` list item is `ID=PATH` or `default` alone
/// (`invalid ssh key "mid"`, v2.40.3; its own output `- 'default: /k'` is refused the same way).
#[test]
fn an_ssh_key_without_a_path_other_than_default_is_refused() {
    let ok = "services:\n  a:\n    build:\n      context: .\n      ssh: [default, k=/key, e=]\n";
    assert_eq!(codes(&[("a.yml", ok)]), []);
    let bad = "services:\n  a:\n    build:\n      context: .\n      ssh: [mid]\n";
    assert_eq!(codes(&[("a.yml", bad)]), fc020("a.yml"));
    let printed = "services:\n  a:\n    build:\n      context: .\n      ssh: ['default: /k']\n";
    assert_eq!(codes(&[("a.yml", printed)]), fc020("a.yml"));
}

/// A mapping an anchor shares is merged as strings only where an earlier file has its path
/// (compose-go merges each service on its own), and `!override` replaces instead of merging
/// (both checked with Compose v2.40.3: `services.cache.environment.X_Y must be a boolean,
/// null, number or string`).
#[test]
fn values_merged_as_strings_are_judged_path_by_path() {
    let a = "services:\n  web:\n    image: x\n    environment: [A=1]\n";
    let shared = "x-c: &c\n  environment:\n    X_Y: {b: NO}\nservices:\n  cache:\n    <<: *c\n    image: y\n  web:\n    <<: *c\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", shared)]), fc020("b.yml"));
    let web_only = "x-c: &c\n  environment:\n    X_Y: {b: NO}\nservices:\n  web:\n    <<: *c\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", web_only)]), []);
    let nulls = "x-c: &c\n  environment:\nservices:\n  cache:\n    <<: *c\n    image: y\n  web:\n    <<: *c\n";
    assert_eq!(codes(&[("a.yml", a), ("b.yml", nulls)]), fc020("b.yml"));
    let overridden = "services:\n  web:\n    environment: !override\n      X_Y: {b: NO}\n";
    assert_eq!(
        codes(&[("a.yml", a), ("b.yml", overridden)]),
        fc020("b.yml")
    );
}
