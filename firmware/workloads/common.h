/*
 * Shared helpers of the guest workload suite (see README.md).
 *
 * Every workload is a program `NAME [SCALE [DIR]]`:
 *   SCALE  size in per mille of the full size (default 1000; the reduced CI
 *          mode passes a tiny value). Checksums depend on it.
 *   DIR    a scratch directory (only the file-writing workload uses it).
 * and prints exactly one line
 *   WORKLOAD name=NAME scale=SCALE checksum=0x%016x ns=ELAPSED
 * where ELAPSED is the CLOCK_MONOTONIC time of the measured part. The
 * checksum must be the same on every machine (x86_64 native, riscv64 guest):
 * the code is deterministic, uses fixed-width unsigned types, and floating
 * point checksums hash the bits of results computed with plain IEEE
 * operations (the build passes -ffp-contract=off; no libm transcendentals).
 */
#ifndef WORKLOAD_COMMON_H
#define WORKLOAD_COMMON_H

#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t wl_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime");
        exit(2);
    }
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* SCALE from argv[1]: per mille of the full size, 1..1000000. */
static inline long wl_scale(int argc, char **argv)
{
    if (argc < 2)
        return 1000;
    char *end;
    long s = strtol(argv[1], &end, 10);
    if (*end != '\0' || s < 1 || s > 1000000) {
        fprintf(stderr, "%s: bad SCALE '%s' (1..1000000, per mille)\n", argv[0], argv[1]);
        exit(2);
    }
    return s;
}

/* `full` scaled by `scale` per mille, at least `min`. */
static inline uint64_t wl_scaled(uint64_t full, long scale, uint64_t min)
{
    uint64_t n = full * (uint64_t)scale / 1000u;
    return n < min ? min : n;
}

static inline void wl_report(const char *name, long scale, uint64_t checksum, uint64_t ns)
{
    printf("WORKLOAD name=%s scale=%ld checksum=0x%016" PRIx64 " ns=%" PRIu64 "\n", name, scale,
           checksum, ns);
    fflush(stdout);
}

/* splitmix64: a small deterministic generator. */
static inline uint64_t wl_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Fold a 64-bit value into a running hash. */
static inline uint64_t wl_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h * 0x100000001b3u;
}

/* Fold the bits of a double into a running hash. */
static inline uint64_t wl_mix_double(uint64_t h, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return wl_mix(h, bits);
}

/* A double in [0, 1) built exactly from 53 random bits. */
static inline double wl_rand_double(uint64_t *state)
{
    return (double)(wl_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

static inline void *wl_alloc(size_t bytes)
{
    void *p = malloc(bytes);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

#endif
