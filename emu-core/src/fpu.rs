//! FP unit.
