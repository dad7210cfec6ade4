/* Memory: memcpy and memset of blocks of many sizes and alignments over
 * 4 MiB buffers (the C library's string functions, as a program uses them). */
#include "common.h"

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    size_t n = 4u << 20;
    uint64_t total = wl_scaled(576u << 20, scale, 1u << 16); /* bytes to move */
    if (scale < 1000)
        n = (size_t)wl_scaled(n, scale, 1u << 16);
    uint8_t *a = wl_alloc(n), *b = wl_alloc(n);
    uint64_t seed = 5;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = wl_rand(&seed);
        memcpy(a + i, &v, 8);
    }
    memset(b, 0, n);

    uint64_t t0 = wl_now_ns();
    uint64_t moved = 0, h = 0;
    unsigned round = 0;
    while (moved < total) {
        uint64_t r = wl_rand(&seed);
        /* Block sizes from 16 bytes to 256 KiB, both ends at any alignment. */
        size_t len = (size_t)16 << (r % 15);
        if (len > n / 2)
            len = n / 2;
        size_t src = (size_t)(r >> 8) % (n - len);
        size_t dst = (size_t)(r >> 32) % (n - len);
        if (round % 4 == 3) {
            memset(b + dst, (int)(round & 0xff), len);
        } else {
            memcpy(b + dst, a + src, len);
        }
        if (round % 8 == 7) {
            /* Copy back the other way so both buffers keep changing. */
            memcpy(a + src, b + dst, len / 2);
        }
        moved += len;
        round++;
        h = wl_mix(h, b[dst + len / 2]);
    }
    uint64_t t1 = wl_now_ns();

    for (size_t i = 0; i < n; i += 4096)
        h = wl_mix(h, (uint64_t)a[i] << 8 | b[i]);
    wl_report("memcpy", scale, h, t1 - t0);
    free(a);
    free(b);
    return 0;
}
