package io.segmenta.kernels;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.kernels.gpu.KernelSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each committed NAME.fatbin was compiled from the one kernel text in the tree, src/main/gpu/NAME.cu
 * with the headers it includes (kernels/build-fatbin.sh), and that text is what the OpenCL backend
 * builds: the class-path files it reads are the tree's, byte for byte.
 */
class FatbinFreshnessTest {
  @ParameterizedTest
  @ValueSource(strings = {"kmeans", "gmm"})
  void fatbinIsCompiledFromTheCurrentSource(String name) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (String file : KernelSource.files(name)) {
      byte[] tree = Files.readAllBytes(Path.of("src/main/gpu/" + file));
      assertEquals(new String(tree, StandardCharsets.UTF_8), KernelSource.read(file), file + ": the OpenCL backend reads the tree's text");
      sha.update(tree);
    }
    assertEquals("[dialect.h, " + name + ".cu]", KernelSource.files(name).toString());
    String text = KernelSource.text(name);
    assertTrue(text.contains("#define SEGMENTA_DIALECT_H") && !text.contains("#include \""), "the OpenCL text has the header inlined");
    String sum = HexFormat.of().formatHex(sha.digest());
    String recorded;
    try (InputStream in = getClass().getResourceAsStream("/io/segmenta/kernels/cuda/" + name + ".fatbin.source-sha256")) {
      assertNotNull(in, name + ".fatbin.source-sha256 is missing");
      recorded = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
    assertEquals(sum, recorded, name + ".cu or a header it includes changed since " + name + ".fatbin was compiled: run kernels/build-fatbin.sh (needs nvcc) and commit both");
    try (InputStream in = getClass().getResourceAsStream("/io/segmenta/kernels/cuda/" + name + ".fatbin")) {
      assertNotNull(in, name + ".fatbin is missing");
      byte[] head = in.readNBytes(4);
      // The fatbin container magic, 0xBA55ED50 little-endian.
      assertArrayEquals(new byte[] {0x50, (byte) 0xED, 0x55, (byte) 0xBA}, head, "not a fatbin");
    }
  }
}
