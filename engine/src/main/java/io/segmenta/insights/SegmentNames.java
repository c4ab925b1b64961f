package io.segmenta.insights;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Descriptive segment names, derived from the profiles by fixed rules.
 *
 * <p>Over RFM features (a {@code recency_days} and a {@code frequency} column, and optionally
 * {@code monetary}, {@code tenure_days} and {@code return_rate}), each segment's median is placed in
 * the population as a percentile; r = 1 - percentile of recency (recent is high), f and m those of
 * frequency and monetary value. The first rule that holds names the segment:
 * <ol>
 *   <li><b>Returners</b>: the segment's mean return rate is at least 0.3;
 *   <li><b>Champions</b>: r, f and m all at least 0.6;
 *   <li><b>Loyal</b>: f at least 0.6 and r at least 0.4;
 *   <li><b>New</b>: f below 0.5 and, with a {@code tenure_days} column, a tenure percentile of at
 *       most 0.35 (without one: r at least 0.6);
 *   <li><b>At risk</b>: r below 0.4 while f or m is at least 0.5 (they used to buy well);
 *   <li><b>Big spenders</b>: m at least 0.6 (and f below 0.6);
 *   <li><b>Hibernating</b>: r below 0.4 (and f, m below 0.5);
 *   <li><b>Regular</b>: everything else.
 * </ol>
 * Without RFM columns, a segment is named after its two most distinguishing features ("high
 * income, low spending"). Two segments with one name are numbered by size ("Loyal", "Loyal 2").
 * The user's names replace the derived ones.
 */
public final class SegmentNames {
  private SegmentNames() {}

  static List<SegmentProfile> name(List<SegmentProfile> profiles, List<String> columns, Map<Integer, String> overrides) {
    int rec = columns.indexOf("recency_days"), freq = columns.indexOf("frequency"), mon = columns.indexOf("monetary"),
        ret = columns.indexOf("return_rate"), ten = columns.indexOf("tenure_days");
    boolean rfm = rec >= 0 && freq >= 0;
    List<String> base = new ArrayList<>();
    for (SegmentProfile p : profiles) {
      String n;
      if (p.size() == 0) n = "Empty";
      else if (rfm) n = rfmName(p, rec, freq, mon, ret, ten);
      else n = capitalise(String.join(", ", p.distinguishing().subList(0, Math.min(2, p.distinguishing().size()))));
      base.add(n);
    }
    // Number repeated names by segment size, largest first.
    Map<String, Integer> seen = new HashMap<>();
    List<Integer> bySize = new ArrayList<>();
    for (int i = 0; i < profiles.size(); i++) bySize.add(i);
    bySize.sort((a, b) -> Long.compare(profiles.get(b).size(), profiles.get(a).size()));
    String[] names = new String[profiles.size()];
    for (int i : bySize) {
      int c = seen.merge(base.get(i), 1, Integer::sum);
      names[i] = c == 1 ? base.get(i) : base.get(i) + " " + c;
    }
    List<SegmentProfile> out = new ArrayList<>();
    for (int i = 0; i < profiles.size(); i++) {
      SegmentProfile p = profiles.get(i);
      String nm = overrides != null && overrides.containsKey(p.segment()) ? overrides.get(p.segment()) : names[i];
      out.add(new SegmentProfile(p.segment(), nm, p.size(), p.share(), p.mean(), p.median(), p.z(), p.percentile(), p.distinguishing()));
    }
    return out;
  }

  private static String rfmName(SegmentProfile p, int rec, int freq, int mon, int ret, int ten) {
    double r = 1 - p.percentile()[rec];
    double f = p.percentile()[freq];
    double m = mon >= 0 ? p.percentile()[mon] : 0.5;
    if (ret >= 0 && p.mean()[ret] >= 0.3) return "Returners";
    if (r >= 0.6 && f >= 0.6 && m >= 0.6) return "Champions";
    if (f >= 0.6 && r >= 0.4) return "Loyal";
    if (f < 0.5 && (ten >= 0 ? p.percentile()[ten] <= 0.35 : r >= 0.6)) return "New";
    if (r < 0.4 && (f >= 0.5 || m >= 0.5)) return "At risk";
    if (m >= 0.6) return "Big spenders";
    if (r < 0.4) return "Hibernating";
    return "Regular";
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
