package io.segmenta.ingest;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.segmenta.InvalidInputException;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CSV ingest of feature tables and of transaction logs on arbitrary files: data or an {@link
 * InvalidInputException} that names the line or column, never another throwable. Corpus:
 * CsvIngestFuzzTestInputs/features and .../transactions.
 */
class CsvIngestFuzzTest {
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("segmenta-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void features(FuzzedDataProvider in) throws IOException {
    boolean gzip = in.consumeBoolean();
    Path f = DIR.resolve(gzip ? "t.csv.gz" : "t.csv");
    Files.write(f, in.consumeRemainingAsBytes());
    try {
      TableReader.read(f, TableOptions.DEFAULTS);
    } catch (InvalidInputException expected) {
      // the documented outcome for bad data
    }
  }

  @FuzzTest(maxDuration = "30s")
  void transactions(FuzzedDataProvider in) throws IOException {
    Path f = DIR.resolve("tx.csv");
    Files.write(f, in.consumeRemainingAsBytes());
    Path store = DIR.resolve("store");
    try {
      RfmIngest.run(f, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.FAIL, null, store, true, p -> {});
    } catch (InvalidInputException expected) {
      // the documented outcome for bad data
    }
  }
}
