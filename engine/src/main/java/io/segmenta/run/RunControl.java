package io.segmenta.run;

import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Progress reporting and cancellation for one run. Thread-safe: {@link #cancel()} may be called
 * from any thread; the run stops at its next check (between iterations) with a
 * {@link CancellationException}.
 */
public final class RunControl {
  private final ProgressListener listener;
  private volatile boolean cancelled;

  public RunControl(ProgressListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** No progress, no cancellation from outside. */
  public static RunControl none() {
    return new RunControl(ProgressListener.NONE);
  }

  public ProgressListener listener() {
    return listener;
  }

  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled || Thread.currentThread().isInterrupted();
  }

  /** Throws {@link CancellationException} if the run was cancelled or its thread interrupted. */
  public void checkCancelled() {
    if (isCancelled()) throw new CancellationException("run cancelled");
  }
}
