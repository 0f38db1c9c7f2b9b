//! The performance monitor: selector timings with regression detection,
//! state size analysis and user interaction tracking.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::Store;

/// How many timings make a selector's baseline, and how many recent ones
/// are compared with it.
pub const REGRESSION_WINDOW: usize = 10;

/// A selector is flagged when its recent median exceeds its baseline median
/// by more than this factor.
pub const REGRESSION_FACTOR: f64 = 3.0;

/// A selector that got slower.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    pub selector: String,
    /// Median of its first `REGRESSION_WINDOW` timings.
    pub baseline: Duration,
    /// Median of its latest `REGRESSION_WINDOW` timings.
    pub recent: Duration,
}

/// Entity counts and an approximate size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateAnalysis {
    pub tenants: usize,
    pub users: usize,
    pub workspaces: usize,
    pub documents: usize,
    /// Every element, deleted ones included (they still take memory).
    pub elements: usize,
    pub activities: usize,
    /// Parent links: element -> parent element or document, document ->
    /// workspace, workspace -> tenant.
    pub relationships: usize,
    /// Approximate heap bytes of the whole store.
    pub approx_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InteractionStats {
    pub count: u64,
    pub total: Duration,
    pub max: Duration,
}

#[derive(Debug, Clone, Default)]
struct Timings {
    baseline: Vec<Duration>,
    /// The latest timings after the baseline, at most `REGRESSION_WINDOW`.
    recent: Vec<Duration>,
}

#[derive(Debug, Clone, Default)]
pub struct PerformanceMonitor {
    selectors: HashMap<String, Timings>,
    interactions: HashMap<String, InteractionStats>,
}

fn median(values: &[Duration]) -> Duration {
    let mut v = values.to_vec();
    v.sort_unstable();
    v[v.len() / 2]
}

impl PerformanceMonitor {
    pub fn new() -> PerformanceMonitor {
        PerformanceMonitor::default()
    }

    /// Runs `f`, records how long it took under `name`, and returns its result.
    pub fn measure_selector<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.record(name, start.elapsed());
        out
    }

    fn record(&mut self, name: &str, took: Duration) {
        let t = self.selectors.entry(name.to_string()).or_default();
        if t.baseline.len() < REGRESSION_WINDOW {
            t.baseline.push(took);
        } else {
            if t.recent.len() == REGRESSION_WINDOW {
                t.recent.remove(0);
            }
            t.recent.push(took);
        }
    }

    /// Selectors whose latest timings are more than `REGRESSION_FACTOR`
    /// times slower than their baseline, sorted by name.
    pub fn regressions(&self) -> Vec<Regression> {
        let mut out: Vec<Regression> = self
            .selectors
            .iter()
            .filter(|(_, t)| t.recent.len() == REGRESSION_WINDOW)
            .map(|(name, t)| Regression {
                selector: name.clone(),
                baseline: median(&t.baseline),
                recent: median(&t.recent),
            })
            .filter(|r| r.recent.as_secs_f64() > REGRESSION_FACTOR * r.baseline.as_secs_f64())
            .collect();
        out.sort_by(|a, b| a.selector.cmp(&b.selector));
        out
    }

    /// Counts entities per kind and estimates the store's size.
    pub fn analyze_state_size(&self, store: &Store) -> StateAnalysis {
        store.census()
    }

    /// Records one user interaction (an action and how long it took).
    pub fn track_user_interaction(&mut self, action: &str, duration: Duration) {
        let s = self.interactions.entry(action.to_string()).or_default();
        s.count += 1;
        s.total += duration;
        s.max = s.max.max(duration);
    }

    pub fn interaction(&self, action: &str) -> Option<InteractionStats> {
        self.interactions.get(action).copied()
    }
}
