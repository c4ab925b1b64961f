package io.segmenta.pipeline;

import io.segmenta.insights.SegmentProfile;
import io.segmenta.kmeans.KMeansResult;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link KMeansPipeline} run produced, once its outputs are in place.
 *
 * @param result the kept model, labels and distances
 * @param columns the feature columns
 * @param profiles each segment's size, name and statistics
 * @param out the output directory (as the job named it)
 * @param report the HTML report under {@code out}
 * @param publishedVersion the version the assignments were published as in the store, or -1 (no store)
 * @param phases seconds per step
 */
public record KMeansRun(KMeansResult result, List<String> columns, List<SegmentProfile> profiles, Path out, Path report,
                        long publishedVersion, Phases phases) {
  public KMeansRun {
    columns = List.copyOf(columns);
    profiles = List.copyOf(profiles);
  }
}
