package io.segmenta.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The run published before the one being made: each current row's segment in it (-1 when the
 * customer was not in it), and its segments' names and at-risk shares (from {@code insights.csv}).
 */
public record PreviousRun(long version, int[] segmentOfRow, List<String> names, Map<String, Double> riskByName) {
  static final String INSIGHTS = "insights.csv";

  /** The published run of {@code store}, if there is one. */
  public static Optional<PreviousRun> load(Path store, long rows, LongFunction<String> ids) {
    Path root = store.resolve(PublishedAssignments.DIR);
    long v = PublishedAssignments.current(root);
    if (v == 0) return Optional.empty();
    Path dir = PublishedAssignments.versionDir(store, v);
    int[] seg = new int[Math.toIntExact(rows)];
    try (ChronicleMap<CharSequence, Long> map = ChronicleMap.of(CharSequence.class, Long.class).name("segmenta-assignments").entries(16)
        .averageKeySize(8).createPersistedTo(dir.resolve(PublishedAssignments.MAP).toFile())) {
      for (int r = 0; r < rows; r++) {
        Long x = map.get(ids.apply(r));
        seg[r] = x == null ? -1 : SegmentAssignment.unpack(x, v).segment();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    Map<String, Double> risk = new HashMap<>();
    Path ins = dir.resolve(INSIGHTS);
    try {
      if (Files.exists(ins)) {
        List<String> lines = Files.readAllLines(ins);
        for (String line : lines.subList(1, lines.size())) {
          String[] f = Recommender.splitCsv(line);
          names.add(f[1]);
          if (!f[3].isEmpty()) risk.put(f[1], Double.parseDouble(f[3]));
        }
      }
    } catch (IOException | RuntimeException e) {
      names.clear();
    }
    int k = 0;
    for (int s : seg) k = Math.max(k, s + 1);
    while (names.size() < k) names.add("segment " + names.size());
    return Optional.of(new PreviousRun(v, seg, names, risk));
  }

  /** Writes a run's segment names and at-risk shares beside its assignments (before publishing it). */
  public static void writeInsights(Path versionDir, List<String> names, long[] sizes, double[] riskShare) {
    StringBuilder sb = new StringBuilder("segment,name,size,at_risk_share\n");
    for (int s = 0; s < names.size(); s++) {
      sb.append(s).append(',').append(io.segmenta.data.Csv.field(names.get(s))).append(',').append(sizes[s]).append(',')
          .append(riskShare == null ? "" : Double.toString(riskShare[s])).append('\n');
    }
    try {
      Files.createDirectories(versionDir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    StoreFiles.writeAtomically(versionDir.resolve(INSIGHTS), sb.toString());
  }

}
