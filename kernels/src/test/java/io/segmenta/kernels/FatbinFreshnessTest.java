package io.segmenta.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each committed NAME.fatbin was compiled from the NAME.cu in the tree (kernels/build-fatbin.sh). */
class FatbinFreshnessTest {
  @ParameterizedTest
  @ValueSource(strings = {"kmeans", "gmm"})
  void fatbinIsCompiledFromTheCurrentSource(String name) throws Exception {
    byte[] src = Files.readAllBytes(Path.of("src/main/cuda/" + name + ".cu"));
    String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(src));
    String recorded;
    try (InputStream in = getClass().getResourceAsStream("/io/segmenta/kernels/cuda/" + name + ".fatbin.source-sha256")) {
      assertNotNull(in, name + ".fatbin.source-sha256 is missing");
      recorded = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
    assertEquals(sum, recorded, name + ".cu changed since " + name + ".fatbin was compiled: run kernels/build-fatbin.sh (needs nvcc) and commit both");
    try (InputStream in = getClass().getResourceAsStream("/io/segmenta/kernels/cuda/" + name + ".fatbin")) {
      assertNotNull(in, name + ".fatbin is missing");
      byte[] head = in.readNBytes(4);
      // The fatbin container magic, 0xBA55ED50 little-endian.
      assertArrayEquals(new byte[] {0x50, (byte) 0xED, 0x55, (byte) 0xBA}, head, "not a fatbin");
    }
  }
}
