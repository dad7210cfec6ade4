/* OS: create many small files in DIR (the guest's ext4 disk), write them,
 * syncfs, read them all back, delete them. DIR is argv[2] (default ".").
 * The file contents are deterministic, so the checksum of what is read back
 * is the same everywhere. */
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    const char *base = argc > 2 ? argv[2] : ".";
    uint64_t nfiles = wl_scaled(150, scale, 4);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/wl-files-%ld", base, (long)getpid());
    if (mkdir(dir, 0755) != 0) {
        perror(dir);
        return 1;
    }
    uint8_t buf[4096];
    char path[4200];

    uint64_t t0 = wl_now_ns();
    uint64_t seed = 7;
    for (uint64_t i = 0; i < nfiles; i++) {
        size_t len = 64 + (size_t)(wl_rand(&seed) % 4000);
        for (size_t k = 0; k < len; k++)
            buf[k] = (uint8_t)(i * 31 + k * 7);
        snprintf(path, sizeof path, "%s/f%05" PRIu64 ".dat", dir, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) != 0) {
            perror(path);
            return 1;
        }
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || syncfs(dfd) != 0) {
        perror("syncfs");
        return 1;
    }
    close(dfd);
    uint64_t h = 0, total = 0;
    for (uint64_t i = 0; i < nfiles; i++) {
        snprintf(path, sizeof path, "%s/f%05" PRIu64 ".dat", dir, i);
        int fd = open(path, O_RDONLY);
        ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof buf);
        if (got <= 0 || close(fd) != 0) {
            perror(path);
            return 1;
        }
        total += (uint64_t)got;
        uint64_t s = 0;
        for (ssize_t k = 0; k < got; k++)
            s = s * 131 + buf[k];
        h = wl_mix(h, s);
        if (unlink(path) != 0) {
            perror(path);
            return 1;
        }
    }
    if (rmdir(dir) != 0) {
        perror(dir);
        return 1;
    }
    uint64_t t1 = wl_now_ns();

    wl_report("files", scale, wl_mix(h, total), t1 - t0);
    return 0;
}
