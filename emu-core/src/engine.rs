//! The execution-engine trait. The interpreter is the reference engine;
//! the JIT (crate `emu-jit`) implements the same trait.

use crate::bus::Bus;
use crate::hart::Hart;
use crate::interp::RunExit;

/// Something that runs a hart for a while.
pub trait Engine {
    /// Engine name for messages (`interp`, `jit`).
    fn name(&self) -> &'static str;
    /// Run `hart` for about `budget` instructions. Returns why it stopped
    /// and how many instructions retired.
    fn run(&mut self, hart: &mut Hart, bus: &mut Bus, budget: u64) -> (RunExit, u64);
}

/// Tier 0 alone.
#[derive(Debug, Default)]
pub struct Interpreter;

impl Engine for Interpreter {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn run(&mut self, hart: &mut Hart, bus: &mut Bus, budget: u64) -> (RunExit, u64) {
        hart.run(bus, budget)
    }
}
