// The sampler's hot loops in C: the counter-based random streams, a vectorizable ziggurat for
// standard normals, and the direct Gauss-net network on equally spaced 1-d inputs.
//
// Why C: the loops want AVX2/AVX-512 where the machine has it, and only C can ship one binary
// that picks the instruction set at run time (`target_clones`, dispatched when the program
// loads). Every clone does the same IEEE operations in the same order (no implicit FMA
// contraction — fused operations are explicit `fma` calls, exactly rounded everywhere — no
// reassociation, fixed 8-lane accumulators), so the results are bit-identical for any number of
// threads and on every machine (up to libm's `log`, used only in the tail branch of the ziggurat,
// one draw in 10⁴); only the speed differs.
//
// Random streams. Draw `i` (0-based) of stream `s` under key `k` is the 64-bit word
//
//     word(k, s, i) = mix64(k + γ · (s · 2³² + i + 1)),   γ = 0xA0761D6478BD642F (odd),
//
// where mix64 is the SplitMix64 finalizer (Steele, Lea, Flood, OOPSLA 2014; Java's
// SplittableRandom): counters map to distinct states while each stream uses fewer than 2³²
// draws. Every draw (uniform or normal) consumes exactly one index, so any draw can be computed
// on its own, in any order, in SIMD lanes.
//
// Normals: 512-layer ziggurat (Marsaglia–Tsang layout; Doornik's ZIGNOR wedge test, which keeps
// the layer bits and the abscissa bits apart). The word gives the layer (low 9 bits) and the
// signed abscissa u ∈ [−1, 1) (top 52 bits); one table read gives the layer's edge and a
// threshold packed together, and 99.2 % of draws are accepted there. The rest (the wedges and the
// tail beyond r = 3.852…) continue with a private SplitMix64 sequence whose start is a hash of
// (k, s, i), so a draw stays a function of (k, s, i) alone.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma clang fp contract(off)

#define FRG_GAMMA 0xA0761D6478BD642FULL

/// SplitMix64's output function (variant 13 of Stafford's mixers).
static inline uint64_t frg_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// The key of generator `seed`.
static inline uint64_t frg_stream_key(uint64_t seed) { return frg_mix64(seed + 0x5851F42D4C957F2DULL); }

/// The counter of draw `index` of stream `stream`: `stream · 2³² + index + 1`.
static inline uint64_t frg_counter(uint64_t stream, uint64_t index) { return (stream << 32) + index + 1; }

/// Draw `index` of stream `stream` as 64 random bits.
static inline uint64_t frg_word(uint64_t key, uint64_t stream, uint64_t index) {
    return frg_mix64(key + FRG_GAMMA * frg_counter(stream, index));
}

/// 64 random bits as a uniform double on the open interval (0, 1), 53-bit resolution.
static inline double frg_unit_interval(uint64_t bits) { return ((double)(bits >> 11) + 0.5) * 0x1p-53; }

/// Draw `index` as a uniform double on the open interval (0, 1).
static inline double frg_uniform(uint64_t key, uint64_t stream, uint64_t index) {
    return frg_unit_interval(frg_word(key, stream, index));
}

/// Number of ziggurat layers.
#define FRG_ZIGGURAT_LAYERS 512

/// The ziggurat table, entries l = 0…512: the layer edge x[l] (x[0] = v/f(r), x[1] = r,
/// x[512] = 0) and the layer's fast-test threshold t[l] ≤ x[l+1]/x[l], packed in one word
/// (`frg_ziggurat_edge`, `frg_ziggurat_threshold`; see scripts/generate-ziggurat-table).
extern const uint64_t *const frg_ziggurat_table;

/// The edge x[l] of a table entry: the entry with its low 8 bits cleared, read as a double.
static inline double frg_ziggurat_edge(uint64_t entry) {
    uint64_t b = entry & ~(uint64_t)0xFF;
    double x;
    __builtin_memcpy(&x, &b, sizeof x);
    return x;
}

/// The fast-test threshold of a table entry: the low 8 bits c = 16E + M give
/// t = 1 − 2^−E (1 + M/16), built directly in the exponent and mantissa fields (exact).
static inline double frg_ziggurat_threshold(uint64_t entry) {
    uint64_t c = entry & 0xFF;
    uint64_t b = ((1023 - (c >> 4)) << 52) | ((c & 15) << 48);
    double d;
    __builtin_memcpy(&d, &b, sizeof d);
    return 1.0 - d;
}

