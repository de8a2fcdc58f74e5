//! Timeliness (RFC 3414 §2.2.3 and §3.2 step 7): the 150-second window an authenticated
//! message must fall in, judged by the authoritative engine against its own clock
//! ([`authoritative_in_window`]) and by a manager against its estimate of that clock
//! ([`RemoteClock`]).

use std::time::Instant;

/// The window, in seconds, on either side of the engine's time.
pub const TIME_WINDOW: u32 = 150;

/// snmpEngineBoots' largest value: an engine there is latched and accepts nothing.
pub const MAX_BOOTS: u32 = i32::MAX as u32;

/// Whether a message stamped `msg_boots`/`msg_time` is timely for the authoritative engine
/// whose clock reads `boots`/`time` (RFC 3414 §3.2 step 7 a).
pub fn authoritative_in_window(boots: u32, time: u32, msg_boots: u32, msg_time: u32) -> bool {
    boots != MAX_BOOTS && msg_boots == boots && msg_time.abs_diff(time) <= TIME_WINDOW
}

/// A manager's view of a remote authoritative engine's clock: the boots and time it last
/// learnt, when, and the latest time any authentic message carried (RFC 3414 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteClock {
    boots: u32,
    time: u32,
    latest_received_time: u32,
    learnt_at: Instant,
}

impl RemoteClock {
    /// The clock as a discovery Report or an authentic message gave it at `now`.
    pub fn new(boots: u32, time: u32, now: Instant) -> RemoteClock {
        RemoteClock { boots, time, latest_received_time: time, learnt_at: now }
    }

    /// The engine's boots and time now, by the local clock since it was learnt.
    pub fn estimate(&self, now: Instant) -> (u32, u32) {
        let elapsed = u32::try_from(now.saturating_duration_since(self.learnt_at).as_secs()).unwrap_or(u32::MAX);
        (self.boots, self.time.saturating_add(elapsed).min(MAX_BOOTS))
    }

    /// Judges an authentic message's stamp (RFC 3414 §3.2 step 7 b) and learns from it: a
    /// later boots, or the same boots with a later time, moves the estimate forward. False
    /// when the message is too old to accept.
    pub fn accept(&mut self, msg_boots: u32, msg_time: u32, now: Instant) -> bool {
        if msg_boots > self.boots || (msg_boots == self.boots && msg_time > self.latest_received_time) {
            *self = RemoteClock::new(msg_boots, msg_time, now);
        }
        let (boots, time) = self.estimate(now);
        !(boots == MAX_BOOTS
            || msg_boots < boots
            || (msg_boots == boots && msg_time.saturating_add(TIME_WINDOW) < time))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn authoritative_window() {
        assert!(authoritative_in_window(2, 1000, 2, 1150));
        assert!(authoritative_in_window(2, 1000, 2, 850));
        assert!(!authoritative_in_window(2, 1000, 2, 1151));
        assert!(!authoritative_in_window(2, 1000, 2, 849));
        assert!(!authoritative_in_window(2, 1000, 1, 1000), "an earlier boot");
        assert!(!authoritative_in_window(MAX_BOOTS, 1000, MAX_BOOTS, 1000), "latched");
    }

    #[test]
    fn remote_clock_moves_forward_and_refuses_old_messages() {
        let t0 = Instant::now();
        let mut clock = RemoteClock::new(5, 100, t0);
        assert_eq!(clock.estimate(t0 + Duration::from_secs(30)), (5, 130));
        assert!(clock.accept(5, 120, t0 + Duration::from_secs(30)));
        assert!(clock.accept(6, 3, t0 + Duration::from_secs(31)), "the engine rebooted");
        assert_eq!(clock.estimate(t0 + Duration::from_secs(41)), (6, 13));
        assert!(!clock.accept(5, 500, t0 + Duration::from_secs(41)), "a message from before the reboot");
        assert!(!clock.accept(6, 0, t0 + Duration::from_secs(400)), "older than the window");
        assert!(clock.accept(6, 260, t0 + Duration::from_secs(400)));
    }
}
