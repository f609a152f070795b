//! Progress events the executor emits while it works.

/// Something that happened during a run. Reporters turn these into progress lines.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Another runner holds the lock; waiting for it.
    LockWaiting {
        /// Who holds it, as far as the driver can tell.
        holder: String,
    },
    /// The lock was taken.
    LockAcquired,
    /// A step starts.
    StepStarted {
        /// `0003_add_users`.
        label: String,
        /// `up` or `down`.
        direction: &'static str,
    },
    /// A non-transactional migration resumes after its completed statements.
    Resuming {
        /// `0003_add_users`.
        label: String,
        /// Statements already done; running resumes with the next one.
        statements_done: u32,
    },
    /// A step finished.
    StepFinished {
        /// `0003_add_users`.
        label: String,
        /// `up` or `down`.
        direction: &'static str,
        /// Milliseconds taken.
        millis: u64,
    },
    /// A step's verify script ran (`up --verify`), or the step has none. For a transactional
    /// step this comes before [`Event::StepFinished`]: the checks run before its commit.
    Verified {
        /// `0003_add_users`.
        label: String,
        /// Passed, failed (the run stops), or no verify script.
        outcome: crate::VerifyOutcome,
    },
    /// A step failed on a lock timeout and will be tried again.
    Retrying {
        /// `0003_add_users`.
        label: String,
        /// The attempt about to start (2 for the first retry).
        attempt: u32,
        /// Why.
        reason: String,
    },
}

/// Receives events. Implemented for closures.
pub trait EventSink: Send {
    /// Called for each event, in order.
    fn emit(&mut self, event: Event);
}

impl<F: FnMut(Event) + Send> EventSink for F {
    fn emit(&mut self, event: Event) {
        self(event)
    }
}

/// A sink that drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&mut self, _: Event) {}
}
