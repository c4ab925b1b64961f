package io.segmenta.cpu;

/**
 * One chunk of resident rows in a kernel's layout.
 *
 * @param data the packed values (layout owned by the kernel that packed it)
 * @param norms per-row squared norms of the centred row, or {@code null} if the kernel needs none
 * @param weights per-row sample weights, or {@code null} for unit weights
 * @param rows valid rows in this chunk (the packed arrays may be padded past it)
 */
record CpuChunk(float[] data, float[] norms, float[] weights, int rows) {}
