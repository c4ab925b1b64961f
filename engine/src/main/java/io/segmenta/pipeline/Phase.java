package io.segmenta.pipeline;

/** The named steps of a run, in the order they run; each is timed into {@link Phases}. */
public enum Phase {
  /** From the JVM's start (RuntimeMXBean) to the command's main method: JVM boot, class loading. */
  JVM_START("jvm_start_to_main"),
  /** Reading the rows: a feature table, a store, or the aggregation of a transaction log into one. */
  READ("read"),
  /** Fitting and applying the preprocessing (log1p, scaling), once for every k of a sweep. */
  PREPROCESS("preprocess"),
  /** The model fits (every restart, every k of a sweep). */
  FIT("fit"),
  /** Profiles, names, top products, early warning, migration, quality scores. */
  INSIGHTS("insights"),
  /** The PNG and SVG charts. */
  CHARTS("charts"),
  /** segments.md and report.html. */
  REPORT("report"),
  /** Publishing the assignments into the store for lookups. */
  PUBLISH("publish"),
  /** assignments.csv, centroids.csv, profiles.csv, the model file and summary.json. */
  WRITE("write");

  private final String key;

  Phase(String key) {
    this.key = key;
  }

  /** The name in summary.json's {@code phases} object. */
  public String key() {
    return key;
  }
}
