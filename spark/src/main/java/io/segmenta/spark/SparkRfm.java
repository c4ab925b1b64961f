package io.segmenta.spark;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.minute;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.second;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp_ntz;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import io.segmenta.InvalidInputException;
import io.segmenta.ingest.RfmIngest;
import io.segmenta.ingest.TransactionLayout;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The engine's per-customer RFM features ({@link RfmIngest}, {@code segment rfm}) from a transaction
 * DataFrame, with Spark SQL functions: the same layouts and presets, the same definitions, and the
 * same treatment of cancellations (invoice prefix), returns (negative quantity) and lines without a
 * customer id (excluded and counted), and of malformed lines (unparseable time or number: counted
 * and skipped, or failing the run).
 *
 * <p>Features (those whose fields the layout lacks are left out, as the engine leaves them out):
 * {@code recency_days, frequency, monetary, tenure_days, avg_basket_value, distinct_products,
 * return_rate, mean_interpurchase_days}, float32 as the engine's feature store holds them. The
 * value sums (monetary, gross basket value) are float64 sums in line order, as the engine adds
 * them while it streams the file, so the features are the engine's to the bit; for that, the
 * input's row order must be the file's (one CSV read is: its partitions follow the file).
 */
public final class SparkRfm {
  private SparkRfm() {}

  /**
   * What an RFM run computed.
   *
   * @param features one row per customer: {@code customer_id} (string) and the features (float)
   * @param lines transaction lines read
   * @param withoutCustomer lines without a customer id (excluded)
   * @param rejected malformed lines skipped
   * @param rejects the excluded and skipped lines, with a {@code reject_reason} column
   * @param reference the reference time (recency and tenure are measured to it)
   * @param featureNames the feature columns, in order
   */
  public record Result(Dataset<Row> features, long lines, long withoutCustomer, long rejected, Dataset<Row> rejects,
                       LocalDateTime reference, List<String> featureNames) {}

  /**
   * Reads a transaction log in CSV (optionally gzipped) as the engine reads it: a header line,
   * every field a string, RFC 4180 quoting (a quote inside a quoted field is doubled), UTF-8.
   */
  public static Dataset<Row> readCsv(SparkSession spark, String path) {
    // The header's names as string columns plus a corrupt-record column: Spark's CSV reader then keeps a
    // line whose field count differs from the header's there (in PERMISSIVE mode it would otherwise pad
    // or cut it silently), and compute() rejects or fails on it, as segment rfm does with a ragged row.
    StructType header = reader(spark).csv(path).schema();
    List<StructField> fields = new ArrayList<>();
    for (StructField f : header.fields()) fields.add(new StructField(f.name(), DataTypes.StringType, true, Metadata.empty()));
    fields.add(new StructField(CORRUPT, DataTypes.StringType, true, Metadata.empty()));
    return reader(spark).option("columnNameOfCorruptRecord", CORRUPT).schema(new StructType(fields.toArray(new StructField[0])))
        .csv(path).withColumn(FILE, input_file_name());
  }

  /** The column {@link #readCsv} puts a ragged line's text in (null on a well-formed line). */
  public static final String CORRUPT = "_corrupt_record";
  /** The column {@link #readCsv} puts each line's file in. */
  public static final String FILE = "_file";

  private static org.apache.spark.sql.DataFrameReader reader(SparkSession spark) {
    return spark.read().option("header", "true").option("inferSchema", "false").option("quote", "\"").option("escape", "\"")
        .option("encoding", "UTF-8").option("mode", "PERMISSIVE");
  }

  /** RFM features with the engine's default reference date (the day after the last transaction) and malformed lines skipped. */
  public static Result compute(Dataset<Row> tx, TransactionLayout layout) {
    return compute(tx, layout, null, false);
  }

