//! `graph export` writes what `--csv-graph` reads.

use crate::support::{err, jingwu, out};

#[test]
fn an_exported_graph_routes_like_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let gdir = dir.path().join("graph");
    let gdir = gdir.to_str().unwrap();
    let o = jingwu(
        &["graph", "export", "--synthetic", "3000:4", "--out", gdir],
        None,
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(std::path::Path::new(gdir).join("links.csv").is_file());

    let info = |src: &[&str]| {
        let mut args = vec!["graph", "info"];
        args.extend_from_slice(src);
        let o = jingwu(&args, None);
        assert!(o.status.success(), "{}", err(&o));
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        (
            v["nodes"].clone(),
            v["directed_edges"].clone(),
            v["bbox"].clone(),
        )
    };
    assert_eq!(
        info(&["--csv-graph", gdir]),
        info(&["--synthetic", "3000:4"])
    );

    // From points between junctions too, so snapping onto the same road shapes counts.
    for from in ["29.8700,121.5500", "29.8731,121.5466", "29.8655,121.5537"] {
        let reach = |src: &[&str]| {
            let mut args = vec!["route", "reach", "--from", from, "--max-seconds", "240"];
            args.extend_from_slice(src);
            let o = jingwu(&args, None);
            assert!(o.status.success(), "{}", err(&o));
            out(&o)
        };
        let original = reach(&["--synthetic", "3000:4"]);
        assert!(original.lines().count() > 50, "{original}");
        assert_eq!(reach(&["--csv-graph", gdir]), original, "from {from}");
    }
}
