package io.segmenta.kernels.gpu;

/**
 * Where a kernel runs: {@code itemsX x itemsY} work-items (threads) in groups (blocks) of {@code
 * groupX x groupY}, the items rounded up to whole groups, and {@code localBytes} of dynamic local
 * (CUDA: shared) memory per group.
 */
public record Geometry(long itemsX, long itemsY, int groupX, int groupY, long localBytes) {
  public Geometry {
    if (itemsX < 1 || itemsY < 1 || groupX < 1 || groupY < 1 || localBytes < 0) throw new IllegalArgumentException("bad launch geometry: " + describe(itemsX, itemsY, groupX, groupY, localBytes));
  }

  /** Groups along x (CUDA's grid x). */
  public int groupsX() {
    return Math.toIntExact((itemsX + groupX - 1) / groupX);
  }

  /** Groups along y. */
  public int groupsY() {
    return Math.toIntExact((itemsY + groupY - 1) / groupY);
  }

  @Override
  public String toString() {
    return describe(itemsX, itemsY, groupX, groupY, localBytes);
  }

  private static String describe(long ix, long iy, int gx, int gy, long local) {
    return ix + "x" + iy + " items in groups of " + gx + "x" + gy + ", " + local + " B of local memory";
  }
}
