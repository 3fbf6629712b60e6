//! Compose's schema for the keys the model does not type: what `docker compose config` refuses
//! with `validating FILE: services.app.user must be a string` before it even merges the files.
//!
//! Checked on each file's tree as parsed (before merge and interpolation), as Compose checks
//! each file. The keys of the platform's allow-list are typed by [`crate::model`], which reports
//! their FC020 on the merged project; this module checks only what the model lets through for
//! them (a number in a `command` list, a long-syntax port's fields, `depends_on.x.condition` …).
//!
//! The facts are those of `schema/compose-spec.json` in compose-go v2.9.1 (the version Compose
//! v2.40.3 embeds), written here as a table of [`S`] values, and checked with
//! `docker compose config` v2.40.3:
//! - Compose validates after interpolation, so a string holding `$` is not checked against an
//!   enum, a pattern or a bound (its value is not known yet); its type is a string whatever the
//!   variable holds, except at the paths Compose casts (`scale`, `init` …, [`Cast`]).
//! - Compose casts every string at those paths (`scale: "3"` is 3, `init: "maybe"` is refused:
//!   `failed to cast to expected type`), before the schema sees it.
//! - go-yaml decodes an unquoted date as a timestamp, which no typed place accepts (`invalid
//!   jsonType time.Time`); untyped places (`x-` keys, `storage_opt`) accept anything.
//! - Compose removes repeated items of some lists before validating (`cap_add`, `dns`, `ports`,
//!   `environment` …), so only the other `uniqueItems` lists refuse repeats (`external_links`,
//!   `group_add`, `device_cgroup_rules` …).
//!
//! - A value tagged `!reset` is dropped before validating; a scalar with a tag of its own
//!   (`!override 1000`, `!!str 1`) is a string, as go-yaml decodes it.
//!
//! Unknown keys directly under a service or at the top level are reported elsewhere (lib.rs);
//! every nested object (`deploy`, `build`, `networks.x` …) is checked here. `healthcheck`,
//! `logging` and `extra_hosts` are their rules' (FC025, FC031, FC028), but for a repeated
//! `extra_hosts` item; `version` is FC016's.
//!
//! Compose actually validates the project merged so far after each file, not the file alone:
//! a key the schema requires (`depends_on.x.condition`, a long volume's `type`) may come from an
//! earlier file, and repeats may come from two files (`group_add`). Checking each file alone
//! reports the first and misses the second, for a later file.
//!
//! One walk of the tree, allocation-free per node: the path a message names is a chain of
//! frames on the stack, formatted only when a diagnostic is written.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::go_json::{self, J};
use crate::model::convert::{compose_bool, describe, scalar_kind};
use crate::render::parse::{GoScalar, go_parse_float};
use crate::rules::registry;
use crate::span::{FileId, Location};
use crate::yaml::{Entry, NodeId, NodeKind, PlainValue, Tree};
use std::fmt::{self, Display, Write as _};

/// Which of Compose's schema checks to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checks {
    /// Every one: a project of one file, or a file `include` or `extends` loads on its own.
    All,
    /// All but missing required keys: one of several `-f` files. Compose validates the
    /// project merged so far after each file, so a key an earlier file gives is not missing.
    NotRequired,
    /// Only missing required keys, and the repeated items the merge made (a list Compose's
    /// schema wants unique): the files merged so far ([`Checks::NotRequired`]).
    OnlyRequired,
    /// Only the values interpolation wrote, which the checks before it left alone (templates):
    /// Compose casts a string at a typed path (`scale`, `privileged` …) after interpolating it
    /// (`error while interpolating services.a.scale: failed to cast to expected type`), so
    /// `scale: ${N}` with `N` unset is refused; then it validates what the value became
    /// (`cpu_percent: ${P}` with `P=101` is past the schema's maximum).
    Interpolated,
}

/// Report every value of `tree` (one compose file) that Compose's schema refuses, as FC020.
pub(crate) fn check(tree: &Tree, diags: &mut Diagnostics) {
    check_some(tree, Checks::All, diags);
}

/// The values Compose's schema refuses that a rule reports in its own terms (`version`: FC016;
/// `healthcheck`: FC025; `logging`: FC031; `extra_hosts`: FC028; a collection or a date as an
/// `environment` or `labels` value: FC021): for [`crate::compose_refusals`] only, so that `lint`
/// does not say the same thing twice (and does not pay for them).
pub(crate) fn check_covered(tree: &Tree, checks: Checks, diags: &mut Diagnostics) {
    Cx::new(tree, checks).covered(diags);
}

/// The service keys of [`check_covered`].
const COVERED: &[(&str, S)] = &[
    ("healthcheck", object(&HEALTHCHECK)),
    ("logging", object(&LOGGING)),
    ("extra_hosts", EXTRA_HOSTS),
    ("environment", LIST_OR_DICT_DEDUPED),
    ("labels", LIST_OR_DICT_DEDUPED),
];

/// `healthcheck` (`retries` and `disable` cast as Compose casts them).
const HEALTHCHECK: Obj = closed(&[
    ("disable", CAST_BOOL),
    ("interval", STRING),
    ("retries", CAST_NUM),
    ("test", one_of(&[STRING, STRINGS])),
    ("timeout", STRING),
    ("start_period", STRING),
    ("start_interval", STRING),
]);

/// `logging`.
const LOGGING: Obj = closed(&[
    ("driver", STRING),
    (
        "options",
        object(&map_of(KeyPattern::Line, ty(STR | NUM | NULL), false)),
    ),
]);

/// The interpolated values of `tree` Compose refuses, failing their cast or the schema
/// ([`Checks::Interpolated`]), but those of `unset` (sorted) when given.
pub(crate) fn check_interpolated(tree: &Tree, unset: Option<&[NodeId]>, diags: &mut Diagnostics) {
    let cx = Cx {
        settled_only: unset,
        ..Cx::new(tree, Checks::Interpolated)
    };
    for &doc in &tree.documents {
        cx.document(doc, diags);
    }
}

/// [`check`], reporting only `checks`.
pub(crate) fn check_some(tree: &Tree, checks: Checks, diags: &mut Diagnostics) {
    let cx = Cx::new(tree, checks);
    for &doc in &tree.documents {
        cx.document(doc, diags);
    }
}

/// [`check_some`] on one of the project's files (`later_file`: not the first): the values of
/// `skipped` are not checked at their paths, as compose-go validates the files merged so far:
/// mappings an earlier file has too at an `environment`, `labels` … key
/// ([`crate::merge::as_strings_values`]), whose list and mapping values are strings there, and
/// nulls at a path an earlier file has, which keep its value ([`crate::merge::kept_nulls`]);
/// nor a later file's repeated items, judged on the files merged so far. [`check_covered`]
/// when `covered`.
pub(crate) fn check_later_file(
    tree: &Tree,
    (checks, later_file): (Checks, bool),
    skipped: &crate::merge::SkippedValues,
    covered: bool,
    diags: &mut Diagnostics,
) {
    let cx = Cx {
        skipped: Some(skipped),
        later_file,
        ..Cx::new(tree, checks)
    };
    if covered {
        cx.covered(diags);
    } else {
        for &doc in &tree.documents {
            cx.document(doc, diags);
        }
    }
}

/// [`Checks::OnlyRequired`] on the files merged so far, `last` the file merged last: what the
/// earlier files (and the files `include` and `extends.file` read) gave is in compose-go's
/// canonical form by then (a short port is a mapping), `last`'s values are as written.
/// `included` are the files `include` loaded: compose-go loads them as projects of their own,
/// with default values (a long port's `protocol: tcp`, `mode: ingress`).
pub(crate) fn check_merged(
    tree: &Tree,
    last: Option<FileId>,
    included: &[FileId],
    diags: &mut Diagnostics,
) {
    let cx = Cx {
        last_file: last,
        included,
        ..Cx::new(tree, Checks::OnlyRequired)
    };
    for &doc in &tree.documents {
        cx.document(doc, diags);
    }
}

// ---------------------------------------------------------------------------------------------
// The schema table.

/// JSON types, as a bit set (`0`: any type).
const STR: u8 = 1;
const NUM: u8 = 2;
const INT: u8 = 4;
const BOOL: u8 = 8;
const NULL: u8 = 16;
const OBJ: u8 = 32;
const ARR: u8 = 64;

/// How Compose casts a string at this path before validating (compose-go
/// `interpolateTypeCastMapping`): `strconv.Atoi`/`ParseInt`, `ParseFloat`, or its `toBoolean`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cast {
    None,
    Int,
    /// `toFloat`: `ParseFloat(s, 64)`.
    Float,
    /// `toFloat32` (`cpus`): `ParseFloat(s, 32)`, out of range past a `float32`'s.
    Float32,
    Bool,
}

