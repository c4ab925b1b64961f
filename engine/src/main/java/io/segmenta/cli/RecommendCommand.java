package io.segmenta.cli;

import io.segmenta.pipeline.RunOutputs;

import io.segmenta.Segmenta;
import io.segmenta.store.Recommender;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segment recommend}: products for a customer, from their segment's favourites they have not bought. */
@Command(name = "recommend", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
    header = "Recommend products to a customer: their segment's most characteristic products (by lift) not bought yet.",
    description = {"Needs a run published from a transaction log (segment kmeans --transactions ...). Prints",
        "id,segment,rank,product,description,lift,share. Exit code 4 when the id is not in the run."})
final class RecommendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "The feature store of the run.")
  Path store;

  @Option(names = "--id", required = true, paramLabel = "ID", description = "The customer id.")
  String id;

  @Option(names = "--n", defaultValue = "5", paramLabel = "N", description = "How many products (default: ${DEFAULT-VALUE}).")
  int n;

  @Override
  public Integer call() {
    try (Recommender r = Segmenta.recommender(store)) {
      Optional<List<Recommender.Recommendation>> recs = r.recommend(id, n);
      if (recs.isEmpty()) {
        spec.commandLine().getErr().println("segment: customer '" + id + "' is not in the published run of " + store);
        return SegmentCli.EXIT_NOT_FOUND;
      }
      int segment = r.segmentOf(id).orElseThrow().segment();
      spec.commandLine().getOut().println("id,segment,rank,product,description,lift,share");
      int rank = 1;
      for (Recommender.Recommendation x : recs.get()) {
        spec.commandLine().getOut().printf(Locale.ROOT, "%s,%d,%d,%s,%s,%.3f,%.4f%n", RunOutputs.csvField(id), segment, rank++,
            RunOutputs.csvField(x.product()), RunOutputs.csvField(x.description()), x.lift(), x.share());
      }
      spec.commandLine().getOut().flush();
    }
    return SegmentCli.EXIT_OK;
  }
}
