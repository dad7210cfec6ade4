//! Device models: virtio-blk request throughput, driven through the
//! virtio-mmio registers by a fake driver (split queue laid out in guest
//! RAM, as Linux does) against a temporary raw image file.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use emu_core::bus::MmioDevice;
use emu_core::ram::Ram;
use emu_devices::irq::{IrqLine, TestSink};
use emu_devices::virtio::blk::{SECTOR_SIZE, VIRTIO_BLK_S_OK, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT};
use emu_devices::virtio::mmio::*;
use emu_devices::virtio::queue::{VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE};
use emu_devices::virtio::{
    VirtioBlk, VirtioMmio, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK,
    VIRTIO_F_VERSION_1,
};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const RAM_BASE: u64 = 0x8000_0000;
const RAM_SIZE: u64 = 4 << 20;
const QSIZE: u16 = 256;
const DESC: u64 = RAM_BASE + 0x1000;
const AVAIL: u64 = RAM_BASE + 0x2000;
const USED: u64 = RAM_BASE + 0x3000;
const HDRS: u64 = RAM_BASE + 0x4000;
const STATUS: u64 = RAM_BASE + 0x5000;
const DATA: u64 = RAM_BASE + 0x10_0000;
const IMAGE_BYTES: u64 = 16 << 20;

/// A raw image in the temporary directory, removed on drop.
struct TempImage(PathBuf);

impl TempImage {
    fn new() -> Self {
        let p = std::env::temp_dir().join(format!("emu-bench-blk-{}.img", std::process::id()));
        let data: Vec<u8> = (0..IMAGE_BYTES).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&p, data).expect("write the temporary image");
        TempImage(p)
    }
}

impl Drop for TempImage {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The driver side: guest RAM, the transport, the ring state.
struct Driver {
    mmio: VirtioMmio,
    ram: Ram,
    avail_idx: u16,
    used_seen: u16,
}

impl Driver {
    fn new(image: &TempImage) -> Self {
        let blk = VirtioBlk::open(&image.0, false).expect("open the image");
        let mmio = VirtioMmio::new(
            Box::new(blk),
            IrqLine::new(Arc::new(TestSink::default()), 1),
        );
        let ram = Ram::new(RAM_BASE, RAM_SIZE).expect("guest RAM");
        let mut d = Driver {
            mmio,
            ram,
            avail_idx: 0,
            used_seen: 0,
        };
        d.init();
        d
    }

    fn r(&mut self, reg: u64) -> u32 {
        self.mmio.read(reg, 4).expect("register read") as u32
    }

    fn w(&mut self, reg: u64, v: u32) {
        assert!(
            self.mmio.write(reg, 4, v as u64, &mut self.ram),
            "register write {reg:#x}"
        );
    }

    fn mem_w(&mut self, addr: u64, size: u8, v: u64) {
        self.ram.write_sized(addr - RAM_BASE, size, v);
    }

    fn mem_r(&self, addr: u64, size: u8) -> u64 {
        self.ram.read_sized(addr - RAM_BASE, size)
    }

