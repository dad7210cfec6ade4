/*
 * F and D arithmetic semantics: static and dynamic (frm) rounding modes and
 * reserved ones (illegal), fflags accrual and the fcsr/frm/fflags views,
 * NaN boxing of single values (fmv.w.x/flw box; a boxed single seen as a
 * double; improperly boxed inputs read as the canonical NaN), canonical NaN
 * results and signalling-NaN flags, fcvt saturation, fmin/fmax with signed
 * zeros and NaNs, quiet/signalling compares, fused multiply-add rounding once.
 */
#include "test.h"

#define D_ONE 0x3ff0000000000000
#define D_TWO 0x4000000000000000
#define D_THREE 0x4008000000000000
#define D_2_5 0x4004000000000000
#define D_M2_5 0xc004000000000000
#define D_HALF 0x3fe0000000000000
#define D_MHALF 0xbfe0000000000000
#define D_EPS_HALF 0x3ca0000000000000    /* 2^-53 */
#define D_ONE_ULP 0x3ff0000000000001     /* 1 + 2^-52 */
#define D_ONE_MULP 0x3feffffffffffffe    /* 1 - 2^-52 */
#define D_PZERO 0
#define D_NZERO 0x8000000000000000
#define D_MAX 0x7fefffffffffffff
#define D_MIN_NORMAL_ULP 0x0010000000000001
#define D_INF 0x7ff0000000000000
#define D_NINF 0xfff0000000000000
#define D_QNAN_PAYLOAD 0x7ff8000000000123
#define D_SNAN 0x7ff0000000000001
#define D_CANON 0x7ff8000000000000
#define D_1E10 0x4202a05f20000000
#define D_M1E10 0xc202a05f20000000
#define D_3E9 0x41e65a0bc0000000
#define S_ONE 0x3f800000
#define S_SNAN 0x7f800001
#define S_CANON_BOXED 0xffffffff7fc00000

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

/* freg = the double with bit pattern val */
.macro LD_D freg, val
    li t0, \val
    fmv.d.x \freg, t0
.endm

/* check the raw 64-bit contents of freg */
.macro CHECK_F n, freg, val
    fmv.x.d t0, \freg
    CHECK \n, t0, \val
.endm

/* check fflags == val, then clear them */
.macro CHECK_FLAGS n, val
    csrrci t0, fflags, 0x1f
    CHECK \n, t0, \val
.endm

    .text
    .globl main
