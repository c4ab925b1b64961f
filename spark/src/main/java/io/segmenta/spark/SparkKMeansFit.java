package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.kmeans.CentroidUpdate;
import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeans;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import io.segmenta.run.RunControl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

/**
 * The driver's side of K-Means on Spark: the engine's Lloyd loop ({@code kmeans.KMeans}) with each
 * backend step replaced by one pass over the cached partition blocks. Every pass is one Spark job:
 * each task runs the compute backend's fused step on its block and returns float64 partial sums;
 * the partials, indexed by partition, are added in partition order; the centroid update, empty
 * clusters and the tolerance are the engine's ({@link CentroidUpdate}).
 */
final class SparkKMeansFit {
  private SparkKMeansFit() {}

  /** What a fit is asked to do (validated by the estimator's params). */
  record Options(int k, int maxIter, double tol, long seed, String initMode, int initSteps, double[][] initialCentroids,
                 String backend, int swaps, ScaleMethod scale, Log1p log1p, TaskFault fault, MiniBatch miniBatch) {
    Options(int k, int maxIter, double tol, long seed, String initMode, int initSteps, double[][] initialCentroids,
            String backend, int swaps, ScaleMethod scale, Log1p log1p, TaskFault fault) {
      this(k, maxIter, tol, seed, initMode, initSteps, initialCentroids, backend, swaps, scale, log1p, fault, MiniBatch.OFF);
    }
  }

  /**
   * Mini-batch K-Means instead of Lloyd when {@code batchSize > 0}: the engine's {@link
   * io.segmenta.kmeans.MiniBatchParams} meaning (rows per step drawn uniformly with replacement, a
   * step cap, early stop after {@code maxNoImprovement} steps without a better smoothed batch inertia).
   */
  record MiniBatch(int batchSize, int maxSteps, int maxNoImprovement) {
    static final MiniBatch OFF = new MiniBatch(0, 10_000, 10);

    boolean on() {
      return batchSize > 0;
    }
  }

  /** A fitted model with what a run summary reports. */
  record Result(KMeansModel model, int partitions, long rows, double seconds, double firstPassSeconds,
                List<Double> iterationSeconds, java.util.SortedMap<String, String> executorBackends) {}

  static Result fit(org.apache.spark.sql.Dataset<Row> df, Features f, Options o) {
    long t0 = System.nanoTime();
    JavaRDD<FeatureBlock> raw = f.blocks(df);
    JavaRDD<FeatureBlock> blocks = raw;
    try {
      Features.Summary s = f.summarize(raw);
      int k = o.k();
      int d = f.d;
      if (k > s.rows()) {
        throw new InvalidInputException("k = " + k + " is larger than the number of rows (" + s.rows() + ")");
      }
      FeatureScaling scaling = Scaling.fit(o.scale(), o.log1p(), f, s);
      if (!scaling.isIdentity()) blocks = Scaling.apply(raw, scaling);
      double tolScaled = CentroidUpdate.scaledTolerance(o.tol(), Scaling.scaledVariance(scaling, s));
      // Every partition is centred on the whole data's means, as the single-machine upload centres it.
      double[] centre = Features.centre(blocks, d, s.rows());
      double firstPass = (System.nanoTime() - t0) / 1e9;
      Driver run = new Driver(blocks, centre, s, k, d, o);
      SplittableRandom rng = new SplittableRandom(o.seed()).split(); // the engine's first restart
      Init init = o.initialCentroids() != null ? Init.GIVEN : Init.parse(o.initMode());
      double[] centers = switch (init) {
        case GIVEN -> given(o.initialCentroids(), scaling, d);
        case RANDOM -> run.randomInit(rng.nextLong());
        case KMEANS_PARALLEL -> run.kmeansParallel(rng.nextLong(), f.names);
        case KMEANS_PLUS_PLUS -> run.kmeansPlusPlus(rng, f.names);
      };
      MiniBatch mb = o.miniBatch();
      Driver.Run r = mb.on() ? run.miniBatch(centers, mb, rng) : run.lloyd(centers, o.maxIter(), tolScaled);
      if (o.swaps() > 0) r = run.randomSwap(r, o.swaps(), o.maxIter(), tolScaled, rng);
      double[][] c = new double[k][d];
      for (int i = 0; i < k; i++) System.arraycopy(r.centers(), i * d, c[i], 0, d);
      // A mini-batch model records its steps as iterations and tol 0, as the engine's MiniBatchKMeans does.
      KMeansParams.Builder pb = KMeansParams.builder(k).maxIter(mb.on() ? Math.max(1, r.iterations()) : Math.max(1, o.maxIter()))
          .tol(mb.on() ? 0 : o.tol()).seed(o.seed()).scale(o.scale()).log1p(o.log1p()).swaps(o.swaps());
      if (init == Init.GIVEN) pb.initialCentroids(o.initialCentroids());
      else pb.init(init);
      KMeansModel model = new KMeansModel(f.names, c, scaling, r.inertia(), r.iterations(), r.converged(), s.rows(), pb.build());
      return new Result(model, s.counts().length, s.rows(), (System.nanoTime() - t0) / 1e9, firstPass, run.iterationSeconds,
          java.util.Collections.unmodifiableSortedMap(run.executorBackends));
    } finally {
      if (blocks != raw) blocks.unpersist(false);
      raw.unpersist(false);
    }
  }

