package io.segmenta.kernels;

/**
 * Service-provider interface: each backend module registers one through
 * {@code META-INF/services/io.segmenta.kernels.BackendProvider}. {@link Backends} asks each provider
 * whether it can run here and opens the first that can.
 */
public interface BackendProvider {

  /** The family this provider serves. */
  BackendKind kind();

  /** Whether the provider can serve {@code choice} (e.g. CPU serves both CPU and SCALAR). */
  boolean serves(BackendChoice choice);

  /**
   * Probes the machine without side effects beyond loading natives. Must not throw: a missing
   * driver ({@link LinkageError}) or device is reported as unavailable with the reason.
   *
   * @param choice the choice being resolved; under {@code AUTO} a provider may decline devices it
   *     serves only on request (OpenCL on a CPU device)
   */
  Availability probe(BackendChoice choice);

  /**
   * As {@link #probe(BackendChoice)} for the device {@code options} name ({@link
   * BackendOptions#device()}); a provider without devices ignores it.
   */
  default Availability probe(BackendChoice choice, BackendOptions options) {
    return probe(choice);
  }

  /** Opens the backend. Called only after {@link #probe} said it is available. */
  ComputeBackend open(BackendChoice choice, BackendOptions options);

  /** The answer of a probe. */
  record Availability(boolean available, String reason) {
    public static Availability yes(String device) {
      return new Availability(true, device);
    }

    public static Availability no(String reason) {
      return new Availability(false, reason);
    }
  }
}
