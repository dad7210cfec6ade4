//! `emu`: the command-line front end of the emulator.

#![forbid(unsafe_code)]

mod boot_cmd;
mod console;
mod run_cmd;
mod test_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// A user-space full-system RISC-V (RV64GC) emulator.
#[derive(Parser, Debug)]
#[command(name = "emu", version, about)]
struct Cli {
    #[command(subcommand)]
    cmd: Command,
}

/// Execution engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// The interpreter (tier 0, the reference).
    Interp,
    /// The Cranelift JIT.
    Jit,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run bare-metal riscv-tests-style ELF files (HTIF tohost) and report
    /// PASS/FAIL for each.
    Test(test_cmd::TestArgs),
    /// Boot a kernel on the virt board (UART console on stdio).
    Run(run_cmd::RunArgs),
    /// Build the default Debian guest on first use and boot it to a shell.
    Boot(boot_cmd::BootArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Command::Test(args) => test_cmd::run(args),
        Command::Run(args) => run_cmd::run(args),
        Command::Boot(args) => boot_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("emu: error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Parse a memory size such as `512M`, `2G`, `65536`, `64K`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => {
                    return Err(format!(
                        "invalid size '{s}': use a number with an optional K, M or G suffix"
                    ))
                }
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            format!("invalid size '{s}': use a number with an optional K, M or G suffix")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("12X").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("0").is_err());
    }
}
