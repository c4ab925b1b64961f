package io.segmenta.kernels;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a {@link BackendChoice} to an open {@link ComputeBackend}.
 *
 * <p>{@code auto} tries CUDA, then OpenCL (GPU devices only), then the CPU, and logs once why each
 * earlier one was passed over. An explicit choice that cannot run fails with
 * {@link BackendUnavailableException}, never silently falls back. The system property
 * {@code segmenta.backend} overrides {@code auto}.
 */
public final class Backends {
  private static final System.Logger LOG = System.getLogger(Backends.class.getName());
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private Backends() {}

  /** Opens the backend for {@code choice}. */
  public static ComputeBackend open(BackendChoice choice, BackendOptions options) {
    return open(choice, options, m -> {});
  }

  /**
   * As {@link #open(BackendChoice, BackendOptions)}, also telling {@code passedOver} why {@code auto}
   * passed over each earlier backend (every time, not once per JVM as the log does), so that a
   * caller that opens one backend per device can say which device fell back and why.
   */
  public static ComputeBackend open(BackendChoice choice, BackendOptions options, java.util.function.Consumer<String> passedOver) {
    if (choice == BackendChoice.AUTO) {
      String forced = System.getProperty("segmenta.backend");
      if (forced != null && !forced.isBlank()) choice = BackendChoice.parse(forced);
    }
    List<BackendProvider> providers = providers();
    if (choice != BackendChoice.AUTO) {
      List<String> reasons = new ArrayList<>();
      for (BackendProvider p : providers) {
        if (!p.serves(choice)) continue;
        BackendProvider.Availability a = p.probe(choice, options);
        if (a.available()) return p.open(choice, options);
        reasons.add(a.reason());
      }
      throw new BackendUnavailableException("backend '" + choice.label() + "' is not available: "
          + (reasons.isEmpty() ? "no provider for it is on the class path" : String.join("; ", reasons)));
    }
    for (BackendKind kind : BackendKind.values()) {
      BackendChoice asChoice = BackendChoice.valueOf(kind.name());
      boolean any = false;
      for (BackendProvider p : providers) {
        if (p.kind() != kind || !p.serves(asChoice)) continue;
        any = true;
        BackendProvider.Availability a = p.probe(BackendChoice.AUTO, options);
        if (a.available()) return p.open(asChoice, options);
        passedOver(kind, options, a.reason(), passedOver);
      }
      if (!any) passedOver(kind, options, "no provider on the class path", passedOver);
    }
    throw new BackendUnavailableException("no compute backend is available (not even the CPU one: "
        + "is segmenta-cpu-fallback on the class path?)");
  }

  /** The providers on the class path, in {@link BackendKind} order. */
  public static List<BackendProvider> providers() {
    List<BackendProvider> list = new ArrayList<>();
    ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
    list.sort(Comparator.comparing(BackendProvider::kind));
    return list;
  }

  private static void passedOver(BackendKind kind, BackendOptions options, String reason, java.util.function.Consumer<String> to) {
    String device = options.device() >= 0 && kind == BackendKind.CUDA ? " (device " + options.device() + ")" : "";
    String message = "auto: passed over " + kind.name().toLowerCase() + device + ": " + reason;
    to.accept(message);
    // Once per backend and device: each executor's device is worth one line, not one per task.
    if (LOGGED.add(kind.name() + device)) LOG.log(Level.INFO, message);
  }
}