    /// Reset, feature negotiation (VERSION_1 only), queue 0, DRIVER_OK.
    fn init(&mut self) {
        assert_eq!(self.r(REG_MAGIC_VALUE), MAGIC);
        self.w(REG_STATUS, 0);
        self.w(REG_STATUS, STATUS_ACKNOWLEDGE);
        self.w(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        self.w(REG_DRIVER_FEATURES_SEL, 1);
        self.w(REG_DRIVER_FEATURES, (VIRTIO_F_VERSION_1 >> 32) as u32);
        self.w(REG_DRIVER_FEATURES_SEL, 0);
        self.w(REG_DRIVER_FEATURES, 0);
        self.w(
            REG_STATUS,
            STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK,
        );
        assert_ne!(
            self.r(REG_STATUS) & STATUS_FEATURES_OK,
            0,
            "features refused"
        );
        self.w(REG_QUEUE_SEL, 0);
        assert!(self.r(REG_QUEUE_NUM_MAX) >= QSIZE as u32);
        self.w(REG_QUEUE_NUM, QSIZE as u32);
        for (lo, addr) in [
            (REG_QUEUE_DESC_LOW, DESC),
            (REG_QUEUE_DRIVER_LOW, AVAIL),
            (REG_QUEUE_DEVICE_LOW, USED),
        ] {
            self.w(lo, addr as u32);
            self.w(lo + 4, (addr >> 32) as u32);
        }
        self.w(REG_QUEUE_READY, 1);
        let s = self.r(REG_STATUS);
        self.w(REG_STATUS, s | STATUS_DRIVER_OK);
    }

    fn desc(&mut self, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
        let d = DESC + 16 * i as u64;
        self.mem_w(d, 8, addr);
        self.mem_w(d + 8, 4, len as u64);
        self.mem_w(d + 12, 2, flags as u64);
        self.mem_w(d + 14, 2, next as u64);
    }

    /// Queue `n` requests of `bytes` each (read or write, consecutive
    /// sectors from `sector`), notify once, wait for all, ack the
    /// interrupt. Returns the sum of the status bytes (0 when all OK).
    fn batch(&mut self, n: u16, write: bool, bytes: u32, sector: u64) -> u64 {
        for k in 0..n {
            let head = 3 * k;
            let hdr = HDRS + 16 * k as u64;
            let ty = if write {
                VIRTIO_BLK_T_OUT
            } else {
                VIRTIO_BLK_T_IN
            };
            self.mem_w(hdr, 4, ty as u64);
            self.mem_w(hdr + 4, 4, 0);
            self.mem_w(hdr + 8, 8, sector + k as u64 * (bytes as u64 / SECTOR_SIZE));
            let data_flags = if write { 0 } else { VIRTQ_DESC_F_WRITE };
            self.desc(head, hdr, 16, VIRTQ_DESC_F_NEXT, head + 1);
            self.desc(
                head + 1,
                DATA + k as u64 * bytes as u64,
                bytes,
                data_flags | VIRTQ_DESC_F_NEXT,
                head + 2,
            );
            self.desc(head + 2, STATUS + k as u64, 1, VIRTQ_DESC_F_WRITE, 0);
            self.mem_w(STATUS + k as u64, 1, 0xff);
            let slot = AVAIL + 4 + 2 * (self.avail_idx % QSIZE) as u64;
            self.mem_w(slot, 2, head as u64);
            self.avail_idx = self.avail_idx.wrapping_add(1);
        }
        self.mem_w(AVAIL + 2, 2, self.avail_idx as u64);
        self.w(REG_QUEUE_NOTIFY, 0);
        let used = self.mem_r(USED + 2, 2) as u16;
        assert_eq!(
            used.wrapping_sub(self.used_seen),
            n,
            "requests not completed"
        );
        self.used_seen = used;
        let isr = self.r(REG_INTERRUPT_STATUS);
        self.w(REG_INTERRUPT_ACK, isr);
        (0..n).map(|k| self.mem_r(STATUS + k as u64, 1)).sum()
    }
}

fn virtio_blk(c: &mut Criterion) {
    let image = TempImage::new();
    let mut g = c.benchmark_group("virtio_blk");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    let sectors = IMAGE_BYTES / SECTOR_SIZE;
    for (name, n, write, bytes) in [
        ("read_4k_x1", 1u16, false, 4096u32),
        ("read_4k_x32", 32, false, 4096),
        ("write_4k_x32", 32, true, 4096),
        ("read_64k_x8", 8, false, 65536),
    ] {
        let mut d = Driver::new(&image);
        assert_eq!(
            d.batch(n, write, bytes, 0),
            VIRTIO_BLK_S_OK as u64,
            "{name}: a request failed"
        );
        let span = n as u64 * bytes as u64 / SECTOR_SIZE;
        let mut sector = 0u64;
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                sector = (sector + span) % (sectors - span);
                black_box(d.batch(n, write, bytes, sector))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, virtio_blk);
criterion_main!(benches);
