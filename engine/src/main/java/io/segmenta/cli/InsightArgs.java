package io.segmenta.cli;

import picocli.CommandLine.Option;

/** Options of the segment insights (names, early warning) that K-Means runs write. */
final class InsightArgs {
  @Option(names = "--names", split = ",", paramLabel = "SEG=NAME",
      description = "Segment names that replace the derived ones, e.g. 0=VIP,3=Dormant.")
  java.util.Map<Integer, String> names;

  @Option(names = "--risk-multiple", defaultValue = "2.0", paramLabel = "M",
      description = "Early warning: a customer is at risk when their recency exceeds M times their typical gap between purchases "
          + "(default: ${DEFAULT-VALUE}).")
  double riskMultiple;
}
