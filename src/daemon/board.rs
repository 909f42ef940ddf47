//! The scoreboard: what `rushd` and its workers know of each other without
//! a message per job.
//!
//! A worker that accepts a client itself serves it without the daemon
//! hearing of it, so the state the daemon needs for `status`, for
//! dispatching a job it holds, for the idle timer and for cleaning up after
//! a worker that dies mid-job lives here, in memory shared by the daemon
//! and every worker it forks: one slot of atomic words per worker, and a
//! few words for the daemon. Each word has one writer, except a slot's
//! state, which the daemon and the worker change only by compare-and-swap:
//! that is how a worker and the daemon agree on who has the worker.

use platform::shm::SharedWords;
use std::sync::atomic::{AtomicU64, Ordering};

/// A slot's state.
pub mod state {
    /// Free, or forked and not yet waiting.
    pub const NONE: u64 = 0;
    /// Idle, waiting on the listening socket and its channel.
    pub const LISTENING: u64 = 1;
    /// Idle, waiting on its channel only (the daemon is accepting).
    pub const HELD: u64 = 2;
    /// Serving a client it accepted itself.
    pub const SERVING: u64 = 3;
    /// Claimed by the daemon for a job it sends on the channel.
    pub const RELAY: u64 = 4;
    /// Exiting (retired, or ended by a stopping daemon): takes no job.
    pub const LEAVING: u64 = 5;
}

// Daemon words.
/// 1 while the daemon accepts clients itself (every worker busy, or no
/// worker listening): a worker that finishes reports to it instead of
/// listening again.
const ACCEPTING: usize = 0;
/// When the last job a worker accepted itself ended (monotonic ns).
const LAST_JOB_NS: usize = 1;
/// When a worker last sent the daemon a `Tick`.
const LAST_TICK_NS: usize = 2;
/// 1 from the moment the last listening worker went (it took a client and
/// sent `Saturated`, or the daemon claimed it) until the daemon has looked
/// into it: one look per episode, however many jobs start meanwhile.
const SATURATED: usize = 3;
const HEADER: usize = 8;

// Slot words.
const STATE: usize = 0;
const PID: usize = 1;
/// The process group of its current or next job.
const PGID: usize = 2;
/// Jobs it accepted and served itself.
const JOBS: usize = 3;
/// The client pid of the job it serves.
const CLIENT: usize = 4;
/// Bumped as each job it accepted itself starts.
const SEQ: usize = 5;
/// Where the next latency sample goes (counts up; modulo the ring).
const LAT_NEXT: usize = 6;
/// Set by the daemon when it ends the worker's job because it is
/// stopping: the worker tells the client so.
const ABORTED: usize = 7;
const LAT_RING: usize = 8;
/// Latency samples kept per slot.
pub const LAT_SAMPLES: usize = 64;
const SLOT: usize = LAT_RING + LAT_SAMPLES;

/// How often, at most, workers wake the daemon for its periodic checks
/// while they serve jobs without it.
const TICK_NS: u64 = 1_000_000_000;

pub struct Board {
    words: SharedWords,
    slots: usize,
}

impl Board {
    /// A board with `slots` worker slots.
    pub fn new(slots: usize) -> std::io::Result<Board> {
        Ok(Board {
            words: SharedWords::new(HEADER + slots * SLOT)?,
            slots,
        })
    }

    fn w(&self, i: usize) -> &AtomicU64 {
        &self.words.words()[i]
    }

    fn s(&self, slot: usize, i: usize) -> &AtomicU64 {
        debug_assert!(slot < self.slots);
        self.w(HEADER + slot * SLOT + i)
    }

    pub fn slots(&self) -> usize {
        self.slots
    }

    pub fn accepting(&self) -> bool {
        self.w(ACCEPTING).load(Ordering::SeqCst) != 0
    }

    pub fn set_accepting(&self, on: bool) {
        self.w(ACCEPTING).store(u64::from(on), Ordering::SeqCst);
    }

    /// Did the last place on the listening socket just go, slot `except`
    /// aside (a worker that took a client, or one the daemon claimed), with
    /// the daemon not accepting? Then the daemon must look, 5 ms later,
    /// whether to accept clients itself. True once until
    /// [`clear_saturated`](Self::clear_saturated): one look per episode,
    /// however many jobs start meanwhile.
    pub fn last_listener_gone(&self, except: Option<usize>) -> bool {
        !self.accepting()
            && !self.any_listening(except)
            && self
                .w(SATURATED)
                .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
    }

    pub fn clear_saturated(&self) {
        self.w(SATURATED).store(0, Ordering::SeqCst);
    }

