//! The device tree of the `virt` board, generated from the board
//! configuration in the shape of QEMU's `virt` machine.

use crate::layout::*;
use vm_fdt::{Error as FdtError, FdtWriter};

/// ISA extensions the hart implements, as listed in `riscv,isa-extensions`.
pub const ISA_EXTENSIONS: &[&str] = &[
    "i", "m", "a", "f", "d", "c", "zicntr", "zicsr", "zifencei", "zba", "zbb", "zbs", "zicond",
    "sstc",
];

/// The `riscv,isa` string matching [`ISA_EXTENSIONS`].
pub const ISA_STRING: &str = "rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_zicond_sstc";

/// What the device tree describes.
#[derive(Clone, Debug)]
pub struct FdtConfig {
    /// Number of harts.
    pub harts: usize,
    /// RAM size in bytes (RAM starts at [`RAM_BASE`]).
    pub ram_size: u64,
    /// Kernel command line.
    pub bootargs: String,
    /// Initrd physical range, if any.
    pub initrd: Option<(u64, u64)>,
    /// Number of virtio-mmio slots to describe.
    pub virtio_slots: usize,
}

const PH_PLIC: u32 = 1;
const PH_TEST: u32 = 2;
/// phandle of hart `i`'s interrupt controller.
fn ph_intc(i: usize) -> u32 {
    0x100 + 2 * i as u32
}
fn ph_cpu(i: usize) -> u32 {
    0x101 + 2 * i as u32
}

fn reg(base: u64, size: u64) -> [u64; 2] {
    [base, size]
}

