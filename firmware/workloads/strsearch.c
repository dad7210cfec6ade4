/* Integer: find every occurrence of several patterns in a generated text,
 * with Boyer-Moore-Horspool and with a naive byte-by-byte scan (which must
 * agree). */
#include "common.h"

static const char *const syllables[] = {"ka", "ri", "sc", "ve", "lo", "mu", "te", "on",
                                        "ar", "is", "qu", "ex", "bi", "ne", "do", "zu"};

static const char *const patterns[] = {"kari", "velo", "muteon", "scexbi", "arisqu",
                                       "dozuka", "onka", "zuzuzu", "neve lo", "ri sc"};

static uint64_t horspool(const uint8_t *text, size_t n, const uint8_t *pat, size_t m,
                         uint64_t *possum)
{
    size_t shift[256];
    for (int i = 0; i < 256; i++)
        shift[i] = m;
    for (size_t i = 0; i + 1 < m; i++)
        shift[pat[i]] = m - 1 - i;
    uint64_t count = 0;
    size_t pos = 0;
    while (pos + m <= n) {
        uint8_t last = text[pos + m - 1];
        if (last == pat[m - 1] && memcmp(text + pos, pat, m - 1) == 0) {
            count++;
            *possum += pos;
        }
        pos += shift[last];
    }
    return count;
}

static uint64_t naive(const uint8_t *text, size_t n, const uint8_t *pat, size_t m)
{
    uint64_t count = 0;
    for (size_t pos = 0; pos + m <= n; pos++) {
        size_t k = 0;
        while (k < m && text[pos + k] == pat[k])
            k++;
        count += k == m;
    }
    return count;
}

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    size_t n = (size_t)wl_scaled(5u << 19, scale, 1024);
    uint8_t *text = wl_alloc(n);
    uint64_t seed = 3;
    for (size_t i = 0; i < n;) {
        uint64_t r = wl_rand(&seed);
        /* A word of 1..4 syllables, then a space. */
        int syl = 1 + (int)(r & 3);
        r >>= 2;
        for (int s = 0; s < syl && i < n; s++, r >>= 4) {
            const char *p = syllables[r & 15];
            for (int k = 0; p[k] && i < n; k++)
                text[i++] = (uint8_t)p[k];
        }
        if (i < n)
            text[i++] = ' ';
    }

    uint64_t t0 = wl_now_ns();
    uint64_t h = 0, possum = 0;
    for (int rep = 0; rep < 3; rep++) {
        for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
            const uint8_t *pat = (const uint8_t *)patterns[p];
            size_t m = strlen(patterns[p]);
            uint64_t c = horspool(text, n, pat, m, &possum);
            if (rep == 0 && naive(text, n, pat, m) != c) {
                fprintf(stderr, "strsearch: searches disagree on '%s'\n", patterns[p]);
                return 1;
            }
            h = wl_mix(h, c);
        }
    }
    h = wl_mix(h, possum);
    uint64_t t1 = wl_now_ns();

    wl_report("strsearch", scale, h, t1 - t0);
    free(text);
    return 0;
}
