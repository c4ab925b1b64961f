package io.segmenta.kernels.gpu;

/**
 * One launcher per kernel, each naming its kernel, its arguments in the kernel's order and its
 * geometry, for both device layers. The kernels are those of {@code kmeans.cu} and {@code gmm.cu}
 * (src/main/gpu), one text that nvcc compiles for CUDA and the OpenCL driver builds at open.
 */
public final class Launchers {
  /** Module and kernel names of every kernel the backend launches (a test checks each is in its fatbin). */
  private static final String[][] KERNELS = {
      {"kmeans", "kmeans_assign"}, {"kmeans", "kmeans_assign_flat"}, {"kmeans", "kmeans_assign_update"},
      {"kmeans", "kmeans_bucket"}, {"kmeans", "kmeans_partials"}, {"kmeans", "kmeans_reduce"}, {"kmeans", "pairwise_sqdist"},
      {"gmm", "gmm_resp"}, {"gmm", "gmm_moments"}, {"gmm", "gmm_logdens_rows"}};

  /** The fused kernel's own local arrays: the centroid tile (32 x 16 floats) and a counter, rounded up. */
  static final long FUSED_STATIC_LOCAL = 32 * 16 * Float.BYTES + 64;
  /** Output tile of the pairwise kernel (its PT). */
  static final int PAIRWISE_TILE = 16;

  private final Gpu gpu;
  private final Gpu.Kernel assign;
  private final Gpu.Kernel assignUpdate;
  private final Gpu.Kernel bucket;
  private final Gpu.Kernel partials;
  private final Gpu.Kernel reduce;
  private final Gpu.Kernel pairwise;
  private final Gpu.Kernel gmmResp;
  private final Gpu.Kernel gmmMoments;
  private final Gpu.Kernel gmmLogDens;
  private final int group256;
  private final int group128;
  private final int group64;

  /** {module, kernel} of every kernel the launchers launch. */
  public static java.util.List<String[]> kernelNames() {
    return java.util.Arrays.stream(KERNELS).map(String[]::clone).toList();
  }

  /** Kernel {@code name} of {@code module}; it must be listed in {@link #KERNELS}, which the fatbin test reads. */
  private Gpu.Kernel kernel(String module, String name) {
    for (String[] k : KERNELS) if (k[0].equals(module) && k[1].equals(name)) return gpu.kernel(module, name);
    throw new IllegalStateException(module + "/" + name + " is not listed in Launchers.KERNELS");
  }

  Launchers(Gpu gpu) {
    this.gpu = gpu;
    // kmeans_assign (register-tiled centroids staged in local memory) on a GPU; kmeans_assign_flat
    // (plain loops, vectorised across work-items by the compiler) on a CPU device, where local
    // memory and barriers only cost. -Dsegmenta.<backend>.assign=tiled|flat overrides the choice.
    String forced = System.getProperty("segmenta." + gpu.props.id() + ".assign");
    boolean tiled = forced != null ? forced.equals("tiled") : gpu.props.gpu();
    assign = kernel("kmeans", tiled ? "kmeans_assign" : "kmeans_assign_flat");
    assignUpdate = kernel("kmeans", "kmeans_assign_update");
    bucket = kernel("kmeans", "kmeans_bucket");
    partials = kernel("kmeans", "kmeans_partials");
    reduce = kernel("kmeans", "kmeans_reduce");
    pairwise = kernel("kmeans", "pairwise_sqdist");
    gmmResp = kernel("gmm", "gmm_resp");
    gmmMoments = kernel("gmm", "gmm_moments");
    gmmLogDens = kernel("gmm", "gmm_logdens_rows");
    group256 = gpu.group(256);
    group128 = gpu.group(128);
    group64 = gpu.group(64);
  }

  /**
   * {@code kmeans_assign} or {@code kmeans_assign_flat}, one work-item per row: rows [base, base +
   * rows) of the assignments, whose values are {@code data} (column-major, {@code rows} rows).
   */
  void assign(DeviceBuffer data, int rows, int d, long base, DeviceBuffer cen, DeviceBuffer norms, int k, GpuAssignments a,
      DeviceBuffer changed, Device.Queue q) {
    assign.begin().buf(data).i(rows).i(d).buf(cen).buf(norms).i(k).buf(a.labels()).buf(a.dists()).buf(changed).i((int) base)
        .run(new Geometry(rows, 1, group256, 1, 0), q, false);
  }

  /** Dynamic local memory of the fused kernel for k clusters of d columns: the record, four per-row arrays, the cluster offsets. */
  long fusedLocalBytes(int k, int d) {
    long stride = (long) k * (d + 2) + 1;
    return stride * Double.BYTES + group256 * (3L * Integer.BYTES + Float.BYTES) + (k + 1L) * Integer.BYTES;
  }

  /** Whether a partition's record for k clusters of d columns fits in one group's local memory. */
  boolean fusedFits(int k, int d) {
    return fusedLocalBytes(k, d) + FUSED_STATIC_LOCAL <= gpu.props.localMemory();
  }

