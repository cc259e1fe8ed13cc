package dev.ledge.train;

import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.train.data.Batch;
import dev.ledge.train.data.DataLoader;
import dev.ledge.train.data.Dataset;
import java.util.ArrayList;
import java.util.List;

/** The epoch loop: train on every batch, evaluate on a held-out set after each epoch. */
public final class Fit {
  /** Receives progress (called on the training thread). */
  public interface Listener {
    /** After every step; {@code running} holds the epoch's statistics so far. */
    default void onStep(int epoch, int step, int stepsPerEpoch, StepResult r, EpochStats running) {}

    default void onEpoch(EpochStats stats) {}
  }

  private Fit() {}

  /**
   * Trains for {@code epochs} epochs.
   *
   * @param test held-out data evaluated after each epoch, or null
   */
  public static List<EpochStats> run(
      Trainer trainer, DataLoader train, Dataset test, int epochs, Listener listener) {
    List<EpochStats> out = new ArrayList<>();
    TrainingGraph g = trainer.graph();
    for (int e = 0; e < epochs; e++) {
      long start = System.nanoTime();
      double lossSum = 0;
      long correct = 0;
      long samples = 0;
      int step = 0;
      int steps = train.batchesPerEpoch();
      for (Batch b : train.epoch(e)) {
        StepResult r = trainer.step(b);
        lossSum += r.loss() * r.samples();
        correct += r.correct();
        samples += r.samples();
        step++;
        double secs = (System.nanoTime() - start) / 1e9;
        listener.onStep(
            e + 1,
            step,
            steps,
            r,
            new EpochStats(
                e + 1, lossSum / samples, correct / (double) samples, Double.NaN, secs, samples));
      }
      double secs = (System.nanoTime() - start) / 1e9;
      double testAcc = Double.NaN;
      if (test != null) {
        try (Session s = Model.of(trainer.currentModel()).newSession()) {
          testAcc = Evaluation.of(s, g.input(), g.prediction(), test, 256).accuracy();
        }
      }
      EpochStats st =
          new EpochStats(
              e + 1, lossSum / samples, correct / (double) samples, testAcc, secs, samples);
      out.add(st);
      listener.onEpoch(st);
    }
    return out;
  }
}
