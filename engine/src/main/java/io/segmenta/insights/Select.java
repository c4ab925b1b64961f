package io.segmenta.insights;

import java.util.Arrays;

/**
 * The median of a float column without sorting it: quickselect (expected linear time) in the order
 * {@link Arrays#sort(float[])} uses (-0.0 before 0.0), so it returns exactly what
 * {@link Profiles#median} returns on the sorted column. A column with a NaN is sorted instead.
 */
final class Select {
  private Select() {}

  /** The median of {@code a} (reordered in place; not empty). */
  static double median(float[] a) {
    int m = a.length;
    for (float v : a) {
      if (v != v) {
        Arrays.sort(a);
        return Profiles.median(a);
      }
    }
    int[] keys = new int[m];
    for (int i = 0; i < m; i++) keys[i] = key(a[i]);
    int hi = m / 2;
    select(keys, hi);
    float upper = value(keys[hi]);
    if (m % 2 == 1) return upper;
    int lower = keys[0];
    for (int i = 1; i < hi; i++) lower = Math.max(lower, keys[i]); // the largest of the lower half
    return (value(lower) + (double) upper) / 2;
  }

  /** An int whose signed order is Float.compare's order on non-NaN floats (-0.0 below 0.0). */
  static int key(float f) {
    int b = Float.floatToRawIntBits(f);
    return b ^ ((b >> 31) & 0x7fffffff);
  }

  static float value(int key) {
    return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
  }

  /** Puts the k-th smallest at k, everything before it no larger, everything after no smaller. */
  static void select(int[] a, int k) {
    int lo = 0, hi = a.length - 1;
    while (hi > lo) {
      if (hi - lo < 16) {
        for (int i = lo + 1; i <= hi; i++) {
          int v = a[i], j = i - 1;
          while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
          }
          a[j + 1] = v;
        }
        return;
      }
      int mid = (lo + hi) >>> 1;
      // median of three as the pivot
      if (a[mid] < a[lo]) swap(a, mid, lo);
      if (a[hi] < a[lo]) swap(a, hi, lo);
      if (a[hi] < a[mid]) swap(a, hi, mid);
      int pivot = a[mid];
      int i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return; // j < k < i: a[k] equals the pivot
    }
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
