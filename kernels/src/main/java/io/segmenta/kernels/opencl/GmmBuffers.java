package io.segmenta.kernels.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueWriteBuffer;

import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.gpu.GmmLayout;
import org.jocl.Pointer;

/** The components of one pass on the device: centred means, precision factors, normalisers, moment pairs. */
final class GmmBuffers implements AutoCloseable {
  private final ClBuffer mu;
  private final ClBuffer pc;
  private final ClBuffer lnorm;
  private final ClBuffer pairs;
  private final int k;
  private final boolean full;
  private final int moments;

  GmmBuffers(OpenClContext ctx, GmmComponents g, GmmLayout layout, double[] mean) {
    k = g.k();
    full = g.form() == GmmComponents.Form.FULL;
    moments = layout.moments;
    mu = write(ctx, io.segmenta.kernels.gpu.StepLayout.centredCentroids(g.means(), g.k(), g.d(), mean));
    ClBuffer p = null, l = null, q = null;
    try {
      p = write(ctx, GmmLayout.toFloat(g.precisionCholesky()));
      l = write(ctx, GmmLayout.toFloat(g.logNorm()));
      q = new ClBuffer(ctx, (long) layout.pairs.length * Integer.BYTES);
      clEnqueueWriteBuffer(ctx.queue, q.mem(), CL_TRUE, 0, (long) layout.pairs.length * Integer.BYTES, Pointer.to(layout.pairs), 0, null, null);
    } catch (RuntimeException e) {
      mu.close();
      if (p != null) p.close();
      if (l != null) l.close();
      if (q != null) q.close();
      throw e;
    }
    pc = p;
    lnorm = l;
    pairs = q;
  }

  private static ClBuffer write(OpenClContext ctx, float[] v) {
    ClBuffer b = new ClBuffer(ctx, (long) v.length * Float.BYTES);
    try {
      clEnqueueWriteBuffer(ctx.queue, b.mem(), CL_TRUE, 0, (long) v.length * Float.BYTES, Pointer.to(v), 0, null, null);
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
    return b;
  }

  ClBuffer mu() { return mu; }

  ClBuffer pc() { return pc; }

  ClBuffer lnorm() { return lnorm; }

  ClBuffer pairs() { return pairs; }

  int k() { return k; }

  boolean full() { return full; }

  int moments() { return moments; }

  @Override
  public void close() {
    mu.close();
    pc.close();
    lnorm.close();
    pairs.close();
  }
}
