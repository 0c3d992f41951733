/* A program with a stack buffer and calls that _FORTIFY_SOURCE checks: built once with the
 * project's flags and once without (CMakeLists.txt), for check-hardening.sh to tell apart. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char** argv) {
    char buffer[64];
    ssize_t n = read(0, buffer, (size_t)argc * 8);  /* __read_chk when fortified */
    snprintf(buffer, sizeof buffer, "%s %zd", argv[0], n);  /* __snprintf_chk */
    return puts(buffer) < 0;
}