/// A `pattern` keyword (unanchored, as written in the schema).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pattern {
    None,
    /// `[a-zA-Z0-9][a-zA-Z0-9_.-]+`
    ContainerName,
    /// `always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+`
    PullPolicy,
}

/// A `patternProperties` key pattern other than `^x-`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyPattern {
    /// `^[a-zA-Z0-9._-]+$`: service, network, volume … names.
    Name,
    /// `.+`: any key with a character other than a newline.
    Any,
    /// `^.+$`: a non-empty key without a newline.
    Line,
    /// `^[a-z]+$`: `ulimits` names.
    Lower,
}

impl KeyPattern {
    fn matches(self, key: &str) -> bool {
        match self {
            Self::Name => {
                !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            }
            Self::Any => key.chars().any(|c| c != '\n'),
            Self::Line => !key.is_empty() && !key.contains('\n'),
            Self::Lower => !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase()),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Name => "letters, digits, `.`, `_` and `-`",
            Self::Any | Self::Line => "a non-empty name",
            Self::Lower => "lower-case letters",
        }
    }
}

/// FC020: the mapping at `path` does not allow the key `key` (Compose: `additional properties
/// 'KEY' not allowed`).
fn key_not_allowed(path: &dyn std::fmt::Display, key: &str, help: String) -> Diagnostic {
    registry::diagnostic("FC020", format!("`{path}` does not allow the key `{key}`"))
        .with_help(help)
}

/// FC020 for an empty key in the mapping of names at `path` (`environment`, `labels` …), as
/// the schema check reports it: the model reports it too, and `config` keeps one of the two.
pub(crate) fn empty_name(path: &dyn std::fmt::Display) -> Diagnostic {
    key_not_allowed(
        path,
        "",
        format!(
            "rename ``: Compose wants {} here",
            KeyPattern::Any.describe()
        ),
    )
}

/// One schema: the JSON-schema keywords Compose's schema uses, each applying to the instances
/// of its type (`obj` to mappings, `items` to sequences …).
#[derive(Clone, Copy)]
struct S {
    /// `type`: a set of [`STR`], [`NUM`] …; `0` for any.
    types: u8,
    /// `oneOf`; empty for none.
    one_of: &'static [S],
    /// `properties`, `patternProperties`, `additionalProperties`, `required`.
    obj: Option<&'static Obj>,
    /// `items`.
    items: Option<&'static S>,
    /// `uniqueItems` (only where Compose does not drop repeats before validating).
    unique: bool,
    /// `enum` (of strings).
    choices: &'static [&'static str],
    /// `pattern`.
    pattern: Pattern,
    /// `minimum`, `maximum`.
    min: Option<i64>,
    max: Option<i64>,
    /// Compose's cast of a string at this path.
    cast: Cast,
}

/// The object keywords of a schema.
struct Obj {
    /// `properties`.
    props: &'static [(&'static str, S)],
    /// `patternProperties` other than `^x-`.
    names: Option<(KeyPattern, S)>,
    /// `additionalProperties: false`.
    closed: bool,
    /// `patternProperties: {"^x-": {}}`.
    x: bool,
    /// `required`.
    required: &'static [&'static str],
}

const ANY: S = S {
    types: 0,
    one_of: &[],
    obj: None,
    items: None,
    unique: false,
    choices: &[],
    pattern: Pattern::None,
    min: None,
    max: None,
    cast: Cast::None,
};

const fn ty(types: u8) -> S {
    S { types, ..ANY }
}

const fn cast(types: u8, cast: Cast) -> S {
    S { types, cast, ..ANY }
}

const fn list(items: &'static S) -> S {
    S {
        types: ARR,
        items: Some(items),
        ..ANY
    }
}

const fn unique_list(items: &'static S) -> S {
    S {
        types: ARR,
        items: Some(items),
        unique: true,
        ..ANY
    }
}

const fn object(obj: &'static Obj) -> S {
    S {
        types: OBJ,
        obj: Some(obj),
        ..ANY
    }
}

const fn one_of(branches: &'static [S]) -> S {
    S {
        one_of: branches,
        ..ANY
    }
}

const fn choice(choices: &'static [&'static str]) -> S {
    S {
        types: STR,
        choices,
        ..ANY
    }
}

/// A closed object with `^x-` keys allowed.
const fn closed(props: &'static [(&'static str, S)]) -> Obj {
    Obj {
        props,
        names: None,
        closed: true,
        x: true,
        required: &[],
    }
}

/// An object whose keys match `pattern`, each value `value`.
const fn map_of(pattern: KeyPattern, value: S, closed: bool) -> Obj {
    Obj {
        props: &[],
        names: Some((pattern, value)),
        closed,
        x: false,
        required: &[],
    }
}

const STRING: S = ty(STR);
const STRINGS: S = list(&STRING);
/// `list_of_strings` where Compose drops repeats first (`uniqueItems` never fails).
const STRINGS_DEDUPED: S = list(&STRING);
/// `list_of_strings` where it does not.
const STRINGS_UNIQUE: S = unique_list(&STRING);
const BOOL_OR_STRING: S = ty(BOOL | STR);
const INT_OR_STRING: S = ty(INT | STR);
const NUM_OR_STRING: S = ty(NUM | STR);
const CAST_BOOL: S = cast(BOOL | STR, Cast::Bool);
const CAST_INT: S = cast(INT | STR, Cast::Int);
const CAST_NUM: S = cast(NUM | STR, Cast::Int);
const CAST_FLOAT: S = cast(NUM | STR, Cast::Float);
const CAST_FLOAT32: S = cast(NUM | STR, Cast::Float32);

/// `string_or_list`.
const STRING_OR_LIST: S = one_of(&[STRING, STRINGS_UNIQUE]);
const STRING_OR_LIST_DEDUPED: S = one_of(&[STRING, STRINGS_DEDUPED]);

const DICT_VALUE: S = ty(STR | NUM | BOOL | NULL);
const DICT: Obj = map_of(KeyPattern::Any, DICT_VALUE, true);
/// `list_or_dict` where Compose drops repeated list items first.
const LIST_OR_DICT_DEDUPED: S = one_of(&[object(&DICT), STRINGS_DEDUPED]);
/// `list_or_dict` where it does not.
const LIST_OR_DICT: S = one_of(&[object(&DICT), STRINGS_UNIQUE]);

/// `driver_opts`.
const DRIVER_OPTS: Obj = map_of(KeyPattern::Line, ty(STR | NUM), false);

const COMMAND: S = one_of(&[ty(NULL), STRING, STRINGS]);

const EXTRA_HOSTS_VALUE: S = one_of(&[STRING, STRINGS]);
const EXTRA_HOSTS: S = one_of(&[
    object(&map_of(KeyPattern::Any, EXTRA_HOSTS_VALUE, true)),
    STRINGS_UNIQUE,
]);

const SERVICE_HOOK: Obj = Obj {
    required: &["command"],
    ..closed(&[
        ("command", COMMAND),
        ("user", STRING),
        ("privileged", BOOL_OR_STRING),
        ("working_dir", STRING),
        ("environment", LIST_OR_DICT),
    ])
};

const WATCH: Obj = Obj {
    required: &["path", "action"],
    ..closed(&[
        ("ignore", STRING_OR_LIST),
        ("include", STRING_OR_LIST),
        ("path", STRING),
        (
            "action",
            choice(&["rebuild", "sync", "restart", "sync+restart", "sync+exec"]),
        ),
        ("target", STRING),
        ("exec", object(&SERVICE_HOOK)),
        ("initial_sync", ty(BOOL)),
    ])
};

const DEVELOP: S = S {
    types: OBJ | NULL,
    obj: Some(&closed(&[("watch", list(&object(&WATCH)))])),
    ..ANY
};

const UPDATE_CONFIG: Obj = closed(&[
    ("parallelism", CAST_INT),
    ("delay", STRING),
    ("failure_action", STRING),
    ("monitor", STRING),
    ("max_failure_ratio", CAST_FLOAT),
    ("order", choice(&["start-first", "stop-first"])),
]);

const DEVICE: Obj = Obj {
    required: &["capabilities"],
    ..closed(&[
        ("capabilities", STRINGS_UNIQUE),
        ("count", ty(STR | INT)),
        ("device_ids", STRINGS_UNIQUE),
        ("driver", STRING),
        ("options", LIST_OR_DICT),
    ])
};

const GENERIC_RESOURCE: Obj = closed(&[(
    "discrete_resource_spec",
    object(&closed(&[("kind", STRING), ("value", NUM_OR_STRING)])),
)]);

const RESOURCES: Obj = closed(&[
    (
        "limits",
        object(&closed(&[
            ("cpus", NUM_OR_STRING),
            ("memory", STRING),
            ("pids", INT_OR_STRING),
        ])),
    ),
    (
        "reservations",
        object(&closed(&[
            ("cpus", NUM_OR_STRING),
            ("memory", STRING),
            ("generic_resources", list(&object(&GENERIC_RESOURCE))),
            ("devices", list(&object(&DEVICE))),
        ])),
    ),
]);

