package io.segmenta.server;

import io.segmenta.store.PublishedAssignments;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The run the server answers from, and the watcher that moves it to each newly published run: every
 * {@code pollMillis} it reads the store's published version, and when it changed opens the new run
 * whole before making it current. Requests {@link #acquire} the current run and release it when
 * their answer is built; a replaced run is closed once its last request is done.
 */
final class PublishedRuns implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PublishedRuns.class.getName());
  /** A run that failed to open is tried again after this long (or at once when another is published). */
  private static final long RETRY_NANOS = 5_000_000_000L;
  private final Path store;
  private final ScheduledExecutorService watcher;
  private final LongConsumer onSwitch;
  private final Runnable onFailure;
  private volatile ServedRun current;
  private volatile boolean closed;
  private long failedVersion = -1;
  private long failedAt;

  /**
   * Opens the run published in {@code store} now and starts watching for newer ones.
   *
   * @param onSwitch told the version of each run made current (the first one included)
   * @param onFailure told of each failed attempt to open a newer run (the previous one is kept)
   * @throws io.segmenta.store.StoreException if no run was published there
   */
  PublishedRuns(Path store, long pollMillis, LongConsumer onSwitch, Runnable onFailure) {
    this.store = store;
    this.onSwitch = onSwitch;
    this.onFailure = onFailure;
    this.current = ServedRun.open(store);
    onSwitch.accept(current.version);
    this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "segmenta-run-watcher");
      t.setDaemon(true);
      return t;
    });
    watcher.scheduleWithFixedDelay(this::check, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
  }

  /** The current run, with a reference the caller must {@link ServedRun#release}. */
  ServedRun acquire() {
    while (true) {
      ServedRun r = current;
      if (r.acquire()) return r;
      if (closed) throw new IllegalStateException("the server is shutting down");
      // replaced and closed between the read and the acquire: take the new one
    }
  }

  /** Moves to the newest published run now, if there is a newer one (the watcher calls it). */
  synchronized void check() {
    if (closed) return;
    try {
      long v = PublishedAssignments.publishedVersion(store);
      if (v == current.version || (v == failedVersion && System.nanoTime() - failedAt < RETRY_NANOS)) return;
      ServedRun next = ServedRun.open(store);
      ServedRun old = current;
      current = next;
      old.release();
      failedVersion = -1;
      LOG.info("serving run " + next.version + " of " + store);
      onSwitch.accept(next.version);
    } catch (RuntimeException e) {
      // Keep serving the previous run; try again later, or at once when another run is published.
      try {
        failedVersion = PublishedAssignments.publishedVersion(store);
        failedAt = System.nanoTime();
      } catch (RuntimeException again) {
        failedVersion = -1;
      }
      onFailure.run();
      LOG.log(Level.WARNING, "cannot open the newly published run of " + store + " (still serving run " + current.version + "): "
          + e.getMessage(), e);
    }
  }

  long version() {
    return current.version;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    watcher.shutdownNow();
    current.release();
  }
}
