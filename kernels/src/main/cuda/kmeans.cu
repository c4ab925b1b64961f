// Segmenta CUDA kernels: K-Means assignment, deterministic two-phase update, pairwise distances.
//
// Layout: the data matrix is column-major on the device (x[j * n + i]) so that a warp reading one
// coordinate of 32 consecutive rows makes one coalesced load, and it is centred on the column means
// at upload: ||x||^2 - 2x.c + ||c||^2 then works on small numbers and does not cancel in float32
// when the data sit far from the origin (scikit-learn issue 9354). The distance reported for the
// chosen centroid is recomputed as sum (x - c)^2, which never cancels.
//
// Determinism: no floating-point atomics. Per-partition partial sums (rows ordered by cluster, then
// summed in row order) are written to their own slots and reduced in partition order by a last
// kernel, so a run gives the same bits every time. kmeans_assign_update makes those sums in the
// same kernel as the assignment, where a partition's record fits in shared memory; elsewhere
// kmeans_assign, kmeans_bucket and kmeans_partials make them in three.

#include <cstdint>

#define TK 32   // centroids per register tile
#define TD 16   // dimensions per shared-memory slice

// The nearest centroid to row i by ||c||^2 - 2x.c, centroids staged through shared memory in
// TK x TD tiles. Every thread of the block calls it (it synchronises); dead rows (live false) take part in the
// staging and get a meaningless answer. All rows read the same tile entry at once (a broadcast:
// no bank conflicts, so no padding), and the tile's rows are 16-byte aligned so that one 128-bit
// load feeds four FMAs; a scalar load per FMA would cap the FMA rate at the load rate.
__device__ int nearest(const float* __restrict__ x, int n, int d, int i, bool live,
                       const float* __restrict__ cen, const float* __restrict__ cnorm, int k, float (*sc)[TD]) {
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
  return bestc;
}

// The squared distance of row i to centroid c from differences: it never cancels.
__device__ float sqdist(const float* __restrict__ x, int n, int d, int i, const float* __restrict__ cen, int c) {
  float s = 0.f;
  for (int j = 0; j < d; j++) {
    float diff = x[(size_t)j * n + i] - cen[(size_t)c * d + j];
    s = fmaf(diff, diff, s);
  }
  return s;
}

// One thread per row: the nearest centroid, then the exact squared distance to it. Counts labels
// that changed (an integer atomic: order does not matter).
extern "C" __global__ void kmeans_assign(const float* __restrict__ x, int n, int d,
                                         const float* __restrict__ cen, const float* __restrict__ cnorm, int k,
                                         int* __restrict__ labels, float* __restrict__ dist,
                                         unsigned long long* __restrict__ changed, int base) {
  __shared__ __align__(16) float sc[TK][TD];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const bool live = i < n;
  const int bestc = nearest(x, n, d, i, live, cen, cnorm, k, sc);
  int moved = 0;
  if (live) {
    float s = sqdist(x, n, d, i, cen, bestc);
    moved = labels[base + i] != bestc;
    labels[base + i] = bestc;
    dist[base + i] = s;
  }
  int blockMoved = __syncthreads_count(moved);
  if (threadIdx.x == 0 && blockMoved) atomicAdd(changed, (unsigned long long)blockMoved);
}

