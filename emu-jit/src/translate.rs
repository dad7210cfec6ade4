//! Translation of one decoded guest block into one Cranelift function.
//!
//! The function takes `(hart, cx)` in Cranelift's `tail` convention (see
//! [`translation_signature`]). Guest integer registers live in Cranelift
//! variables: each is loaded from the hart on first use and written back at
//! every exit (and before a helper that reads it). ALU, multiply/divide,
//! Zba/Zbb/Zbs/Zicond, `lui`/`auipc`, jumps and branches are translated
//! inline; integer and FP loads and stores probe the TLB inline and call
//! [`helpers::load`]/[`helpers::store`] (or [`helpers::exec`]) on a miss;
//! common F/D instructions are inline in their common case (see
//! `Emit::fp_inline`), other F/D instructions and the uncommon cases call
//! [`helpers::fp`]; everything else (CSRs, atomics, system instructions)
//! calls [`helpers::exec`], which runs the interpreter on that one
//! instruction.
//!
//! Exits leave exactly the interpreter's state: registers written back,
//! `pc` at the next instruction (or at the faulting one, with the trap in
//! the context for the engine to take), `instret` counting the instructions
//! retired and the same count charged to the chain budget; then the next
//! translation is entered directly while budget is left (see `exit`),
//! through a link slot or the shared stubs of [`define_stubs`].

use crate::helpers::{
    self, LinkSlot, CTX_BUDGET, CTX_DATA_TAG, CTX_FETCH_TAG, CTX_JC, CTX_JC_KEY, CTX_LINK_IDX,
    CTX_LINK_SRC, CTX_LOOKUPS, CTX_MEMOS, CTX_MID_SLICE, CTX_RESERVED, CTX_SIZE, CTX_STATUS,
    CTX_TLB, CTX_VA, CTX_VAL_OFFSET, JC_ENTRY_ADDEND, JC_ENTRY_BYTES, JC_ENTRY_CODE, JC_ENTRY_KEY,
    JC_ENTRY_PA, JC_ENTRY_PC, JC_FOLD, JC_SLOTS, LINKS, LINK_ADDEND, LINK_BYTES, LINK_CODE,
    LINK_FWD, LINK_IDX, LINK_PC, LINK_SRC_PA, LINK_TARGET_PA, MEMO_SLOTS,
};
use crate::worker::Thunks;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Block, BlockCall, InstBuilder, InstructionData, JumpTableData, MemFlagsData,
    Opcode, SigRef, Signature, StackSlot, StackSlotData, StackSlotKind, Type, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{FuncId, Module};
use emu_core::csr::{mstatus, Csrs};
use emu_core::fpu;
use emu_core::hart::Hart;
use emu_core::insn::{Insn, Op};
use emu_core::mmu::{
    TLB_ENTRY_ADDEND, TLB_ENTRY_BYTES, TLB_ENTRY_CODE_BIT, TLB_ENTRY_CODE_WORD, TLB_ENTRY_FAST,
    TLB_SIZE,
};
use std::collections::HashSet;
use std::mem::offset_of;

const X_OFF: i32 = offset_of!(Hart, x) as i32;
const F_OFF: i32 = offset_of!(Hart, f) as i32;
const MSTATUS_OFF: i32 = (offset_of!(Hart, csr) + offset_of!(Csrs, mstatus)) as i32;
const PC_OFF: i32 = offset_of!(Hart, pc) as i32;
const INSTRET_OFF: i32 = offset_of!(Hart, instret) as i32;
const FFLAGS_OFF: i32 = (offset_of!(Hart, csr) + offset_of!(Csrs, fflags)) as i32;
const FRM_OFF: i32 = (offset_of!(Hart, csr) + offset_of!(Csrs, frm)) as i32;

const I64: Type = types::I64;
const I32: Type = types::I32;

/// How an instruction is translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Inline integer operation (no memory, no trap).
    Inline,
    /// Integer load through the load helper.
    Load,
    /// Integer store through the store helper.
    Store,
    /// FP load or store: inline while the FP state is dirty already (no
    /// mstatus change), else the exec helper.
    FpMem,
    /// Other F/D instructions: the FP helper, without syncing pc and
    /// `instret`.
    Fp,
    /// Everything else: the interpreter helper.
    Exec,
}

/// Classify an instruction.
pub fn kind(op: Op) -> Kind {
    use Op::*;
    match op {
        Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu => Kind::Load,
        Sb | Sh | Sw | Sd => Kind::Store,
        Flw | Fld | Fsw | Fsd => Kind::FpMem,
        FmaddS | FmsubS | FnmsubS | FnmaddS | FaddS | FsubS | FmulS | FdivS | FsqrtS | FsgnjS
        | FsgnjnS | FsgnjxS | FminS | FmaxS | FmaddD | FmsubD | FnmsubD | FnmaddD | FaddD
        | FsubD | FmulD | FdivD | FsqrtD | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD | FcvtSD
        | FcvtDS | FcvtSW | FcvtSWu | FcvtSL | FcvtSLu | FmvWX | FcvtDW | FcvtDWu | FcvtDL
        | FcvtDLu | FmvDX | FcvtWS | FcvtWuS | FcvtLS | FcvtLuS | FmvXW | FeqS | FltS | FleS
        | FclassS | FcvtWD | FcvtWuD | FcvtLD | FcvtLuD | FmvXD | FeqD | FltD | FleD | FclassD => {
            Kind::Fp
        }
        Lui | Auipc | Jal | Jalr | Beq | Bne | Blt | Bge | Bltu | Bgeu | Addi | Slti | Sltiu
        | Xori | Ori | Andi | Slli | Srli | Srai | Add | Sub | Sll | Slt | Sltu | Xor | Srl
        | Sra | Or | And | Addiw | Slliw | Srliw | Sraiw | Addw | Subw | Sllw | Srlw | Sraw
        | Fence | Mul | Mulh | Mulhsu | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw
        | Remw | Remuw | AddUw | Sh1add | Sh2add | Sh3add | Sh1addUw | Sh2addUw | Sh3addUw
        | SlliUw | Andn | Orn | Xnor | Clz | Clzw | Ctz | Ctzw | Cpop | Cpopw | Max | Maxu
        | Min | Minu | SextB | SextH | ZextH | Rol | Rolw | Ror | Rori | Roriw | Rorw | OrcB
        | Rev8 | Bclr | Bclri | Bext | Bexti | Binv | Binvi | Bset | Bseti | CzeroEqz
        | CzeroNez => Kind::Inline,
        _ => Kind::Exec,
    }
}

/// Can this block be translated? Blocks must lie within one page (a
/// page-crossing block depends on the mapping of the second page, which
/// the physical key does not capture) and be non-empty.
pub fn translatable(pa: u64, insns: &[Insn]) -> bool {
    let bytes: u64 = insns.iter().map(|i| i.len as u64).sum();
    !insns.is_empty() && (pa & 0xfff) + bytes <= 0x1000
}

/// Reusable translation state (one per compile thread).
pub struct Translator {
    fbc: FunctionBuilderContext,
    ctx: Context,
    disasm: bool,
    thunks: Option<Thunks>,
    stubs: Option<Stubs>,
}

impl Default for Translator {
    fn default() -> Self {
        Self::new()
    }
}

impl Translator {
    /// Fresh state.
    pub fn new() -> Self {
        Translator {
            fbc: FunctionBuilderContext::new(),
            ctx: Context::new(),
            disasm: false,
            thunks: crate::worker::helper_thunks(),
            stubs: crate::worker::chain_stubs(),
        }
    }

    /// The IR of the last translated function (for debugging).
    pub fn last_ir(&self) -> String {
        self.ctx.func.display().to_string()
    }

    /// Keep the host disassembly of each translation (for debugging; see
    /// [`Translator::last_disasm`]).
    pub fn set_disasm(&mut self, on: bool) {
        self.disasm = on;
    }

    /// Bytes of machine code of the last translation.
    pub fn last_code_size(&self) -> usize {
        self.last_code().len()
    }

    /// The machine code of the last translation (relocations not applied).
    pub fn last_code(&self) -> &[u8] {
        self.ctx.compiled_code().map_or(&[], |c| c.code_buffer())
    }

    /// The host disassembly of the last translation, if
    /// [`Translator::set_disasm`] asked for it.
    pub fn last_disasm(&self) -> Option<String> {
        self.ctx.compiled_code().and_then(|c| c.vcode.clone())
    }

    /// Translate one guest block, `insns` at `pa` (see [`Self::translate`]).
    pub fn translate_block<M: Module>(
        &mut self,
        module: &mut M,
        insns: &[Insn],
        pa: u64,
        links: Option<&mut [LinkSlot]>,
    ) -> Result<FuncId, String> {
        self.translate(module, insns, &[(pa, insns.len())], None, links)
    }

    /// Translate a region of guest blocks into a new function of `module`,
    /// entered at the first block. `blocks` gives each block's physical
    /// address and instruction count; `insns` holds their instructions
    /// one block after the other. All blocks lie in the first block's
    /// page. A direct exit of a block to another block of the region (or
    /// to itself) stays inside the function: a loop in the IR, with the
    /// guest registers kept in Cranelift variables across it. The
    /// instructions must stay at their address (the exec helper is passed
    /// pointers to them) for as long as the code may run.
    ///
    /// With `links` ([`LINKS`] per block), direct exits to targets in the
    /// page jump through those slots (see [`LinkSlot`]), whose targets
    /// are set here.
    pub fn translate<M: Module>(
        &mut self,
        module: &mut M,
        insns: &[Insn],
        blocks: &[(u64, usize)],
        trace: Option<&Trace>,
        links: Option<&mut [LinkSlot]>,
    ) -> Result<FuncId, String> {
        let Some(&(pa, _)) = blocks.first() else {
            return Err("empty region".into());
        };
        let callee = trace.map_or(blocks.len(), |t| t.start);
        let page_of = |k: usize| {
            if k < callee {
                pa & !0xfff
            } else {
                trace.map_or(0, |t| t.entry & !0xfff)
            }
        };
        if blocks.iter().map(|b| b.1).sum::<usize>() != insns.len()
            || blocks
                .iter()
                .enumerate()
                .any(|(k, b)| b.1 == 0 || b.0 & !0xfff != page_of(k))
            || trace.is_some_and(|t| {
                t.start == 0
                    || t.start >= blocks.len()
                    || t.entry & !0xfff == pa & !0xfff
                    || t.ret & !0xfff != pa & !0xfff
            })
        {
            return Err(format!("malformed region at {pa:#x}"));
        }
        let extra = trace.map(|t| t.edges(insns, blocks)).unwrap_or_default();
        if links
            .as_ref()
            .is_some_and(|l| l.len() != LINKS * blocks.len())
        {
            return Err(format!("wrong number of link slots at {pa:#x}"));
        }
        let links_addr = links.as_ref().map(|l| l.as_ptr() as usize as u64);
        let tcfg = module.target_config();
        let ptr = tcfg.pointer_type();
        let call_conv = module.target_config().default_call_conv;
        module.clear_context(&mut self.ctx);
        self.ctx.set_disasm(self.disasm);
        let sig = translation_signature(ptr);
        self.ctx.func.signature = sig.clone();

        // Helpers are called through the thunks (`preserve_all`, status
        // in the context) where the host has them, else directly.
        let helper_sig = |params: &[Type]| {
            let mut s = Signature::new(if self.thunks.is_some() {
                CallConv::PreserveAll
            } else {
                call_conv
            });
            s.params.extend(params.iter().map(|&t| AbiParam::new(t)));
            if self.thunks.is_none() {
                s.returns.push(AbiParam::new(I32));
            }
            s
        };
        let (mem_sig, exec_sig) = (helper_sig(&[ptr, ptr]), helper_sig(&[ptr, ptr, ptr]));
        let mut b = FunctionBuilder::new(&mut self.ctx.func, &mut self.fbc);
        let sigs = Sigs {
            mem: b.import_signature(mem_sig),
            exec: b.import_signature(exec_sig),
            next: b.import_signature(sig.clone()),
            link: b.import_signature(link_stub_signature(ptr)),
        };
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let hart = b.block_params(entry)[0];
        let cx = b.block_params(entry)[1];
        let pc0 = b.ins().load(I64, flags(), hart, PC_OFF);
        let mut regs = [Variable::from_u32(0); 32];
        for r in regs.iter_mut().skip(1) {
            *r = b.declare_var(I64);
        }
        // A region with an edge inside it: the registers it uses are
        // loaded once at entry and live in variables across the edges;
        // what the blocks before the current one retired is counted in
        // one variable (see `Emit::dyn_count`).
        let heads: Vec<(u64, Block)> = blocks.iter().map(|&(p, _)| (p, b.create_block())).collect();
        let looped = internal_edge(insns, blocks) || !extra.is_empty();
        let mut refs = [false; 32];
        let mut written = [false; 32];
        let mut reads = [0u32; 32];
        for i in insns {
            let (r1, r2, wr) = int_regs(i);
            refs[(i.rs1 & 31) as usize] |= r1;
            refs[(i.rs2 & 31) as usize] |= r2;
            refs[(i.rd & 31) as usize] |= wr;
            written[(i.rd & 31) as usize] |= wr;
            reads[(i.rs1 & 31) as usize] += r1 as u32;
            reads[(i.rs2 & 31) as usize] += r2 as u32;
        }
        refs[0] = false;
        written[0] = false;
        // Registers that only a trace's callee and the calls write, or
        // only the callee uses: stored at their block's last write and
        // loaded after each head, so that they hold no host register in
        // the rest of the loop (which would otherwise keep the values of
        // the last call live to write them back at its exits).
        let mut thru = [false; 32];
        if let Some(t) = trace {
            let mut outside = [false; 32];
            let mut hot_written = [false; 32];
            let mut start = 0usize;
            for &(bpa, n) in &blocks[..t.start] {
                let b = &insns[start..start + n];
                start += n;
                let at = last_offset(b);
                let call = b.last().is_some_and(|l| {
                    l.op == Op::Jal && bpa.wrapping_add(at).wrapping_add(l.imm as u64) == t.entry
                });
                for i in b {
                    let (r1, r2, wr) = int_regs(i);
                    outside[(i.rs1 & 31) as usize] |= r1;
                    outside[(i.rs2 & 31) as usize] |= r2;
                    outside[(i.rd & 31) as usize] |= wr;
                    hot_written[(i.rd & 31) as usize] |= wr && !call;
                }
            }
            for r in 1..32 {
                if refs[r] && ((written[r] && !hot_written[r]) || !outside[r]) {
                    thru[r] = true;
                    refs[r] = false;
                    written[r] = false;
                }
            }
        }
        // A loop that uses more registers than the host can keep leaves
        // the read-only ones it reads least in the hart, loaded at each
        // use (see `Emit::in_hart`).
        let mut in_hart = [false; 32];
        if looped {
            let held = refs.iter().filter(|&&r| r).count();
            let mut ro: Vec<(u32, usize)> = (1..32)
                .filter(|&r| refs[r] && !written[r])
                .map(|r| (reads[r], r))
                .collect();
            ro.sort();
            for (_, r) in ro.into_iter().take(held.saturating_sub(MAX_LOOP_VARS)) {
                in_hart[r] = true;
                refs[r] = false;
            }
        }
        // Page memos for base registers that several accesses (or one in
        // a loop) use, cleared at entry.
        let mut uses = [[0u32; 2]; 32];
        for i in insns {
            if let Some(st) = mem_access(i.op) {
                uses[(i.rs1 & 31) as usize][st as usize] += 1;
            }
        }
        // The most used first, up to the context's MEMO_SLOTS.
        let mut wanted: Vec<(u32, usize, usize)> = Vec::new();
        for (r, u) in uses.iter().enumerate() {
            for (st, &n) in u.iter().enumerate() {
                if n >= 2 || (looped && n >= 1) {
                    wanted.push((n, r, st));
                }
            }
        }
        wanted.sort_by_key(|w| std::cmp::Reverse(w.0));
        let mut memo = [[None; 2]; 32];
        for (k, &(_, r, st)) in wanted.iter().take(MEMO_SLOTS).enumerate() {
            memo[r][st] = Some(CTX_MEMOS + 16 * k as i32);
        }
        let frame = b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            FRAME_BYTES,
            3,
        ));
        // The entry pc lives in the frame (used by exits only).
        b.ins().stack_store(I64, pc0, frame, 0);
        let has_fp = insns
            .iter()
            .any(|i| matches!(kind(i.op), Kind::Fp | Kind::FpMem));
        let none = b.ins().iconst(I64, MEMO_NONE);
        for at in memo.iter().flatten().flatten() {
            b.ins().store(flags(), none, cx, *at);
        }
        let dyn_count = looped.then(|| {
            let d = b.declare_var(I64);
            let z = b.ins().iconst(I64, 0);
            b.def_var(d, z);
            d
        });
        let mut t = Emit {
            b,
            ptr,
            hart,
            cx,
            regs,
            in_hart,
            thru,
            defined: [false; 32],
            dirty: [false; 32],
            pending_instret: 0,
            trap_exit: None,
            ret_exit: None,
            miss_exit: None,
            cache_exit: None,
            sigs,
            pa,
            links_addr,
            link_targets: vec![None; LINKS * blocks.len()],
            heads: if looped { heads.clone() } else { Vec::new() },
            cur: 0,
            dyn_count,
            sealed_heads: Vec::new(),
            misjoin: false,
            trace: trace.copied(),
            sext_known: HashSet::new(),
            refs,
            thunks: self.thunks,
            stubs: self.stubs,
            frame,
            memo,
            memo_live: [[false; 2]; 32],
            fp_tests: Vec::new(),
            has_fp,
            store_through: !looped,
            last_write: [u16::MAX; 32],
            cur_insn: 0,
            insn: (Insn::illegal(0, 4), 0),
        };
        t.save_fp_state();
        if looped {
            for r in 1..32u8 {
                if refs[r as usize] {
                    t.rx(r);
                }
            }
        }
        t.b.ins().jump(heads[0].1, &[]);
        let late = later_edges(insns, blocks, &extra);
        let mut start = 0usize;
        for (k, &(bpa, n)) in blocks.iter().enumerate() {
            t.b.switch_to_block(heads[k].1);
            if !late[k] {
                // Every edge to this head is emitted: sealed now, the
                // variables read here are the values the edges left
                // (not block parameters resolved later), which lets
                // `Emit::count_plus` see the sums it made.
                t.b.seal_block(heads[k].1);
                t.sealed_heads.push(heads[k].1);
            }
            t.cur = k;
            // In a loop a memo may hold a page at every block's head.
            t.memo_live = [[looped; 2]; 32];
            if looped {
                t.defined = refs;
                t.dirty = written;
            } else {
                t.defined = [false; 32];
                t.dirty = [false; 32];
            }
            t.pending_instret = 0;
            t.fp_tests.clear();
            t.body(&insns[start..start + n], bpa.wrapping_sub(pa));
            start += n;
        }
        t.finish_exits();
        let targets = std::mem::take(&mut t.link_targets);
        t.b.seal_all_blocks();
        let misjoin = t.misjoin;
        t.b.finalize(tcfg);
        if misjoin {
            // `later_edges` missed an edge: the SSA form would be wrong.
            return Err(format!(
                "region at {pa:#x}: an edge to a block sealed before it"
            ));
        }
        if let Some(l) = links {
            for (i, (slot, target)) in l.iter_mut().zip(targets).enumerate() {
                *slot.target_pa.get_mut() = target.map_or(u64::MAX, |t| t.0);
                slot.fwd = target.is_some_and(|t| t.1) as u64;
                slot.src_pa = pa;
                slot.idx = i as u64;
            }
        }

        let id = module
            .declare_anonymous_function(&sig)
            .map_err(|e| e.to_string())?;
        module
            .define_function(id, &mut self.ctx)
            .map_err(|e| format!("{e:?}"))?;
        Ok(id)
    }
}