  /**
   * RFM features of the transactions {@code tx} (columns named as {@code layout} names them; any
   * type, read as strings).
   *
   * @param referenceDate recency and tenure are measured to its start; null for the day after the last transaction
   * @param failOnMalformed fail on the first malformed line (the engine's {@code --on-error fail}) instead of skipping it
   */
  public static Result compute(Dataset<Row> tx, TransactionLayout layout, LocalDate referenceDate, boolean failOnMalformed) {
    TransactionLayout l = layout;
    List<String> names = List.of(tx.columns());
    Column cust = field(tx, names, l.customer(), "customer");
    Column ts = field(tx, names, l.timestamp(), "timestamp");
    Column inv = l.invoice() != null ? field(tx, names, l.invoice(), "invoice") : null;
    Column prod = l.product() != null ? field(tx, names, l.product(), "product") : null;
    Column qtyS = l.quantity() != null ? field(tx, names, l.quantity(), "quantity") : null;
    Column priceS = l.unitPrice() != null ? field(tx, names, l.unitPrice(), "unit price") : null;
    Column amountS = l.amount() != null ? field(tx, names, l.amount(), "amount") : null;

    // Row order is the file's: a line number for the ordered sums (monotonic, not contiguous).
    // Then spread over the cores: a gzipped log is one partition, and the parsing below is the work.
    int parallelism = tx.sparkSession().sparkContext().defaultParallelism();
    Dataset<Row> t0 = tx.withColumn("_line", monotonically_increasing_id())
        .repartition(parallelism, col("_line")); // hashed: a round-robin repartition would sort the lines first
    Column id = regexp_replace(coalesce(trim(cust), lit("")), "^([0-9]+)\\.0*$", "$1");
    Column tsT = coalesce(trim(ts), lit(""));
    String pattern = l.timestampPattern();
    boolean dateOnly = !pattern.contains("H") && !pattern.contains("h");
    // to_timestamp_ntz fails on bad input under ANSI; the guard evaluates it only where it parses.
    Column ntz = when(try_to_timestamp(tsT, lit(pattern)).isNotNull(), to_timestamp_ntz(tsT, lit(pattern)));
    Column days = datediff(to_date(ntz), lit("1970-01-01").cast(DataTypes.DateType)).cast(DataTypes.LongType);
    Column epoch = dateOnly ? days.multiply(86_400L)
        : days.multiply(86_400L).plus(hour(ntz).cast(DataTypes.LongType).multiply(3600L))
            .plus(minute(ntz).cast(DataTypes.LongType).multiply(60L)).plus(second(ntz).cast(DataTypes.LongType));
    Column qty = qtyS != null ? number(qtyS) : lit(1.0);
    Column value = priceS != null ? qty.multiply(number(priceS))
        : amountS != null ? number(amountS) : lit(0.0);
    Column cancel = inv != null && l.cancelPrefix() != null ? coalesce(trim(inv), lit("")).startsWith(l.cancelPrefix()) : lit(false);

    Dataset<Row> t1 = t0.withColumn("_cust", id).withColumn("_t", epoch).withColumn("_qty", qty).withColumn("_value", value)
        .withColumn("_cancel", cancel);
    // A ragged line (readCsv's corrupt-record column) is malformed before anything else, as in the engine.
    boolean hasCorrupt = names.contains(CORRUPT);
    Column ragged = hasCorrupt ? col(CORRUPT).isNotNull() : lit(false);
    int width = names.size() - (hasCorrupt ? 1 : 0) - (names.contains(FILE) ? 1 : 0);
    Column bad = ragged.or(col("_t").isNull()).or(col("_qty").isNull()).or(col("_value").isNull());
    Column noCustomer = ragged.unary_$bang().and(col("_cust").equalTo(""));
    Column malformed = noCustomer.unary_$bang().and(bad);
    Column reason = when(ragged, concat(lit("ragged row: its number of fields differs from the header's " + width + " columns: "),
            regexp_replace(col(hasCorrupt ? CORRUPT : "_cust"), "[\\r\\n]+$", "")))
        .when(col("_cust").equalTo(""), lit("no customer id: the line cannot be attributed to a customer"))
        .when(col("_t").isNull(), lit("column '" + l.timestamp() + "' does not match the timestamp pattern '" + pattern + "'"))
        .when(bad, lit("a quantity, price or amount is not a finite number"));
    Dataset<Row> marked = t1.withColumn("reject_reason", reason).cache();
    try {
      Row counts = marked.agg(count(lit(1)), sum(when(noCustomer, 1L).otherwise(0L)),
          sum(when(malformed, 1L).otherwise(0L)), max(when(col("reject_reason").isNull(), col("_t")))).first();
      long lines = counts.getLong(0);
      long without = counts.isNullAt(1) ? 0 : counts.getLong(1);
      long rejected = counts.isNullAt(2) ? 0 : counts.getLong(2);
      if (failOnMalformed && rejected > 0) {
        Row first = marked.where(malformed).orderBy(col("_line")).first();
        String where = names.contains(FILE) ? first.getAs(FILE) + ": " : "";
        throw new InvalidInputException(where + "transaction line " + first.getAs("_line") + " is malformed: " + first.getAs("reject_reason")
            + " (" + rejected + " malformed lines; skip them to count and exclude them instead)");
      }
      if (counts.isNullAt(3)) {
        if (rejected == 0) throw new InvalidInputException("the transactions have no line with a customer id");
        Row first = marked.where(malformed).orderBy(col("_line")).first();
        throw new InvalidInputException("the transactions have no usable line: all " + rejected + " lines with a customer id are malformed; the first: "
            + first.getAs("reject_reason"));
      }
      long maxTime = counts.getLong(3);
      long ref = referenceDate != null ? referenceDate.atStartOfDay().toEpochSecond(ZoneOffset.UTC)
          : (Math.floorDiv(maxTime, 86_400L) + 1) * 86_400L;

      Dataset<Row> good = marked.where(col("reject_reason").isNull());
      Column isReturn = col("_cancel").or(col("_qty").lt(0));
      Column purchase = isReturn.unary_$bang();
      Column occasion = inv != null ? coalesce(trim(inv), lit("")) : org.apache.spark.sql.functions.floor(col("_t").divide(86_400L)).cast("string");
      List<Column> aggs = new ArrayList<>(List.of(
          count(lit(1)).as("lines"),
          sum(when(isReturn, 1L).otherwise(0L)).as("returns"),
          min(col("_t")).as("afirst"), max(col("_t")).as("alast"),
          min(when(purchase, col("_t"))).as("pfirst"), max(when(purchase, col("_t"))).as("plast"),
          // size(collect_set): a plain aggregate; two count_distinct would expand every line three times.
          size(collect_set(when(purchase, occasion))).cast(DataTypes.LongType).as("freq"),
          collect_list(struct(col("_line"), col("_value"), purchase.as("_purchase"))).as("vals")));
      if (prod != null) aggs.add(size(collect_set(when(purchase, coalesce(trim(prod), lit(""))))).cast(DataTypes.LongType).as("products"));
      Dataset<Row> per = good.groupBy(col("_cust")).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));

