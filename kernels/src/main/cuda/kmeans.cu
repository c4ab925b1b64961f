// Segmenta CUDA kernels: K-Means assignment, deterministic two-phase update, pairwise distances.
//
// Layout: the data matrix is column-major on the device (x[j * n + i]) so that a warp reading one
// coordinate of 32 consecutive rows makes one coalesced load, and it is centred on the column means
// at upload: ||x||^2 - 2x.c + ||c||^2 then works on small numbers and does not cancel in float32
// when the data sit far from the origin (scikit-learn issue 9354). The distance reported for the
// chosen centroid is recomputed as sum (x - c)^2, which never cancels.
//
// Determinism: no floating-point atomics. Per-partition partial sums are written to their own slots
// and reduced in partition order by a second kernel, so a run gives the same bits every time.

#include <cstdint>

#define TK 32   // centroids per register tile
#define TD 16   // dimensions per shared-memory slice

// One thread per row. Finds the nearest centroid by ||c||^2 - 2x.c, then the exact squared
// distance to it. Counts labels that changed (an integer atomic: order does not matter).
extern "C" __global__ void kmeans_assign(const float* __restrict__ x, int n, int d,
                                         const float* __restrict__ cen, const float* __restrict__ cnorm, int k,
                                         int* __restrict__ labels, float* __restrict__ dist,
                                         unsigned long long* __restrict__ changed) {
  __shared__ float sc[TK][TD + 1];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const bool live = i < n;
  float best = INFINITY;
  int bestc = 0;
  for (int c0 = 0; c0 < k; c0 += TK) {
    float acc[TK];
#pragma unroll
    for (int c = 0; c < TK; c++) acc[c] = 0.f;
    for (int j0 = 0; j0 < d; j0 += TD) {
      __syncthreads();
      for (int t = threadIdx.x; t < TK * TD; t += blockDim.x) {
        int c = t / TD, j = t % TD;
        sc[c][j] = (c0 + c < k && j0 + j < d) ? cen[(size_t)(c0 + c) * d + j0 + j] : 0.f;
      }
      __syncthreads();
      float xr[TD];
#pragma unroll
      for (int j = 0; j < TD; j++) xr[j] = (live && j0 + j < d) ? x[(size_t)(j0 + j) * n + i] : 0.f;
#pragma unroll
      for (int c = 0; c < TK; c++) {
#pragma unroll
        for (int j = 0; j < TD; j++) acc[c] = fmaf(xr[j], sc[c][j], acc[c]);
      }
    }
    const int tk = min(TK, k - c0);
#pragma unroll
    for (int c = 0; c < TK; c++) {
      if (c < tk) {
        float dd = cnorm[c0 + c] - 2.f * acc[c];
        if (dd < best) {  // strict: ties go to the lowest index
          best = dd;
          bestc = c0 + c;
        }
      }
    }
  }
  int moved = 0;
  if (live) {
    float s = 0.f;
    for (int j = 0; j < d; j++) {
      float diff = x[(size_t)j * n + i] - cen[(size_t)bestc * d + j];
      s = fmaf(diff, diff, s);
    }
    moved = labels[i] != bestc;
    labels[i] = bestc;
    dist[i] = s;
  }
  int blockMoved = __syncthreads_count(moved);
  if (threadIdx.x == 0 && blockMoved) atomicAdd(changed, (unsigned long long)blockMoved);
}

