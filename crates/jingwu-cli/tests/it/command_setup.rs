//! `jingwu command import`: a bureau set up from files, every bad row reported by line and
//! field, nothing imported from a file with a bad row unless `--partial`.

use crate::support::{err, jingwu, out, seed};

#[test]
fn a_bureau_is_set_up_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/setup.db", dir.path().display());
    seed(&db);
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    let import = |kind: &str, file: &str, extra: &[&str]| {
        let mut args = vec!["command", "import", "--database", &db, kind, file];
        args.extend_from_slice(extra);
        jingwu(&args, None)
    };

    let sites = write(
        "sites.csv",
        "org_code,lat,lon,address\n33020301,29.8731,121.5504,鼓楼所址\n",
    );
    let o = import("sites", &sites, &[]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("1 rows, 1 good, 1 imported"),
        "{}",
        out(&o)
    );

    let units = write(
        "units.csv",
        "call_sign,kind,org_code,equipment\n鼓楼巡01,patrol_car,33020301,shield\n鼓楼步02,foot,33020301,\n",
    );
    // A bad row: reported by line and field, exit 1, nothing imported.
    let o = import("units", &units, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        err(&o).contains("line 3: kind: unit_kind.unknown"),
        "{}",
        err(&o)
    );
    let o = import("units", &units, &["--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o).contains("2 rows, 1 good, 0 imported (dry run)"),
        "{}",
        out(&o)
    );
    // --partial imports the good row; the same file again finds its call sign taken.
    let o = import("units", &units, &["--partial"]);
    assert!(
        out(&o).contains("2 rows, 1 good, 1 imported"),
        "{}",
        out(&o)
    );
    let o = import("units", &units, &["--dry-run"]);
    assert!(err(&o).contains("line 2: call_sign: taken"), "{}", err(&o));

    let areas = write(
        "areas.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"org_code":"33020301"},
           "geometry":{"type":"Polygon","coordinates":[[[121.5,29.8],[121.6,29.8],[121.6,29.9],[121.5,29.9],[121.5,29.8]]]}}]}"#,
    );
    let o = import("areas", &areas, &[]);
    assert!(o.status.success(), "{}", err(&o));
    let o = import("rivers", &areas, &[]);
    assert!(!o.status.success());
    assert!(err(&o).contains("unknown import"), "{}", err(&o));

    let o = jingwu(&["audit", "verify", "--database", &db], None);
    assert!(o.status.success(), "{}", err(&o));
}