main:
    TRAPS_OK
    csrw fcsr, zero

    /* --- static rounding modes on fcvt.w.d --- */
    LD_D fa0, D_2_5
    fcvt.w.d a3, fa0, rne
    CHECK 1, a3, 2
    fcvt.w.d a3, fa0, rtz
    CHECK 2, a3, 2
    fcvt.w.d a3, fa0, rdn
    CHECK 3, a3, 2
    fcvt.w.d a3, fa0, rup
    CHECK 4, a3, 3
    fcvt.w.d a3, fa0, rmm
    CHECK 5, a3, 3
    LD_D fa0, D_M2_5
    fcvt.w.d a3, fa0, rne
    CHECK 6, a3, -2
    fcvt.w.d a3, fa0, rtz
    CHECK 7, a3, -2
    fcvt.w.d a3, fa0, rdn
    CHECK 8, a3, -3
    fcvt.w.d a3, fa0, rup
    CHECK 9, a3, -2
    fcvt.w.d a3, fa0, rmm
    CHECK 10, a3, -3
    CHECK_FLAGS 11, NX

    /* --- arithmetic rounding: 1 + 2^-53 is a tie --- */
    LD_D fa1, D_ONE
    LD_D fa2, D_EPS_HALF
    fadd.d fa3, fa1, fa2, rne
    CHECK_F 12, fa3, D_ONE
    fadd.d fa3, fa1, fa2, rup
    CHECK_F 13, fa3, D_ONE_ULP
    fadd.d fa3, fa1, fa2, rmm
    CHECK_F 14, fa3, D_ONE_ULP
    fadd.d fa3, fa1, fa2, rdn
    CHECK_F 15, fa3, D_ONE
    CHECK_FLAGS 16, NX

    /* --- dynamic rounding mode from frm --- */
    LD_D fa0, D_2_5
    fsrmi 3                             /* RUP */
    fcvt.w.d a3, fa0, dyn
    CHECK 17, a3, 3
    fadd.d fa3, fa1, fa2, dyn
    CHECK_F 18, fa3, D_ONE_ULP
    fsrmi 2                             /* RDN */
    fcvt.w.d a3, fa0, dyn
    CHECK 19, a3, 2
    fsrmi 4                             /* RMM */
    fcvt.w.d a3, fa0, dyn
    CHECK 20, a3, 3
    fcvt.w.d a3, fa0, rtz               /* a static mode overrides frm */
    CHECK 21, a3, 2
    csrr a3, fcsr
    CHECK 22, a3, (4 << 5) | NX
    csrr a3, frm
    CHECK 23, a3, 4
    fsrmi 0
    CHECK_FLAGS 24, NX

    /* --- reserved rounding modes are illegal --- */
    fsrmi 5
    csrr a3, frm
    CHECK 25, a3, 5                     /* frm holds it ... */
    li t6, -1
    fadd.d fa3, fa1, fa2, dyn           /* ... but using it traps */
    CHECK 26, t6, CAUSE_ILLEGAL
    fsrmi 7
    li t6, -1
    fcvt.w.d a3, fa0, dyn
    CHECK 27, t6, CAUSE_ILLEGAL
    fsrmi 0
    li t6, -1
    .insn r 0x53, 5, 1, fa3, fa1, fa2   /* fadd.d with static rm = 5 */
    CHECK 28, t6, CAUSE_ILLEGAL
    li t6, -1
    fadd.d fa3, fa1, fa2, dyn           /* frm = 0 is fine again */
    CHECK 29, t6, -1
    CHECK_FLAGS 30, NX

    /* --- fflags accrue and are sticky --- */
    LD_D fa1, D_ONE
    LD_D fa2, D_PZERO
    fdiv.d fa3, fa1, fa2
    CHECK_F 31, fa3, D_INF
    fdiv.d fa3, fa2, fa2
    CHECK_F 32, fa3, D_CANON
    fadd.d fa3, fa1, fa1                /* exact: adds no flag */
    csrr a3, fflags
    CHECK 33, a3, DZ | NV
    LD_D fa1, D_MAX
    fadd.d fa3, fa1, fa1
    CHECK_F 34, fa3, D_INF
    csrr a3, fflags
    CHECK 35, a3, DZ | NV | OF | NX
    CHECK_FLAGS 36, DZ | NV | OF | NX
    LD_D fa1, D_MIN_NORMAL_ULP
    LD_D fa2, D_HALF
    fmul.d fa3, fa1, fa2                /* tiny and inexact */
    CHECK_FLAGS 37, UF | NX
    LD_D fa1, D_THREE
    LD_D fa2, D_ONE
    fdiv.d fa3, fa2, fa1
    CHECK_F 38, fa3, 0x3fd5555555555555
    CHECK_FLAGS 39, NX
    csrwi fflags, 0x1f
    csrr a3, fcsr
    CHECK 40, a3, 0x1f
    csrwi frm, 1
    csrr a3, fcsr
    CHECK 41, a3, (1 << 5) | 0x1f
    li a1, 0xff                         /* fcsr bits above 7 are read-only 0 */
    csrw fcsr, a1
    csrr a3, fcsr
    CHECK 42, a3, 0xff
    li a1, 0x1ff
    csrw fcsr, a1
    csrr a3, fcsr
    CHECK 43, a3, 0xff
    csrw fcsr, zero

    /* --- NaN boxing --- */
    li a1, S_ONE
    fmv.w.x ft0, a1
    CHECK_F 44, ft0, 0xffffffff3f800000
    la s0, scratch
    li a1, 0x40000000
    sw a1, 0(s0)
    flw ft1, 0(s0)
    CHECK_F 45, ft1, 0xffffffff40000000
    fadd.s ft2, ft0, ft1                /* 1 + 2 */
    CHECK_F 46, ft2, 0xffffffff40400000
    LD_D fa1, D_ONE
    fadd.d fa3, ft0, fa1                /* a boxed single is a quiet NaN double */
    CHECK_F 47, fa3, D_CANON
    CHECK_FLAGS 48, 0
    LD_D ft3, 0x000000003f800000        /* improperly boxed 1.0f */
    fsgnj.s ft4, ft3, ft3               /* reads the canonical NaN */
    CHECK_F 49, ft4, S_CANON_BOXED
    fsgnjn.s ft4, ft0, ft3              /* sign of the canonical NaN, inverted */
    CHECK_F 50, ft4, 0xffffffffbf800000
    fadd.s ft4, ft3, ft0
    CHECK_F 51, ft4, S_CANON_BOXED
    CHECK_FLAGS 52, 0                   /* canonical NaN is quiet */
    fclass.s a3, ft3
    CHECK 53, a3, 0x200                 /* quiet NaN */
    fmv.x.w a3, ft3                     /* fmv.x.w does not check boxing */
    CHECK 54, a3, 0x3f800000
    fmv.x.w a3, ft4
    CHECK 55, a3, 0x7fc00000
    li a1, 0xbf800000
    fmv.w.x ft5, a1
    fmv.x.w a3, ft5                     /* sign-extends bit 31 */
    CHECK 56, a3, 0xffffffffbf800000
    fcvt.d.s fa3, ft3                   /* canonical NaN in, no flags */
    CHECK_F 57, fa3, D_CANON
    CHECK_FLAGS 58, 0

    /* --- canonical NaN results and signalling NaNs --- */
    LD_D fa1, D_QNAN_PAYLOAD
    LD_D fa2, D_ONE
    fadd.d fa3, fa1, fa2                /* payload is not propagated */
    CHECK_F 59, fa3, D_CANON
    CHECK_FLAGS 60, 0
    LD_D fa1, D_SNAN
    fmul.d fa3, fa1, fa2
    CHECK_F 61, fa3, D_CANON
    CHECK_FLAGS 62, NV
    LD_D fa1, 0xbff0000000000000        /* sqrt(-1) */
    fsqrt.d fa3, fa1
    CHECK_F 63, fa3, D_CANON
    CHECK_FLAGS 64, NV
    LD_D fa1, D_SNAN
    fsgnj.d fa3, fa1, fa1               /* sign injection keeps the payload */
    CHECK_F 65, fa3, D_SNAN
    fsgnjn.d fa3, fa1, fa1
    CHECK_F 66, fa3, 0xfff0000000000001
    CHECK_FLAGS 67, 0
    li a1, S_SNAN
    fmv.w.x ft1, a1
    fcvt.d.s fa3, ft1
    CHECK_F 68, fa3, D_CANON
    CHECK_FLAGS 69, NV
    fcvt.s.d ft2, fa1                   /* double sNaN -> single canonical */
    CHECK_F 70, ft2, S_CANON_BOXED
    CHECK_FLAGS 71, NV

    /* --- fcvt saturation --- */
    LD_D fa1, D_1E10
    fcvt.w.d a3, fa1, rtz
    CHECK 72, a3, 0x7fffffff
    CHECK_FLAGS 73, NV
    LD_D fa1, D_M1E10
    fcvt.w.d a3, fa1, rtz
    CHECK 74, a3, 0xffffffff80000000
    fcvt.wu.d a3, fa1, rtz
    CHECK 75, a3, 0
    CHECK_FLAGS 76, NV
    LD_D fa1, D_3E9
    fcvt.wu.d a3, fa1, rtz              /* 32-bit result, sign-extended */
    CHECK 77, a3, 0xffffffffb2d05e00
    CHECK_FLAGS 78, 0
    LD_D fa1, D_MHALF
    fcvt.wu.d a3, fa1, rtz              /* rounds to 0: inexact, not invalid */
    CHECK 79, a3, 0
    CHECK_FLAGS 80, NX
    LD_D fa1, D_CANON
    fcvt.w.d a3, fa1, rtz
    CHECK 81, a3, 0x7fffffff
    fcvt.l.d a3, fa1, rtz
    CHECK 82, a3, 0x7fffffffffffffff
    fcvt.lu.d a3, fa1, rtz
    CHECK 83, a3, -1
    LD_D fa1, D_INF
    fcvt.lu.d a3, fa1, rtz
    CHECK 84, a3, -1
    LD_D fa1, D_NINF
    fcvt.lu.d a3, fa1, rtz
    CHECK 85, a3, 0
    fcvt.l.d a3, fa1, rtz
    CHECK 86, a3, 0x8000000000000000
    CHECK_FLAGS 87, NV
    li a1, -1
    fcvt.d.lu fa3, a1                   /* 2^64 - 1 rounds to 2^64 */
    CHECK_F 88, fa3, 0x43f0000000000000
    CHECK_FLAGS 89, NX
    fcvt.s.w ft3, a1
    CHECK_F 90, ft3, 0xffffffffbf800000
    li a1, 0xffffffff00000003           /* .w sources ignore the upper half */
    fcvt.d.w fa3, a1
    CHECK_F 91, fa3, D_THREE

    /* --- fmin / fmax --- */
    LD_D fa1, D_NZERO
    LD_D fa2, D_PZERO
    fmin.d fa3, fa1, fa2
    CHECK_F 92, fa3, D_NZERO
    fmin.d fa3, fa2, fa1
    CHECK_F 93, fa3, D_NZERO
    fmax.d fa3, fa1, fa2
    CHECK_F 94, fa3, D_PZERO
    fmax.d fa3, fa2, fa1
    CHECK_F 95, fa3, D_PZERO
    LD_D fa1, D_QNAN_PAYLOAD
    LD_D fa2, D_ONE
    fmin.d fa3, fa1, fa2                /* one NaN: the other operand */
    CHECK_F 96, fa3, D_ONE
    fmax.d fa3, fa2, fa1
    CHECK_F 97, fa3, D_ONE
    fmax.d fa3, fa1, fa1                /* two NaNs: canonical NaN */
    CHECK_F 98, fa3, D_CANON
    CHECK_FLAGS 99, 0
    LD_D fa1, D_SNAN
    fmin.d fa3, fa1, fa2
    CHECK_F 100, fa3, D_ONE
    CHECK_FLAGS 101, NV
    li a1, 0x80000000                   /* single -0 and +0 */
    fmv.w.x ft1, a1
    fmv.w.x ft2, zero
    fmin.s ft3, ft2, ft1
    CHECK_F 102, ft3, 0xffffffff80000000
    fmax.s ft3, ft1, ft2
    CHECK_F 103, ft3, 0xffffffff00000000

    /* --- compares --- */
    LD_D fa1, D_QNAN_PAYLOAD
    LD_D fa2, D_ONE
    feq.d a3, fa1, fa2                  /* quiet compare: no flag */
    CHECK 104, a3, 0
    CHECK_FLAGS 105, 0
    flt.d a3, fa1, fa2                  /* signalling compare */
    CHECK 106, a3, 0
    CHECK_FLAGS 107, NV
    LD_D fa1, D_SNAN
    feq.d a3, fa1, fa1
    CHECK 108, a3, 0
    CHECK_FLAGS 109, NV
    LD_D fa1, D_NZERO
    LD_D fa2, D_PZERO
    feq.d a3, fa1, fa2                  /* -0 == +0 */
    CHECK 110, a3, 1
    flt.d a3, fa1, fa2
    CHECK 111, a3, 0
    fle.d a3, fa2, fa1
    CHECK 112, a3, 1

    /* --- fused multiply-add rounds once --- */
    LD_D fa1, D_ONE_ULP
    LD_D fa2, D_ONE_MULP
    LD_D fa4, D_ONE
    fmsub.d fa3, fa1, fa2, fa4          /* (1 + e)(1 - e) - 1 = -e^2 */
    CHECK_F 113, fa3, 0xb970000000000000
    fmul.d fa5, fa1, fa2                /* unfused: the product rounds to 1 */
    fsub.d fa3, fa5, fa4
    CHECK_F 114, fa3, D_PZERO
    fnmadd.d fa3, fa1, fa2, fa4         /* -(a*b) - 1 */
    fnmsub.d fa5, fa1, fa2, fa4         /* -(a*b) + 1 */
    CHECK_F 115, fa5, 0x3970000000000000
    LD_D fa1, D_TWO
    fnmadd.d fa3, fa1, fa1, fa4         /* -(2*2) - 1 = -5 */
    CHECK_F 116, fa3, 0xc014000000000000
    fclass.d a3, fa3
    CHECK 117, a3, 0x002                /* negative normal */

    j test_pass

    .data
    .align 3
scratch:
    .dword 0
