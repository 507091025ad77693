// Calls every instruction-set clone of the sampler kernels directly (x86-64 Linux, clang names the
// clones <function>.arch_x86-64-v4.0, .arch_x86-64-v3.1, .default.2) and checks that they give
// bit-identical normals, direct-network fields (Gauss-net and activation networks) and
// importance-estimator results. Run by scripts/check-kernel-clones.
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
void a_v4(uint64_t, uint64_t, uint64_t, int, int, int, const double *, int, double, double, double, double *) __asm__("frg_activation_direct.arch_x86-64-v4.0");
void a_v3(uint64_t, uint64_t, uint64_t, int, int, int, const double *, int, double, double, double, double *) __asm__("frg_activation_direct.arch_x86-64-v3.1");
void a_d(uint64_t, uint64_t, uint64_t, int, int, int, const double *, int, double, double, double, double *) __asm__("frg_activation_direct.default.2");
typedef uint64_t (*draw_fn)(uint64_t, uint64_t, uint64_t, int, int, const frg_importance_params *, double *, uint64_t *, size_t, double *, double *, double *);
typedef void (*powers_fn)(size_t, int, double, double, const frg_importance_params *, const double *, const double *, const double *, double *, size_t);
typedef void (*products_fn)(size_t, int, int, const double *, const frg_importance_params *, const double *, const double *, const double *, size_t, const int32_t *, const int32_t *, const int32_t *, double *, double *, size_t);
typedef void (*recursion_fn)(size_t, const int32_t *, const int32_t *, const int32_t *, const double *, const double *, double *, size_t, const int32_t *, double *);
uint64_t dr_v4(uint64_t, uint64_t, uint64_t, int, int, const frg_importance_params *, double *, uint64_t *, size_t, double *, double *, double *) __asm__("frg_importance_draw.arch_x86-64-v4.0");
uint64_t dr_v3(uint64_t, uint64_t, uint64_t, int, int, const frg_importance_params *, double *, uint64_t *, size_t, double *, double *, double *) __asm__("frg_importance_draw.arch_x86-64-v3.1");
uint64_t dr_d(uint64_t, uint64_t, uint64_t, int, int, const frg_importance_params *, double *, uint64_t *, size_t, double *, double *, double *) __asm__("frg_importance_draw.default.2");
void pw_v4(size_t, int, double, double, const frg_importance_params *, const double *, const double *, const double *, double *, size_t) __asm__("frg_importance_powers.arch_x86-64-v4.0");
void pw_v3(size_t, int, double, double, const frg_importance_params *, const double *, const double *, const double *, double *, size_t) __asm__("frg_importance_powers.arch_x86-64-v3.1");
void pw_d(size_t, int, double, double, const frg_importance_params *, const double *, const double *, const double *, double *, size_t) __asm__("frg_importance_powers.default.2");
void pr_v4(size_t, int, int, const double *, const frg_importance_params *, const double *, const double *, const double *, size_t, const int32_t *, const int32_t *, const int32_t *, double *, double *, size_t) __asm__("frg_importance_products.arch_x86-64-v4.0");
void pr_v3(size_t, int, int, const double *, const frg_importance_params *, const double *, const double *, const double *, size_t, const int32_t *, const int32_t *, const int32_t *, double *, double *, size_t) __asm__("frg_importance_products.arch_x86-64-v3.1");
void pr_d(size_t, int, int, const double *, const frg_importance_params *, const double *, const double *, const double *, size_t, const int32_t *, const int32_t *, const int32_t *, double *, double *, size_t) __asm__("frg_importance_products.default.2");
void re_v4(size_t, const int32_t *, const int32_t *, const int32_t *, const double *, const double *, double *, size_t, const int32_t *, double *) __asm__("frg_importance_recursion.arch_x86-64-v4.0");
void re_v3(size_t, const int32_t *, const int32_t *, const int32_t *, const double *, const double *, double *, size_t, const int32_t *, double *) __asm__("frg_importance_recursion.arch_x86-64-v3.1");
void re_d(size_t, const int32_t *, const int32_t *, const int32_t *, const double *, const double *, double *, size_t, const int32_t *, double *) __asm__("frg_importance_recursion.default.2");

