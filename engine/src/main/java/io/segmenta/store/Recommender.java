package io.segmenta.store;

import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Product recommendations from a store's published run: for one customer, the products most
 * characteristic of their segment (by lift over all customers, among the products bought by at
 * least {@link #MIN_SHARE} of the segment) that they have not bought yet. Both lookups (the
 * customer's segment, and whether they bought a product) are off-heap map reads.
 */
public final class Recommender implements AutoCloseable {
  /** Candidates must be bought by at least this share of the segment: lift on rare products is noise. */
  public static final double MIN_SHARE = 0.02;
  static final String TABLE = "segment-products.csv";
  static final String PURCHASES = "purchases.cm";

  /** One recommended product. */
  public record Recommendation(String product, String description, double lift, double share) {}

  private final SegmentLookup lookup;
  private final ChronicleMap<CharSequence, Long> purchases;
  private final Map<Integer, List<Recommendation>> candidates;
  private final StringBuilder key = new StringBuilder();

  private Recommender(SegmentLookup lookup, ChronicleMap<CharSequence, Long> purchases, Map<Integer, List<Recommendation>> candidates) {
    this.lookup = lookup;
    this.purchases = purchases;
    this.candidates = candidates;
  }

  /** Opens the recommender of the newest published run of {@code store} (one made from transactions). */
  public static Recommender open(Path store) {
    SegmentLookup lookup = SegmentLookup.open(store, Long.MAX_VALUE / 2_000_000);
    Path dir = PublishedAssignments.versionDir(store, lookup.version());
    if (!Files.exists(dir.resolve(TABLE)) || !Files.exists(dir.resolve(PURCHASES))) {
      lookup.close();
      throw new InvalidInputException("run " + lookup.version() + " of " + store + " has no product data: recommendations need a run made "
          + "from a transaction log with products (segment kmeans --transactions ...)");
    }
    try {
      Map<Integer, List<Recommendation>> table = new HashMap<>();
      List<String> lines = Files.readAllLines(dir.resolve(TABLE));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = splitCsv(line);
        double share = Double.parseDouble(f[5]);
        if (share < MIN_SHARE) continue;
        table.computeIfAbsent(Integer.parseInt(f[0]), s -> new ArrayList<>()).add(new Recommendation(f[2], f[3], Double.parseDouble(f[6]), share));
      }
      for (List<Recommendation> l : table.values()) {
        l.sort(Comparator.comparingDouble(Recommendation::lift).reversed().thenComparing(Recommendation::product));
      }
      ChronicleMap<CharSequence, Long> p = ChronicleMap.of(CharSequence.class, Long.class).name("top-products").entries(16).averageKeySize(20)
          .createPersistedTo(dir.resolve(PURCHASES).toFile());
      return new Recommender(lookup, p, table);
    } catch (IOException | RuntimeException e) {
      lookup.close();
      if (e instanceof InvalidInputException iie) throw iie;
      throw new StoreException("cannot read the product data of run " + lookup.version() + " of " + store + ": " + e.getMessage(), e);
    }
  }

  /** Up to {@code n} products for {@code customerId}, best first; empty when the customer is not in the run. */
  public synchronized Optional<List<Recommendation>> recommend(String customerId, int n) {
    if (n < 1) throw new InvalidInputException("the number of recommendations must be >= 1, got " + n);
    Optional<SegmentAssignment> a = lookup.segmentOf(customerId);
    if (a.isEmpty()) return Optional.empty();
    List<Recommendation> out = new ArrayList<>();
    for (Recommendation r : candidates.getOrDefault(a.get().segment(), List.of())) {
      key.setLength(0);
      key.append(customerId).append('\u0001').append(r.product());
      if (purchases.containsKey(key)) continue; // already bought
      out.add(r);
      if (out.size() == n) break;
    }
    return Optional.of(out);
  }

  /** The published version the recommendations come from (fixed when the recommender is opened). */
  public long version() {
    return lookup.version();
  }

  /** The segment the recommendations come from. */
  public Optional<SegmentAssignment> segmentOf(String customerId) {
    return lookup.segmentOf(customerId);
  }

  static String[] splitCsv(String line) {
    List<String> f = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean q = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (q) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') q = false;
        else cur.append(c);
      } else if (c == '"') q = true;
      else if (c == ',') {
        f.add(cur.toString());
        cur.setLength(0);
      } else cur.append(c);
    }
    f.add(cur.toString());
    return f.toArray(String[]::new);
  }

  @Override
  public synchronized void close() {
    purchases.close();
    lookup.close();
  }
}
