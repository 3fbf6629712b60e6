//! Link layout of the release `factory` binary (x86_64 Linux with the toolchain's `rust-lld`).
//!
//! A run of `factory` touches about a quarter of its code, spread over the whole `.text`; the
//! kernel maps a file's pages 64 KiB at a time around each one touched, so an empty project's
//! lint had 3.8 MB of the binary resident. Two linker options cut the resident set without
//! changing the code:
//!
//! - `--symbol-ordering-file=link-order.txt` puts the functions a typical run executes first
//!   and together (`benches/link-order.sh` lists them from callgrind runs; a name the build no
//!   longer has is skipped, so a stale list costs memory, never a build);
//! - `-z pack-relative-relocs` stores the dynamic relocations as a bitmap (440 KB → 6 KB), which
//!   the loader used to read in full at every start.
//!
//! Both are `lld` options. They are given only to a release build for
//! `x86_64-unknown-linux-gnu` with Rust 1.90 or later whose sysroot ships `rust-lld` (which
//! such a toolchain links with by default), when no other linker is configured;
//! `FACTORY_LINK_LAYOUT=0` turns them off.

#![forbid(unsafe_code)]
// A build script reads cargo's environment: that is how cargo speaks to it.
#![allow(clippy::disallowed_methods)]

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=link-order.txt");
    println!("cargo:rerun-if-env-changed=FACTORY_LINK_LAYOUT");
    if let Some(args) = layout_args() {
        for arg in args {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}

/// The linker arguments of the layout, or `None` when this build may not link with `rust-lld`.
fn layout_args() -> Option<Vec<String>> {
    let var = |name: &str| env::var(name).unwrap_or_default();
    if var("FACTORY_LINK_LAYOUT") == "0" || var("PROFILE") != "release" {
        return None;
    }
    // The one target `rust-lld` links by default.
    if var("TARGET") != "x86_64-unknown-linux-gnu" {
        return None;
    }
    // A linker of the user's (target.*.linker, -C linker=, linker features, self-contained
    // linking turned off) may be GNU ld, which refuses the options.
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    if env::var_os("RUSTC_LINKER").is_some() || flags.contains("link") {
        return None;
    }
    if !rustc_links_with_lld(&var("RUSTC")) {
        return None;
    }
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join("link-order.txt");
    let order = order.to_str()?;
    // `-Wl,` splits at commas.
    if order.contains(',') || !Path::new(order).is_file() {
        return None;
    }
    Some(vec![
        "-Wl,-z,pack-relative-relocs".to_owned(),
        format!("-Wl,--symbol-ordering-file={order}"),
        "-Wl,--no-warn-symbol-ordering".to_owned(),
    ])
}

/// Whether `rustc` links `x86_64-unknown-linux-gnu` with its own `rust-lld`: it is 1.90 or
/// later (the release that made it the default) and its sysroot ships the linker (a
/// distribution's build may leave it out, and link with the system's GNU ld).
fn rustc_links_with_lld(rustc: &str) -> bool {
    let rustc = if rustc.is_empty() { "rustc" } else { rustc };
    let ask = |args: &[&str]| {
        Command::new(rustc)
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let Some(version) = ask(&["-vV"]) else {
        return false;
    };
    let Some(release) = version.lines().find_map(|l| l.strip_prefix("release: ")) else {
        return false;
    };
    let mut parts = release
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) < (1, 90) {
        return false;
    }
    let Some(sysroot) = ask(&["--print", "sysroot"]) else {
        return false;
    };
    Path::new(sysroot.trim())
        .join("lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld/ld.lld")
        .is_file()
}
