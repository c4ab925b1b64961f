package io.segmenta.kernels.gpu;

import io.segmenta.kernels.GpuKernelException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test hook of the GPU backends: with {@code -Dsegmenta.test.fault=KIND:KERNEL[:N]} the N-th
 * (default first) launch of KERNEL, or allocation when KIND is {@code oom}, fails the way the
 * device would fail it: {@code launch} as a failed kernel launch, {@code oom} as an allocation
 * the device refuses. Off (one property read) unless the property is set. The launchers and
 * buffer classes of both backends call it, so the failure travels the same path a real one does.
 */
public final class FaultInjection {
  /** The system property; for example {@code launch:kmeans_assign_update:3} or {@code oom:any}. */
  public static final String PROPERTY = "segmenta.test.fault";

  private static final AtomicInteger LAUNCHES = new AtomicInteger();
  private static final AtomicInteger ALLOCATIONS = new AtomicInteger();

  private FaultInjection() {}

  /** Resets the counters (tests that inject more than once). */
  public static void reset() {
    LAUNCHES.set(0);
    ALLOCATIONS.set(0);
  }

  /** Called before a kernel launch; throws the injected failure when it is due. */
  public static void beforeLaunch(String backend, String kernel) {
    Spec s = spec();
    if (s == null || !s.kind.equals("launch") || !(s.kernel.equals(kernel) || s.kernel.equals("any"))) return;
    if (LAUNCHES.incrementAndGet() == s.nth) {
      throw new GpuKernelException(backend + " kernel " + kernel + " failed: launch failure (injected by " + PROPERTY + ")", null);
    }
  }

  /** Called before a device allocation of {@code bytes}; throws the injected out-of-memory when it is due. */
  public static void beforeAllocation(String backend, long bytes) {
    Spec s = spec();
    if (s == null || !s.kind.equals("oom")) return;
    if (ALLOCATIONS.incrementAndGet() == s.nth) {
      throw new GpuKernelException(backend + " device out of memory allocating " + bytes + " bytes (injected by " + PROPERTY + ")", null);
    }
  }

  private record Spec(String kind, String kernel, int nth) {}

  private static Spec spec() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) return null;
    String[] p = v.strip().split(":");
    if (p.length < 2) throw new IllegalArgumentException(PROPERTY + " must be KIND:KERNEL[:N], got '" + v + "'");
    return new Spec(p[0], p[1], p.length > 2 ? Integer.parseInt(p[2]) : 1);
  }
}
