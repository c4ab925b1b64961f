package io.segmenta.data;

import io.segmenta.InvalidInputException;
import io.segmenta.kernels.HostMatrix;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Rows to segment: a float32 matrix, its column names, optional row ids and optional sample weights.
 *
 * <p>Validated on construction: every value finite (the error names the row and column), weights
 * finite and non-negative, ids and names of matching length. Immutable; the matrix is not copied.
 * Rows are numbered from 1 in messages, as a user counts data rows.
 */
public final class Dataset {
  private final HostMatrix matrix;
  private final List<String> columns;
  private final String[] ids;
  private final float[] weights;
  /** Ids looked up per row (a feature store's id file) instead of held in an array; or null. */
  private final LongFunction<String> idSource;

  private Dataset(HostMatrix matrix, List<String> columns, String[] ids, float[] weights, LongFunction<String> idSource) {
    this.matrix = matrix;
    this.columns = columns;
    this.ids = ids;
    this.weights = weights;
    this.idSource = idSource;
  }

  /**
   * Wraps a matrix after validating it.
   *
   * @param columns column names, or {@code null} for {@code x1 .. xd}
   * @param ids row ids, or {@code null} for row numbers
   * @param weights sample weights, or {@code null} for unit weights
   */
  public static Dataset of(HostMatrix matrix, List<String> columns, String[] ids, float[] weights) {
    Objects.requireNonNull(matrix, "matrix");
    int d = matrix.cols();
    if (matrix.rows() == 0) throw new InvalidInputException("the data has no rows");
    if (columns == null) {
      String[] names = new String[d];
      for (int j = 0; j < d; j++) names[j] = "x" + (j + 1);
      columns = List.of(names);
    } else {
      columns = List.copyOf(columns);
      if (columns.size() != d) {
        throw new InvalidInputException(columns.size() + " column names for " + d + " columns");
      }
    }
    if (ids != null && ids.length != matrix.rows()) {
      throw new InvalidInputException(ids.length + " ids for " + matrix.rows() + " rows");
    }
    if (weights != null) {
      if (weights.length != matrix.rows()) {
        throw new InvalidInputException(weights.length + " weights for " + matrix.rows() + " rows");
      }
      for (int i = 0; i < weights.length; i++) {
        if (!Float.isFinite(weights[i]) || weights[i] < 0) {
          throw new InvalidInputException("row " + (i + 1) + ": weight " + weights[i]
              + " is invalid: sample weights must be finite and >= 0");
        }
      }
    }
    float[] row = new float[d];
    for (long i = 0; i < matrix.rows(); i++) {
      matrix.copyRow(i, row, 0);
      for (int j = 0; j < d; j++) {
        if (!Float.isFinite(row[j])) {
          throw new InvalidInputException("row " + (i + 1) + ", column '" + columns.get(j) + "': value "
              + row[j] + " is not finite (NaN and infinities are not allowed)");
        }
      }
    }
    return new Dataset(matrix, columns, ids, weights, null);
  }

  /** Copies rows of equal length; columns {@code x1 .. xd}. */
  public static Dataset of(float[][] rows) {
    if (rows.length == 0) throw new InvalidInputException("the data has no rows");
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != rows[0].length) {
        throw new InvalidInputException("row " + (i + 1) + " has " + rows[i].length + " values, row 1 has " + rows[0].length);
      }
    }
    return of(HostMatrix.copyOf(rows), null, null, null);
  }

  /** Wraps a row-major array of {@code n * d} floats; columns {@code x1 .. xd}. */
  public static Dataset ofRowMajor(float[] values, int n, int d) {
    return of(HostMatrix.ofRowMajor(values, n, d), null, null, null);
  }

  /** The same rows with sample weights. */
  public Dataset withWeights(float[] w) {
    Dataset v = of(matrix, columns, ids, w);
    return idSource == null ? v : new Dataset(v.matrix, v.columns, null, v.weights, idSource);
  }

  /**
   * The same rows with ids looked up on demand, for data too large to hold every id on the heap
   * (a feature store). {@link #ids()} is then {@code null}; {@link #id(long)} asks the source.
   */
  public Dataset withIdSource(LongFunction<String> source) {
    return new Dataset(matrix, columns, null, weights, java.util.Objects.requireNonNull(source, "source"));
  }

  /** The id source given to {@link #withIdSource}, or {@code null}. */
  public LongFunction<String> idSource() { return idSource; }

  /** The same rows with ids. */
  public Dataset withIds(String[] rowIds) {
    return of(matrix, columns, rowIds, weights);
  }

  public HostMatrix matrix() { return matrix; }

  public long rows() { return matrix.rows(); }

  public int cols() { return matrix.cols(); }

  public List<String> columns() { return columns; }

  /** Row ids, or {@code null} when rows are identified by number. */
  public String[] ids() { return ids; }

  /** The id of row {@code i} (0-based): its id, or its 1-based number. */
  public String id(long i) {
    if (idSource != null) return idSource.apply(i);
    return ids == null ? Long.toString(i + 1) : ids[(int) i];
  }

  /** Sample weights, or {@code null} for unit weights. */
  public float[] weights() { return weights; }

  /**
   * Counts distinct rows, stopping at {@code limit}: enough to check that k clusters can be told
   * apart without hashing every row of a large set.
   */
  public long distinctRows(long limit) {
    Set<RowKey> seen = new HashSet<>();
    int d = cols();
    for (long i = 0; i < rows() && seen.size() < limit; i++) {
      if (weights != null && weights[(int) i] == 0) continue; // a zero-weight row is no point
      float[] r = new float[d];
      matrix.copyRow(i, r, 0);
      seen.add(new RowKey(r));
    }
    return seen.size();
  }

  private record RowKey(float[] v) {
    @Override
    public boolean equals(Object o) {
      return o instanceof RowKey k && Arrays.equals(v, k.v);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(v);
    }
  }
}
