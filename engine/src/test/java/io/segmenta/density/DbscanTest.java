package io.segmenta.density;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.datasets.Uef;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** DBSCAN against scikit-learn's labels and core points (fixtures made by make_fixtures.py). */
class DbscanTest {

  static int[] ints(String s) {
    if (s.isBlank()) return new int[0];
    String[] p = s.split(",");
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) out[i] = Integer.parseInt(p[i].strip());
    return out;
  }

  @Test
  void sameClustersNoiseAndCorePointsAsScikitLearn() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("fixtures.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    double[][] pts = Uef.S1.points();
    int n = (pts.length + 4) / 5;
    float[][] two = new float[n][], four = new float[n][];
    for (int i = 0; i < n; i++) {
      float x = (float) pts[5 * i][0], y = (float) pts[5 * i][1];
      two[i] = new float[] {x, y};
      four[i] = new float[] {x, y, x + y, x - y}; // float32 arithmetic, as numpy's
    }
    Matcher m = Pattern.compile("\"name\": \"([\\w-]+)\", \"eps\": ([0-9.]+), \"min_samples\": (\\d+), \"labels\": \\[([^\\]]*)\\], \"core\": \\[([^\\]]*)\\]")
        .matcher(json);
    int cases = 0;
    while (m.find()) {
      Dataset d = Dataset.of(m.group(1).contains("4d") ? four : two);
      Dbscan.Result r = Dbscan.fit(d, Double.parseDouble(m.group(2)), Integer.parseInt(m.group(3)));
      assertArrayEquals(ints(m.group(4)), r.labels(), m.group(1) + ": labels, cluster numbers and noise");
      List<Integer> core = new ArrayList<>();
      for (int i = 0; i < n; i++) if (r.core()[i]) core.add(i);
      assertArrayEquals(ints(m.group(5)), core.stream().mapToInt(Integer::intValue).toArray(), m.group(1) + ": core points");
      cases++;
    }
    assertEquals(3, cases);
  }

  @Test
  void badParametersAreNamed() {
    Dataset d = Dataset.of(new float[][] {{0}, {1}});
    assertTrue(assertThrows(InvalidInputException.class, () -> Dbscan.fit(d, 0, 3)).getMessage().contains("eps"));
    assertTrue(assertThrows(InvalidInputException.class, () -> Dbscan.fit(d, 1, 0)).getMessage().contains("minPts"));
  }
}