/// The importance kernels of one clone on a fixed workload: 100 networks of 203 neurons (the
/// paper's six inputs through the power sums, three inputs through the per-multiset products),
/// then a synthetic recursion over 32 blocks; everything written into `out`.
static size_t importance_run(draw_fn dr, powers_fn pw, products_fn pr, recursion_fn re, double *out) {
  frg_importance_params p = {0.3, 1.0, 1.0, {0.25, 0.5, 0.75}, {-1, 1, 3, 5}, {0.25, 0.25, 0.25 / (3 * exp(4.0)), 0.25 / (15 * exp(12.0))}};
  enum { width = 203, capacity = 208 };
  static double normals[7 * width + 6], w0[capacity], beta[capacity], z[capacity], work[(2 * 83 + 3) * 8];
  static uint64_t index[width];
  // Multisets of sizes 1..6 over 3 inputs, lexicographic within each size; parent = drop the last.
  static int32_t parent[83], last[83], size[83];
  int32_t items[84][6]; int sizes[84]; int count = 0;
  for (int n = 1; n <= 6; n++) {
    int c[6] = {0};
    for (;;) {
      for (int j = 0; j < n; j++) items[count][j] = c[j];
      sizes[count] = n; size[count] = n; last[count] = c[n - 1]; parent[count] = -1;
      for (int q = 0; q < count && n > 1; q++) {
        if (sizes[q] != n - 1) continue;
        int same = 1; for (int j = 0; j < n - 1; j++) same &= items[q][j] == c[j];
        if (same) parent[count] = q;
      }
      count++;
      int j = n - 1; while (j >= 0 && c[j] == 2) j--;
      if (j < 0) break;
      c[j]++; for (int k = j + 1; k < n; k++) c[k] = c[j];
    }
  }
  double inputs3[3] = {-0.15, 0.05, 0.2};
  size_t o = 0;
  uint64_t key = frg_stream_key(7);
  for (int net = 0; net < 100; net++) {
    out[o++] = (double)dr(key, (uint64_t)net, 0, width, 1, &p, normals, index, capacity, w0, beta, z);
    pw(capacity, 6, -0.01, 0.004, &p, w0, beta, z, out + o, 1); o += frg_importance_power_columns(6);
    pr(capacity, 3, 1, inputs3, &p, w0, beta, z, 83, parent, last, size, work, out + o, 1); o += 83;
  }
  // Recursion: multisets 0..83 of the 3-input list (0 = empty), each from every earlier one.
  static int32_t start[86], column[84 * 83], rest[84 * 83], outputs[10];
  static double coefficient[84 * 83], kappa[83 * FRG_IMPORTANCE_LANES], tuple[84 * FRG_IMPORTANCE_LANES], sums[10 * FRG_IMPORTANCE_LANES];
  int ops = 0; start[0] = start[1] = 0;
  for (int t = 1; t < 84; t++) {
    for (int r = 0; r < t; r++) { column[ops] = (t * 7 + r) % 83; rest[ops] = r; coefficient[ops] = 1.0 / (1 + (t + r) % 5); ops++; }
    start[t + 1] = ops;
  }
  for (int k = 0; k < 10; k++) outputs[k] = 74 + k;
  for (int k = 0; k < 83 * FRG_IMPORTANCE_LANES; k++) kappa[k] = 0.9 * sin(0.37 * k);
  for (int k = 0; k < 10 * FRG_IMPORTANCE_LANES; k++) sums[k] = 0;
  for (int block = 0; block < 32; block++) {
    kappa[block] += 0.01;
    re(84, start, column, rest, coefficient, kappa, tuple, 10, outputs, sums);
  }
  for (int k = 0; k < 10 * FRG_IMPORTANCE_LANES; k++) out[o++] = sums[k];
  return o;
}
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
  // Activation networks: ReLU, erf, tanh at σ_b = 1 and 0 (ReLU's fused loop, skipped b0 draws),
  // d = 1 (inputs spanning erf's ranges, and 0) and d = 2; width 1037 (three chunks, a partial block).
  const double x1[7] = {-1.7, -0.6, 0, 0.2, 0.9, 2.5, 4.0}, x2[8] = {0.3, -0.2, 1.0, 0.5, -0.4, 0.9, 0, 0};
  int asame = 1;
  for (int act = 0; act < 3; act++) for (int bias = 0; bias < 2; bias++) for (int d = 1; d <= 2; d++) {
    double g1[7], g2[7], g3[7]; int pts = d == 1 ? 7 : 4; const double *x = d == 1 ? x1 : x2;
    for (int net = 0; net < 20; net++) {
      a_v4(key, net, 5, 1037, pts, d, x, act, 1.4, bias, 0.04, g1);
      a_v3(key, net, 5, 1037, pts, d, x, act, 1.4, bias, 0.04, g2);
      a_d(key, net, 5, 1037, pts, d, x, act, 1.4, bias, 0.04, g3);
      if (memcmp(g1, g2, pts * 8) || memcmp(g1, g3, pts * 8)) asame = 0;
    }
  }
  printf("activation direct (relu, erf, tanh; sigma_b 1 and 0; d 1 and 2) identical across clones: %d\n", asame);
  size_t m = 100 * (1 + frg_importance_power_columns(6) + 83) + 10 * FRG_IMPORTANCE_LANES;
  double *i1 = malloc(m * 8), *i2 = malloc(m * 8), *i3 = malloc(m * 8);
  size_t m1 = importance_run(dr_v4, pw_v4, pr_v4, re_v4, i1);
  importance_run(dr_v3, pw_v3, pr_v3, re_v3, i2);
  importance_run(dr_d, pw_d, pr_d, re_d, i3);
  int finite = 1;
  for (size_t k = 0; k < m; k++) finite &= isfinite(i1[k]) && (k < 4 || i1[k] != 0 || i1[k - 1] != 0);
  printf("importance draw, power sums, products and recursion identical across clones (100 networks): %d\n",
         finite && m1 == m && !memcmp(i1, i2, m * 8) && !memcmp(i1, i3, m * 8));
}
