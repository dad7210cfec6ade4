//! The compile worker: a host thread that turns batches of hot blocks into
//! machine code, one `JITModule` (one finalize) per batch.

use crate::helpers::Links;
use crate::translate::{Stubs, Trace, Translator};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;
use crossbeam_channel::{Receiver, Sender};
use emu_core::insn::Insn;
use std::time::Instant;

/// One translation to compile: a region of guest blocks in one page,
/// entered at the first.
pub struct Request {
    /// Request id (the engine installs a result only if this request is
    /// still the one it waits for at `pa`).
    pub id: u64,
    /// Physical address of the entry block.
    pub pa: u64,
    /// The instructions of all blocks, block after block. Translated code
    /// holds pointers into this allocation, which travels back with the
    /// code.
    pub insns: Box<[Insn]>,
    /// The blocks: physical address and number of instructions, the entry
    /// block first (see [`crate::translate::Translator::translate`]).
    pub blocks: Vec<(u64, usize)>,
    /// The link slots, [`crate::helpers::LINKS`] per block (translated
    /// code holds their address; the translator sets their targets).
    /// `None`: no direct links (the exits go through the jump cache).
    pub links: Option<Links>,
    /// The call the region follows into another page, if any.
    pub trace: Option<Trace>,
}

impl Request {
    /// A request for the single block `insns` at `pa`.
    pub fn block(id: u64, pa: u64, insns: Box<[Insn]>, links: bool) -> Self {
        let n = insns.len();
        Request {
            id,
            pa,
            insns,
            blocks: vec![(pa, n)],
            links: links.then(|| crate::helpers::new_links(1)),
            trace: None,
        }
    }
}

/// One compiled block.
pub struct Compiled {
    /// The request.
    pub req: Request,
    /// Address of the finalized function (0 if compilation failed).
    pub code: usize,
    /// Size of its machine code in bytes.
    pub size: usize,
    /// Time spent translating and compiling this block.
    pub nanos: u64,
}

/// The code of one batch.
pub struct Batch {
    /// The module that owns the code (freed with its generation).
    pub module: JITModule,
    /// The blocks.
    pub items: Vec<Compiled>,
    /// Time spent finalizing the batch.
    pub finalize_nanos: u64,
    /// Translation errors (should not happen; reported in statistics).
    pub errors: Vec<String>,
}

/// The host's code generator at the given optimization level.
pub fn host_isa(opt_level: &str) -> Result<OwnedTargetIsa, String> {
    host_isa_with(opt_level, "backtracking")
}

/// The host's code generator at the given optimization level and register
/// allocator ("backtracking" or "single_pass").
pub fn host_isa_with(opt_level: &str, regalloc: &str) -> Result<OwnedTargetIsa, String> {
    let mut fb = settings::builder();
    fb.set("regalloc_algorithm", regalloc)
        .map_err(|e| format!("Cranelift regalloc_algorithm '{regalloc}': {e}"))?;
    fb.set("opt_level", opt_level)
        .map_err(|e| format!("Cranelift opt_level '{opt_level}': {e}"))?;
    fb.set("is_pic", "false").map_err(|e| e.to_string())?;
    // Cranelift's tail calls (translation chaining) need frame pointers.
    fb.set("preserve_frame_pointers", "true")
        .map_err(|e| e.to_string())?;
    // The IR verifier costs about as much as code generation; keep it for
    // debug builds (tests).
    let verify = if cfg!(debug_assertions) {
        "true"
    } else {
        "false"
    };
    fb.set("enable_verifier", verify)
        .map_err(|e| e.to_string())?;
    fb.set("use_colocated_libcalls", "false")
        .map_err(|e| e.to_string())?;
    // Nothing unwinds through translated code (helpers do not panic
    // across it, and profilers walk frame pointers): no unwind tables.
    fb.set("unwind_info", "false").map_err(|e| e.to_string())?;
    let isa = cranelift_native::builder()
        .map_err(|e| format!("this host is not supported by Cranelift: {e}"))?
        .finish(settings::Flags::new(fb))
        .map_err(|e| e.to_string())?;
    Ok(isa)
}

