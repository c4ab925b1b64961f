package io.segmenta.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Looks customers' segments up in a store's published assignments: one Chronicle Map get, O(1),
 * without touching the feature matrix. When a new run is published, the lookup moves to it at the
 * next call after {@code refreshMillis} (or at {@link #refresh}); each call reads from exactly one
 * version. Thread-safe.
 */
public final class SegmentLookup implements AutoCloseable {
  private final Path root;
  private final long refreshNanos;
  private volatile Snapshot snapshot;
  private volatile long checkedAt;
  private boolean closed;

  private record Snapshot(long version, ChronicleMap<CharSequence, Long> map) {}

  private SegmentLookup(Path store, long refreshMillis) {
    this.root = store.resolve(PublishedAssignments.DIR);
    this.refreshNanos = refreshMillis * 1_000_000L;
    this.snapshot = load();
    this.checkedAt = System.nanoTime();
  }

  /**
   * Opens the published assignments of the store at {@code store}.
   *
   * @param refreshMillis how often a call looks for a newer published run
   * @throws StoreException if no run was published there
   */
  public static SegmentLookup open(Path store, long refreshMillis) {
    if (refreshMillis < 0) throw new IllegalArgumentException("refreshMillis must be >= 0, got " + refreshMillis);
    return new SegmentLookup(store, refreshMillis);
  }

  private Snapshot load() {
    long v = PublishedAssignments.current(root);
    if (v == 0) throw new StoreException("no segmentation has been published for the store at " + root.getParent()
        + " (run 'segment kmeans --store ...' first)");
    Path file = root.resolve(PublishedAssignments.name(v)).resolve(PublishedAssignments.MAP);
    if (!Files.exists(file)) throw new StoreException("the assignments under " + root + " are corrupt: version " + v + " is missing");
    ChronicleMap<CharSequence, Long> map;
    try {
      map = ChronicleMap.of(CharSequence.class, Long.class).name("segmenta-assignments").entries(16).averageKeySize(8)
          .createPersistedTo(file.toFile());
    } catch (java.io.IOException e) {
      throw new StoreException("cannot open assignments version " + v + " under " + root + ": " + e.getMessage(), e);
    }
    return new Snapshot(v, map);
  }

  /** The customer's segment in the newest published run, if the customer is in it. */
  public Optional<SegmentAssignment> segmentOf(String customerId) {
    maybeRefresh();
    Snapshot s = snapshot;
    Long v = s.map().get(customerId);
    return v == null ? Optional.empty() : Optional.of(SegmentAssignment.unpack(v, s.version()));
  }

  /** The version lookups are served from. */
  public long version() {
    return snapshot.version();
  }

  private void maybeRefresh() {
    long now = System.nanoTime();
    if (now - checkedAt >= refreshNanos) {
      checkedAt = now;
      refresh();
    }
  }

  /** Moves to the newest published run now, if there is a newer one. */
  public synchronized void refresh() {
    if (closed) throw new IllegalStateException("lookup is closed");
    if (PublishedAssignments.current(root) == snapshot.version()) return;
    Snapshot old = snapshot;
    snapshot = load();
    // Calls already holding the old snapshot finish on it; Chronicle Map reads after close fail,
    // so the old map is left to the garbage collector rather than closed under them.
    oldMaps.add(old.map());
  }

  private final java.util.List<ChronicleMap<CharSequence, Long>> oldMaps = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    snapshot.map().close();
    for (ChronicleMap<CharSequence, Long> m : oldMaps) m.close();
  }
}
