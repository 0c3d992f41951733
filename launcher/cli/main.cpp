#include <cstdio>

int main() {
    std::puts("skiff " SKIFF_VERSION);
    return 0;
}
