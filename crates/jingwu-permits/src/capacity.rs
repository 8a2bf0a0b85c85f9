//! A slot's capacity. Each (office, start) slot has `capacity` places, of which
//! `green_reserved` are held back for the green channel (priority applicants: the elderly,
//! people with disabilities, urgent cases). A general booking may take only the unreserved
//! places; a green-channel booking takes a reserved place first and falls back to the general
//! pool. The store enforces exactly these rules as conditional updates inside the booking
//! transaction (permits.md §4.1), so the counts here describe and check, they never decide a
//! race.

use serde::{Deserialize, Serialize};

/// The counts of one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotCounts {
    pub capacity: u32,
    pub green_reserved: u32,
    /// Places taken from the general pool (bookings and live holds).
    pub booked: u32,
    /// Places taken from the green-channel reserve.
    pub booked_green: u32,
}

/// Which pool a place is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    General,
    Green,
}

impl Pool {
    pub const fn as_str(self) -> &'static str {
        match self {
            Pool::General => "general",
            Pool::Green => "green",
        }
    }

    pub fn parse(s: &str) -> Option<Pool> {
        match s {
            "general" => Some(Pool::General),
            "green" => Some(Pool::Green),
            _ => None,
        }
    }
}

impl SlotCounts {
    /// Places a general booking could still take.
    pub fn free_general(&self) -> u32 {
        self.capacity
            .saturating_sub(self.green_reserved)
            .saturating_sub(self.booked)
    }

    /// Places a green-channel booking could still take (its reserve, then the general pool).
    pub fn free_green(&self) -> u32 {
        self.green_reserved.saturating_sub(self.booked_green) + self.free_general()
    }

    /// The pools to try, in order, for a booking.
    pub fn pools(green: bool) -> &'static [Pool] {
        if green {
            &[Pool::Green, Pool::General]
        } else {
            &[Pool::General]
        }
    }

    /// Where a booking would go now, if anywhere.
    pub fn take(&self, green: bool) -> Option<Pool> {
        Self::pools(green).iter().copied().find(|p| match p {
            Pool::Green => self.booked_green < self.green_reserved,
            Pool::General => self.free_general() > 0,
        })
    }

    /// The invariant the database keeps: neither pool over its share.
    pub fn holds(&self) -> bool {
        self.booked_green <= self.green_reserved
            && self.booked <= self.capacity.saturating_sub(self.green_reserved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn green_takes_its_reserve_first_then_the_general_pool() {
        let mut s = SlotCounts {
            capacity: 4,
            green_reserved: 1,
            booked: 0,
            booked_green: 0,
        };
        assert_eq!(s.free_general(), 3);
        assert_eq!(s.free_green(), 4);
        assert_eq!(s.take(true), Some(Pool::Green));
        s.booked_green = 1;
        assert_eq!(s.take(true), Some(Pool::General));
        s.booked = 3;
        assert_eq!(s.take(false), None);
        assert_eq!(s.take(true), None);
        assert!(s.holds());
        s.booked = 4;
        assert!(!s.holds());
    }
}
