//! Physical memory protection: entry matching (OFF, TOR, NA4, NAPOT) and
//! permission checks with the lock bit.

use crate::csr::PMP_ENTRIES;
use crate::hart::Priv;

/// Read permission.
pub const R: u8 = 1;
/// Write permission.
pub const W: u8 = 2;
/// Execute permission.
pub const X: u8 = 4;
/// Address-matching mode field.
pub const A: u8 = 3 << 3;
/// Lock bit.
pub const L: u8 = 1 << 7;

const A_OFF: u8 = 0;
const A_TOR: u8 = 1 << 3;
const A_NA4: u8 = 2 << 3;

/// Is pmpaddr `idx` locked (its own entry locked, or the next entry locked
/// in TOR mode)?
pub fn addr_locked(cfg: &[u8; PMP_ENTRIES], idx: usize) -> bool {
    if cfg[idx] & L != 0 {
        return true;
    }
    match cfg.get(idx + 1) {
        Some(next) => next & L != 0 && next & A == A_TOR,
        None => false,
    }
}

/// Byte range `[lo, hi)` matched by entry `i`, or `None` if it is off.
fn range(cfg: &[u8; PMP_ENTRIES], addr: &[u64; PMP_ENTRIES], i: usize) -> Option<(u64, u64)> {
    let a = addr[i];
    match cfg[i] & A {
        A_OFF => None,
        A_TOR => {
            let lo = if i == 0 { 0 } else { addr[i - 1] << 2 };
            let hi = a << 2;
            (lo < hi).then_some((lo, hi))
        }
        A_NA4 => Some((a << 2, (a << 2) + 4)),
        _ => {
            // NAPOT: trailing ones give the size.
            let ones = a.trailing_ones();
            if ones >= 54 {
                return Some((0, u64::MAX));
            }
            let size = 1u64 << (ones + 3);
            let base = (a & !((1u64 << ones) - 1)) << 2;
            Some((base, base.saturating_add(size)))
        }
    }
}

/// The result of a PMP check over a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PmpResult {
    /// Access allowed, and the same answer holds for the whole 4 KiB page.
    AllowPage,
    /// Access allowed for this range only.
    Allow,
    /// Access denied.
    Deny,
}

/// Check an access of `len` bytes at physical `pa` by privilege `prv`
/// needing permission `perm` (one of R, W, X). Also reports whether the
/// answer is uniform over the enclosing page so the TLB may cache it.
pub fn check(
    cfg: &[u8; PMP_ENTRIES],
    addr: &[u64; PMP_ENTRIES],
    prv: Priv,
    pa: u64,
    len: u64,
    perm: u8,
) -> PmpResult {
    let page_lo = pa & !0xfff;
    let page_hi = page_lo + 0x1000;
    let end = pa.saturating_add(len);
    let mut any = false;
    for i in 0..PMP_ENTRIES {
        let Some((lo, hi)) = range(cfg, addr, i) else {
            continue;
        };
        any = true;
        // Does any byte of the access fall in this entry?
        if pa < hi && lo < end {
            // All bytes must match the same entry.
            if !(lo <= pa && end <= hi) {
                return PmpResult::Deny;
            }
            let c = cfg[i];
            let enforced = prv != Priv::M || c & L != 0;
            if enforced && c & perm == 0 {
                return PmpResult::Deny;
            }
            let whole_page = lo <= page_lo && page_hi <= hi;
            return if whole_page && !earlier_overlaps(cfg, addr, i, page_lo, page_hi) {
                PmpResult::AllowPage
            } else {
                PmpResult::Allow
            };
        }
    }
    // No entry matched.
    if prv == Priv::M || !any {
        if any_overlaps(cfg, addr, page_lo, page_hi) {
            PmpResult::Allow
        } else {
            PmpResult::AllowPage
        }
    } else {
        PmpResult::Deny
    }
}

