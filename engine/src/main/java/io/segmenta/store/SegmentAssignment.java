package io.segmenta.store;

/**
 * One customer's segment in a published run.
 *
 * @param segment the segment, from 0
 * @param distance Euclidean distance to the segment's centroid, in the space the model clusters in
 * @param version the run version it comes from
 */
public record SegmentAssignment(int segment, float distance, long version) {

  static long pack(int segment, float distance) {
    return ((long) segment << 32) | (Float.floatToRawIntBits(distance) & 0xFFFFFFFFL);
  }

  static SegmentAssignment unpack(long v, long version) {
    return new SegmentAssignment((int) (v >>> 32), Float.intBitsToFloat((int) v), version);
  }
}
