//! Time-of-day speed factors per road class ("rush hours"): in a window of weekdays and local
//! (Asia/Shanghai) time, travel on a class of road takes `factor` times its free-flow time.
//! Where windows overlap, the slowest factor of a class applies. Road events compose with
//! them: a slowed stretch in the rush hour takes both factors.
//!
//! Written as one line per window, e.g. `mon-fri 07:00-09:00 trunk=1.5 primary=1.6`: days
//! (`mon`…`sun`, a range `mon-fri`, a list `sat,sun`, or `daily`), a time range within one
//! day (`to` after `from`; a window across midnight is two lines), and `class=factor` for the
//! classes of [`RoadClass::as_str`] (factor 1 to 10; classes not named keep free flow).

use jingwu_core::calendar::local_datetime;

use crate::road_class::RoadClass;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// A factor beyond this is a typo, not traffic: a closure is a road event.
const MAX_FACTOR: f64 = 10.0;

/// Factors per road class, indexed by `RoadClass as usize`.
pub type ClassFactors = [f64; 8];

/// No slowdown on any class.
pub const FREE_FLOW: ClassFactors = [1.0; 8];

#[derive(Debug, Clone, PartialEq)]
struct Window {
    days: [bool; 7],
    /// Minutes after local midnight, `from < to`.
    from: u16,
    to: u16,
    factors: ClassFactors,
}

/// The configured windows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RushHours {
    windows: Vec<Window>,
}

fn parse_days(s: &str) -> Result<[bool; 7], String> {
    let day = |d: &str| {
        DAYS.iter()
            .position(|x| *x == d)
            .ok_or_else(|| format!("unknown day {d:?} (mon … sun)"))
    };
    let mut days = [false; 7];
    if s == "daily" {
        return Ok([true; 7]);
    }
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                if a > b {
                    return Err(format!("day range {part:?} runs backwards"));
                }
                days[a..=b].iter_mut().for_each(|d| *d = true);
            }
            None => days[day(part)?] = true,
        }
    }
    Ok(days)
}

fn parse_time(s: &str) -> Result<u16, String> {
    let bad = || format!("time {s:?} is not HH:MM");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn parse_window(line: &str) -> Result<Window, String> {
    let mut parts = line.split_whitespace();
    let days = parse_days(parts.next().ok_or("empty window")?)?;
    let times = parts.next().ok_or("missing HH:MM-HH:MM")?;
    let (a, b) = times
        .split_once('-')
        .ok_or_else(|| format!("{times:?} is not HH:MM-HH:MM"))?;
    let (from, to) = (parse_time(a)?, parse_time(b)?);
    if from >= to {
        return Err(format!(
            "{times:?} ends before it starts (write a window across midnight as two)"
        ));
    }
    let mut factors = FREE_FLOW;
    let mut any = false;
    for p in parts {
        let (class, f) = p
            .split_once('=')
            .ok_or_else(|| format!("{p:?} is not class=factor"))?;
        let class =
            RoadClass::parse(class).ok_or_else(|| format!("unknown road class {class:?}"))?;
        let f: f64 = f
            .parse()
            .ok()
            .filter(|f: &f64| (1.0..=MAX_FACTOR).contains(f))
            .ok_or_else(|| format!("factor {f:?} is not a number from 1 to {MAX_FACTOR}"))?;
        factors[class as usize] = f;
        any = true;
    }
    if !any {
        return Err("no class=factor given".into());
    }
    Ok(Window {
        days,
        from,
        to,
        factors,
    })
}

impl RushHours {
    /// Parses one window per entry.
    ///
    /// # Errors
    /// The first bad entry, named by its position (1-based) and what is wrong with it.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let windows = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                parse_window(e.as_ref().trim())
                    .map_err(|m| format!("rush hour {} ({:?}): {m}", i + 1, e.as_ref()))
            })
            .collect::<Result<_, _>>()?;
        Ok(RushHours { windows })
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// The factor of each class at an instant (microseconds since the epoch), in local time.
    #[must_use]
    pub fn factors_at(&self, micros: i64) -> ClassFactors {
        let t = local_datetime(micros);
        let day = usize::from(t.weekday().to_monday_zero_offset().unsigned_abs());
        let minute = t.hour().unsigned_abs() as u16 * 60 + t.minute().unsigned_abs() as u16;
        let mut out = FREE_FLOW;
        for w in &self.windows {
            if w.days[day] && (w.from..w.to).contains(&minute) {
                for (o, f) in out.iter_mut().zip(w.factors) {
                    *o = o.max(f);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Microseconds of a Shanghai wall-clock time.
    fn at(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        let dt = jiff::civil::date(y, mo, d).at(h, mi, 0, 0);
        jingwu_core::calendar::SHANGHAI
            .to_timestamp(dt)
            .unwrap()
            .as_microsecond()
    }

    #[test]
    fn windows_apply_on_their_days_and_hours_only() {
        let r = RushHours::parse(&[
            "mon-fri 07:00-09:00 primary=1.6 trunk=1.5",
            "sat,sun 10:00-12:00 street=1.2",
            "daily 08:30-08:45 primary=2",
        ])
        .unwrap();
        // 2026-12-07 is a Monday.
        let mon_8 = r.factors_at(at(2026, 12, 7, 8, 0));
        assert_eq!(mon_8[RoadClass::Primary as usize], 1.6);
        assert_eq!(mon_8[RoadClass::Trunk as usize], 1.5);
        assert_eq!(mon_8[RoadClass::Street as usize], 1.0);
        assert_eq!(
            r.factors_at(at(2026, 12, 7, 8, 40))[RoadClass::Primary as usize],
            2.0,
            "overlapping windows: the slowest"
        );
        assert_eq!(
            r.factors_at(at(2026, 12, 7, 9, 0)),
            FREE_FLOW,
            "to is exclusive"
        );
        assert_eq!(r.factors_at(at(2026, 12, 7, 6, 59)), FREE_FLOW);
        let sun_11 = r.factors_at(at(2026, 12, 13, 11, 0));
        assert_eq!(sun_11[RoadClass::Street as usize], 1.2);
        assert_eq!(sun_11[RoadClass::Primary as usize], 1.0);
    }

    #[test]
    fn bad_windows_say_which_and_why() {
        for (line, says) in [
            ("mon-fri 07:00-09:00", "no class=factor"),
            ("fri-mon 07:00-09:00 primary=1.5", "backwards"),
            ("weekdays 07:00-09:00 primary=1.5", "unknown day"),
            ("mon 09:00-07:00 primary=1.5", "ends before it starts"),
            ("mon 07:00-25:00 primary=1.5", "not HH:MM"),
            ("mon 07:00-09:00 highway=1.5", "unknown road class"),
            ("mon 07:00-09:00 primary=0.5", "from 1 to 10"),
            ("mon 07:00-09:00 primary=fast", "from 1 to 10"),
        ] {
            let e = RushHours::parse(&["daily 00:00-01:00 path=1", line]).unwrap_err();
            assert!(
                e.starts_with("rush hour 2") && e.contains(says),
                "{line}: {e}"
            );
        }
    }
}
