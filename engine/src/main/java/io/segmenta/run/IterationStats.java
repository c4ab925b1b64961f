package io.segmenta.run;

/**
 * One iteration of one restart.
 *
 * @param restart 0-based restart index
 * @param restarts number of restarts in the run
 * @param iteration 1-based iteration within the restart
 * @param maxIterations the iteration cap
 * @param inertia inertia against the centroids before this iteration's update
 * @param shift squared centroid shift of this update, relative to the tolerance scale
 * @param changed rows whose label changed in this iteration
 * @param seconds wall time of this iteration
 */
public record IterationStats(int restart, int restarts, int iteration, int maxIterations,
                             double inertia, double shift, long changed, double seconds) {}