// Phase one of the update. Block (p, q) sums the rows of partition p into cells
// [q * cellsPerBlock, (q + 1) * cellsPerBlock) of the per-cluster record
// {w x_0 .. w x_{d-1}, w, 1} (width d + 2), in float64 shared memory. Each thread owns the cells
// congruent to its index, and rows are taken in order, so no two threads touch one cell and the
// sum's order is fixed. Partition p's inertia goes to slot cells of its partial record.
extern "C" __global__ void kmeans_partials(const float* __restrict__ x, int n, int d,
                                           const float* __restrict__ w, const int* __restrict__ labels,
                                           const float* __restrict__ dist, int k, int rowsPerPart,
                                           int cellsPerBlock, double* __restrict__ partials) {
  extern __shared__ double acc[];
  const int width = d + 2;
  const int cells = k * width;
  const int stride = cells + 1;
  const int base = blockIdx.y * cellsPerBlock;
  const int span = min(cellsPerBlock, cells - base);
  const int B = blockDim.x;
  for (int t = threadIdx.x; t < span; t += B) acc[t] = 0.0;
  __syncthreads();
  const int r0 = blockIdx.x * rowsPerPart;
  const int r1 = min(n, r0 + rowsPerPart);
  double inertia = 0.0;
  const bool keepsInertia = blockIdx.y == 0 && threadIdx.x == 0;
  for (int i = r0; i < r1; i++) {
    const int lo = labels[i] * width - base;  // the row's record, relative to this block's cells
    const int from = max(lo, 0), to = min(lo + width, span);
    const float wi = w ? w[i] : 1.f;
    if (from < to) {
      int first = from + (((int)threadIdx.x - from) % B + B) % B;
      for (int cell = first; cell < to; cell += B) {
        int j = cell - lo;
        double v = j < d ? (double)wi * (double)x[(size_t)j * n + i] : (j == d ? (double)wi : 1.0);
        acc[cell] += v;
      }
    }
    if (keepsInertia) inertia += (double)wi * (double)dist[i];
  }
  __syncthreads();
  double* out = partials + (size_t)blockIdx.x * stride;
  for (int t = threadIdx.x; t < span; t += B) out[base + t] = acc[t];
  if (keepsInertia) out[cells] = inertia;
}

// Phase two: out[t] = sum over partitions p, in order, of partials[p][t], for t in [0, stride).
extern "C" __global__ void kmeans_reduce(const double* __restrict__ partials, int parts, int stride,
                                         double* __restrict__ out) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= stride) return;
  double s = 0.0;
  for (int p = 0; p < parts; p++) s += partials[(size_t)p * stride + t];
  out[t] = s;
}

// Squared distances from rows [from, from + count) to m centres, out[(i - from) * m + c].
// 16 x 16 tiles: each block stages 16 rows and 16 centres, 16 dimensions at a time, in shared
// memory; each thread accumulates x.c and ||x||^2 for one (row, centre) pair.
#define PT 16
extern "C" __global__ void pairwise_sqdist(const float* __restrict__ x, int n, int d, int from, int count,
                                           const float* __restrict__ cen, const float* __restrict__ cnorm, int m,
                                           float* __restrict__ out) {
  __shared__ float xs[PT][PT + 1];
  __shared__ float cs[PT][PT + 1];
  const int r = blockIdx.y * PT + threadIdx.y;   // row within [0, count)
  const int c = blockIdx.x * PT + threadIdx.x;   // centre
  float dot = 0.f, xx = 0.f;
  for (int j0 = 0; j0 < d; j0 += PT) {
    // threadIdx.x walks dimensions for the row tile, threadIdx.y for the centre tile.
    int rr = blockIdx.y * PT + threadIdx.y, jj = j0 + threadIdx.x;
    xs[threadIdx.y][threadIdx.x] = (rr < count && jj < d) ? x[(size_t)jj * n + from + rr] : 0.f;
    int cc = blockIdx.x * PT + threadIdx.y;
    cs[threadIdx.y][threadIdx.x] = (cc < m && jj < d) ? cen[(size_t)cc * d + jj] : 0.f;
    __syncthreads();
#pragma unroll
    for (int j = 0; j < PT; j++) {
      float xv = xs[threadIdx.y][j];
      dot = fmaf(xv, cs[threadIdx.x][j], dot);
      xx = fmaf(xv, xv, xx);
    }
    __syncthreads();
  }
  if (r < count && c < m) out[(size_t)r * m + c] = fmaxf(0.f, xx - 2.f * dot + cnorm[c]);
}
