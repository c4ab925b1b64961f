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

  /**
   * The payload parser behind a valid header and checksum (random bytes almost never pass the CRC,
   * so {@link #decode} alone would not reach it): hostile lengths and counts must end in a {@link
   * ModelFormatException}, never a large allocation.
   */
  @FuzzTest(maxDuration = "30s")
  void payload(com.code_intelligence.jazzer.api.FuzzedDataProvider in) {
    int version = in.consumeInt(1, ModelFile.FORMAT_VERSION);
    byte[] payload = in.consumeRemainingAsBytes();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(payload);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(ModelFile.HEADER_BYTES + payload.length + 4);
    b.put(ModelFile.MAGIC).putInt(version).putInt(ModelFile.KIND_KMEANS).putLong(payload.length).put(payload).putInt((int) crc.getValue());
    try {
      ModelFile.decode(b.array(), "fuzz input");
    } catch (ModelFormatException expected) {
      // the documented outcome for a bad payload
    }
  }
}
