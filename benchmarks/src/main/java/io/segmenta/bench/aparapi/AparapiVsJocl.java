package io.segmenta.bench.aparapi;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import io.segmenta.datasets.Blobs;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code BenchMain aparapi [n d k reps]}: the same K-Means step through the engine's JOCL kernel
 * and through Aparapi, on the same OpenCL device (the first one Aparapi lists, a GPU if any),
 * after warm-up; prints medians and checks that both agree.
 */
public final class AparapiVsJocl {
  private AparapiVsJocl() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Blobs b = Blobs.generate(n, d, k, 1.0, 10.0, 7);
    double[] c = new double[k * d];
    for (int i = 0; i < c.length; i++) c[i] = b.values()[i];
    List<OpenCLDevice> gpus = OpenCLDevice.listDevices(Device.TYPE.GPU);
    List<OpenCLDevice> cpus = OpenCLDevice.listDevices(Device.TYPE.CPU);
    OpenCLDevice dev = !gpus.isEmpty() ? gpus.get(0) : cpus.get(0);
    KMeansStepResult jr = new KMeansStepResult(k, d), ar = new KMeansStepResult(k, d);
    double[] jt = new double[reps], at = new double[reps];
    int[] jl = new int[n], al = new int[n];
    String joclDevice;
    try (ComputeBackend be = Backends.open(BackendChoice.OPENCL, BackendOptions.DEFAULTS);
         DeviceMatrix x = be.upload(HostMatrix.ofRowMajor(b.values(), n, d), null);
         Assignments asg = be.newAssignments(n);
         AparapiKMeansStep ap = new AparapiKMeansStep(dev, b.values(), n, d, k)) {
      joclDevice = be.info().device();
      for (int w = 0; w < 3; w++) {
        be.kmeansStep(x, c, k, asg, jr);
        ap.step(c, al, ar);
      }
      for (int r = 0; r < reps; r++) {
        long t = System.nanoTime();
        be.kmeansStep(x, c, k, asg, jr);
        jt[r] = (System.nanoTime() - t) / 1e6;
        t = System.nanoTime();
        ap.step(c, al, ar);
        at[r] = (System.nanoTime() - t) / 1e6;
      }
      asg.copyLabels(0, jl, 0, n);
      int same = 0;
      for (int i = 0; i < n; i++) if (jl[i] == al[i]) same++;
      Arrays.sort(jt);
      Arrays.sort(at);
      System.out.printf(Locale.ROOT, "n=%d d=%d k=%d, %d timed steps after 3 warm-up%n", n, d, k, reps);
      System.out.printf(Locale.ROOT, "JOCL kernel   on %s: median %.2f ms per step (min %.2f)%n", joclDevice, jt[reps / 2], jt[0]);
      System.out.printf(Locale.ROOT, "Aparapi       on %s: median %.2f ms per step (min %.2f)%n", ap.executionMode(), at[reps / 2], at[0]);
      System.out.printf(Locale.ROOT, "labels equal: %d of %d; inertia JOCL %.9e, Aparapi %.9e (rel. diff %.1e)%n", same, n, jr.inertia,
          ar.inertia, Math.abs(jr.inertia - ar.inertia) / jr.inertia);
    }
  }
}
