package io.segmenta.data;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.ingest.FeatureIngest;
import io.segmenta.store.FeatureStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MissingValuesTest {
  @TempDir Path dir;

  private Path table() throws IOException {
    Path p = dir.resolve("m.csv");
    // column a: 1, -, 3, 10 (missing on line 3); column b: 2, 4, NA, 8 (missing on line 4)
    Files.writeString(p, "id,a,b\nr1,1,2\nr2,,4\nr3,3,NA\nr4,10,8\n");
    return p;
  }

  private TableReader.Read read(String strategy) throws IOException {
    return TableReader.readWithReport(table(), TableOptions.DEFAULTS.withIdColumn("id").withMissing(MissingValues.parse(strategy)), b -> {});
  }

  @Test
  void failIsTheDefaultAndNamesTheCell() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> TableReader.read(table(), TableOptions.DEFAULTS.withIdColumn("id"), b -> {}));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("column 'a'") && e.getMessage().contains("missing value"),
        e.getMessage());
  }

  @Test
  void dropLeavesTheRowsOutAndCountsThem() throws IOException {
    TableReader.Read r = read("drop");
    assertEquals(2, r.data().rows());
    assertEquals("r4", r.data().id(1));
    assertEquals(2, r.missing().droppedRows());
    assertArrayEquals(new long[] {1, 1}, r.missing().missingPerColumn());
  }

  @Test
  void meanMedianAndConstantFillOverThePresentValues() throws IOException {
    TableReader.Read mean = read("mean");
    assertEquals((1 + 3 + 10) / 3f, mean.data().matrix().get(1, 0), 1e-6);
    assertEquals((2 + 4 + 8) / 3f, mean.data().matrix().get(2, 1), 1e-6);
    assertEquals(4, mean.data().rows());
    assertTrue(mean.missing().describe(MissingValues.Strategy.MEAN).contains("column 'a': 1 missing, filled with mean"));
    TableReader.Read median = read("median");
    assertEquals(3f, median.data().matrix().get(1, 0));
    assertEquals(4f, median.data().matrix().get(2, 1));
    TableReader.Read constant = read("constant:-1");
    assertEquals(-1f, constant.data().matrix().get(1, 0));
    assertEquals(-1f, constant.data().matrix().get(2, 1));
  }

  @Test
  void ingestFillsWithTheExactMedianInStreamingPasses() throws IOException {
    FeatureIngest.Report r = FeatureIngest.run(table(), TableOptions.DEFAULTS.withIdColumn("id").withMissing(MissingValues.parse("median")),
        TableReader.Malformed.FAIL, dir.resolve("rej.csv"), dir.resolve("store"), false, b -> {});
    assertEquals(4, r.rows());
    assertArrayEquals(new double[] {3, 4}, r.missing().fillValues());
    try (FeatureStore s = FeatureStore.open(dir.resolve("store"))) {
      assertEquals(3f, s.matrix().get(s.rowOf("r2"), 0));
      assertEquals(4f, s.matrix().get(s.rowOf("r3"), 1));
    }
  }

  @Test
  void infinitiesAreNeverMissingValues() throws IOException {
    Path p = dir.resolve("inf.csv");
    Files.writeString(p, "a\n1\ninf\n");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> TableReader.read(p, TableOptions.DEFAULTS.withMissing(MissingValues.parse("mean")), b -> {}));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("not finite"), e.getMessage());
  }
}
