package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.gpu.GmmLayout;
import jcuda.Pointer;

/** The components of one pass on the device: centred means, precision factors, normalisers, moment pairs. */
final class GmmBuffers implements AutoCloseable {
  final DeviceBuffer mu;
  final DeviceBuffer pc;
  final DeviceBuffer lnorm;
  final DeviceBuffer pairs;
  final int k;
  final boolean full;
  final int moments;

  GmmBuffers(GmmComponents g, GmmLayout layout, double[] mean) {
    k = g.k();
    full = g.form() == GmmComponents.Form.FULL;
    moments = layout.moments;
    float[] m = io.segmenta.kernels.gpu.StepLayout.centredCentroids(g.means(), g.k(), g.d(), mean);
    float[] p = GmmLayout.toFloat(g.precisionCholesky());
    float[] l = GmmLayout.toFloat(g.logNorm());
    DeviceBuffer a = null, b = null, c = null, e = null;
    try {
      a = new DeviceBuffer((long) m.length * Float.BYTES);
      cuMemcpyHtoD(a.ptr(), Pointer.to(m), (long) m.length * Float.BYTES);
      b = new DeviceBuffer((long) p.length * Float.BYTES);
      cuMemcpyHtoD(b.ptr(), Pointer.to(p), (long) p.length * Float.BYTES);
      c = new DeviceBuffer((long) l.length * Float.BYTES);
      cuMemcpyHtoD(c.ptr(), Pointer.to(l), (long) l.length * Float.BYTES);
      e = new DeviceBuffer((long) layout.pairs.length * Integer.BYTES);
      cuMemcpyHtoD(e.ptr(), Pointer.to(layout.pairs), (long) layout.pairs.length * Integer.BYTES);
    } catch (RuntimeException ex) {
      for (DeviceBuffer d : new DeviceBuffer[] {a, b, c, e}) if (d != null) d.close();
      throw ex;
    }
    mu = a;
    pc = b;
    lnorm = c;
    pairs = e;
  }

  @Override
  public void close() {
    mu.close();
    pc.close();
    lnorm.close();
    pairs.close();
  }
}
