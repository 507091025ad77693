// Calls every instruction-set clone of the sampler kernels directly (x86-64 Linux, clang names the
// clones <function>.arch_x86-64-v4.0, .arch_x86-64-v3.1, .default.2) and checks that they give
// bit-identical normals and direct-network fields. Run by scripts/check-kernel-clones.
#include "gaussnet_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
void n_v4(uint64_t, uint64_t, uint64_t, size_t, double *) __asm__("frg_normals.arch_x86-64-v4.0");
void n_v3(uint64_t, uint64_t, uint64_t, size_t, double *) __asm__("frg_normals.arch_x86-64-v3.1");
void n_d(uint64_t, uint64_t, uint64_t, size_t, double *) __asm__("frg_normals.default.2");
void d_v4(uint64_t, uint64_t, uint64_t, int, int, double, double, double, double, double, double, double *, double *) __asm__("frg_gaussnet_direct.arch_x86-64-v4.0");
void d_v3(uint64_t, uint64_t, uint64_t, int, int, double, double, double, double, double, double, double *, double *) __asm__("frg_gaussnet_direct.arch_x86-64-v3.1");
void d_d(uint64_t, uint64_t, uint64_t, int, int, double, double, double, double, double, double, double *, double *) __asm__("frg_gaussnet_direct.default.2");
int main(void){
  uint64_t key = frg_stream_key(99); size_t n = 200000;
  double *a = malloc(n*8), *b = malloc(n*8), *c = malloc(n*8);
  n_v4(key, 3, 17, n, a); n_v3(key, 3, 17, n, b); n_d(key, 3, 17, n, c);
  printf("normals v4==v3: %d  v4==default: %d\n", !memcmp(a,b,n*8), !memcmp(a,c,n*8));
  double *s = malloc(frg_direct_scratch_count(1000)*8); double f1[6], f2[6], f3[6]; int same = 1;
  for (int net = 0; net < 200; net++) {
    d_v4(key, net, 0, 1000, 6, -0.01, 0.004, 1.3, 0.9, 0.03, 0.81, s, f1);
    d_v3(key, net, 0, 1000, 6, -0.01, 0.004, 1.3, 0.9, 0.03, 0.81, s, f2);
    d_d(key, net, 0, 1000, 6, -0.01, 0.004, 1.3, 0.9, 0.03, 0.81, s, f3);
    if (memcmp(f1,f2,48) || memcmp(f1,f3,48)) same = 0;
  }
  printf("direct identical across clones (200 networks): %d\n", same);
}
