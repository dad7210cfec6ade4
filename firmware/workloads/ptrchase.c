/* Memory: follow a random single-cycle permutation (Sattolo's algorithm)
 * through a table larger than the caches and the TLB reach, so nearly every
 * step is a dependent cache and TLB miss. */
#include "common.h"

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    /* 2^21 entries of 4 bytes: 8 MiB. */
    uint32_t n = 1u << 21;
    uint64_t steps = wl_scaled(800000, scale, 100);
    if (scale < 1000)
        n = (uint32_t)wl_scaled(n, scale, 1024);
    uint32_t *next = wl_alloc((size_t)n * sizeof *next);
    for (uint32_t i = 0; i < n; i++)
        next[i] = i;
    uint64_t seed = 4;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(wl_rand(&seed) % i); /* j < i: one cycle */
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }

    uint64_t t0 = wl_now_ns();
    uint32_t p = 0;
    uint64_t sum = 0;
    for (uint64_t s = 0; s < steps; s++) {
        p = next[p];
        sum += p;
    }
    uint64_t t1 = wl_now_ns();

    wl_report("ptrchase", scale, wl_mix(sum, p), t1 - t0);
    free(next);
    return 0;
}
