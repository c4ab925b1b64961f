package io.segmenta.model;

import io.segmenta.density.DbscanModel;
import io.segmenta.mixture.CovarianceType;
import io.segmenta.mixture.GmmModel;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.preprocess.ScaleMethod;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payloads of the model kinds added in format version 4: Gaussian mixtures and DBSCAN
 * (layouts in docs/model-format.md). Every count is checked against the bytes left before anything
 * is allocated for it.
 */
final class ModelPayloads {
  private ModelPayloads() {}

  interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] bytes(Body b) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      b.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Columns and the fitted scaling: d, d names, method, d log1p flags, d offsets, d divisors. */
  private static void writeColumns(DataOutputStream out, List<String> columns, FeatureScaling s) throws IOException {
    out.writeInt(columns.size());
    for (String c : columns) out.writeUTF(c);
    out.writeUTF(s.method().name());
    for (boolean b : s.log1p()) out.writeBoolean(b);
    for (double v : s.offset()) out.writeDouble(v);
    for (double v : s.scale()) out.writeDouble(v);
  }

  private record Columns(List<String> names, FeatureScaling scaling) {}

  private static Columns readColumns(DataInputStream in) throws IOException {
    int d = in.readInt();
    if (d < 1 || d > (1 << 20)) throw new IOException("implausible column count " + d);
    ModelFile.need(in, 2L * d + 17L * d, d + " columns");
    List<String> names = new ArrayList<>(d);
    for (int j = 0; j < d; j++) names.add(in.readUTF());
    ScaleMethod method = ScaleMethod.valueOf(in.readUTF());
    boolean[] log = new boolean[d];
    for (int j = 0; j < d; j++) log[j] = in.readBoolean();
    double[] offset = ModelFile.readDoubles(in, d);
    double[] scale = ModelFile.readDoubles(in, d);
    return new Columns(names, new FeatureScaling(method, log, offset, scale));
  }

  static byte[] gmm(GmmModel m) {
    return bytes(out -> {
      writeColumns(out, m.columns(), m.scaling());
      out.writeUTF(m.covarianceType().name());
      out.writeInt(m.k());
      out.writeDouble(m.regCovar());
      for (double w : m.weights()) out.writeDouble(w);
      for (double[] mu : m.means()) for (double v : mu) out.writeDouble(v);
      for (double[][] c : m.covariances()) for (double[] r : c) for (double v : r) out.writeDouble(v);
      out.writeDouble(m.lowerBound());
      out.writeDouble(m.logLikelihood());
      out.writeDouble(m.trainingWeight());
      out.writeInt(m.iterations());
      out.writeBoolean(m.converged());
    });
  }

  static GmmModel readGmm(DataInputStream in) throws IOException {
    Columns c = readColumns(in);
    int d = c.names().size();
    CovarianceType type = CovarianceType.valueOf(in.readUTF());
    int k = in.readInt();
    if (k < 1 || (long) k * d * d > (1L << 28)) throw new IOException("implausible component count " + k);
    double reg = in.readDouble();
    ModelFile.need(in, 8L * k * (1 + d + (long) d * d), k + " components of " + d + " columns");
    double[] w = ModelFile.readDoubles(in, k);
    double[][] means = new double[k][];
    for (int q = 0; q < k; q++) means[q] = ModelFile.readDoubles(in, d);
    double[][][] cov = new double[k][d][];
    for (int q = 0; q < k; q++) for (int a = 0; a < d; a++) cov[q][a] = ModelFile.readDoubles(in, d);
    double lowerBound = in.readDouble(), logLik = in.readDouble(), weight = in.readDouble();
    int iterations = in.readInt();
    boolean converged = in.readBoolean();
    GmmModel m = new GmmModel(c.names(), type, w, means, cov, reg, c.scaling(), lowerBound, logLik, weight, iterations, converged);
    m.checkComponents(); // a covariance that is not positive definite is a corrupt file, not a model
    return m;
  }

  static byte[] dbscan(DbscanModel m) {
    return bytes(out -> {
      writeColumns(out, m.columns(), m.scaling());
      out.writeDouble(m.eps());
      out.writeInt(m.minPts());
      out.writeInt(m.clusters());
      int[] labels = m.coreLabels();
      out.writeInt(labels.length);
      for (int l : labels) out.writeInt(l);
      for (float v : m.core()) out.writeFloat(v);
    });
  }

  static DbscanModel readDbscan(DataInputStream in) throws IOException {
    Columns c = readColumns(in);
    int d = c.names().size();
    double eps = in.readDouble();
    if (!(eps > 0) || Double.isInfinite(eps)) throw new IOException("eps is " + eps);
    int minPts = in.readInt();
    int clusters = in.readInt();
    int m = in.readInt();
    if (minPts < 1 || clusters < 0 || m < 0) throw new IOException("implausible minPts " + minPts + ", clusters " + clusters + ", core points " + m);
    ModelFile.need(in, 4L * m * (1 + d), m + " core points of " + d + " columns");
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      labels[i] = in.readInt();
      if (labels[i] < 0 || labels[i] >= clusters) throw new IOException("core point " + i + " has cluster " + labels[i] + " of " + clusters);
    }
    float[] core = new float[m * d];
    for (int i = 0; i < core.length; i++) core[i] = in.readFloat();
    return new DbscanModel(c.names(), c.scaling(), eps, minPts, clusters, core, labels);
  }
}