  private static double[] given(double[][] init, FeatureScaling scaling, int d) {
    double[] out = new double[init.length * d];
    for (int c = 0; c < init.length; c++) {
      if (init[c].length != d) {
        throw new InvalidInputException("initialCentroids: centroid " + (c + 1) + " has " + init[c].length
            + " values, the data has " + d + " columns");
      }
      System.arraycopy(scaling.forward(init[c]), 0, out, c * d, d);
    }
    return out;
  }

  /** One fit's passes over the blocks. */
  static final class Driver {
    final JavaRDD<FeatureBlock> blocks;
    final double[] centre;
    final Features.Summary s;
    final int k;
    final int d;
    final String backend;
    final TaskFault fault;
    final int initSteps;
    final List<Double> iterationSeconds = new ArrayList<>();
    /** Executor id to the backend its steps ran on, as the tasks reported it. */
    final TreeMap<String, String> executorBackends = new TreeMap<>();
    int pass;

    Driver(JavaRDD<FeatureBlock> blocks, double[] centre, Features.Summary s, int k, int d, Options o) {
      this.blocks = blocks;
      this.centre = centre;
      this.s = s;
      this.k = k;
      this.d = d;
      this.backend = o.backend();
      this.fault = o.fault();
      this.initSteps = o.initSteps();
    }

    record Run(double[] centers, double inertia, int iterations, boolean converged) {}

    /** One backend step over every partition, partials summed in partition order. */
    KMeansStepResult step(double[] centers) {
      int p = ++pass;
      int kk = k;
      int dd = d;
      String b = backend;
      double[] ctr = centre;
      TaskFault tf = fault;
      TreeMap<Integer, StepPartial> parts = blocks.treeAggregate(new TreeMap<Integer, StepPartial>(), (acc, blk) -> {
        StepPartial sp = blk.step(b, ctr, p, centers, kk);
        if (tf != null) tf.check(p, blk.partition);
        acc.put(blk.partition, sp);
        return acc;
      }, (x, y) -> {
        x.putAll(y);
        return x;
      }, 2);
      return combine(parts);
    }

    /** The partials in partition order, noting which backend each executor stepped on. */
    private KMeansStepResult combine(TreeMap<Integer, StepPartial> parts) {
      for (StepPartial sp : parts.values()) {
        int eq = sp.ranOn.indexOf('=');
        if (eq > 0) executorBackends.merge(sp.ranOn.substring(0, eq), sp.ranOn.substring(eq + 1),
            (a, b2) -> List.of(a.split(",")).contains(b2) ? a : a + "," + b2);
      }
      return StepPartial.combine(parts, k, d);
    }

    /**
     * One mini-batch step: the driver's sorted draw of global row indices is cut at the partition
     * offsets, each block steps only its drawn rows (repeats included), and the partials are added
     * in partition order. The draw is the driver's, from one seeded generator, so which rows a step
     * sees depends neither on task timing nor on how the rows are cut into partitions.
     */
    KMeansStepResult batchStep(double[] centers, long[] sortedBatch) {
      int p = ++pass;
      long[] off = s.offsets();
      int parts = off.length;
      int[][] local = new int[parts][];
      int from = 0;
      for (int q = 0; q < parts; q++) {
        long end = q + 1 < parts ? off[q + 1] : Long.MAX_VALUE;
        int to = from;
        while (to < sortedBatch.length && sortedBatch[to] < end) to++;
        local[q] = new int[to - from];
        for (int i = from; i < to; i++) local[q][i - from] = (int) (sortedBatch[i] - off[q]);
        from = to;
      }
      int kk = k;
      String b = backend;
      double[] ctr = centre;
      TaskFault tf = fault;
      var sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(blocks.context());
      // Broadcast: each executor fetches the step's row lists once, not once per task.
      org.apache.spark.broadcast.Broadcast<int[][]> rows = sc.broadcast(local);
      try {
        TreeMap<Integer, StepPartial> out = blocks.treeAggregate(new TreeMap<Integer, StepPartial>(), (acc, blk) -> {
          StepPartial sp = blk.batchStep(b, ctr, rows.value()[blk.partition], centers, kk);
          if (tf != null) tf.check(p, blk.partition);
          acc.put(blk.partition, sp);
          return acc;
        }, (x, y) -> {
          x.putAll(y);
          return x;
        }, 2);
        return combine(out);
      } finally {
        rows.destroy();
      }
    }