/// Signatures of the helpers (of their thunks where the host has them)
/// and of translations.
struct Sigs {
    /// The load and store helpers (hart, context; the address, size and
    /// value in the context).
    mem: SigRef,
    exec: SigRef,
    /// Another translation (tail calls).
    next: SigRef,
    /// The link stub (see [`link_stub_signature`]).
    link: SigRef,
}

/// The helpers translated code calls.
#[derive(Clone, Copy)]
enum Helper {
    Load,
    Store,
    Exec,
    /// [`helpers::fp`] (the exec signature).
    Fp,
}

/// The signature of every translation: `(hart, cx)`, Cranelift's `tail`
/// convention so that one translation can jump straight into the next
/// (`return_call_indirect`). Rust enters the first through
/// [`crate::engine`]'s trampoline.
pub fn translation_signature(ptr: Type) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::new(ptr));
    sig.params.push(AbiParam::new(ptr));
    sig
}

/// The signature of the link stub: `(hart, cx, slot)`, `tail` like a
/// translation (see [`define_stubs`]).
pub fn link_stub_signature(ptr: Type) -> Signature {
    let mut sig = translation_signature(ptr);
    sig.params.push(AbiParam::new(ptr));
    sig
}

/// The shared code that translations tail-call when the next translation
/// is not known at their exit (see [`define_stubs`]).
#[derive(Clone, Copy, Debug)]
pub struct Stubs {
    /// Entry of the lookup stub.
    pub lookup: usize,
    /// Entry of the lookup stub for forward direct exits.
    pub lookup_fwd: usize,
    /// Entry of the link stub.
    pub link: usize,
    /// Entry of the link stub of caches.
    pub cache: usize,
}

/// The chaining stubs, as [`define_stubs`] defines them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stub {
    Lookup,
    LookupFwd,
    Link,
    Cache,
}

/// What [`jc_chain`] does with a link slot on the way to the translation
/// it found.
#[derive(Clone, Copy)]
enum Fill {
    /// Nothing.
    No,
    /// The link slot at `.1` (its target's physical address in `.0`):
    /// the entry must be for that target; its translation is stored.
    Link(Value, Value),
    /// The cache slot at `.0`: the translation, its pc, physical address
    /// and fetch TLB addend are stored.
    Cache(Value),
}

/// Define the chaining stubs in `module` and return their ids (lookup,
/// lookup for forward exits, link, link of caches). Every translation's exit would
/// otherwise carry this code; shared, it keeps translations small and
/// cheap to compile.
///
/// - The lookup stub `(hart, cx)`, for indirect jumps, the exits after
///   instructions run by the exec helper and direct exits to other pages:
///   the translation of the pc in `hart` from the engine's jump cache
///   (same hart and privilege, the fetch TLB still mapping the page as
///   when the entry was made), entered with a tail call; else it returns
///   to the engine. Its forward variant also sets [`JitCtx::mid_slice`]
///   when it returns (no slice point there).
/// - The link stub `(hart, cx, slot)`, for a direct exit whose
///   [`LinkSlot`] is still empty: the same, and the entry must be for the
///   slot's target; its translation is stored in the slot on the way.
///   Otherwise it leaves the slot's owner and index (and whether its exit
///   is forward) in the context for the engine to fill the slot, and
///   returns.
/// - The link stub of caches `(hart, cx, slot)`, for an exit to another
///   page whose cache slot does not hold its pc: the lookup stub's
///   search, and the translation found is stored in the slot on the way
///   (see [`LinkSlot`]). Otherwise it returns (forward exits as in the
///   forward lookup stub).
///
/// [`JitCtx::mid_slice`]: crate::helpers::JitCtx::mid_slice
pub fn define_stubs<M: Module>(module: &mut M) -> Result<(FuncId, FuncId, FuncId, FuncId), String> {
    let ptr = module.target_config().pointer_type();
    let mut ids = Vec::new();
    for stub in [Stub::Lookup, Stub::LookupFwd, Stub::Link, Stub::Cache] {
        let link = stub == Stub::Link;
        let sig = if matches!(stub, Stub::Link | Stub::Cache) {
            link_stub_signature(ptr)
        } else {
            translation_signature(ptr)
        };
        let id = define_function(module, sig, |b, p| {
            let next = b.import_signature(translation_signature(ptr));
            let (hart, cx) = (p[0], p[1]);
            if !link {
                let n = b.ins().load(I64, flags(), cx, CTX_LOOKUPS);
                let n = b.ins().iadd_imm_s(n, 1);
                b.ins().store(flags(), n, cx, CTX_LOOKUPS);
            }
            let pc = b.ins().load(I64, flags(), hart, PC_OFF);
            let miss = b.create_block();
            let fill = match stub {
                Stub::Link => {
                    let slot = p[2];
                    let pa = b.ins().load(I64, flags(), slot, LINK_TARGET_PA as i32);
                    Fill::Link(pa, slot)
                }
                Stub::Cache => Fill::Cache(p[2]),
                _ => Fill::No,
            };
            jc_chain(b, (hart, cx), pc, next, fill, miss);
            b.seal_block(miss);
            b.switch_to_block(miss);
            match fill {
                Fill::Link(_, slot) => link_miss(b, cx, slot),
                Fill::Cache(slot) => {
                    let fwd = b.ins().load(I64, flags(), slot, LINK_FWD as i32);
                    b.ins().store(flags(), fwd, cx, CTX_MID_SLICE);
                }
                Fill::No => {}
            }
            if stub == Stub::LookupFwd {
                let one = b.ins().iconst(I64, 1);
                b.ins().store(flags(), one, cx, CTX_MID_SLICE);
            }
            b.ins().return_(&[]);
        })?;
        ids.push(id);
    }
    Ok((ids[0], ids[1], ids[2], ids[3]))
}

/// For a direct exit whose link slot `slot` stays empty: the slot's owner
/// and index, for the engine to fill it, and whether the exit is forward
/// (see [`JitCtx::mid_slice`]) into the context.
///
/// [`JitCtx::mid_slice`]: crate::helpers::JitCtx::mid_slice
fn link_miss(b: &mut FunctionBuilder, cx: Value, slot: Value) {
    for (from, to) in [
        (LINK_SRC_PA, CTX_LINK_SRC),
        (LINK_IDX, CTX_LINK_IDX),
        (LINK_FWD, CTX_MID_SLICE),
    ] {
        let v = b.ins().load(I64, flags(), slot, from as i32);
        b.ins().store(flags(), v, cx, to);
    }
}

/// Define an anonymous function with signature `sig` in `module`: `body`
/// gets the builder positioned in the (sealed) entry block and the
/// function's parameters, and must end the function.
pub fn define_function<M: Module>(
    module: &mut M,
    sig: Signature,
    body: impl FnOnce(&mut FunctionBuilder, &[Value]),
) -> Result<FuncId, String> {
    let mut ctx = module.make_context();
    ctx.func.signature = sig.clone();
    let mut fbc = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let params = b.block_params(entry).to_vec();
    body(&mut b, &params);
    b.finalize(module.target_config());
    let id = module
        .declare_anonymous_function(&sig)
        .map_err(|e| e.to_string())?;
    module
        .define_function(id, &mut ctx)
        .map_err(|e| format!("{e:?}"))?;
    Ok(id)
}

struct Emit<'a> {
    b: FunctionBuilder<'a>,
    ptr: Type,
    hart: Value,
    cx: Value,
    regs: [Variable; 32],
    /// Registers a loop only reads that stay in the hart: each use loads
    /// them, so they hold no host register across the loop (with more
    /// live values than host registers, the register allocator spills
    /// some anyway, and stores them back at every reload).
    in_hart: [bool; 32],
    /// Registers stored into the hart at their block's last write and
    /// never held across a head (a trace's callee's own registers, see
    /// `translate`).
    thru: [bool; 32],
    /// The variable holds the register's current value.
    defined: [bool; 32],
    /// The variable differs from the hart's register file.
    dirty: [bool; 32],
    /// The last write of a register in the block is stored into the
    /// hart at once, so that the block's final exits need no write-back
    /// and its trap paths only that of registers written again later
    /// (translations without inner edges; loops keep their registers in
    /// variables across iterations).
    store_through: bool,
    /// Index in the current block of the last instruction that writes
    /// each register (`u16::MAX`: none).
    last_write: [u16; 32],
    /// Index in the current block of the instruction being emitted.
    cur_insn: u16,
    /// That instruction and its offset in bytes from the entry
    /// (wrapping).
    insn: (Insn, u64),
    /// Instructions retired since `instret` was last stored.
    pending_instret: i64,
    /// The shared exit of helpers that trapped.
    trap_exit: Option<Block>,
    /// The shared return to the engine (see [`Emit::ret_block`]).
    ret_exit: Option<Block>,
    /// The shared exit for empty link slots (see [`Emit::miss_block`]).
    miss_exit: Option<Block>,
    /// The shared exit for caches without the pc (see
    /// [`Emit::cache_block`]).
    cache_exit: Option<Block>,
    sigs: Sigs,
    /// Physical address of the block.
    pa: u64,
    /// Address of the block's link slots, if it has them.
    links_addr: Option<u64>,
    /// Targets of the link slots used, and whether their exits are
    /// forward (see [`LinkSlot::fwd`]).
    link_targets: Vec<Option<(u64, bool)>>,
    /// The region's blocks (physical address, IR block) when an edge
    /// stays inside the translation; empty otherwise.
    heads: Vec<(u64, Block)>,
    /// Index of the block being emitted.
    cur: usize,
    /// In a region with inner edges: instructions retired by the blocks
    /// before the current one and neither added to `instret` nor charged
    /// to the chain budget yet (a sync does both).
    dyn_count: Option<Variable>,
    /// Heads sealed when their block was started (see `later_edges`).
    sealed_heads: Vec<Block>,
    /// An inner edge went to one of them (a translator bug: the
    /// translation is refused rather than miscompiled).
    misjoin: bool,
    /// The call the region follows into another page, if any.
    trace: Option<Trace>,
    /// Values known to be sign-extended from 32 bits (results of loads
    /// of 32 bits or fewer, of `*w` instructions, ...): `sext.w` of one
    /// is a copy.
    sext_known: HashSet<Value>,
    /// Registers the region reads or writes (loaded at entry when it has
    /// inner edges).
    refs: [bool; 32],
    /// Helper thunks, if the host has them.
    thunks: Option<Thunks>,
    /// The chaining stubs (without them misses return to the engine).
    stubs: Option<Stubs>,
    /// The translation's frame slot: the entry pc at 0, the FP state
    /// word at [`FRAME_FP_STATE`].
    frame: StackSlot,
    /// Page memos by (base register, store): the context offset (in
    /// [`JitCtx::memos`]) of the last page an access with that base
    /// register hit in the TLB (its tag, [`MEMO_NONE`] when none)
    /// followed by its host addend, so that the next access to the same
    /// page skips the TLB probe (see `host_addr`). They live in memory,
    /// not in variables: no host register is spent on them across a
    /// loop.
    ///
    /// [`JitCtx::memos`]: crate::helpers::JitCtx::memos
    memo: [[Option<i32>; 2]; 32],
    /// The memo may hold a page here (false: probe without comparing).
    memo_live: [[bool; 2]; 32],
    /// Tests of the FP state word made in this block (`FPS_*` bits
    /// needed, result), reused by later F/D instructions of the block
    /// (see `fp_state`).
    fp_tests: Vec<(i64, Value)>,
    /// The region has F/D instructions: the frame holds the FP state
    /// word (see `save_fp_state`).
    has_fp: bool,
}

