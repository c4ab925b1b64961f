package io.segmenta.kernels.cuda;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of the CUDA path runs without a GPU: the fatbin resource, the device check, the driver probe. */
class CudaResourcesTest {

  @Test
  void everyCommittedFatbinHoldsSm80Sm90AndCompute80Ptx() {
    for (String m : CudaDevice.MODULES) {
      List<Fatbin.Entry> e = Fatbin.parse(CudaDevice.fatbin(m));
      assertEquals("[compute_80, sm_80, sm_90]", e.stream().map(Fatbin.Entry::toString).sorted().toList().toString(), m + ": " + e);
      for (Fatbin.Entry x : e) assertTrue(x.payloadBytes() > 1000, m + ": a real image: " + x);
    }
  }

  /**
   * Each launcher's kernel is in its module's fatbin: a renamed or dropped kernel fails here, not on
   * the first GPU (OpenCL finds the same names in the same text on PoCL).
   */
  @Test
  void everyLauncherKernelIsInItsModule() {
    for (String[] k : io.segmenta.kernels.gpu.Launchers.kernelNames()) {
      String image = new String(CudaDevice.fatbin(k[0]), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(image.contains(k[1] + "\0"), k[0] + " lacks " + k[1]); // the symbol tables hold each name, NUL-ended
    }
  }

  @Test
  void deviceCheckFollowsTheDriversRules() {
    List<Fatbin.Entry> e = Fatbin.parse(CudaDevice.fatbin("kmeans"));
    assertTrue(Fatbin.runsOn(e, 8, 0), "A100: SASS");
    assertTrue(Fatbin.runsOn(e, 9, 0), "H100/H200: SASS");
    assertTrue(Fatbin.runsOn(e, 8, 9), "L4/L40: the compute_80 PTX, JIT-compiled");
    assertTrue(Fatbin.runsOn(e, 12, 0), "newer GPUs: PTX");
    assertFalse(Fatbin.runsOn(e, 7, 5), "T4: too old");
  }

  @Test
  void rejectsWhatIsNotAFatbin() {
    assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(new byte[64]));
    byte[] cut = java.util.Arrays.copyOf(CudaDevice.fatbin("kmeans"), 100);
    assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(cut));
  }

  @Test
  void probeWithoutADriverReportsWhyInOneLine() {
    BackendProvider.Availability a = new CudaBackendProvider().probe(BackendChoice.CUDA);
    if (a.available()) return; // a machine with a GPU: the oracle tests cover it
    assertFalse(a.reason().contains("\n"), a.reason());
    assertTrue(a.reason().contains("driver") || a.reason().contains("device"), a.reason());
  }
}