    /**
     * The engine's mini-batch loop ({@code kmeans.MiniBatchKMeans}): each step draws {@code
     * batchSize} row indices uniformly with replacement from {@code rng}, steps them on the
     * executors and moves the centroids on the driver with the engine's {@link
     * io.segmenta.kmeans.MiniBatchUpdate}; then one full pass for the true inertia.
     */
    Run miniBatch(double[] centers, MiniBatch mb, SplittableRandom rng) {
      long n = s.rows();
      int b = (int) Math.min(mb.batchSize(), n);
      io.segmenta.kmeans.MiniBatchUpdate update = new io.segmenta.kmeans.MiniBatchUpdate(k, d, n, b, mb.maxNoImprovement());
      long[] batch = new long[b];
      int steps = 0;
      boolean converged = false;
      while (steps < mb.maxSteps()) {
        long ts = System.nanoTime();
        for (int i = 0; i < b; i++) batch[i] = rng.nextLong(n);
        java.util.Arrays.sort(batch);
        KMeansStepResult res = batchStep(centers, batch);
        steps++;
        boolean stop = update.apply(res, centers);
        iterationSeconds.add((System.nanoTime() - ts) / 1e9);
        if (stop) {
          converged = true;
          break;
        }
      }
      KMeansStepResult res = step(centers);
      return new Run(centers.clone(), res.inertia, steps, converged);
    }

    /** The engine's re-seeding of empty clusters, with the farthest rows gathered from all partitions. */
    void relocateEmpty(KMeansStepResult res, double[] centers) {
      int empty = CentroidUpdate.emptyClusters(res);
      if (empty == 0) return;
      int p = pass;
      int kk = k;
      String b = backend;
      double[] ctr = centre;
      long[] offsets = s.offsets();
      List<FeatureBlock.Far> far = new ArrayList<>(blocks
          .flatMap(blk -> blk.farthest(b, ctr, p, centers, kk, empty, offsets[blk.partition]).iterator())
          .collect());
      far.sort((x, y) -> CentroidUpdate.fartherFirst(x.distance(), x.globalRow(), y.distance(), y.globalRow()));
      int used = 0;
      for (int c = 0; c < k && used < Math.min(empty, far.size()); c++) {
        if (res.weights[c] > 0) continue;
        FeatureBlock.Far r = far.get(used++);
        CentroidUpdate.reseed(res, c, r.label(), r.row(), r.weight());
      }
    }

    /** The engine's Lloyd loop ({@code KMeans.lloyd}), one pass per iteration, then a final labelling pass. */
    Run lloyd(double[] centers, int maxIter, double tolScaled) {
      double[] next = new double[k * d];
      boolean converged = false;
      int it = 0;
      KMeansStepResult res;
      while (it < maxIter) {
        long ts = System.nanoTime();
        res = step(centers);
        it++;
        relocateEmpty(res, centers);
        double shift = CentroidUpdate.update(res, centers, next, k, d);
        double[] t = centers;
        centers = next;
        next = t;
        iterationSeconds.add((System.nanoTime() - ts) / 1e9);
        if (res.changed == 0 || shift <= tolScaled) {
          converged = true;
          break;
        }
      }
      res = step(centers);
      return new Run(centers.clone(), res.inertia, it, converged);
    }

    /** The engine's quality mode ({@code KMeans.randomSwap}): the same draws from the same generator. */
    Run randomSwap(Run start, int swaps, int maxIter, double tolScaled, SplittableRandom rng) {
      double[] best = start.centers().clone();
      double bestInertia = start.inertia();
      double[] trial = new double[k * d];
      double[] next = new double[k * d];
      for (int t = 0; t < swaps; t++) {
        System.arraycopy(best, 0, trial, 0, k * d);
        FeatureBlock.RowAt row;
        do {
          row = rowAt(rng.nextLong(s.rows()));
        } while (!(row.weight() > 0));
        int j = rng.nextInt(k);
        for (int q = 0; q < d; q++) trial[j * d + q] = row.row()[q];
        KMeansStepResult res = step(trial);
        relocateEmpty(res, trial);
        CentroidUpdate.update(res, trial, next, k, d);
        res = step(next);
        if (res.inertia < bestInertia) {
          relocateEmpty(res, next);
          CentroidUpdate.update(res, next, best, k, d);
          bestInertia = res.inertia;
        }
      }
      Run polished = lloyd(best, maxIter, tolScaled);
      return new Run(polished.centers(), polished.inertia(), start.iterations() + 2 * swaps + polished.iterations(),
          polished.converged());
    }