/// The ziggurat's slow path for a draw whose word gave (`u`, `layer`) outside the fast region;
/// `counter` is the draw's counter (`frg_counter`).
double frg_normal_slow(uint64_t key, uint64_t counter, double u, unsigned layer);

/// Signed abscissa u ∈ [−1, 1) from the top 52 bits: exactly 2·(1.m) − 3.
static inline double frg_abscissa(uint64_t bits) {
    uint64_t m = (bits >> 12) | 0x3FF0000000000000ULL;
    double d;
    __builtin_memcpy(&d, &m, sizeof d);
    return 2.0 * d - 3.0;
}

/// Draw `index` of stream `stream` as a standard normal (scalar form of `frg_normals`).
static inline double frg_normal(uint64_t key, uint64_t stream, uint64_t index) {
    uint64_t bits = frg_word(key, stream, index);
    unsigned layer = (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1));
    double u = frg_abscissa(bits);
    uint64_t entry = frg_ziggurat_table[layer];
    double a = u < 0 ? -u : u;
    if (a < frg_ziggurat_threshold(entry)) return u * frg_ziggurat_edge(entry);
    return frg_normal_slow(key, frg_counter(stream, index), u, layer);
}

/// Draws `first ..< first + count` of stream `stream` as standard normals, into `out`
/// (bit-identical to calling `frg_normal` for each index). `count` ≤ 2³² − `first`.
void frg_normals(uint64_t key, uint64_t stream, uint64_t first, size_t count, double *out);

/// One network of the direct Gauss-net estimator on equally spaced inputs x_p = x0 + p·h,
/// p = 0 … points − 1, with `width` = N neurons. Draws 3N normals from stream `stream` starting
/// at index `first` — W0_i at first + i, b0_i at first + N + i, W1_i at first + 2N + i — and writes
///
///     field[p] = Σ_i W1_i exp(W0_i x_p + b0_i − shift)
///              = Σ_i c_i r_i^p,   c_i = W1_i exp(W0_i x0 + b0_i − shift),   r_i = exp(W0_i h)
///
/// with W0 = weight_scale·z, b0 = bias_scale·z, W1 = readout_scale·z. The exponentials use
/// the kernels' exp (see `frg_exp_array`); neurons are summed in 8 lanes (lane = i mod 8) folded
/// pairwise at the end. `scratch` holds at least `frg_direct_scratch_count(width)` doubles.
void frg_gaussnet_direct(uint64_t key, uint64_t stream, uint64_t first, int width, int points,
                         double x0, double h, double weight_scale, double bias_scale,
                         double readout_scale, double shift, double *scratch, double *field);

/// Doubles of scratch space `frg_gaussnet_direct` needs at `width` (including the per-point
/// lane accumulators for up to 64 points).
static inline size_t frg_direct_scratch_count(int width) {
    return 3 * (((size_t)width + 7) & ~(size_t)7) + 8 * 64;
}

/// Maximum number of points `frg_gaussnet_direct` accepts.
#define FRG_DIRECT_MAX_POINTS 64

/// `y[i] = exp(x[i])` for i < count, vectorized, by the kernels' exp: x ∈ [−708, 709] (no range
/// check), Tang's table method — 2^{j/64} from a 64-entry table and a degree-5 polynomial on
/// |r| ≤ ln2/128 — with fused multiply–adds (C's `fma`: exactly rounded on every machine, so results
/// do not depend on the instruction set); relative error ≤ 5e-16. The sampler benchmark reports
/// its rate as the machine's exp ceiling.
void frg_exp_array(const double *x, double *y, size_t count);

// ---- Activation networks: ReLU-net, Erf-net, tanh-net (Sources/GaussNet/ActivationNetArchitecture.swift) ----

/// The activations of `frg_activation_direct`.
typedef enum { FRG_ACTIVATION_RELU = 0, FRG_ACTIVATION_ERF = 1, FRG_ACTIVATION_TANH = 2 } frg_activation;

/// The kernels' erf: branch free (every lane computes both ranges and selects; no table gathers
/// but the exp's), from polynomials printed by `scripts/generate-erf-coefficients` — x·P(x²) for
/// |x| < 1, sign(x)(1 − e^{−x²} Q(|x| − 1.5)) for 1 ≤ |x| < 5.9216 (one degree-22 Q fitted to
/// erfc(x) e^{x²} with weight e^{−x²}; x² split exactly into hi + lo, the kernels' exp), sign(x)
/// beyond, where erfc < 2⁻⁵⁴. Accuracy against glibc's erf over the whole double range:
/// `ActivationKernelTests.testErfAgainstLibm` (a few ulp; the test states the bound).
double frg_erf(double x);

