package io.segmenta.spark;

import io.segmenta.kernels.KMeansStepResult;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** One partition's K-Means step result, as it travels from an executor to the driver (float64). */
final class StepPartial implements Serializable {
  private static final long serialVersionUID = 1L;
  final double[] sums;
  final double[] weights;
  final long[] counts;
  final double inertia;
  final long changed;
  /** Where the step ran: the executor's id and its backend's name, e.g. {@code 1=cpu-vector}; empty for an empty block. */
  final String ranOn;

  StepPartial(KMeansStepResult r) {
    this(r, "");
  }

  StepPartial(KMeansStepResult r, String ranOn) {
    this.sums = r.sums.clone();
    this.weights = r.weights.clone();
    this.counts = r.counts.clone();
    this.inertia = r.inertia;
    this.changed = r.changed;
    this.ranOn = ranOn;
  }

  void addTo(KMeansStepResult acc) {
    for (int i = 0; i < sums.length; i++) acc.sums[i] += sums[i];
    for (int c = 0; c < weights.length; c++) {
      acc.weights[c] += weights[c];
      acc.counts[c] += counts[c];
    }
    acc.inertia += inertia;
    acc.changed += changed;
  }

  /**
   * The step over all partitions: partials added in partition order, whatever order the tasks
   * finished in or the tree combined them, so the same input gives the same bits.
   */
  static KMeansStepResult combine(TreeMap<Integer, StepPartial> byPartition, int k, int d) {
    KMeansStepResult acc = new KMeansStepResult(k, d);
    for (Map.Entry<Integer, StepPartial> e : byPartition.entrySet()) e.getValue().addTo(acc);
    return acc;
  }
}
