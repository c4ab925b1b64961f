package io.segmenta.cli;

import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Parses {@code --k N | auto | auto:MIN-MAX} into the range of k to fit. */
final class KArgs {
  private KArgs() {}

  /** {@code {k, k}} for a number, {@code {lo, hi}} for a sweep ({@code auto} is 2..10). */
  static int[] range(CommandSpec spec, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (v.equals("auto")) return new int[] {2, 10};
      if (v.startsWith("auto:")) {
        String[] r = v.substring(5).split("-");
        int lo = Integer.parseInt(r[0].strip()), hi = Integer.parseInt(r[1].strip());
        if (lo < 1 || hi <= lo) throw new ParameterException(spec.commandLine(), "--k auto:MIN-MAX needs 1 <= MIN < MAX, got " + value);
        return new int[] {lo, hi};
      }
      int k = Integer.parseInt(v);
      if (k < 1) throw new ParameterException(spec.commandLine(), "--k must be >= 1, got " + k);
      return new int[] {k, k};
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new ParameterException(spec.commandLine(), "--k: expected a number, auto or auto:MIN-MAX, got '" + value + "'");
    }
  }
}