    /** Row {@code i} in row order (partition by partition) and its weight. */
    FeatureBlock.RowAt rowAt(long i) {
      long[] off = s.offsets();
      int p = 0;
      while (p + 1 < off.length && off[p + 1] <= i) p++;
      int part = p;
      int local = (int) (i - off[p]);
      return blocks.filter(b -> b.partition == part).map(b -> b.row(local)).first();
    }

    /**
     * k distinct rows drawn with probability proportional to their weight (Efraimidis-Spirakis
     * keys from a generator per partition): each partition keeps its k best keys, the driver the
     * k best of all, ties broken by row order.
     */
    double[] randomInit(long seed) {
      int kk = k;
      long[] off = s.offsets();
      List<double[]> keyed = new ArrayList<>(blocks.flatMap(b -> b.topKeys(seed, kk, off[b.partition]).iterator()).collect());
      keyed.sort(Comparator.<double[]>comparingDouble(a -> -a[0]).thenComparingDouble(a -> a[1]));
      if (keyed.size() < k) throw new InvalidInputException("k = " + k + " is larger than the rows with a positive weight (" + keyed.size() + ")");
      double[] out = new double[k * d];
      List<double[]> chosen = new ArrayList<>(keyed.subList(0, k));
      chosen.sort(Comparator.comparingDouble(a -> a[1])); // row order, as the engine's random init
      for (int c = 0; c < k; c++) System.arraycopy(chosen.get(c), 2, out, c * d, d);
      return out;
    }

    /**
     * k-means|| (Bahmani et al. 2012, as MLlib): a first row at random, then {@code initSteps}
     * rounds that each keep every row with probability min(1, 2k D^2 / cost); the candidates are
     * weighted by the rows closest to them and reduced to k by the engine's weighted K-Means
     * (k-means++ seeding, then Lloyd) on the driver.
     */
    double[] kmeansParallel(long seed, List<String> names) {
      SplittableRandom rng = new SplittableRandom(seed);
      List<double[]> cand = new ArrayList<>();
      FeatureBlock.RowAt first;
      do {
        first = rowAt(rng.nextLong(s.rows()));
      } while (!(first.weight() > 0));
      cand.add(toDouble(first.row()));
      int steps = initSteps;
      String b = backend;
      double[] ctr = centre;
      for (int round = 0; round < steps; round++) {
        double[] cs = flat(cand);
        int m = cand.size();
        double cost = Features.orderedSum(blocks, blk -> new double[] {blk.cost(b, ctr, cs, m)})[0];
        if (!(cost > 0)) break;
        double l = 2.0 * k;
        long roundSeed = rng.nextLong();
        List<float[]> picked = new ArrayList<>(blocks.flatMap(blk -> blk.sample(b, ctr, cs, m, l / cost, roundSeed).iterator()).collect());
        for (float[] r : picked) cand.add(toDouble(r));
      }
      double[] cs = flat(cand);
      int m = cand.size();
      if (m <= k) {
        if (m < k) return randomInit(rng.nextLong());
        return cs;
      }
      double[] w = Features.orderedSum(blocks, blk -> blk.closestWeights(b, ctr, cs, m));
      float[] vals = new float[m * d];
      float[] wf = new float[m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < d; j++) vals[i * d + j] = (float) cs[i * d + j];
        wf[i] = (float) w[i];
      }
      Dataset local = Dataset.of(HostMatrix.ofRowMajor(vals, m, d), names, null, wf);
      try (var be = io.segmenta.kernels.Backends.open(io.segmenta.kernels.BackendChoice.CPU, io.segmenta.kernels.BackendOptions.DEFAULTS)) {
        return KMeans.fit(be, local, KMeansParams.builder(k).maxIter(30).seed(rng.nextLong()).build(), RunControl.none())
            .model().centroidsFlat();
      }
    }

