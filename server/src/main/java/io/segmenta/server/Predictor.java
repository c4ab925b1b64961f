package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * POST /v1/predict: reads {@code {"rows": [...]}} (each row an array of the model's columns in order,
 * or an object of column name to value, in the input's units), checks every value, and assigns the
 * rows with the published model through the engine (the model's log1p and scaling applied first).
 * Every refusal names the row (from 1) and the column.
 */
final class Predictor {
  /** More rows than this in one request are refused: a request is one service's batch, not a data load. */
  static final int MAX_ROWS = 10_000;

  /** The segments and distances of a request's rows. */
  record Result(int[] segments, double[] distances) {}

  private Predictor() {}

  /** Parses and checks the rows against {@code model}; values in the input's units, row-major. */
  static float[] rows(JsonNode body, KMeansModel model) {
    if (body == null || !body.isObject()) throw bad("the request body must be a JSON object {\"rows\": [...]}");
    JsonNode rows = body.get("rows");
    if (rows == null) throw bad("field 'rows' is missing: send {\"rows\": [[...], ...]} or {\"rows\": [{\"column\": value, ...}]}");
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("rows")) throw bad("unknown field '" + f + "': the body has one field, 'rows'");
    }
    if (!rows.isArray()) throw bad("field 'rows' must be an array of rows, got " + kind(rows));
    if (rows.isEmpty()) throw bad("field 'rows' is empty: send at least one row");
    if (rows.size() > MAX_ROWS) throw bad("field 'rows' has " + rows.size() + " rows; at most " + MAX_ROWS + " per request");
    List<String> columns = model.columns();
    int d = columns.size();
    Map<String, Integer> index = new HashMap<>();
    for (int j = 0; j < d; j++) index.put(columns.get(j), j);
    boolean[] log1p = model.scaling().log1p();
    float[] out = new float[rows.size() * d];
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      int r = i + 1;
      if (row.isArray()) {
        if (row.size() != d) {
          throw bad("row " + r + " has " + row.size() + " values; the model has " + d + " columns (" + String.join(", ", columns) + ")");
        }
        for (int j = 0; j < d; j++) out[i * d + j] = value(row.get(j), r, columns.get(j), log1p[j]);
      } else if (row.isObject()) {
        boolean[] seen = new boolean[d];
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          Integer j = index.get(e.getKey());
          if (j == null) {
            throw bad("row " + r + ": unknown column '" + e.getKey() + "'; the model's columns are " + String.join(", ", columns));
          }
          seen[j] = true;
          out[i * d + j] = value(e.getValue(), r, e.getKey(), log1p[j]);
        }
        List<String> missing = new ArrayList<>();
        for (int j = 0; j < d; j++) if (!seen[j]) missing.add(columns.get(j));
        if (!missing.isEmpty()) {
          throw bad("row " + r + ": " + (missing.size() == 1 ? "column '" + missing.get(0) + "' is missing"
              : "columns '" + String.join("', '", missing) + "' are missing"));
        }
      } else {
        throw bad("row " + r + " must be an array of " + d + " numbers or an object of column: value, got " + kind(row));
      }
    }
    return out;
  }

  private static float value(JsonNode v, int row, String column, boolean log1p) {
    String at = "row " + row + ", column '" + column + "'";
    if (v == null || v.isNull()) throw bad(at + ": the value is missing (null)");
    if (!v.isNumber()) throw bad(at + ": " + kind(v) + " is not a number");
    double x = v.doubleValue();
    if (Double.isNaN(x)) throw bad(at + ": NaN is not a value");
    if (Double.isInfinite(x) || Math.abs(x) > Float.MAX_VALUE) throw bad(at + ": " + v.asText() + " is not a finite float32 value");
    if (log1p && x <= -1) throw bad(at + ": " + v.asText() + " is not above -1, which the model's log1p on this column needs");
    return (float) x;
  }

  /** Assigns the checked rows with the engine. */
  static Result predict(Segmenta engine, KMeansModel model, float[] values) {
    int d = model.d();
    int n = values.length / d;
    Prediction p;
    try {
      p = engine.assign(model, Dataset.ofRowMajor(values, n, d));
    } catch (InvalidInputException e) {
      throw bad(e.getMessage());
    }
    double[] dist = new double[n];
    for (int i = 0; i < n; i++) dist[i] = Math.sqrt(Math.max(0f, p.squaredDistances()[i]));
    return new Result(p.labels(), dist);
  }

  private static String kind(JsonNode v) {
    if (v.isTextual()) {
      String t = v.asText();
      return "the string \"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
    }
    return switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case BOOLEAN -> "the boolean " + v.asText();
      case NULL -> "null";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static ApiException bad(String message) {
    return new ApiException(400, message);
  }
}
