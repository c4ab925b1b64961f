package io.segmenta.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Chronicle Map's once-per-JVM set-up (its static state, and the header classes it generates and
 * compiles at run time for a persisted map: about 0.5-1 s of one core), done once by whichever
 * thread comes first: a background warm-up while the log is read, or the first map's creator, which
 * then waits for a warm-up under way rather than racing it.
 */
public final class ChronicleWarmup {
  private static boolean done;

  private ChronicleWarmup() {}

  /** Creates, fills, reads and deletes two tiny persisted maps of the kinds the ingest uses. Never throws. */
  public static synchronized void ensure() {
    if (done) return;
    done = true;
    Path dir = null;
    try {
      dir = Files.createTempDirectory("segmenta-warmup");
      try (ChronicleMap<CharSequence, byte[]> a = ChronicleMap.of(CharSequence.class, byte[].class).name("warmup-a").entries(64)
              .averageKeySize(12).constantValueSizeBySample(new byte[64]).createPersistedTo(dir.resolve("a.cm").toFile());
           ChronicleMap<CharSequence, Long> b = ChronicleMap.of(CharSequence.class, Long.class).name("warmup-b").entries(64)
              .averageKeySize(20).createPersistedTo(dir.resolve("b.cm").toFile())) {
        StringBuilder k = new StringBuilder();
        for (int i = 0; i < 32; i++) {
          k.setLength(0);
          k.append("w").append(i);
          a.put(k, new byte[64]);
          a.getUsing(k, new byte[64]);
          b.putIfAbsent(k, 1L);
        }
        for (var e : a.entrySet()) e.getKey().toString();
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      // Only a warm-up: the real maps report their own failures.
    } finally {
      if (dir != null) {
        try (var s = Files.list(dir)) {
          for (Path p : s.toList()) Files.deleteIfExists(p);
          Files.deleteIfExists(dir);
        } catch (IOException ignored) {
          // a temporary directory left behind
        }
      }
    }
  }
}
