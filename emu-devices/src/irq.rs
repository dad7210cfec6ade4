//! Level-triggered interrupt lines from devices into an interrupt
//! controller.

use std::sync::Arc;

/// Something that receives level-triggered interrupt sources (the PLIC).
pub trait IrqSink: Send + Sync {
    /// Set the level of `source` (1-based, as in the PLIC).
    fn set_level(&self, source: u32, level: bool);
}

/// One interrupt line of a device: a source number on a sink.
#[derive(Clone)]
pub struct IrqLine {
    sink: Arc<dyn IrqSink>,
    source: u32,
}

impl std::fmt::Debug for IrqLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IrqLine({})", self.source)
    }
}

impl IrqLine {
    /// Line `source` of `sink`.
    pub fn new(sink: Arc<dyn IrqSink>, source: u32) -> Self {
        IrqLine { sink, source }
    }

    /// The source number.
    pub fn source(&self) -> u32 {
        self.source
    }

    /// Drive the line to `level`.
    pub fn set(&self, level: bool) {
        self.sink.set_level(self.source, level);
    }
}

/// A sink that records levels, for device unit tests.
#[derive(Debug, Default)]
pub struct TestSink {
    levels: std::sync::Mutex<std::collections::HashMap<u32, bool>>,
}

impl TestSink {
    /// The last level set on `source` (false if never set).
    pub fn level(&self, source: u32) -> bool {
        self.levels
            .lock()
            .map(|m| m.get(&source).copied().unwrap_or(false))
            .unwrap_or(false)
    }
}

impl IrqSink for TestSink {
    fn set_level(&self, source: u32, level: bool) {
        if let Ok(mut m) = self.levels.lock() {
            m.insert(source, level);
        }
    }
}