/// Most guest registers a loop keeps in variables (see `Emit::in_hart`).
const MAX_LOOP_VARS: usize = 7;
/// Frame offset of the FP state word (see `Emit::save_fp_state`).
const FRAME_FP_STATE: i32 = 8;
/// Bytes of the frame slot.
const FRAME_BYTES: u32 = 16;
/// FP state word: mstatus.FS is Dirty.
const FPS_DIRTY: i64 = 1;
/// FP state word: `fflags` holds inexact.
const FPS_NX: i64 = 2;
/// FP state word: `frm` is round-to-nearest-even.
const FPS_RNE: i64 = 4;
/// FP state word: `frm` is a valid rounding mode.
const FPS_FRM_VALID: i64 = 8;

/// The memo tag that matches no access: an access's masked address has
/// bits 3..12 clear.
const MEMO_NONE: i64 = 0x800;

/// A TLB entry in translated code: its address in the fetch TLB plus the
/// byte offset of the access type's table.
#[derive(Clone, Copy)]
struct Entry {
    at: Value,
    off: i32,
}

/// How a block exit continues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chain {
    /// Return to the engine.
    No,
    /// Look the target up in the jump cache.
    Lookup,
    /// A direct exit to block offset `.0` (bytes, may be negative) through
    /// link slot `.1`: a link when the target is in the block's page, a
    /// cache otherwise.
    Direct(i64, usize),
}

