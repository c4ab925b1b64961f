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
  private volatile boolean closed;

  /**
   * One published version, counted: the lookup holds one reference while the version is current and
   * each call holds one while it reads, so a replaced version's map is closed (and its file
   * unmapped) as soon as the last call on it returns. A long-running service that sees many runs
   * keeps at most the versions being read.
   */
  private static final class Snapshot {
    final long version;
    final ChronicleMap<CharSequence, Long> map;
    private final java.util.concurrent.atomic.AtomicInteger refs = new java.util.concurrent.atomic.AtomicInteger(1);

    Snapshot(long version, ChronicleMap<CharSequence, Long> map) {
      this.version = version;
      this.map = map;
    }

    long version() { return version; }

    ChronicleMap<CharSequence, Long> map() { return map; }

    /** Takes a reference, unless the snapshot was already retired and closed. */
    boolean acquire() {
      for (int r = refs.get(); r > 0; r = refs.get()) {
        if (refs.compareAndSet(r, r + 1)) return true;
      }
      return false;
    }

    void release() {
      if (refs.decrementAndGet() == 0) map.close();
    }
  }

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
    while (true) {
      Snapshot s = snapshot;
      if (!s.acquire()) {
        if (closed) throw new IllegalStateException("lookup is closed");
        continue; // replaced and closed between the read and the acquire: take the new one
      }
      try {
        Long v = s.map().get(customerId);
        return v == null ? Optional.empty() : Optional.of(SegmentAssignment.unpack(v, s.version()));
      } finally {
        s.release();
      }
    }
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
    // Calls already reading the old version finish on it; the last one out closes it.
    old.release();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    snapshot.release();
  }
}
