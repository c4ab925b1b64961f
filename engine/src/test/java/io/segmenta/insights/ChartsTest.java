package io.segmenta.insights;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.kmeans.ChooseK;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  @TempDir Path dir;

  @Test
  void pcaFindsTheDirectionOfLargestVariance() {
    // Points along (1, 2) with a little noise across it: the first component's scores spread along the line.
    double[][] x = new double[50][];
    for (int i = 0; i < 50; i++) x[i] = new double[] {i, 2 * i + (i % 2 == 0 ? 0.1 : -0.1)};
    double[][] pc = Pca.project2(x);
    double var1 = 0, var2 = 0;
    for (double[] p : pc) {
      var1 += p[0] * p[0];
      var2 += p[1] * p[1];
    }
    assertTrue(var1 > 1000 * var2, "almost all variance on PC 1: " + var1 + " vs " + var2);
    // From (0, 0.1) to (49, 97.9): (49 + 2 * 97.8) / sqrt(5) along (1, 2) / sqrt(5).
    assertEquals((49 + 2 * 97.8) / Math.sqrt(5), Math.abs(pc[49][0] - pc[0][0]), 0.05, "PC 1 measures distance along the line");
  }

  @Test
  void kneedleKnownAnswer() {
    // Inertia 100, 50, 30, 25, 22, 20 for k = 1..6: scaled gaps 0, .425, .475, .3375, .175, 0.
    double[] in = {100, 50, 30, 25, 22, 20};
    List<ChooseK.Point> curve = new ArrayList<>();
    for (int i = 0; i < in.length; i++) curve.add(new ChooseK.Point(i + 1, in[i], null));
    assertEquals(3, ChooseK.elbow(curve));
  }

  @Test
  void chartsAreWrittenAsPngAndSvg() throws Exception {
    List<ChooseK.Point> curve = List.of(new ChooseK.Point(2, 10, null), new ChooseK.Point(3, 5, null), new ChooseK.Point(4, 4, null));
    List<Path> files = new ArrayList<>(Charts.elbow(curve, 3, dir));
    SegmentProfile p = new SegmentProfile(0, "Loyal", 10, 1.0, new double[] {1}, new double[] {1}, new double[] {0}, new double[] {0.5}, List.of());
    files.addAll(Charts.sizes(List.of(p), dir));
    files.addAll(Charts.topProducts(p, List.of(new TopProducts.Item(0, 1, "P1", "a product", 5, 0.5, 2.0)), 10, dir));
    files.addAll(Charts.migration(List.of("Loyal", "New"), List.of("Loyal", "At risk"), new long[][] {{5, 1}, {0, 3}}, dir));
    files.addAll(Charts.silhouette(new double[] {0.5, 0.4, 0.7, -0.1}, new int[] {0, 0, 0, 0}, List.of(p), dir));
    files.addAll(Charts.pca(new double[][] {{0, 0, 1}, {1, 2, 0}, {2, 4, 1}, {3, 5.5, 0}}, new int[] {0, 0, 0, 0}, List.of(p), dir));
    assertEquals(12, files.size());
    for (Path f : files) {
      byte[] b = Files.readAllBytes(f);
      assertTrue(b.length > 500, f + " has content");
      if (f.toString().endsWith(".png")) {
        assertEquals((byte) 0x89, b[0]);
        assertEquals('P', b[1]);
      } else {
        String svg = new String(b, StandardCharsets.UTF_8);
        assertTrue(svg.contains("<svg"), f + " is SVG");
      }
    }
  }
}
