package io.segmenta.cli;

import io.segmenta.kernels.BackendChoice;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option parsing shared by the commands, turning bad values into usage errors (exit 2). */
final class Cli {
  private Cli() {}

  /** Whether to draw progress bars: {@code auto} draws them when the JVM has a terminal. */
  static boolean progress(CommandSpec spec, String when) {
    return switch (when.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> System.console() != null && System.console().isTerminal();
      case "always" -> true;
      case "never" -> false;
      default -> throw new ParameterException(spec.commandLine(), "--progress: expected auto, always or never, got '" + when + "'");
    };
  }

  static BackendChoice backend(CommandSpec spec, String value) {
    try {
      return BackendChoice.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--backend: " + e.getMessage());
    }
  }
}
