// hello.cc: a C++ program, so the binary needs libstdc++.so.6 and libgcc_s.so.1 besides libc
// (the SE102 missing-library example: distroless/base has glibc but not libstdc++).
#include <iostream>
#include <string>

int main() {
    std::string s = "hello from C++";
    std::cout << s << std::endl;
    return 0;
}
