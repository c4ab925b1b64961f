package io.segmenta.bench;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.FeatureStoreWriter;
import io.segmenta.store.SegmentAssignment;
import io.segmenta.store.SegmentLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lookups under load: {@code --threads} threads look customers' segments up through one {@link
 * SegmentLookup} while new K-Means runs are fitted on the same store and published, one after
 * another. Every answer is checked against the labels of the version it claims (a torn read would
 * show), and lookups per second and latency percentiles are reported. With {@code --seconds 600}
 * it is the 10-minute soak of mixed lookups and runs (not part of CI).
 */
public final class LookupLoad {
  private LookupLoad() {}

  public static void main(String[] args) throws Exception {
    int customers = 1_000_000, threads = 16, seconds = 20, d = 8;
    long refreshMs = 100;
    Path work = Path.of("benchmarks", "work", "lookup-store");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--customers" -> customers = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--refresh-ms" -> refreshMs = Long.parseLong(args[i + 1]);
        case "--work" -> work = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SplittableRandom rnd = new SplittableRandom(11);
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < d; j++) cols.add("f" + j);
    try (FeatureStoreWriter w = FeatureStoreWriter.create(work, cols, true, true, "lookup load")) {
      float[] row = new float[d];
      for (int i = 0; i < customers; i++) {
        int c = i % 12;
        for (int j = 0; j < d; j++) row[j] = (float) (c * (j % 3 + 1) + rnd.nextGaussian());
        w.append("c" + i, row);
      }
      w.commit().close();
    }
    Runtime rt = Runtime.getRuntime();
    try (FeatureStore store = FeatureStore.open(work); Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 0))) {
      // Labels of every published version, to check each answer against the version it claims.
      ConcurrentHashMap<Long, int[]> labelsOf = new ConcurrentHashMap<>();
      KMeansResult first = engine.kmeans(store.dataset(), KMeansParams.builder(8).seed(0).maxIter(20).build());
      labelsOf.put(Segmenta.publish(store, first), first.labels());
      long heapStart = used(rt);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong torn = new AtomicLong(), errors = new AtomicLong(), ops = new AtomicLong();
      int[] fits = {0};
      long[][] samples = new long[threads][];
      int[] sampleCount = new int[threads];
      List<Thread> readers = new ArrayList<>();
      int n = customers;
      try (SegmentLookup lookup = SegmentLookup.open(work, refreshMs)) {
        for (int t = 0; t < threads; t++) {
          int id = t;
          samples[t] = new long[1 << 21];
          Thread th = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(id);
            long count = 0;
            while (!stop.get()) {
              int row = r.nextInt(n);
              long t0 = System.nanoTime();
              try {
                SegmentAssignment a = lookup.segmentOf("c" + row).orElseThrow();
                long dt = System.nanoTime() - t0;
                if ((count & 7) == 0 && sampleCount[id] < samples[id].length) samples[id][sampleCount[id]++] = dt;
                int[] want = labelsOf.get(a.version());
                if (want == null || want[row] != a.segment()) torn.incrementAndGet();
              } catch (RuntimeException e) {
                errors.incrementAndGet();
              }
              count++;
            }
            ops.addAndGet(count);
          }, "lookup-" + t);
          readers.add(th);
        }
        long start = System.nanoTime();
        readers.forEach(Thread::start);
        // The writer: fit, publish, repeat, each run with another k and seed.
        while (System.nanoTime() - start < seconds * 1_000_000_000L) {
          int k = 4 + fits[0] % 9;
          KMeansResult r = engine.kmeans(store.dataset(), KMeansParams.builder(k).seed(fits[0] + 1).maxIter(10).build());
          int[] labels = r.labels();
          // Register the labels before the version becomes visible.
          long next = io.segmenta.store.PublishedAssignments.nextVersion(work);
          labelsOf.put(next, labels);
          long v = Segmenta.publish(store, r);
          if (v != next) throw new IllegalStateException("published version " + v + ", expected " + next);
          labelsOf.keySet().removeIf(x -> x < v - 3);
          fits[0]++;
        }
        stop.set(true);
        for (Thread th : readers) th.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = new long[Arrays.stream(sampleCount).sum()];
        int at = 0;
        for (int t = 0; t < threads; t++) {
          System.arraycopy(samples[t], 0, all, at, sampleCount[t]);
          at += sampleCount[t];
        }
        Arrays.sort(all);
        double p50 = pct(all, 0.50), p99 = pct(all, 0.99), p999 = pct(all, 0.999), max = all.length == 0 ? 0 : all[all.length - 1];
        int sampled = all.length;
        all = null;
        Arrays.fill(samples, null); // the latency samples are the benchmark's, not the lookup's
        long heapEnd = used(rt);
        String row = String.format(Locale.ROOT, "| %d | %,d | %.0f | %d | %,.0f | %.2f | %.2f | %.2f | %.1f | %d | %d | %d / %d MB |%n",
            threads, customers, elapsed, fits[0], ops.get() / elapsed, p50 / 1e3, p99 / 1e3, p999 / 1e3, max / 1e6, torn.get(), errors.get(),
            heapStart >> 20, heapEnd >> 20);
        System.out.println("### Lookups under load, " + LocalDate.now() + ", " + PeersRunner.Machine.cpu() + ", "
            + Runtime.getRuntime().availableProcessors() + " cores, JVM " + Runtime.version());
        System.out.println();
        System.out.println("| threads | customers | seconds | runs published | lookups/s | p50 µs | p99 µs | p99.9 µs | max ms | torn reads "
            + "| errors | heap after GC, start / end |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        System.out.print(row);
        System.out.printf(Locale.ROOT, "%nLatency: %,d sampled lookups (1 in 8), System.nanoTime around segmentOf.%n", sampled);
        if (torn.get() > 0 || errors.get() > 0) System.exit(1);
      }
    }
  }

  private static long used(Runtime rt) {
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) return 0;
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }
}
