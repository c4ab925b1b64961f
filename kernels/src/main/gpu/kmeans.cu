// Segmenta kernels: K-Means assignment, deterministic two-phase update, pairwise distances. One text
// for both devices, in the common subset of OpenCL C 1.2 and CUDA C++ (dialect.h): nvcc compiles
// it into kmeans.fatbin, the OpenCL backend builds it at open. "Group" below is an OpenCL work-group
// or a CUDA block, "work-item" a thread, "local memory" CUDA's shared memory.
//
// Layout: the data matrix is column-major on the device (x[j * n + i]) so that neighbouring
// work-items reading one coordinate of consecutive rows make one coalesced load, and it is centred on
// the column means at upload: ||x||^2 - 2x.c + ||c||^2 then works on small numbers and does not
// cancel in float32 when the data sit far from the origin (scikit-learn issue 9354). The distance
// reported for the chosen centroid is recomputed as sum (x - c)^2, which never cancels.
//
// Determinism: no floating-point atomics. Per-partition partial sums (rows ordered by cluster, then
// summed in row order) are written to their own slots and reduced in partition order by a last
// kernel, so a run gives the same bits every time. kmeans_assign_update makes those sums in the
// same kernel as the assignment, where a partition's record fits in local memory; elsewhere
// kmeans_assign (or kmeans_assign_flat), kmeans_bucket and kmeans_partials make them in three.

#include "dialect.h"

#define TK 32   // centroids per register tile
#define TD 16   // dimensions per local-memory slice

