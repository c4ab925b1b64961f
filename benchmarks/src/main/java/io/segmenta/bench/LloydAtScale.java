package io.segmenta.bench;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Lloyd iterations on data resident on one backend, at the issue-4 sizes (10^8 x 32, k = 256 and
 * 10^7 x 16, k = 32), for the GPU floor comparison. The data are a raw little-endian float32
 * row-major file, generated once (blobs) and memory-mapped, so that 12.8 GB never passes through a
 * Java array and the PyTorch baseline ({@code benchmarks/python/torch_lloyd.py}) reads the same
 * bytes; the initial centroids (k rows drawn with the seed, float64) go to {@code FILE.init}.
 *
 * <p>Before timing, the first step is checked against the CPU backend on the same centroids
 * (labels may differ only at float32 near-ties; sums and inertia within float32 rounding). Then
 * {@code --iters} steps are timed one by one (each ends with the step's results on the host: the
 * device has finished). Prints one Markdown row with the bytes and floating-point operations one
 * step must move and do, so that the floor follows from the device's measured ceilings
 * ({@code benchmarks/python/gpu_floor.py}).
 */
final class LloydAtScale {
  private LloydAtScale() {}

  static void main(String[] args) throws IOException {
    long n = 10_000_000;
    int d = 16, k = 32, iters = 10;
    long seed = 1;
    String backend = "cuda";
    Path file = null;
    boolean check = true;
    for (int i = 0; i < args.length; i += 2) {
      String v = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--n" -> n = Long.parseLong(v);
        case "--d" -> d = Integer.parseInt(v);
        case "--k" -> k = Integer.parseInt(v);
        case "--iters" -> iters = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--backend" -> backend = v;
        case "--data" -> file = Path.of(v);
        case "--check" -> check = Boolean.parseBoolean(v);
        default -> {
          System.err.println("usage: BenchMain lloyd --data FILE [--n 10000000] [--d 16] [--k 32] [--iters 10] [--seed 1] "
              + "[--backend cuda|opencl|cpu] [--check true|false]");
          System.exit(2);
        }
      }
    }
    if (file == null) throw new IllegalArgumentException("--data FILE is required (generated when missing)");
    long bytes = n * d * Float.BYTES;
    if (!Files.exists(file) || Files.size(file) != bytes) generate(file, n, d, k, seed);
    double[] init = initialCentroids(file, n, d, k, seed);
    try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena);
      HostMatrix x = HostMatrix.of(seg, n, d);
      try (ComputeBackend be = Backends.open(BackendChoice.parse(backend), BackendOptions.DEFAULTS)) {
        long t0 = System.nanoTime();
        try (DeviceMatrix dm = be.upload(x, null); Assignments a = be.newAssignments(n)) {
          double uploadS = (System.nanoTime() - t0) / 1e9;
          KMeansStepResult r = new KMeansStepResult(k, d);
          String agreement = check ? checkAgainstCpu(x, init, k, be, dm, a, r) : "not checked";
          double[] c = init.clone();
          double[] ms = new double[iters];
          for (int it = 0; it < iters; it++) {
            long s = System.nanoTime();
            be.kmeansStep(dm, c, k, a, r);
            ms[it] = (System.nanoTime() - s) / 1e6;
            for (int q = 0; q < k; q++) {
              if (r.weights[q] > 0) for (int j = 0; j < d; j++) c[q * d + j] = r.sums[q * d + j] / r.weights[q];
            }
          }
          double[] sorted = ms.clone();
          Arrays.sort(sorted);
          double stepBytes = (double) n * d * Float.BYTES + 2.0 * n * Float.BYTES; // data read once; labels and distances written
          double stepFlops = 2.0 * n * k * d; // the x.c products; the rest is O(n (k + d))
          System.out.println("| backend | n | d | k | upload s | ms/iteration (median of " + iters + ") | fastest | bytes/step | FLOP/step | inertia after | first step vs CPU |");
          System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
          System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.2f | %.2f | %.3e | %.3e | %.6e | %s |%n", be.info().name() + " (" + be.info().device() + ")", n, d, k,
              uploadS, sorted[iters / 2], sorted[0], stepBytes, stepFlops, r.inertia, agreement);
        }
      }
    }
  }

  /**
   * One step on the CPU backend from the same centroids: the share of rows with the same label,
   * and the largest relative difference of the sums and the inertia. Fails on a real disagreement.
   */
  private static String checkAgainstCpu(HostMatrix x, double[] c, int k, ComputeBackend be, DeviceMatrix dm, Assignments a,
                                        KMeansStepResult r) {
    int d = x.cols();
    long n = x.rows();
    be.kmeansStep(dm, c, k, a, r);
    try (ComputeBackend cpu = Backends.open(BackendChoice.CPU, BackendOptions.DEFAULTS);
         DeviceMatrix cm = cpu.upload(x, null); Assignments ca = cpu.newAssignments(n)) {
      KMeansStepResult cr = new KMeansStepResult(k, d);
      cpu.kmeansStep(cm, c, k, ca, cr);
      long same = 0;
      int[] l1 = new int[1 << 20], l2 = new int[1 << 20];
      for (long s = 0; s < n; s += l1.length) {
        int len = (int) Math.min(l1.length, n - s);
        a.copyLabels(s, l1, 0, len);
        ca.copyLabels(s, l2, 0, len);
        for (int i = 0; i < len; i++) same += l1[i] == l2[i] ? 1 : 0;
      }
      // Sums compared where the cluster's rows are the same on both (a near-tie row moves one).
      double maxRel = 0;
      for (int q = 0; q < k; q++) {
        if (cr.counts[q] != r.counts[q]) continue;
        for (int jj = 0; jj < d; jj++) {
          double want = cr.sums[q * d + jj];
          maxRel = Math.max(maxRel, Math.abs(want - r.sums[q * d + jj]) / (Math.abs(want) + cr.weights[q]));
        }
      }
      double inertiaRel = Math.abs(cr.inertia - r.inertia) / cr.inertia;
      double agree = (double) same / n;
      if (agree < 0.999 || inertiaRel > 1e-4) {
        throw new IllegalStateException(String.format(Locale.ROOT, "%s disagrees with the CPU on the first step: %.5f of labels agree, inertia %.6e vs %.6e",
            be.info().name(), agree, r.inertia, cr.inertia));
      }
      return String.format(Locale.ROOT, "%d of %d labels differ (near-ties), sums %.1e, inertia %.1e", n - same, n, maxRel, inertiaRel);
    }
  }

  /** Blobs: k centres uniform in [-20, 20]^d, rows spread around them with unit Gaussian noise. */
  static void generate(Path file, long n, int d, int k, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    float[] centres = new float[k * d];
    for (int i = 0; i < centres.length; i++) centres[i] = (float) r.nextDouble(-20, 20);
    long bytes = n * d * Float.BYTES;
    long block = 1 << 20;
    try (Arena arena = Arena.ofShared();
         FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
             StandardOpenOption.TRUNCATE_EXISTING)) {
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
      int blocks = (int) ((n + block - 1) / block);
      // Each block of rows has its own generator, so the bytes do not depend on the thread count.
      IntStream.range(0, blocks).parallel().forEach(b -> {
        SplittableRandom g = new SplittableRandom(seed * 1_000_003L + b);
        for (long i = b * block; i < Math.min(n, (b + 1) * block); i++) {
          int c = g.nextInt(k);
          for (int j = 0; j < d; j++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i * d + j, centres[c * d + j] + (float) g.nextGaussian());
          }
        }
      });
      seg.force();
    }
  }

  /** k distinct rows drawn with the seed, float64, also written to FILE.init for the PyTorch baseline. */
  static double[] initialCentroids(Path file, long n, int d, int k, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed + 7);
    long[] rows = r.longs(0, n).distinct().limit(k).toArray();
    double[] c = new double[k * d];
    ByteBuffer one = ByteBuffer.allocate(d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int q = 0; q < k; q++) {
        one.clear();
        ch.read(one, rows[q] * d * Float.BYTES);
        for (int j = 0; j < d; j++) c[q * d + j] = one.getFloat(j * Float.BYTES);
      }
    }
    ByteBuffer out = ByteBuffer.allocate(c.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : c) out.putDouble(v);
    Files.write(Path.of(file + ".init"), out.array());
    return c;
  }
}