const DEPLOY: S = S {
    types: OBJ | NULL,
    obj: Some(&closed(&[
        ("mode", STRING),
        ("endpoint_mode", STRING),
        ("replicas", CAST_INT),
        ("labels", LIST_OR_DICT_DEDUPED),
        ("rollback_config", object(&UPDATE_CONFIG)),
        ("update_config", object(&UPDATE_CONFIG)),
        ("resources", object(&RESOURCES)),
        (
            "restart_policy",
            object(&closed(&[
                ("condition", STRING),
                ("delay", STRING),
                ("max_attempts", CAST_INT),
                ("window", STRING),
            ])),
        ),
        (
            "placement",
            object(&closed(&[
                ("constraints", STRINGS),
                ("preferences", list(&object(&closed(&[("spread", STRING)])))),
                ("max_replicas_per_node", CAST_INT),
            ])),
        ),
    ])),
    ..ANY
};

/// `service_config_or_secret`.
const CONFIG_OR_SECRET: S = list(&one_of(&[
    STRING,
    object(&closed(&[
        ("source", STRING),
        ("target", STRING),
        ("uid", STRING),
        ("gid", STRING),
        ("mode", NUM_OR_STRING),
    ])),
]));

const ULIMIT: Obj = Obj {
    required: &["soft", "hard"],
    ..closed(&[("hard", CAST_INT), ("soft", CAST_INT)])
};

const ULIMITS: Obj = map_of(
    KeyPattern::Lower,
    one_of(&[CAST_INT, object(&ULIMIT)]),
    false,
);

const BLKIO_LIMIT: Obj = Obj {
    x: false,
    ..closed(&[("path", STRING), ("rate", INT_OR_STRING)])
};

const BLKIO_WEIGHT: Obj = Obj {
    x: false,
    ..closed(&[("path", STRING), ("weight", INT_OR_STRING)])
};

const BUILD: Obj = closed(&[
    ("context", STRING),
    ("dockerfile", STRING),
    ("dockerfile_inline", STRING),
    ("entitlements", STRINGS),
    ("args", LIST_OR_DICT_DEDUPED),
    ("ssh", LIST_OR_DICT),
    ("labels", LIST_OR_DICT_DEDUPED),
    ("cache_from", STRINGS),
    ("cache_to", STRINGS),
    ("no_cache", BOOL_OR_STRING),
    ("additional_contexts", LIST_OR_DICT_DEDUPED),
    ("network", STRING),
    ("provenance", BOOL_OR_STRING),
    ("sbom", BOOL_OR_STRING),
    ("pull", BOOL_OR_STRING),
    ("target", STRING),
    ("shm_size", INT_OR_STRING),
    ("extra_hosts", EXTRA_HOSTS),
    ("isolation", STRING),
    ("privileged", BOOL_OR_STRING),
    ("secrets", CONFIG_OR_SECRET),
    ("tags", STRINGS),
    ("ulimits", object(&ULIMITS)),
    ("platforms", STRINGS),
]);

const DEPENDS_ON_ENTRY: Obj = Obj {
    required: &["condition"],
    ..closed(&[
        // compose-go decodes a string as a boolean (`invalid boolean: 1`).
        ("restart", CAST_BOOL),
        ("required", ty(BOOL)),
        (
            "condition",
            choice(&[
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            ]),
        ),
    ])
};

/// `depends_on` in its mapping form (the list form is the model's).
const DEPENDS_ON_MAP: Obj = map_of(KeyPattern::Name, object(&DEPENDS_ON_ENTRY), true);

const SERVICE_NETWORK: Obj = closed(&[
    ("aliases", STRINGS_DEDUPED),
    ("interface_name", STRING),
    ("ipv4_address", STRING),
    ("ipv6_address", STRING),
    ("link_local_ips", STRINGS_DEDUPED),
    ("mac_address", STRING),
    ("driver_opts", object(&DRIVER_OPTS)),
    ("priority", ty(NUM)),
    ("gw_priority", ty(NUM)),
]);

const SERVICE_NETWORKS: S = one_of(&[
    // Repeats are the model's (`UNIQUE_ITEM_KEYS`).
    STRINGS_DEDUPED,
    object(&map_of(
        KeyPattern::Name,
        one_of(&[object(&SERVICE_NETWORK), ty(NULL)]),
        true,
    )),
]);

const SERVICE_MODELS: S = one_of(&[
    STRINGS_UNIQUE,
    object(&map_of(
        KeyPattern::Name,
        one_of(&[
            object(&closed(&[("endpoint_var", STRING), ("model_var", STRING)])),
            ty(NULL),
        ]),
        false,
    )),
]);

const PORT: Obj = closed(&[
    ("name", STRING),
    ("mode", STRING),
    ("host_ip", STRING),
    ("target", CAST_INT),
    ("published", INT_OR_STRING),
    ("protocol", STRING),
    ("app_protocol", STRING),
]);

