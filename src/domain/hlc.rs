//! Hybrid logical clock: wall-clock milliseconds plus a counter, never going backwards
//! on one device even when the wall clock does. Every change-log entry carries one;
//! merging orders concurrent edits by it (SPEC §2, §7).

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Hlc(pub i64);

/// This device's wall clock in milliseconds. `CLIENTBOOK_CLOCK_OFFSET_MS` shifts it,
/// so that tests (and anyone checking a setup) can play a device whose clock is wrong.
pub fn wall_ms() -> i64 {
    static OFFSET: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let offset = *OFFSET.get_or_init(|| {
        std::env::var("CLIENTBOOK_CLOCK_OFFSET_MS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    });
    chrono::Utc::now().timestamp_millis() + offset
}

const COUNTER_BITS: u32 = 16;
const COUNTER_MASK: i64 = (1 << COUNTER_BITS) - 1;

impl Hlc {
    pub fn new(millis: i64, counter: u16) -> Hlc {
        Hlc((millis << COUNTER_BITS) | i64::from(counter))
    }

    pub fn millis(self) -> i64 {
        self.0 >> COUNTER_BITS
    }

    pub fn counter(self) -> u16 {
        (self.0 & COUNTER_MASK) as u16
    }

    /// The clock for a local event after `self`, at wall time `wall_ms`.
    pub fn tick(self, wall_ms: i64) -> Hlc {
        if wall_ms > self.millis() {
            Hlc::new(wall_ms, 0)
        } else {
            self.bump()
        }
    }

    /// The clock after seeing a `remote` stamp: ahead of both.
    pub fn observe(self, remote: Hlc, wall_ms: i64) -> Hlc {
        let latest = self.max(remote);
        if wall_ms > latest.millis() {
            Hlc::new(wall_ms, 0)
        } else {
            latest.bump()
        }
    }

    fn bump(self) -> Hlc {
        if self.counter() == u16::MAX {
            Hlc::new(self.millis() + 1, 0)
        } else {
            Hlc(self.0 + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_wall_clock_when_it_moves_forward() {
        let clock = Hlc::new(1_000, 5);
        assert_eq!(clock.tick(2_000), Hlc::new(2_000, 0));
    }

    #[test]
    fn never_goes_backwards_when_the_wall_clock_does() {
        let clock = Hlc::new(5_000, 0);
        let next = clock.tick(4_000);
        assert!(next > clock);
        assert_eq!(next, Hlc::new(5_000, 1));
        let many = (0..70_000).fold(next, |c, _| c.tick(0));
        assert!(many > next && many.millis() > 5_000);
    }

    #[test]
    fn observing_a_remote_clock_moves_past_it() {
        let local = Hlc::new(1_000, 3);
        let remote = Hlc::new(9_000, 7);
        let after = local.observe(remote, 2_000);
        assert!(after > remote && after > local);
        assert_eq!(after, Hlc::new(9_000, 8));
    }
}