/// Compile one batch into a fresh module.
pub fn compile_batch(isa: &OwnedTargetIsa, tr: &mut Translator, reqs: Vec<Request>) -> Batch {
    let mut module = JITModule::new(JITBuilder::with_isa(isa.clone(), default_libcall_names()));
    let mut ids = Vec::with_capacity(reqs.len());
    let mut errors = Vec::new();
    for mut req in reqs {
        let t0 = Instant::now();
        let id = match tr.translate(
            &mut module,
            &req.insns,
            &req.blocks,
            req.trace.as_ref(),
            req.links.as_deref_mut(),
        ) {
            Ok(id) => Some((id, tr.last_code_size())),
            Err(e) => {
                errors.push(format!("block at {:#x}: {e}", req.pa));
                None
            }
        };
        ids.push((req, id, t0.elapsed().as_nanos() as u64));
    }
    let t0 = Instant::now();
    let finalized = match module.finalize_definitions() {
        Ok(()) => true,
        Err(e) => {
            errors.push(format!("finalize: {e}"));
            false
        }
    };
    let finalize_nanos = t0.elapsed().as_nanos() as u64;
    let items = ids
        .into_iter()
        .map(|(req, id, nanos)| Compiled {
            req,
            code: match id {
                Some((id, _)) if finalized => module.get_finalized_function(id) as usize,
                _ => 0,
            },
            size: id.map_or(0, |(_, size)| size),
            nanos,
        })
        .collect();
    Batch {
        module,
        items,
        finalize_nanos,
        errors,
    }
}

/// The worker loop: compile each batch received until the engine hangs up.
pub fn worker(isa: OwnedTargetIsa, rx: Receiver<Vec<Request>>, tx: Sender<Batch>) {
    let mut tr = Translator::new();
    while let Ok(reqs) = rx.recv() {
        let batch = compile_batch(&isa, &mut tr, reqs);
        if let Err(crossbeam_channel::SendError(b)) = tx.send(batch) {
            // The engine is gone; nothing of this batch ever ran, so the
            // module is simply dropped (its pages leak until exit, which
            // is now).
            drop(b);
            return;
        }
    }
}

/// Compile `insns` as a one-block batch and free the code again (for
/// benchmarks of compile time). Returns whether compilation succeeded.
pub fn compile_and_discard(isa: &OwnedTargetIsa, tr: &mut Translator, insns: &[Insn]) -> bool {
    let b = compile_batch(
        isa,
        tr,
        vec![Request::block(0, 0x8000_0000, insns.into(), true)],
    );
    let ok = b.errors.is_empty() && b.items.iter().all(|c| c.code != 0);
    drop(b.items);
    crate::engine::free_module(b.module);
    ok
}

/// Entries of the helper thunks: `load`, `store`, `exec` and `fp` of
/// [`crate::helpers`] behind a wrapper that keeps every general-purpose
/// register (Cranelift's `preserve_all` convention, arguments as in the
/// system ABI) and stores the helper's status into [`JitCtx::status`]
/// instead of returning it.
///
/// Translated code calls helpers only on slow paths; with ordinary calls
/// every value live across one (the guest registers, the TLB pointers)
/// has to sit in a callee-saved register or on the stack for the whole
/// translation. Behind a thunk they stay in any register. The thunk does
/// not keep the vector registers: translated code holds no values in
/// them (it does integer work only; FP values move through
/// general-purpose registers).
///
/// Built once per process on x86-64 hosts; `None` elsewhere (translated
/// code then calls the helpers directly).
///
/// [`JitCtx::status`]: crate::helpers::JitCtx::status
pub fn helper_thunks() -> Option<Thunks> {
    static T: std::sync::OnceLock<Option<Thunks>> = std::sync::OnceLock::new();
    *T.get_or_init(|| build_thunks().ok().flatten())
}

/// See [`helper_thunks`].
#[derive(Clone, Copy, Debug)]
pub struct Thunks {
    /// Thunk of [`crate::helpers::load`].
    pub load: usize,
    /// Thunk of [`crate::helpers::store`].
    pub store: usize,
    /// Thunk of [`crate::helpers::exec`].
    pub exec: usize,
    /// Thunk of [`crate::helpers::fp`].
    pub fp: usize,
}

