package io.segmenta.cli;

import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.List;
import picocli.CommandLine.Option;

/** Preprocessing fitted before clustering (log1p, then scaling); shared by every algorithm command. */
final class ScalingArgs {
  @Option(names = "--log1p", split = ",", paramLabel = "COL",
      description = "Columns to log-transform (log1p) before scaling, for skewed features such as spend; values must exceed -1.")
  List<String> log1p;

  @Option(names = "--auto-log1p", paramLabel = "SKEW",
      description = "Also log-transform every column whose skewness exceeds SKEW (1.0 is a usual choice) and whose values exceed -1.")
  Double autoLog1p;

  @Option(names = "--scale", paramLabel = "METHOD", defaultValue = "none",
      description = "Column scaling before clustering: none, standard, minmax or robust (default: ${DEFAULT-VALUE}).")
  String scale;

  ScaleMethod method() {
    return ScaleMethod.parse(scale);
  }

  Log1p log1p() {
    return new Log1p(log1p == null ? List.of() : log1p, autoLog1p == null ? Double.NaN : autoLog1p);
  }
}
