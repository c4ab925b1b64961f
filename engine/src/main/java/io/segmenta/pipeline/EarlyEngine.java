package io.segmenta.pipeline;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The engine, opened on a background thread while the input is read, and its kernels warmed up
 * after ({@link Segmenta#warmUp}). Opening probes the backends and
 * initialises the Vector API (about 0.5 s of a 2-core machine), and a kernel runs slowly until the
 * JIT has compiled it; on 500,000 x 16 rows both fell on the fit (benchmarks/RESULTS.md, issue 16).
 *
 * <p>A failure to open is the run's, thrown by {@link #take} as {@link Segmenta#open} threw it. A
 * failure of the warm-up is not: the same kernel then fails its real call, and that call reports it.
 */
final class EarlyEngine implements AutoCloseable {
  private final CompletableFuture<Segmenta> opened = new CompletableFuture<>();
  private boolean taken;

  EarlyEngine(EngineOptions options) {
    Thread t = new Thread(() -> {
      Segmenta engine;
      try {
        engine = Segmenta.open(options);
      } catch (Throwable e) {
        opened.completeExceptionally(e);
        return;
      }
      opened.complete(engine);
      try {
        engine.warmUp();
      } catch (RuntimeException | LinkageError e) {
        // Only a warm-up (the backend may also have been closed under it): see the class comment.
      }
    }, "segmenta-engine");
    t.setDaemon(true);
    t.start();
  }

  /** Waits for the engine; the caller owns (closes) it from here. */
  Segmenta take() {
    taken = true;
    try {
      return opened.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error r) throw r;
      throw e;
    }
  }

  /** Closes the engine when the run ended before taking it (a failed read). */
  @Override
  public void close() {
    if (taken) return;
    try {
      opened.join().close();
    } catch (CompletionException e) {
      // It did not open: nothing to close, and the run has its own failure.
    }
  }
}
