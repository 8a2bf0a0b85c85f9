//! What a newcomer sees: the subcommands without asking, and every flag's default.

use crate::support::{err, jingwu, out};

#[test]
fn no_arguments_list_the_subcommands() {
    let o = jingwu(&[], None);
    assert_eq!(o.status.code(), Some(2));
    let text = err(&o);
    assert!(text.contains("Usage: jingwu"), "{text}");
    for cmd in [
        "serve", "demo", "migrate", "user", "org", "audit", "simulate", "graph", "route",
        "coverage", "bench",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(cmd)),
            "`jingwu` alone does not list {cmd}:\n{text}"
        );
    }
}

#[test]
fn a_command_group_alone_lists_its_subcommands() {
    for (group, subs) in [
        ("user", &["add", "revoke"][..]),
        ("graph", &["export", "build", "info"][..]),
        ("bench", &["routing", "push", "avl"][..]),
    ] {
        let o = jingwu(&[group], None);
        assert_eq!(o.status.code(), Some(2), "{group}");
        let text = err(&o);
        for s in subs {
            assert!(
                text.lines().any(|l| l.trim_start().starts_with(s)),
                "`jingwu {group}` does not list {s}:\n{text}"
            );
        }
    }
}

#[test]
fn help_shows_the_defaults_that_apply() {
    let serve = out(&jingwu(&["serve", "--help"], None));
    assert!(serve.contains("[default: 127.0.0.1:8080]"), "{serve}");
    assert!(
        serve.contains("[default: sqlite://data/jingwu.db]"),
        "{serve}"
    );
    let demo = out(&jingwu(&["demo", "--help"], None));
    assert!(
        demo.contains("[default: sqlite://data/jingwu-demo.db]"),
        "{demo}"
    );
    assert!(demo.contains("[default: synthetic:60000:2016]"), "{demo}");
    let migrate = out(&jingwu(&["migrate", "--help"], None));
    assert!(
        migrate.contains("[default: sqlite://data/jingwu.db]"),
        "{migrate}"
    );
}