/// The kernels' tanh: x·T(x²) for |x| < 1 (Chebyshev interpolant), else
/// sign(x)(1 − 2/(e^{2|x|} + 1)) with the kernels' exp (|x| clamped at 20, where tanh rounds to 1).
double frg_tanh(double x);

/// `y[i] = activation(x[i])` for i < count, vectorized (the same values as the scalar functions;
/// ReLU is max(x, 0)).
void frg_activation_array(int activation, const double *x, double *y, size_t count);

/// `Σ_panels Σ_k w_k Π_a σ(α_a + β_a t_k) e^{−t_k²/2}` over the panels [cuts[j], cuts[j+1]] (sorted,
/// `cut_count` cuts), each with the 16-point Gauss–Legendre rule `nodes`, `weights` on [−1, 1]: the
/// line integral of `NeuronMoments.smoothLine` (without its 1/√(2π)), in C because it is the inner
/// loop of the exact moments (`n` ≤ 64 factors; σ by the kernels' erf and tanh, libm's exp).
double frg_smooth_line(int activation, int n, const double *alpha, const double *beta, int cut_count,
                       const double *cuts, const double *nodes, const double *weights);

/// Largest point count `frg_activation_direct` accepts.
#define FRG_ACTIVATION_MAX_POINTS 64

/// One network of the direct estimator of an activation network f(x) = Σ_i W1_i σ(W0_i·x + b0_i)
/// on any `points` inputs of `dim` components (`inputs[p·dim + j]`), `width` = N neurons. Draws
/// (dim + 2)·N normals from stream `stream` starting at `first` — W0_i component j at
/// first + i·dim + j, b0_i at first + dim·N + i, W1_i at first + (dim + 1)·N + i — and writes
///
///     field[p] = Σ_i W1_i σ(z_ip),   z_ip = b0_i + Σ_j W0_ij x_pj   (fma in order j = 0, 1, …)
///
/// with W0 = weight_scale·z, b0 = bias_scale·z, W1 = readout_scale·z (bias_scale = 0: the b0
/// normals are not drawn, b0 = 0; the same bits as drawing them). Neurons are drawn in chunks
/// of up to 512 (the values do not depend on it) and summed in 8 lanes (lane = i mod 8) folded pairwise.
void frg_activation_direct(uint64_t key, uint64_t stream, uint64_t first, int width, int points, int dim,
                           const double *inputs, int activation, double weight_scale, double bias_scale,
                           double readout_scale, double *field);

// ---- The importance estimator (Estimator.importance, Sources/GaussNet/ImportanceEstimator.swift) ----
//
// Per neuron the proposal draws a mixture component c ∈ {0, 1, 2, 3} (order k = 2c) with
// probability π_k, b0 = kσ_b² + σ_b ε and W1 = √s z with z ~ N(0, 1) (k = 0) or |z|² ~ χ²_{k+1}
// (k > 0, the sign of its first normal); its weight is w = 1 / Σ_k π_k A^k / E[A^k] with the
// amplitude A = √s u, u = z e^{b0 − σ_b²}.

/// Constants of the proposal and its weights.
typedef struct {
    /// √s = σ_W/√N, the read-out scale.
    double readout_scale;
    /// σ_W/√d, the standard deviation of each component of W0.
    double weight_scale;
    /// σ_b.
    double bias_scale;
    /// Cumulative mixture weights π_0, π_0 + π_2, π_0 + π_2 + π_4: the component is the number of
    /// thresholds at or below the uniform draw.
    double threshold[3];
    /// Mean of b0 − σ_b² in component c: (2c − 1) σ_b².
    double centre[4];
    /// Coefficients of u^{2c} in 1/w: π_{2c} / ((2c − 1)!! e^{(2c² − 2c) σ_b²}), i.e. π_0, π_2,
    /// π_4 / (3 e^{4σ_b²}), π_6 / (15 e^{12σ_b²}).
    double weight[4];
} frg_importance_params;

/// The weight of a neuron with u = z e^{b0 − σ_b²}: w = 1 / (π_0 + π_2 u² + π_4 u⁴/(3e^{4σ_b²}) + π_6 u⁶/(15e^{12σ_b²})),
/// as a polynomial in u² by Horner's rule.
static inline double frg_importance_weight(const frg_importance_params *p, double u) {
    double v = u * u;
    return 1.0 / (p->weight[0] + v * (p->weight[1] + v * (p->weight[2] + v * p->weight[3])));
}