/// Accesses to the hart and the context: aligned, cannot trap.
fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Accesses to guest RAM: in bounds (cannot trap), maybe misaligned.
fn guest_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl Emit<'_> {
    fn rx(&mut self, r: u8) -> Value {
        let r = (r & 31) as usize;
        if r == 0 {
            return self.b.ins().iconst(I64, 0);
        }
        if self.in_hart[r] {
            return self
                .b
                .ins()
                .load(I64, flags(), self.hart, X_OFF + 8 * r as i32);
        }
        if !self.defined[r] {
            let v = self
                .b
                .ins()
                .load(I64, flags(), self.hart, X_OFF + 8 * r as i32);
            self.b.def_var(self.regs[r], v);
            self.defined[r] = true;
        }
        self.b.use_var(self.regs[r])
    }

    fn wx(&mut self, r: u8, v: Value) {
        let r = (r & 31) as usize;
        if r == 0 {
            return;
        }
        self.b.def_var(self.regs[r], v);
        self.defined[r] = true;
        if (self.store_through || self.thru[r]) && self.last_write[r] == self.cur_insn {
            self.b
                .ins()
                .store(flags(), v, self.hart, X_OFF + 8 * r as i32);
            self.dirty[r] = false;
        } else {
            self.dirty[r] = true;
        }
    }

    fn pc_at(&mut self, off: u64) -> Value {
        let pc0 = self.b.ins().stack_load(I64, I64, self.frame, 0);
        if off == 0 {
            pc0
        } else {
            self.b.ins().iadd_imm_s(pc0, off as i64)
        }
    }

    /// Store every dirty register back into the hart.
    fn write_back(&mut self) {
        for r in 1..32 {
            if self.dirty[r] {
                let v = self.b.use_var(self.regs[r]);
                self.b
                    .ins()
                    .store(flags(), v, self.hart, X_OFF + 8 * r as i32);
            }
        }
    }

    /// `flw`/`fld`/`fsw`/`fsd`: inline on a TLB hit (and, for stores, a
    /// page without code and no reservation) while mstatus.FS is Dirty;
    /// otherwise the exec helper runs the instruction (FS checks, faults,
    /// MMIO), with `instret` brought back to this path's count after it.
    fn fp_mem(&mut self, insn: &Insn, off: u64, idx: i64) {
        let store = matches!(insn.op, Op::Fsw | Op::Fsd);
        let size = if matches!(insn.op, Op::Flw | Op::Fsw) {
            4
        } else {
            8
        };
        let a = self.rx(insn.rs1);
        let va = self.add_imm(a, insn.imm as i64);
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(slow);
        let dirty = self.fp_state(FPS_DIRTY);
        let probe = self.b.create_block();
        self.fast_or_slow(dirty, probe, slow);
        let g = guest_flags();
        let host = self.host_addr(va, size, store, insn.rs1, slow);
        if store {
            let f = F_OFF + 8 * (insn.rs2 & 31) as i32;
            let v = self.b.ins().load(I64, flags(), self.hart, f);
            if size == 4 {
                self.b.ins().istore32(g, v, host, 0);
            } else {
                self.b.ins().store(g, v, host, 0);
            }
        } else {
            let v = if size == 4 {
                let w = self.b.ins().uload32(g, host, 0);
                self.b.ins().bor_imm_s(w, 0xffff_ffff_0000_0000u64 as i64)
            } else {
                self.b.ins().load(I64, g, host, 0)
            };
            let f = F_OFF + 8 * (insn.rd & 31) as i32;
            self.b.ins().store(flags(), v, self.hart, f);
        }
        self.b.ins().jump(join, &[]);
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        // The helper reads rs1 from the hart; the variable stays dirty
        // (the fast path did not store it).
        let r1 = (insn.rs1 & 31) as usize;
        if r1 != 0 && self.dirty[r1] {
            let v = self.b.use_var(self.regs[r1]);
            self.b
                .ins()
                .store(flags(), v, self.hart, X_OFF + 8 * r1 as i32);
        }
        let pc = self.pc_at(off);
        self.b.ins().store(flags(), pc, self.hart, PC_OFF);
        let k = self.pending_instret;
        self.sync_instret();
        let status = self.call_exec(insn);
        self.check_trap(status, pc, idx);
        self.save_fp_state();
        self.pending_instret = k;
        // The helper counted this instruction and the pending ones; the
        // join continues with them pending.
        self.add_instret(-(k + 1));
        self.b.ins().jump(join, &[]);
        self.b.seal_block(join);
        self.b.switch_to_block(join);
    }

    /// Call helper `h` with the hart, the context and `args`; returns its
    /// status.
    fn call_helper(&mut self, h: Helper, args: &[Value]) -> Value {
        let mut all = vec![self.hart, self.cx];
        all.extend_from_slice(args);
        let (sig, direct, thunk) = match h {
            Helper::Load => (
                self.sigs.mem,
                helpers::load as *const () as usize,
                self.thunks.map(|t| t.load),
            ),
            Helper::Store => (
                self.sigs.mem,
                helpers::store as *const () as usize,
                self.thunks.map(|t| t.store),
            ),
            Helper::Exec => (
                self.sigs.exec,
                helpers::exec as *const () as usize,
                self.thunks.map(|t| t.exec),
            ),
            Helper::Fp => (
                self.sigs.exec,
                helpers::fp as *const () as usize,
                self.thunks.map(|t| t.fp),
            ),
        };
        let f = self
            .b
            .ins()
            .iconst(self.ptr, thunk.unwrap_or(direct) as i64);
        let call = self.b.ins().call_indirect(sig, f, &all);
        if thunk.is_some() {
            // The register-preserving thunk leaves the status in the
            // context.
            self.b.ins().load(I32, flags(), self.cx, CTX_STATUS)
        } else {
            self.b.inst_results(call)[0]
        }
    }

    /// Call the exec helper on `insn` (pc and instret already stored);
    /// returns its status.
    fn call_exec(&mut self, insn: &Insn) -> Value {
        let ip = self
            .b
            .ins()
            .iconst(self.ptr, insn as *const Insn as usize as i64);
        self.call_helper(Helper::Exec, &[ip])
    }

    /// Run F/D instruction `insn` (at block offset `off`, index `idx`)
    /// through the FP helper: its integer source written back first, a
    /// trap leaving through the trap exit. The caller deals with an
    /// integer `rd`, which the helper wrote into the hart.
    fn call_fp(&mut self, insn: &Insn, off: u64, idx: i64) {
        if exec_regs(insn.op).is_none_or(|(r1, _, _)| r1) {
            self.write_back_one(insn.rs1);
        }
        let ip = self
            .b
            .ins()
            .iconst(self.ptr, insn as *const Insn as usize as i64);
        let st = self.call_helper(Helper::Fp, &[ip]);
        let pc = self.pc_at(off);
        self.check_trap(st, pc, idx);
        self.save_fp_state();
    }

    /// Store register `r` back into the hart if the variable is newer.
    fn write_back_one(&mut self, r: u8) {
        let r = (r & 31) as usize;
        if r != 0 && self.dirty[r] {
            let v = self.b.use_var(self.regs[r]);
            self.b
                .ins()
                .store(flags(), v, self.hart, X_OFF + 8 * r as i32);
            self.dirty[r] = false;
        }
    }

    fn add_instret(&mut self, n: i64) {
        if n != 0 {
            let v = self.b.ins().load(I64, flags(), self.hart, INSTRET_OFF);
            let v = self.b.ins().iadd_imm_s(v, n);
            self.b.ins().store(flags(), v, self.hart, INSTRET_OFF);
        }
    }

    /// Instructions retired and not yet in `instret`: the pending ones of
    /// this block plus, in a region with inner edges, those of the blocks
    /// before it.
    fn unsynced_instret(&mut self) -> Option<Value> {
        let k = self.pending_instret;
        match self.dyn_count {
            Some(d) => Some(self.count_plus(d, k)),
            None => (k != 0).then(|| self.b.ins().iconst(I64, k)),
        }
    }

    /// Instructions retired and not yet charged to the chain budget: the
    /// `retired` ones of this block plus those of the blocks before it.
    fn uncharged(&mut self, retired: i64) -> Value {
        match self.dyn_count {
            Some(d) => self.count_plus(d, retired),
            None => self.b.ins().iconst(I64, retired),
        }
    }

    /// Add the unsynced instructions to the hart's `instret` (the counts
    /// stay as they are: for exits).
    fn add_unsynced_instret(&mut self) {
        if let Some(n) = self.unsynced_instret() {
            let v = self.b.ins().load(I64, flags(), self.hart, INSTRET_OFF);
            let v = self.b.ins().iadd(v, n);
            self.b.ins().store(flags(), v, self.hart, INSTRET_OFF);
        }
    }

    /// Bring `instret` up to date (before a helper that reads it). In a
    /// region the earlier blocks' count is charged to the budget too, so
    /// that one variable keeps counting both.
    fn sync_instret(&mut self) {
        self.add_unsynced_instret();
        self.pending_instret = 0;
        if let Some(d) = self.dyn_count {
            let v = self.b.use_var(d);
            self.charge(v);
            let z = self.b.ins().iconst(I64, 0);
            self.b.def_var(d, z);
        }
    }

    /// The count `d` plus `k`. When the count's value is itself a sum
    /// `base + j` (the edge from the block before added that block's
    /// instructions), this is one add of `j + k` to `base`: Cranelift
    /// does not fold the two constants at the optimisation level
    /// translations use, and would spend an instruction and a register
    /// on the second one.
    fn count_plus(&mut self, d: Variable, k: i64) -> Value {
        let v = self.b.use_var(d);
        if k == 0 {
            return v;
        }
        let (base, j) = self.plus_const(v).unwrap_or((v, 0));
        self.add_imm(base, j + k)
    }

    /// `(base, j)` if `v` is `base + j` with a constant `j`.
    fn plus_const(&self, v: Value) -> Option<(Value, i64)> {
        let dfg = &self.b.func.dfg;
        let inst = dfg.value_def(dfg.resolve_aliases(v)).inst()?;
        let InstructionData::Binary {
            opcode: Opcode::Iadd,
            args: [base, c],
        } = dfg.insts[inst]
        else {
            return None;
        };
        let c = dfg.value_def(dfg.resolve_aliases(c)).inst()?;
        match dfg.insts[c] {
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } => Some((base, imm.bits())),
            _ => None,
        }
    }

    /// `v + k`, without an add for 0.
    fn add_imm(&mut self, v: Value, k: i64) -> Value {
        if k == 0 {
            v
        } else {
            self.b.ins().iadd_imm_s(v, k)
        }
    }

    /// Charge `retired` instructions to the chain budget; returns the
    /// budget left.
    fn charge(&mut self, retired: Value) -> Value {
        let b = self.b.ins().load(I64, flags(), self.cx, CTX_BUDGET);
        let b = self.b.ins().isub(b, retired);
        self.b.ins().store(flags(), b, self.cx, CTX_BUDGET);
        b
    }

    /// Leave the block: registers written back, `pc` stored if given (a
    /// direct exit stores its target, computed here), `instret` advanced
    /// by the pending count, `retired` charged to the chain budget. While
    /// budget is left the next translation is entered with a tail call:
    /// for a direct exit to the same page through its link slot,
    /// otherwise (and when the slot is still empty) from the engine's
    /// jump cache (same hart and privilege, and the fetch TLB still
    /// mapping the page as when the entry was made). Without a next
    /// translation control returns to the engine.
    fn exit(&mut self, pc: Option<Value>, retired: i64, chain: Chain) {
        if let Chain::Direct(off, _) = chain {
            if let Some(head) = self.head_at(off) {
                match self.trace {
                    Some(t)
                        if self.cur < t.start && self.pa.wrapping_add(off as u64) == t.entry =>
                    {
                        self.traced_call(off, retired, head, t.host_page, chain);
                    }
                    _ => self.inner_edge(off, retired, head),
                }
                return;
            }
        }
        let left = self.exit_prep(retired);
        self.exit_to(pc, left, chain);
    }

    /// The call of a [`Trace`] to its callee at offset `off` (block
    /// `head`): into the callee while the fetch TLB maps its page to
    /// `host_page` for this privilege and address space, else out of the
    /// translation as the direct exit `chain`.
    fn traced_call(&mut self, off: i64, retired: i64, head: Block, host_page: u64, chain: Chain) {
        let va = self.pc_at(off as u64);
        let (f_ok, addend, vpage) = fetch_tlb(&mut self.b, self.cx, va);
        let host = self.b.ins().iadd(addend, vpage);
        let h_ok = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, host, host_page as i64);
        let ok = self.b.ins().band(f_ok, h_ok);
        self.split(
            ok,
            |t| t.inner_edge(off, retired, head),
            |t| {
                let left = t.exit_prep(retired);
                t.exit_to(None, left, chain);
            },
        );
    }

    /// The `ret` of a [`Trace`]'s callee to `target`: on at the return
    /// point (offset `ret_off`, block `head`) when it returns there, else
    /// out of the translation.
    fn traced_return(&mut self, target: Value, ret_off: i64, head: Block, retired: i64) {
        let want = self.pc_at(ret_off as u64);
        let ok = self.b.ins().icmp(IntCC::Equal, target, want);
        self.split(
            ok,
            |t| t.inner_edge(ret_off, retired, head),
            |t| {
                t.exit(Some(target), retired, Chain::Lookup);
            },
        );
    }

    /// End the current IR block with a branch on `ok` to code emitted by
    /// `hit`, else (cold) by `miss`, both from the same emitter state.
    fn split(&mut self, ok: Value, hit: impl FnOnce(&mut Self), miss: impl FnOnce(&mut Self)) {
        let go = self.b.create_block();
        let out = self.b.create_block();
        self.b.set_cold_block(out);
        self.b.ins().brif(ok, go, &[], out, &[]);
        self.b.seal_block(go);
        self.b.seal_block(out);
        let saved = (self.defined, self.dirty, self.pending_instret);
        self.b.switch_to_block(go);
        hit(self);
        (self.defined, self.dirty, self.pending_instret) = saved;
        self.b.switch_to_block(out);
        miss(self);
        (self.defined, self.dirty, self.pending_instret) = saved;
    }

    /// For the `ret` of a [`Trace`]'s callee: the return point's offset
    /// and block.
    fn trace_return(&self, insn: &Insn) -> Option<(i64, Block)> {
        let t = self.trace?;
        if self.cur < t.start || !is_ret(insn) {
            return None;
        }
        let off = t.ret.wrapping_sub(self.pa) as i64;
        self.head_at(off).map(|h| (off, h))
    }

    /// The region's block at offset `off` from the entry, if an edge
    /// there stays inside the translation.
    fn head_at(&self, off: i64) -> Option<Block> {
        let target = self.pa.wrapping_add(off as u64);
        self.heads.iter().find(|h| h.0 == target).map(|h| h.1)
    }

    /// The part of an exit that does not depend on where it goes: dirty
    /// registers written back, `instret` advanced by the pending count,
    /// `retired` charged to the chain budget. Returns the budget left.
    /// (The two exits of a branch share it.)
    fn exit_prep(&mut self, retired: i64) -> Value {
        self.write_back();
        self.add_unsynced_instret();
        let r = self.uncharged(retired);
        self.charge(r)
    }

    /// The rest of an exit after [`Emit::exit_prep`] (`left`: the budget
    /// left): the pc stored and the next translation entered (see
    /// [`Emit::exit`]).
    fn exit_to(&mut self, pc: Option<Value>, left: Value, chain: Chain) {
        let mut pc = pc;
        if let Chain::Direct(off, _) = chain {
            pc = Some(self.pc_at(off as u64));
        }
        if let Some(pc) = pc {
            self.b.ins().store(flags(), pc, self.hart, PC_OFF);
        }
        if pc.is_none() || chain == Chain::No {
            self.b.ins().return_(&[]);
            return;
        }
        // A forward direct exit is no slice point: it goes on whatever
        // budget is left (see `Insn::continues_slice`).
        let fwd = matches!(chain, Chain::Direct(off, _) if self.forward(off));
        if !fwd {
            let ret = self.ret_block();
            let more = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, left, 0);
            let go = self.b.create_block();
            self.fast_or_slow(more, go, ret);
        }
        // A direct exit within the page: its slot, else the link stub
        // (the jump cache by physical address, filling the slot, else the
        // engine asked to fill it). A direct exit to another page: its
        // cache, else the link stub of caches (the jump cache, filling
        // the cache). Any other exit: the lookup stub (the jump cache,
        // else the engine).
        let slot_of = |t: &mut Self, idx: usize, target: u64| {
            let idx = LINKS * t.cur + idx;
            t.link_targets[idx] = Some((target, fwd));
            t.links_addr.map(|a| a + (idx * LINK_BYTES) as u64)
        };
        let (slot, cache) = match (chain, self.links_addr) {
            (Chain::Direct(off, idx), Some(_)) => {
                let page_off = (self.pa & 0xfff) as i64 + off;
                if (0..0x1000).contains(&page_off) {
                    let target = (self.pa & !0xfff) + page_off as u64;
                    (slot_of(self, idx, target), false)
                } else if self.stubs.is_some() {
                    (slot_of(self, idx, u64::MAX), true)
                } else {
                    (None, false)
                }
            }
            _ => (None, false),
        };
        let (hart, cx) = (self.hart, self.cx);
        match slot {
            Some(slot) if cache => {
                let Some(pc) = pc else {
                    unreachable!("exits with a pc only get here")
                };
                self.cached_exit(pc, slot);
            }
            Some(slot) => {
                let slot_v = self.b.ins().iconst(I64, slot as i64);
                let code = self.b.ins().load(I64, flags(), slot_v, LINK_CODE as i32);
                let jump = self.b.create_block();
                let miss = self.miss_block();
                self.b.ins().brif(code, jump, &[], miss, &[slot_v.into()]);
                self.b.seal_block(jump);
                self.b.switch_to_block(jump);
                self.b
                    .ins()
                    .return_call_indirect(self.sigs.next, code, &[hart, cx]);
            }
            None => match self.stubs {
                Some(st) => {
                    let stub = if fwd { st.lookup_fwd } else { st.lookup };
                    let f = self.b.ins().iconst(I64, stub as i64);
                    self.b
                        .ins()
                        .return_call_indirect(self.sigs.next, f, &[hart, cx]);
                }
                None => {
                    if fwd {
                        let one = self.b.ins().iconst(I64, 1);
                        self.b.ins().store(flags(), one, cx, CTX_MID_SLICE);
                    }
                    self.b.ins().return_(&[]);
                }
            },
        }
    }

    /// A jump to `pc` through the cache in the link slot at `slot`: the
    /// translation it holds when it holds `pc` and the fetch TLB still
    /// maps `pc`'s page for this privilege and address space with the
    /// addend the slot saw (as the jump cache checks its entries), else
    /// the link stub of caches.
    fn cached_exit(&mut self, pc: Value, slot: u64) {
        let slot_v = self.b.ins().iconst(I64, slot as i64);
        let spc = self.b.ins().load(I64, flags(), slot_v, LINK_PC as i32);
        let (f_ok, tadd, _) = fetch_tlb(&mut self.b, self.cx, pc);
        let b = &mut self.b;
        let sadd = b.ins().load(I64, flags(), slot_v, LINK_ADDEND as i32);
        let pc_ok = b.ins().icmp(IntCC::Equal, spc, pc);
        let a_ok = b.ins().icmp(IntCC::Equal, tadd, sadd);
        let ok = b.ins().band(pc_ok, f_ok);
        let ok = b.ins().band(ok, a_ok);
        let jump = b.create_block();
        let miss = self.cache_block();
        self.b.ins().brif(ok, jump, &[], miss, &[slot_v.into()]);
        self.b.seal_block(jump);
        self.b.switch_to_block(jump);
        let code = self.b.ins().load(I64, flags(), slot_v, LINK_CODE as i32);
        let (hart, cx) = (self.hart, self.cx);
        self.b
            .ins()
            .return_call_indirect(self.sigs.next, code, &[hart, cx]);
    }

    /// The translation's shared exit for a cache that does not hold the
    /// pc (cold; parameter: the slot's address): the link stub of caches.
    fn cache_block(&mut self) -> Block {
        let b = self.shared_cold(self.cache_exit, 1);
        self.cache_exit = Some(b);
        b
    }

    /// The translation's shared return to the engine (cold; everything
    /// is stored before it is entered).
    fn ret_block(&mut self) -> Block {
        let b = self.shared_cold(self.ret_exit, 0);
        self.ret_exit = Some(b);
        b
    }

    /// The translation's shared exit for a direct exit whose link slot is
    /// still empty (cold; parameter: the slot's address): the link stub,
    /// or without stubs the engine asked to fill the slot.
    fn miss_block(&mut self) -> Block {
        let b = self.shared_cold(self.miss_exit, 1);
        self.miss_exit = Some(b);
        b
    }

    /// The shared cold block `made`, or a new one with `params` I64
    /// parameters (the shared exits, emitted after the body).
    fn shared_cold(&mut self, made: Option<Block>, params: usize) -> Block {
        made.unwrap_or_else(|| {
            let b = self.b.create_block();
            for _ in 0..params {
                self.b.append_block_param(b, I64);
            }
            self.b.set_cold_block(b);
            b
        })
    }

    /// Emit the shared exits (after the body: all their predecessors are
    /// known).
    fn finish_exits(&mut self) {
        self.finish_trap_exit();
        if let Some(b) = self.miss_exit {
            self.b.seal_block(b);
            self.b.switch_to_block(b);
            let p = self.b.block_params(b).to_vec();
            let (hart, cx) = (self.hart, self.cx);
            match self.stubs {
                Some(st) => {
                    let f = self.b.ins().iconst(I64, st.link as i64);
                    self.b
                        .ins()
                        .return_call_indirect(self.sigs.link, f, &[hart, cx, p[0]]);
                }
                None => {
                    link_miss(&mut self.b, cx, p[0]);
                    self.b.ins().return_(&[]);
                }
            }
        }
        if let Some(b) = self.cache_exit {
            self.b.seal_block(b);
            self.b.switch_to_block(b);
            let p = self.b.block_params(b).to_vec();
            let (hart, cx) = (self.hart, self.cx);
            let Some(st) = self.stubs else {
                unreachable!("caches are used only with the stubs")
            };
            let f = self.b.ins().iconst(I64, st.cache as i64);
            self.b
                .ins()
                .return_call_indirect(self.sigs.link, f, &[hart, cx, p[0]]);
        }
        if let Some(b) = self.ret_exit {
            self.b.seal_block(b);
            self.b.switch_to_block(b);
            self.b.ins().return_(&[]);
        }
    }

    /// A direct exit to block `head` of the region: count what this block
    /// retired and go on there (the region's registers in their
    /// variables); a backward one (a slice point) only with the chain
    /// budget not yet used up, else it leaves for the engine with the pc
    /// at the target.
    fn inner_edge(&mut self, off: i64, retired: i64, head: Block) {
        let Some(d) = self.dyn_count else {
            unreachable!("inner edges exist only in regions that count them")
        };
        self.misjoin |= self.sealed_heads.contains(&head);
        let saved = (self.defined, self.dirty, self.pending_instret);
        let next = self.edge_count(d, retired);
        if self.forward(off) {
            // No slice point: no budget check.
            self.b.ins().jump(head, &[]);
            (self.defined, self.dirty, self.pending_instret) = saved;
            return;
        }
        let more = self.budget_beyond(next);
        let out = self.b.create_block();
        self.b.set_cold_block(out);
        self.b.ins().brif(more, head, &[], out, &[]);
        self.b.seal_block(out);
        self.b.switch_to_block(out);
        self.pending_instret = 0;
        let pc = self.pc_at(off as u64);
        self.exit(Some(pc), 0, Chain::No);
        (self.defined, self.dirty, self.pending_instret) = saved;
    }

    /// Does the chain budget last beyond the `uncharged` instructions?
    fn budget_beyond(&mut self, uncharged: Value) -> Value {
        let budget = self.b.ins().load(I64, flags(), self.cx, CTX_BUDGET);
        self.b
            .ins()
            .icmp(IntCC::SignedGreaterThan, budget, uncharged)
    }

    /// Does the slice go on when the current instruction, the last of
    /// its block, leads to offset `off` from the entry (a forward direct
    /// transfer, see `Insn::continues_slice`: both engines apply the same
    /// rule)?
    fn forward(&self, off: i64) -> bool {
        let (insn, at) = self.insn;
        insn.continues_slice(at, off as u64)
    }

    /// Before an edge to a head of the region: the region's registers in
    /// their variables, this block's `retired` instructions added to the
    /// count `d` of the blocks before. Returns the count.
    fn edge_count(&mut self, d: Variable, retired: i64) -> Value {
        for r in 1..32u8 {
            if self.refs[r as usize] && !self.defined[r as usize] {
                self.rx(r);
            }
        }
        // After a sync in this block fewer instructions are pending for
        // `instret` than are uncharged: charge the difference now so that
        // one count serves both at the head.
        let pending = self.pending_instret;
        if retired != pending {
            let k = self.b.ins().iconst(I64, retired - pending);
            self.charge(k);
        }
        let next = self.uncharged(pending);
        self.b.def_var(d, next);
        next
    }

    /// A computed jump to `target` (virtual) in a region: while the chain
    /// budget lasts, a target that is the head of one of the region's
    /// blocks (in the entry's page, at the same offset from the entry pc
    /// as from its physical address) is entered through a jump table over
    /// the span of the heads, like a direct inner edge; any other target
    /// leaves through the lookup stub.
    fn dispatch(&mut self, target: Value, retired: i64) {
        let Some(d) = self.dyn_count else {
            unreachable!("regions with several blocks count their edges")
        };
        let saved = (self.defined, self.dirty, self.pending_instret);
        let next = self.edge_count(d, retired);
        let more = self.budget_beyond(next);
        let table = self.b.create_block();
        let miss = self.b.create_block();
        self.b.set_cold_block(miss);
        self.b.ins().brif(more, table, &[], miss, &[]);
        self.b.seal_block(table);
        self.b.switch_to_block(table);
        // Heads as offsets from the entry (same page, so within ±4 KiB; a
        // callee's blocks are not targets).
        let offs: Vec<(i64, Block)> = self
            .heads
            .iter()
            .filter(|h| h.0 & !0xfff == self.pa & !0xfff)
            .map(|&(p, blk)| (p.wrapping_sub(self.pa) as i64, blk))
            .collect();
        let lo = offs.iter().map(|o| o.0).min().unwrap_or(0);
        let hi = offs.iter().map(|o| o.0).max().unwrap_or(0);
        let n = ((hi - lo) / 2 + 1) as usize;
        let pc0 = self.b.ins().stack_load(I64, I64, self.frame, 0);
        let rel = self.b.ins().isub(target, pc0);
        let rel = self.add_imm(rel, -lo);
        // Odd offsets cannot occur (bit 0 of a jalr target is clear and
        // heads are 2-aligned); out-of-span ones clamp to the default.
        let idx = self.b.ins().ushr_imm_u(rel, 1);
        let cap = self.b.ins().iconst(I64, n as i64);
        let idx = self.b.ins().umin(idx, cap);
        let idx = self.b.ins().ireduce(I32, idx);
        let mut entries = vec![miss; n];
        for &(o, blk) in &offs {
            entries[((o - lo) / 2) as usize] = blk;
            self.misjoin |= self.sealed_heads.contains(&blk);
        }
        let dfg = &mut self.b.func.dfg;
        let def = dfg.block_call(miss, &[]);
        let calls: Vec<BlockCall> = entries.iter().map(|&e| dfg.block_call(e, &[])).collect();
        let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
        self.b.ins().br_table(idx, jt);
        self.b.seal_block(miss);
        self.b.switch_to_block(miss);
        self.pending_instret = 0;
        self.exit(Some(target), 0, Chain::Lookup);
        (self.defined, self.dirty, self.pending_instret) = saved;
    }

    /// After a helper call returning `status`: if non-zero, write the dirty
    /// guest registers back (helpers change no register when they trap)
    /// and leave through the shared trap exit (pc = `trap_pc`, instret
    /// advanced by the pending count, `retired` charged); otherwise
    /// continue.
    fn check_trap(&mut self, status: Value, trap_pc: Value, retired: i64) {
        let exit = self.shared_cold(self.trap_exit, 3);
        self.trap_exit = Some(exit);
        let cont = self.b.create_block();
        let site = if self.dirty.iter().any(|d| *d) {
            let site = self.b.create_block();
            self.b.set_cold_block(site);
            Some(site)
        } else {
            None
        };
        let k = match self.unsynced_instret() {
            Some(k) => k,
            None => self.b.ins().iconst(I64, 0),
        };
        let r = self.uncharged(retired);
        let args = [trap_pc.into(), k.into(), r.into()];
        match site {
            Some(site) => {
                self.b.ins().brif(status, site, &[], cont, &[]);
                self.b.seal_block(site);
                self.b.switch_to_block(site);
                self.write_back();
                self.b.ins().jump(exit, &args);
            }
            None => {
                self.b.ins().brif(status, exit, &args, cont, &[]);
            }
        }
        self.b.seal_block(cont);
        self.b.switch_to_block(cont);
    }

    /// Emit the shared trap exit (after the body: all its predecessors
    /// are known).
    fn finish_trap_exit(&mut self) {
        if let Some(b) = self.trap_exit {
            self.b.seal_block(b);
            self.b.switch_to_block(b);
            let p = self.b.block_params(b).to_vec();
            let (pc, k, r) = (p[0], p[1], p[2]);
            let v = self.b.ins().load(I64, flags(), self.hart, INSTRET_OFF);
            let v = self.b.ins().iadd(v, k);
            self.b.ins().store(flags(), v, self.hart, INSTRET_OFF);
            self.b.ins().store(flags(), pc, self.hart, PC_OFF);
            self.charge(r);
            self.b.ins().return_(&[]);
        }
    }

    /// Emit one guest block that starts `base` bytes after the entry block
    /// (wrapping).
    fn body(&mut self, insns: &[Insn], base: u64) {
        let mut off = base;
        let n = insns.len();
        self.last_write = [u16::MAX; 32];
        for (idx, insn) in insns.iter().enumerate() {
            if writes_x(insn) {
                self.last_write[(insn.rd & 31) as usize] = idx as u16;
            }
        }
        for (idx, insn) in insns.iter().enumerate() {
            self.cur_insn = idx as u16;
            self.insn = (*insn, off);
            let last = idx + 1 == n;
            let next_off = off.wrapping_add(insn.len as u64);
            match kind(insn.op) {
                Kind::Inline if is_branch(insn.op) => {
                    // Always the block's last instruction.
                    let a = self.rx(insn.rs1);
                    let b = self.rx(insn.rs2);
                    let c = self.b.ins().icmp(branch_cc(insn.op), a, b);
                    self.pending_instret += 1;
                    let taken = self.b.create_block();
                    let fall = self.b.create_block();
                    let retired = idx as i64 + 1;
                    let t_off = (off as i64).wrapping_add(insn.imm as i64);
                    let f_off = next_off as i64;
                    // When both ways leave the translation, they share one
                    // write-back, `instret` update and charge.
                    let left = (self.head_at(t_off).is_none() && self.head_at(f_off).is_none())
                        .then(|| self.exit_prep(retired));
                    self.b.ins().brif(c, taken, &[], fall, &[]);
                    self.b.seal_block(taken);
                    self.b.seal_block(fall);
                    for (blk, chain) in [
                        (taken, Chain::Direct(t_off, 0)),
                        (fall, Chain::Direct(f_off, 1)),
                    ] {
                        self.b.switch_to_block(blk);
                        match left {
                            Some(left) => self.exit_to(None, left, chain),
                            None => self.exit(None, retired, chain),
                        }
                    }
                    return;
                }
                Kind::Inline if insn.op == Op::Jal => {
                    if insn.rd != 0 {
                        let pc = self.pc_at(off);
                        let link = self.b.ins().iadd_imm_s(pc, insn.len as i64);
                        self.wx(insn.rd, link);
                    }
                    self.pending_instret += 1;
                    let t_off = (off as i64).wrapping_add(insn.imm as i64);
                    self.exit(None, idx as i64 + 1, Chain::Direct(t_off, 0));
                    return;
                }
                Kind::Inline => {
                    if let Some(target) = self.inline(insn, off) {
                        // jalr: always the block's last insn.
                        self.pending_instret += 1;
                        if computed_jump(insn) && self.heads.len() > 1 {
                            self.dispatch(target, idx as i64 + 1);
                        } else if let Some((off, head)) = self.trace_return(insn) {
                            self.traced_return(target, off, head, idx as i64 + 1);
                        } else {
                            self.exit(Some(target), idx as i64 + 1, Chain::Lookup);
                        }
                        return;
                    }
                    self.pending_instret += 1;
                }
                Kind::Load => {
                    let a = self.rx(insn.rs1);
                    let va = self.add_imm(a, insn.imm as i64);
                    let (size, signed) = load_shape(insn.op);
                    let v = self.load((va, insn.rs1), size, signed, off, idx as i64);
                    if size < 4 || signed {
                        self.sext_known.insert(v);
                    }
                    self.wx(insn.rd, v);
                    self.pending_instret += 1;
                }
                Kind::Store => {
                    let a = self.rx(insn.rs1);
                    let val = self.rx(insn.rs2);
                    let va = self.add_imm(a, insn.imm as i64);
                    let size = match insn.op {
                        Op::Sb => 1,
                        Op::Sh => 2,
                        Op::Sw => 4,
                        _ => 8,
                    };
                    self.store((va, insn.rs1), val, size, off, idx as i64);
                    self.pending_instret += 1;
                }
                Kind::FpMem => {
                    self.fp_mem(insn, off, idx as i64);
                    self.pending_instret += 1;
                }
                Kind::Fp if self.fp_inline(insn, off, idx as i64) => {
                    self.pending_instret += 1;
                }
                Kind::Fp => {
                    // Only the integer source is read from the hart and
                    // only rd written there; pc and instret stay with the
                    // translation (nothing traps once the helper runs).
                    self.call_fp(insn, off, idx as i64);
                    if exec_regs(insn.op).is_none_or(|(_, _, wr)| wr) {
                        let rd = (insn.rd & 31) as usize;
                        self.defined[rd] = false;
                        self.dirty[rd] = false;
                    }
                    self.pending_instret += 1;
                }
                Kind::Exec => {
                    let regs = exec_regs(insn.op);
                    match regs {
                        // The helper reads only these integer registers.
                        Some((r1, r2, _)) => {
                            if r1 {
                                self.write_back_one(insn.rs1);
                            }
                            if r2 {
                                self.write_back_one(insn.rs2);
                            }
                        }
                        // The interpreter sees the whole architectural state.
                        None => {
                            self.write_back();
                            self.dirty = [false; 32];
                        }
                    }
                    let pc = self.pc_at(off);
                    self.b.ins().store(flags(), pc, self.hart, PC_OFF);
                    self.sync_instret();
                    let st = self.call_exec(insn);
                    // On a trap the helper changed nothing and pc and
                    // instret are already in place.
                    self.check_trap(st, pc, idx as i64);
                    self.clear_memos();
                    self.save_fp_state();
                    // A CSR write may have made the state worse.
                    self.fp_tests.clear();
                    // Reload what the helper may have written on next use.
                    match regs {
                        Some((_, _, true)) => {
                            let rd = (insn.rd & 31) as usize;
                            self.defined[rd] = false;
                            self.dirty[rd] = false;
                        }
                        Some(_) => {}
                        None => self.defined = [false; 32],
                    }
                    if insn.ends_block() {
                        // pc and instret were set by the helper, which
                        // may have changed the privilege (it updates the
                        // context's jump-cache key) or the mapping (the
                        // jump-cache entry is checked against the fetch
                        // TLB), and stops the chain when the engine must
                        // look (interrupt, WFI, `fence.i`, code written).
                        let pc = self.b.ins().load(I64, flags(), self.hart, PC_OFF);
                        self.exit(Some(pc), idx as i64 + 1, Chain::Lookup);
                        return;
                    }
                }
            }
            if last {
                self.exit(None, n as i64, Chain::Direct(next_off as i64, 1));
                return;
            }
            off = next_off;
        }
        // Empty block (never produced): return without retiring anything.
        self.b.ins().return_(&[]);
    }

    /// The host address for an access of `size` bytes at `va` (base
    /// register `base`), in a block the code branches to when the access
    /// can be done inline: a RAM page the TLB maps for it, aligned, and
    /// for a store a page without translated code while no reservation is
    /// held. Otherwise the code continues in `slow`.
    ///
    /// With a memo for `base` the page is first compared with the last
    /// one the memo saw hit: the same page needs no probe. A memo stays
    /// valid until an exec helper runs (only those change the mapping,
    /// the privilege, `mstatus`, the reservation; code bits are set only
    /// by the engine, between translations).
    fn host_addr(&mut self, va: Value, size: u32, store: bool, base: u8, slow: Block) -> Value {
        let key = ((base & 31) as usize, store as usize);
        // `va` under the access mask, computed afresh for each use (an
        // x86 instruction overwrites its first operand: a shared value
        // would cost a copy and a register that lives across the check).
        let masked = |b: &mut FunctionBuilder| b.ins().band_imm_s(va, access_mask(size));
        let memo = self.memo[key.0][key.1];
        let live = memo.is_some() && self.memo_live[key.0][key.1];
        // Where the access continues once the memo holds its page.
        let go = memo.map(|_| self.b.create_block());
        if let (Some(at), Some(go), true) = (memo, go, live) {
            // An xor, not a compare: Cranelift folds the memo's load into
            // it (not into a compare that feeds a branch), so the check
            // needs one host register, not two.
            let m = masked(&mut self.b);
            let tag = self.b.ins().load(I64, flags(), self.cx, at);
            let other = self.b.ins().bxor(m, tag);
            let probe = self.b.create_block();
            self.b.set_cold_block(probe);
            self.b.ins().brif(other, probe, &[], go, &[]);
            self.b.seal_block(probe);
            self.b.switch_to_block(probe);
        }
        let m = masked(&mut self.b);
        let access = 1 + store as usize;
        let (addend, entry) = tlb_lookup(&mut self.b, self.cx, (va, m), access, slow);
        if store {
            store_guard(&mut self.b, self.cx, entry, slow);
        }
        let (Some(at), Some(go)) = (memo, go) else {
            return self.b.ins().iadd(va, addend);
        };
        if live {
            self.cold_here();
        }
        let m = masked(&mut self.b);
        self.b.ins().store(flags(), m, self.cx, at);
        self.b.ins().store(flags(), addend, self.cx, at + 8);
        self.b.ins().jump(go, &[]);
        self.b.seal_block(go);
        self.b.switch_to_block(go);
        self.memo_live[key.0][key.1] = true;
        let addend = self.b.ins().load(I64, flags(), self.cx, at + 8);
        self.b.ins().iadd(va, addend)
    }

    /// Store the FP state word in the frame: the `FPS_*` bits that hold
    /// now. Inline F/D instructions test it instead of loading mstatus,
    /// `fflags` and `frm` each time. Only helpers change those (inline
    /// instructions run only when they change nothing), so it is saved
    /// at entry and again after every FP or exec helper. Nothing for a
    /// region without F/D instructions.
    fn save_fp_state(&mut self) {
        if !self.has_fp {
            return;
        }
        let b = &mut self.b;
        let ms = b.ins().load(I64, flags(), self.hart, MSTATUS_OFF);
        let fs = b.ins().band_imm_s(ms, mstatus::FS as i64);
        let dirty = b.ins().icmp_imm_s(IntCC::Equal, fs, mstatus::FS as i64);
        let ff = b.ins().load(I64, flags(), self.hart, FFLAGS_OFF);
        let nx = b.ins().band_imm_s(ff, fpu::NX as i64);
        let nx = b.ins().icmp_imm_s(IntCC::NotEqual, nx, 0);
        let frm = b.ins().load(I64, flags(), self.hart, FRM_OFF);
        let rne = b.ins().icmp_imm_s(IntCC::Equal, frm, 0);
        let valid = b.ins().icmp_imm_s(IntCC::UnsignedLessThanOrEqual, frm, 4);
        let mut word = b.ins().uextend(I64, dirty);
        for (c, bit) in [(nx, FPS_NX), (rne, FPS_RNE), (valid, FPS_FRM_VALID)] {
            let c = b.ins().uextend(I64, c);
            let c = b.ins().ishl_imm_s(c, bit.trailing_zeros() as i64);
            word = b.ins().bor(word, c);
        }
        b.ins().stack_store(I64, word, self.frame, FRAME_FP_STATE);
    }

    /// Do the FP state bits `need` all hold (see `save_fp_state`)?
    ///
    /// A test made earlier in the block is reused: its value dominates
    /// the rest of the block, whose only other paths are the slow paths
    /// of F/D instructions and accesses, and the helpers there can only
    /// set bits (FS to Dirty, inexact accrued), never clear them. So a
    /// reused test is true only where the bits hold; a false one sends
    /// the block's later instructions to their helpers, which is exact,
    /// until the block runs again. The exec helper of other
    /// instructions (CSR writes) may clear bits: the tests are dropped
    /// after it, and at every block head.
    fn fp_state(&mut self, need: i64) -> Value {
        if let Some(&(_, v)) = self.fp_tests.iter().find(|t| t.0 == need) {
            return v;
        }
        let w = self
            .b
            .ins()
            .stack_load(I64, I64, self.frame, FRAME_FP_STATE);
        let m = self.b.ins().band_imm_s(w, need);
        let v = self.b.ins().icmp_imm_s(IntCC::Equal, m, need);
        self.fp_tests.push((need, v));
        v
    }

    /// Forget every memo's page (after an exec helper).
    fn clear_memos(&mut self) {
        let mut none = None;
        for (r, m) in self.memo.iter().enumerate() {
            for (st, at) in m.iter().enumerate() {
                if let Some(at) = *at {
                    let v = *none.get_or_insert_with(|| self.b.ins().iconst(I64, MEMO_NONE));
                    self.b.ins().store(flags(), v, self.cx, at);
                    self.memo_live[r][st] = false;
                }
            }
        }
    }

    /// An integer load of `size` bytes at `va`: inline on a TLB hit, else
    /// through the load helper (which may trap).
    fn load(
        &mut self,
        (va, base): (Value, u8),
        size: u32,
        signed: bool,
        off: u64,
        idx: i64,
    ) -> Value {
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, I64);
        self.b.set_cold_block(slow);
        let host = self.host_addr(va, size, false, base, slow);
        let g = guest_flags();
        let v = match (size, signed) {
            (1, false) => self.b.ins().uload8(I64, g, host, 0),
            (1, true) => self.b.ins().sload8(I64, g, host, 0),
            (2, false) => self.b.ins().uload16(I64, g, host, 0),
            (2, true) => self.b.ins().sload16(I64, g, host, 0),
            (4, false) => self.b.ins().uload32(g, host, 0),
            (4, true) => self.b.ins().sload32(g, host, 0),
            _ => self.b.ins().load(I64, g, host, 0),
        };
        self.b.ins().jump(join, &[v.into()]);
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        self.slow_access(Helper::Load, va, size, off, idx);
        let raw = self.b.ins().load(I64, flags(), self.cx, CTX_VAL_OFFSET);
        let v = if signed && size < 8 {
            let narrow = match size {
                1 => types::I8,
                2 => types::I16,
                _ => types::I32,
            };
            let t = self.b.ins().ireduce(narrow, raw);
            self.b.ins().sextend(I64, t)
        } else {
            raw
        };
        self.b.ins().jump(join, &[v.into()]);
        self.b.seal_block(join);
        self.b.switch_to_block(join);
        self.b.block_params(join)[0]
    }

    /// The slow path of an integer access (in the current, cold block):
    /// the address and size into the context (a store's value is already
    /// there), the load or store helper called, a trap leaving through
    /// the trap exit with the pc of the instruction at `off`.
    fn slow_access(&mut self, h: Helper, va: Value, size: u32, off: u64, idx: i64) {
        let size_v = self.b.ins().iconst(I64, size as i64);
        self.b.ins().store(flags(), size_v, self.cx, CTX_SIZE);
        self.b.ins().store(flags(), va, self.cx, CTX_VA);
        let st = self.call_helper(h, &[]);
        let pc = self.pc_at(off);
        self.check_trap(st, pc, idx);
        self.cold_here();
    }

    /// An integer store: inline on a TLB hit to a page without translated
    /// code while no LR reservation is held, else through the store helper
    /// (which may trap, invalidates code, breaks reservations).
    fn store(&mut self, (va, base): (Value, u8), val: Value, size: u32, off: u64, idx: i64) {
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(slow);
        let host = self.host_addr(va, size, true, base, slow);
        let g = guest_flags();
        match size {
            1 => self.b.ins().istore8(g, val, host, 0),
            2 => self.b.ins().istore16(g, val, host, 0),
            4 => self.b.ins().istore32(g, val, host, 0),
            _ => self.b.ins().store(g, val, host, 0),
        };
        self.b.ins().jump(join, &[]);
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        self.b.ins().store(flags(), val, self.cx, CTX_VAL_OFFSET);
        self.slow_access(Helper::Store, va, size, off, idx);
        self.b.ins().jump(join, &[]);
        self.b.seal_block(join);
        self.b.switch_to_block(join);
    }

    /// Emit `insn` (an F/D instruction) inline where the common case
    /// allows: the FP state already Dirty, and for arithmetic
    /// round-to-nearest-even with `fflags` already showing inexact (so
    /// that an inexact result changes nothing), normal or zero operands
    /// and a normal or exactly zero result (no other flag possible, the
    /// host's IEEE result is RISC-V's). Anything else takes the FP helper
    /// on a cold path. Returns false for instructions it does not handle
    /// (the caller then calls the helper).
    fn fp_inline(&mut self, insn: &Insn, off: u64, idx: i64) -> bool {
        use Op::*;
        let (ty, arith) = match insn.op {
            FaddD | FsubD | FmulD | FdivD | FsqrtD => (types::F64, true),
            FaddS | FsubS | FmulS | FdivS | FsqrtS => (types::F32, true),
            FsgnjD | FsgnjnD | FsgnjxD | FmvXD | FmvDX | FeqD | FltD | FleD => (types::F64, false),
            FcvtDW | FcvtDWu | FcvtDL | FcvtDLu if insn.rm != 5 && insn.rm != 6 => {
                (types::F64, false)
            }
            FcvtWD | FcvtLD if insn.rm == 1 => (types::F64, false),
            _ => return false,
        };
        if arith && !matches!(insn.rm, 0 | 7) {
            return false;
        }
        let hart = self.hart;
        let fo = |r: u8| F_OFF + 8 * (r & 31) as i32;
        // The integer source is read before the paths part; both paths
        // end with the register state as it is now plus an integer rd.
        let x_src = matches!(insn.op, FmvDX | FcvtDW | FcvtDWu | FcvtDL | FcvtDLu)
            .then(|| self.rx(insn.rs1));
        let before = (self.defined, self.dirty);
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(slow);
        // FS Dirty (then writing an FP register changes no CSR); for
        // arithmetic inexact accrued and, for the dynamic mode, `frm` RNE;
        // for the conversions from integers a valid dynamic mode.
        let need = match insn.op {
            _ if arith && insn.rm == 7 => FPS_DIRTY | FPS_NX | FPS_RNE,
            _ if arith => FPS_DIRTY | FPS_NX,
            FcvtDW | FcvtDWu | FcvtDL | FcvtDLu if insn.rm == 7 => FPS_DIRTY | FPS_FRM_VALID,
            _ => FPS_DIRTY,
        };
        let mut ok = self.fp_state(need);
        let raw_a = self.b.ins().load(I64, flags(), hart, fo(insn.rs1));
        let raw_b = self.b.ins().load(I64, flags(), hart, fo(insn.rs2));
        if ty == types::F32 {
            // NaN-boxed operands (an improperly boxed one is a NaN).
            for (v, used) in [(raw_a, true), (raw_b, insn.op != FsqrtS)] {
                if used {
                    let hi = self.b.ins().ushr_imm_s(v, 32);
                    let c = self.b.ins().icmp_imm_s(IntCC::Equal, hi, 0xffff_ffff);
                    ok = self.b.ins().band(ok, c);
                }
            }
        }
        let to_f = |t: &mut Self, v: Value| {
            if ty == types::F32 {
                let w = t.b.ins().ireduce(I32, v);
                t.b.ins().bitcast(ty, MemFlagsData::new(), w)
            } else {
                t.b.ins().bitcast(ty, MemFlagsData::new(), v)
            }
        };
        let go = self.b.create_block();
        let (v, int_rd) = match insn.op {
            FsgnjD | FsgnjnD | FsgnjxD => {
                let sign = 1i64 << 63;
                let mag = self.b.ins().band_imm_s(raw_a, !sign);
                let sb = self.b.ins().band_imm_s(raw_b, sign);
                let s = match insn.op {
                    FsgnjD => sb,
                    FsgnjnD => self.b.ins().bxor_imm_s(sb, sign),
                    _ => {
                        let sa = self.b.ins().band_imm_s(raw_a, sign);
                        self.b.ins().bxor(sa, sb)
                    }
                };
                self.fast_or_slow(ok, go, slow);
                (self.b.ins().bor(mag, s), false)
            }
            FmvXD => {
                self.fast_or_slow(ok, go, slow);
                (raw_a, true)
            }
            FmvDX => {
                let Some(x) = x_src else {
                    unreachable!("read above")
                };
                self.fast_or_slow(ok, go, slow);
                (x, false)
            }
            FcvtDW | FcvtDWu | FcvtDL | FcvtDLu => {
                // Exact conversions only (|x| <= 2^53), so the rounding
                // mode does not matter as long as it is a valid one.
                let Some(x) = x_src else {
                    unreachable!("read above")
                };
                let v = match insn.op {
                    FcvtDW => self.sext32(x),
                    FcvtDWu => self.uext32(x),
                    FcvtDL => {
                        let t = self.b.ins().iadd_imm_s(x, 1 << 53);
                        let c = self
                            .b
                            .ins()
                            .icmp_imm_s(IntCC::UnsignedLessThanOrEqual, t, 1 << 54);
                        ok = self.b.ins().band(ok, c);
                        x
                    }
                    _ => {
                        let c = self
                            .b
                            .ins()
                            .icmp_imm_s(IntCC::UnsignedLessThanOrEqual, x, 1 << 53);
                        ok = self.b.ins().band(ok, c);
                        x
                    }
                };
                self.fast_or_slow(ok, go, slow);
                let f = self.b.ins().fcvt_from_sint(types::F64, v);
                (self.b.ins().bitcast(I64, MemFlagsData::new(), f), false)
            }
            FcvtWD | FcvtLD => {
                // Round toward zero, in range (no invalid), and either
                // integral or with inexact already accrued.
                let a = to_f(self, raw_a);
                let (lo, hi) = if insn.op == FcvtWD {
                    (-2147483649.0f64, 2147483648.0f64)
                } else {
                    (-9223372036854775808.0f64 - 1.0, 9223372036854775808.0f64)
                };
                let lo_v = self.b.ins().f64const(lo);
                let hi_v = self.b.ins().f64const(hi);
                let c_lo = if insn.op == FcvtWD {
                    self.b.ins().fcmp(FloatCC::GreaterThan, a, lo_v)
                } else {
                    self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, a, lo_v)
                };
                let c_hi = self.b.ins().fcmp(FloatCC::LessThan, a, hi_v);
                ok = self.b.ins().band(ok, c_lo);
                ok = self.b.ins().band(ok, c_hi);
                let r = self.b.ins().fcvt_to_sint_sat(I64, a);
                let back = self.b.ins().fcvt_from_sint(types::F64, r);
                let exact = self.b.ins().fcmp(FloatCC::Equal, back, a);
                let nx_set = self.fp_state(FPS_NX);
                let fine = self.b.ins().bor(exact, nx_set);
                ok = self.b.ins().band(ok, fine);
                self.fast_or_slow(ok, go, slow);
                (r, true)
            }
            FeqD | FltD | FleD => {
                // Ordered operands only (NaNs may raise invalid).
                let a = to_f(self, raw_a);
                let b = to_f(self, raw_b);
                let ord = self.b.ins().fcmp(FloatCC::Ordered, a, b);
                ok = self.b.ins().band(ok, ord);
                let cc = match insn.op {
                    FeqD => FloatCC::Equal,
                    FltD => FloatCC::LessThan,
                    _ => FloatCC::LessThanOrEqual,
                };
                let c = self.b.ins().fcmp(cc, a, b);
                self.fast_or_slow(ok, go, slow);
                (self.bool64(c), true)
            }
            _ => {
                let a = to_f(self, raw_a);
                let b = to_f(self, raw_b);
                let zero = if ty == types::F32 {
                    self.b.ins().f32const(0.0)
                } else {
                    self.b.ins().f64const(0.0)
                };
                // Only the result's range is checked, not the operands':
                // the host computes IEEE results from any operands, and
                // with the result normal and finite (and inexact already
                // accrued) those agree with the interpreter, flags
                // included. An infinite or NaN operand gives an infinite
                // or NaN result, except x / inf = 0, which like every
                // zero result of mul and div needs a zero operand (else
                // it underflowed): so mul and div test their operands for
                // zero. A subnormal operand raises no flag in RISC-V, and
                // the host does not flush it (no FTZ/DAZ).
                let (shift, e, ones) = if ty == types::F32 {
                    (33, 56, 0xffu64)
                } else {
                    (1, 53, 0x7ffu64)
                };
                let is_zero = |t: &mut Self, bits: Value| {
                    let m = t.b.ins().ishl_imm_s(bits, shift);
                    t.b.ins().icmp_imm_s(IntCC::Equal, m, 0)
                };
                // Normal and strictly above the smallest normal magnitude
                // (a result there may have been rounded up from below it,
                // which underflows), or zero, tested on the bits (in the
                // low 32 bits for a single): shifted so that the exponent
                // is the top field and the sign is gone, such a number
                // lies in [(1 << e) + 1, all-ones exponent << e).
                let result_in_range = |t: &mut Self, bits: Value| {
                    let m = t.b.ins().ishl_imm_s(bits, shift);
                    let lo = (1u64 << e) + 1;
                    let d = t.b.ins().iadd_imm_s(m, lo.wrapping_neg() as i64);
                    let span = (ones << e).wrapping_sub(lo);
                    let n =
                        t.b.ins()
                            .icmp_imm_s(IntCC::UnsignedLessThan, d, span as i64);
                    let z = t.b.ins().icmp_imm_s(IntCC::Equal, m, 0);
                    (t.b.ins().bor(n, z), z)
                };
                let (r, zero_ok) = match insn.op {
                    FsqrtD | FsqrtS => {
                        let nonneg = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, a, zero);
                        ok = self.b.ins().band(ok, nonneg);
                        (self.b.ins().sqrt(a), None)
                    }
                    FaddD | FaddS => (self.b.ins().fadd(a, b), None),
                    FsubD | FsubS => (self.b.ins().fsub(a, b), None),
                    FmulD | FmulS => {
                        let a_zero = is_zero(self, raw_a);
                        let b_zero = is_zero(self, raw_b);
                        let z = self.b.ins().bor(a_zero, b_zero);
                        (self.b.ins().fmul(a, b), Some(z))
                    }
                    _ => {
                        let a_zero = is_zero(self, raw_a);
                        let b_zero = is_zero(self, raw_b);
                        let nz = self.b.ins().bxor_imm_s(b_zero, 1);
                        ok = self.b.ins().band(ok, nz);
                        (self.b.ins().fdiv(a, b), Some(a_zero))
                    }
                };
                // A zero result is exact for add/sub (every float is a
                // multiple of the smallest subnormal, so a sum rounds to
                // zero only when it is zero) and sqrt (of a zero); for
                // mul and div only with a zero operand (else it
                // underflowed).
                let r_bits = if ty == types::F32 {
                    let w = self.b.ins().bitcast(I32, MemFlagsData::new(), r);
                    self.b.ins().uextend(I64, w)
                } else {
                    self.b.ins().bitcast(I64, MemFlagsData::new(), r)
                };
                let (r_ok, r_zero) = result_in_range(self, r_bits);
                let r_ok = match zero_ok {
                    Some(z) => {
                        let nz = self.b.ins().bxor_imm_s(r_zero, 1);
                        let zz = self.b.ins().bor(nz, z);
                        self.b.ins().band(r_ok, zz)
                    }
                    None => r_ok,
                };
                ok = self.b.ins().band(ok, r_ok);
                self.fast_or_slow(ok, go, slow);
                let bits = if ty == types::F32 {
                    self.b
                        .ins()
                        .bor_imm_s(r_bits, 0xffff_ffff_0000_0000u64 as i64)
                } else {
                    r_bits
                };
                (bits, false)
            }
        };
        if int_rd {
            self.wx(insn.rd, v);
        } else {
            self.b.ins().store(flags(), v, hart, fo(insn.rd));
        }
        self.b.ins().jump(join, &[]);
        // The helper: exactly the interpreter (it may trap).
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        (self.defined, self.dirty) = before;
        self.call_fp(insn, off, idx);
        (self.defined, self.dirty) = before;
        if int_rd {
            let v = self
                .b
                .ins()
                .load(I64, flags(), hart, X_OFF + 8 * (insn.rd & 31) as i32);
            self.wx(insn.rd, v);
        }
        self.b.ins().jump(join, &[]);
        self.b.seal_block(join);
        self.b.switch_to_block(join);
        true
    }

    /// Mark the block being emitted cold (placed after the hot code).
    fn cold_here(&mut self) {
        if let Some(b) = self.b.current_block() {
            self.b.set_cold_block(b);
        }
    }

    /// Branch to `fast` (sealed, and continued in) if `ok`, else to `slow`.
    fn fast_or_slow(&mut self, ok: Value, fast: Block, slow: Block) {
        self.b.ins().brif(ok, fast, &[], slow, &[]);
        self.b.seal_block(fast);
        self.b.switch_to_block(fast);
    }

    fn sext32(&mut self, v: Value) -> Value {
        let t = self.b.ins().ireduce(I32, v);
        self.b.ins().sextend(I64, t)
    }

    fn uext32(&mut self, v: Value) -> Value {
        self.b.ins().band_imm_s(v, 0xffff_ffff)
    }

    fn bool64(&mut self, c: Value) -> Value {
        self.b.ins().uextend(I64, c)
    }

    /// Emit an inline instruction at block offset `off`. Returns the next
    /// pc for `jalr` (branches and `jal` are exits the body emits itself).
    fn inline(&mut self, i: &Insn, off: u64) -> Option<Value> {
        use Op::*;
        let imm = i.imm as i64;
        let len = i.len as i64;
        macro_rules! rr {
            ($f:ident) => {{
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                self.b.ins().$f(a, b)
            }};
        }
        macro_rules! ri {
            ($f:ident, $imm:expr) => {{
                let a = self.rx(i.rs1);
                self.b.ins().$f(a, $imm)
            }};
        }
        macro_rules! cmp {
            ($cc:expr) => {{
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let c = self.b.ins().icmp($cc, a, b);
                self.bool64(c)
            }};
        }
        macro_rules! w32 {
            ($e:expr) => {{
                let v = $e;
                self.sext32(v)
            }};
        }
        // Operate on the low 32 bits, then sign-extend.
        macro_rules! op32 {
            ($f:ident) => {{
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let a = self.b.ins().ireduce(I32, a);
                let r = self.b.ins().$f(a, b);
                self.b.ins().sextend(I64, r)
            }};
        }
        let v = match i.op {
            Lui => self.b.ins().iconst(I64, imm),
            Auipc => {
                let pc = self.pc_at(off);
                self.b.ins().iadd_imm_s(pc, imm)
            }
            Jalr => {
                let a = self.rx(i.rs1);
                let t = self.b.ins().iadd_imm_s(a, imm);
                let t = self.b.ins().band_imm_s(t, !1);
                let pc = self.pc_at(off);
                let link = self.b.ins().iadd_imm_s(pc, len);
                self.wx(i.rd, link);
                return Some(t);
            }
            Fence => return None,
            Addi => {
                let a = self.rx(i.rs1);
                self.add_imm(a, imm)
            }
            Slti => {
                let a = self.rx(i.rs1);
                let c = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, a, imm);
                self.bool64(c)
            }
            Sltiu => {
                let a = self.rx(i.rs1);
                let c = self.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, a, imm);
                self.bool64(c)
            }
            Xori => ri!(bxor_imm_s, imm),
            Ori => ri!(bor_imm_s, imm),
            Andi => ri!(band_imm_s, imm),
            Slli => ri!(ishl_imm_s, imm & 63),
            Srli => ri!(ushr_imm_s, imm & 63),
            Srai => ri!(sshr_imm_s, imm & 63),
            Add => rr!(iadd),
            Sub => rr!(isub),
            Sll => rr!(ishl),
            Slt => cmp!(IntCC::SignedLessThan),
            Sltu => cmp!(IntCC::UnsignedLessThan),
            Xor => rr!(bxor),
            Srl => rr!(ushr),
            Sra => rr!(sshr),
            Or => rr!(bor),
            And => rr!(band),
            Addiw => {
                let a = self.rx(i.rs1);
                if imm == 0 && self.is_sext(a) {
                    // `sext.w` of a value that is already.
                    a
                } else {
                    let v = self.add_imm(a, imm);
                    self.sext32(v)
                }
            }
            Slliw => w32!(ri!(ishl_imm_s, imm & 31)),
            Srliw => {
                let a = self.rx(i.rs1);
                let a = self.b.ins().ireduce(I32, a);
                let r = self.b.ins().ushr_imm_s(a, imm & 31);
                if imm & 31 == 0 {
                    self.b.ins().sextend(I64, r)
                } else {
                    // Bit 31 is clear: zero- and sign-extension agree,
                    // and the 32-bit shift already zeroes the upper half.
                    self.b.ins().uextend(I64, r)
                }
            }
            Sraiw => {
                let a = self.rx(i.rs1);
                let a = self.b.ins().ireduce(I32, a);
                let r = self.b.ins().sshr_imm_s(a, imm & 31);
                self.b.ins().sextend(I64, r)
            }
            Addw => w32!(rr!(iadd)),
            Subw => w32!(rr!(isub)),
            Sllw => op32!(ishl),
            Srlw => op32!(ushr),
            Sraw => op32!(sshr),
            Mul => rr!(imul),
            Mulh => rr!(smulhi),
            Mulhu => rr!(umulhi),
            Mulhsu => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let hi = self.b.ins().umulhi(a, b);
                let sign = self.b.ins().sshr_imm_s(a, 63);
                let corr = self.b.ins().band(sign, b);
                self.b.ins().isub(hi, corr)
            }
            Mulw => w32!(rr!(imul)),
            Div | Rem => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                self.sdivrem(a, b, i.op == Rem, I64)
            }
            Divu | Remu => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                self.udivrem(a, b, i.op == Remu, I64)
            }
            Divw | Remw => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let a = self.b.ins().ireduce(I32, a);
                let b = self.b.ins().ireduce(I32, b);
                let r = self.sdivrem(a, b, i.op == Remw, I32);
                self.b.ins().sextend(I64, r)
            }
            Divuw | Remuw => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let a = self.b.ins().ireduce(I32, a);
                let b = self.b.ins().ireduce(I32, b);
                let r = self.udivrem(a, b, i.op == Remuw, I32);
                self.b.ins().sextend(I64, r)
            }
            AddUw => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let a = self.uext32(a);
                self.b.ins().iadd(b, a)
            }
            Sh1add | Sh2add | Sh3add | Sh1addUw | Sh2addUw | Sh3addUw => {
                let sh = match i.op {
                    Sh1add | Sh1addUw => 1,
                    Sh2add | Sh2addUw => 2,
                    _ => 3,
                };
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let a = if matches!(i.op, Sh1addUw | Sh2addUw | Sh3addUw) {
                    self.uext32(a)
                } else {
                    a
                };
                let s = self.b.ins().ishl_imm_s(a, sh);
                self.b.ins().iadd(b, s)
            }
            SlliUw => {
                let a = self.rx(i.rs1);
                let a = self.uext32(a);
                self.b.ins().ishl_imm_s(a, imm & 63)
            }
            Andn => rr!(band_not),
            Orn => rr!(bor_not),
            Xnor => rr!(bxor_not),
            Clz => {
                let a = self.rx(i.rs1);
                self.b.ins().clz(a)
            }
            Ctz => {
                let a = self.rx(i.rs1);
                self.b.ins().ctz(a)
            }
            Cpop => {
                let a = self.rx(i.rs1);
                self.b.ins().popcnt(a)
            }
            Clzw | Ctzw | Cpopw => {
                let a = self.rx(i.rs1);
                let a = self.b.ins().ireduce(I32, a);
                let r = match i.op {
                    Clzw => self.b.ins().clz(a),
                    Ctzw => self.b.ins().ctz(a),
                    _ => self.b.ins().popcnt(a),
                };
                self.b.ins().uextend(I64, r)
            }
            Max | Maxu | Min | Minu => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let cc = match i.op {
                    Max => IntCC::SignedGreaterThan,
                    Maxu => IntCC::UnsignedGreaterThan,
                    Min => IntCC::SignedLessThan,
                    _ => IntCC::UnsignedLessThan,
                };
                let c = self.b.ins().icmp(cc, a, b);
                self.b.ins().select(c, a, b)
            }
            SextB | SextH => {
                let a = self.rx(i.rs1);
                let t = if i.op == SextB { types::I8 } else { types::I16 };
                let n = self.b.ins().ireduce(t, a);
                self.b.ins().sextend(I64, n)
            }
            ZextH => ri!(band_imm_s, 0xffff),
            Rol => rr!(rotl),
            Ror => rr!(rotr),
            Rori => ri!(rotr_imm_s, imm & 63),
            Rolw | Rorw => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let a = self.b.ins().ireduce(I32, a);
                let r = if i.op == Rolw {
                    self.b.ins().rotl(a, b)
                } else {
                    self.b.ins().rotr(a, b)
                };
                self.b.ins().sextend(I64, r)
            }
            Roriw => {
                let a = self.rx(i.rs1);
                let a = self.b.ins().ireduce(I32, a);
                let r = self.b.ins().rotr_imm_s(a, imm & 31);
                self.b.ins().sextend(I64, r)
            }
            OrcB => {
                // High bit of each byte set iff the byte is non-zero, then
                // spread it over the byte.
                const LOW7: i64 = 0x7f7f_7f7f_7f7f_7f7f;
                let a = self.rx(i.rs1);
                let t = self.b.ins().band_imm_s(a, LOW7);
                let t = self.b.ins().iadd_imm_s(t, LOW7);
                let t = self.b.ins().bor(t, a);
                let h = self.b.ins().band_imm_s(t, 0x8080_8080_8080_8080u64 as i64);
                let h = self.b.ins().ushr_imm_s(h, 7);
                self.b.ins().imul_imm_s(h, 0xff)
            }
            Rev8 => {
                let a = self.rx(i.rs1);
                self.b.ins().bswap(a)
            }
            Bclr | Binv | Bset | Bext => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                if i.op == Bext {
                    let s = self.b.ins().ushr(a, b);
                    self.b.ins().band_imm_s(s, 1)
                } else {
                    let one = self.b.ins().iconst(I64, 1);
                    let m = self.b.ins().ishl(one, b);
                    match i.op {
                        Bclr => self.b.ins().band_not(a, m),
                        Binv => self.b.ins().bxor(a, m),
                        _ => self.b.ins().bor(a, m),
                    }
                }
            }
            Bclri => ri!(band_imm_s, !(1i64 << (imm & 63))),
            Binvi => ri!(bxor_imm_s, 1i64 << (imm & 63)),
            Bseti => ri!(bor_imm_s, 1i64 << (imm & 63)),
            Bexti => {
                let a = self.rx(i.rs1);
                let s = self.b.ins().ushr_imm_s(a, imm & 63);
                self.b.ins().band_imm_s(s, 1)
            }
            CzeroEqz | CzeroNez => {
                let a = self.rx(i.rs1);
                let b = self.rx(i.rs2);
                let z = self.b.ins().iconst(I64, 0);
                if i.op == CzeroEqz {
                    self.b.ins().select(b, a, z)
                } else {
                    self.b.ins().select(b, z, a)
                }
            }
            // Not inline (see `kind`).
            _ => return None,
        };
        let known = match i.op {
            Lui | Slti | Sltiu | Slt | Sltu | Addiw | Slliw | Srliw | Sraiw | Addw | Subw
            | Sllw | Srlw | Sraw | Mulw | Divw | Remw | Divuw | Remuw => true,
            Xori | Ori | Andi => self.peek_sext(i.rs1),
            Xor | Or | And => self.peek_sext(i.rs1) && self.peek_sext(i.rs2),
            _ => false,
        };
        if known {
            self.sext_known.insert(v);
        }
        self.wx(i.rd, v);
        None
    }

    /// Does register `r` (read by the instruction being emitted) hold a
    /// value known to be sign-extended from 32 bits?
    fn peek_sext(&mut self, r: u8) -> bool {
        let r = (r & 31) as usize;
        if r == 0 {
            return true;
        }
        if !self.defined[r] || self.in_hart[r] {
            return false;
        }
        let v = self.b.use_var(self.regs[r]);
        self.is_sext(v)
    }

    /// Is `v` known to be sign-extended from 32 bits (see
    /// [`Emit::sext_known`])? A variable read after a join may be an
    /// alias of the value an earlier block left.
    fn is_sext(&self, v: Value) -> bool {
        let v = self.b.func.dfg.resolve_aliases(v);
        self.sext_known.contains(&v)
    }

    /// RISC-V signed division/remainder: x/0 = -1, x%0 = x,
    /// MIN/-1 = MIN, MIN%-1 = 0.
    /// A constant of type `ty` (immediates of narrow types must be given
    /// zero-extended).
    fn konst(&mut self, ty: Type, v: i64) -> Value {
        let v = if ty == I32 { v as u32 as i64 } else { v };
        self.b.ins().iconst(ty, v)
    }

    /// RISC-V signed division/remainder: x/0 = -1, x%0 = x,
    /// MIN/-1 = MIN, MIN%-1 = 0.
    fn sdivrem(&mut self, a: Value, b: Value, rem: bool, ty: Type) -> Value {
        let min = if ty == I64 { i64::MIN } else { i32::MIN as i64 };
        let k0 = self.konst(ty, 0);
        let kmin = self.konst(ty, min);
        let km1 = self.konst(ty, -1);
        let one = self.konst(ty, 1);
        let zero = self.b.ins().icmp(IntCC::Equal, b, k0);
        let a_min = self.b.ins().icmp(IntCC::Equal, a, kmin);
        let b_m1 = self.b.ins().icmp(IntCC::Equal, b, km1);
        let ovf = self.b.ins().band(a_min, b_m1);
        let bad = self.b.ins().bor(zero, ovf);
        let d = self.b.ins().select(bad, one, b);
        if rem {
            // With d = 1 the remainder is 0, right for the overflow case.
            let r = self.b.ins().srem(a, d);
            self.b.ins().select(zero, a, r)
        } else {
            // With d = 1 the quotient is a (= MIN in the overflow case).
            let q = self.b.ins().sdiv(a, d);
            self.b.ins().select(zero, km1, q)
        }
    }

    /// RISC-V unsigned division/remainder: x/0 = all ones, x%0 = x.
    fn udivrem(&mut self, a: Value, b: Value, rem: bool, ty: Type) -> Value {
        let k0 = self.konst(ty, 0);
        let one = self.konst(ty, 1);
        let zero = self.b.ins().icmp(IntCC::Equal, b, k0);
        let d = self.b.ins().select(zero, one, b);
        if rem {
            let r = self.b.ins().urem(a, d);
            self.b.ins().select(zero, a, r)
        } else {
            let q = self.b.ins().udiv(a, d);
            let m1 = self.konst(ty, -1);
            self.b.ins().select(zero, m1, q)
        }
    }
}