const VOLUME_MOUNT: Obj = Obj {
    required: &["type"],
    ..closed(&[
        (
            "type",
            choice(&["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
        ),
        ("source", STRING),
        ("target", STRING),
        ("read_only", CAST_BOOL),
        ("consistency", STRING),
        (
            "bind",
            object(&closed(&[
                ("propagation", STRING),
                ("create_host_path", BOOL_OR_STRING),
                (
                    "recursive",
                    choice(&["enabled", "disabled", "writable", "readonly"]),
                ),
                ("selinux", choice(&["z", "Z"])),
            ])),
        ),
        (
            "volume",
            object(&closed(&[
                ("labels", LIST_OR_DICT),
                ("nocopy", CAST_BOOL),
                ("subpath", STRING),
            ])),
        ),
        (
            "tmpfs",
            object(&closed(&[
                (
                    "size",
                    one_of(&[
                        S {
                            types: INT,
                            min: Some(0),
                            ..ANY
                        },
                        STRING,
                    ]),
                ),
                ("mode", NUM_OR_STRING),
            ])),
        ),
        ("image", object(&closed(&[("subpath", STRING)]))),
    ])
};

const DEVICE_MAPPING: Obj = Obj {
    required: &["source"],
    ..closed(&[
        ("source", STRING),
        ("target", STRING),
        ("permissions", STRING),
    ])
};

const GPU: Obj = Obj {
    closed: false,
    ..closed(&[
        ("capabilities", STRINGS_UNIQUE),
        ("count", ty(STR | INT)),
        ("device_ids", STRINGS_UNIQUE),
        ("driver", STRING),
        ("options", LIST_OR_DICT),
    ])
};

const ENV_FILE: S = one_of(&[
    STRING,
    list(&one_of(&[
        STRING,
        object(&Obj {
            required: &["path"],
            x: false,
            ..closed(&[
                ("path", STRING),
                ("format", STRING),
                ("required", CAST_BOOL),
            ])
        }),
    ])),
]);

const PROVIDER: Obj = Obj {
    required: &["type"],
    ..closed(&[
        ("type", STRING),
        (
            "options",
            object(&map_of(
                KeyPattern::Line,
                one_of(&[ty(STR | NUM | BOOL), list(&ty(STR | NUM | BOOL))]),
                false,
            )),
        ),
    ])
};

/// `oneOf [string, integer ≥ min (≤ max)]`, after Compose casts a string to a number.
const fn bounded(cast: Cast, min: i64, max: Option<i64>) -> S {
    S {
        types: STR | INT,
        cast,
        min: Some(min),
        max,
        ..ANY
    }
}

/// The service keys this module checks in full (the model's are handled in [`Cx::model_key`]).
/// `extra_hosts`, `healthcheck` and `logging` are left to their rules (FC028, FC025, FC031),
/// which report their schema (but for a repeated `extra_hosts` item, checked here).
const SERVICE: &[(&str, S)] = &[
    ("develop", DEVELOP),
    ("deploy", DEPLOY),
    ("annotations", LIST_OR_DICT_DEDUPED),
    ("attach", BOOL_OR_STRING),
    ("build", one_of(&[STRING, object(&BUILD)])),
    (
        "blkio_config",
        object(&Obj {
            x: false,
            ..closed(&[
                ("device_read_bps", list(&object(&BLKIO_LIMIT))),
                ("device_read_iops", list(&object(&BLKIO_LIMIT))),
                ("device_write_bps", list(&object(&BLKIO_LIMIT))),
                ("device_write_iops", list(&object(&BLKIO_LIMIT))),
                ("weight", INT_OR_STRING),
                ("weight_device", list(&object(&BLKIO_WEIGHT))),
            ])
        }),
    ),
    // Repeats dropped by Compose before validating.
    ("cap_add", STRINGS_DEDUPED),
    ("cap_drop", STRINGS_DEDUPED),
    ("cgroup", choice(&["host", "private"])),
    ("cgroup_parent", STRING),
    ("configs", CONFIG_OR_SECRET),
    (
        "container_name",
        S {
            types: STR,
            pattern: Pattern::ContainerName,
            ..ANY
        },
    ),
    ("cpu_count", bounded(Cast::Int, 0, None)),
    ("cpu_percent", bounded(Cast::Float, 0, Some(100))),
    ("cpu_shares", CAST_NUM),
    ("cpu_quota", CAST_NUM),
    ("cpu_period", CAST_NUM),
    ("cpu_rt_period", CAST_NUM),
    ("cpu_rt_runtime", CAST_NUM),
    ("cpus", CAST_FLOAT32),
    ("cpuset", STRING),
    (
        "credential_spec",
        object(&closed(&[
            ("config", STRING),
            ("file", STRING),
            ("registry", STRING),
        ])),
    ),
    ("device_cgroup_rules", STRINGS_UNIQUE),
    ("devices", list(&one_of(&[STRING, object(&DEVICE_MAPPING)]))),
    ("dns", STRING_OR_LIST_DEDUPED),
    ("dns_opt", STRINGS_DEDUPED),
    ("dns_search", STRING_OR_LIST_DEDUPED),
    ("domainname", STRING),
    ("env_file", ENV_FILE),
    ("label_file", one_of(&[STRING, STRINGS])),
    (
        "extends",
        one_of(&[
            STRING,
            object(&Obj {
                required: &["service"],
                x: false,
                ..closed(&[("service", STRING), ("file", STRING)])
            }),
        ]),
    ),
    ("provider", object(&PROVIDER)),
    ("external_links", STRINGS_UNIQUE),
    ("gpus", one_of(&[choice(&["all"]), list(&object(&GPU))])),
    ("group_add", unique_list(&ty(STR | NUM))),
    ("hostname", STRING),
    ("init", CAST_BOOL),
    ("ipc", STRING),
    ("isolation", STRING),
    ("mac_address", STRING),
    ("mem_limit", NUM_OR_STRING),
    ("mem_reservation", INT_OR_STRING),
    ("mem_swappiness", INT_OR_STRING),
    ("memswap_limit", NUM_OR_STRING),
    ("network_mode", STRING),
    ("models", SERVICE_MODELS),
    ("networks", SERVICE_NETWORKS),
    ("oom_kill_disable", CAST_BOOL),
    ("oom_score_adj", bounded(Cast::Int, -1000, Some(1000))),
    ("pid", ty(STR | NULL)),
    ("pids_limit", CAST_NUM),
    ("platform", STRING),
    ("post_start", list(&object(&SERVICE_HOOK))),
    ("pre_stop", list(&object(&SERVICE_HOOK))),
    ("privileged", CAST_BOOL),
    ("profiles", STRINGS_DEDUPED),
    (
        "pull_policy",
        S {
            types: STR,
            pattern: Pattern::PullPolicy,
            ..ANY
        },
    ),
    ("pull_refresh_after", STRING),
    ("runtime", STRING),
    ("scale", CAST_INT),
    // Repeats are the model's (`UNIQUE_ITEM_KEYS`).
    ("security_opt", STRINGS_DEDUPED),
    ("shm_size", NUM_OR_STRING),
    ("secrets", CONFIG_OR_SECRET),
    ("sysctls", LIST_OR_DICT_DEDUPED),
    ("stdin_open", CAST_BOOL),
    ("stop_grace_period", STRING),
    ("stop_signal", STRING),
    ("storage_opt", ty(OBJ)),
    ("tmpfs", STRING_OR_LIST_DEDUPED),
    ("ulimits", object(&ULIMITS)),
    ("use_api_socket", ty(BOOL)),
    ("user", STRING),
    ("uts", STRING),
    ("userns_mode", STRING),
    ("volumes_from", STRINGS_DEDUPED),
    ("working_dir", STRING),
];

const EXTERNAL: S = S {
    types: BOOL | STR | OBJ,
    cast: Cast::Bool,
    obj: Some(&closed(&[("name", STRING)])),
    ..ANY
};

const IPAM: Obj = closed(&[
    ("driver", STRING),
    (
        "config",
        list(&object(&closed(&[
            ("subnet", STRING),
            ("ip_range", STRING),
            ("gateway", STRING),
            (
                "aux_addresses",
                object(&map_of(KeyPattern::Line, STRING, true)),
            ),
        ]))),
    ),
    ("options", object(&map_of(KeyPattern::Line, STRING, true))),
]);

const NETWORK: S = S {
    types: OBJ | NULL,
    obj: Some(&closed(&[
        ("name", STRING),
        ("driver", STRING),
        ("driver_opts", object(&DRIVER_OPTS)),
        ("ipam", object(&IPAM)),
        ("external", EXTERNAL),
        ("internal", CAST_BOOL),
        ("enable_ipv4", CAST_BOOL),
        ("enable_ipv6", CAST_BOOL),
        ("attachable", CAST_BOOL),
        ("labels", LIST_OR_DICT_DEDUPED),
    ])),
    ..ANY
};

const VOLUME: S = S {
    types: OBJ | NULL,
    obj: Some(&closed(&[
        ("name", STRING),
        ("driver", STRING),
        ("driver_opts", object(&DRIVER_OPTS)),
        ("external", EXTERNAL),
        ("labels", LIST_OR_DICT),
    ])),
    ..ANY
};

/// A secret's `external` object is not closed (a config's is not either).
const EXTERNAL_OPEN: S = S {
    types: BOOL | STR | OBJ,
    cast: Cast::Bool,
    obj: Some(&Obj {
        props: &[("name", STRING)],
        names: None,
        closed: false,
        x: false,
        required: &[],
    }),
    ..ANY
};

const SECRET: S = object(&closed(&[
    ("name", STRING),
    ("environment", STRING),
    ("file", STRING),
    ("external", EXTERNAL_OPEN),
    ("labels", LIST_OR_DICT),
    ("driver", STRING),
    ("driver_opts", object(&DRIVER_OPTS)),
    ("template_driver", STRING),
]));

const CONFIG: S = object(&closed(&[
    ("name", STRING),
    ("content", STRING),
    ("environment", STRING),
    ("file", STRING),
    ("external", EXTERNAL_OPEN),
    ("labels", LIST_OR_DICT),
    ("template_driver", STRING),
]));

const MODEL: S = object(&Obj {
    required: &["model"],
    ..closed(&[
        ("name", STRING),
        ("model", STRING),
        ("context_size", ty(INT)),
        ("runtime_flags", STRINGS),
    ])
});

/// `include` is not validated by the schema: Compose reads it before (`loadIncludeConfig`,
/// then mapstructure) and removes it. A list of strings or mappings whose `path` and `env_file`
/// are strings or lists of strings; other keys and repeats pass (checked with Compose v2.40.3).
const INCLUDE_PATHS: S = one_of(&[STRING, STRINGS]);
const INCLUDE: S = list(&one_of(&[
    STRING,
    object(&Obj {
        props: &[("path", INCLUDE_PATHS), ("env_file", INCLUDE_PATHS)],
        names: None,
        closed: false,
        x: false,
        required: &[],
    }),
]));

/// The top-level keys this module checks (`services` is walked by [`Cx::services`]; `version`
/// is FC016's; null sections are load.rs's FC002).
const TOP_LEVEL: &[(&str, S)] = &[
    ("name", STRING),
    ("include", INCLUDE),
    ("models", object(&map_of(KeyPattern::Name, MODEL, false))),
    (
        "networks",
        object(&map_of(KeyPattern::Name, NETWORK, false)),
    ),
    ("volumes", object(&map_of(KeyPattern::Name, VOLUME, true))),
    ("secrets", object(&map_of(KeyPattern::Name, SECRET, true))),
    ("configs", object(&map_of(KeyPattern::Name, CONFIG, true))),
];

/// The top-level keys whose null load.rs reports (FC002), and `include`, whose null Compose
/// accepts.
const NULL_SKIPPED: [&str; 6] = [
    "services", "networks", "volumes", "secrets", "configs", "include",
];

// ---------------------------------------------------------------------------------------------
// Paths.

/// One step of a path.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of a value, as Compose names it (`services.app.deploy.resources`): a chain of
/// frames on the walk's stack.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

impl<'a> Path<'a> {
    fn top(key: &'a str) -> Self {
        Self {
            parent: None,
            seg: Seg::Key(key),
        }
    }

    fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Index(index),
        }
    }
}

