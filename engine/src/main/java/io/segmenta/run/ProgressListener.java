package io.segmenta.run;

/** Receives progress of a run; called on the thread that runs it. Must return quickly. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = stats -> {};

  /** After each iteration of each restart. */
  void onIteration(IterationStats stats);
}