/// The integer registers an instruction run by the exec helper reads (rs1,
/// rs2) and writes (rd), for the instructions that touch no others (FP,
/// atomics); `None` for the rest, which see the whole register file.
/// The integer registers `i` reads as rs1 and rs2 and writes as rd (a
/// superset for instructions the exec helper runs with the whole state).
/// Byte offset of the entry for `v` in a table of `slots` entries of
/// `bytes` bytes (both powers of two) indexed by `v >> shift`.
fn table_offset(
    b: &mut FunctionBuilder,
    v: Value,
    shift: u32,
    slots: usize,
    bytes: usize,
) -> Value {
    let lb = bytes.trailing_zeros();
    let moved = if shift >= lb {
        b.ins().ushr_imm_s(v, (shift - lb) as i64)
    } else {
        b.ins().ishl_imm_s(v, (lb - shift) as i64)
    };
    b.ins().band_imm_s(moved, ((slots - 1) << lb) as i64)
}

/// The TLB lookup of the inline access path: for `va` (`masked` is `va`
/// under [`access_mask`]) and `access` (1 = load, 2 = store), continue in
/// a new block if the TLB hits on a RAM page for an aligned access, else
/// go to `slow`. Returns (host addend, TLB entry).
fn tlb_lookup(
    b: &mut FunctionBuilder,
    cx: Value,
    (va, masked): (Value, Value),
    access: usize,
    slow: Block,
) -> (Value, Entry) {
    // The TLB's address and the privilege bits are loaded where they are
    // used (folded into the address and the compare), so that no host
    // register holds them across a loop.
    let scaled = table_offset(b, va, 12, TLB_SIZE, TLB_ENTRY_BYTES);
    let tlb = b.ins().load(I64, flags(), cx, CTX_TLB);
    let at = b.ins().iadd(tlb, scaled);
    let entry = Entry {
        at,
        off: (access * TLB_SIZE * TLB_ENTRY_BYTES) as i32,
    };
    let fast = b
        .ins()
        .load(I64, flags(), entry.at, entry.off + TLB_ENTRY_FAST as i32);
    // tlb_fast_tag(va, size, tp)
    let tag = b.ins().load(I64, flags(), cx, CTX_DATA_TAG);
    let want = b.ins().bor(masked, tag);
    let hit = b.ins().icmp(IntCC::Equal, fast, want);
    let hit_blk = b.create_block();
    b.ins().brif(hit, hit_blk, &[], slow, &[]);
    b.seal_block(hit_blk);
    b.switch_to_block(hit_blk);
    let addend = b
        .ins()
        .load(I64, flags(), entry.at, entry.off + TLB_ENTRY_ADDEND as i32);
    (addend, entry)
}

