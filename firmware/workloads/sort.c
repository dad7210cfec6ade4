/* Integer: sort pseudo-random 32-bit keys with an introsort-style quicksort
 * (median of three, insertion sort below 16 elements), several rounds. */
#include "common.h"

static void insertion_sort(uint32_t *a, long n)
{
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long n)
{
    while (n > 16) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller part, loop on the larger. */
        long left = j + 1;
        if (left < n - left) {
            quicksort(a, left);
            a += left;
            n -= left;
        } else {
            quicksort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    long n = (long)wl_scaled(600000, scale, 64);
    long rounds = 5;
    uint32_t *a = wl_alloc((size_t)n * sizeof *a);
    uint64_t seed = 1, h = 0;

    uint64_t t0 = wl_now_ns();
    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < n; i++)
            a[i] = (uint32_t)wl_rand(&seed);
        quicksort(a, n);
        for (long i = 1; i < n; i++) {
            if (a[i - 1] > a[i]) {
                fprintf(stderr, "sort: not sorted at %ld\n", i);
                return 1;
            }
        }
        for (long i = 0; i < n; i += 97)
            h = wl_mix(h, a[i]);
        h = wl_mix(h, a[n - 1]);
    }
    uint64_t t1 = wl_now_ns();

    wl_report("sort", scale, h, t1 - t0);
    free(a);
    return 0;
}
