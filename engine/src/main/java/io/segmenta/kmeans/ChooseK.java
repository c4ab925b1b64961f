package io.segmenta.kmeans;

import java.util.List;

/**
 * Chooses k from the elbow of the inertia curve with the Kneedle rule (Satopaa et al., 2011): with
 * k and inertia both scaled to [0, 1], the chosen k is the one whose point lies farthest above the
 * straight line from the first point to the last, that is, where adding clusters stops paying.
 */
public final class ChooseK {
  private ChooseK() {}

  /** One fitted k. */
  public record Point(int k, double inertia, KMeansResult result) {}

  /** The k at the elbow of {@code curve} (ascending k, at least two points). */
  public static int elbow(List<Point> curve) {
    if (curve.size() < 3) return curve.get(curve.size() - 1).k();
    double k0 = curve.get(0).k(), k1 = curve.get(curve.size() - 1).k();
    double hi = Double.NEGATIVE_INFINITY, lo = Double.POSITIVE_INFINITY;
    for (Point p : curve) {
      hi = Math.max(hi, p.inertia());
      lo = Math.min(lo, p.inertia());
    }
    if (hi == lo) return curve.get(0).k();
    int best = curve.get(0).k();
    double bestGap = Double.NEGATIVE_INFINITY;
    for (Point p : curve) {
      double x = (p.k() - k0) / (k1 - k0);
      double y = (p.inertia() - lo) / (hi - lo);
      double gap = (1 - y) - x; // how far the decreasing curve sits above its chord
      if (gap > bestGap) {
        bestGap = gap;
        best = p.k();
      }
    }
    return best;
  }
}
