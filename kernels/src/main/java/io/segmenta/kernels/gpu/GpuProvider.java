package io.segmenta.kernels.gpu;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.BackendProvider;
import io.segmenta.kernels.ComputeBackend;

/**
 * What the CUDA and OpenCL providers share: each serves the one choice of its name, probes without
 * throwing (a missing driver library, a {@link LinkageError}, is "unavailable" with the reason), and
 * opens a {@link GpuBackend} over its device layer.
 */
public abstract class GpuProvider implements BackendProvider {
  private final BackendKind kind;
  private final BackendChoice choice;
  private final String api;

  /** @param api the API's name in messages */
  protected GpuProvider(BackendKind kind, String api) {
    this.kind = kind;
    this.api = api;
    this.choice = BackendChoice.valueOf(kind.name());
  }

  @Override
  public final BackendKind kind() {
    return kind;
  }

  @Override
  public final boolean serves(BackendChoice c) {
    return c == choice;
  }

  @Override
  public final Availability probe(BackendChoice c) {
    return probe(c, BackendOptions.DEFAULTS);
  }

  @Override
  public final Availability probe(BackendChoice c, BackendOptions options) {
    try {
      return find(c, options);
    } catch (LinkageError e) {
      return Availability.no(noDriver(e));
    } catch (RuntimeException e) {
      return Availability.no(api + " probe failed: " + e.getMessage());
    }
  }

  @Override
  public final ComputeBackend open(BackendChoice c, BackendOptions options) {
    return new GpuBackend(openDevice(c, options));
  }

  /** Whether a device this provider would open for {@code c} is here; may throw {@link LinkageError}. */
  protected abstract Availability find(BackendChoice c);

  /** As {@link #find(BackendChoice)} for the device {@code options} name; by default, any device. */
  protected Availability find(BackendChoice c, BackendOptions options) {
    return find(c);
  }

  /** The reason given when the API's native library cannot be loaded. */
  protected abstract String noDriver(LinkageError e);

  /** Opens the device layer for {@code c}. */
  protected abstract Device openDevice(BackendChoice c);

  /** Opens the device layer for {@code c} on the device {@code options} name; by default, as {@link #openDevice(BackendChoice)}. */
  protected Device openDevice(BackendChoice c, BackendOptions options) {
    return openDevice(c);
  }
}
