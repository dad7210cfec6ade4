/* OS: two processes pass a token back and forth over a pair of pipes; each
 * round trip is two writes, two reads and two context switches. */
#include "common.h"
#include <sys/wait.h>
#include <unistd.h>

static void xfer(int fd, uint64_t *v, int writing)
{
    ssize_t r = writing ? write(fd, v, sizeof *v) : read(fd, v, sizeof *v);
    if (r != (ssize_t)sizeof *v) {
        perror(writing ? "pipe write" : "pipe read");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    uint64_t n = wl_scaled(1500, scale, 10);
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) {
        perror("pipe");
        return 1;
    }

    uint64_t t0 = wl_now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t v;
            xfer(down[0], &v, 0);
            v = v * 6364136223846793005u + i;
            xfer(up[1], &v, 1);
        }
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    uint64_t v = 1, h = 0;
    for (uint64_t i = 0; i < n; i++) {
        xfer(down[1], &v, 1);
        xfer(up[0], &v, 0);
        v ^= v >> 29;
        h = wl_mix(h, v);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pipe: child failed\n");
        return 1;
    }
    uint64_t t1 = wl_now_ns();

    wl_report("pipe", scale, h, t1 - t0);
    return 0;
}
