package io.segmenta.cpu;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.BackendProvider;
import io.segmenta.kernels.ComputeBackend;

/** Registers the CPU backend: {@code cpu} (Vector API, or scalar as fallback) and {@code scalar}. */
public final class CpuBackendProvider implements BackendProvider {

  @Override
  public BackendKind kind() {
    return BackendKind.CPU;
  }

  @Override
  public boolean serves(BackendChoice choice) {
    return choice == BackendChoice.CPU || choice == BackendChoice.SCALAR;
  }

  @Override
  public Availability probe(BackendChoice choice) {
    return Availability.yes(choice == BackendChoice.SCALAR ? "scalar" : VectorSupport.best().describe());
  }

  @Override
  public ComputeBackend open(BackendChoice choice, BackendOptions options) {
    CpuKernels k = choice == BackendChoice.SCALAR ? new ScalarKernels() : VectorSupport.best();
    return new CpuBackend(k, options.effectiveThreads());
  }

  /** Opens the CPU backend directly (tests and benchmarks). */
  public static ComputeBackend open(boolean vector, int threads) {
    return new CpuBackend(vector ? VectorSupport.best() : new ScalarKernels(), threads);
  }

  /** Opens the CPU backend with a heap budget for resident data; above it, data is streamed (tests). */
  public static ComputeBackend open(boolean vector, int threads, long residentBudgetBytes) {
    return new CpuBackend(vector ? VectorSupport.best() : new ScalarKernels(), threads, residentBudgetBytes);
  }

  /** Why the Vector API is not in use, or {@code null} when it is. */
  public static String vectorFallbackReason() {
    return VectorSupport.fallbackReason();
  }
}
