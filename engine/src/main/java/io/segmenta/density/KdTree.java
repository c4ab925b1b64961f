package io.segmenta.density;

import java.util.function.IntConsumer;

/** A k-d tree over the points (median splits on the widest dimension, leaves of up to 32 points). */
final class KdTree implements SpatialIndex {
  private static final int LEAF = 32;
  private final double[] x;
  private final int d;
  private final int[] idx;
  // Nodes in arrays: range [lo, hi) of idx, split dimension and value, children (-1 for a leaf).
  private int[] lo, hi, dim, left, right;
  private double[] split;
  private int nodes;

  KdTree(double[] x, int n, int d) {
    this.x = x;
    this.d = d;
    this.idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    int cap = Math.max(1, 2 * n / LEAF + 2);
    lo = new int[cap];
    hi = new int[cap];
    dim = new int[cap];
    left = new int[cap];
    right = new int[cap];
    split = new double[cap];
    build(0, n);
  }

  private int build(int from, int to) {
    if (nodes == lo.length) grow();
    int node = nodes++;
    lo[node] = from;
    hi[node] = to;
    left[node] = right[node] = -1;
    if (to - from <= LEAF) return node;
    int best = 0;
    double widest = -1;
    for (int j = 0; j < d; j++) {
      double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
      for (int t = from; t < to; t++) {
        double v = x[idx[t] * d + j];
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
      }
      if (mx - mn > widest) {
        widest = mx - mn;
        best = j;
      }
    }
    if (widest <= 0) return node; // all points equal: a leaf
    int mid = (from + to) >>> 1;
    select(from, to - 1, mid, best);
    dim[node] = best;
    split[node] = x[idx[mid] * d + best];
    int l = build(from, mid);
    int r = build(mid, to);
    left[node] = l;
    right[node] = r;
    return node;
  }

  /** Quickselect: idx[k] gets the k-th smallest along dimension j, smaller ones before it. */
  private void select(int a, int b, int k, int j) {
    while (a < b) {
      double pivot = x[idx[(a + b) >>> 1] * d + j];
      int i = a, t = b;
      while (i <= t) {
        while (x[idx[i] * d + j] < pivot) i++;
        while (x[idx[t] * d + j] > pivot) t--;
        if (i <= t) {
          int s = idx[i];
          idx[i] = idx[t];
          idx[t] = s;
          i++;
          t--;
        }
      }
      if (k <= t) b = t;
      else if (k >= i) a = i;
      else return;
    }
  }

  private void grow() {
    int cap = lo.length * 2;
    lo = java.util.Arrays.copyOf(lo, cap);
    hi = java.util.Arrays.copyOf(hi, cap);
    dim = java.util.Arrays.copyOf(dim, cap);
    left = java.util.Arrays.copyOf(left, cap);
    right = java.util.Arrays.copyOf(right, cap);
    split = java.util.Arrays.copyOf(split, cap);
  }

  @Override
  public void within(int i, double radius, IntConsumer out) {
    query(0, i, radius * radius, radius, out);
  }

  private void query(int node, int i, double r2, double r, IntConsumer out) {
    if (left[node] < 0) {
      for (int t = lo[node]; t < hi[node]; t++) {
        int j = idx[t];
        double s = 0;
        for (int q = 0; q < d; q++) {
          double diff = x[i * d + q] - x[j * d + q];
          s += diff * diff;
        }
        if (s <= r2) out.accept(j);
      }
      return;
    }
    double v = x[i * d + dim[node]];
    // Points equal to the split value may sit on either side: visit a side unless it is out of reach.
    if (v - r <= split[node]) query(left[node], i, r2, r, out);
    if (v + r >= split[node]) query(right[node], i, r2, r, out);
  }
}