// The nearest centroid to row i by ||c||^2 - 2x.c, centroids staged through local memory in
// TK x TD tiles. Every work-item of the group calls it (it has barriers); dead rows (live
// false) take part in the staging and get a meaningless answer. All rows read the same tile entry at once (a broadcast:
// no bank conflicts, so no padding), and the tile's rows are 16-byte aligned so that one 128-bit
// load feeds four FMAs; a scalar load per FMA would cap the FMA rate at the load rate.
DEVICE_FN int nearest(GLOBAL const float* RESTRICT x, int n, int d, int i, bool live,
                      GLOBAL const float* RESTRICT cen, GLOBAL const float* RESTRICT cnorm, int k,
                      LOCAL_PTR float (*sc)[TD], int lid, int lsz) {
  float best = INFINITY;
  int bestc = 0;
  for (int c0 = 0; c0 < k; c0 += TK) {
    float acc[TK];
    UNROLL
    for (int c = 0; c < TK; c++) acc[c] = 0.f;
    for (int j0 = 0; j0 < d; j0 += TD) {
      BARRIER();
      for (int t = lid; t < TK * TD; t += lsz) {
        int c = t / TD, j = t % TD;
        sc[c][j] = (c0 + c < k && j0 + j < d) ? cen[(size_t)(c0 + c) * d + j0 + j] : 0.f;
      }
      BARRIER();
      float xr[TD];
      UNROLL
      for (int j = 0; j < TD; j++) xr[j] = (live && j0 + j < d) ? x[(size_t)(j0 + j) * n + i] : 0.f;
      UNROLL
      for (int c = 0; c < TK; c++) {
        float a = acc[c];
        UNROLL
        for (int j = 0; j < TD; j++) a = FMAF(xr[j], sc[c][j], a);
        acc[c] = a;
      }
    }
    const int tk = min(TK, k - c0);
    UNROLL
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
DEVICE_FN float sqdist(GLOBAL const float* RESTRICT x, int n, int d, int i, GLOBAL const float* RESTRICT cen, int c) {
  float s = 0.f;
  for (int j = 0; j < d; j++) {
    float diff = x[(size_t)j * n + i] - cen[(size_t)c * d + j];
    s = FMAF(diff, diff, s);
  }
  return s;
}

// One work-item per row: the nearest centroid, then the exact squared distance to it. Counts labels
// that changed (integer atomics: the order does not matter).
KERNEL void kmeans_assign(GLOBAL const float* RESTRICT x, int n, int d,
                          GLOBAL const float* RESTRICT cen, GLOBAL const float* RESTRICT cnorm, int k,
                          GLOBAL int* RESTRICT labels, GLOBAL float* RESTRICT dist,
                          GLOBAL uint* RESTRICT changed, int base) {
  LOCAL float sc[TK][TD] __attribute__((aligned(16)));
  LOCAL uint moved;
  const int i = GLOBAL_ID(0);
  const int lid = LOCAL_ID(0);
  const bool live = i < n;
  if (lid == 0) moved = 0;
  const int bestc = nearest(x, n, d, i, live, cen, cnorm, k, sc, lid, LOCAL_SIZE(0));
  if (live) {
    float s = sqdist(x, n, d, i, cen, bestc);
    if (labels[base + i] != bestc) ATOMIC_INC(&moved);
    labels[base + i] = bestc;
    dist[base + i] = s;
  }
  BARRIER();
  if (lid == 0 && moved) ATOMIC_ADD(changed, moved);  // integer: the order does not matter
}

// The assignment fused with phase one of the update, where a partition's record (k * (d + 2) + 1
// doubles) fits in local memory beside the tiles (up to 227 KB a block on sm_90 with the opt-in the
// CUDA host sets, 48 KB on most OpenCL GPUs). One group per update partition walks the partition's
// rows in tiles of the group size: it assigns the tile's rows, orders them by cluster (a stable
// counting sort in local memory) and adds them, cluster by cluster in row order, into the record it
// holds in local memory; the record goes to global memory once, at the end, for kmeans_reduce. Each
// cell sees the same additions in the same order as kmeans_bucket + kmeans_partials, so both paths
// give the same bits (a test holds them to it).
// Dynamic local memory (shm): rec[stride] doubles, then lab, ord, scan[group] ints, dl[group]
// floats, off[k + 1] ints.
KERNEL void kmeans_assign_update(GLOBAL const float* RESTRICT x, int n, int d,
                                 GLOBAL const float* RESTRICT cen, GLOBAL const float* RESTRICT cnorm, int k,
                                 GLOBAL const float* RESTRICT w, int weighted,
                                 GLOBAL int* RESTRICT labels, GLOBAL float* RESTRICT dist,
                                 GLOBAL uint* RESTRICT changed, int rowsPerPart,
                                 GLOBAL double* RESTRICT partials, int stride, int base, int partBase
                                 DYNAMIC_LOCAL_ARG(double, shm)) {
  LOCAL float sc[TK][TD] __attribute__((aligned(16)));
  LOCAL uint moved;
  DYNAMIC_LOCAL(double, shm)
  const int p = GROUP_ID(0);
  const int lid = LOCAL_ID(0), lsz = LOCAL_SIZE(0);
  LOCAL_PTR double* rec = shm;
  LOCAL_PTR int* lab = (LOCAL_PTR int*)(rec + stride);
  LOCAL_PTR int* ord = lab + lsz;
  LOCAL_PTR int* scan = ord + lsz;
  LOCAL_PTR float* dl = (LOCAL_PTR float*)(scan + lsz);
  LOCAL_PTR int* off = (LOCAL_PTR int*)(dl + lsz);
  const int width = d + 2, cells = k * width;
  const int r0 = p * rowsPerPart, r1 = min(n, r0 + rowsPerPart);
  for (int t = lid; t < stride; t += lsz) rec[t] = 0.0;
  if (lid == 0) moved = 0;
  const int m = (k + lsz) / lsz;  // off[0..k] split into runs of m entries, one run per work-item
  for (int t0 = r0; t0 < r1; t0 += lsz) {
    const int i = t0 + lid;
    const bool live = i < r1;
    const int c = nearest(x, n, d, i, live, cen, cnorm, k, sc, lid, lsz);
    float s = 0.f;
    if (live) {
      s = sqdist(x, n, d, i, cen, c);
      if (labels[base + i] != c) ATOMIC_INC(&moved);
      labels[base + i] = c;
      dist[base + i] = s;
    }
    lab[lid] = live ? c : -1;
    dl[lid] = s;
    for (int t = lid; t <= k; t += lsz) off[t] = 0;
    BARRIER();
    // The row's rank among the tile's earlier rows of its cluster; cluster sizes into off[c + 1].
    int rank = 0;
    if (live) {
      for (int r = 0; r < lid; r++) rank += lab[r] == c;
      ATOMIC_INC(&off[c + 1]);  // integer: the order does not matter
    }
    BARRIER();
    // Inclusive prefix sums of off[0..k]: within each run, then across runs (Hillis-Steele).
    const int a = min(k + 1, lid * m), b = min(k + 1, a + m);
    int run = 0;
    for (int t = a; t < b; t++) {
      run += off[t];
      off[t] = run;
    }
    scan[lid] = run;
    BARRIER();
    for (int o = 1; o < lsz; o <<= 1) {
      int v = lid >= o ? scan[lid - o] : 0;
      BARRIER();
      scan[lid] += v;
      BARRIER();
    }
    const int before = lid > 0 ? scan[lid - 1] : 0;
    for (int t = a; t < b; t++) off[t] += before;
    BARRIER();
    if (live) ord[off[c] + rank] = lid;  // off[c] is now cluster c's first slot
    BARRIER();
    // One cell of the record per work-item: column j of cluster cc, the tile's rows of cc in row order;
    // the last cell is the inertia, over all the tile's rows in order. Cells are dealt column-major
    // (t = j * k + cc), so neighbouring work-items read one column of the tile's rows: nearby addresses,
    // where row-major dealing would have them read d columns n floats apart.
    for (int t = lid; t < stride; t += lsz) {
      const int cc = t < cells ? t % k : 0, j = t < cells ? t / k : 0;
      const int cell = t < cells ? cc * width + j : cells;
      double acc = rec[cell];
      if (t == cells) {
        for (int r = 0; r < lsz && t0 + r < r1; r++) acc += (double)(weighted ? w[base + t0 + r] : 1.f) * (double)dl[r];
      } else {
        for (int q = off[cc]; q < off[cc + 1]; q++) {
          const int row = t0 + ord[q];
          const double wi = weighted ? (double)w[base + row] : 1.0;
          acc += j < d ? wi * (double)x[(size_t)j * n + row] : (j == d ? wi : 1.0);
        }
      }
      rec[cell] = acc;
    }
    BARRIER();
  }
  for (int t = lid; t < stride; t += lsz) partials[(size_t)(partBase + p) * stride + t] = rec[t];
  if (lid == 0 && moved) ATOMIC_ADD(changed, moved);  // integer: the order does not matter
}

// The assignment for CPU devices (PoCL): one work-item per row, direct squared differences, no local
// memory or barriers, which a CPU OpenCL compiler vectorises across work-items. Same results rule:
// the nearest centroid, ties to the lowest index; the distance is exact (no expansion at all).
KERNEL void kmeans_assign_flat(GLOBAL const float* RESTRICT x, int n, int d,
                               GLOBAL const float* RESTRICT cen, GLOBAL const float* RESTRICT cnorm, int k,
                               GLOBAL int* RESTRICT labels, GLOBAL float* RESTRICT dist,
                               GLOBAL uint* RESTRICT changed, int base) {
  const int i = GLOBAL_ID(0);
  if (i >= n) return;
  float best = INFINITY;
  int bestc = 0;
  for (int c = 0; c < k; c++) {
    float s = 0.f;
    for (int j = 0; j < d; j++) {
      float diff = x[(size_t)j * n + i] - cen[(size_t)c * d + j];
      s = FMAF(diff, diff, s);
    }
    if (s < best) {
      best = s;
      bestc = c;
    }
  }
  if (labels[base + i] != bestc) ATOMIC_INC(changed);  // integer: the order does not matter
  labels[base + i] = bestc;
  dist[base + i] = best;
}

// Phase one of the update, part one. One work-item per partition of rowsPerPart consecutive rows
// orders the partition's rows by cluster (a stable counting sort: rows keep their order within a
// cluster) into order[], with each cluster's start in offsets[p][c], and sums the partition's
// inertia in row order into the last slot of its partial record.
KERNEL void kmeans_bucket(int n, GLOBAL const float* RESTRICT w, int weighted, GLOBAL const int* RESTRICT labels,
                          GLOBAL const float* RESTRICT dist, int k, int rowsPerPart, int parts,
                          GLOBAL int* RESTRICT offsets, GLOBAL int* RESTRICT order, GLOBAL double* RESTRICT partials,
                          int stride, int base, int partBase) {
  // Rows are [base, base + n) of the labels, distances, weights and order arrays (a chunk when the
  // data streams through the device); this chunk's partitions are partBase, partBase + 1, ...
  const int p = GLOBAL_ID(0);
  if (p >= parts) return;
  const int r0 = p * rowsPerPart;
  const int r1 = min(n, r0 + rowsPerPart);
  GLOBAL int* off = offsets + (size_t)(partBase + p) * (k + 1);
  for (int c = 0; c <= k; c++) off[c] = 0;
  double inertia = 0.0;
  for (int i = r0; i < r1; i++) {
    off[labels[base + i] + 1]++;
    inertia += (double)(weighted ? w[base + i] : 1.f) * (double)dist[base + i];
  }
  for (int c = 0; c < k; c++) off[c + 1] += off[c];
  // Scatter with a moving cursor per cluster; off[c] is restored afterwards.
  for (int i = r0; i < r1; i++) {
    int c = labels[base + i];
    order[base + r0 + off[c]] = i;
    off[c]++;
  }
  for (int c = k; c > 0; c--) off[c] = off[c - 1];
  off[0] = 0;
  partials[(size_t)(partBase + p) * stride + stride - 1] = inertia;  // the slot after the k x width cells
}

// Phase one, part two. Work-item (cell, partition): cell = (cluster c, column j) of the record
// {w x_0 .. w x_{d-1}, w, 1}; it sums the partition's rows of cluster c in row order. Work is
// O(n (d + 2)) in all, and every sum has a fixed order: no atomics.
KERNEL void kmeans_partials(GLOBAL const float* RESTRICT x, int n, int d, GLOBAL const float* RESTRICT w,
                            int weighted, int k, int rowsPerPart, GLOBAL const int* RESTRICT offsets,
                            GLOBAL const int* RESTRICT order, GLOBAL double* RESTRICT partials, int stride,
                            int base, int partBase) {
  const int p = GLOBAL_ID(1);
  const int cell = GLOBAL_ID(0);
  const int width = d + 2;
  if (cell >= k * width) return;
  const int c = cell / width, j = cell % width;
  const int r0 = p * rowsPerPart;
  GLOBAL const int* off = offsets + (size_t)(partBase + p) * (k + 1);
  const int from = r0 + off[c], to = r0 + off[c + 1];
  double s = 0.0;
  for (int t = from; t < to; t++) {
    const int i = order[base + t];
    const double wi = weighted ? (double)w[base + i] : 1.0;
    s += j < d ? wi * (double)x[(size_t)j * n + i] : (j == d ? wi : 1.0);
  }
  partials[(size_t)(partBase + p) * stride + cell] = s;
}

// Phase two: out[t] = sum over partitions p, in order, of partials[p][t], for t in [0, stride).
KERNEL void kmeans_reduce(GLOBAL const double* RESTRICT partials, int parts, int stride, GLOBAL double* RESTRICT out) {
  const int t = GLOBAL_ID(0);
  if (t >= stride) return;
  double s = 0.0;
  for (int p = 0; p < parts; p++) s += partials[(size_t)p * stride + t];
  out[t] = s;
}

// Squared distances from rows [from, from + count) to m centres, out[(i - from) * m + c].
// 16 x 16 tiles: each group stages 16 rows and 16 centres, 16 dimensions at a time, in local
// memory; each work-item accumulates x.c and ||x||^2 for one (row, centre) pair.
#define PT 16
KERNEL void pairwise_sqdist(GLOBAL const float* RESTRICT x, int n, int d, int from, int count,
                            GLOBAL const float* RESTRICT cen, GLOBAL const float* RESTRICT cnorm, int m,
                            GLOBAL float* RESTRICT out) {
  LOCAL float xs[PT][PT + 1];
  LOCAL float cs[PT][PT + 1];
  const int tx = LOCAL_ID(0), ty = LOCAL_ID(1);
  const int r = GROUP_ID(1) * PT + ty;  // row within [0, count)
  const int c = GROUP_ID(0) * PT + tx;  // centre
  float dot = 0.f, xx = 0.f;
  for (int j0 = 0; j0 < d; j0 += PT) {
    // tx walks dimensions for the row tile, ty for the centre tile.
    int jj = j0 + tx;
    xs[ty][tx] = (r < count && jj < d) ? x[(size_t)jj * n + from + r] : 0.f;
    int cc = GROUP_ID(0) * PT + ty;
    cs[ty][tx] = (cc < m && jj < d) ? cen[(size_t)cc * d + jj] : 0.f;
    BARRIER();
    UNROLL
    for (int j = 0; j < PT; j++) {
      float xv = xs[ty][j];
      dot = FMAF(xv, cs[tx][j], dot);
      xx = FMAF(xv, xv, xx);
    }
    BARRIER();
  }
  if (r < count && c < m) out[(size_t)r * m + c] = FMAXF(0.f, xx - 2.f * dot + cnorm[c]);
}
