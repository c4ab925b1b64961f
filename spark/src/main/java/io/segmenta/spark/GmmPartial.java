package io.segmenta.spark;

import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** One partition's EM pass (or hard-label moments), as it travels from an executor to the driver (float64). */
final class GmmPartial implements Serializable {
  private static final long serialVersionUID = 1L;
  final double[] weights;
  final double[] sums;
  final double[] squares;
  final double logLikelihood;
  final double totalWeight;

  GmmPartial(GmmStepResult r) {
    this.weights = r.weights.clone();
    this.sums = r.sums.clone();
    this.squares = r.squares.clone();
    this.logLikelihood = r.logLikelihood;
    this.totalWeight = r.totalWeight;
  }

  /**
   * The pass over all partitions: partials added in partition order (whatever order the tasks
   * finished in or the tree combined them) into zeroed moments about {@code origin}, as the CPU
   * backend adds its chunks' partials in chunk order.
   */
  static GmmStepResult combine(TreeMap<Integer, GmmPartial> byPartition, GmmComponents.Form form, int k, int d, double[] origin) {
    GmmStepResult acc = new GmmStepResult(form, k, d);
    for (Map.Entry<Integer, GmmPartial> e : byPartition.entrySet()) {
      GmmPartial p = e.getValue();
      for (int i = 0; i < p.weights.length; i++) acc.weights[i] += p.weights[i];
      for (int i = 0; i < p.sums.length; i++) acc.sums[i] += p.sums[i];
      for (int i = 0; i < p.squares.length; i++) acc.squares[i] += p.squares[i];
      acc.logLikelihood += p.logLikelihood;
      acc.totalWeight += p.totalWeight;
    }
    System.arraycopy(origin, 0, acc.origin, 0, d);
    return acc;
  }
}
