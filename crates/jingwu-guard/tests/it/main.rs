#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! The guards on this workspace's real dependency graph.

use std::process::Command;

use jingwu_guard::{
    DepGraph, DepKind, PURE_CRATES, api_store_violations, is_forbidden, pure_crate_violations,
};

fn cargo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The workspace graph as built on this machine. Filtered to the host platform so that
/// `--offline` needs no manifest of a Windows-only crate that was never downloaded.
fn workspace() -> DepGraph {
    let version = cargo(&["-vV"]);
    let host = version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap();
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml");
    let json = cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--offline",
        "--filter-platform",
        host,
        "--manifest-path",
        manifest,
    ]);
    DepGraph::from_cargo_metadata(&json).unwrap()
}

#[test]
fn pure_crates_reach_no_runtime_sql_or_http_framework() {
    let g = workspace();
    // Not vacuous: today's pure crates are in the graph and the rule does see tokio where it
    // is meant to be (the app, the store).
    for krate in &PURE_CRATES[..5] {
        assert!(g.ids_named(krate).next().is_some(), "{krate} not found");
    }
    for krate in ["jingwu-app", "jingwu-store", "jingwu-api"] {
        let id = g.ids_named(krate).next().unwrap();
        assert!(g.normal_path(id, is_forbidden).is_some(), "{krate}");
    }
    // The api's own edges are read too, so an absent api → store edge means something.
    assert!(
        g.direct_kinds("jingwu-api", "jingwu-app")
            .contains(&DepKind::Normal)
    );
    let v = pure_crate_violations(&g);
    assert!(
        v.is_empty(),
        "{}",
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn api_does_not_depend_on_the_store() {
    let v = api_store_violations(&workspace());
    assert!(
        v.is_empty(),
        "{}",
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
