// Segmenta kernels for Gaussian mixtures: the E-step and the M-step's moments. One text for both
// devices, in the common subset of OpenCL C 1.2 and CUDA C++ (dialect.h), like kmeans.cu. Data is
// column-major, centred on the column means (kmeans.cu). Densities are float32; each row's
// log-likelihood and every moment accumulate in float64, and partition records are reduced in order
// by kmeans_reduce (kmeans.cu): no atomics, deterministic results.

#include "dialect.h"

#define GMM_XCACHE 32

// log p(x_row, c) = lnorm[c] - 0.5 ||(x - mu_c) P_c||^2, P_c upper triangular (full) or diagonal.
DEVICE_FN float gmm_logdens(GLOBAL const float* RESTRICT x, size_t n, int row, int d, const float* xr,
                            GLOBAL const float* RESTRICT mu, GLOBAL const float* RESTRICT pc,
                            GLOBAL const float* RESTRICT lnorm, int c, int full) {
  float ss = 0.f;
  if (full) {
    GLOBAL const float* p = pc + (size_t)c * d * d;
    for (int j = 0; j < d; j++) {
      float y = 0.f;
      for (int i = 0; i <= j; i++) {
        float xi = i < GMM_XCACHE ? xr[i] : x[(size_t)i * n + row];
        y = FMAF(xi - mu[c * d + i], p[i * d + j], y);
      }
      ss = FMAF(y, y, ss);
    }
  } else {
    for (int j = 0; j < d; j++) {
      float xj = j < GMM_XCACHE ? xr[j] : x[(size_t)j * n + row];
      float y = (xj - mu[c * d + j]) * pc[c * d + j];
      ss = FMAF(y, y, ss);
    }
  }
  return lnorm[c] - 0.5f * ss;
}

// One work-item per row of rows [start, start + rows) of x (column stride n). Writes the weighted
// responsibilities resp[c * rows + i] and the row's weighted log-likelihood rowll[i].
KERNEL void gmm_resp(GLOBAL const float* RESTRICT x, int n, int start, int rows, int d,
                     GLOBAL const float* RESTRICT w, int weighted, int wbase,
                     GLOBAL const float* RESTRICT mu, GLOBAL const float* RESTRICT pc,
                     GLOBAL const float* RESTRICT lnorm, int k, int full,
                     GLOBAL float* RESTRICT resp, GLOBAL double* RESTRICT rowll) {
  const int i = GLOBAL_ID(0);
  if (i >= rows) return;
  const int row = start + i;
  float xr[GMM_XCACHE];
  for (int j = 0; j < d && j < GMM_XCACHE; j++) xr[j] = x[(size_t)j * n + row];
  float m = -INFINITY;
  for (int c = 0; c < k; c++) {
    float lp = gmm_logdens(x, (size_t)n, row, d, xr, mu, pc, lnorm, c, full);
    resp[(size_t)c * rows + i] = lp;
    m = FMAXF(m, lp);
  }
  float s = 0.f;
  for (int c = 0; c < k; c++) {
    float e = EXPF(resp[(size_t)c * rows + i] - m);
    resp[(size_t)c * rows + i] = e;
    s += e;
  }
  float wi = weighted ? w[wbase + i] : 1.f;
  float scale = wi / s;
  for (int c = 0; c < k; c++) resp[(size_t)c * rows + i] *= scale;
  rowll[i] = (double)wi * ((double)m + log((double)s));
}

// A (record entries x partitions) grid: each work-item sums one entry of one partition's record
// over that partition's rows, in row order, in float64.
KERNEL void gmm_moments(GLOBAL const float* RESTRICT x, int n, int start, int rows, int d,
                        GLOBAL const float* RESTRICT resp, int k, GLOBAL const int* RESTRICT pairs, int moments,
                        int rowsPerPart, GLOBAL const double* RESTRICT rowll,
                        GLOBAL const float* RESTRICT w, int weighted, int wbase,
                        GLOBAL double* RESTRICT partials, int stride, int partBase) {
  const int e = GLOBAL_ID(0);
  const int p = GLOBAL_ID(1);
  if (e >= stride) return;
  const int r0 = p * rowsPerPart;
  const int r1 = min(rows, r0 + rowsPerPart);
  const int per = 1 + d + moments;
  double acc = 0.0;
  if (e < k * per) {
    const int c = e / per, q = e % per;
    GLOBAL const float* rc = resp + (size_t)c * rows;
    if (q == 0) {
      for (int r = r0; r < r1; r++) acc += (double)rc[r];
    } else if (q <= d) {
      GLOBAL const float* xa = x + (size_t)(q - 1) * n + start;
      for (int r = r0; r < r1; r++) acc += (double)rc[r] * (double)xa[r];
    } else {
      const int t = q - 1 - d;
      GLOBAL const float* xa = x + (size_t)pairs[2 * t] * n + start;
      GLOBAL const float* xb = x + (size_t)pairs[2 * t + 1] * n + start;
      for (int r = r0; r < r1; r++) acc += (double)rc[r] * (double)xa[r] * (double)xb[r];
    }
  } else if (e == k * per) {
    for (int r = r0; r < r1; r++) acc += rowll[r];
  } else {
    for (int r = r0; r < r1; r++) acc += weighted ? (double)w[wbase + r] : 1.0;
  }
  partials[(size_t)(partBase + p) * stride + e] = acc;
}

// log p(x_i, c) for rows [start, start + rows), row-major out[i * k + c].
KERNEL void gmm_logdens_rows(GLOBAL const float* RESTRICT x, int n, int start, int rows, int d,
                             GLOBAL const float* RESTRICT mu, GLOBAL const float* RESTRICT pc,
                             GLOBAL const float* RESTRICT lnorm, int k, int full, GLOBAL float* RESTRICT out) {
  const int i = GLOBAL_ID(0);
  if (i >= rows) return;
  const int row = start + i;
  float xr[GMM_XCACHE];
  for (int j = 0; j < d && j < GMM_XCACHE; j++) xr[j] = x[(size_t)j * n + row];
  for (int c = 0; c < k; c++) out[(size_t)i * k + c] = gmm_logdens(x, (size_t)n, row, d, xr, mu, pc, lnorm, c, full);
}
