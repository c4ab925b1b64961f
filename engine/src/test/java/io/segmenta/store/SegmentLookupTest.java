package io.segmenta.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLookupTest {
  @TempDir Path store;

  private static long publish(Path store, int n, int segment) {
    int[] labels = new int[n];
    float[] sq = new float[n];
    Arrays.fill(labels, segment);
    Arrays.fill(sq, segment * segment); // distance = segment: ties the distance to the run too
    return PublishedAssignments.publish(store, n, r -> "cust-" + r, labels, sq, PublishedAssignments.runJson("kmeans", 3, n, 1.0, "cpu"));
  }

  @Test
  void looksUpAndFollowsNewRunsWithoutMixingThem() throws Exception {
    int n = 20_000;
    assertThrows(StoreException.class, () -> SegmentLookup.open(store, 0), "nothing published yet");
    assertEquals(1, publish(store, n, 1));
    try (SegmentLookup lookup = SegmentLookup.open(store, 0)) {
      SegmentAssignment a = lookup.segmentOf("cust-123").orElseThrow();
      assertEquals(1, a.segment());
      assertEquals(1f, a.distance());
      assertEquals(1, a.version());
      assertTrue(lookup.segmentOf("nobody").isEmpty());

      // 16 readers keep reading while runs 2..4 are published; every answer is one whole run.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
      java.util.List<Thread> readers = new java.util.ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int seed = t;
        Thread reader = new Thread(() -> {
          try {
            int i = seed * 1000;
            long last = 0;
            while (!stop.get()) {
              SegmentAssignment s = lookup.segmentOf("cust-" + (i++ % n)).orElseThrow();
              assertEquals(s.version(), s.segment(), "segment from the run it claims");
              assertEquals(s.version(), s.distance(), 0f);
              assertTrue(s.version() >= last, "a reader never goes back to an older run");
              last = s.version();
              reads.incrementAndGet();
            }
          } catch (Throwable th) {
            failure.compareAndSet(null, th);
          }
        });
        readers.add(reader);
        reader.start();
      }
      for (int v = 2; v <= 4; v++) {
        assertEquals(v, publish(store, n, v));
        lookup.refresh();
      }
      Thread.sleep(50);
      stop.set(true);
      for (Thread r : readers) r.join();
      if (failure.get() != null) throw new AssertionError(failure.get());
      assertTrue(reads.get() > 16, "the readers read: " + reads.get());
      lookup.refresh();
      assertEquals(4, lookup.version());
      assertEquals(4, lookup.segmentOf("cust-0").orElseThrow().segment());
    }
    // Old versions are pruned: the two newest stay.
    assertEquals(List.of("CURRENT", "v000003", "v000004"),
        java.nio.file.Files.list(store.resolve("assignments")).map(p -> p.getFileName().toString()).sorted().toList());
  }
}
