/* OS: fork a child that execs this same program (through /proc/self/exe)
 * in its "--child" role, which exits at once with a status the parent
 * checks; process creation, exec of a static binary, exit and wait. */
#include "common.h"
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--child") == 0)
        return atoi(argv[2]) % 251;

    long scale = wl_scale(argc, argv);
    uint64_t n = wl_scaled(30, scale, 2);

    uint64_t t0 = wl_now_ns();
    uint64_t h = 0;
    for (uint64_t i = 0; i < n; i++) {
        char arg[32];
        snprintf(arg, sizeof arg, "%" PRIu64, i * 7919);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            char *const args[] = {argv[0], "--child", arg, NULL};
            execv("/proc/self/exe", args);
            perror("execv /proc/self/exe");
            _exit(255);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
            fprintf(stderr, "forkexec: child %" PRIu64 " failed\n", i);
            return 1;
        }
        int code = WEXITSTATUS(status);
        if (code != (int)((i * 7919) % 251)) {
            fprintf(stderr, "forkexec: child %" PRIu64 " exited %d\n", i, code);
            return 1;
        }
        h = wl_mix(h, (uint64_t)code);
    }
    uint64_t t1 = wl_now_ns();

    wl_report("forkexec", scale, h, t1 - t0);
    return 0;
}
