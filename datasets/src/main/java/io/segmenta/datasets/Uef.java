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
 * (attribution in {@code datasets/README.md}). Each set has its points, its ground-truth
 * centroids and per-point ground-truth labels (0-based here; the files count from 1).
 */
public enum Uef {
  S1("s-sets", "s1", 15), S2("s-sets", "s2", 15), S3("s-sets", "s3", 15), S4("s-sets", "s4", 15),
  A1("a-sets", "a1", 20), A2("a-sets", "a2", 35), A3("a-sets", "a3", 50);

  private static final String ROOT = "/io/segmenta/datasets/uef/";

  private final String folder;
  private final String name;
  private final int k;

  Uef(String folder, String name, int k) {
    this.folder = folder;
    this.name = name;
    this.k = k;
  }

  /** The set's short name as UEF spells it, e.g. {@code s1}. */
  public String setName() { return name; }

  /** The number of ground-truth clusters. */
  public int k() { return k; }

  /** The points, one row per point. */
  public double[][] points() {
    return readNumbers(folder + "/" + name + ".txt");
  }

  /** The ground-truth centroids, {@code k()} rows. */
  public double[][] centroids() {
    double[][] c = readNumbers(folder + "/" + name + "-gt.txt");
    if (c.length != k) {
      throw new IllegalStateException(name + "-gt.txt has " + c.length + " centroids, expected " + k);
    }
    return c;
  }

  /** Ground-truth labels in 0..k-1, in the points' row order. */
  public int[] labels() {
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

  private static double[][] readNumbers(String path) {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader r = reader(path, false)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String s = line.strip();
        if (s.isEmpty()) continue;
        String[] parts = s.split("\\s+");
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
