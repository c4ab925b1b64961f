package io.segmenta.insights;

import io.segmenta.kmeans.ChooseK;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The run's charts, each written as PNG and SVG (XChart, headless). */
public final class Charts {
  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** The elbow plot: inertia against k, the chosen k marked. Returns the files written. */
  public static List<Path> elbow(List<ChooseK.Point> curve, int chosen, Path dir) {
    XYChart chart = new XYChartBuilder().width(720).height(440).title("Elbow: inertia against k").xAxisTitle("k").yAxisTitle("inertia").build();
    double[] ks = curve.stream().mapToDouble(ChooseK.Point::k).toArray();
    double[] in = curve.stream().mapToDouble(ChooseK.Point::inertia).toArray();
    chart.addSeries("inertia", ks, in).setMarker(SeriesMarkers.CIRCLE);
    for (ChooseK.Point p : curve) {
      if (p.k() == chosen) {
        XYSeries s = chart.addSeries("chosen k = " + chosen, new double[] {p.k()}, new double[] {p.inertia()});
        s.setMarker(SeriesMarkers.DIAMOND);
      }
    }
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    return save(chart, dir.resolve("elbow"));
  }

  /** Segment sizes as bars, labelled by name. */
  public static List<Path> sizes(List<SegmentProfile> profiles, Path dir) {
    CategoryChart chart = new CategoryChartBuilder().width(720).height(440).title("Segment sizes").xAxisTitle("segment").yAxisTitle("customers").build();
    List<String> names = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (SegmentProfile p : profiles) {
      names.add(p.segment() + " " + p.name());
      sizes.add(p.size());
    }
    chart.addSeries("customers", names, sizes);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    return save(chart, dir.resolve("segment-sizes"));
  }

  /** The top products of one segment as horizontal-reading bars of their share. */
  public static List<Path> topProducts(SegmentProfile p, List<TopProducts.Item> items, int top, Path dir) {
    CategoryChart chart = new CategoryChartBuilder().width(960).height(560).title("Top products: " + p.segment() + " " + p.name())
        .xAxisTitle("product").yAxisTitle("share of the segment's customers (%)").build();
    List<String> names = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    for (TopProducts.Item i : items) {
      if (i.segment() != p.segment() || i.rank() > top) continue;
      String label = i.description().isEmpty() ? i.product() : i.description();
      names.add(label.length() > 22 ? label.substring(0, 21) + "~" : label);
      shares.add(100 * i.share());
    }
    if (names.isEmpty()) return List.of();
    chart.addSeries("share", names, shares);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(90);
    // Small enough that every product label fits (XChart drops labels that would overlap).
    chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10));
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    return save(chart, dir.resolve("top-products-" + p.segment()));
  }

  /** The silhouette plot: each segment's points' silhouette values, sorted, side by side. */
  public static List<Path> silhouette(double[] values, int[] labels, List<SegmentProfile> profiles, Path dir) {
    XYChart chart = new XYChartBuilder().width(720).height(440).title("Silhouette (sampled rows)").xAxisTitle("rows, by segment")
        .yAxisTitle("silhouette").build();
    int x = 0;
    for (SegmentProfile p : profiles) {
      List<Double> v = new ArrayList<>();
      for (int i = 0; i < values.length; i++) if (labels[i] == p.segment()) v.add(values[i]);
      if (v.isEmpty()) continue;
      v.sort(java.util.Comparator.reverseOrder());
      double[] xs = new double[v.size()], ys = new double[v.size()];
      for (int i = 0; i < v.size(); i++) {
        xs[i] = x++;
        ys[i] = v.get(i);
      }
      XYSeries s = chart.addSeries(p.segment() + " " + p.name(), xs, ys);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      s.setMarker(SeriesMarkers.NONE);
      x += Math.max(1, values.length / 100); // a gap between segments
    }
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    return save(chart, dir.resolve("silhouette"));
  }

  /** The rows on their first two principal components, coloured by segment. */
  public static List<Path> pca(double[][] rows, int[] labels, List<SegmentProfile> profiles, Path dir) {
    double[][] pc = Pca.project2(rows);
    XYChart chart = new XYChartBuilder().width(720).height(520).title("Segments on the first two principal components (sampled rows)")
        .xAxisTitle("PC 1").yAxisTitle("PC 2").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(4);
    for (SegmentProfile p : profiles) {
      List<double[]> pts = new ArrayList<>();
      for (int i = 0; i < pc.length; i++) if (labels[i] == p.segment()) pts.add(pc[i]);
      if (pts.isEmpty()) continue;
      chart.addSeries(p.segment() + " " + p.name(), pts.stream().mapToDouble(q -> q[0]).toArray(), pts.stream().mapToDouble(q -> q[1]).toArray());
    }
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    return save(chart, dir.resolve("pca"));
  }

  /** The migration between two runs as a heat map of customer counts. */
  public static List<Path> migration(List<String> previous, List<String> current, long[][] counts, Path dir) {
    org.knowm.xchart.HeatMapChart chart = new org.knowm.xchart.HeatMapChartBuilder().width(720).height(520)
        .title("Migration: previous run (rows) to this run (columns)").build();
    List<Number[]> cells = new ArrayList<>();
    for (int i = 0; i < previous.size(); i++) for (int j = 0; j < current.size(); j++) cells.add(new Number[] {j, i, counts[i][j]});
    chart.addSeries("customers", current, previous, cells);
    chart.getStyler().setShowValue(true);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    return save(chart, dir.resolve("migration"));
  }

  /**
   * Java2D's and XChart's first-use costs (fonts, the rasterizer, the PNG and SVG encoders, the
   * classes of the charts drawn here: about a second of one core), paid on a small chart drawn into
   * memory. Meant for a background thread while the run reads its input; never throws.
   */
  public static void warmUp() {
    try {
      XYChart xy = new XYChartBuilder().width(120).height(80).title("w").xAxisTitle("x").yAxisTitle("y").build();
      xy.addSeries("a", new double[] {1, 2, 3}, new double[] {3, 1, 2}).setMarker(SeriesMarkers.CIRCLE);
      XYSeries area = xy.addSeries("b", new double[] {1, 2, 3}, new double[] {1, 2, 1});
      area.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      xy.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
      CategoryChart cat = new CategoryChartBuilder().width(120).height(80).title("w").xAxisTitle("x").yAxisTitle("y").build();
      cat.addSeries("c", List.of("p", "q"), List.of(1.5, 2.5));
      cat.getStyler().setXAxisLabelRotation(90);
      cat.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10));
      for (Chart<?, ?> c : List.<Chart<?, ?>>of(xy, cat)) {
        BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(c, java.io.OutputStream.nullOutputStream(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      // Only a warm-up: the real charts report their own failures.
    }
  }

  private static List<Path> save(Chart<?, ?> chart, Path base) {
    try {
      java.nio.file.Files.createDirectories(base.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
      VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + base + ": " + e.getMessage(), e);
    }
    return List.of(Path.of(base + ".png"), Path.of(base + ".svg"));
  }
}
