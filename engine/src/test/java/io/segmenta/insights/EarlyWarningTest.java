package io.segmenta.insights;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyWarningTest {

  @Test
  void ownRhythmForRepeatBuyersSegmentRhythmForOneTimeBuyers() {
    List<String> cols = List.of("recency_days", "frequency", "mean_interpurchase_days");
    // Segment 0: a repeat buyer 50 days past a 20-day rhythm (2.5x: at risk), one 30 past 20 (1.5x: fine).
    // Segment 1: one-time buyers; the segment median gap is 100 (the two repeat buyers); one is 250 days out.
    float[][] rows = {
        {50, 5, 20}, {30, 4, 20},
        {250, 1, 400}, {150, 1, 300}, {10, 3, 100}, {20, 2, 100}};
    Dataset d = Dataset.of(HostMatrix.copyOf(rows), cols, new String[] {"a", "b", "c", "d", "e", "f"}, null);
    int[] labels = {0, 0, 1, 1, 1, 1};
    List<SegmentProfile> p = Profiles.of(d, labels, 2, Map.of(), 1);
    assertEquals(200, p.get(1).median()[2], 1e-9, "segment 1 median gap over 400, 300, 100, 100");
    EarlyWarning.Result r = EarlyWarning.of(d, labels, p, 2.0);
    assertEquals(List.of("a"), r.customers().stream().map(EarlyWarning.AtRisk::id).toList(),
        "a: 50 > 2 x 20 (own); c: 250 < 2 x 200 (segment); d: 150 < 400");
    assertTrue(r.customers().get(0).ownGap());
    assertEquals(0.5, r.shareBySegment()[0], 1e-12);
    assertEquals(0.0, r.shareBySegment()[1], 1e-12);
    EarlyWarning.Result strict = EarlyWarning.of(d, labels, p, 1.2);
    assertEquals(List.of("a", "b", "c"), strict.customers().stream().map(EarlyWarning.AtRisk::id).toList());
  }
}
