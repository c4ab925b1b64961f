package io.segmenta.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The training run of the {@code segment} script's ahead-of-time cache (JDK 25, JEP 483/514/515):
 * run once with {@code -XX:AOTCacheOutput}, it does small versions of what the tool does most
 * (the README's main command on a generated transaction log, twice so that migration is drawn, and
 * a feature-table run with given centroids), so that the cache holds those classes loaded and
 * linked and those methods' profiles. {@code java -cp segmenta.jar io.segmenta.cli.AotTraining DIR}
 * writes only under DIR and exits 0 when every command succeeded.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: AotTraining WORKDIR");
      System.exit(2);
    }
    io.segmenta.pipeline.Phases.markMain();
    Path w = Path.of(args[0]);
    Files.createDirectories(w);
    Path log = w.resolve("transactions.csv.gz");
    Path table = w.resolve("points.csv");
    Path init = w.resolve("init.csv");
    writeTable(table, init, 20_000, 16, 8);
    String[][] runs = {
        {"generate", "--rows", "1500", "--transactions", log.toString(), "--products", "300", "--seed", "1", "--progress", "never"},
        {"kmeans", "--transactions", log.toString(), "--preset", "online-retail", "--k", "auto", "--auto-log1p", "1", "--scale", "standard",
            "--n-init", "3", "--seed", "1", "--out", w.resolve("retail").toString(), "--progress", "never"},
        {"kmeans", "--transactions", log.toString(), "--preset", "online-retail", "--k", "auto", "--auto-log1p", "1", "--scale", "standard",
            "--n-init", "3", "--seed", "2", "--out", w.resolve("retail").toString(), "--progress", "never"},
        {"kmeans", "--input", table.toString(), "--k", "8", "--init", init.toString(), "--max-iter", "30", "--tol", "0", "--scale", "none",
            "--out", w.resolve("points").toString(), "--progress", "never"},
        {"lookup", "--store", w.resolve("retail/store").toString(), "--id", "C1"},
    };
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    for (String[] r : runs) {
      StringWriterBuffer err = new StringWriterBuffer();
      int rc = SegmentCli.run(r, quiet, err.writer);
      // lookup answers 4 for an id outside the run; every other command must succeed.
      if (rc != 0 && !(r[0].equals("lookup") && rc == SegmentCli.EXIT_NOT_FOUND)) {
        System.err.println("AotTraining: segment " + String.join(" ", r) + " exited " + rc + ":\n" + err);
        System.exit(1);
      }
    }
    System.exit(0);
  }

  /** Blobs around k centres, and k starting centroids. */
  private static void writeTable(Path table, Path init, int n, int d, int k) throws IOException {
    SplittableRandom rnd = new SplittableRandom(3);
    double[][] c = new double[k][d];
    for (double[] row : c) for (int j = 0; j < d; j++) row[j] = rnd.nextDouble() * 20 - 10;
    StringBuilder header = new StringBuilder();
    for (int j = 0; j < d; j++) header.append(j == 0 ? "" : ",").append("f").append(j);
    StringBuilder sb = new StringBuilder(header).append('\n');
    for (int i = 0; i < n; i++) {
      double[] m = c[i % k];
      for (int j = 0; j < d; j++) sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", m[j] + rnd.nextGaussian()));
      sb.append('\n');
    }
    Files.writeString(table, sb);
    StringBuilder ib = new StringBuilder(header).append('\n');
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < d; j++) ib.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", c[i][j] + 0.5));
      ib.append('\n');
    }
    Files.writeString(init, ib);
  }

  private static final class StringWriterBuffer {
    final java.io.StringWriter text = new java.io.StringWriter();
    final PrintWriter writer = new PrintWriter(text, true);

    @Override public String toString() {
      return text.toString();
    }
  }
}
