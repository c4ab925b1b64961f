package example;

import io.segmenta.Segmenta;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.preprocess.ScaleMethod;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.FeatureStoreWriter;
import io.segmenta.store.SegmentAssignment;
import io.segmenta.store.SegmentLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * What a JVM service does with Segmenta: writes its customers into a feature store, fits K-Means
 * through the facade, publishes the run and looks customers up. Exit 0 when every lookup equals the
 * fit's label and the fit ran on the Vector API path; 3 when it fell back to the scalar path (the
 * JVM was started without the flags in segmenta-jvm.args); 1 on a wrong answer.
 */
public final class SegmentService {
  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("segmenta-example");
    Path storeDir = dir.resolve("store");
    int n = 20_000;
    Random rnd = new Random(1);
    try (FeatureStoreWriter w = FeatureStoreWriter.create(storeDir, List.of("recency", "frequency", "monetary"), true, true, "example")) {
      for (int i = 0; i < n; i++) {
        int c = i % 4;
        w.append("cust-" + i, new float[] {(float) (30 * c + 5 * rnd.nextGaussian()), (float) (2 + 3 * c + rnd.nextGaussian()),
            (float) (100 * (c + 1) + 20 * rnd.nextGaussian())});
      }
      w.commit().close();
    }
    String device;
    int[] labels;
    try (Segmenta engine = Segmenta.open(); FeatureStore store = Segmenta.openStore(storeDir)) {
      device = engine.backend().device();
      KMeansResult r = engine.kmeans(store.dataset(), KMeansParams.builder(4).nInit(3).seed(1).scale(ScaleMethod.STANDARD).build());
      labels = r.labels();
      long version = Segmenta.publish(store, r);
      System.out.printf("fitted k = 4 on %d customers (inertia %.4g) on %s; published as version %d%n", n, r.model().inertia(), device, version);
    }
    int wrong = 0;
    try (SegmentLookup lookup = Segmenta.lookup(storeDir)) {
      for (int i = 0; i < n; i++) {
        SegmentAssignment a = lookup.segmentOf("cust-" + i).orElse(null);
        if (a == null || a.segment() != labels[i]) wrong++;
      }
      SegmentAssignment first = lookup.segmentOf("cust-0").orElseThrow();
      System.out.printf("cust-0 is in segment %d (distance %.3f, run %d); %d of %d lookups wrong%n", first.segment(), first.distance(),
          first.version(), wrong, n);
    }
    if (wrong > 0) System.exit(1);
    if (!device.contains("Vector API")) {
      System.err.println("the engine ran on the scalar path (" + device + "): start the JVM with java @segmenta-jvm.args");
      System.exit(3);
    }
  }
}
