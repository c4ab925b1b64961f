package io.segmenta.cpu;

import java.lang.System.Logger.Level;

/**
 * Loads the Vector API kernels when {@code jdk.incubator.vector} is in the boot layer, else the
 * scalar path, and logs why once. The Vector API class is reached only by name, so this module
 * links and runs on a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorSupport {
  private static final System.Logger LOG = System.getLogger(VectorSupport.class.getName());

  private VectorSupport() {}

  /** The best kernels this JVM can run (computed once). */
  static CpuKernels best() {
    return Holder.BEST;
  }

  /** Why the Vector API path is not used, or {@code null} when it is. */
  static String fallbackReason() {
    return Holder.REASON;
  }

  private static final class Holder {
    static final String REASON;
    static final CpuKernels BEST;

    static {
      String reason = null;
      CpuKernels k = null;
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        reason = "module jdk.incubator.vector is not in the boot layer (start the JVM with "
            + "--add-modules jdk.incubator.vector)";
      } else if (Boolean.getBoolean("segmenta.vector.disable")) {
        reason = "disabled by -Dsegmenta.vector.disable=true";
      } else {
        try {
          k = (CpuKernels) Class.forName("io.segmenta.cpu.VectorKernels").getDeclaredConstructor().newInstance();
          if (k.blockRows() < 4) {
            reason = "the preferred vector species has only " + k.blockRows() + " float lanes";
            k = null;
          }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
          reason = "the Vector API kernels failed to load: " + e;
        }
      }
      if (k == null) {
        LOG.log(Level.WARNING, "CPU backend falls back to the scalar path: " + reason);
        k = new ScalarKernels();
      }
      REASON = reason;
      BEST = k;
    }
  }
}
