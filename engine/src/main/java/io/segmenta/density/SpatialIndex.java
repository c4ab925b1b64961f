package io.segmenta.density;

import java.util.function.IntConsumer;

/** Points within a radius of a point (the point itself included), without storing neighbour lists. */
interface SpatialIndex {
  void within(int i, double radius, IntConsumer out);
}