/// After a store TLB hit on `entry`: continue (in a new block) only if
/// the page holds no cached code and no LR reservation is held, else go
/// to `slow`.
fn store_guard(b: &mut FunctionBuilder, cx: Value, entry: Entry, slow: Block) {
    // The page's code bit (the entry has its bitmap word and mask), and
    // the reservation flag.
    let word_addr = b.ins().load(
        I64,
        flags(),
        entry.at,
        entry.off + TLB_ENTRY_CODE_WORD as i32,
    );
    let word = b.ins().load(I64, flags(), word_addr, 0);
    let mask = b.ins().load(
        I64,
        flags(),
        entry.at,
        entry.off + TLB_ENTRY_CODE_BIT as i32,
    );
    let bit = b.ins().band(word, mask);
    let resv = b.ins().load(I64, flags(), cx, CTX_RESERVED);
    let busy = b.ins().bor(bit, resv);
    let fast = b.create_block();
    b.ins().brif(busy, slow, &[], fast, &[]);
    b.seal_block(fast);
    b.switch_to_block(fast);
}

/// The fetch TLB entry for `va`: whether it holds `va`'s page for the
/// context's fetch tag (privilege and address space), its host addend,
/// and the page.
fn fetch_tlb(b: &mut FunctionBuilder, cx: Value, va: Value) -> (Value, Value, Value) {
    let toff = table_offset(b, va, 12, TLB_SIZE, TLB_ENTRY_BYTES);
    // The fetch TLB is the first of the three.
    let tlb_fetch = b.ins().load(I64, flags(), cx, CTX_TLB);
    let tlbe = b.ins().iadd(tlb_fetch, toff);
    let tfast = b.ins().load(I64, flags(), tlbe, TLB_ENTRY_FAST as i32);
    let tadd = b.ins().load(I64, flags(), tlbe, TLB_ENTRY_ADDEND as i32);
    let fbits = b.ins().load(I64, flags(), cx, CTX_FETCH_TAG);
    let vpage = b.ins().band_imm_s(va, !0xfff);
    let want = b.ins().bor(vpage, fbits);
    let f_ok = b.ins().icmp(IntCC::Equal, tfast, want);
    (f_ok, tadd, vpage)
}

