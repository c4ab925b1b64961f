package io.segmenta.density;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/** Cells of side eps in 1 to 3 dimensions: a radius-eps query reads the 3^d cells around a point. */
final class Grid implements SpatialIndex {
  private final double[] x;
  private final int d;
  private final double cell;
  private final Map<Long, int[]> cells = new HashMap<>();

  Grid(double[] x, int n, int d, double cell) {
    this.x = x;
    this.d = d;
    this.cell = cell;
    Map<Long, int[]> counts = new HashMap<>();
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = key(i, 0, 0, 0);
      counts.computeIfAbsent(keys[i], k -> new int[1])[0]++;
    }
    Map<Long, int[]> fill = new HashMap<>();
    for (var e : counts.entrySet()) {
      cells.put(e.getKey(), new int[e.getValue()[0]]);
      fill.put(e.getKey(), new int[1]);
    }
    for (int i = 0; i < n; i++) cells.get(keys[i])[fill.get(keys[i])[0]++] = i; // ascending index within a cell
  }

  private long coord(int i, int j) {
    return (long) Math.floor(x[i * d + j] / cell);
  }

  private long key(int i, int dx, int dy, int dz) {
    long a = coord(i, 0) + dx;
    long b = d > 1 ? coord(i, 1) + dy : 0;
    long c = d > 2 ? coord(i, 2) + dz : 0;
    return ((a & 0x1FFFFF) << 42) | ((b & 0x1FFFFF) << 21) | (c & 0x1FFFFF);
  }

  @Override
  public void within(int i, double radius, IntConsumer out) {
    double r2 = radius * radius;
    int ry = d > 1 ? 1 : 0, rz = d > 2 ? 1 : 0;
    for (int dx = -1; dx <= 1; dx++) {
      for (int dy = -ry; dy <= ry; dy++) {
        for (int dz = -rz; dz <= rz; dz++) {
          int[] pts = cells.get(key(i, dx, dy, dz));
          if (pts == null) continue;
          for (int j : pts) {
            double s = 0;
            for (int t = 0; t < d; t++) {
              double diff = x[i * d + t] - x[j * d + t];
              s += diff * diff;
            }
            if (s <= r2) out.accept(j);
          }
        }
      }
    }
  }
}
