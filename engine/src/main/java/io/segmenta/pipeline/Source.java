package io.segmenta.pipeline;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TextFormat;
import io.segmenta.ingest.TransactionLayout;
import java.nio.file.Path;
import java.util.Objects;

/** Where a run's rows come from. */
public sealed interface Source {
  /** A feature table (CSV, TSV or whitespace text, plain or gzipped) read with {@code options}. */
  record Table(Path file, TableOptions options) implements Source {
    public Table {
      Objects.requireNonNull(file, "file");
      if (options == null) options = TableOptions.DEFAULTS;
    }
  }

  /** A DuckDB SQL query whose result is the feature table (--sql), read with {@code options}. */
  record Sql(String query, TableOptions options) implements Source {
    public Sql {
      if (query == null || query.isBlank()) throw new InvalidInputException("--sql needs a query");
      if (options == null) options = TableOptions.DEFAULTS;
    }
  }

  /** A feature store (segment ingest); the run's assignments are published into it. */
  record Store(Path dir) implements Source {
    public Store {
      Objects.requireNonNull(dir, "dir");
    }
  }

  /**
   * A transaction log aggregated into per-customer features (as {@code segment rfm}) in the store
   * {@code OUT/store}, which is then clustered and gets the published assignments; with a product
   * column, top products and the purchases for recommendations too.
   *
   * @param preset the log's layout: online-retail, cdnow or groceries
   * @param format the log's separator and decimal mark; {@link TextFormat#AUTO} (or null) keeps the preset's
   */
  record Transactions(Path log, String preset, TextFormat format) implements Source {
    public Transactions {
      Objects.requireNonNull(log, "log");
      if (preset == null) throw new InvalidInputException("transactions need a preset (--preset online-retail, cdnow or groceries)");
      TransactionLayout.preset(preset); // refuses an unknown name
      if (format == null) format = TextFormat.AUTO;
    }

    public Transactions(Path log, String preset) {
      this(log, preset, TextFormat.AUTO);
    }

    public TransactionLayout layout() {
      TransactionLayout l = TransactionLayout.preset(preset);
      return format == TextFormat.AUTO ? l : l.withFormat(format);
    }
  }

  /** Rows the caller has read already (a Spark partition, a request body); {@code input} names them in the summary. */
  record Rows(Dataset data, Path input) implements Source {
    public Rows {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(input, "input");
    }
  }
}
