/* Floating point: the spectral-norm kernel (power iteration on
 * A^T A with a(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1)): divisions and
 * multiply-adds over vectors; sqrt once at the end. */
#include "common.h"

static double eval_a(long i, long j)
{
    return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

static void mul_av(long n, const double *v, double *out)
{
    for (long i = 0; i < n; i++) {
        double s = 0;
        for (long j = 0; j < n; j++)
            s += eval_a(i, j) * v[j];
        out[i] = s;
    }
}

static void mul_atv(long n, const double *v, double *out)
{
    for (long i = 0; i < n; i++) {
        double s = 0;
        for (long j = 0; j < n; j++)
            s += eval_a(j, i) * v[j];
        out[i] = s;
    }
}

static void mul_atav(long n, const double *v, double *out, double *tmp)
{
    mul_av(n, v, tmp);
    mul_atv(n, tmp, out);
}

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    long n = 700;
    if (scale != 1000) {
        /* Work grows with n^2. */
        double target = 700.0 * 700.0 * (double)scale / 1000.0;
        n = 4;
        while ((double)(n + 4) * (n + 4) <= target)
            n += 4;
    }
    double *u = wl_alloc((size_t)n * sizeof *u);
    double *v = wl_alloc((size_t)n * sizeof *v);
    double *tmp = wl_alloc((size_t)n * sizeof *tmp);
    for (long i = 0; i < n; i++)
        u[i] = 1.0;

    uint64_t t0 = wl_now_ns();
    for (int k = 0; k < 10; k++) {
        mul_atav(n, u, v, tmp);
        mul_atav(n, v, u, tmp);
    }
    double vbv = 0, vv = 0;
    for (long i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    double norm = __builtin_sqrt(vbv / vv);
    uint64_t t1 = wl_now_ns();

    uint64_t h = wl_mix_double(0, norm);
    for (long i = 0; i < n; i++)
        h = wl_mix_double(h, u[i]);
    wl_report("spectral", scale, h, t1 - t0);
    free(u);
    free(v);
    free(tmp);
    return 0;
}
