//! Stage timings for `pmkb build --timings`: wall time, items handled and peak memory of
//! each stage of a build, in the order the stages ran.
//!
//! Peak memory is the process's resident-set high-water mark (`VmHWM` of
//! `/proc/self/status`), reset when a stage starts (writing `5` to
//! `/proc/self/clear_refs`), so each stage shows its own peak. Where that is not
//! available (not Linux) the peak is left out. Stages that run at the same time (render
//! and search) share one reset, so each shows the peak of both together.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One measured stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// What ran (`parse`, `kb: related`, …).
    pub name: &'static str,
    /// Wall-clock time.
    pub wall: Duration,
    /// How many things it handled (files, postmortems, pages…).
    pub items: usize,
    /// Peak resident memory of the process while it ran, in bytes.
    pub peak_bytes: Option<u64>,
}

/// Collects [`Stage`]s from any thread; does nothing when disabled.
#[derive(Debug, Default)]
pub struct Timings {
    enabled: bool,
    stages: Mutex<Vec<Stage>>,
}

/// A stage being measured; see [`Timings::start`].
#[must_use = "a span is recorded by `end`"]
pub struct Span<'a> {
    timings: &'a Timings,
    name: &'static str,
    started: Instant,
}

impl Timings {
    /// A collector that records stages.
    pub fn enabled() -> Self {
        Self {
            enabled: true,
            stages: Mutex::default(),
        }
    }

    /// A collector that records nothing (a plain build).
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Starts measuring `name`, resetting the memory high-water mark.
    pub fn start(&self, name: &'static str) -> Span<'_> {
        if self.enabled {
            reset_peak();
        }
        self.start_concurrent(name)
    }

    /// Starts measuring `name` without resetting the memory high-water mark: for a stage
    /// that runs beside another one.
    pub fn start_concurrent(&self, name: &'static str) -> Span<'_> {
        Span {
            timings: self,
            name,
            started: Instant::now(),
        }
    }

    /// The stages recorded so far, in the order they ended.
    pub fn stages(&self) -> Vec<Stage> {
        self.stages.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Span<'_> {
    /// Records the stage with how many `items` it handled.
    pub fn end(self, items: usize) {
        if !self.timings.enabled {
            return;
        }
        let stage = Stage {
            name: self.name,
            wall: self.started.elapsed(),
            items,
            peak_bytes: peak(),
        };
        if let Ok(mut stages) = self.timings.stages.lock() {
            stages.push(stage);
        }
    }
}

/// Resets the kernel's resident-set high-water mark of this process (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The resident-set high-water mark of this process, in bytes.
fn peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_recorded_only_when_enabled() {
        let off = Timings::disabled();
        off.start("parse").end(3);
        assert!(off.stages().is_empty());
        let on = Timings::enabled();
        on.start("parse").end(3);
        on.start_concurrent("render").end(7);
        let stages = on.stages();
        let names: Vec<(&str, usize)> = stages.iter().map(|s| (s.name, s.items)).collect();
        assert_eq!(names, [("parse", 3), ("render", 7)]);
        if cfg!(target_os = "linux") {
            assert!(stages[0].peak_bytes.is_some_and(|b| b > 0));
        }
    }
}
