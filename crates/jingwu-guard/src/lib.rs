//! Architecture guards over the workspace's dependency graph (ARCHITECTURE invariant 16 and
//! the layering of issue 8):
//!
//! 1. a **pure crate** ([`PURE_CRATES`]: `jingwu-core`, `jingwu-audit`, `jingwu-validate`,
//!    `jingwu-command`, `jingwu-routing`, `jingwu-hazmat`, `jingwu-traffic`, `jingwu-payments`,
//!    `jingwu-permits` and `jingwu-cases`) must not reach an async runtime, SQL or an HTTP framework
//!    ([`FORBIDDEN`]: `tokio`, `sqlx`, `axum` and their `-*` companions) through its normal
//!    dependencies, directly or transitively (dev- and build-dependencies do not ship in it);
//! 2. `jingwu-api` must not name `jingwu-store` among its own dependencies of any kind
//!    (normal, dev, build): the HTTP edge talks to use cases only. A dev-dependency on a
//!    test-support crate that itself uses the store is fine.
//!
//! The rules are pure functions over a [`DepGraph`], so their own tests fabricate violating
//! graphs. `tests/it` reads the real graph with `cargo metadata --offline` and runs as part of
//! `cargo test --workspace`; there is no separate command to remember. A failure names the
//! chain of crates that breaks the rule.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

/// Crates that hold rules and algorithms only. A crate is checked once it exists.
pub const PURE_CRATES: &[&str] = &[
    "jingwu-core",
    "jingwu-audit",
    "jingwu-validate",
    "jingwu-command",
    "jingwu-routing",
    "jingwu-traffic",
    "jingwu-payments",
    "jingwu-permits",
    "jingwu-cases",
    "jingwu-hazmat",
];

/// Crate families a pure crate may not depend on: the crate itself or any `<family>-*` crate
/// (`tokio-util`, `sqlx-core`, `axum-core` …).
pub const FORBIDDEN: &[&str] = &["tokio", "sqlx", "axum"];

/// The HTTP edge and the store it must not name.
pub const API_CRATE: &str = "jingwu-api";
pub const STORE_CRATE: &str = "jingwu-store";

/// How a dependency is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DepKind {
    Normal,
    Dev,
    Build,
}

impl fmt::Display for DepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DepKind::Normal => "normal",
            DepKind::Dev => "dev",
            DepKind::Build => "build",
        })
    }
}

/// A resolved dependency graph: packages by id, each with its dependency edges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepGraph {
    packages: BTreeMap<String, Package>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Package {
    name: String,
    /// Dependency package id → how it is declared (a crate can be both normal and dev).
    deps: BTreeMap<String, BTreeSet<DepKind>>,
}

/// Why `cargo metadata` output could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unexpected cargo metadata shape: {0}")]
    Shape(&'static str),
}

impl DepGraph {
    pub fn new() -> Self {
        DepGraph::default()
    }

    /// Reads `cargo metadata --format-version 1` output (with its `resolve` section).
    ///
    /// # Errors
    /// The text is not JSON or lacks the fields used here.
    pub fn from_cargo_metadata(json: &str) -> Result<Self, MetadataError> {
        let v: serde_json::Value = serde_json::from_str(json)?;
        let mut g = DepGraph::new();
        for p in v["packages"]
            .as_array()
            .ok_or(MetadataError::Shape("packages"))?
        {
            let id = p["id"]
                .as_str()
                .ok_or(MetadataError::Shape("packages[].id"))?;
            let name = p["name"]
                .as_str()
                .ok_or(MetadataError::Shape("packages[].name"))?;
            g.package(id, name);
        }
        let nodes = v["resolve"]["nodes"]
            .as_array()
            .ok_or(MetadataError::Shape(
                "resolve.nodes (run without --no-deps)",
            ))?;
        for n in nodes {
            let from = n["id"].as_str().ok_or(MetadataError::Shape("nodes[].id"))?;
            for d in n["deps"]
                .as_array()
                .ok_or(MetadataError::Shape("nodes[].deps"))?
            {
                let to = d["pkg"]
                    .as_str()
                    .ok_or(MetadataError::Shape("deps[].pkg"))?;
                for k in d["dep_kinds"]
                    .as_array()
                    .ok_or(MetadataError::Shape("deps[].dep_kinds"))?
                {
                    let kind = match k["kind"].as_str() {
                        None => DepKind::Normal,
                        Some("dev") => DepKind::Dev,
                        Some("build") => DepKind::Build,
                        Some(_) => return Err(MetadataError::Shape("dep_kinds[].kind")),
                    };
                    g.dep(from, to, kind);
                }
            }
        }
        Ok(g)
    }

    /// Adds a package (id and crate name). Fabricated graphs use the name as the id.
    pub fn package(&mut self, id: &str, name: &str) -> &mut Self {
        self.packages.entry(id.to_owned()).or_default().name = name.to_owned();
        self
    }

