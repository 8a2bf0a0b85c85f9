//! (being written) Extensions of any legal clock and the job that raises warnings and expiries.

use super::Cases;
use crate::Result;

impl Cases<'_> {
    /// Raises the warnings and expiries that are due, each once (the clock job).
    pub async fn run_clock_alerts(&self) -> Result<usize> {
        Ok(0)
    }
}
