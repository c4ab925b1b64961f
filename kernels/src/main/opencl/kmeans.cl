// Segmenta OpenCL kernels: the same algorithms as src/main/cuda/kmeans.cu, in OpenCL C 1.2.
// Layout: column-major data (x[j * n + i]) centred on the column means; see kmeans.cu for why.
// Determinism: no floating-point atomics; partial sums per partition, reduced in order.

#pragma OPENCL EXTENSION cl_khr_fp64 : enable

#define TK 32
#define TD 16

__kernel void kmeans_assign(__global const float* restrict x, int n, int d,
                            __global const float* restrict cen, __global const float* restrict cnorm, int k,
                            __global int* restrict labels, __global float* restrict dist,
                            __global uint* restrict changed) {
  __local float sc[TK][TD + 1];
  __local uint moved;
  const int i = get_global_id(0);
  const int lid = get_local_id(0);
  const int lsz = get_local_size(0);
  const bool live = i < n;
  if (lid == 0) moved = 0;
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
  if (live) {
    float s = 0.f;
    for (int j = 0; j < d; j++) {
      float diff = x[(size_t)j * n + i] - cen[(size_t)bestc * d + j];
      s = fma(diff, diff, s);
    }
    if (labels[i] != bestc) atomic_inc(&moved);
    labels[i] = bestc;
    dist[i] = s;
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  if (lid == 0 && moved) atomic_add(changed, moved);  // integer: the order does not matter
}

// See kmeans_partials in kmeans.cu: block (p, q) sums partition p's rows into its cells.
__kernel void kmeans_partials(__global const float* restrict x, int n, int d, __global const float* restrict w,
                              int weighted, __global const int* restrict labels, __global const float* restrict dist,
                              int k, int rowsPerPart, int cellsPerBlock, __global double* restrict partials,
                              __local double* acc) {
  const int width = d + 2;
  const int cells = k * width;
  const int stride = cells + 1;
  const int base = get_group_id(1) * cellsPerBlock;
  const int span = min(cellsPerBlock, cells - base);
  const int B = get_local_size(0);
  const int lid = get_local_id(0);
  for (int t = lid; t < span; t += B) acc[t] = 0.0;
  barrier(CLK_LOCAL_MEM_FENCE);
  const int r0 = get_group_id(0) * rowsPerPart;
  const int r1 = min(n, r0 + rowsPerPart);
  double inertia = 0.0;
  const bool keepsInertia = get_group_id(1) == 0 && lid == 0;
  for (int i = r0; i < r1; i++) {
    const int lo = labels[i] * width - base;
    const int from = max(lo, 0), to = min(lo + width, span);
    const float wi = weighted ? w[i] : 1.f;
    if (from < to) {
      int first = from + ((lid - from) % B + B) % B;
      for (int cell = first; cell < to; cell += B) {
        int j = cell - lo;
        double v = j < d ? (double)wi * (double)x[(size_t)j * n + i] : (j == d ? (double)wi : 1.0);
        acc[cell] += v;
      }
    }
    if (keepsInertia) inertia += (double)wi * (double)dist[i];
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  __global double* out = partials + (size_t)get_group_id(0) * stride;
  for (int t = lid; t < span; t += B) out[base + t] = acc[t];
  if (keepsInertia) out[cells] = inertia;
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
