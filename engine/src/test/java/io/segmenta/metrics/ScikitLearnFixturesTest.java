package io.segmenta.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.data.Dataset;
import io.segmenta.datasets.Uef;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric against reference values made once with scikit-learn 1.2.1 by make_fixtures.py (beside
 * fixtures.json in the test resources), on the UEF sets s1 and a1 with their true labels and with
 * the labels shifted by one row.
 */
class ScikitLearnFixturesTest {

  @Test
  void matchScikitLearn() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("fixtures.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = Pattern.compile("\"set\": \"(\\w+)\",\\s*\"labels\": \"(\\w+)\",\\s*\"calinski_harabasz\": ([-0-9.eE]+),\\s*"
        + "\"davies_bouldin\": ([-0-9.eE]+),\\s*\"silhouette\": ([-0-9.eE]+),\\s*\"ari_vs_truth\": ([-0-9.eE]+),\\s*\"nmi_vs_truth\": ([-0-9.eE]+)")
        .matcher(json);
    int cases = 0;
    try (ComputeBackend be = Backends.open(BackendChoice.CPU, BackendOptions.DEFAULTS)) {
      while (m.find()) {
        Uef set = Uef.valueOf(m.group(1).toUpperCase());
        double[][] pts = set.points();
        float[][] rows = new float[pts.length][];
        for (int i = 0; i < pts.length; i++) rows[i] = new float[] {(float) pts[i][0], (float) pts[i][1]};
        Dataset d = Dataset.of(rows);
        int[] truth = set.labels();
        int[] labels = truth.clone();
        if (m.group(2).equals("shifted")) {
          for (int i = 0; i < truth.length; i++) labels[i] = truth[(i - 1 + truth.length) % truth.length];
        }
        String where = m.group(1) + "/" + m.group(2);
        assertEquals(Double.parseDouble(m.group(3)), ClusterScores.calinskiHarabasz(d, labels), 1e-9 * Double.parseDouble(m.group(3)), where);
        assertEquals(Double.parseDouble(m.group(4)), ClusterScores.daviesBouldin(d, labels), 1e-9, where);
        assertEquals(Double.parseDouble(m.group(5)), Silhouette.exact(be, d, labels), 1e-6, where);
        assertEquals(Double.parseDouble(m.group(6)), AdjustedRandIndex.of(truth, labels), 1e-12, where);
        assertEquals(Double.parseDouble(m.group(7)), ClusterScores.nmi(truth, labels), 1e-12, where);
        cases++;
      }
    }
    assertEquals(4, cases);
  }
}