/// Build the flattened device tree blob.
pub fn build(cfg: &FdtConfig) -> Result<Vec<u8>, FdtError> {
    let mut f = FdtWriter::new()?;
    let root = f.begin_node("")?;
    f.property_u32("#address-cells", 2)?;
    f.property_u32("#size-cells", 2)?;
    f.property_string("compatible", "riscv-virtio")?;
    f.property_string("model", "riscv-virtio,emu")?;

    let chosen = f.begin_node("chosen")?;
    f.property_string("bootargs", &cfg.bootargs)?;
    f.property_string("stdout-path", &format!("/soc/serial@{UART_BASE:x}"))?;
    if let Some((start, end)) = cfg.initrd {
        f.property_u64("linux,initrd-start", start)?;
        f.property_u64("linux,initrd-end", end)?;
    }
    f.end_node(chosen)?;

    let mem = f.begin_node(&format!("memory@{RAM_BASE:x}"))?;
    f.property_string("device_type", "memory")?;
    f.property_array_u64("reg", &reg(RAM_BASE, cfg.ram_size))?;
    f.end_node(mem)?;

    let cpus = f.begin_node("cpus")?;
    f.property_u32("#address-cells", 1)?;
    f.property_u32("#size-cells", 0)?;
    f.property_u32("timebase-frequency", TIMEBASE_HZ as u32)?;
    for i in 0..cfg.harts {
        let cpu = f.begin_node(&format!("cpu@{i}"))?;
        f.property_u32("phandle", ph_cpu(i))?;
        f.property_string("device_type", "cpu")?;
        f.property_u32("reg", i as u32)?;
        f.property_string("status", "okay")?;
        f.property_string("compatible", "riscv")?;
        f.property_string("riscv,isa", ISA_STRING)?;
        f.property_string("riscv,isa-base", "rv64i")?;
        f.property_string_list(
            "riscv,isa-extensions",
            ISA_EXTENSIONS.iter().map(|s| s.to_string()).collect(),
        )?;
        f.property_string("mmu-type", "riscv,sv57")?;
        let intc = f.begin_node("interrupt-controller")?;
        f.property_u32("#interrupt-cells", 1)?;
        f.property_null("interrupt-controller")?;
        f.property_string("compatible", "riscv,cpu-intc")?;
        f.property_u32("phandle", ph_intc(i))?;
        f.end_node(intc)?;
        f.end_node(cpu)?;
    }
    let map = f.begin_node("cpu-map")?;
    let cluster = f.begin_node("cluster0")?;
    for i in 0..cfg.harts {
        let core = f.begin_node(&format!("core{i}"))?;
        f.property_u32("cpu", ph_cpu(i))?;
        f.end_node(core)?;
    }
    f.end_node(cluster)?;
    f.end_node(map)?;
    f.end_node(cpus)?;

    let soc = f.begin_node("soc")?;
    f.property_u32("#address-cells", 2)?;
    f.property_u32("#size-cells", 2)?;
    f.property_string("compatible", "simple-bus")?;
    f.property_null("ranges")?;

    let rtc = f.begin_node(&format!("rtc@{RTC_BASE:x}"))?;
    f.property_u32("interrupts", RTC_IRQ)?;
    f.property_u32("interrupt-parent", PH_PLIC)?;
    f.property_array_u64("reg", &reg(RTC_BASE, RTC_SIZE))?;
    f.property_string("compatible", "google,goldfish-rtc")?;
    f.end_node(rtc)?;

    let uart = f.begin_node(&format!("serial@{UART_BASE:x}"))?;
    f.property_u32("interrupts", UART_IRQ)?;
    f.property_u32("interrupt-parent", PH_PLIC)?;
    f.property_u32("clock-frequency", 0x38_4000)?;
    f.property_array_u64("reg", &reg(UART_BASE, UART_SIZE))?;
    f.property_string("compatible", "ns16550a")?;
    f.end_node(uart)?;

    let test = f.begin_node(&format!("test@{SYSCON_BASE:x}"))?;
    f.property_u32("phandle", PH_TEST)?;
    f.property_array_u64("reg", &reg(SYSCON_BASE, SYSCON_SIZE))?;
    f.property_string_list(
        "compatible",
        vec![
            "sifive,test1".into(),
            "sifive,test0".into(),
            "syscon".into(),
        ],
    )?;
    f.end_node(test)?;

    for slot in 0..cfg.virtio_slots {
        let base = VIRTIO_BASE + slot as u64 * VIRTIO_STRIDE;
        let v = f.begin_node(&format!("virtio_mmio@{base:x}"))?;
        f.property_u32("interrupts", VIRTIO_IRQ_BASE + slot as u32)?;
        f.property_u32("interrupt-parent", PH_PLIC)?;
        f.property_array_u64("reg", &reg(base, VIRTIO_STRIDE))?;
        f.property_string("compatible", "virtio,mmio")?;
        f.end_node(v)?;
    }

    let plic = f.begin_node(&format!("plic@{PLIC_BASE:x}"))?;
    f.property_u32("phandle", PH_PLIC)?;
    f.property_u32("riscv,ndev", PLIC_SOURCES - 1)?;
    f.property_array_u64("reg", &reg(PLIC_BASE, PLIC_SIZE))?;
    let mut ext = Vec::new();
    for i in 0..cfg.harts {
        ext.extend_from_slice(&[ph_intc(i), 11, ph_intc(i), 9]);
    }
    f.property_array_u32("interrupts-extended", &ext)?;
    f.property_null("interrupt-controller")?;
    f.property_string_list(
        "compatible",
        vec!["sifive,plic-1.0.0".into(), "riscv,plic0".into()],
    )?;
    f.property_u32("#address-cells", 0)?;
    f.property_u32("#interrupt-cells", 1)?;
    f.end_node(plic)?;

    let clint = f.begin_node(&format!("clint@{CLINT_BASE:x}"))?;
    let mut ext = Vec::new();
    for i in 0..cfg.harts {
        ext.extend_from_slice(&[ph_intc(i), 3, ph_intc(i), 7]);
    }
    f.property_array_u32("interrupts-extended", &ext)?;
    f.property_array_u64("reg", &reg(CLINT_BASE, CLINT_SIZE))?;
    f.property_string_list(
        "compatible",
        vec!["sifive,clint0".into(), "riscv,clint0".into()],
    )?;
    f.end_node(clint)?;
    f.end_node(soc)?;

    for (name, value) in [("poweroff", 0x5555u32), ("reboot", 0x7777)] {
        let n = f.begin_node(name)?;
        f.property_u32("value", value)?;
        f.property_u32("offset", 0)?;
        f.property_u32("regmap", PH_TEST)?;
        f.property_string("compatible", &format!("syscon-{name}"))?;
        f.end_node(n)?;
    }

    f.end_node(root)?;
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn cfg() -> FdtConfig {
        FdtConfig {
            harts: 2,
            ram_size: 512 << 20,
            bootargs: "console=ttyS0 root=/dev/vda".into(),
            initrd: Some((0x9000_0000, 0x9010_0000)),
            virtio_slots: 8,
        }
    }

    #[test]
    fn blob_has_header() {
        let blob = build(&cfg()).unwrap();
        assert_eq!(&blob[..4], &[0xd0, 0x0d, 0xfe, 0xed]);
    }

    /// Decompile with `dtc` (device-tree-compiler) and check the nodes.
    #[test]
    fn dtc_decompiles_expected_nodes() {
        let blob = build(&cfg()).unwrap();
        let path = std::env::temp_dir().join(format!("emu-fdt-{}.dtb", std::process::id()));
        std::fs::write(&path, &blob).unwrap();
        let out = Command::new("dtc")
            .args(["-I", "dtb", "-O", "dts"])
            .arg(&path)
            .output()
            .expect("dtc (package device-tree-compiler) must be installed");
        std::fs::remove_file(&path).ok();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dts = String::from_utf8(out.stdout).unwrap();
        for needle in [
            "memory@80000000",
            "reg = <0x00 0x80000000 0x00 0x20000000>;",
            "cpu@0",
            "cpu@1",
            "riscv,isa = \"rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_zicond_sstc\";",
            "zicond\\0sstc\"",
            "timebase-frequency = <0x989680>;",
            "cpu-map",
            "core1",
            "serial@10000000",
            "compatible = \"ns16550a\";",
            "interrupts = <0x0a>;",
            "plic@c000000",
            "riscv,ndev = <0x5f>;",
            "clint@2000000",
            "virtio_mmio@10001000",
            "virtio_mmio@10008000",
            "test@100000",
            "rtc@101000",
            "syscon-poweroff",
            "bootargs = \"console=ttyS0 root=/dev/vda\";",
            "stdout-path = \"/soc/serial@10000000\";",
            "linux,initrd-start = <0x00 0x90000000>;",
            "linux,initrd-end = <0x00 0x90100000>;",
        ] {
            assert!(dts.contains(needle), "missing {needle:?} in\n{dts}");
        }
    }
}
