package io.segmenta.bench;

import java.io.File;
import java.util.Locale;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * How long a Chronicle Map of N keys takes to build in a given directory: keys "C0".."C{N-1}" to
 * longs, presized, inserted in order, which lands them in hash order all over the file (what the
 * store's id index and the published assignments do). Prints the time at each quarter. The
 * measurement behind {@code store.MapBuild}: on disk past the kernel's dirty-page threshold the
 * build rewrites itself; in {@code /dev/shm} it stays linear.
 */
final class MapBuildBench {
  private MapBuildBench() {}

  static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: BenchMain mapbuild ENTRIES FILE   (FILE is created, then deleted)");
      System.exit(2);
    }
    long n = Long.parseLong(args[0]);
    File f = new File(args[1]);
    if (f.exists() && !f.delete()) throw new IllegalStateException("cannot replace " + f);
    long t0 = System.nanoTime();
    long done = 0;
    try (ChronicleMap<CharSequence, Long> m = ChronicleMap.of(CharSequence.class, Long.class).name("bench").entries(n)
        .averageKeySize(Math.max(1, Long.toString(n - 1).length() + 1)).createPersistedTo(f)) {
      StringBuilder sb = new StringBuilder();
      for (long i = 0; i < n; i++) {
        sb.setLength(0);
        sb.append('C').append(i);
        m.put(sb, i);
        done = i + 1;
        if ((i + 1) % Math.max(1, n / 4) == 0) System.out.printf(Locale.ROOT, "%d keys: %.1f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
      }
    } finally {
      System.out.printf(Locale.ROOT, "%s: %d of %d keys, %.1f s, %d bytes%n", f, done, n, (System.nanoTime() - t0) / 1e9, f.length());
      f.delete();
    }
  }
}
