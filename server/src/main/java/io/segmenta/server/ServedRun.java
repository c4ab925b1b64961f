package io.segmenta.server;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.store.PublishedAssignments;
import io.segmenta.store.Recommender;
import io.segmenta.store.SegmentLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything the server answers from one published version of a store: the lookup (pinned to the
 * version, never moving on by itself), the recommender, the model and the segment summaries, all
 * read from that version's directory. An answer built from one {@code ServedRun} therefore never
 * mixes two runs. Reference-counted: the holder keeps one reference while the run is current and
 * each request holds one while it reads, so a replaced run is closed when its last request ends.
 */
final class ServedRun {
  /** A lookup that never looks for a newer run: the holder moves to new runs, this object does not. */
  private static final long PINNED = Long.MAX_VALUE / 2_000_000;

  final long version;
  final SegmentLookup lookup;
  /** Null when the run was not made from a transaction log with products. */
  final Recommender recommender;
  /** Null when the version's directory holds no K-Means model (published before models were kept there). */
  final KMeansModel model;
  /** Segment names, indexed by segment. */
  final List<String> names;
  /** Each segment's summary, for /v1/segments; null when the run keeps neither a model nor insights. */
  final List<Map<String, Object>> segments;
  private final AtomicInteger refs = new AtomicInteger(1);

  private ServedRun(long version, SegmentLookup lookup, Recommender recommender, KMeansModel model, List<String> names,
      List<Map<String, Object>> segments) {
    this.version = version;
    this.lookup = lookup;
    this.recommender = recommender;
    this.model = model;
    this.names = names;
    this.segments = segments;
  }

  /**
   * Opens the version published in {@code store} now. A publication between opening the lookup and
   * the recommender is seen (their versions differ) and the open is made again.
   */
  static ServedRun open(Path store) {
    for (int attempt = 0; ; attempt++) {
      SegmentLookup lookup = SegmentLookup.open(store, PINNED);
      long v = lookup.version();
      Recommender rec = null;
      try {
        try {
          rec = Recommender.open(store);
        } catch (io.segmenta.store.StoreException corrupt) {
          throw corrupt; // product data present but unreadable: not the same as none
        } catch (InvalidInputException noProducts) {
          rec = null; // a run without product data: recommendations answer 409
        }
        if ((rec != null && rec.version() != v) || (rec == null && PublishedAssignments.publishedVersion(store) != v)) {
          if (attempt >= 5) throw new IllegalStateException("runs are being published faster than they can be opened");
          closeQuietly(rec);
          lookup.close();
          continue;
        }
        Path dir = PublishedAssignments.versionDir(store, v);
        Path modelFile = dir.resolve(PublishedAssignments.MODEL_FILE);
        KMeansModel model = Files.exists(modelFile) ? Segmenta.loadModel(modelFile) : null;
        Map<Integer, Map<String, Object>> byId = new java.util.TreeMap<>();
        readInsights(dir.resolve(PublishedAssignments.INSIGHTS_FILE), byId);
        readProfiles(dir.resolve(PublishedAssignments.PROFILES_FILE), byId);
        if (model != null) {
          double[][] c = model.centroidsInInputUnits();
          for (int s = 0; s < c.length; s++) {
            Map<String, Object> m = byId.computeIfAbsent(s, ServedRun::segmentEntry);
            m.put("centroid", byColumn(model.columns(), c[s]));
          }
        }
        List<String> names = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, Object>> e : byId.entrySet()) {
          while (names.size() < e.getKey()) names.add("segment " + names.size());
          Object n = e.getValue().get("name");
          names.add(n == null ? "segment " + e.getKey() : n.toString());
        }
        List<Map<String, Object>> segments = byId.isEmpty() ? null : List.copyOf(byId.values());
        return new ServedRun(v, lookup, rec, model, List.copyOf(names), segments);
      } catch (RuntimeException e) {
        closeQuietly(rec);
        lookup.close();
        throw e;
      }
    }
  }

  /** The name of segment {@code s} in this run. */
  String name(int s) {
    return s >= 0 && s < names.size() ? names.get(s) : "segment " + s;
  }

  private static Map<String, Object> segmentEntry(int s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("segment", s);
    return m;
  }

  private static Map<String, Double> byColumn(List<String> columns, double[] v) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int j = 0; j < v.length; j++) m.put(columns.get(j), v[j]);
    return m;
  }

  /** insights.csv: segment,name,size,at_risk_share (the last empty when not computed). */
  private static void readInsights(Path file, Map<Integer, Map<String, Object>> byId) {
    if (!Files.exists(file)) return;
    for (List<String> f : rows(file)) {
      Map<String, Object> m = byId.computeIfAbsent(Integer.parseInt(f.get(0)), ServedRun::segmentEntry);
      m.put("name", f.get(1));
      m.put("size", Long.parseLong(f.get(2)));
      if (f.size() > 3 && !f.get(3).isEmpty()) m.put("at_risk_share", Double.parseDouble(f.get(3)));
    }
  }

  /** profiles.csv: segment,name,size,share,statistic,<columns>, one line per segment and statistic. */
  private static void readProfiles(Path file, Map<Integer, Map<String, Object>> byId) {
    if (!Files.exists(file)) return;
    List<List<String>> all = rows(file);
    List<String> header = header(file);
    List<String> columns = header.subList(5, header.size());
    for (List<String> f : all) {
      Map<String, Object> m = byId.computeIfAbsent(Integer.parseInt(f.get(0)), ServedRun::segmentEntry);
      m.putIfAbsent("name", f.get(1));
      m.putIfAbsent("size", Long.parseLong(f.get(2)));
      m.put("share", Double.parseDouble(f.get(3)));
      double[] v = new double[columns.size()];
      for (int j = 0; j < v.length; j++) v[j] = Double.parseDouble(f.get(5 + j));
      m.put(f.get(4), byColumn(columns, v));
    }
  }

  private static List<String> header(Path file) {
    try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(file)) {
      return r.stream().findFirst().map(CsvRecord::getFields).orElse(List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<List<String>> rows(Path file) {
    try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(file)) {
      return r.stream().skip(1).map(CsvRecord::getFields).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Takes a reference, unless the run was already retired and closed. */
  boolean acquire() {
    for (int r = refs.get(); r > 0; r = refs.get()) {
      if (refs.compareAndSet(r, r + 1)) return true;
    }
    return false;
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      closeQuietly(recommender);
      lookup.close();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (Exception e) {
      // closing a read-only map: nothing to recover
    }
  }
}