impl Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}.")?;
        }
        match self.seg {
            Seg::Key(k) => f.write_str(k),
            Seg::Index(i) => write!(f, "{i}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Instances.

/// What a node is to the schema (after Compose's cast, for the paths it casts).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Null,
    Bool(bool),
    /// A number with no fraction (JSON schema's integer).
    Int(f64),
    /// Any other number.
    Num(f64),
    /// A string with no `$`: its value is known.
    Str,
    /// A string with `$`: known only after interpolation.
    Template,
    /// An unquoted date: no typed place accepts it.
    Time,
    Obj,
    Arr,
}

fn number(f: f64) -> Kind {
    if f.is_finite() && f.fract() == 0.0 {
        Kind::Int(f)
    } else {
        Kind::Num(f)
    }
}

fn admits(types: u8, kind: Kind) -> bool {
    let bit = match kind {
        Kind::Null => NULL,
        Kind::Bool(_) => BOOL,
        Kind::Int(_) => INT | NUM,
        Kind::Num(_) => NUM,
        Kind::Str | Kind::Template => STR,
        Kind::Time => 0,
        Kind::Obj => OBJ,
        Kind::Arr => ARR,
    };
    types == 0 || types & bit != 0
}

/// `a string`, `a boolean or a string`, `a number, a string or null`.
struct Expected(u8);

impl Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: [(u8, &str); 7] = [
            (BOOL, "a boolean"),
            (OBJ, "a mapping"),
            (INT, "an integer"),
            (NUM, "a number"),
            (ARR, "a list"),
            (STR, "a string"),
            (NULL, "null"),
        ];
        // An integer is a number: `number` says both.
        let types = if self.0 & NUM != 0 {
            self.0 & !INT
        } else {
            self.0
        };
        let count = names.iter().filter(|(b, _)| types & b != 0).count();
        let mut written = 0;
        for (bit, name) in names {
            if types & bit == 0 {
                continue;
            }
            if written > 0 {
                f.write_str(if written + 1 == count { " or " } else { ", " })?;
            }
            f.write_str(name)?;
            written += 1;
        }
        Ok(())
    }
}

/// The types a schema's `oneOf` branches accept together.
fn union(s: &S) -> u8 {
    if s.one_of.is_empty() {
        s.types
    } else {
        s.one_of.iter().fold(0, |acc, b| acc | union(b))
    }
}

// ---------------------------------------------------------------------------------------------
// The walk.

/// Where diagnostics go: `None` when only asking whether a value is valid (a `oneOf` branch).
type Out<'o> = Option<&'o mut Diagnostics>;

struct Cx<'t> {
    tree: &'t Tree,
    checks: Checks,
    /// See [`check_merged`]; `None`: every value is as written.
    last_file: Option<FileId>,
    /// See [`check_merged`].
    included: &'t [FileId],
    /// Values left to the files merged so far, each at its paths (see [`check_later_file`]):
    /// not checked there.
    skipped: Option<&'t crate::merge::SkippedValues>,
    /// For [`Checks::Interpolated`]: the interpolated scalars that used an unset variable,
    /// sorted, when they are not to be checked (a lint: the variable is reported, and may be
    /// set when deployed).
    settled_only: Option<&'t [NodeId]>,
    /// A file after the first, checked alone: its repeated items are judged on the files merged
    /// so far ([`check_merged`]), as compose-go validates them once `EnforceUnicity` and
    /// `mergeExtraHosts` have dropped some.
    later_file: bool,
}

impl<'t> Cx<'t> {
    /// A check of `tree` reporting `checks`, with no file merged last, none included, no
    /// mapping merged as strings, as a first file, checking every interpolated value.
    fn new(tree: &'t Tree, checks: Checks) -> Self {
        Self {
            tree,
            checks,
            last_file: None,
            included: &[],
            skipped: None,
            later_file: false,
            settled_only: None,
        }
    }

    /// See [`check_covered`].
    fn covered(&self, diags: &mut Diagnostics) {
        let cx = self;
        let mut out = Some(diags);
        for &doc in &self.tree.documents {
            let Some(entries) = cx.entries(doc) else {
                continue;
            };
            for e in entries {
                if cx.is_reset(e.value) {
                    continue;
                }
                let via = cx.via(e, None);
                match cx.key(e) {
                    Some("version") => {
                        cx.walk(e.value, &STRING, &Path::top("version"), via, &mut out)
                    }
                    Some("services") => {
                        for s in cx.entries(e.value).unwrap_or_default() {
                            let (Some(name), Some(keys)) = (cx.key(s), cx.entries(s.value)) else {
                                continue;
                            };
                            let via = cx.via(s, via);
                            let services = Path::top("services");
                            let path = services.key(name);
                            for k in keys {
                                let Some((key, schema)) = cx
                                    .key(k)
                                    .and_then(|key| COVERED.iter().find(|(c, _)| *c == key))
                                else {
                                    continue;
                                };
                                if !cx.is_reset(k.value) {
                                    let via = cx.via(k, via);
                                    cx.walk(k.value, schema, &path.key(key), via, &mut out);
                                }
                            }
                        }
                        true
                    }
                    _ => true,
                };
            }
        }
    }