    /**
     * The engine's greedy k-means++ over the cached blocks: the first centre drawn by weight, each
     * next one the best of {@code 2 + floor(ln k)} candidates drawn in proportion to w D^2, judged
     * by the potential it leaves. Three passes per centre (potentials, the candidates' rows, their
     * potentials); each block keeps its rows' distances to the centres so far.
     */
    double[] kmeansPlusPlus(SplittableRandom rng, List<String> names) {
      int trials = 2 + (int) Math.log(k);
      double[] centers = new double[k * d];
      String b = backend;
      double[] ctr = centre;
      for (int c = 0; c < k; c++) {
        int m = c;
        double[] chosen = java.util.Arrays.copyOf(centers, c * d);
        TreeMap<Integer, double[]> pots = perPartition(blk -> blk.seedUpdate(b, ctr, chosen, m));
        double total = 0;
        for (double[] p : pots.values()) total += p[0];
        int draws = c == 0 ? 1 : trials;
        double[] cand = new double[draws * d];
        if (!(total > 0)) {
          for (int t = 0; t < draws; t++) System.arraycopy(toDouble(rowAt(rng.nextLong(s.rows())).row()), 0, cand, t * d, d);
        } else {
          double[] targets = new double[draws];
          for (int t = 0; t < draws; t++) targets[t] = rng.nextDouble() * total;
          List<float[]> rows = locate(pots, targets);
          for (int t = 0; t < draws; t++) System.arraycopy(toDouble(rows.get(t)), 0, cand, t * d, d);
        }
        int best = 0;
        if (draws > 1) {
          double[] pc = Features.orderedSum(blocks, blk -> blk.seedPotentials(b, ctr, cand, draws));
          for (int t = 1; t < draws; t++) if (pc[t] < pc[best]) best = t;
        }
        System.arraycopy(cand, best * d, centers, c * d, d);
      }
      return centers;
    }

    /** One result per block, indexed by partition. */
    private TreeMap<Integer, double[]> perPartition(org.apache.spark.api.java.function.Function<FeatureBlock, double[]> f) {
      return blocks.treeAggregate(new TreeMap<Integer, double[]>(), (acc, blk) -> {
        acc.put(blk.partition, f.call(blk));
        return acc;
      }, (x, y) -> {
        x.putAll(y);
        return x;
      }, 2);
    }

    /** The rows at global cumulative potentials {@code targets}, in the order given. */
    private List<float[]> locate(TreeMap<Integer, double[]> pots, double[] targets) {
      int m = targets.length;
      Integer[] order = new Integer[m];
      for (int t = 0; t < m; t++) order[t] = t;
      java.util.Arrays.sort(order, Comparator.comparingDouble(t -> targets[t]));
      java.util.Map<Integer, double[]> local = new java.util.HashMap<>();
      java.util.Map<Integer, int[]> which = new java.util.HashMap<>();
      double before = 0;
      int t = 0;
      int lastNonEmpty = pots.lastKey();
      for (var e : pots.entrySet()) if (e.getValue()[0] > 0) lastNonEmpty = e.getKey();
      for (var e : pots.entrySet()) {
        double p = e.getValue()[0];
        List<Integer> mine = new ArrayList<>();
        while (t < m && (targets[order[t]] <= before + p || e.getKey() == lastNonEmpty) && p > 0) mine.add(order[t++]);
        if (!mine.isEmpty()) {
          double[] lt = new double[mine.size()];
          int[] ids = new int[mine.size()];
          for (int i = 0; i < lt.length; i++) {
            lt[i] = targets[mine.get(i)] - before;
            ids[i] = mine.get(i);
          }
          local.put(e.getKey(), lt);
          which.put(e.getKey(), ids);
        }
        before += p;
      }
      String b = backend;
      double[] ctr = centre;
      List<float[]> out = new ArrayList<>(java.util.Collections.nCopies(m, (float[]) null));
      var found = blocks.filter(blk -> local.containsKey(blk.partition))
          .map(blk -> new Object[] {blk.partition, blk.seedLocate(b, ctr, local.get(blk.partition))}).collect();
      for (Object[] r : found) {
        int[] ids = which.get((Integer) r[0]);
        @SuppressWarnings("unchecked")
        List<float[]> rows = (List<float[]>) r[1];
        for (int i = 0; i < ids.length; i++) out.set(ids[i], rows.get(i));
      }
      return out;
    }

    private static double[] toDouble(float[] r) {
      double[] o = new double[r.length];
      for (int j = 0; j < r.length; j++) o[j] = r[j];
      return o;
    }

    private double[] flat(List<double[]> rows) {
      double[] out = new double[rows.size() * d];
      for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, out, i * d, d);
      return out;
    }
  }
}
