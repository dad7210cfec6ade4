/* OS: map anonymous memory, touch every 4 KiB page (one page fault each:
 * transparent huge pages are turned off for the mapping), read it back and
 * unmap; repeated. */
#include "common.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    size_t bytes = 8u << 20;
    uint64_t rounds = wl_scaled(3, scale, 1);
    if (scale < 1000)
        bytes = (size_t)wl_scaled(bytes, scale, 1u << 16) & ~(size_t)4095;
    const size_t page = 4096;

    uint64_t t0 = wl_now_ns();
    uint64_t h = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        uint8_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        /* Not every kernel has THP; failure here is harmless. */
        (void)madvise(p, bytes, MADV_NOHUGEPAGE);
        for (size_t off = 0; off < bytes; off += page) {
            uint64_t v = r * 1000003u + off;
            memcpy(p + off + (off / page % 64) * 8, &v, 8);
        }
        uint64_t sum = 0;
        for (size_t off = 0; off < bytes; off += page) {
            uint64_t v;
            memcpy(&v, p + off + (off / page % 64) * 8, 8);
            sum += v ^ p[off + 4095];
        }
        h = wl_mix(h, sum);
        if (munmap(p, bytes) != 0) {
            perror("munmap");
            return 1;
        }
    }
    uint64_t t1 = wl_now_ns();

    wl_report("mmap", scale, h, t1 - t0);
    return 0;
}