/// The jump-cache entry for `pc` (at [`helpers::jc_index`]).
fn jc_entry(b: &mut FunctionBuilder, cx: Value, pc: Value) -> Value {
    // (pc ^ pc >> (FOLD - 1)) >> 1 == pc >> 1 ^ pc >> FOLD
    let hi = b.ins().ushr_imm_s(pc, JC_FOLD as i64 - 1);
    let folded = b.ins().bxor(pc, hi);
    let off = table_offset(b, folded, 1, JC_SLOTS, JC_ENTRY_BYTES);
    let jc = b.ins().load(I64, flags(), cx, CTX_JC);
    b.ins().iadd(jc, off)
}

/// Tail-call (signature `next`) the translation the jump cache holds for
/// `pc`, checked against the hart, privilege and fetch TLB, else continue
/// in `miss`; `fill` says what is stored into a link slot on the way.
fn jc_chain(
    b: &mut FunctionBuilder,
    (hart, cx): (Value, Value),
    pc: Value,
    next: SigRef,
    fill: Fill,
    miss: Block,
) {
    let go = b.create_block();
    let e = jc_entry(b, cx, pc);
    let epc = b.ins().load(I64, flags(), e, JC_ENTRY_PC as i32);
    let ekey = b.ins().load(I64, flags(), e, JC_ENTRY_KEY as i32);
    let key = b.ins().load(I64, flags(), cx, CTX_JC_KEY);
    let pc_ok = b.ins().icmp(IntCC::Equal, epc, pc);
    let key_ok = b.ins().icmp(IntCC::Equal, ekey, key);
    let mut ok = b.ins().band(pc_ok, key_ok);
    // The fetch TLB must still map the pc's page as when the entry was
    // made (same fast tag, same host addend).
    let (f_ok, tadd, _) = fetch_tlb(b, cx, pc);
    let eadd = b.ins().load(I64, flags(), e, JC_ENTRY_ADDEND as i32);
    let a_ok = b.ins().icmp(IntCC::Equal, tadd, eadd);
    ok = b.ins().band(ok, f_ok);
    ok = b.ins().band(ok, a_ok);
    if let Fill::Link(pa, _) = fill {
        let epa = b.ins().load(I64, flags(), e, JC_ENTRY_PA as i32);
        let pa_ok = b.ins().icmp(IntCC::Equal, epa, pa);
        ok = b.ins().band(ok, pa_ok);
    }
    b.ins().brif(ok, go, &[], miss, &[]);
    b.seal_block(go);
    b.switch_to_block(go);
    let code = b.ins().load(I64, flags(), e, JC_ENTRY_CODE as i32);
    match fill {
        Fill::Link(_, slot) => {
            b.ins().store(flags(), code, slot, LINK_CODE as i32);
        }
        Fill::Cache(slot) => {
            let epa = b.ins().load(I64, flags(), e, JC_ENTRY_PA as i32);
            b.ins().store(flags(), code, slot, LINK_CODE as i32);
            b.ins().store(flags(), epa, slot, LINK_TARGET_PA as i32);
            b.ins().store(flags(), eadd, slot, LINK_ADDEND as i32);
            b.ins().store(flags(), pc, slot, LINK_PC as i32);
        }
        Fill::No => {}
    }
    b.ins().return_call_indirect(next, code, &[hart, cx]);
}

