package io.segmenta.store;

import java.nio.file.Path;
import java.util.List;

/** Run in a child JVM by {@link FeatureStoreTest}: streams rows into a store until killed. */
public final class IngestChild {
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long rows = Long.parseLong(args[1]);
    FeatureStoreWriter w = FeatureStoreWriter.create(dir, List.of("a", "b"), true, true, "child");
    for (long r = 0; r < rows; r++) {
      w.append("c" + r, new float[] {r, -r});
      if (r == 200_000) System.out.println("halfway");
    }
    w.commit();
    System.out.println("committed");
  }
}
