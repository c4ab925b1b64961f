package io.segmenta.store;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The feature-store header reader (parse, version and consistency checks) on arbitrary text: a
 * header or a {@link StoreException}, never another throwable. Corpus: StoreHeaderFuzzTestInputs/parse.
 */
class StoreHeaderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void parse(byte[] data) {
    try {
      FeatureStore.checkHeader(new String(data, java.nio.charset.StandardCharsets.UTF_8), "fuzz input");
    } catch (StoreException expected) {
      // the documented outcome for a bad header
    }
  }
}
