//! Architectural traps as data: `Trap { cause, tval }`, never a host error.

/// Exception cause codes (privileged spec, mcause table).
pub mod cause {
    /// Instruction address misaligned.
    pub const INSN_MISALIGNED: u64 = 0;
    /// Instruction access fault.
    pub const INSN_ACCESS: u64 = 1;
    /// Illegal instruction.
    pub const ILLEGAL: u64 = 2;
    /// Breakpoint.
    pub const BREAKPOINT: u64 = 3;
    /// Load address misaligned.
    pub const LOAD_MISALIGNED: u64 = 4;
    /// Load access fault.
    pub const LOAD_ACCESS: u64 = 5;
    /// Store/AMO address misaligned.
    pub const STORE_MISALIGNED: u64 = 6;
    /// Store/AMO access fault.
    pub const STORE_ACCESS: u64 = 7;
    /// Environment call from U-mode (+1 from S, +3 from M).
    pub const ECALL_U: u64 = 8;
    /// Environment call from S-mode.
    pub const ECALL_S: u64 = 9;
    /// Environment call from M-mode.
    pub const ECALL_M: u64 = 11;
    /// Instruction page fault.
    pub const INSN_PAGE: u64 = 12;
    /// Load page fault.
    pub const LOAD_PAGE: u64 = 13;
    /// Store/AMO page fault.
    pub const STORE_PAGE: u64 = 15;

    /// Interrupt bit of mcause/scause.
    pub const INTERRUPT: u64 = 1 << 63;
    /// Supervisor software interrupt.
    pub const IRQ_SSI: u64 = 1;
    /// Machine software interrupt.
    pub const IRQ_MSI: u64 = 3;
    /// Supervisor timer interrupt.
    pub const IRQ_STI: u64 = 5;
    /// Machine timer interrupt.
    pub const IRQ_MTI: u64 = 7;
    /// Supervisor external interrupt.
    pub const IRQ_SEI: u64 = 9;
    /// Machine external interrupt.
    pub const IRQ_MEI: u64 = 11;
}

/// A synchronous exception or an interrupt about to be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trap {
    /// mcause/scause value (bit 63 set for interrupts).
    pub cause: u64,
    /// mtval/stval value.
    pub tval: u64,
}

impl Trap {
    /// A trap with this cause and tval.
    #[inline]
    pub const fn new(cause: u64, tval: u64) -> Self {
        Trap { cause, tval }
    }

    /// Illegal instruction with the instruction bits as tval.
    #[inline]
    pub const fn illegal(raw: u32) -> Self {
        Trap::new(cause::ILLEGAL, raw as u64)
    }

    /// Is this an interrupt?
    pub fn is_interrupt(&self) -> bool {
        self.cause & cause::INTERRUPT != 0
    }

    /// A human-readable name of the cause.
    pub fn name(&self) -> &'static str {
        if self.is_interrupt() {
            return match self.cause & !cause::INTERRUPT {
                cause::IRQ_SSI => "supervisor software interrupt",
                cause::IRQ_MSI => "machine software interrupt",
                cause::IRQ_STI => "supervisor timer interrupt",
                cause::IRQ_MTI => "machine timer interrupt",
                cause::IRQ_SEI => "supervisor external interrupt",
                cause::IRQ_MEI => "machine external interrupt",
                _ => "interrupt",
            };
        }
        match self.cause {
            cause::INSN_MISALIGNED => "instruction address misaligned",
            cause::INSN_ACCESS => "instruction access fault",
            cause::ILLEGAL => "illegal instruction",
            cause::BREAKPOINT => "breakpoint",
            cause::LOAD_MISALIGNED => "load address misaligned",
            cause::LOAD_ACCESS => "load access fault",
            cause::STORE_MISALIGNED => "store address misaligned",
            cause::STORE_ACCESS => "store access fault",
            cause::ECALL_U => "ecall from U-mode",
            cause::ECALL_S => "ecall from S-mode",
            cause::ECALL_M => "ecall from M-mode",
            cause::INSN_PAGE => "instruction page fault",
            cause::LOAD_PAGE => "load page fault",
            cause::STORE_PAGE => "store page fault",
            _ => "exception",
        }
    }
}

impl std::fmt::Display for Trap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (cause {}, tval {:#x})",
            self.name(),
            self.cause & !cause::INTERRUPT,
            self.tval
        )
    }
}
