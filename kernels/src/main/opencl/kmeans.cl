// Segmenta OpenCL kernels: the same algorithms as src/main/cuda/kmeans.cu, in OpenCL C 1.2.
// Layout: column-major data (x[j * n + i]) centred on the column means; see kmeans.cu for why.
// Determinism: no floating-point atomics; partial sums per partition, reduced in order (made by
// kmeans_assign_update where a partition's record fits in local memory, else by three kernels).

#pragma OPENCL EXTENSION cl_khr_fp64 : enable

#define TK 32
#define TD 16

// The nearest centroid to row i by ||c||^2 - 2x.c, centroids staged through local memory in
// TK x TD tiles. Every work-item of the group calls it (it has barriers); dead rows (live
// false) take part in the staging and get a meaningless answer. All rows read the same tile entry at once (a broadcast:
// no bank conflicts, so no padding), and the tile's rows are 16-byte aligned so that one 128-bit
// load feeds four FMAs; a scalar load per FMA would cap the FMA rate at the load rate.
inline int nearest(__global const float* restrict x, int n, int d, int i, bool live,
                   __global const float* restrict cen, __global const float* restrict cnorm, int k,
                   __local float (*sc)[TD], int lid, int lsz) {
  float best = INFINITY;
  int bestc = 0;
  for (int c0 = 0; c0 < k; c0 += TK) {
    float acc[TK];
    for (int c = 0; c < TK; c++) acc[c] = 0.f;
    for (int j0 = 0; j0 < d; j0 += TD) {
      barrier(CLK_LOCAL_MEM_FENCE);
      for (int t = lid; t < TK * TD; t += lsz) {
        int c = t / TD, j = t % TD;
        sc[c][j] = (c0 + c < k && j0 + j < d) ? cen[(size_t)(c0 + c) * d + j0 + j] : 0.f;
      }
      barrier(CLK_LOCAL_MEM_FENCE);
      float xr[TD];
      for (int j = 0; j < TD; j++) xr[j] = (live && j0 + j < d) ? x[(size_t)(j0 + j) * n + i] : 0.f;
      for (int c = 0; c < TK; c++) {
        float a = acc[c];
        for (int j = 0; j < TD; j++) a = fma(xr[j], sc[c][j], a);
        acc[c] = a;
      }
    }
    const int tk = min(TK, k - c0);
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
inline float sqdist(__global const float* restrict x, int n, int d, int i, __global const float* restrict cen, int c) {
  float s = 0.f;
  for (int j = 0; j < d; j++) {
    float diff = x[(size_t)j * n + i] - cen[(size_t)c * d + j];
    s = fma(diff, diff, s);
  }
  return s;
}

__kernel void kmeans_assign(__global const float* restrict x, int n, int d,
                            __global const float* restrict cen, __global const float* restrict cnorm, int k,
                            __global int* restrict labels, __global float* restrict dist,
                            __global uint* restrict changed, int base) {
  __local float sc[TK][TD] __attribute__((aligned(16)));
  __local uint moved;
  const int i = get_global_id(0);
  const int lid = get_local_id(0);
  const bool live = i < n;
  if (lid == 0) moved = 0;
  const int bestc = nearest(x, n, d, i, live, cen, cnorm, k, sc, lid, get_local_size(0));
  if (live) {
    float s = sqdist(x, n, d, i, cen, bestc);
    if (labels[base + i] != bestc) atomic_inc(&moved);
    labels[base + i] = bestc;
    dist[base + i] = s;
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  if (lid == 0 && moved) atomic_add(changed, moved);  // integer: the order does not matter
}

// The assignment fused with phase one of the update, for devices where a partition's record
// (k * (d + 2) + 1 doubles) fits in local memory beside the tiles. One work-group per update
// partition walks the partition's rows in tiles of the group size: it assigns the tile's rows,
// orders them by cluster (a stable counting sort in local memory) and adds them, cluster by
// cluster in row order, into the record it holds in local memory; the record goes to global
// memory once, at the end, for kmeans_reduce. Each cell sees the same additions in the same order
// as kmeans_bucket + kmeans_partials, so both paths give the same bits (a test holds them to it).
__kernel void kmeans_assign_update(__global const float* restrict x, int n, int d,
                                   __global const float* restrict cen, __global const float* restrict cnorm, int k,
                                   __global const float* restrict w, int weighted,
                                   __global int* restrict labels, __global float* restrict dist,
                                   __global uint* restrict changed, int rowsPerPart,
                                   __global double* restrict partials, int stride, int base, int partBase,
                                   __local double* rec, __local int* lab, __local int* ord, __local float* dl,
                                   __local int* scan, __local int* off) {
  __local float sc[TK][TD] __attribute__((aligned(16)));
  __local uint moved;
  const int p = get_group_id(0);
  const int lid = get_local_id(0), lsz = get_local_size(0);
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
      if (labels[base + i] != c) atomic_inc(&moved);
      labels[base + i] = c;
      dist[base + i] = s;
    }
    lab[lid] = live ? c : -1;
    dl[lid] = s;
    for (int t = lid; t <= k; t += lsz) off[t] = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    // The row's rank among the tile's earlier rows of its cluster; cluster sizes into off[c + 1].
    int rank = 0;
    if (live) {
      for (int r = 0; r < lid; r++) rank += lab[r] == c;
      atomic_inc(&off[c + 1]);  // integer: the order does not matter
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    // Inclusive prefix sums of off[0..k]: within each run, then across runs (Hillis-Steele).
    const int a = min(k + 1, lid * m), b = min(k + 1, a + m);
    int run = 0;
    for (int t = a; t < b; t++) {
      run += off[t];
      off[t] = run;
    }
    scan[lid] = run;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int o = 1; o < lsz; o <<= 1) {
      int v = lid >= o ? scan[lid - o] : 0;
      barrier(CLK_LOCAL_MEM_FENCE);
      scan[lid] += v;
      barrier(CLK_LOCAL_MEM_FENCE);
    }
    const int before = lid > 0 ? scan[lid - 1] : 0;
    for (int t = a; t < b; t++) off[t] += before;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (live) ord[off[c] + rank] = lid;  // off[c] is now cluster c's first slot
    barrier(CLK_LOCAL_MEM_FENCE);
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
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  for (int t = lid; t < stride; t += lsz) partials[(size_t)(partBase + p) * stride + t] = rec[t];
  if (lid == 0 && moved) atomic_add(changed, moved);  // integer: the order does not matter
}

// The assignment for CPU devices (PoCL): one work-item per row, direct squared differences, no local
// memory or barriers, which a CPU OpenCL compiler vectorises across work-items. Same results rule:
// the nearest centroid, ties to the lowest index; the distance is exact (no expansion at all).
__kernel void kmeans_assign_flat(__global const float* restrict x, int n, int d,
                                 __global const float* restrict cen, __global const float* restrict cnorm, int k,
                                 __global int* restrict labels, __global float* restrict dist,
                                 __global uint* restrict changed, int base) {
  const int i = get_global_id(0);
  if (i >= n) return;
  float best = INFINITY;
  int bestc = 0;
  for (int c = 0; c < k; c++) {
    float s = 0.f;
    for (int j = 0; j < d; j++) {
      float diff = x[(size_t)j * n + i] - cen[(size_t)c * d + j];
      s = fma(diff, diff, s);
    }
    if (s < best) {
      best = s;
      bestc = c;
    }
  }
  if (labels[base + i] != bestc) atomic_inc(changed);  // integer: the order does not matter
  labels[base + i] = bestc;
  dist[base + i] = best;
}

// See kmeans_bucket in kmeans.cu: one work-item per partition orders its rows by cluster (a stable
// counting sort) and sums the partition's inertia in row order.
__kernel void kmeans_bucket(int n, __global const float* restrict w, int weighted, __global const int* restrict labels,
                            __global const float* restrict dist, int k, int rowsPerPart, int parts,
                            __global int* restrict offsets, __global int* restrict order, __global double* restrict partials,
                            int stride, int base, int partBase) {
  // Rows are [base, base + n) of the labels, distances, weights and order arrays (a chunk when the
  // data streams through the device); this chunk's partitions are partBase, partBase + 1, ...
  const int p = get_global_id(0);
  if (p >= parts) return;
  const int r0 = p * rowsPerPart;
  const int r1 = min(n, r0 + rowsPerPart);
  __global int* off = offsets + (size_t)(partBase + p) * (k + 1);
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

// See kmeans_partials in kmeans.cu: work-item per cell (cluster c, column j of the record
// {w x_0 .. w x_{d-1}, w, 1}), summing the cluster's rows of the partition in row order.
__kernel void kmeans_partials(__global const float* restrict x, int n, int d, __global const float* restrict w,
                              int weighted, int k, int rowsPerPart, __global const int* restrict offsets,
                              __global const int* restrict order, __global double* restrict partials, int stride,
                              int base, int partBase) {
  const int p = get_global_id(1);
  const int cell = get_global_id(0);
  const int width = d + 2;
  if (cell >= k * width) return;
  const int c = cell / width, j = cell % width;
  const int r0 = p * rowsPerPart;
  __global const int* off = offsets + (size_t)(partBase + p) * (k + 1);
  const int from = r0 + off[c], to = r0 + off[c + 1];
  double s = 0.0;
  for (int t = from; t < to; t++) {
    const int i = order[base + t];
    const double wi = weighted ? (double)w[base + i] : 1.0;
    s += j < d ? wi * (double)x[(size_t)j * n + i] : (j == d ? wi : 1.0);
  }
  partials[(size_t)(partBase + p) * stride + cell] = s;
}

__kernel void kmeans_reduce(__global const double* restrict partials, int parts, int stride, __global double* restrict out) {
  const int t = get_global_id(0);
  if (t >= stride) return;
  double s = 0.0;
  for (int p = 0; p < parts; p++) s += partials[(size_t)p * stride + t];
  out[t] = s;
}

#define PT 16
__kernel void pairwise_sqdist(__global const float* restrict x, int n, int d, int from, int count,
                              __global const float* restrict cen, __global const float* restrict cnorm, int m,
                              __global float* restrict out) {
  __local float xs[PT][PT + 1];
  __local float cs[PT][PT + 1];
  const int tx = get_local_id(0), ty = get_local_id(1);
  const int r = get_group_id(1) * PT + ty;
  const int c = get_group_id(0) * PT + tx;
  float dot = 0.f, xx = 0.f;
  for (int j0 = 0; j0 < d; j0 += PT) {
    int jj = j0 + tx;
    xs[ty][tx] = (r < count && jj < d) ? x[(size_t)jj * n + from + r] : 0.f;
    int cc = get_group_id(0) * PT + ty;
    cs[ty][tx] = (cc < m && jj < d) ? cen[(size_t)cc * d + jj] : 0.f;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int j = 0; j < PT; j++) {
      float xv = xs[ty][j];
      dot = fma(xv, cs[tx][j], dot);
      xx = fma(xv, xv, xx);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (r < count && c < m) out[(size_t)r * m + c] = fmax(0.f, xx - 2.f * dot + cnorm[c]);
}