  /**
   * {@code kmeans_assign_update}: the assignment fused with phase one of the update, one group per
   * update partition holding the partition's record in local memory. Used where it {@link
   * #fusedFits}; elsewhere assign, bucket and partials run as three kernels. Both give the same bits.
   */
  void assignUpdate(DeviceBuffer data, GpuMatrix x, ChunkPlan.Chunk chunk, DeviceBuffer cen, DeviceBuffer norms, GpuAssignments a,
      DeviceBuffer changed, DeviceBuffer part, Device.Queue q) {
    StepLayout l = chunk.layout();
    assignUpdate.begin().buf(data).i(chunk.rows()).i(l.d).buf(cen).buf(norms).i(l.k).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0)
        .buf(a.labels()).buf(a.dists()).buf(changed).i(l.rowsPerPart).buf(part).i(l.stride).i((int) chunk.start()).i(chunk.partBase())
        .run(new Geometry((long) l.parts * group256, 1, group256, 1, fusedLocalBytes(l.k, l.d)), q, false);
  }

  /** {@code kmeans_bucket}: one work-item per update partition (a stable counting sort of its rows by cluster). */
  void bucket(GpuMatrix x, GpuAssignments a, ChunkPlan.Chunk chunk, DeviceBuffer offsets, DeviceBuffer part, Device.Queue q) {
    StepLayout l = chunk.layout();
    bucket.begin().i(chunk.rows()).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).buf(a.labels()).buf(a.dists()).i(l.k)
        .i(l.rowsPerPart).i(l.parts).buf(offsets).buf(a.order()).buf(part).i(l.stride).i((int) chunk.start()).i(chunk.partBase())
        .run(new Geometry(l.parts, 1, group64, 1, 0), q, false);
  }

  /** {@code kmeans_partials}: a (cells x partitions) grid, one work-item per cell of each partition's record. */
  void partials(DeviceBuffer data, GpuMatrix x, GpuAssignments a, ChunkPlan.Chunk chunk, DeviceBuffer offsets, DeviceBuffer part,
      Device.Queue q) {
    StepLayout l = chunk.layout();
    partials.begin().buf(data).i(chunk.rows()).i(x.cols()).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).i(l.k).i(l.rowsPerPart)
        .buf(offsets).buf(a.order()).buf(part).i(l.stride).i((int) chunk.start()).i(chunk.partBase())
        .run(new Geometry(l.cells, l.parts, group128, 1, 0), q, false);
  }

  /** {@code kmeans_reduce}: one work-item per cell, the partitions summed in order; waits for it. */
  void reduce(DeviceBuffer part, int parts, int stride, DeviceBuffer out) {
    reduce.begin().buf(part).i(parts).i(stride).buf(out).run(new Geometry(stride, 1, group256, 1, 0));
  }

  /** {@code pairwise_sqdist}, 16 x 16 output tiles: rows [from, from + count) of {@code data} (column-major, {@code n} rows). */
  void pairwise(DeviceBuffer data, int n, int d, int from, int count, DeviceBuffer cen, DeviceBuffer norms, int m, DeviceBuffer out) {
    pairwise.begin().buf(data).i(n).i(d).i(from).i(count).buf(cen).buf(norms).i(m).buf(out)
        .run(new Geometry(m, count, PAIRWISE_TILE, PAIRWISE_TILE, 0));
  }

  /** {@code gmm_resp}: one work-item per row; responsibilities and row log-likelihoods of a chunk. */
  void gmmResp(DeviceBuffer data, int n, int start, int rows, int d, GpuMatrix x, int wbase, GmmBuffers g, DeviceBuffer resp,
      DeviceBuffer rowll) {
    gmmResp.begin().buf(data).i(n).i(start).i(rows).i(d).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).i(wbase)
        .buf(g.mu()).buf(g.pc()).buf(g.lnorm()).i(g.k()).i(g.full() ? 1 : 0).buf(resp).buf(rowll)
        .run(new Geometry(rows, 1, group128, 1, 0));
  }

  /** {@code gmm_moments}: a (record entries x partitions) grid over one chunk's responsibilities. */
  void gmmMoments(DeviceBuffer data, int n, int start, int rows, int d, GmmBuffers g, DeviceBuffer resp, int rowsPerPart, int parts,
      DeviceBuffer rowll, GpuMatrix x, int wbase, DeviceBuffer part, int stride, int partBase) {
    gmmMoments.begin().buf(data).i(n).i(start).i(rows).i(d).buf(resp).i(g.k()).buf(g.pairs()).i(g.moments()).i(rowsPerPart).buf(rowll)
        .buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).i(wbase).buf(part).i(stride).i(partBase)
        .run(new Geometry(stride, parts, group64, 1, 0));
  }

  /** {@code gmm_logdens_rows}: one work-item per row; log joint densities, row-major. */
  void gmmLogDens(DeviceBuffer data, int n, int start, int rows, int d, GmmBuffers g, DeviceBuffer out) {
    gmmLogDens.begin().buf(data).i(n).i(start).i(rows).i(d).buf(g.mu()).buf(g.pc()).buf(g.lnorm()).i(g.k()).i(g.full() ? 1 : 0).buf(out)
        .run(new Geometry(rows, 1, group128, 1, 0));
  }
}