    /// A free slot for a worker about to be forked (its pid comes with
    /// [`set_pid`](Self::set_pid)).
    pub fn claim_slot(&self) -> Option<usize> {
        (0..self.slots).find(|&i| {
            self.s(i, PID)
                .compare_exchange(0, u64::MAX, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        })
    }

    pub fn set_pid(&self, slot: usize, pid: i32) {
        self.s(slot, PID).store(pid as u64, Ordering::SeqCst);
    }

    /// Free a slot whose worker is gone: its job count, which the caller
    /// keeps.
    pub fn release_slot(&self, slot: usize) -> u64 {
        let jobs = self.s(slot, JOBS).load(Ordering::SeqCst);
        for i in 0..SLOT {
            if i != PID {
                self.s(slot, i).store(0, Ordering::SeqCst);
            }
        }
        self.s(slot, PID).store(0, Ordering::SeqCst);
        jobs
    }

    pub fn state(&self, slot: usize) -> u64 {
        self.s(slot, STATE).load(Ordering::SeqCst)
    }

    pub fn set_state(&self, slot: usize, st: u64) {
        self.s(slot, STATE).store(st, Ordering::SeqCst);
    }

    /// Move a slot from `from` to `to` if it is in `from`.
    pub fn cas_state(&self, slot: usize, from: u64, to: u64) -> bool {
        self.s(slot, STATE)
            .compare_exchange(from, to, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Is any worker other than `except` waiting on the listening socket?
    pub fn any_listening(&self, except: Option<usize>) -> bool {
        (0..self.slots).any(|i| Some(i) != except && self.state(i) == state::LISTENING)
    }

    pub fn pgid(&self, slot: usize) -> i32 {
        self.s(slot, PGID).load(Ordering::SeqCst) as i32
    }

    pub fn set_pgid(&self, slot: usize, pgid: i32) {
        self.s(slot, PGID).store(pgid as u64, Ordering::SeqCst);
    }

    pub fn jobs(&self, slot: usize) -> u64 {
        self.s(slot, JOBS).load(Ordering::Relaxed)
    }

    pub fn client(&self, slot: usize) -> i32 {
        self.s(slot, CLIENT).load(Ordering::SeqCst) as i32
    }

    pub fn seq(&self, slot: usize) -> u64 {
        self.s(slot, SEQ).load(Ordering::SeqCst)
    }

    /// The client a worker accepted, from before it reads the request (0:
    /// none): should the worker die while it holds the client, the daemon
    /// can tell the client how its job ended (`Fate`).
    pub fn set_client(&self, slot: usize, client: i32) {
        self.s(slot, CLIENT)
            .store(client.max(0) as u64, Ordering::SeqCst);
    }

    /// A job the worker accepted itself starts: its client, and how long
    /// the client's request waited (µs), when known.
    pub fn job_started(&self, slot: usize, client: i32, waited_us: Option<u64>) {
        self.s(slot, CLIENT).store(client as u64, Ordering::SeqCst);
        self.s(slot, SEQ).fetch_add(1, Ordering::SeqCst);
        if let Some(us) = waited_us {
            let n = self.s(slot, LAT_NEXT).fetch_add(1, Ordering::Relaxed) as usize;
            self.s(slot, LAT_RING + n % LAT_SAMPLES)
                .store(us.max(1), Ordering::Relaxed);
        }
    }

    /// That job ended at `now_ns`.
    pub fn job_ended(&self, slot: usize, now_ns: u64) {
        self.s(slot, JOBS).fetch_add(1, Ordering::Relaxed);
        self.s(slot, CLIENT).store(0, Ordering::SeqCst);
        self.w(LAST_JOB_NS).fetch_max(now_ns, Ordering::Relaxed);
    }

    /// The daemon is ending this slot's job (it is stopping).
    pub fn abort(&self, slot: usize) {
        self.s(slot, ABORTED).store(1, Ordering::SeqCst);
    }

    pub fn aborted(&self, slot: usize) -> bool {
        self.s(slot, ABORTED).load(Ordering::SeqCst) != 0
    }

    /// When the last job a worker accepted itself ended (0: none yet).
    pub fn last_job_ns(&self) -> u64 {
        self.w(LAST_JOB_NS).load(Ordering::Relaxed)
    }

    /// Should the worker that just served a job wake the daemon for its
    /// periodic checks? True for one worker about once a second.
    pub fn take_tick(&self, now_ns: u64) -> bool {
        let last = self.w(LAST_TICK_NS).load(Ordering::Relaxed);
        now_ns.saturating_sub(last) >= TICK_NS
            && self
                .w(LAST_TICK_NS)
                .compare_exchange(last, now_ns, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    /// The slot's recent latency samples (µs), appended to `out`.
    pub fn latencies(&self, slot: usize, out: &mut Vec<u32>) {
        for i in 0..LAT_SAMPLES {
            let v = self.s(slot, LAT_RING + i).load(Ordering::Relaxed);
            if v != 0 {
                out.push(v.min(u64::from(u32::MAX)) as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_claimed_once_and_freed() {
        let b = Board::new(2).unwrap();
        assert_eq!(b.claim_slot(), Some(0));
        assert_eq!(b.claim_slot(), Some(1));
        assert_eq!(b.claim_slot(), None);
        b.set_pid(1, 10);
        b.job_started(1, 99, Some(5));
        b.job_ended(1, 1000);
        assert_eq!(b.release_slot(1), 1);
        assert_eq!(b.claim_slot(), Some(1));
        assert_eq!(b.jobs(1), 0);
        assert_eq!(b.last_job_ns(), 1000);
    }

    #[test]
    fn the_daemon_and_a_worker_agree_on_who_has_the_worker() {
        let b = Board::new(1).unwrap();
        b.set_state(0, state::LISTENING);
        assert!(b.any_listening(None));
        assert!(!b.any_listening(Some(0)));
        // The daemon claims it first: the worker's own claim fails.
        assert!(b.cas_state(0, state::LISTENING, state::RELAY));
        assert!(!b.cas_state(0, state::LISTENING, state::SERVING));
    }

    #[test]
    fn one_tick_a_second() {
        let b = Board::new(1).unwrap();
        assert!(b.take_tick(TICK_NS));
        assert!(!b.take_tick(TICK_NS + 5));
        assert!(b.take_tick(2 * TICK_NS + 5));
    }

    #[test]
    fn latency_ring_keeps_the_latest() {
        let b = Board::new(1).unwrap();
        for i in 0..(LAT_SAMPLES as u64 + 3) {
            b.job_started(0, 1, Some(i + 1));
        }
        let mut v = Vec::new();
        b.latencies(0, &mut v);
        assert_eq!(v.len(), LAT_SAMPLES);
        assert!(v.contains(&(LAT_SAMPLES as u32 + 3)));
        assert!(!v.contains(&1));
    }
}
