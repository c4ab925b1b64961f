package io.segmenta.model;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The model-file reader on arbitrary bytes: a {@link ModelFormatException} (truncated, corrupt,
 * newer, hostile) or a model, never another throwable, a hang or an allocation the file does not
 * justify. Corpus: ModelFileFuzzTestInputs/decode.
 */
class ModelFileFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decode(byte[] data) {
    try {
      ModelFile.decode(data, "fuzz input");
    } catch (ModelFormatException expected) {
      // the documented outcome for a bad file
    }
  }
}
