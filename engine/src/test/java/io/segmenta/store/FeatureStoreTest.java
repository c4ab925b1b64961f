package io.segmenta.store;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.JvmFlags;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStoreTest {
  @TempDir Path tmp;

  private Path write(String name, int n) {
    Path dir = tmp.resolve(name);
    try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, List.of("x", "y", "z"), true, false, "test")) {
      for (int i = 0; i < n; i++) w.append("cust-" + i, new float[] {i, i * 0.5f, -i});
      w.commit().close();
    }
    return dir;
  }

  @Test
  void roundTripWithIdsAndO1Lookups() {
    Path dir = write("s", 10_007);
    try (FeatureStore s = FeatureStore.open(dir)) {
      assertEquals(10_007, s.rows());
      assertEquals(List.of("x", "y", "z"), s.columns());
      assertEquals(5000.5f, s.matrix().get(10_001, 1));
      assertEquals("cust-42", s.idOf(42));
      assertEquals(9999, s.rowOf("cust-9999"));
      assertEquals(-1, s.rowOf("nobody"));
      Dataset d = s.dataset();
      assertEquals("cust-7", d.id(7));
      assertEquals(-7f, d.matrix().get(7, 2));
    }
  }

  /**
   * Maps built in another directory (what a large map does in /dev/shm) are copied into the store and
   * the build directory is left empty; the store and its published assignments read as usual. A
   * failed build (a duplicate id) leaves nothing there either.
   */
  @Test
  void mapsBuiltElsewhereMoveIntoTheStore() throws Exception {
    Path build = tmp.resolve("build");
    System.setProperty(MapBuild.PROPERTY, build.toString());
    try {
      Path dir = write("moved", 5_003);
      try (FeatureStore s = FeatureStore.open(dir)) {
        assertEquals(4321, s.rowOf("cust-4321"));
        assertEquals(-1, s.rowOf("nobody"));
      }
      int[] labels = new int[5_003];
      float[] sq = new float[5_003];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = i % 3;
        sq[i] = 4f;
      }
      assertEquals(1, PublishedAssignments.publish(dir, labels.length, r -> "cust-" + r, labels, sq, "{}"));
      try (SegmentLookup lookup = SegmentLookup.open(dir, 0)) {
        assertEquals(4321 % 3, lookup.segmentOf("cust-4321").orElseThrow().segment());
        assertEquals(2f, lookup.segmentOf("cust-7").orElseThrow().distance());
      }
      try (java.util.stream.Stream<Path> left = Files.list(build)) {
        assertEquals(0, left.count(), "the build directory is left empty");
      }
      Path dup = tmp.resolve("dup");
      FeatureStoreWriter w = FeatureStoreWriter.create(dup, List.of("x"), true, false, "test");
      w.append("a", new float[] {1});
      w.append("a", new float[] {2});
      assertThrows(InvalidInputException.class, w::commit);
      w.close();
      try (java.util.stream.Stream<Path> left = Files.list(build)) {
        assertEquals(0, left.count(), "a failed build leaves nothing behind either");
      }
    } finally {
      System.clearProperty(MapBuild.PROPERTY);
    }
  }

  @Test
  void anUncommittedStoreIsIncompleteNotData() {
    Path dir = tmp.resolve("partial");
    FeatureStoreWriter w = FeatureStoreWriter.create(dir, List.of("x"), true, false, "test");
    for (int i = 0; i < 100; i++) w.append("c" + i, new float[] {i});
    // No commit and no close: what a crash leaves.
    StoreException e = assertThrows(StoreException.class, () -> FeatureStore.open(dir));
    assertTrue(e.getMessage().contains("incomplete") && e.getMessage().contains("interrupted"), e.getMessage());
    w.close();
  }

  @Test
  void corruptFilesAreReportedAsCorrupt() throws Exception {
    Path dir = write("c", 1000);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(StoreFiles.MATRIX).toFile(), "rw")) {
      f.seek(4000);
      f.write(0x7f);
    }
    StoreException e = assertThrows(StoreException.class, () -> FeatureStore.open(dir));
    assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("checksum"), e.getMessage());

    Path dir2 = write("t", 1000);
    try (RandomAccessFile f = new RandomAccessFile(dir2.resolve(StoreFiles.MATRIX).toFile(), "rw")) {
      f.setLength(f.length() - 4);
    }
    e = assertThrows(StoreException.class, () -> FeatureStore.open(dir2));
    assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("header says"), e.getMessage());

    Path dir3 = write("h", 10);
    Files.writeString(dir3.resolve(StoreFiles.HEADER), Files.readString(dir3.resolve(StoreFiles.HEADER)).replace("\"rows\": 10", "\"rows\": 11"));
    e = assertThrows(StoreException.class, () -> FeatureStore.open(dir3));
    assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("commit marker"), e.getMessage());

    e = assertThrows(StoreException.class, () -> FeatureStore.open(tmp.resolve("nothing")));
    assertTrue(e.getMessage().contains("no feature store"), e.getMessage());
  }

  @Test
  void badRowsAndDuplicateIdsNameTheRow() {
    Path dir = tmp.resolve("bad");
    try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, List.of("x", "y"), true, false, "test")) {
      w.append("a", new float[] {1, 2});
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> w.append("b", new float[] {1, Float.NaN}));
      assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("'b'") && e.getMessage().contains("column 'y'"), e.getMessage());
      w.append("a", new float[] {3, 4});
      e = assertThrows(InvalidInputException.class, w::commit);
      assertTrue(e.getMessage().contains("duplicate customer id 'a'") && e.getMessage().contains("rows 1 and 2"), e.getMessage());
    }
    assertFalse(Files.exists(dir.resolve(StoreFiles.COMMIT)));
    assertThrows(InvalidInputException.class, () -> FeatureStoreWriter.create(write("exists", 3), List.of("x"), true, false, "t"),
        "a committed store is not overwritten by default");
  }

  @Test
  void anIngestKilledHalfwayLeavesAnIncompleteStoreAndReRunningSucceeds() throws Exception {
    Path dir = tmp.resolve("killed");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JvmFlags.all());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IngestChild.class.getName(), dir.toString(), "50000000"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = r.readLine()) != null && !line.equals("halfway")) {
        // wait until the child has written a good part
      }
      assertEquals("halfway", line, "the child reached the middle of its ingest");
      p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(Files.size(dir.resolve(StoreFiles.MATRIX)) > 0, "the child wrote data before it died");
    StoreException e = assertThrows(StoreException.class, () -> FeatureStore.open(dir));
    assertTrue(e.getMessage().contains("incomplete"), e.getMessage());

    try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, List.of("a", "b"), true, false, "rerun")) {
      for (int r = 0; r < 1000; r++) w.append("c" + r, new float[] {r, -r});
      w.commit().close();
    }
    try (FeatureStore s = FeatureStore.open(dir)) {
      assertEquals(1000, s.rows());
      assertEquals("rerun", s.source());
    }
  }

  @Test
  void mapsAStoreLargerThanTwoGigabytes() throws Exception {
    long n = (1L << 31) / (16 * 4) + 1; // 33,554,433 rows x 16 columns: 2^31 + 64 bytes
    Path dir = tmp.resolve("big");
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < 16; j++) cols.add("c" + j);
    float[] row = new float[16];
    try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, cols, false, false, "big")) {
      for (long i = 0; i < n; i++) {
        row[0] = i;
        row[15] = -i;
        w.append(null, row);
      }
      w.commit().close();
    }
    assertTrue(Files.size(dir.resolve(StoreFiles.MATRIX)) > (1L << 31));
    try (FeatureStore s = FeatureStore.open(dir, false)) {
      assertEquals(n, s.rows());
      assertEquals((float) (n - 1), s.matrix().get(n - 1, 0));
      assertEquals((float) -(n - 1), s.matrix().get(n - 1, 15));
      assertEquals(Long.toString(n), s.idOf(n - 1));
      assertEquals(n - 1, s.rowOf(Long.toString(n)));
    } finally {
      Files.deleteIfExists(dir.resolve(StoreFiles.MATRIX)); // 2 GB: do not wait for the temp dir cleanup
    }
  }
}
