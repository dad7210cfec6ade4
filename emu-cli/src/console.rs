//! The console: stdin into the guest's UART, with a QEMU-like escape
//! (Ctrl-A x quits, Ctrl-A h helps, Ctrl-A Ctrl-A sends Ctrl-A), and the
//! terminal in raw mode while the guest runs when stdin is a terminal.
//! The terminal is restored when the guard drops, which happens on every
//! exit path of `emu run` (poweroff, escape, error, SIGTERM).

use nix::sys::termios::{self, SetArg, Termios};
use std::io::{IsTerminal, Read, Write};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Ctrl-A, the escape character.
const ESC: u8 = 0x01;

/// Puts the terminal in raw mode and restores it on drop.
pub struct RawGuard {
    saved: Option<Termios>,
}

impl RawGuard {
    /// Raw mode if stdin is a terminal; otherwise nothing.
    pub fn new() -> Self {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return RawGuard { saved: None };
        }
        let Ok(saved) = termios::tcgetattr(stdin.as_fd()) else {
            return RawGuard { saved: None };
        };
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        // Keep output post-processing so "\n" from the guest still returns
        // the carriage on the host terminal.
        raw.output_flags |= termios::OutputFlags::OPOST | termios::OutputFlags::ONLCR;
        if termios::tcsetattr(stdin.as_fd(), SetArg::TCSANOW, &raw).is_err() {
            return RawGuard { saved: None };
        }
        RawGuard { saved: Some(saved) }
    }
}

impl Drop for RawGuard {
    fn drop(&mut self) {
        if let Some(t) = self.saved.take() {
            let _ = termios::tcsetattr(std::io::stdin().as_fd(), SetArg::TCSANOW, &t);
        }
    }
}

/// What the escape state machine decided for one input byte.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Send these bytes to the guest.
    Send(Vec<u8>),
    /// Quit the emulator.
    Quit,
    /// Print the help text.
    Help,
    /// Nothing (escape prefix consumed).
    None,
}

/// The Ctrl-A escape state machine.
#[derive(Debug, Default)]
pub struct Escape {
    pending: bool,
}

impl Escape {
    /// Feed one byte from the user.
    pub fn feed(&mut self, b: u8) -> Action {
        if self.pending {
            self.pending = false;
            return match b {
                b'x' | b'X' => Action::Quit,
                b'h' | b'H' | b'?' => Action::Help,
                ESC => Action::Send(vec![ESC]),
                other => Action::Send(vec![ESC, other]),
            };
        }
        if b == ESC {
            self.pending = true;
            Action::None
        } else {
            Action::Send(vec![b])
        }
    }
}

/// Help shown on Ctrl-A h.
pub const HELP: &str =
    "\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a C-a  send C-a\r\n";

/// Start a thread that reads stdin and feeds the guest through `push`.
/// Ctrl-A x stores `quit_code` into `stop`.
pub fn spawn_stdin_reader(
    push: impl Fn(&[u8]) + Send + 'static,
    stop: Arc<AtomicU64>,
    quit_code: u64,
) {
    std::thread::Builder::new()
        .name("console-stdin".into())
        .spawn(move || {
            let mut esc = Escape::default();
            let mut buf = [0u8; 256];
            let mut stdin = std::io::stdin().lock();
            loop {
                let n = match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                for &b in &buf[..n] {
                    match esc.feed(b) {
                        Action::Send(bytes) => push(&bytes),
                        Action::Quit => {
                            stop.store(quit_code, Ordering::Relaxed);
                            return;
                        }
                        Action::Help => {
                            let mut out = std::io::stderr();
                            let _ = out.write_all(HELP.as_bytes());
                            let _ = out.flush();
                        }
                        Action::None => {}
                    }
                }
            }
        })
        .ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences() {
        let mut e = Escape::default();
        assert_eq!(e.feed(b'a'), Action::Send(vec![b'a']));
        assert_eq!(e.feed(ESC), Action::None);
        assert_eq!(e.feed(ESC), Action::Send(vec![ESC]));
        assert_eq!(e.feed(ESC), Action::None);
        assert_eq!(e.feed(b'h'), Action::Help);
        assert_eq!(e.feed(ESC), Action::None);
        assert_eq!(e.feed(b'q'), Action::Send(vec![ESC, b'q']));
        assert_eq!(e.feed(ESC), Action::None);
        assert_eq!(e.feed(b'x'), Action::Quit);
    }
}
