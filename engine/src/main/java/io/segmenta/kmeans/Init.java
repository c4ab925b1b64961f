package io.segmenta.kmeans;

import io.segmenta.InvalidInputException;
import java.util.Locale;

/** How K-Means picks its starting centroids. */
public enum Init {
  /** Greedy k-means++ (Arthur and Vassilvitskii 2007), 2 + ln k candidates per step, as scikit-learn. */
  KMEANS_PLUS_PLUS,
  /** k distinct rows drawn at random, with probability proportional to the sample weight. */
  RANDOM,
  /**
   * k-means|| (Bahmani et al. 2012): a few sampling passes instead of k sequential ones, for data
   * at 10^8 rows; see {@code KMeansParallel}.
   */
  KMEANS_PARALLEL,
  /** Centroids the caller gives ({@link KMeansParams#initialCentroids()}). */
  GIVEN;

  /** Parses {@code k-means++|kmeans++|random|given}. */
  public static Init parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "k-means++", "kmeans++", "kmeans_plus_plus", "kmeans-plus-plus" -> KMEANS_PLUS_PLUS;
      case "random" -> RANDOM;
      case "k-means||", "kmeans||", "k-means-parallel", "kmeans-parallel" -> KMEANS_PARALLEL;
      case "given" -> GIVEN;
      default -> throw new InvalidInputException("--init: unknown method '" + s + "'; expected k-means++, k-means||, random or a centroids file");
    };
  }

  public String label() {
    return switch (this) {
      case KMEANS_PLUS_PLUS -> "k-means++";
      case RANDOM -> "random";
      case KMEANS_PARALLEL -> "k-means||";
      case GIVEN -> "given";
    };
  }
}
