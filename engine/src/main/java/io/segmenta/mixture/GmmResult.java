package io.segmenta.mixture;

import io.segmenta.kernels.BackendInfo;

/**
 * What a Gaussian mixture fit returns.
 *
 * @param model the fitted model (the initialisation with the highest lower bound)
 * @param labels most probable component of each training row, 0-based
 * @param lowerBounds final lower bound of each initialisation, in order
 * @param backend the backend the fit used
 * @param seconds wall time of the fit, initialisation included
 * @param emSeconds wall time of the EM iterations alone (all initialisations)
 * @param emIterations EM iterations run (all initialisations)
 */
public record GmmResult(GmmModel model, int[] labels, double[] lowerBounds, BackendInfo backend, double seconds,
                        double emSeconds, int emIterations) {

  /** Seconds per EM iteration (one E-step and one M-step over the data). */
  public double secondsPerIteration() {
    return emIterations == 0 ? 0 : emSeconds / emIterations;
  }
}
