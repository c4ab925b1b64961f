package io.segmenta.kernels.gpu;

/** Memory that is freed once, on the first close; a use after that is an error. */
public abstract class Freeable implements AutoCloseable {
  private boolean freed;

  /** Throws when the memory was freed: a handle must not outlive its memory. */
  protected final void checkLive() {
    if (freed) throw new IllegalStateException(getClass().getSimpleName() + " already freed");
  }

  /** Frees the memory; called once. */
  protected abstract void free();

  @Override
  public final void close() {
    if (!freed) {
      freed = true;
      free();
    }
  }
}
