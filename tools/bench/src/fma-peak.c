/*
 * The machine's peak float32 multiply-add rate on one thread: the ceiling for any conv kernel.
 *   cc -O3 -march=native tools/bench/src/fma-peak.c -o /tmp/fma-peak && /tmp/fma-peak
 * 16 independent chains of vector FMAs (enough to cover the FMA latency on two pipes), the widest
 * vector the compiler targets: AVX-512 (16 lanes), AVX2 + FMA (8), or scalar. A step's
 * multiply-adds (tools/bench/src/step-profile.ts --kernels) divided by this rate is a lower bound
 * on its conv time for any implementation that does the same arithmetic.
 */
#include <stdio.h>
#include <time.h>
#if defined(__AVX512F__)
#include <immintrin.h>
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
static float hsum(vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
static float hsum(vec v) { float t[8]; _mm256_storeu_ps(t, v); return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7]; }
#else
typedef float vec;
#define LANES 1
#define SET1(x) (x)
#define FMA(a, b, c) ((a) * (b) + (c))
static float hsum(vec v) { return v; }
#endif

static double run(long iters) {
  vec a = SET1(0.999999f), b = SET1(1e-7f);
  vec c0 = SET1(0), c1 = SET1(1), c2 = SET1(2), c3 = SET1(3), c4 = SET1(4), c5 = SET1(5), c6 = SET1(6), c7 = SET1(7);
  vec c8 = SET1(8), c9 = SET1(9), c10 = SET1(10), c11 = SET1(11), c12 = SET1(12), c13 = SET1(13), c14 = SET1(14), c15 = SET1(15);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long n = 0; n < iters; n++) {
    c0 = FMA(c0, a, b); c1 = FMA(c1, a, b); c2 = FMA(c2, a, b); c3 = FMA(c3, a, b);
    c4 = FMA(c4, a, b); c5 = FMA(c5, a, b); c6 = FMA(c6, a, b); c7 = FMA(c7, a, b);
    c8 = FMA(c8, a, b); c9 = FMA(c9, a, b); c10 = FMA(c10, a, b); c11 = FMA(c11, a, b);
    c12 = FMA(c12, a, b); c13 = FMA(c13, a, b); c14 = FMA(c14, a, b); c15 = FMA(c15, a, b);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  float sum = hsum(c0) + hsum(c1) + hsum(c2) + hsum(c3) + hsum(c4) + hsum(c5) + hsum(c6) + hsum(c7) +
              hsum(c8) + hsum(c9) + hsum(c10) + hsum(c11) + hsum(c12) + hsum(c13) + hsum(c14) + hsum(c15);
  if (sum == 12345.0f) printf(" "); /* keeps the chains live */
  return (double)iters * 16 * LANES / s / 1e9;
}

int main(void) {
  double best = 0;
  for (int r = 0; r < 5; r++) {
    double g = run(100000000L / LANES * 4);
    if (g > best) best = g;
  }
  printf("float32 FMA peak, 1 thread, %d lanes: %.1f GMAC/s (best of 5)\n", LANES, best);
  return 0;
}
