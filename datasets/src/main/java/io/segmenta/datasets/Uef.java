package io.segmenta.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The University of Eastern Finland clustering benchmark sets shipped in {@code datasets/uef}
 * (attribution in {@code datasets/README.md}): every SIPU set that has a ground truth. Each set has
 * its points, its ground-truth centroids and per-point ground-truth labels (0-based here; the
 * files count from 1).
 *
 * <p>Three file layouts: S, A, Unbalance and Birch have a points file, a centroid file
 * ({@code -gt.txt}) and gzipped labels; the DIM sets carry the label as the last comma-separated
 * column (only dim032 has a centroid file; the others' centroids are the label means); the G2 sets'
 * {@code -gt.txt} files hold per-point labels (centroids are the label means).
 */
public enum Uef {
  S1("s-sets", "s1", 15), S2("s-sets", "s2", 15), S3("s-sets", "s3", 15), S4("s-sets", "s4", 15),
  A1("a-sets", "a1", 20), A2("a-sets", "a2", 35), A3("a-sets", "a3", 50),
  UNBALANCE("unbalance", "unbalance", 8),
  BIRCH1("birch", "birch1", 100), BIRCH2("birch", "birch2", 100),
  DIM032("dim-sets", "dim032", 16, Layout.DIM), DIM064("dim-sets", "dim064", 16, Layout.DIM),
  DIM128("dim-sets", "dim128", 16, Layout.DIM), DIM256("dim-sets", "dim256", 16, Layout.DIM),
  DIM512("dim-sets", "dim512", 16, Layout.DIM), DIM1024("dim-sets", "dim1024", 16, Layout.DIM),
  G2_2_10("g2-sets", "g2-2-10", 2, Layout.G2), G2_2_20("g2-sets", "g2-2-20", 2, Layout.G2),
  G2_2_30("g2-sets", "g2-2-30", 2, Layout.G2), G2_2_40("g2-sets", "g2-2-40", 2, Layout.G2),
  G2_2_50("g2-sets", "g2-2-50", 2, Layout.G2), G2_2_60("g2-sets", "g2-2-60", 2, Layout.G2),
  G2_2_70("g2-sets", "g2-2-70", 2, Layout.G2), G2_2_80("g2-sets", "g2-2-80", 2, Layout.G2),
  G2_2_90("g2-sets", "g2-2-90", 2, Layout.G2), G2_2_100("g2-sets", "g2-2-100", 2, Layout.G2);

  private enum Layout { STANDARD, DIM, G2 }

  private static final String ROOT = "/io/segmenta/datasets/uef/";

  private final String folder;
  private final String name;
  private final int k;
  private final Layout layout;

  Uef(String folder, String name, int k) {
    this(folder, name, k, Layout.STANDARD);
  }

  Uef(String folder, String name, int k, Layout layout) {
    this.folder = folder;
    this.name = name;
    this.k = k;
    this.layout = layout;
  }

  /** The set's short name as UEF spells it, e.g. {@code s1}. */
  public String setName() { return name; }

  /** The number of ground-truth clusters. */
  public int k() { return k; }

  /** The points, one row per point. */
  public double[][] points() {
    double[][] raw = readNumbers(folder + "/" + name + ".txt");
    if (layout != Layout.DIM) return raw;
    double[][] out = new double[raw.length][];
    for (int i = 0; i < raw.length; i++) out[i] = java.util.Arrays.copyOf(raw[i], raw[i].length - 1);
    return out;
  }

  /** The ground-truth centroids, {@code k()} rows. */
  public double[][] centroids() {
    if (layout == Layout.G2 || (layout == Layout.DIM && this != DIM032)) return labelMeans();
    double[][] c = readNumbers(folder + "/" + name + "-gt.txt");
    if (c.length != k) {
      throw new IllegalStateException(name + "-gt.txt has " + c.length + " centroids, expected " + k);
    }
    return c;
  }

  /** Ground-truth labels in 0..k-1, in the points' row order. */
  public int[] labels() {
    if (layout == Layout.DIM) {
      double[][] raw = readNumbers(folder + "/" + name + ".txt");
      int[] out = new int[raw.length];
      for (int i = 0; i < raw.length; i++) out[i] = (int) raw[i][raw[i].length - 1] - 1;
      return out;
    }
    if (layout == Layout.G2) {
      double[][] raw = readNumbers(folder + "/" + name + "-gt.txt");
      int[] out = new int[raw.length];
      for (int i = 0; i < raw.length; i++) out[i] = (int) raw[i][0] - 1;
      return out;
    }
    List<Integer> out = new ArrayList<>();
    try (BufferedReader r = reader(folder + "/labels/" + name + ".labels0.gz", true)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) out.add(Integer.parseInt(line.strip()) - 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The mean of each ground-truth label's points. */
  private double[][] labelMeans() {
    double[][] p = points();
    int[] l = labels();
    double[][] c = new double[k][p[0].length];
    int[] n = new int[k];
    for (int i = 0; i < p.length; i++) {
      n[l[i]]++;
      for (int j = 0; j < p[i].length; j++) c[l[i]][j] += p[i][j];
    }
    for (int q = 0; q < k; q++) for (int j = 0; j < c[q].length; j++) c[q][j] /= n[q];
    return c;
  }

  private static double[][] readNumbers(String path) {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader r = reader(path, false)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String s = line.strip();
        if (s.isEmpty()) continue;
        String[] parts = s.split("[\\s,]+");
        double[] row = new double[parts.length];
        for (int j = 0; j < parts.length; j++) {
          try {
            row[j] = Double.parseDouble(parts[j]);
          } catch (NumberFormatException e) {
            throw new IllegalStateException(path + " line " + lineNo + " column " + (j + 1) + ": not a number: " + parts[j]);
          }
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows.toArray(double[][]::new);
  }

  private static BufferedReader reader(String path, boolean gzip) throws IOException {
    InputStream in = Uef.class.getResourceAsStream(ROOT + path);
    if (in == null) throw new IllegalStateException("dataset resource missing from the class path: " + ROOT + path);
    if (gzip) in = new GZIPInputStream(in);
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
  }
}