    /// Adds an edge; unknown ids become packages named by their id.
    pub fn dep(&mut self, from: &str, to: &str, kind: DepKind) -> &mut Self {
        for id in [from, to] {
            self.packages
                .entry(id.to_owned())
                .or_insert_with(|| Package {
                    name: id.to_owned(),
                    deps: BTreeMap::new(),
                });
        }
        if let Some(p) = self.packages.get_mut(from) {
            p.deps.entry(to.to_owned()).or_default().insert(kind);
        }
        self
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.packages.get(id).map_or(id, |p| p.name.as_str())
    }

    /// Ids of the packages with this crate name (several versions may coexist).
    pub fn ids_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.packages
            .iter()
            .filter(move |(_, p)| p.name == name)
            .map(|(id, _)| id.as_str())
    }

    /// The shortest chain of normal dependencies from `from` to a package whose name satisfies
    /// `hit`, as crate names (first `from`, last the hit).
    pub fn normal_path(&self, from: &str, hit: impl Fn(&str) -> bool) -> Option<Vec<String>> {
        let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(id) = queue.pop_front() {
            if id != from && hit(self.name(id)) {
                let mut chain = vec![self.name(id).to_owned()];
                let mut at = id;
                while let Some(p) = parent.get(at) {
                    chain.push(self.name(p).to_owned());
                    at = p;
                }
                chain.reverse();
                return Some(chain);
            }
            let Some(p) = self.packages.get(id) else {
                continue;
            };
            for (to, kinds) in &p.deps {
                if kinds.contains(&DepKind::Normal) && seen.insert(to.as_str()) {
                    parent.insert(to.as_str(), id);
                    queue.push_back(to.as_str());
                }
            }
        }
        None
    }

    /// How `from` declares `to` by name, if at all.
    pub fn direct_kinds(&self, from_name: &str, to_name: &str) -> BTreeSet<DepKind> {
        let mut out = BTreeSet::new();
        for id in self.ids_named(from_name) {
            if let Some(p) = self.packages.get(id) {
                for (to, kinds) in &p.deps {
                    if self.name(to) == to_name {
                        out.extend(kinds);
                    }
                }
            }
        }
        out
    }
}

/// A broken rule, with what breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A pure crate reaches a forbidden crate; `path` runs from the pure crate to it.
    PureCrateDepends { krate: String, path: Vec<String> },
    /// `jingwu-api` names `jingwu-store` as these kinds of dependency.
    ApiDependsOnStore { kinds: Vec<DepKind> },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::PureCrateDepends { krate, path } => write!(
                f,
                "pure crate {krate} depends on {} through {}",
                path.last().map_or("?", String::as_str),
                path.join(" → ")
            ),
            Violation::ApiDependsOnStore { kinds } => {
                let kinds: Vec<String> = kinds.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "{API_CRATE} depends on {STORE_CRATE} ({}); use the app's use cases and views",
                    kinds.join(", ")
                )
            }
        }
    }
}

/// Whether `name` is a forbidden crate or one of its `-*` companions.
pub fn is_forbidden(name: &str) -> bool {
    FORBIDDEN.iter().any(|f| {
        name == *f
            || name
                .strip_prefix(f)
                .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('_'))
    })
}

/// Rule 1 over every pure crate present in `g`.
pub fn pure_crate_violations(g: &DepGraph) -> Vec<Violation> {
    let mut out = Vec::new();
    for krate in PURE_CRATES {
        for id in g.ids_named(krate) {
            if let Some(path) = g.normal_path(id, is_forbidden) {
                out.push(Violation::PureCrateDepends {
                    krate: (*krate).to_owned(),
                    path,
                });
            }
        }
    }
    out
}

/// Rule 2.
pub fn api_store_violations(g: &DepGraph) -> Vec<Violation> {
    let kinds = g.direct_kinds(API_CRATE, STORE_CRATE);
    if kinds.is_empty() {
        Vec::new()
    } else {
        vec![Violation::ApiDependsOnStore {
            kinds: kinds.into_iter().collect(),
        }]
    }
}

