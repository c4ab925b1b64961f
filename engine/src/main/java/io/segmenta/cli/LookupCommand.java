package io.segmenta.cli;

import io.segmenta.pipeline.RunOutputs;

import io.segmenta.Segmenta;
import io.segmenta.store.SegmentAssignment;
import io.segmenta.store.SegmentLookup;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segment lookup}: customers' segments in a store's published run. */
@Command(name = "lookup", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
    header = "Print customers' segments from the newest run published into a feature store.",
    description = {"Writes id,segment,distance,version per id to stdout. Exit code 4 when an id is not in the run."})
final class LookupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "The feature store.")
  Path store;

  @Option(names = "--id", required = true, paramLabel = "ID", split = ",", description = "Customer id(s), repeatable or comma-separated.")
  List<String> ids;

  @Override
  public Integer call() {
    int missing = 0;
    try (SegmentLookup lookup = Segmenta.lookup(store)) {
      spec.commandLine().getOut().println("id,segment,distance,version");
      for (String id : ids) {
        Optional<SegmentAssignment> a = lookup.segmentOf(id);
        if (a.isPresent()) {
          spec.commandLine().getOut().println(RunOutputs.csvField(id) + "," + a.get().segment() + "," + a.get().distance() + "," + a.get().version());
        } else {
          missing++;
          spec.commandLine().getErr().println("segment: customer '" + id + "' is not in run " + lookup.version() + " of " + store);
        }
      }
    }
    spec.commandLine().getOut().flush();
    return missing == 0 ? SegmentCli.EXIT_OK : SegmentCli.EXIT_NOT_FOUND;
  }
}
