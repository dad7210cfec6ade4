/* Floating point: dense double-precision matrix multiply, C = A * B, in the
 * cache-friendly i-k-j order, repeated with B updated from C. */
#include "common.h"

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    /* Work grows with n^3; scale the matrix order by the cube root. */
    long n = 200;
    long reps = 3;
    if (scale != 1000) {
        double target = 200.0 * 200.0 * 200.0 * (double)scale / 1000.0;
        n = 8;
        while ((double)(n + 8) * (n + 8) * (n + 8) <= target)
            n += 8;
    }
    double *a = wl_alloc((size_t)(n * n) * sizeof *a);
    double *b = wl_alloc((size_t)(n * n) * sizeof *b);
    double *c = wl_alloc((size_t)(n * n) * sizeof *c);
    uint64_t seed = 6;
    for (long i = 0; i < n * n; i++) {
        a[i] = wl_rand_double(&seed) - 0.5;
        b[i] = wl_rand_double(&seed) - 0.5;
    }

    uint64_t t0 = wl_now_ns();
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n * n; i++)
            c[i] = 0;
        for (long i = 0; i < n; i++) {
            for (long k = 0; k < n; k++) {
                double aik = a[i * n + k];
                for (long j = 0; j < n; j++)
                    c[i * n + j] += aik * b[k * n + j];
            }
        }
        /* Keep values bounded: B = C / n. */
        for (long i = 0; i < n * n; i++)
            b[i] = c[i] / (double)n;
    }
    uint64_t t1 = wl_now_ns();

    uint64_t h = 0;
    for (long i = 0; i < n * n; i++)
        h = wl_mix_double(h, c[i]);
    wl_report("matmul", scale, h, t1 - t0);
    free(a);
    free(b);
    free(c);
    return 0;
}