/// Every rule.
pub fn check(g: &DepGraph) -> Vec<Violation> {
    let mut v = pure_crate_violations(g);
    v.extend(api_store_violations(g));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use DepKind::*;

    #[test]
    fn forbidden_families() {
        for n in [
            "tokio",
            "tokio-util",
            "sqlx",
            "sqlx-core",
            "axum",
            "axum-core",
        ] {
            assert!(is_forbidden(n), "{n}");
        }
        for n in ["tokenizers", "sqlxx", "axumite", "serde", "jingwu-store"] {
            assert!(!is_forbidden(n), "{n}");
        }
    }

    #[test]
    fn a_pure_crate_pulling_tokio_transitively_is_rejected_with_its_chain() {
        let mut g = DepGraph::new();
        g.dep("jingwu-command", "jingwu-core", Normal)
            .dep("jingwu-core", "serde", Normal)
            .dep("jingwu-command", "helper", Normal)
            .dep("helper", "tokio", Normal);
        assert_eq!(
            check(&g),
            [Violation::PureCrateDepends {
                krate: "jingwu-command".into(),
                path: vec!["jingwu-command".into(), "helper".into(), "tokio".into()],
            },]
        );
        assert_eq!(
            check(&g)[0].to_string(),
            "pure crate jingwu-command depends on tokio through jingwu-command → helper → tokio"
        );
        // The same helper under jingwu-core makes both crates fail.
        g.dep("jingwu-core", "helper", Normal);
        let krates: Vec<String> = pure_crate_violations(&g)
            .into_iter()
            .map(|v| match v {
                Violation::PureCrateDepends { krate, .. } => krate,
                other => other.to_string(),
            })
            .collect();
        assert_eq!(krates, ["jingwu-core", "jingwu-command"]);
    }

    #[test]
    fn future_pure_crates_are_checked_once_they_exist() {
        let mut g = DepGraph::new();
        g.dep("jingwu-hazmat", "sqlx", Normal)
            .dep("jingwu-traffic", "axum-core", Normal);
        assert_eq!(pure_crate_violations(&g).len(), 2);
    }

    #[test]
    fn dev_and_build_dependencies_of_pure_crates_are_allowed() {
        let mut g = DepGraph::new();
        g.dep("jingwu-routing", "tokio", Dev)
            .dep("jingwu-routing", "axum", Build)
            .dep("jingwu-routing", "geo", Normal)
            // a dev-dependency of a dependency is not part of the pure crate either
            .dep("geo", "sqlx", Dev);
        assert_eq!(check(&g), []);
    }

    #[test]
    fn other_crates_may_use_the_runtime() {
        let mut g = DepGraph::new();
        g.dep("jingwu-app", "tokio", Normal)
            .dep("jingwu-app", "jingwu-core", Normal)
            .dep("jingwu-store", "sqlx", Normal);
        assert_eq!(check(&g), []);
    }

    #[test]
    fn api_naming_the_store_is_rejected_whatever_the_kind() {
        for kind in [Normal, Dev, Build] {
            let mut g = DepGraph::new();
            g.dep("jingwu-api", "jingwu-app", Normal)
                .dep("jingwu-app", "jingwu-store", Normal)
                .dep("jingwu-api", "jingwu-store", kind);
            assert_eq!(
                check(&g),
                [Violation::ApiDependsOnStore { kinds: vec![kind] }],
                "{kind}"
            );
        }
        let mut g = DepGraph::new();
        g.dep("jingwu-api", "jingwu-store", Normal)
            .dep("jingwu-api", "jingwu-store", Dev);
        assert_eq!(
            api_store_violations(&g)[0].to_string(),
            "jingwu-api depends on jingwu-store (normal, dev); use the app's use cases and views"
        );
    }

    #[test]
    fn api_through_the_app_or_a_test_support_crate_is_fine() {
        let mut g = DepGraph::new();
        g.dep("jingwu-api", "jingwu-app", Normal)
            .dep("jingwu-app", "jingwu-store", Normal)
            .dep("jingwu-api", "jingwu-testkit", Dev)
            .dep("jingwu-testkit", "jingwu-store", Normal);
        assert_eq!(check(&g), []);
    }

    #[test]
    fn reads_cargo_metadata_with_ids_kinds_and_versions() {
        // The shape of `cargo metadata --format-version 1`, trimmed to what is read.
        let json = r#"{
          "packages": [
            {"id": "path+file:///w/crates/jingwu-core#0.1.0", "name": "jingwu-core"},
            {"id": "path+file:///w/crates/jingwu-api#0.1.0", "name": "jingwu-api"},
            {"id": "path+file:///w/crates/jingwu-store#0.1.0", "name": "jingwu-store"},
            {"id": "registry+https://x#mio@1.0.0", "name": "mio"},
            {"id": "registry+https://x#tokio@1.0.0", "name": "tokio"}
          ],
          "resolve": {"nodes": [
            {"id": "path+file:///w/crates/jingwu-core#0.1.0", "deps": [
              {"name": "mio", "pkg": "registry+https://x#mio@1.0.0",
               "dep_kinds": [{"kind": null, "target": null}]}]},
            {"id": "registry+https://x#mio@1.0.0", "deps": [
              {"name": "tokio", "pkg": "registry+https://x#tokio@1.0.0",
               "dep_kinds": [{"kind": null, "target": "cfg(unix)"}]}]},
            {"id": "path+file:///w/crates/jingwu-api#0.1.0", "deps": [
              {"name": "jingwu_store", "pkg": "path+file:///w/crates/jingwu-store#0.1.0",
               "dep_kinds": [{"kind": "dev", "target": null}, {"kind": "build", "target": null}]}]}
          ]}
        }"#;
        let g = DepGraph::from_cargo_metadata(json).unwrap();
        assert_eq!(
            check(&g),
            [
                Violation::PureCrateDepends {
                    krate: "jingwu-core".into(),
                    path: vec!["jingwu-core".into(), "mio".into(), "tokio".into()],
                },
                Violation::ApiDependsOnStore {
                    kinds: vec![Dev, Build]
                },
            ]
        );
        assert!(matches!(
            DepGraph::from_cargo_metadata(r#"{"packages": []}"#),
            Err(MetadataError::Shape(_))
        ));
        assert!(DepGraph::from_cargo_metadata("cargo: error").is_err());
    }
}