// The assignment fused with phase one of the update, where a partition's record (k * (d + 2) + 1
// doubles) fits in shared memory (up to 227 KB a block on sm_90 with the opt-in the host sets).
// One block per update partition walks the partition's rows in tiles of the block size: it assigns
// the tile's rows, orders them by cluster (a stable counting sort in shared memory) and adds them,
// cluster by cluster in row order, into the record it holds in shared memory; the record goes to
// global memory once, at the end, for kmeans_reduce. Each cell sees the same additions in the same
// order as kmeans_bucket + kmeans_partials, so both paths give the same bits.
// Dynamic shared memory: rec[stride] doubles, then lab, ord, scan[blockDim] ints, dl[blockDim]
// floats, off[k + 1] ints.
extern "C" __global__ void kmeans_assign_update(const float* __restrict__ x, int n, int d,
                                                const float* __restrict__ cen, const float* __restrict__ cnorm, int k,
                                                const float* __restrict__ w,
                                                int* __restrict__ labels, float* __restrict__ dist,
                                                unsigned long long* __restrict__ changed, int rowsPerPart,
                                                double* __restrict__ partials, int stride, int base, int partBase) {
  __shared__ __align__(16) float sc[TK][TD];
  extern __shared__ double shm[];
  const int lsz = blockDim.x, lid = threadIdx.x;
  double* rec = shm;
  int* lab = (int*)(rec + stride);
  int* ord = lab + lsz;
  int* scan = ord + lsz;
  float* dl = (float*)(scan + lsz);
  int* off = (int*)(dl + lsz);
  const int p = blockIdx.x;
  const int width = d + 2, cells = k * width;
  const int r0 = p * rowsPerPart, r1 = min(n, r0 + rowsPerPart);
  for (int t = lid; t < stride; t += lsz) rec[t] = 0.0;
  const int m = (k + lsz) / lsz;  // off[0..k] split into runs of m entries, one run per thread
  int moved = 0;
  for (int t0 = r0; t0 < r1; t0 += lsz) {
    const int i = t0 + lid;
    const bool live = i < r1;
    const int c = nearest(x, n, d, i, live, cen, cnorm, k, sc);
    float s = 0.f;
    if (live) {
      s = sqdist(x, n, d, i, cen, c);
      moved += labels[base + i] != c;
      labels[base + i] = c;
      dist[base + i] = s;
    }
    lab[lid] = live ? c : -1;
    dl[lid] = s;
    for (int t = lid; t <= k; t += lsz) off[t] = 0;
    __syncthreads();
    // The row's rank among the tile's earlier rows of its cluster; cluster sizes into off[c + 1].
    int rank = 0;
    if (live) {
      for (int r = 0; r < lid; r++) rank += lab[r] == c;
      atomicAdd(&off[c + 1], 1);  // integer: the order does not matter
    }
    __syncthreads();
    // Inclusive prefix sums of off[0..k]: within each run, then across runs (Hillis-Steele).
    const int a = min(k + 1, lid * m), b = min(k + 1, a + m);
    int run = 0;
    for (int t = a; t < b; t++) {
      run += off[t];
      off[t] = run;
    }
    scan[lid] = run;
    __syncthreads();
    for (int o = 1; o < lsz; o <<= 1) {
      int v = lid >= o ? scan[lid - o] : 0;
      __syncthreads();
      scan[lid] += v;
      __syncthreads();
    }
    const int before = lid > 0 ? scan[lid - 1] : 0;
    for (int t = a; t < b; t++) off[t] += before;
    __syncthreads();
    if (live) ord[off[c] + rank] = lid;  // off[c] is now cluster c's first slot
    __syncthreads();
    // One cell of the record per thread: column j of cluster cc, the tile's rows of cc in row order;
    // the last cell is the inertia, over all the tile's rows in order. Cells are dealt column-major
    // (t = j * k + cc), so neighbouring threads read one column of the tile's rows: nearby addresses,
    // where row-major dealing would have them read d columns n floats apart.
    for (int t = lid; t < stride; t += lsz) {
      const int cc = t < cells ? t % k : 0, j = t < cells ? t / k : 0;
      const int cell = t < cells ? cc * width + j : cells;
      double acc = rec[cell];
      if (t == cells) {
        for (int r = 0; r < lsz && t0 + r < r1; r++) acc += (double)(w ? w[base + t0 + r] : 1.f) * (double)dl[r];
      } else {
        for (int q = off[cc]; q < off[cc + 1]; q++) {
          const int row = t0 + ord[q];
          const double wi = w ? (double)w[base + row] : 1.0;
          acc += j < d ? wi * (double)x[(size_t)j * n + row] : (j == d ? wi : 1.0);
        }
      }
      rec[cell] = acc;
    }
    __syncthreads();
  }
  for (int t = lid; t < stride; t += lsz) partials[(size_t)(partBase + p) * stride + t] = rec[t];
  int blockMoved = __syncthreads_count(moved);
  if (lid == 0 && blockMoved) atomicAdd(changed, (unsigned long long)blockMoved);
}

// Phase one of the update, part one. One thread per partition of rowsPerPart consecutive rows
// orders the partition's rows by cluster (a stable counting sort: rows keep their order within a
// cluster) into order[], with each cluster's start in offsets[p][c], and sums the partition's
// inertia in row order into the last slot of its partial record.
extern "C" __global__ void kmeans_bucket(int n, const float* __restrict__ w, const int* __restrict__ labels,
                                         const float* __restrict__ dist, int k, int rowsPerPart, int parts,
                                         int* __restrict__ offsets, int* __restrict__ order, double* __restrict__ partials,
                                         int stride, int base, int partBase) {
  // Rows are [base, base + n) of the labels, distances, weights and order arrays (a chunk when the
  // data streams through the device); this chunk's partitions are partBase, partBase + 1, ...
  const int p = blockIdx.x * blockDim.x + threadIdx.x;
  if (p >= parts) return;
  const int r0 = p * rowsPerPart;
  const int r1 = min(n, r0 + rowsPerPart);
  int* off = offsets + (size_t)(partBase + p) * (k + 1);
  for (int c = 0; c <= k; c++) off[c] = 0;
  double inertia = 0.0;
  for (int i = r0; i < r1; i++) {
    off[labels[base + i] + 1]++;
    inertia += (double)(w ? w[base + i] : 1.f) * (double)dist[base + i];
  }
  for (int c = 0; c < k; c++) off[c + 1] += off[c];
  for (int i = r0; i < r1; i++) {  // scatter with a moving cursor per cluster, restored below
    int c = labels[base + i];
    order[base + r0 + off[c]] = i;
    off[c]++;
  }
  for (int c = k; c > 0; c--) off[c] = off[c - 1];
  off[0] = 0;
  partials[(size_t)(partBase + p) * stride + stride - 1] = inertia;  // the slot after the k x (d + 2) cells
}

// Phase one, part two. Thread (cell, partition): cell = (cluster c, column j) of the record
// {w x_0 .. w x_{d-1}, w, 1}; it sums the partition's rows of cluster c in row order. Work is
// O(n (d + 2)) in all, and every sum has a fixed order: no atomics.
extern "C" __global__ void kmeans_partials(const float* __restrict__ x, int n, int d, const float* __restrict__ w,
                                           int k, int rowsPerPart, const int* __restrict__ offsets,
                                           const int* __restrict__ order, double* __restrict__ partials, int stride,
                                           int base, int partBase) {
  const int cell = blockIdx.x * blockDim.x + threadIdx.x;
  const int p = blockIdx.y;
  const int width = d + 2;
  if (cell >= k * width) return;
  const int c = cell / width, j = cell % width;
  const int r0 = p * rowsPerPart;
  const int* off = offsets + (size_t)(partBase + p) * (k + 1);
  const int from = r0 + off[c], to = r0 + off[c + 1];
  double s = 0.0;
  for (int t = from; t < to; t++) {
    const int i = order[base + t];
    const double wi = w ? (double)w[base + i] : 1.0;
    s += j < d ? wi * (double)x[(size_t)j * n + i] : (j == d ? wi : 1.0);
  }
  partials[(size_t)(partBase + p) * stride + cell] = s;
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
