package io.segmenta.server;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The server's Prometheus metrics, in its own registry: requests and errors by route and status,
 * latency by route, the run version served and failed switches to new runs. Label values come from
 * a fixed set (routes, not paths), so a client cannot grow the series.
 */
final class ServerMetrics {
  /** The routes, as metric labels. */
  enum Route {
    HEALTH("health"), SEGMENT("segment"), RECOMMENDATIONS("recommendations"), PREDICT("predict"), SEGMENTS("segments"),
    OPENAPI("openapi"), METRICS("metrics"), OTHER("other");

    final String label;

    Route(String label) {
      this.label = label;
    }

    /** The route of a request path (without the query). */
    static Route of(String path) {
      return switch (path) {
        case "/v1/health" -> HEALTH;
        case "/v1/predict" -> PREDICT;
        case "/v1/segments" -> SEGMENTS;
        case "/v1/openapi.yaml" -> OPENAPI;
        case "/metrics" -> METRICS;
        case "/v1/customers/segment" -> SEGMENT;
        case "/v1/customers/recommendations" -> RECOMMENDATIONS;
        default -> ServerMetrics.customerRoute(path);
      };
    }
  }

  /** /v1/customers/{id}/segment or /recommendations, with an id of one path segment. */
  private static Route customerRoute(String path) {
    String prefix = "/v1/customers/";
    if (!path.startsWith(prefix)) return Route.OTHER;
    int slash = path.indexOf('/', prefix.length());
    if (slash <= prefix.length()) return Route.OTHER;
    return switch (path.substring(slash)) {
      case "/segment" -> Route.SEGMENT;
      case "/recommendations" -> Route.RECOMMENDATIONS;
      default -> Route.OTHER;
    };
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Counter errors;
  private final Map<Route, DistributionDataPoint> latency = new EnumMap<>(Route.class);
  private final Gauge version;
  private final CounterDataPoint switchFailures;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  ServerMetrics() {
    requests = Counter.builder().name("segmenta_http_requests").help("HTTP requests answered, by route and status")
        .labelNames("route", "status").withoutExemplars().register(registry);
    errors = Counter.builder().name("segmenta_http_errors").help("HTTP requests answered with a 4xx or 5xx status, by route and status")
        .labelNames("route", "status").withoutExemplars().register(registry);
    Histogram h = Histogram.builder().name("segmenta_http_request_duration_seconds").help("Time to answer a request, by route")
        .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS).labelNames("route").classicOnly()
        .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
        .withoutExemplars().register(registry);
    for (Route r : Route.values()) latency.put(r, h.labelValues(r.label));
    version = Gauge.builder().name("segmenta_served_run_version").help("The published run version being served").register(registry);
    switchFailures = Counter.builder().name("segmenta_run_switch_failures").help("Newly published runs that could not be opened (the previous run kept)")
        .withoutExemplars().register(registry);
  }

  void observe(Route route, int status, long nanos) {
    String s = Integer.toString(status);
    requests.labelValues(route.label, s).inc();
    if (status >= 400) errors.labelValues(route.label, s).inc();
    latency.get(route).observe(nanos / 1e9);
  }

  void served(long runVersion) {
    version.set(runVersion);
  }

  void switchFailed() {
    switchFailures.inc();
  }

  String contentType() {
    return writer.getContentType();
  }

  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