/// The k-th cumulant of a Bernoulli(w) variable, k = 1 … 6: c_1 = w, c_2 = w − w², …,
/// c_6 = w − 31w² + 180w³ − 390w⁴ + 360w⁵ − 120w⁶ (Horner's rule in w; c_k(1) = 0 for k ≥ 2).
double frg_bernoulli_cumulant(int k, double w);

/// Draws the neurons of one network under the importance proposal from stream `stream`, starting
/// at draw `first`, in this order: the `dim · width` normals of W0 (neuron i's component j at
/// `first + i·dim + j`), the `width` normals ε of b0, the `width` uniforms that pick the components,
/// then for each neuron in turn its k_i + 1 normals for z. Writes, for neuron i < `capacity`
/// (neurons from `width` on are padding with W0 = 0, b0 − σ_b² = 0, z = 0, which contribute
/// nothing): `w0[j·capacity + i]` (scaled), `beta[i] = b0_i − σ_b²` and `z[i]`.
/// `normals` holds at least `max(dim · width, 7 · width + 6)` doubles, `index` `width` words.
/// Returns the number of draws consumed.
uint64_t frg_importance_draw(uint64_t key, uint64_t stream, uint64_t first, int width, int dim,
                             const frg_importance_params *params, double *normals, uint64_t *index, size_t capacity,
                             double *w0, double *beta, double *z);

/// Number of power-sum columns of `frg_importance_powers` for `points` inputs: Σ_{k=1..6} (k(P−1) + 1).
static inline size_t frg_importance_power_columns(int points) { return 21 * (size_t)(points - 1) + 6; }

/// Power sums of one network on equally spaced inputs x_p = x0 + p·h (d = 1): with
/// E_i = √s z_i e^{W0_i x0 + beta_i}, r_i = e^{W0_i h} and the weight w_i, writes
///
///     K_k(m) = Σ_i c_k(w_i) E_i^k r_i^m,   k = 1 … 6, m = 0 … k(P − 1),
///
/// to `kappa[(offset_k + m) · stride]` with offset_1 = 0, offset_{k+1} = offset_k + k(P − 1) + 1.
/// Three exponentials per neuron; neurons in 8 lanes (lane = i mod 8), folded pairwise at the end.
/// `capacity` (a multiple of 8) neurons are read; 2 ≤ `points` ≤ 12.
void frg_importance_powers(size_t capacity, int points, double x0, double h, const frg_importance_params *params,
                           const double *w0, const double *beta, const double *z, double *kappa, size_t stride);

/// Block sums of one network on general inputs (`points` inputs of `dim` components, flattened
/// `inputs[p·dim + j]`): with φ̃_i(x_p) = √s z_i e^{W0_i·x_p + beta_i}, writes for every multiset B
/// of input indices of size 1 … 6 (`blocks` of them, in the caller's order)
///
///     κ̃_B = Σ_i c_{|B|}(w_i) Π_{j ∈ B} φ̃_i(x_j)
///
/// to `kappa[B · stride]`. Multiset B is `parent[B]` (a multiset earlier in the order, −1 for size
/// one) with the input `last[B]` added, and has size `size[B]`. `work` holds `(2·blocks + points) · 8`
/// doubles. `capacity` (a multiple of 8) neurons are read.
void frg_importance_products(size_t capacity, int points, int dim, const double *inputs,
                             const frg_importance_params *params, const double *w0, const double *beta,
                             const double *z, size_t blocks, const int32_t *parent, const int32_t *last,
                             const int32_t *size, double *work, double *kappa, size_t stride);

/// Networks the recursion handles at once (its lanes).
#define FRG_IMPORTANCE_LANES 16

/// The multiset recursion on FRG_IMPORTANCE_LANES = 16 networks at once (lanes:
/// `kappa[16·column + lane]`, `tuple[16·multiset + lane]`): tuple[0] = 1 and, for multiset
/// t = 1 … `multisets` − 1,
///
///     tuple[t] = Σ_{o = start[t]}^{start[t+1] − 1} (kappa[column[o]] · tuple[rest[o]]) · coefficient[o]
///
/// (each `rest[o]` < t), summed in this order; then `sums[16·o + lane] += tuple[output[o]]` for
/// o < `outputs`.
void frg_importance_recursion(size_t multisets, const int32_t *start, const int32_t *column, const int32_t *rest,
                              const double *coefficient, const double *kappa, double *tuple, size_t outputs,
                              const int32_t *output, double *sums);

#ifdef __cplusplus
}
#endif
