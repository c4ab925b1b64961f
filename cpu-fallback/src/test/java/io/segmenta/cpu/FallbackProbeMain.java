package io.segmenta.cpu;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;

/** Run in a child JVM by {@link VectorFallbackTest}: prints the backend that {@code cpu} opens. */
public final class FallbackProbeMain {
  private FallbackProbeMain() {}

  public static void main(String[] args) {
    try (ComputeBackend b = Backends.open(BackendChoice.CPU, BackendOptions.DEFAULTS)) {
      System.out.println("backend=" + b.info().name());
    }
  }
}