      // Sums in line order from 0.0, as the streaming aggregation adds them.
      Column sorted = array_sort(col("vals"));
      Column net = aggregate(sorted, lit(0.0), (acc, x) -> acc.plus(x.getField("_value")));
      Column gross = aggregate(filter(sorted, x -> x.getField("_purchase")), lit(0.0), (acc, x) -> acc.plus(x.getField("_value")));
      Column freq = col("freq");
      Column first = coalesce(col("pfirst"), col("afirst"));
      Column last = coalesce(col("plast"), col("alast"));
      Column tenure = lit(ref).minus(first).divide(86_400.0);
      List<String> featureNames = RfmIngest.featureNames(l);
      List<Column> out = new ArrayList<>();
      out.add(col("_cust").as("customer_id"));
      out.add(f32(lit(ref).minus(last).divide(86_400.0)).as("recency_days"));
      out.add(f32(freq).as("frequency"));
      if (l.hasValue()) out.add(f32(net).as("monetary"));
      out.add(f32(tenure).as("tenure_days"));
      if (l.hasValue()) out.add(f32(when(freq.gt(0), gross.divide(freq)).otherwise(0.0)).as("avg_basket_value"));
      if (prod != null) out.add(f32(col("products")).as("distinct_products"));
      if (l.quantity() != null || l.cancelPrefix() != null) {
        out.add(f32(when(col("lines").equalTo(0), 0.0).otherwise(col("returns").cast("double").divide(col("lines").cast("double"))))
            .as("return_rate"));
      }
      out.add(f32(when(freq.geq(2), last.minus(first).divide(86_400.0).divide(freq.minus(1).cast("double"))).otherwise(tenure))
          .as("mean_interpurchase_days"));
      // Computed now, from the cached lines (one read of the input in all).
      Dataset<Row> features = per.select(out.toArray(new Column[0])).localCheckpoint(true);
      Dataset<Row> rejects = marked.where(col("reject_reason").isNotNull()).orderBy(col("_line"))
          .drop("_line", "_cust", "_t", "_qty", "_value", "_cancel");
      // Taken now from the cached lines where readCsv's corrupt-record column is there: a later re-read of
      // the CSV with only some columns (Spark prunes the parsed columns) found no ragged line in a test.
      if (hasCorrupt) rejects = rejects.localCheckpoint(true);
      return new Result(features, lines, without, rejected, rejects, LocalDateTime.ofEpochSecond(ref, 0, ZoneOffset.UTC), featureNames);
    } finally {
      // The counts and features are taken; the rejects recompute from the input when used.
      marked.unpersist(false);
    }
  }

  private static Column f32(Column c) {
    return c.cast(DataTypes.DoubleType).cast(DataTypes.FloatType);
  }

  /** A number as Double.parseDouble reads it (after trimming); null when it is not one or not finite. */
  private static Column number(Column s) {
    Column v = trim(s.cast(DataTypes.StringType)).try_cast(DataTypes.DoubleType);
    return when(v.isNotNull().and(v.isNaN().unary_$bang()).and(v.notEqual(Double.POSITIVE_INFINITY)).and(v.notEqual(Double.NEGATIVE_INFINITY)), v);
  }

  private static Column field(Dataset<Row> tx, List<String> names, String name, String role) {
    String found = null;
    if (names.contains(name)) found = name;
    else for (String n : names) if (n.equalsIgnoreCase(name)) { found = n; break; }
    if (found == null) {
      throw new InvalidInputException(role + " column '" + name + "' not found; the transactions' columns are: " + String.join(", ", names));
    }
    return tx.col(found).cast(DataTypes.StringType);
  }
}
