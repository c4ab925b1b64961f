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

      // A reader keeps reading while runs 2..4 are published; every answer is one whole run.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try {
          int i = 0;
          while (!stop.get()) {
            SegmentAssignment s = lookup.segmentOf("cust-" + (i++ % n)).orElseThrow();
            assertEquals(s.version(), s.segment(), "segment from the run it claims");
            assertEquals(s.version(), s.distance(), 0f);
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      reader.start();
      for (int v = 2; v <= 4; v++) assertEquals(v, publish(store, n, v));
      Thread.sleep(50);
      stop.set(true);
      reader.join();
      if (failure.get() != null) throw new AssertionError(failure.get());
      lookup.refresh();
      assertEquals(4, lookup.version());
      assertEquals(4, lookup.segmentOf("cust-0").orElseThrow().segment());
    }
    // Old versions are pruned: the two newest stay.
    assertEquals(List.of("CURRENT", "v000003", "v000004"),
        java.nio.file.Files.list(store.resolve("assignments")).map(p -> p.getFileName().toString()).sorted().toList());
  }
}
