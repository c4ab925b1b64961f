package io.segmenta.insights;

import io.segmenta.InvalidInputException;
import io.segmenta.data.TableReader;
import io.segmenta.ingest.RfmIngest;
import io.segmenta.ingest.TransactionLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * What each segment buys: per segment, the products ranked by the share of the segment's customers
 * who bought them, with the lift of that share over the whole population's. One pass over the
 * transaction log; distinct (customer, product) pairs are tracked off-heap (Chronicle Map), the
 * per-product counts on the heap (one long per segment per product).
 */
public final class TopProducts {
  private TopProducts() {}

  /** One product in one segment. */
  public record Item(int segment, int rank, String product, String description, long customers, double share, double lift) {}

  /**
   * @param segmentOf a customer id's segment, or -1 when the customer is not in the run
   * @param segmentSizes customers per segment
   * @param top products kept per segment
   */
  public static List<Item> compute(Path log, TransactionLayout layout, ToIntFunction<String> segmentOf, long[] segmentSizes, int top, Path work) {
    return compute(log, layout, segmentOf, segmentSizes, top, work, null);
  }

  /**
   * As {@link #compute(Path, TransactionLayout, ToIntFunction, long[], int, Path)}, keeping the
   * off-heap set of (customer, product) purchases as {@code keepPurchases} (a Chronicle Map file
   * with keys {@code customer \u0001 product}) for recommendations; null deletes it.
   */
  public static List<Item> compute(Path log, TransactionLayout layout, ToIntFunction<String> segmentOf, long[] segmentSizes, int top, Path work,
                                   Path keepPurchases) {
    if (layout.product() == null) throw new InvalidInputException("top products need a product column in the transaction layout");
    int k = segmentSizes.length;
    long population = 0;
    for (long s : segmentSizes) population += s;
    Map<String, long[]> counts = new HashMap<>();
    Map<String, String> descriptions = new HashMap<>();
    long estimate;
    try {
      long size = Files.size(log);
      estimate = Math.max(1024, (log.getFileName().toString().endsWith(".gz") ? size * 7 : size) / 40);
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path pairsFile = work.resolve("top-products-pairs.cm");
    try (ChronicleMap<CharSequence, Long> pairs = ChronicleMap.of(CharSequence.class, Long.class).name("top-products")
        .entries(estimate).averageKeySize(20).maxBloatFactor(20).createPersistedTo(pairsFile.toFile())) {
      StringBuilder key = new StringBuilder();
      TableReader.streamFields(log, layout.format(), b -> {}, new TableReader.FieldSink() {
        int cCust, cProd, cDesc = -1, cQty = -1, cInv = -1, width;
        boolean decimalComma;

        @Override public void format(io.segmenta.data.TextFormat resolved) {
          decimalComma = resolved.decimalComma(); // quantities as the RFM pass reads them
        }

        @Override public void header(List<String> names) {
          width = names.size();
          cCust = names.indexOf(layout.customer());
          cProd = names.indexOf(layout.product());
          if (layout.description() != null) cDesc = names.indexOf(layout.description());
          if (layout.quantity() != null) cQty = names.indexOf(layout.quantity());
          if (layout.invoice() != null) cInv = names.indexOf(layout.invoice());
          if (cCust < 0 || cProd < 0) throw new InvalidInputException(log + ": customer or product column missing");
        }

        @Override public void row(long line, String[] f) {
          if (f.length != width) return; // malformed lines were reported by the RFM pass
          String cust = RfmIngest.normaliseId(f[cCust].strip());
          if (cust.isEmpty()) return;
          if (cInv >= 0 && layout.cancelPrefix() != null && f[cInv].strip().startsWith(layout.cancelPrefix())) return;
          if (cQty >= 0) {
            try {
              String q = f[cQty].strip();
              if (Double.parseDouble(decimalComma ? q.replace(',', '.') : q) <= 0) return;
            } catch (NumberFormatException e) {
              return;
            }
          }
          int seg = segmentOf.applyAsInt(cust);
          if (seg < 0) return;
          String product = f[cProd].strip();
          key.setLength(0);
          key.append(cust).append('\u0001').append(product);
          if (pairs.putIfAbsent(key, 1L) != null) return; // counted this customer for this product already
          long[] c = counts.computeIfAbsent(product, p -> new long[k + 1]);
          c[seg]++;
          c[k]++;
          if (cDesc >= 0 && !descriptions.containsKey(product) && !f[cDesc].isBlank()) descriptions.put(product, f[cDesc].strip());
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("top products of " + log + ": " + e.getMessage(), e);
    } finally {
      keep(pairsFile, keepPurchases);
    }
    return rank(counts, descriptions, segmentSizes, population, top);
  }

  /**
   * As {@link #compute(Path, TransactionLayout, ToIntFunction, long[], int, Path, Path)}, from the purchase lines the RFM pass
   * kept ({@link io.segmenta.ingest.PurchaseLog}) instead of a second pass over {@code log}: the same items and the same
   * purchases map entries, inserted in the same order (the map sized by its pairs, where the second pass can only estimate).
   */
  public static List<Item> compute(io.segmenta.ingest.PurchaseLog purchases, Path log, ToIntFunction<String> segmentOf, long[] segmentSizes,
                                   int top, Path work, Path keepPurchases) {
    Deferred d = computeDeferred(purchases, log, segmentOf, segmentSizes, top, work, keepPurchases);
    d.writePurchases().run();
    return d.items();
  }

  /**
   * The items, and the writing of the purchases map left to the caller (about a microsecond per distinct pair in Chronicle
   * Map, so the caller may run it on another thread while it goes on; it must finish before the map is used).
   */
  public record Deferred(List<Item> items, Runnable writePurchases) {}

  /** {@link #compute(io.segmenta.ingest.PurchaseLog, Path, ToIntFunction, long[], int, Path, Path)} with the map's writing deferred. */
  public static Deferred computeDeferred(io.segmenta.ingest.PurchaseLog purchases, Path log, ToIntFunction<String> segmentOf, long[] segmentSizes,
                                         int top, Path work, Path keepPurchases) {
    if (!purchases.available()) throw new IllegalArgumentException("the purchase log was not kept");
    int k = segmentSizes.length;
    long population = 0;
    for (long s : segmentSizes) population += s;
    Map<String, long[]> counts = new HashMap<>();
    Map<String, String> descriptions = new HashMap<>();
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> custs = purchases.customers(), products = purchases.products();
    int[] segOf = new int[custs.size()];
    for (int c = 0; c < segOf.length; c++) segOf[c] = segmentOf.applyAsInt(custs.get(c));
    long[][] byProduct = new long[products.size()][];
    java.util.BitSet seen = new java.util.BitSet();
    java.util.HashSet<Long> seenPairs = new java.util.HashSet<>();
    int np = products.size();
    boolean dense = (long) segOf.length * np <= 1L << 31;
    // The distinct (customer, product) pairs of the run's customers, in the order of their first line: the map's insertions.
    int[] pc = new int[1024], pp = new int[1024];
    int pairs = 0;
    for (int i = 0, n = purchases.lines(); i < n; i++) {
      int c = purchases.customer(i);
      int seg = segOf[c];
      if (seg < 0) continue;
      int p = purchases.product(i);
      if (dense ? !set(seen, c * np + p) : !seenPairs.add(((long) c << 32) | p)) continue; // counted this customer for this product already
      if (pairs == pc.length) {
        pc = java.util.Arrays.copyOf(pc, pairs * 2);
        pp = java.util.Arrays.copyOf(pp, pairs * 2);
      }
      pc[pairs] = c;
      pp[pairs++] = p;
      long[] cnt = byProduct[p];
      if (cnt == null) {
        cnt = byProduct[p] = new long[k + 1];
        counts.put(products.get(p), cnt);
      }
      cnt[seg]++;
      cnt[k]++;
      String d = purchases.description(i);
      if (d != null && !descriptions.containsKey(products.get(p))) descriptions.put(products.get(p), d);
    }
    List<Item> items = rank(counts, descriptions, segmentSizes, population, top);
    int[] fc = pc, fp = pp;
    int count = pairs;
    Runnable write = () -> {
      Path pairsFile = work.resolve("top-products-pairs.cm");
      // Sized by the pairs it will hold (known here), not by the log's estimated lines: for Online Retail a 74 MB file to zero
      // and to publish became 13.7 MB.
      try (ChronicleMap<CharSequence, Long> map = ChronicleMap.of(CharSequence.class, Long.class).name("top-products")
          .entries(Math.max(1024, count)).averageKeySize(20).maxBloatFactor(20).createPersistedTo(pairsFile.toFile())) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < count; i++) {
          key.setLength(0);
          key.append(custs.get(fc[i])).append('\u0001').append(products.get(fp[i]));
          map.putIfAbsent(key, 1L);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("top products of " + log + ": " + e.getMessage(), e);
      } finally {
        keep(pairsFile, keepPurchases);
      }
    };
    return new Deferred(items, write);
  }

  private static boolean set(java.util.BitSet b, int i) {
    if (b.get(i)) return false;
    b.set(i);
    return true;
  }

  private static void keep(Path pairsFile, Path keepPurchases) {
    try {
      if (keepPurchases != null && Files.exists(pairsFile)) {
        Files.createDirectories(keepPurchases.toAbsolutePath().getParent());
        Files.move(pairsFile, keepPurchases, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(pairsFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the purchases map as " + keepPurchases + ": " + e.getMessage(), e);
    }
  }

  private static List<Item> rank(Map<String, long[]> counts, Map<String, String> descriptions, long[] segmentSizes, long population, int top) {
    int k = segmentSizes.length;
    List<Item> out = new ArrayList<>();
    for (int s = 0; s < k; s++) {
      if (segmentSizes[s] == 0) continue;
      int seg = s;
      List<Map.Entry<String, long[]>> ranked = new ArrayList<>(counts.entrySet());
      ranked.removeIf(e -> e.getValue()[seg] == 0);
      ranked.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[seg]).thenComparing(Map.Entry::getKey));
      for (int r = 0; r < Math.min(top, ranked.size()); r++) {
        long[] c = ranked.get(r).getValue();
        double share = (double) c[seg] / segmentSizes[seg];
        double popShare = (double) c[k] / population;
        out.add(new Item(seg, r + 1, ranked.get(r).getKey(), descriptions.getOrDefault(ranked.get(r).getKey(), ""), c[seg], share,
            share / popShare));
      }
    }
    return out;
  }

  public static String csv(List<Item> items) {
    StringBuilder sb = new StringBuilder("segment,rank,product,description,customers,share,lift\n");
    for (Item i : items) {
      sb.append(i.segment()).append(',').append(i.rank()).append(',').append(io.segmenta.data.Csv.field(i.product())).append(',').append(io.segmenta.data.Csv.field(i.description()))
          .append(',').append(i.customers()).append(',').append(i.share()).append(',').append(i.lift()).append('\n');
    }
    return sb.toString();
  }

  public static String markdown(List<Item> items, List<SegmentProfile> profiles, int perSegment) {
    StringBuilder sb = new StringBuilder("\n## Top products (share of the segment's customers who bought it; lift over all customers)\n");
    for (SegmentProfile p : profiles) {
      sb.append("\n### ").append(p.segment()).append(' ').append(p.name()).append("\n\n| rank | product | description | customers | share | lift |\n|---:|---|---|---:|---:|---:|\n");
      for (Item i : items) {
        if (i.segment() != p.segment() || i.rank() > perSegment) continue;
        sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %d | %.1f%% | %.2f |%n", i.rank(), i.product(), i.description().replace("|", "/"),
            i.customers(), 100 * i.share(), i.lift()));
      }
    }
    return sb.toString();
  }

}
