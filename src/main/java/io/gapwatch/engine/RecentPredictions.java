package io.gapwatch.engine;

import java.util.Arrays;

/**
 * The last {@link #CAPACITY} records a model was presented, as target and the predictions every
 * predictor made before its step on each (test-then-train; in a later pass the exact fit's is its
 * in-sample prediction, having learned every record once): what the "prediction against target"
 * picture plots. A ring; O(1) per record, no allocation; part of the model's state, so the stream
 * and replay show the same points and they survive a restart.
 */
public final class RecentPredictions {

    /** Records kept. */
    public static final int CAPACITY = 128;

    private final double[] targets = new double[CAPACITY];
    /** [predictor][slot]: predictor 0 the exact fit (NaN while it cannot predict), then each learner. */
    private final double[][] predictions;
    private long added;

    RecentPredictions(int predictors) {
        this.predictions = new double[predictors][CAPACITY];
    }

    void add(double y, double[] predicted) {
        final int slot = (int) (added % CAPACITY);
        targets[slot] = y;
        for (int k = 0; k < predictions.length; k++) {
            predictions[k][slot] = predicted[k];
        }
        added++;
    }

    /** Records held, at most {@link #CAPACITY}. */
    public int size() {
        return (int) Math.min(added, CAPACITY);
    }

    /** The targets, oldest first. */
    public double[] targets() {
        return ordered(targets);
    }

    /** Predictor k's predictions (0 the exact fit, then the learners), oldest first, aligned with {@link #targets()}. */
    public double[] predictions(int k) {
        return ordered(predictions[k]);
    }

    private double[] ordered(double[] ring) {
        final int n = size();
        final double[] out = new double[n];
        final int oldest = (int) (added < CAPACITY ? 0 : added % CAPACITY);
        for (int i = 0; i < n; i++) {
            out[i] = ring[(oldest + i) % CAPACITY];
        }
        return out;
    }

    void write(java.io.DataOutput out) throws java.io.IOException {
        out.writeLong(added);
        final int n = size();
        for (int i = 0; i < n; i++) {
            out.writeLong(Double.doubleToRawLongBits(targets[i]));
        }
        for (double[] ring : predictions) {
            for (int i = 0; i < n; i++) {
                out.writeLong(Double.doubleToRawLongBits(ring[i]));
            }
        }
    }

    void read(java.io.DataInput in) throws java.io.IOException {
        added = in.readLong();
        if (added < 0) {
            throw new java.io.IOException("negative count of recent predictions");
        }
        final int n = size();
        Arrays.fill(targets, 0.0);
        for (int i = 0; i < n; i++) {
            targets[i] = Double.longBitsToDouble(in.readLong());
        }
        for (double[] ring : predictions) {
            for (int i = 0; i < n; i++) {
                ring[i] = Double.longBitsToDouble(in.readLong());
            }
        }
    }
}
