package io.segmenta.bench;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.datasets.Uef;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.metrics.CentroidIndex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The quality mode measured: the Centroid Index (Fränti, Rezaei, Zhao 2014) against the ground
 * truth on every UEF set, for k-means++ with 10 restarts, the engine's quality mode (random swap)
 * and scikit-learn's {@code KMeans(n_init=10)}, on several seeds. CI 0 means every true cluster
 * got exactly one centroid.
 */
public final class QualityRunner {
  private QualityRunner() {}

  public static void main(String[] args) throws Exception {
    int swaps = 5000;
    String seeds = "1,2,3,4,5";
    List<Uef> sets = Arrays.asList(Uef.values());
    boolean sklearn = true;
    Path out = Path.of("benchmarks", "results", "quality-latest.md");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--swaps" -> swaps = Integer.parseInt(args[i + 1]);
        case "--seeds" -> seeds = args[i + 1];
        case "--sets" -> sets = Arrays.stream(args[i + 1].split(",")).map(s -> Uef.valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_'))).toList();
        case "--sklearn" -> sklearn = Boolean.parseBoolean(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    long[] seedList = Arrays.stream(seeds.split(",")).mapToLong(s -> Long.parseLong(s.strip())).toArray();
    PeersRunner.Python py = sklearn ? PeersRunner.Python.find() : null;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "### Centroid Index on the UEF sets (0 = every true cluster found), seeds %s, %s%n%n", seeds, LocalDate.now()));
    sb.append("- machine: ").append(PeersRunner.Machine.cpu()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores; JVM ").append(Runtime.version()).append('\n');
    sb.append("- command: `benchmarks/run-quality.sh --swaps ").append(swaps).append(" --seeds ").append(seeds).append("`\n");
    sb.append("- k-means++ x10: the engine's K-Means, greedy k-means++, n-init 10. Quality mode: n-init 1, then ").append(swaps)
        .append(" random-swap trials. CI per seed, in seed order.\n\n");
    sb.append("| set | n | d | k | k-means++ x10: CI | quality mode: CI | quality mode: s/fit | scikit-learn KMeans(n_init=10): CI |\n");
    sb.append("|---|---:|---:|---:|---|---|---:|---|\n");
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 0))) {
      for (Uef set : sets) {
        double[][] pts = set.points();
        int n = pts.length, d = pts[0].length, k = set.k();
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
          rows[i] = new float[d];
          for (int j = 0; j < d; j++) rows[i][j] = (float) pts[i][j];
        }
        Dataset data = Dataset.of(rows);
        double[][] truth = set.centroids();
        List<Integer> base = new ArrayList<>(), quality = new ArrayList<>(), skl = new ArrayList<>();
        double seconds = 0;
        for (long seed : seedList) {
          KMeansResult b = engine.kmeans(data, KMeansParams.builder(k).nInit(10).seed(seed).build());
          base.add(CentroidIndex.of(b.model().centroids(), truth));
          long t0 = System.nanoTime();
          KMeansResult q = engine.kmeans(data, KMeansParams.builder(k).nInit(1).swaps(swaps).seed(seed).build());
          seconds += (System.nanoTime() - t0) / 1e9;
          quality.add(CentroidIndex.of(q.model().centroids(), truth));
        }
        if (py != null) {
          Path f = Files.createTempFile("uef-" + set.setName(), ".f64");
          ByteBuffer buf = ByteBuffer.allocate(n * d * 8).order(ByteOrder.LITTLE_ENDIAN);
          for (double[] p : pts) for (double v : p) buf.putDouble(v);
          Files.write(f, buf.array());
          String json = py.run(Path.of("."), 1, "benchmarks/python/sklearn_ci.py", "--data", f.toString(), "--n", "" + n, "--d", "" + d,
              "--k", "" + k, "--seeds", seeds);
          Files.delete(f);
          int at = 0;
          for (int s = 0; s < seedList.length; s++) {
            at = json.indexOf("\"centroids\"", at + 1);
            double[][] c = PeersRunner.Json.matrix(json.substring(at), "centroids", k, d);
            skl.add(CentroidIndex.of(c, truth));
          }
        }
        String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %.2f | %s |%n", set.setName(), n, d, k, base, quality,
            seconds / seedList.length, py == null ? "not run" : skl.toString());
        System.out.print(row);
        System.out.flush();
        sb.append(row);
      }
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, sb.toString());
    System.err.println("quality: written to " + out);
  }
}