    fn entries(&self, id: NodeId) -> Option<&'t [Entry]> {
        match self.tree.node(id).kind {
            NodeKind::Mapping(entries) => Some(self.tree.entries(entries)),
            _ => None,
        }
    }

    fn key(&self, e: &Entry) -> Option<&'t str> {
        match self.tree.node(e.key).kind {
            NodeKind::Scalar(s) => Some(self.tree.text(s)),
            _ => None,
        }
    }

    fn via(&self, e: &Entry, via: Option<Location>) -> Option<Location> {
        via.or_else(|| {
            self.tree
                .merged_from(e)
                .map(|s| Location::new(self.tree.node(e.key).file, s))
        })
    }

    /// Whether `id` is tagged `!reset`: Compose drops it before validating.
    fn is_reset(&self, id: NodeId) -> bool {
        self.tree.tag(id).is_some_and(crate::yaml::Tag::is_reset)
    }

    fn text(&self, id: NodeId) -> &'t str {
        match self.tree.node(id).kind {
            NodeKind::Scalar(s) => self.tree.text(s),
            _ => "",
        }
    }

    /// What go-yaml decodes the scalar `id` as.
    fn plain(&self, id: NodeId) -> PlainValue {
        // A scalar with a tag of its own (`!override 1000`, `!!str 1`) is a string; a standard
        // tag resolves it (`!!int '12'` is a number).
        scalar_kind(self.tree, id)
    }

    /// What `id` is to the schema, with Compose's `cast` applied to a known string: `Err(())`
    /// when the cast fails.
    fn kind(&self, id: NodeId, cast: Cast) -> Result<Kind, ()> {
        let node = self.tree.node(id);
        let s = match node.kind {
            NodeKind::Mapping(_) => return Ok(Kind::Obj),
            NodeKind::Sequence(_) => return Ok(Kind::Arr),
            NodeKind::Scalar(s) => self.tree.text(s),
        };
        let plain = self.plain(id);
        let kind = match plain {
            PlainValue::Null => Kind::Null,
            PlainValue::Bool(b) => Kind::Bool(b),
            #[allow(clippy::cast_precision_loss)]
            PlainValue::Int(i) => Kind::Int(i as f64),
            PlainValue::Float(f) => number(f),
            PlainValue::Timestamp => Kind::Time,
            // After interpolation a `$` is a literal character, not a template.
            PlainValue::Str if s.contains('$') && !node.interpolated => Kind::Template,
            PlainValue::Str => Kind::Str,
        };
        if kind != Kind::Str {
            return Ok(kind);
        }
        match cast {
            Cast::None => Ok(kind),
            Cast::Bool => compose_bool(s).map(Kind::Bool).ok_or(()),
            Cast::Int => go_int(s).map(number).ok_or(()),
            Cast::Float => go_parse_float(s, 64).map(number).ok_or(()),
            Cast::Float32 => go_parse_float(s, 32).map(number).ok_or(()),
        }
    }

    fn report(&self, out: &mut Out<'_>, d: Diagnostic, at: NodeId, via: Option<Location>) {
        let wanted = match self.checks {
            Checks::OnlyRequired => false,
            Checks::Interpolated => self.settled_interpolation(at),
            Checks::All | Checks::NotRequired => true,
        };
        if wanted && let Some(diags) = out.as_deref_mut() {
            diags.push(d.at_inherited(self.tree.location(at), via));
        }
    }

    /// For [`Checks::Interpolated`]: whether `id` is a value interpolation wrote, from
    /// variables that are all set when [`Cx::settled_only`] asks so. The checks before
    /// interpolation skipped it (a template); compose-go validates what it became.
    fn settled_interpolation(&self, id: NodeId) -> bool {
        self.tree.node(id).interpolated
            && self
                .settled_only
                .is_none_or(|unset| unset.binary_search(&id).is_err())
    }

    /// Report a missing required key (see [`Checks`]).
    fn report_required(&self, out: &mut Out<'_>, d: Diagnostic, at: NodeId, via: Option<Location>) {
        if !matches!(self.checks, Checks::NotRequired | Checks::Interpolated)
            && let Some(diags) = out.as_deref_mut()
        {
            diags.push(d.at_inherited(self.tree.location(at), via));
        }
    }

    /// Whether the value `id` at `path` is left to the files merged so far: a mapping merged
    /// as strings, or a null that keeps an earlier file's value.
    fn is_skipped(&self, id: NodeId, path: &Path<'_>) -> bool {
        self.skipped
            .and_then(|skipped| skipped.get(&id))
            .is_some_and(|paths| paths.contains(&path.to_string()))
    }

    /// Check `id` against `s`; `false` when it is invalid (each problem is reported to `out`).
    fn walk(
        &self,
        id: NodeId,
        s: &S,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) -> bool {
        if self.is_skipped(id, path) {
            return true;
        }
        let Ok(kind) = self.kind(id, s.cast) else {
            let what = match s.cast {
                Cast::Bool => "a boolean",
                Cast::Int => "an integer",
                Cast::Float | Cast::Float32 | Cast::None => "a number",
            };
            let text = self.text(id);
            let d = registry::diagnostic(
                "FC020",
                format!("`{path}` must be {what}: Compose cannot read `{text}` as one"),
            )
            .with_help(match s.cast {
                Cast::Bool => format!("write `{path}` as `true` or `false`"),
                _ => format!("write `{path}` as {what}, such as `1`"),
            });
            let d = if self.checks == Checks::Interpolated {
                d.with_help(format!(
                    "the value comes from interpolation: set the variable to {what}, or give the `${{…}}` a default that is one"
                ))
            } else {
                d
            };
            self.report(out, d, id, via);
            return false;
        };
        if !s.one_of.is_empty() {
            return self.one_of(id, kind, s, path, via, out);
        }
        if !admits(s.types, kind) {
            self.type_error(id, kind, s.types, path, via, out);
            return false;
        }
        let mut ok = true;
        match kind {
            Kind::Str => ok &= self.string(id, s, path, via, out),
            Kind::Int(n) | Kind::Num(n) => ok &= self.bounds(id, n, s, path, via, out),
            Kind::Obj => {
                if let Some(obj) = s.obj {
                    ok &= self.object(id, obj, path, via, out);
                }
            }
            Kind::Arr => {
                if let Some(items) = s.items {
                    ok &= self.items(id, items, s.unique, path, via, out);
                }
            }
            Kind::Null | Kind::Bool(_) | Kind::Template | Kind::Time => {}
        }
        ok
    }

    fn type_error(
        &self,
        id: NodeId,
        kind: Kind,
        types: u8,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) {
        if out.is_none() {
            return;
        }
        let expected = Expected(types);
        let what = describe(self.tree, id);
        let d = registry::diagnostic(
            "FC020",
            format!("`{path}` must be {expected}, not {what}"),
        )
        .with_help(if kind == Kind::Time {
            format!(
                "quote the date (`\"{}\"`): Compose reads an unquoted date as a timestamp, which its schema refuses",
                self.text(id)
            )
        } else {
            format!("write `{path}` as {expected}, as Compose's schema requires")
        });
        self.report(out, d, id, via);
    }

    fn one_of(
        &self,
        id: NodeId,
        kind: Kind,
        s: &S,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) -> bool {
        // The branches are told apart by type: find the one(s) this value's type fits.
        let mut candidates = s.one_of.iter().filter(|b| admits(union(b), kind));
        let Some(first) = candidates.next() else {
            self.type_error(id, kind, union(s), path, via, out);
            return false;
        };
        if candidates.next().is_none() {
            return self.walk(id, first, path, via, out);
        }
        let valid = s
            .one_of
            .iter()
            .filter(|b| admits(union(b), kind))
            .filter(|b| self.walk(id, b, path, via, &mut None))
            .count();
        match valid {
            0 => self.walk(id, first, path, via, out),
            _ => true,
        }
    }

    fn string(
        &self,
        id: NodeId,
        s: &S,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) -> bool {
        let text = self.text(id);
        if !s.choices.is_empty() && !s.choices.contains(&text) {
            if out.is_some() {
                let mut list = String::new();
                for (i, c) in s.choices.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    let _ = write!(list, "{sep}`{c}`");
                }
                let d = registry::diagnostic(
                    "FC020",
                    format!("`{path}` must be one of {list}, not `{text}`"),
                )
                .with_help(format!("write one of {list}: Compose refuses other values"));
                self.report(out, d, id, via);
            }
            return false;
        }
        let matched = match s.pattern {
            Pattern::None => true,
            Pattern::ContainerName => container_name_matches(text),
            Pattern::PullPolicy => pull_policy_matches(text),
        };
        if !matched {
            let (pattern, help) = match s.pattern {
                Pattern::ContainerName => (
                    "[a-zA-Z0-9][a-zA-Z0-9_.-]+",
                    "start the name with a letter or a digit, followed by letters, digits, `_`, `.` or `-`",
                ),
                _ => (
                    "always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+",
                    "use `always`, `never`, `build`, `missing`, `if_not_present`, `daily`, `weekly` or `every_<duration>`",
                ),
            };
            let d = registry::diagnostic(
                "FC020",
                format!("`{path}` `{text}` does not match Compose's pattern `{pattern}`"),
            )
            .with_help(help);
            self.report(out, d, id, via);
            return false;
        }
        true
    }

    fn bounds(
        &self,
        id: NodeId,
        n: f64,
        s: &S,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) -> bool {
        #[allow(clippy::cast_precision_loss)]
        let (low, high) = (s.min.map(|m| m as f64), s.max.map(|m| m as f64));
        let problem = match (low, high) {
            (Some(low), _) if n < low => Some(("at least", s.min)),
            (_, Some(high)) if n > high => Some(("at most", s.max)),
            _ => None,
        };
        let Some((bound, Some(limit))) = problem else {
            return true;
        };
        let text = self.text(id);
        let d = registry::diagnostic(
            "FC020",
            format!("`{path}` must be {bound} {limit}, not {text}"),
        )
        .with_help(match (s.min, s.max) {
            (Some(min), Some(max)) => {
                format!("write `{path}` as a whole number from {min} to {max}")
            }
            (Some(min), None) => format!("write `{path}` as a whole number of {min} or more"),
            (None, _) => format!("write `{path}` within Compose's bounds"),
        });
        self.report(out, d, id, via);
        false
    }

    fn object(
        &self,
        id: NodeId,
        obj: &Obj,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) -> bool {
        let Some(entries) = self.entries(id) else {
            return true;
        };
        let mut ok = true;
        for e in entries {
            let Some(key) = self.key(e) else { continue };
            if self.is_reset(e.value) {
                continue;
            }
            let via = self.via(e, via);
            let child = path.key(key);
            let mut known = false;
            if let Some((_, s)) = obj.props.iter().find(|(k, _)| *k == key) {
                known = true;
                ok &= self.walk(e.value, s, &child, via, out);
            }
            if let Some((pattern, s)) = &obj.names
                && pattern.matches(key)
            {
                known = true;
                ok &= self.walk(e.value, s, &child, via, out);
            }
            if known || (obj.x && key.starts_with("x-")) || !obj.closed {
                continue;
            }
            // A `- =x` item a later file merged onto an earlier file's mapping (its key and
            // value are the item, `merge::named_entries`): Compose accepts its empty name.
            if key.is_empty() && self.tree.is_list_item_entry(e) {
                continue;
            }
            ok = false;
            if out.is_none() {
                return false;
            }
            let help = match (obj.props.is_empty(), &obj.names) {
                (false, _) => {
                    let mut keys = String::new();
                    for (i, (k, _)) in obj.props.iter().enumerate() {
                        let sep = if i == 0 { "" } else { ", " };
                        let _ = write!(keys, "{sep}`{k}`");
                    }
                    format!("remove `{key}` or correct its spelling: Compose allows {keys} here")
                }
                (true, Some((pattern, _))) => {
                    format!("rename `{key}`: Compose wants {} here", pattern.describe())
                }
                (true, None) => format!("remove `{key}`"),
            };
            self.report(out, key_not_allowed(&path, key, help), e.key, via);
        }
        for &required in obj.required {
            if self.checks == Checks::NotRequired
                || entries
                    .iter()
                    .any(|e| self.key(e) == Some(required) && !self.is_reset(e.value))
            {
                continue;
            }
            ok = false;
            if out.is_none() {
                return false;
            }
            let help = if required == "condition" {
                "add `condition: service_started` (or `service_healthy`, `service_completed_successfully`)".to_owned()
            } else {
                format!("add `{required}:`, which Compose's schema requires here")
            };
            let d = registry::diagnostic(
                "FC020",
                format!("`{path}` is missing the required key `{required}`"),
            )
            .with_help(help);
            self.report_required(out, d, id, via);
        }
        ok
    }

    fn items(
        &self,
        id: NodeId,
        s: &S,
        unique: bool,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) -> bool {
        let Some(items) = self.tree.sequence(id) else {
            return true;
        };
        let mut ok = true;
        for (i, &item) in items.iter().enumerate() {
            if self.is_reset(item) {
                continue;
            }
            ok &= self.walk(item, s, &path.index(i), via, out);
            if !ok && out.is_none() {
                return false;
            }
        }
        // One item repeats nothing.
        if unique && items.len() > 1 {
            let mut budget = JSON_BUDGET;
            let values: Option<Vec<J>> = items
                .iter()
                .map(|&item| self.json(item, &mut budget))
                .collect();
            if let Some((first, later)) = values.and_then(|v| go_json::duplicates(&v)) {
                let at = items.get(later).copied().unwrap_or(id);
                self.repeated(path, first, later, at, via, out);
                return false;
            }
        }
        ok
    }

    /// FC020 for the items `first` and `later` of the list at `path` that Compose's schema finds
    /// equal (`later` written at `at`).
    fn repeated(
        &self,
        path: &Path<'_>,
        first: usize,
        later: usize,
        at: NodeId,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) {
        if out.is_none() {
            return;
        }
        // compose-go validates a later file merged onto the earlier files (`EnforceUnicity`
        // and `mergeExtraHosts` may drop its repeats): judged there, not in the file alone.
        if self.later_file {
            return;
        }
        let d = registry::diagnostic(
            "FC020",
            format!("`{path}` items at {first} and {later} are equal"),
        )
        .with_help("remove the repeated item: Compose refuses the file");
        // On the files merged (or a file with `extends` applied) a repeat the merge made is new;
        // `load` drops the ones the file's own check reported.
        if self.checks == Checks::OnlyRequired {
            self.report_required(out, d, at, via);
        } else {
            self.report(out, d, at, via);
        }
    }

    /// `ports` (`expose` when `!ports`) as the validator sees them, each value with the node it
    /// comes from: compose-go's `EnforceUnicity` first puts an item whose key repeats an
    /// earlier one's in its place. Items of the files merged before [`Cx::last_file`] are in
    /// canonical form by then (a short port is a mapping per port, the list made unique by the
    /// written key, then by the canonical one; an `expose` item is a string). `None` when a key
    /// is not known before interpolation, or Compose fails on the list before validating it.
    fn unicity_list(&self, id: NodeId, ports: bool) -> Option<Vec<(J, NodeId)>> {
        let items = self.tree.sequence(id)?;
        let mut list = Vec::new();
        let mut budget = JSON_BUDGET;
        // The earlier files' items, made unique by the key as written.
        let mut earlier = Unicity::default();
        for &item in items.iter().filter(|&&i| !self.is_reset(i)) {
            let key = if ports {
                self.port_key(item)?
            } else {
                self.expose_key(item)?
            };
            if self
                .last_file
                .is_some_and(|f| self.tree.node(item).file != f)
            {
                earlier.insert(key, self.json(item, &mut budget)?, item);
            } else {
                list.push((key, item));
            }
        }
        // Then in canonical form, made unique by the canonical key.
        let mut out = Unicity::default();
        for (value, item) in earlier.items {
            if !ports {
                // An `expose` item's canonical form is its text (`100` is `"100"`).
                let key = self.expose_key(item)?;
                out.insert(key.clone(), J::Str(key), item);
                continue;
            }
            if let J::Map(mut map) = value {
                if self.included.contains(&self.tree.node(item).file) {
                    for (k, v) in [("protocol", "tcp"), ("mode", "ingress")] {
                        if !map.iter().any(|(key, _)| key == k) {
                            map.push((k.to_owned(), J::Str(v.to_owned())));
                        }
                    }
                }
                out.insert(self.port_key(item)?, J::Map(map), item);
                continue;
            }
            let text = match self.plain(item) {
                PlainValue::Int(i) => i.to_string(),
                PlainValue::Str if !self.text(item).contains('$') => self.text(item).to_owned(),
                _ => return None,
            };
            for p in crate::render::parse::parse_ports(&text)? {
                let key = p.unicity_key();
                let mut map = vec![("mode".to_owned(), J::Str("ingress".to_owned()))];
                if !p.host_ip.is_empty() {
                    map.push(("host_ip".to_owned(), J::Str(p.host_ip.clone())));
                }
                map.push(("target".to_owned(), J::Num(f64::from(p.target))));
                if !p.published.is_empty() {
                    map.push(("published".to_owned(), J::Str(p.published.clone())));
                }
                map.push(("protocol".to_owned(), J::Str(p.protocol.clone())));
                out.insert(key, J::Map(map), item);
            }
        }
        // The last file's items as written, appended.
        for (key, item) in list {
            out.insert(key, self.json(item, &mut budget)?, item);
        }
        Some(out.items)
    }

    /// compose-go's `portIndexer`: a mapping's key
    /// ([`crate::render::parse::long_port_key`]), an integer's digits, a string itself, `""` for
    /// anything else.
    fn port_key(&self, item: NodeId) -> Option<String> {
        let Some(entries) = self.entries(item) else {
            return match self.plain(item) {
                PlainValue::Int(i) => Some(i.to_string()),
                PlainValue::Str if self.text(item).contains('$') => None,
                PlainValue::Str => Some(self.text(item).to_owned()),
                _ => Some(String::new()),
            };
        };
        crate::render::parse::long_port_key(|name| {
            entries
                .iter()
                .rev()
                .find(|e| self.key(e) == Some(name) && !self.is_reset(e.value))
                .map(|e| self.go_scalar(e.value))
        })
    }

    /// compose-go's `exposeIndexer`: a string itself, an integer's digits (Compose fails on
    /// anything else).
    fn expose_key(&self, item: NodeId) -> Option<String> {
        match self.plain(item) {
            PlainValue::Int(i) if self.entries(item).is_none() => Some(i.to_string()),
            PlainValue::Str if matches!(self.tree.node(item).kind, NodeKind::Scalar(_)) => {
                let text = self.text(item);
                (!text.contains('$')).then(|| text.to_owned())
            }
            _ => None,
        }
    }

    /// The value go-yaml decodes `id` as, for Go's `%s` / `%d`.
    fn go_scalar(&self, id: NodeId) -> GoScalar<'t> {
        if !matches!(self.tree.node(id).kind, NodeKind::Scalar(_)) {
            return GoScalar::Unknown;
        }
        match self.plain(id) {
            PlainValue::Null => GoScalar::Null,
            PlainValue::Bool(b) => GoScalar::Bool(b),
            PlainValue::Int(i) => GoScalar::Int(i),
            PlainValue::Str if !self.text(id).contains('$') => GoScalar::Str(self.text(id).into()),
            PlainValue::Str | PlainValue::Float(_) | PlainValue::Timestamp => GoScalar::Unknown,
        }
    }

    /// `ports` or `expose` repeated after compose-go made the list unique by key
    /// ([`Cx::unicity_list`]): FC020 as Compose's schema reports it.
    fn unique_after_unicity(
        &self,
        id: NodeId,
        ports: bool,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) {
        // One item repeats nothing (a short port range expands to distinct ports); a later
        // file's repeats are judged merged ([`Cx::repeated`]).
        if self.later_file
            || !matches!(self.tree.node(id).kind, NodeKind::Sequence(items) if items.len() > 1)
        {
            return;
        }
        let Some(list) = self.unicity_list(id, ports) else {
            return;
        };
        let (values, nodes): (Vec<J>, Vec<NodeId>) = list.into_iter().unzip();
        if let Some((first, later)) = go_json::duplicates(&values) {
            let at = nodes.get(later).copied().unwrap_or(id);
            self.repeated(path, first, later, at, via, out);
        }
    }

    /// The JSON value of `id` as the validator reads it (templates and dates by their text);
    /// `None` past `budget` nodes (aliases are expanded: a list of aliases to a large anchor is
    /// not worth checking for repeats).
    fn json(&self, id: NodeId, budget: &mut usize) -> Option<J> {
        *budget = budget.checked_sub(1)?;
        Some(match self.tree.node(id).kind {
            NodeKind::Mapping(entries) => J::Map(
                self.tree
                    .entries(entries)
                    .iter()
                    .filter(|e| !self.is_reset(e.value))
                    .map(|e| {
                        let key = self.key(e).unwrap_or_default().to_owned();
                        Some((key, self.json(e.value, budget)?))
                    })
                    .collect::<Option<_>>()?,
            ),
            NodeKind::Sequence(items) => J::Arr(
                self.tree
                    .items(items)
                    .iter()
                    .filter(|&&i| !self.is_reset(i))
                    .map(|&i| self.json(i, budget))
                    .collect::<Option<_>>()?,
            ),
            NodeKind::Scalar(s) => match self.kind(id, Cast::None) {
                Ok(Kind::Null) | Err(()) => J::Null,
                Ok(Kind::Bool(b)) => J::Bool(b),
                Ok(Kind::Int(f) | Kind::Num(f)) => J::Num(f),
                Ok(Kind::Template) => J::Template(self.tree.text(s).to_string()),
                Ok(Kind::Time) => J::Time(self.tree.text(s).to_string()),
                Ok(Kind::Str | Kind::Obj | Kind::Arr) => J::Str(self.tree.text(s).to_string()),
            },
        })
    }

    // -----------------------------------------------------------------------------------------
    // The document and its services.

    fn document(&self, doc: NodeId, diags: &mut Diagnostics) {
        let Some(entries) = self.entries(doc) else {
            return; // load.rs and the model report a document that is not a mapping
        };
        let mut out = Some(diags);
        for e in entries {
            let Some(key) = self.key(e) else { continue };
            if self.is_reset(e.value) {
                continue;
            }
            let via = self.via(e, None);
            if key == "services" {
                self.services(e.value, via, &mut out);
                continue;
            }
            let Some((_, s)) = TOP_LEVEL.iter().find(|(k, _)| *k == key) else {
                continue; // `version` is FC016's, unknown keys are lib.rs's
            };
            if NULL_SKIPPED.contains(&key)
                && matches!(self.kind(e.value, Cast::None), Ok(Kind::Null))
            {
                continue;
            }
            self.walk(e.value, s, &Path::top(key), via, &mut out);
        }
    }

    fn services(&self, id: NodeId, via: Option<Location>, out: &mut Out<'_>) {
        let Some(services) = self.entries(id) else {
            return; // the model reports `services` that is not a mapping
        };
        let top = Path::top("services");
        for s in services {
            let Some(name) = self.key(s) else { continue };
            if self.is_reset(s.value) {
                continue;
            }
            let via = self.via(s, via);
            // A key YAML reads as no string (`~`, `1`) is reported as such when loading.
            if !KeyPattern::Name.matches(name)
                && crate::model::convert::scalar_kind(self.tree, s.key)
                    == crate::yaml::PlainValue::Str
            {
                let d =
                    registry::diagnostic("FC035", format!("`{name}` is not a valid service name"))
                        .with_help(
                            crate::rules::structure::invalid_service_name::service_name_help(name),
                        );
                self.report(out, d, s.key, via);
            }
            let Some(keys) = self.entries(s.value) else {
                continue; // the model reports a service that is not a mapping
            };
            let path = top.key(name);
            for e in keys {
                let Some(key) = self.key(e) else { continue };
                if self.is_reset(e.value) {
                    continue;
                }
                let via = self.via(e, via);
                let child = path.key(key);
                // The platform's keys (most keys of a platform project) are not in `SERVICE`:
                // a `match` tells them apart without scanning its eighty names.
                let typed = matches!(
                    key,
                    "command"
                        | "depends_on"
                        | "entrypoint"
                        | "environment"
                        | "expose"
                        | "extra_hosts"
                        | "healthcheck"
                        | "image"
                        | "labels"
                        | "links"
                        | "logging"
                        | "ports"
                        | "read_only"
                        | "restart"
                        | "tty"
                        | "volumes"
                );
                let schema = if typed {
                    None
                } else {
                    SERVICE.iter().find(|(k, _)| *k == key)
                };
                if let Some((_, schema)) = schema {
                    self.walk(e.value, schema, &child, via, out);
                } else {
                    self.model_key(key, e.value, &child, via, out);
                }
            }
        }
    }

    /// The keys the model types ([`crate::model::convert`]): only what it lets through.
    fn model_key(
        &self,
        key: &str,
        id: NodeId,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) {
        // The model leaves a null out (a later file's keeps the earlier value, see `skipped`);
        // Compose's schema refuses it here (`services.app.environment must be a mapping`):
        // every item commented out leaves `environment:` empty.
        // (Scalars first: most of these values are collections, and the key's match costs.)
        if matches!(self.tree.node(id).kind, NodeKind::Scalar(_)) {
            let collection = match key {
                "environment" | "labels" | "depends_on" => OBJ | ARR,
                "expose" | "links" | "ports" | "volumes" => ARR,
                _ => 0,
            };
            if collection != 0
                && matches!(self.kind(id, Cast::None), Ok(Kind::Null))
                && !self.is_skipped(id, path)
            {
                self.type_error(id, Kind::Null, collection, path, via, out);
                return;
            }
        }
        match key {
            // The model refuses null and collection items; Compose refuses any non-string.
            "command" | "entrypoint" | "environment" | "labels" | "links" => {
                self.scalar_items(id, STR, path, via, out);
            }
            "expose" => {
                self.scalar_items(id, STR | NUM, path, via, out);
                self.unique_after_unicity(id, false, path, via, out);
            }
            "ports" | "volumes" => {
                if key == "ports" {
                    self.unique_after_unicity(id, true, path, via, out);
                }
                let (types, long) = if key == "ports" {
                    (STR | NUM, &PORT)
                } else {
                    (STR, &VOLUME_MOUNT)
                };
                self.scalar_items(id, types, path, via, out);
                if let Some(items) = self.tree.sequence(id) {
                    for (i, &item) in items.iter().enumerate() {
                        if self.entries(item).is_some() && !self.is_reset(item) {
                            self.object(item, long, &path.index(i), via, out);
                        }
                    }
                }
            }
            "depends_on" if self.entries(id).is_some() => {
                self.object(id, &DEPENDS_ON_MAP, path, via, out);
            }
            // FC028 checks the items; Compose also refuses a repeated one.
            "extra_hosts" => {
                self.items(id, &ANY, true, path, via, out);
            }
            // The model accepts a null `restart`; Compose's schema wants a string.
            "restart" => {
                if matches!(self.kind(id, Cast::None), Ok(Kind::Null)) {
                    self.type_error(id, Kind::Null, STR, path, via, out);
                }
            }
            _ => {}
        }
    }

    /// The non-null scalar items of the list `id` whose type is not in `types` (the model
    /// accepts any non-null scalar there).
    fn scalar_items(
        &self,
        id: NodeId,
        types: u8,
        path: &Path<'_>,
        via: Option<Location>,
        out: &mut Out<'_>,
    ) {
        let Some(items) = self.tree.sequence(id) else {
            return;
        };
        for (i, &item) in items.iter().enumerate() {
            if !matches!(self.tree.node(item).kind, NodeKind::Scalar(_)) || self.is_reset(item) {
                continue;
            }
            let Ok(kind) = self.kind(item, Cast::None) else {
                continue;
            };
            if kind != Kind::Null && !admits(types, kind) {
                self.type_error(item, kind, types, &path.index(i), via, out);
            }
        }
    }
}