/// The x86-64 code of a thunk calling `helper` (see [`helper_thunks`]).
fn thunk_code(helper: usize) -> Vec<u8> {
    let mut c = Vec::with_capacity(64);
    // push rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11: the registers the
    // system ABI lets the helper clobber. With the return address that
    // is ten words, so the stack is 16-byte aligned again for the call.
    c.extend_from_slice(&[0x50, 0x51, 0x52, 0x56, 0x57]);
    c.extend_from_slice(&[0x41, 0x50, 0x41, 0x51, 0x41, 0x52, 0x41, 0x53]);
    // movabs rax, helper; call rax
    c.extend_from_slice(&[0x48, 0xb8]);
    c.extend_from_slice(&(helper as u64).to_le_bytes());
    c.extend_from_slice(&[0xff, 0xd0]);
    // mov rsi, [rsp + 40] (the saved second argument, the context);
    // mov [rsi + CTX_STATUS], eax
    c.extend_from_slice(&[0x48, 0x8b, 0x74, 0x24, 0x28]);
    c.extend_from_slice(&[0x89, 0x86]);
    c.extend_from_slice(&crate::helpers::CTX_STATUS.to_le_bytes());
    // pop r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax; ret
    c.extend_from_slice(&[0x41, 0x5b, 0x41, 0x5a, 0x41, 0x59, 0x41, 0x58]);
    c.extend_from_slice(&[0x5f, 0x5e, 0x5a, 0x59, 0x58, 0xc3]);
    c
}

fn build_thunks() -> Result<Option<Thunks>, String> {
    use cranelift_codegen::ir::Signature;
    use cranelift_codegen::isa::CallConv;
    use cranelift_module::Module;
    if !cfg!(target_arch = "x86_64") {
        return Ok(None);
    }
    let isa = host_isa("speed")?;
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let sig = Signature::new(CallConv::PreserveAll);
    let mut ids = Vec::new();
    for f in [
        crate::helpers::load as *const () as usize,
        crate::helpers::store as *const () as usize,
        crate::helpers::exec as *const () as usize,
        crate::helpers::fp as *const () as usize,
    ] {
        let id = module
            .declare_anonymous_function(&sig)
            .map_err(|e| e.to_string())?;
        module
            .define_function_bytes(id, 16, &thunk_code(f), &[])
            .map_err(|e| e.to_string())?;
        ids.push(id);
    }
    module.finalize_definitions().map_err(|e| e.to_string())?;
    let t = Thunks {
        load: module.get_finalized_function(ids[0]) as usize,
        store: module.get_finalized_function(ids[1]) as usize,
        exec: module.get_finalized_function(ids[2]) as usize,
        fp: module.get_finalized_function(ids[3]) as usize,
    };
    // The thunks are used for the rest of the process.
    Box::leak(Box::new(module));
    Ok(Some(t))
}

/// The chaining stubs of [`crate::translate::define_stubs`], built once
/// per process in a module that lives until exit; `None` if they could
/// not be built (translations then return to the engine instead).
pub fn chain_stubs() -> Option<Stubs> {
    static S: std::sync::OnceLock<Option<Stubs>> = std::sync::OnceLock::new();
    *S.get_or_init(|| build_stubs().ok())
}

fn build_stubs() -> Result<Stubs, String> {
    let isa = host_isa("speed")?;
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let (lookup, lookup_fwd, link, cache) = crate::translate::define_stubs(&mut module)?;
    module.finalize_definitions().map_err(|e| e.to_string())?;
    let s = Stubs {
        lookup: module.get_finalized_function(lookup) as usize,
        lookup_fwd: module.get_finalized_function(lookup_fwd) as usize,
        link: module.get_finalized_function(link) as usize,
        cache: module.get_finalized_function(cache) as usize,
    };
    // Translations use the stubs for the rest of the process.
    Box::leak(Box::new(module));
    Ok(s)
}

/// The entry trampoline: a system-ABI function `(hart, cx, code)` that
/// calls the translation at `code` (Cranelift's `tail` convention, see
/// [`crate::translate::translation_signature`]). Built once per process;
/// its module lives until exit.
pub fn trampoline() -> Result<usize, String> {
    static T: std::sync::OnceLock<Result<usize, String>> = std::sync::OnceLock::new();
    T.get_or_init(build_trampoline).clone()
}

fn build_trampoline() -> Result<usize, String> {
    use cranelift_codegen::ir::{AbiParam, InstBuilder, Signature};
    use cranelift_module::Module;
    let isa = host_isa("speed")?;
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let ptr = module.target_config().pointer_type();
    let mut sig = Signature::new(module.target_config().default_call_conv);
    sig.params.extend([ptr, ptr, ptr].map(AbiParam::new));
    let id = crate::translate::define_function(&mut module, sig, |b, p| {
        let target = b.import_signature(crate::translate::translation_signature(ptr));
        b.ins().call_indirect(target, p[2], &[p[0], p[1]]);
        b.ins().return_(&[]);
    })?;
    module.finalize_definitions().map_err(|e| e.to_string())?;
    let f = module.get_finalized_function(id) as usize;
    // The trampoline is used for the rest of the process.
    Box::leak(Box::new(module));
    Ok(f)
}
