/* Integer: table-driven CRC-32 (IEEE, reflected) and a 64-bit
 * multiply-xorshift hash over a pseudo-random buffer, several passes. */
#include "common.h"

static uint32_t table[256];

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint64_t hash64(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h ^= v;
        h *= 0xff51afd7ed558ccdu;
        h ^= h >> 33;
    }
    return h;
}

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    /* Bytes processed in total; the buffer is at most 1 MiB. */
    uint64_t total = wl_scaled(60u << 20, scale, 4096) & ~(uint64_t)7;
    size_t n = total < (1u << 20) ? (size_t)total : (size_t)1 << 20;
    uint64_t passes = total / n;
    uint8_t *buf = wl_alloc(n);
    uint64_t seed = 2;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = wl_rand(&seed);
        memcpy(buf + i, &v, 8);
    }
    make_table();

    uint64_t t0 = wl_now_ns();
    uint32_t crc = 0;
    uint64_t h = 0;
    for (uint64_t p = 0; p < passes; p++) {
        crc = crc32(crc, buf, n);
        h = hash64(h + p, buf, n);
    }
    uint64_t t1 = wl_now_ns();

    wl_report("crc32", scale, ((uint64_t)crc << 32) ^ h, t1 - t0);
    free(buf);
    return 0;
}