/// The nodes a list's items may expand to before its `uniqueItems` check is skipped.
const JSON_BUDGET: usize = 100_000;

/// A list made unique as compose-go's `EnforceUnicity` does: an entry whose key an earlier one
/// has takes its place.
#[derive(Default)]
struct Unicity {
    items: Vec<(J, NodeId)>,
    keys: Vec<String>,
    /// Where each key is, once the list is long enough for a linear search to cost more.
    at: Option<std::collections::HashMap<String, usize>>,
}

impl Unicity {
    fn insert(&mut self, key: String, value: J, node: NodeId) {
        if self.at.is_none() && self.keys.len() > 16 {
            self.at = Some(
                self.keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (k.clone(), i))
                    .collect(),
            );
        }
        let found = match &self.at {
            Some(at) => at.get(&key).copied(),
            None => self.keys.iter().position(|k| *k == key),
        };
        match found.and_then(|i| self.items.get_mut(i)) {
            Some(slot) => *slot = (value, node),
            None => {
                if let Some(at) = &mut self.at {
                    at.insert(key.clone(), self.items.len());
                }
                self.keys.push(key);
                self.items.push((value, node));
            }
        }
    }
}

/// Go's `strconv.Atoi` / `ParseInt(s, 10, 64)`: an optional sign and decimal digits.
fn go_int(s: &str) -> Option<f64> {
    s.parse::<i64>().ok().map(
        #[allow(clippy::cast_precision_loss)]
        |i| i as f64,
    )
}

/// `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, unanchored: somewhere a letter or digit followed by one more
/// name character.
fn container_name_matches(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| {
        w.first().is_some_and(u8::is_ascii_alphanumeric)
            && w.get(1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    })
}

/// `always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+`,
/// unanchored.
fn pull_policy_matches(s: &str) -> bool {
    const WORDS: [&str; 8] = [
        "always",
        "never",
        "build",
        "if_not_present",
        "missing",
        "refresh",
        "daily",
        "weekly",
    ];
    if WORDS.iter().any(|w| s.contains(w)) {
        return true;
    }
    s.match_indices("every_").any(|(at, m)| {
        let rest = s.get(at + m.len()..).unwrap_or("").as_bytes();
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && rest.get(digits).is_some_and(|b| b"wdhms".contains(b))
    })
}