/// The address bits an access of `size` bytes compares with a TLB tag:
/// the page and the bits that must be zero for alignment.
fn access_mask(size: u32) -> i64 {
    !0xfff | (size as i64 - 1)
}

/// For a load or store (integer or FP): whether it stores.
fn mem_access(op: Op) -> Option<bool> {
    match kind(op) {
        Kind::Load => Some(false),
        Kind::Store => Some(true),
        Kind::FpMem => Some(matches!(op, Op::Fsw | Op::Fsd)),
        _ => None,
    }
}

fn int_regs(i: &Insn) -> (bool, bool, bool) {
    match kind(i.op) {
        Kind::FpMem => (true, false, false),
        Kind::Exec | Kind::Fp => exec_regs(i.op).unwrap_or((true, true, true)),
        _ => (true, true, true),
    }
}

/// Does `i` write its integer `rd` (as far as translated code sees: an
/// exec or FP helper writes it in the hart)?
fn writes_x(i: &Insn) -> bool {
    match kind(i.op) {
        Kind::Inline => !is_branch(i.op),
        Kind::Load => true,
        Kind::Store | Kind::FpMem => false,
        Kind::Exec | Kind::Fp => exec_regs(i.op).is_none_or(|(_, _, wr)| wr),
    }
}

/// Direct control transfers of a block ending in `last` at offset `off`
/// from its start (bytes): (taken target, fall-through), as offsets.
pub fn direct_targets(last: &Insn, off: u64) -> (Option<i64>, Option<i64>) {
    let next = (off + last.len as u64) as i64;
    if is_branch(last.op) {
        (Some(off as i64 + last.imm as i64), Some(next))
    } else if last.op == Op::Jal {
        (Some(off as i64 + last.imm as i64), None)
    } else if last.ends_block() {
        (None, None)
    } else {
        (None, Some(next))
    }
}

/// A region's blocks with each one cut short where it runs into the
/// start of another of them (blocks decoded from different entry points
/// overlap: one that starts before a loop's head contains the loop's
/// body too). The cut block then falls through to that block, so its
/// code is translated once and entered by an edge, not a second time as
/// this block's tail: a smaller translation, with fewer values for the
/// register allocator to keep across copies of the same code. (The
/// fall-through is a forward transfer, so no slice point.)
pub fn cut_at_heads(insns: &[Insn], blocks: &[(u64, usize)]) -> (Vec<Insn>, Vec<(u64, usize)>) {
    let mut out = Vec::with_capacity(insns.len());
    let mut cut = Vec::with_capacity(blocks.len());
    let mut start = 0usize;
    for &(pa, n) in blocks {
        let b = &insns[start..start + n];
        start += n;
        let mut at = pa;
        let mut keep = 0usize;
        for i in b {
            if keep > 0 && blocks.iter().any(|h| h.0 == at) {
                break;
            }
            keep += 1;
            at = at.wrapping_add(i.len as u64);
        }
        out.extend_from_slice(&b[..keep]);
        cut.push((pa, keep));
    }
    (out, cut)
}

/// A computed jump: `jalr` that links nothing, through a register other
/// than a link register (a switch table or a threaded interpreter's
/// dispatch; not a return). In a region it may continue at any of the
/// region's blocks.
pub fn computed_jump(i: &Insn) -> bool {
    i.op == Op::Jalr && i.rd == 0 && !matches!(i.rs1, 1 | 5)
}

/// The direct edges of a region's blocks (taken target and
/// fall-through of each block's last instruction) as (index of the
/// block, target physical address), and whether a block ends in a
/// computed jump (in a region of several blocks).
fn region_edges(insns: &[Insn], blocks: &[(u64, usize)]) -> (Vec<(usize, u64)>, bool) {
    let mut edges = Vec::new();
    let mut computed = false;
    let mut start = 0usize;
    for (j, &(pa, n)) in blocks.iter().enumerate() {
        let b = &insns[start..start + n];
        start += n;
        computed |= blocks.len() > 1 && b.last().is_some_and(computed_jump);
        edges.extend(direct_pas(pa, b).into_iter().map(|t| (j, t)));
    }
    (edges, computed)
}

/// Does an exit of some block of the region lead to a block of the
/// region: a direct one, or a computed jump in a region of several
/// blocks?
pub fn internal_edge(insns: &[Insn], blocks: &[(u64, usize)]) -> bool {
    let (edges, computed) = region_edges(insns, blocks);
    computed || edges.iter().any(|&(_, t)| blocks.iter().any(|b| b.0 == t))
}

/// For each block of a region: is it the target of an edge from itself
/// or a later block (a back edge, or any computed jump in the region)?
/// `extra`: edges besides the direct ones (returns of a [`Trace`]).
fn later_edges(insns: &[Insn], blocks: &[(u64, usize)], extra: &[(usize, u64)]) -> Vec<bool> {
    let (mut edges, computed) = region_edges(insns, blocks);
    edges.extend_from_slice(extra);
    (0..blocks.len())
        .map(|k| computed || edges.iter().any(|&(j, t)| j >= k && t == blocks[k].0))
        .collect()
}

/// Offset in bytes of the last instruction of the block `b` from its start.
pub fn last_offset(b: &[Insn]) -> u64 {
    let n = b.len().saturating_sub(1);
    b[..n].iter().map(|i| i.len as u64).sum()
}

/// The physical addresses the direct exits of the block at `pa` with
/// instructions `b` lead to (taken target, fall-through).
pub fn direct_pas(pa: u64, b: &[Insn]) -> Vec<u64> {
    let Some(last) = b.last() else {
        return Vec::new();
    };
    let (t, f) = direct_targets(last, last_offset(b));
    [t, f]
        .into_iter()
        .flatten()
        .map(|x| pa.wrapping_add(x as u64))
        .collect()
}

/// `jalr x0, 0(ra)`: a return.
pub fn is_ret(i: &Insn) -> bool {
    i.op == Op::Jalr && i.rd == 0 && i.rs1 == 1 && i.imm == 0
}

/// A call that a region follows into another page (see the engine's
/// `region`), so that a hot loop that calls a small function runs it
/// without leaving its translation. The callee's blocks are the last of
/// the region, from index `start`. Like the others, each is addressed by
/// the entry's physical address plus its offset from the entry in the
/// guest's address space (pcs are computed from offsets), which for the
/// callee's blocks is not their physical address.
///
/// The call (a `jal` to `entry`) goes on into the callee only while the
/// fetch TLB maps the callee's page (at the entry's address plus the
/// offset) to `host_page`; a return (`ret`) goes on at `ret` only when
/// it returns there. Otherwise they leave the translation as usual.
#[derive(Clone, Copy, Debug)]
pub struct Trace {
    /// Index of the callee's first block in the region.
    pub start: usize,
    /// Address (as above) of the callee's entry.
    pub entry: u64,
    /// Address of the return point, a block in the entry's page.
    pub ret: u64,
    /// Host address of the callee's page in guest RAM.
    pub host_page: u64,
    /// Physical address of the callee's page.
    pub pa_page: u64,
}

impl Trace {
    /// The returns: (index of a callee block ending in `ret`, return
    /// point).
    pub fn edges(&self, insns: &[Insn], blocks: &[(u64, usize)]) -> Vec<(usize, u64)> {
        let mut start = 0usize;
        let mut out = Vec::new();
        for (k, &(_, n)) in blocks.iter().enumerate() {
            start += n;
            if k >= self.start && insns[..start].last().is_some_and(is_ret) {
                out.push((k, self.ret));
            }
        }
        out
    }
}

fn exec_regs(op: Op) -> Option<(bool, bool, bool)> {
    use Op::*;
    Some(match op {
        FmaddS | FmsubS | FnmsubS | FnmaddS | FaddS | FsubS | FmulS | FdivS | FsqrtS | FsgnjS
        | FsgnjnS | FsgnjxS | FminS | FmaxS | FmaddD | FmsubD | FnmsubD | FnmaddD | FaddD
        | FsubD | FmulD | FdivD | FsqrtD | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD | FcvtSD
        | FcvtDS => (false, false, false),
        FcvtSW | FcvtSWu | FcvtSL | FcvtSLu | FmvWX | FcvtDW | FcvtDWu | FcvtDL | FcvtDLu
        | FmvDX | Flw | Fld | Fsw | Fsd => (true, false, false),
        FcvtWS | FcvtWuS | FcvtLS | FcvtLuS | FmvXW | FeqS | FltS | FleS | FclassS | FcvtWD
        | FcvtWuD | FcvtLD | FcvtLuD | FmvXD | FeqD | FltD | FleD | FclassD => (false, false, true),
        LrW | LrD => (true, false, true),
        ScW | ScD | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW
        | AmominuW | AmomaxuW | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD
        | AmomaxD | AmominuD | AmomaxuD => (true, true, true),
        _ => return None,
    })
}

/// Conditional branches.
fn is_branch(op: Op) -> bool {
    matches!(
        op,
        Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu
    )
}

/// The comparison of a conditional branch.
fn branch_cc(op: Op) -> IntCC {
    match op {
        Op::Beq => IntCC::Equal,
        Op::Bne => IntCC::NotEqual,
        Op::Blt => IntCC::SignedLessThan,
        Op::Bge => IntCC::SignedGreaterThanOrEqual,
        Op::Bltu => IntCC::UnsignedLessThan,
        _ => IntCC::UnsignedGreaterThanOrEqual,
    }
}

/// Size and signedness of an integer load.
fn load_shape(op: Op) -> (u32, bool) {
    match op {
        Op::Lb => (1, true),
        Op::Lh => (2, true),
        Op::Lw => (4, true),
        Op::Ld => (8, false),
        Op::Lbu => (1, false),
        Op::Lhu => (2, false),
        _ => (4, false),
    }
}

#[cfg(test)]
mod tests {
    use super::cut_at_heads;
    use emu_core::decode::decode;

    #[test]
    fn blocks_are_cut_where_they_run_into_another() {
        // addi (4 bytes), c.addi (2 bytes), addi, bne.
        let b0 = [0x0013_0313, 0x0585, 0x0013_0313, 0xfe02_9ce3].map(decode);
        // A block at +6 (the second addi) and one at +4 (the c.addi).
        let insns: Vec<_> = b0.iter().chain(&b0[2..]).chain(&b0[1..]).copied().collect();
        let blocks = [(0x1000, 4), (0x1006, 2), (0x1004, 3)];
        let (cut, at) = cut_at_heads(&insns, &blocks);
        // The first stops at +4, the one at +4 at +6; the last is whole.
        assert_eq!(at, vec![(0x1000, 1), (0x1006, 2), (0x1004, 1)]);
        assert_eq!(cut, vec![b0[0], b0[2], b0[3], b0[1]]);
    }
}
