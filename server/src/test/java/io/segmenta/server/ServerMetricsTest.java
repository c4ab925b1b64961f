package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.server.ServerMetrics.Route;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Counts by route and status are exact, whatever the status, and paths map to routes. */
class ServerMetricsTest {
  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void countsByRouteAndStatus() {
    ServerMetrics m = new ServerMetrics();
    for (int i = 0; i < 1000; i++) m.observe(Route.SEGMENT, 200, 50_000);
    for (int i = 0; i < 7; i++) m.observe(Route.SEGMENT, 404, 30_000);
    for (int i = 0; i < 3; i++) m.observe(Route.PREDICT, 413, 10_000);
    m.observe(Route.HEALTH, 200, 2_000_000_000L);
    m.observe(Route.OTHER, 99, 1);
    m.observe(Route.OTHER, 600, 1);
    String t = new String(m.scrape(), StandardCharsets.UTF_8);
    assertEquals(1000, value(t, "segmenta_http_requests_total{route=\"segment\",status=\"200\"}"), t);
    assertEquals(7, value(t, "segmenta_http_requests_total{route=\"segment\",status=\"404\"}"));
    assertEquals(7, value(t, "segmenta_http_errors_total{route=\"segment\",status=\"404\"}"));
    assertEquals(0, value(t, "segmenta_http_errors_total{route=\"segment\",status=\"200\"}"));
    assertEquals(3, value(t, "segmenta_http_errors_total{route=\"predict\",status=\"413\"}"));
    assertEquals(1, value(t, "segmenta_http_requests_total{route=\"health\",status=\"200\"}"));
    assertEquals(1, value(t, "segmenta_http_requests_total{route=\"other\",status=\"99\"}"));
    assertEquals(1, value(t, "segmenta_http_errors_total{route=\"other\",status=\"600\"}"));
    assertEquals(1007, value(t, "segmenta_http_request_duration_seconds_count{route=\"segment\"}"));
    // Buckets count cumulatively: the 404s took less time than the 200s.
    assertEquals(1007, value(t, "segmenta_http_request_duration_seconds_bucket{route=\"segment\",le=\"1.0E-4\"}"), t);
    assertEquals(0, value(t, "segmenta_http_request_duration_seconds_bucket{route=\"health\",le=\"1.0\"}"));
    assertEquals(1, value(t, "segmenta_http_request_duration_seconds_bucket{route=\"health\",le=\"+Inf\"}"));
  }

  @Test
  void pathsMapToRoutes() {
    assertEquals(Route.SEGMENT, Route.of("/v1/customers/c1/segment"));
    assertEquals(Route.SEGMENT, Route.of("/v1/customers/segment"));
    assertEquals(Route.RECOMMENDATIONS, Route.of("/v1/customers/c1/recommendations"));
    assertEquals(Route.RECOMMENDATIONS, Route.of("/v1/customers/recommendations"));
    for (String other : new String[] {"/v1/customers//segment", "/v1/customers/c1/segments", "/v1/customers/c1/segmen", "/v1/customers/a/b/segment",
        "/v1/customers/c1/", "/v1/customers/c1", "/v1/customers/", "/v2/customers/c1/segment", "/v1/customers/c1/recommendation"}) {
      assertEquals(Route.OTHER, Route.of(other), other);
    }
    assertEquals(Route.HEALTH, Route.of("/v1/health"));
    assertEquals(Route.PREDICT, Route.of("/v1/predict"));
  }
}
