package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The estimators' input: which columns hold the features (one {@code Vector} column, or a list of
 * numeric columns) and the optional weight column, checked against the schema on the driver; the
 * conversion of each partition into one {@link FeatureBlock}; and the first pass (counts, column
 * moments of the raw and log1p values, the first invalid value), after which every bad input has
 * been reported, before any iteration.
 */
final class Features implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Feature names (the model's columns), whether they come from one vector column, and the weights. */
  final List<String> names;
  final String vectorCol;
  final String[] inputCols;
  final String weightCol;
  final int d;

  private Features(List<String> names, String vectorCol, String[] inputCols, String weightCol) {
    this.names = List.copyOf(names);
    this.vectorCol = vectorCol;
    this.inputCols = inputCols;
    this.weightCol = weightCol;
    this.d = names.size();
  }

  /**
   * Resolves the input columns: {@code inputCols} when given (each numeric), else {@code
   * featuresCol} (a Vector column). Fails naming the column and the rule.
   */
  static Features resolve(Dataset<Row> df, String featuresCol, String[] inputCols, String weightCol) {
    StructType schema = df.schema();
    if (weightCol != null && !weightCol.isEmpty()) {
      StructField f = field(schema, weightCol, "weightCol");
      if (!(f.dataType() instanceof NumericType)) {
        throw new InvalidInputException("weightCol: column '" + weightCol + "' has type " + f.dataType().simpleString()
            + "; sample weights must be a numeric column");
      }
    } else {
      weightCol = null;
    }
    if (inputCols != null && inputCols.length > 0) {
      for (String c : inputCols) {
        StructField f = field(schema, c, "inputCols");
        if (!(f.dataType() instanceof NumericType)) {
          throw new InvalidInputException("inputCols: column '" + c + "' has type " + f.dataType().simpleString()
              + "; feature columns must be numeric (or give one Vector column as featuresCol)");
        }
      }
      if (Arrays.stream(inputCols).distinct().count() != inputCols.length) {
        throw new InvalidInputException("inputCols: a column is named twice in " + String.join(", ", inputCols));
      }
      return new Features(List.of(inputCols), null, inputCols.clone(), weightCol);
    }
    StructField f = field(schema, featuresCol, "featuresCol");
    DataType t = f.dataType();
    if (!(t instanceof VectorUDT)) {
      throw new InvalidInputException("featuresCol: column '" + featuresCol + "' has type " + t.simpleString()
          + "; it must be a Vector column (org.apache.spark.ml.linalg.Vector), or set inputCols to numeric columns");
    }
    AttributeGroup group = AttributeGroup.fromStructField(f);
    int d = group.size();
    List<String> names = new ArrayList<>();
    if (d < 0) {
      List<Row> head = df.select(functions.col(featuresCol)).where(functions.col(featuresCol).isNotNull()).takeAsList(1);
      Row first = head.isEmpty() ? null : head.get(0);
      if (first == null) throw new InvalidInputException("featuresCol: column '" + featuresCol + "' has no non-null rows");
      d = ((Vector) first.get(0)).size();
    }
    if (d < 1) throw new InvalidInputException("featuresCol: the vectors of column '" + featuresCol + "' are empty");
    for (int j = 0; j < d; j++) {
      String name = null;
      if (group.attributes().isDefined()) {
        scala.Option<String> o = group.getAttr(j).name();
        if (o.isDefined()) name = o.get();
      }
      names.add(name != null ? name : featuresCol + "_" + j);
    }
    return new Features(names, featuresCol, null, weightCol);
  }

  private static StructField field(StructType schema, String name, String param) {
    for (StructField f : schema.fields()) if (f.name().equals(name)) return f;
    throw new InvalidInputException(param + ": column '" + name + "' is not in the input (columns: "
        + String.join(", ", schema.fieldNames()) + ")");
  }

  /** The name of column {@code j} in messages ({@code d} = the weight column). */
  String columnLabel(int j) {
    if (j == d) return "weightCol '" + weightCol + "'";
    return vectorCol != null ? "featuresCol '" + vectorCol + "' element " + j : "column '" + names.get(j) + "'";
  }

  /** The selected columns: the features (cast to double) and the weight last. */
  Dataset<Row> select(Dataset<Row> df) {
    List<Column> cols = new ArrayList<>();
    if (vectorCol != null) cols.add(functions.col(vectorCol));
    else for (String c : inputCols) cols.add(functions.col(c).cast("double"));
    if (weightCol != null) cols.add(functions.col(weightCol).cast("double"));
    return df.select(cols.toArray(new Column[0]));
  }

  /** Each partition converted once into a block, persisted (memory, then disk). */
  JavaRDD<FeatureBlock> blocks(Dataset<Row> df) {
    Features f = this;
    JavaRDD<FeatureBlock> rdd = select(df).javaRDD()
        .mapPartitionsWithIndex((p, it) -> List.of(f.convert(p, it)).iterator(), true);
    return rdd.persist(StorageLevel.MEMORY_AND_DISK());
  }

  FeatureBlock convert(int partition, Iterator<Row> it) {
    int cap = 1024;
    float[] v = new float[cap * d];
    float[] w = weightCol == null ? null : new float[cap];
    double[] row = new double[d];
    int n = 0;
    while (it.hasNext()) {
      Row r = it.next();
      int bad = read(r, row);
      if (bad >= 0) {
        String value = bad < d && (vectorCol == null ? !r.isNullAt(bad) : !r.isNullAt(0)) ? Double.toString(row[bad]) : "null";
        return new FeatureBlock(partition, n, d, null, null, n, bad, value);
      }
      if (n == cap) {
        cap = Math.multiplyExact(cap, 2);
        v = Arrays.copyOf(v, Math.multiplyExact(cap, d));
        if (w != null) w = Arrays.copyOf(w, cap);
      }
      for (int j = 0; j < d; j++) v[n * d + j] = (float) row[j];
      if (w != null) {
        double wv = r.isNullAt(r.length() - 1) ? Double.NaN : r.getDouble(r.length() - 1);
        if (!(wv >= 0) || !Float.isFinite((float) wv)) {
          return new FeatureBlock(partition, n, d, null, null, n, d, r.isNullAt(r.length() - 1) ? "null" : Double.toString(wv));
        }
        w[n] = (float) wv;
      }
      n++;
    }
    return new FeatureBlock(partition, n, d, Arrays.copyOf(v, n * d), w == null ? null : Arrays.copyOf(w, n), -1, -1, null);
  }

  /** Reads one row's features into {@code out}; returns the first bad column, or -1. */
  private int read(Row r, double[] out) {
    if (vectorCol != null) {
      if (r.isNullAt(0)) return 0;
      Vector vec = (Vector) r.get(0);
      if (vec.size() != d) throw new InvalidInputException("featuresCol '" + vectorCol + "': a vector has " + vec.size()
          + " elements, the first has " + d + " (all vectors must have the same size)");
      for (int j = 0; j < d; j++) out[j] = vec.apply(j);
    } else {
      for (int j = 0; j < d; j++) {
        if (r.isNullAt(j)) return j;
        out[j] = r.getDouble(j);
      }
    }
    for (int j = 0; j < d; j++) if (!Float.isFinite((float) out[j])) return j;
    return -1;
  }

  /**
   * The whole data's column means as the engine computes them (float64 sums of the float32 values
   * / n; the partitions' sums added in partition order).
   */
  static double[] centre(JavaRDD<FeatureBlock> blocks, int d, long n) {
    double[] sum = orderedSum(blocks, FeatureBlock::columnSums);
    for (int j = 0; j < d; j++) sum[j] /= n;
    return sum;
  }

  /**
   * The element-wise sum of one float64 array per block, added in partition order whatever order
   * the tasks finished in (treeAggregate of partials indexed by partition): the same bits each run.
   */
  static double[] orderedSum(JavaRDD<FeatureBlock> blocks, org.apache.spark.api.java.function.Function<FeatureBlock, double[]> f) {
    TreeMap<Integer, double[]> parts = blocks.treeAggregate(new TreeMap<Integer, double[]>(), (acc, b) -> {
      acc.put(b.partition, f.call(b));
      return acc;
    }, (a, b) -> {
      a.putAll(b);
      return a;
    }, 2);
    double[] sum = null;
    for (double[] p : parts.values()) {
      if (sum == null) sum = new double[p.length];
      for (int j = 0; j < p.length; j++) sum[j] += p[j];
    }
    return sum;
  }

  /** What the first pass found. */
  record Summary(long[] counts, long[] offsets, long rows, double totalWeight, Moments raw, Moments log1p) {}

  private record BlockStats(long rows, double weight, Moments raw, Moments log1p, int badRow, int badColumn, String badValue)
      implements Serializable {}

  /**
   * The first pass: rows per partition, column moments (raw and log1p), and the first invalid
   * value in row order, which fails here with its row, column and rule.
   */
  Summary summarize(JavaRDD<FeatureBlock> blocks) {
    int dd = d;
    TreeMap<Integer, BlockStats> parts = blocks.treeAggregate(new TreeMap<Integer, BlockStats>(), (acc, b) -> {
      Moments raw = new Moments(dd);
      Moments lg = new Moments(dd);
      double wsum = 0;
      if (b.badRow < 0) {
        double[] r = new double[dd];
        double[] l = new double[dd];
        for (int i = 0; i < b.rows; i++) {
          for (int j = 0; j < dd; j++) {
            r[j] = b.values[i * dd + j];
            l[j] = Math.log1p(r[j]);
          }
          raw.add(r);
          lg.add(l);
          wsum += b.weights == null ? 1.0 : b.weights[i];
        }
      }
      acc.put(b.partition, new BlockStats(b.rows, wsum, raw, lg, b.badRow, b.badColumn, b.badValue));
      return acc;
    }, (a, b) -> {
      a.putAll(b);
      return a;
    }, 2);
    int p = parts.isEmpty() ? 0 : parts.lastKey() + 1;
    long[] counts = new long[p];
    long[] offsets = new long[p];
    long total = 0;
    double weight = 0;
    Moments raw = new Moments(d);
    Moments lg = new Moments(d);
    for (var e : parts.entrySet()) {
      BlockStats s = e.getValue();
      if (s.badRow() >= 0) {
        String rule = s.badColumn() == d
            ? "sample weights must be non-null, finite and >= 0"
            : s.badValue().equals("null") ? "features must not be null" : "features must be finite float32 values (no NaN or infinity)";
        throw new InvalidInputException(columnLabel(s.badColumn()) + ", row " + (total + s.badRow() + 1) + " (partition "
            + e.getKey() + ", row " + (s.badRow() + 1) + " there): value " + s.badValue() + ": " + rule);
      }
      counts[e.getKey()] = s.rows();
      offsets[e.getKey()] = total;
      total += s.rows();
      weight += s.weight();
      raw.merge(s.raw());
      lg.merge(s.log1p());
    }
    if (total == 0) throw new InvalidInputException("the input has no rows");
    return new Summary(counts, offsets, total, weight, raw, lg);
  }
}
