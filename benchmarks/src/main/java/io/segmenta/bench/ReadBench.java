package io.segmenta.bench;

import io.segmenta.data.Dataset;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code BenchMain read FILE [--reps 7] [--threads N]}: whole reads of a feature table into memory
 * with {@link TableReader#read}, after two warm-up reads; prints each read's seconds, the median and
 * the MB/s, and a checksum of the float bits so runs (and the pandas script's) can be compared.
 */
final class ReadBench {
  private ReadBench() {}

  static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: BenchMain read FILE [--reps 7] [--threads N]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    int reps = 7;
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[i + 1]);
        case "--threads" -> System.setProperty("segmenta.read.threads", args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    double mb = Files.size(file) / 1e6;
    Dataset d = null;
    for (int w = 0; w < 2; w++) d = TableReader.read(file, TableOptions.DEFAULTS);
    double[] s = new double[reps];
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      d = TableReader.read(file, TableOptions.DEFAULTS);
      s[r] = (System.nanoTime() - t0) / 1e9;
    }
    long sum = 0;
    for (long i = 0; i < d.rows(); i++) for (int j = 0; j < d.cols(); j++) sum += Float.floatToRawIntBits(d.matrix().get(i, j));
    double[] sorted = s.clone();
    Arrays.sort(sorted);
    double median = sorted[reps / 2];
    System.out.printf(Locale.ROOT, "segmenta read: %d x %d, %.1f MB, threads %s: median %.3f s (%.0f MB/s), runs %s, float-bit sum %d%n",
        d.rows(), d.cols(), mb, System.getProperty("segmenta.read.threads", "auto"), median, mb / median, Arrays.toString(s), sum);
  }
}
