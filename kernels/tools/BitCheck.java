import io.segmenta.kernels.*;
import java.security.MessageDigest;
import java.util.*;

/**
 * Prints a SHA-256 digest (first 16 hex digits) of every result of the OpenCL backend on fixed inputs:
 * K-Means steps on both update paths, both assignment kernels, resident and streamed, weighted and
 * not, with labels and distances; pairwise distances; GMM passes and log densities, FULL and DIAG.
 * bitcheck.sh runs it on two builds and compares the lines: the same lines mean the same bits.
 */
public class BitCheck {
  static MessageDigest md;
  static void put(double[] v) { for (double x : v) put(Double.doubleToRawLongBits(x)); }
  static void put(long[] v) { for (long x : v) put(x); }
  static void put(int[] v) { for (int x : v) put(x); }
  static void put(float[] v) { for (float x : v) put(Float.floatToRawIntBits(x)); }
  static void put(long x) { for (int i = 0; i < 8; i++) md.update((byte) (x >>> (8 * i))); }
  static String hex() { return HexFormat.of().formatHex(md.digest()).substring(0, 16); }

  public static void main(String[] a) throws Exception {
    md = MessageDigest.getInstance("SHA-256");
    int[][] shapes = {{1000, 1, 7}, {4097, 3, 256}, {1000, 16, 1}, {4097, 17, 33}, {3001, 3, 1000}, {1000, 100, 256}, {20000, 16, 32}};
    for (String update : new String[] {"fused", "sorted"}) {
      for (String assign : new String[] {"flat", "tiled"}) {
        for (String resident : new String[] {"resident", "streamed"}) {
          System.setProperty("segmenta.opencl.update", update);
          System.setProperty("segmenta.opencl.assign", assign);
          if (resident.equals("streamed")) System.setProperty("segmenta.device.residentBytes", "65536");
          else System.clearProperty("segmenta.device.residentBytes");
          try (ComputeBackend be = Backends.open(BackendChoice.OPENCL, BackendOptions.DEFAULTS)) {
            for (int[] s : shapes) {
              int n = s[0], d = s[1], k = s[2];
              if (update.equals("fused") && assign.equals("tiled")) continue; // the fused kernel has its own assignment
              SplittableRandom r = new SplittableRandom(31L * n + 7L * d + k);
              float[] x = new float[n * d];
              for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3 + (i % d) + 1000);
              float[] w = new float[n];
              for (int i = 0; i < n; i++) w[i] = (float) r.nextDouble(0, 2);
              double[] c = new double[k * d];
              for (int i = 0; i < c.length; i++) c[i] = r.nextGaussian() * 3 + (i % d) + 1000;
              for (float[] weights : new float[][] {null, w}) {
                try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), weights); Assignments as = be.newAssignments(n)) {
                  KMeansStepResult res = new KMeansStepResult(k, d);
                  for (int it = 0; it < 2; it++) {
                    be.kmeansStep(dm, c, k, as, res);
                    put(res.sums); put(res.weights); put(res.counts); put(Double.doubleToRawLongBits(res.inertia)); put(res.changed);
                    int[] labels = new int[n]; float[] dist = new float[n];
                    as.copyLabels(0, labels, 0, n); as.copyDistances(0, dist, 0, n);
                    put(labels); put(dist);
                    for (int i = 0; i < c.length; i++) c[i] += 0.25; // move the centroids for the second step
                  }
                  int m = Math.min(k, 40), from = n / 3, count = Math.min(500, n - from);
                  float[] out = new float[count * m];
                  be.pairwiseSquaredDistances(dm, from, count, Arrays.copyOf(c, m * d), m, out);
                  put(out);
                }
              }
              System.out.println(update + " " + assign + " " + resident + " n=" + n + " d=" + d + " k=" + k + " " + hex());
            }
            if (!(update.equals("fused") && assign.equals("flat"))) continue;
            for (GmmComponents.Form form : GmmComponents.Form.values()) {
              for (int[] s : new int[][] {{1000, 3, 7}, {4097, 17, 20}, {1000, 33, 1}}) {
                int n = s[0], d = s[1], k = s[2];
                SplittableRandom r = new SplittableRandom(17L * n + 5L * d + k);
                float[] x = new float[n * d];
                for (int i = 0; i < x.length; i++) x[i] = (float) (1000 + r.nextGaussian() * 2 + (i % d));
                float[] w = new float[n];
                for (int i = 0; i < n; i++) w[i] = (float) (0.25 + r.nextDouble() * 2);
                double[] mu = new double[k * d];
                for (int i = 0; i < mu.length; i++) mu[i] = 1000 + r.nextGaussian() * 2 + (i % d);
                double[] pc = new double[form == GmmComponents.Form.FULL ? k * d * d : k * d];
                for (int c0 = 0; c0 < k; c0++) for (int i = 0; i < d; i++) {
                  if (form == GmmComponents.Form.FULL) { for (int j = i; j < d; j++) pc[(c0 * d + i) * d + j] = i == j ? 0.5 + r.nextDouble() : 0.1 * r.nextGaussian(); }
                  else pc[c0 * d + i] = 0.5 + r.nextDouble();
                }
                double[] ln = new double[k];
                for (int i = 0; i < k; i++) ln[i] = -d - r.nextDouble();
                GmmComponents g = new GmmComponents(form, k, d, mu, pc, ln);
                for (float[] weights : new float[][] {null, w}) {
                  try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), weights)) {
                    GmmStepResult res = new GmmStepResult(form, k, d);
                    be.gmmStep(dm, g, res);
                    put(res.weights); put(res.sums); put(res.squares); put(res.origin);
                    put(Double.doubleToRawLongBits(res.logLikelihood)); put(Double.doubleToRawLongBits(res.totalWeight));
                    int from = n / 3, count = Math.min(500, n - from);
                    double[] lp = new double[count * k];
                    be.gmmLogDensities(dm, from, count, g, lp);
                    put(lp);
                  }
                }
                System.out.println("gmm " + resident + " " + form + " n=" + n + " d=" + d + " k=" + k + " " + hex());
              }
            }
          }
        }
      }
    }
  }
}
