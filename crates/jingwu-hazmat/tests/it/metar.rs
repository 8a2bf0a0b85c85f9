//! METAR examples: KT, MPS, VRB, CAVOK, VV, negative temperatures, errors.

use jingwu_hazmat::metar::{HPA_PER_INHG, MS_PER_KNOT, MetarError, parse};

use crate::{TOL, rel};

#[test]
fn mps_with_layers_and_qnh() {
    let m = parse("METAR ZSPD 290300Z 04006MPS 9999 FEW020 BKN040 12/08 Q1021 NOSIG=").unwrap();
    assert_eq!(m.station, "ZSPD");
    assert_eq!((m.day, m.hour, m.minute), (29, 3, 0));
    assert_eq!(m.wind_from_deg, Some(40.0));
    assert_eq!(m.wind_speed_ms, 6.0);
    assert_eq!(m.gust_ms, None);
    // Total = the largest layer: BKN = 6/8 → 7.5 tenths; ceiling = BKN040 = 4000 ft.
    rel(m.total_cloud_tenths.unwrap(), 6.0 * 10.0 / 8.0, TOL);
    rel(m.ceiling_m.unwrap(), 4000.0 * 0.3048, TOL);
    assert_eq!(
        (m.temp_c, m.dew_c, m.pressure_hpa),
        (Some(12.0), Some(8.0), Some(1021.0))
    );
}

#[test]
fn knots_gusts_negative_temperatures_and_altimeter() {
    let m = parse("KJFK 011751Z 31015G25KT 10SM SCT250 M05/M12 A3012 RMK AO2 SLP201").unwrap();
    assert_eq!(m.wind_from_deg, Some(310.0));
    rel(m.wind_speed_ms, 15.0 * MS_PER_KNOT, TOL);
    rel(m.gust_ms.unwrap(), 25.0 * MS_PER_KNOT, TOL);
    rel(m.total_cloud_tenths.unwrap(), 3.5 * 10.0 / 8.0, TOL);
    assert_eq!(m.ceiling_m, None);
    assert_eq!((m.temp_c, m.dew_c), (Some(-5.0), Some(-12.0)));
    rel(m.pressure_hpa.unwrap(), 30.12 * HPA_PER_INHG, TOL);
}

#[test]
fn variable_wind_and_cavok() {
    let m = parse("ZBAA 011200Z VRB02MPS CAVOK M03/M15 Q1030").unwrap();
    assert_eq!(m.wind_from_deg, None);
    assert_eq!(m.wind_speed_ms, 2.0);
    assert_eq!(m.total_cloud_tenths, Some(0.0));
    assert_eq!(m.ceiling_m, None);
    assert_eq!(m.temp_c, Some(-3.0));
}

#[test]
fn vertical_visibility_is_overcast_with_a_ceiling_and_calm_has_no_direction() {
    let m = parse("EGLL 011150Z 00000KT 0200 FG VV001 08/08 Q1012").unwrap();
    assert_eq!(m.wind_from_deg, None);
    assert_eq!(m.wind_speed_ms, 0.0);
    assert_eq!(m.total_cloud_tenths, Some(10.0));
    rel(m.ceiling_m.unwrap(), 30.48, TOL);
    // Several layers: the lowest ceiling, the largest cover; OVC with CB.
    let m = parse("RJTT 011200Z 18012KT 9999 -RA FEW008 BKN015 OVC030CB 20/18 Q1005").unwrap();
    assert_eq!(m.total_cloud_tenths, Some(10.0));
    rel(m.ceiling_m.unwrap(), 1500.0 * 0.3048, TOL);
    // No cloud.
    assert_eq!(
        parse("ZSSS 011200Z 09004MPS 9999 NSC 15/05 Q1018")
            .unwrap()
            .total_cloud_tenths,
        Some(0.0)
    );
    // Nothing reported about cloud at all.
    assert_eq!(
        parse("ZSSS 011200Z 09004MPS").unwrap().total_cloud_tenths,
        None
    );
    // km/h.
    rel(
        parse("UUEE 011200Z 27036KMH 9999 M12/M15 Q1030")
            .unwrap()
            .wind_speed_ms,
        10.0,
        TOL,
    );
}

#[test]
fn errors_name_the_group() {
    assert_eq!(parse(""), Err(MetarError::Empty));
    assert_eq!(parse("   "), Err(MetarError::Empty));
    assert!(matches!(
        parse("ZSPDX 290300Z 04006MPS"),
        Err(MetarError::Station(_))
    ));
    assert!(matches!(parse("ZSPD"), Err(MetarError::Time(_))));
    assert!(matches!(
        parse("ZSPD 29030Z 04006MPS"),
        Err(MetarError::Time(_))
    ));
    assert!(matches!(
        parse("ZSPD 322400Z 04006MPS"),
        Err(MetarError::Time(_))
    ));
    assert_eq!(
        parse("ZSPD 290300Z 9999 FEW020"),
        Err(MetarError::MissingWind)
    );
    assert!(matches!(
        parse("ZSPD 290300Z 040ABKT"),
        Err(MetarError::Wind(_))
    ));
    assert!(matches!(
        parse("ZSPD 290300Z 45006MPS"),
        Err(MetarError::Wind(_))
    ));
    assert!(
        parse("ZSPD 290300Z 040ABKT")
            .unwrap_err()
            .to_string()
            .starts_with("wind")
    );
}
