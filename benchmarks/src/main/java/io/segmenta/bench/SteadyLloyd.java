package io.segmenta.bench;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.run.RunControl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The steady Lloyd iteration through the facade: 10^6 x 16 Gaussian blobs (std 1, centres in
 * [-10, 10]^16), k = 32, 20 iterations from 32 data rows, {@code fits} fits in one JVM; prints the
 * median of iterations 6 to 20 of each fit (by then few rows move, and the JIT has settled after a
 * few fits), and hashes of the last fit's labels and distances and its inertia bits, so that two
 * builds can be compared for identical results as well as for time.
 */
final class SteadyLloyd {
  private SteadyLloyd() {}

  static void main(String[] args) {
    int threads = 2;
    int fits = 8;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--fits" -> fits = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--threads N, --fits N)");
      }
    }
    int n = 1_000_000, d = 16, k = 32;
    SplittableRandom r = new SplittableRandom(7);
    double[] centres = new double[k * d];
    for (int i = 0; i < centres.length; i++) centres[i] = r.nextDouble(-10, 10);
    float[] v = new float[n * d];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(k);
      for (int j = 0; j < d; j++) v[i * d + j] = (float) (centres[c * d + j] + r.nextGaussian());
    }
    double[][] init = new double[k][d];
    for (int c = 0; c < k; c++) {
      int row = r.nextInt(n);
      for (int j = 0; j < d; j++) init[c][j] = v[row * d + j];
    }
    Dataset data = Dataset.ofRowMajor(v, n, d);
    KMeansParams p = KMeansParams.builder(k).initialCentroids(init).maxIter(20).tol(0).build();
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, threads))) {
      KMeansResult last = null;
      for (int f = 0; f < fits; f++) {
        List<Double> ms = new ArrayList<>();
        last = engine.kmeans(data, p, new RunControl(s -> {
          if (s.iteration() > 5) ms.add(s.seconds() * 1e3);
        }));
        Collections.sort(ms);
        System.out.printf(Locale.ROOT, "fit %d: median of iterations 6-20 %.2f ms%n", f, ms.get(ms.size() / 2));
      }
      System.out.printf(Locale.ROOT, "%s, %d threads: labels hash %d, distances hash %d, inertia bits %d%n", engine.backend().name(), threads,
          Arrays.hashCode(last.labels()), Arrays.hashCode(last.distances()), Double.doubleToLongBits(last.model().inertia()));
    }
  }
}