fn earlier_overlaps(
    cfg: &[u8; PMP_ENTRIES],
    addr: &[u64; PMP_ENTRIES],
    upto: usize,
    lo: u64,
    hi: u64,
) -> bool {
    (0..upto).any(|j| matches!(range(cfg, addr, j), Some((l, h)) if l < hi && lo < h))
}

fn any_overlaps(cfg: &[u8; PMP_ENTRIES], addr: &[u64; PMP_ENTRIES], lo: u64, hi: u64) -> bool {
    earlier_overlaps(cfg, addr, PMP_ENTRIES, lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn napot(base: u64, size: u64) -> u64 {
        (base >> 2) | ((size / 8) - 1)
    }

    #[test]
    fn no_entries_allows_everything() {
        let cfg = [0u8; PMP_ENTRIES];
        let addr = [0u64; PMP_ENTRIES];
        assert_eq!(
            check(&cfg, &addr, Priv::U, 0x8000_0000, 4, R),
            PmpResult::AllowPage
        );
    }

    #[test]
    fn napot_tor_and_lock() {
        let mut cfg = [0u8; PMP_ENTRIES];
        let mut addr = [0u64; PMP_ENTRIES];
        // entry 0: 0x8000_0000..+64K read-only NAPOT
        cfg[0] = R | (3 << 3);
        addr[0] = napot(0x8000_0000, 0x10000);
        // entry 1: TOR up to 0x9000_0000, RWX
        cfg[1] = R | W | X | A_TOR;
        addr[1] = 0x9000_0000 >> 2;
        assert_eq!(
            check(&cfg, &addr, Priv::S, 0x8000_0100, 4, R),
            PmpResult::AllowPage
        );
        assert_eq!(
            check(&cfg, &addr, Priv::S, 0x8000_0100, 4, W),
            PmpResult::Deny
        );
        // M-mode ignores unlocked entries
        assert_eq!(
            check(&cfg, &addr, Priv::M, 0x8000_0100, 4, W),
            PmpResult::AllowPage
        );
        cfg[0] |= L;
        assert_eq!(
            check(&cfg, &addr, Priv::M, 0x8000_0100, 4, W),
            PmpResult::Deny
        );
        // TOR entry
        assert_eq!(
            check(&cfg, &addr, Priv::U, 0x8800_0000, 8, W),
            PmpResult::AllowPage
        );
        // outside any entry: S/U denied, M allowed
        assert_eq!(
            check(&cfg, &addr, Priv::U, 0x9000_0000, 4, R),
            PmpResult::Deny
        );
        assert_eq!(
            check(&cfg, &addr, Priv::M, 0x9000_0000, 4, R),
            PmpResult::AllowPage
        );
        // straddling two entries is denied
        assert_eq!(
            check(&cfg, &addr, Priv::S, 0x8000_fffe, 4, R),
            PmpResult::Deny
        );
    }

    #[test]
    fn small_region_is_not_page_cacheable() {
        let mut cfg = [0u8; PMP_ENTRIES];
        let mut addr = [0u64; PMP_ENTRIES];
        cfg[0] = R | A_NA4;
        addr[0] = 0x8000_0010 >> 2;
        cfg[1] = R | W | X | (3 << 3);
        addr[1] = u64::MAX >> 10;
        assert_eq!(
            check(&cfg, &addr, Priv::S, 0x8000_0010, 4, R),
            PmpResult::Allow
        );
        assert_eq!(
            check(&cfg, &addr, Priv::S, 0x8000_0010, 4, W),
            PmpResult::Deny
        );
        assert_eq!(
            check(&cfg, &addr, Priv::S, 0x8000_0100, 4, W),
            PmpResult::Allow
        );
        assert_eq!(
            check(&cfg, &addr, Priv::S, 0x8000_1100, 4, W),
            PmpResult::AllowPage
        );
    }

    #[test]
    fn lock_rules() {
        let mut cfg = [0u8; PMP_ENTRIES];
        cfg[3] = L | A_TOR;
        assert!(addr_locked(&cfg, 2));
        assert!(addr_locked(&cfg, 3));
        assert!(!addr_locked(&cfg, 1));
    }
}
