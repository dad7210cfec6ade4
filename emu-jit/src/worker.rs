//! The compile worker: a host thread that turns batches of hot blocks into
//! machine code, one `JITModule` (one finalize) per batch.

use crate::helpers::Links;
use crate::translate::Translator;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;
use crossbeam_channel::{Receiver, Sender};
use emu_core::insn::Insn;
use std::time::Instant;

/// One block to compile.
pub struct Request {
    /// Request id (the engine installs a result only if this request is
    /// still the one it waits for at `pa`).
    pub id: u64,
    /// Physical address of the block.
    pub pa: u64,
    /// The block's instructions. Translated code holds pointers into this
    /// allocation, which travels back with the code.
    pub insns: Box<[Insn]>,
    /// The block's link slots (translated code holds their address; the
    /// translator sets their targets). `None`: no direct links (the
    /// exits go through the jump cache).
    pub links: Option<Links>,
}

/// One compiled block.
pub struct Compiled {
    /// The request.
    pub req: Request,
    /// Address of the finalized function (0 if compilation failed).
    pub code: usize,
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
        let id = match tr.translate(&mut module, &req.insns, req.pa, req.links.as_deref_mut()) {
            Ok(id) => Some(id),
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
                Some(id) if finalized => module.get_finalized_function(id) as usize,
                _ => 0,
            },
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
        vec![Request {
            id: 0,
            pa: 0x8000_0000,
            insns: insns.into(),
            links: Some(crate::helpers::new_links()),
        }],
    );
    let ok = b.errors.is_empty() && b.items.iter().all(|c| c.code != 0);
    drop(b.items);
    crate::engine::free_module(b.module);
    ok
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
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
    use cranelift_module::Module;
    let isa = host_isa("speed")?;
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let ptr = module.target_config().pointer_type();
    let mut sig = Signature::new(module.target_config().default_call_conv);
    sig.params.extend([ptr, ptr, ptr].map(AbiParam::new));
    let mut ctx = module.make_context();
    ctx.func.signature = sig.clone();
    let mut fbc = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
    let blk = b.create_block();
    b.append_block_params_for_function_params(blk);
    b.switch_to_block(blk);
    b.seal_block(blk);
    let p = b.block_params(blk).to_vec();
    let target = b.import_signature(crate::translate::translation_signature(ptr));
    b.ins().call_indirect(target, p[2], &[p[0], p[1]]);
    b.ins().return_(&[]);
    b.finalize(module.target_config());
    let id = module
        .declare_anonymous_function(&sig)
        .map_err(|e| e.to_string())?;
    module
        .define_function(id, &mut ctx)
        .map_err(|e| format!("{e:?}"))?;
    module.finalize_definitions().map_err(|e| e.to_string())?;
    let f = module.get_finalized_function(id) as usize;
    // The trampoline is used for the rest of the process.
    Box::leak(Box::new(module));
    Ok(f)
}
