package io.segmenta.pipeline;

import io.segmenta.run.IterationStats;
import java.nio.file.Path;

/** What a run tells its caller while it works: notes for the user and progress. Every method has a silent default. */
public interface RunEvents {
  RunEvents NONE = new RunEvents() {};

  /** A sentence for the user ("k = 5 chosen by the elbow ..."), without a prefix. */
  default void note(String sentence) {}

  /** Progress of a pass over {@code file}; the meter gets the bytes read so far. */
  default Meter bytes(String task, Path file) {
    return Meter.NONE;
  }

  /** Progress of {@code runs} fits of at most {@code maxIter} iterations each. */
  default Meter iterations(String task, int runs, int maxIter) {
    return Meter.NONE;
  }

  /** One progress display; closed when its step ends. */
  interface Meter extends AutoCloseable {
    Meter NONE = new Meter() {};

    default void bytes(long read) {}

    default void iteration(IterationStats stats) {}

    /** The step finished (a fit that converged early leaves steps unused). */
    default void done() {}

    @Override
    default void close() {}
  }
}
