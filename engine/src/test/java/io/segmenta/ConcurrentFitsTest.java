package io.segmenta;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.data.Dataset;
import io.segmenta.datasets.Blobs;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.MiniBatchParams;
import io.segmenta.mixture.CovarianceType;
import io.segmenta.mixture.GmmParams;
import io.segmenta.preprocess.ScaleMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Eight fits at once through one facade, each configured differently, give the bits they give one after another. */
class ConcurrentFitsTest {
  static final Blobs B = Blobs.generate(40_000, 6, 7, 1.0, 8.0, 3);
  static final Dataset X = Dataset.ofRowMajor(B.values(), 40_000, 6);

  /** A fit's result reduced to what must be identical: labels and the model's objective, as text. */
  static List<Callable<String>> fits(Segmenta engine) {
    List<Callable<String>> f = new ArrayList<>();
    f.add(() -> kmeans(engine, KMeansParams.builder(7).seed(1).build()));
    f.add(() -> kmeans(engine, KMeansParams.builder(5).nInit(3).seed(2).scale(ScaleMethod.STANDARD).build()));
    f.add(() -> kmeans(engine, KMeansParams.builder(9).init(Init.RANDOM).seed(3).build()));
    f.add(() -> kmeans(engine, KMeansParams.builder(7).init(Init.KMEANS_PARALLEL).seed(4).build()));
    f.add(() -> kmeans(engine, KMeansParams.builder(7).swaps(200).seed(5).build()));
    f.add(() -> {
      var r = engine.miniBatchKMeans(X, MiniBatchParams.builder(7).seed(6).build());
      return Arrays.hashCode(r.labels()) + " " + r.model().inertia();
    });
    f.add(() -> {
      var r = engine.gmm(X, GmmParams.builder(7).seed(7).build());
      return Arrays.hashCode(r.labels()) + " " + r.model().lowerBound();
    });
    f.add(() -> {
      var r = engine.gmm(X, GmmParams.builder(4).covariance(CovarianceType.DIAG).nInit(2).seed(8).build());
      return Arrays.hashCode(r.labels()) + " " + r.model().lowerBound();
    });
    return f;
  }

  static String kmeans(Segmenta engine, KMeansParams p) {
    var r = engine.kmeans(X, p);
    return Arrays.hashCode(r.labels()) + " " + r.model().inertia();
  }

  @Test
  void eightConcurrentFitsMatchTheSameFitsRunOneAfterAnother() throws Exception {
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2))) {
      List<String> sequential = new ArrayList<>();
      for (Callable<String> c : fits(engine)) sequential.add(c.call());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> futures = pool.invokeAll(fits(engine));
        List<String> concurrent = new ArrayList<>();
        for (Future<String> fu : futures) concurrent.add(fu.get());
        assertEquals(sequential, concurrent);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
