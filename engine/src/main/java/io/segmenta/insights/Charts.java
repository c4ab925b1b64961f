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
