package io.segmenta.pipeline;

import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Wall-clock seconds spent in each {@link Phase} of one run. Steps add up when a phase runs more
 * than once; thread-safe, so that steps running side by side can each record their share.
 */
public final class Phases {
  /** Epoch milliseconds at which the command's main method was entered, or -1 (a library call). */
  private static volatile long mainEnteredMillis = -1;

  private final EnumMap<Phase, Double> seconds = new EnumMap<>(Phase.class);
  /** Named parts of a phase ("insights.top_products"), so that a slow phase can be explained. */
  private final Map<String, Double> parts = new LinkedHashMap<>();

  /** Called first thing by a command line's main method, for {@link Phase#JVM_START}. */
  public static void markMain() {
    mainEnteredMillis = System.currentTimeMillis();
  }

  /** An action that may throw, timed as one step. */
  @FunctionalInterface
  public interface Step<T> {
    T run() throws Exception;
  }

  /** Runs {@code step}, adding its wall time to {@code phase}. Exceptions pass through unchanged. */
  public <T> T time(Phase phase, Step<T> step) throws Exception {
    long t0 = System.nanoTime();
    try {
      return step.run();
    } finally {
      add(phase, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** As {@link #time(Phase, Step)} for a step without checked exceptions. */
  public <T> T timeUnchecked(Phase phase, Callable<T> step) {
    long t0 = System.nanoTime();
    try {
      return step.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      add(phase, (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Runs {@code step} as the part {@code name} of {@code phase}, kept under {@code phase.key() + "."
   * + name}: the caller times the phase as a whole, so that its parts add up to at most the phase
   * (parts that run side by side, like the charts, can add up to more).
   */
  public <T> T part(Phase phase, String name, Step<T> step) throws Exception {
    long t0 = System.nanoTime();
    try {
      return step.run();
    } finally {
      addPart(phase, name, (System.nanoTime() - t0) / 1e9);
    }
  }

  private synchronized void addPart(Phase phase, String name, double s) {
    parts.merge(phase.key() + "." + name, s, Double::sum);
  }

  /** The parts recorded by {@link #part}, in the order first seen, by {@code phase.part} key. */
  public synchronized Map<String, Double> parts() {
    return new LinkedHashMap<>(parts);
  }

  public synchronized void add(Phase phase, double s) {
    seconds.merge(phase, s, Double::sum);
  }

  /** Seconds recorded for {@code phase} (0 when it did not run). */
  public synchronized double seconds(Phase phase) {
    return seconds.getOrDefault(phase, 0.0);
  }

  /**
   * Every phase in order, by its summary key: 0 for a step that did not run, and for the JVM start
   * the time from the JVM's start to main (NaN when no main method marked it).
   */
  public synchronized Map<String, Double> snapshot() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Phase p : Phase.values()) out.put(p.key(), p == Phase.JVM_START ? jvmStartToMain() : seconds.getOrDefault(p, 0.0));
    return out;
  }

  /** Seconds from the JVM's start time to {@link #markMain()}, NaN without one. */
  public static double jvmStartToMain() {
    long main = mainEnteredMillis;
    if (main < 0) return Double.NaN;
    return Math.max(0, main - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
  }

  /** One line per phase, for {@code --verbose}. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : snapshot().entrySet()) {
      sb.append(String.format(java.util.Locale.ROOT, "  %-18s %8.3f s%n", e.getKey(), e.getValue()));
      String prefix = e.getKey() + ".";
      for (Map.Entry<String, Double> st : parts().entrySet()) {
        if (st.getKey().startsWith(prefix)) {
          sb.append(String.format(java.util.Locale.ROOT, "    %-24s %8.3f s%n", st.getKey().substring(prefix.length()), st.getValue()));
        }
      }
    }
    return sb.toString();
  }
}
