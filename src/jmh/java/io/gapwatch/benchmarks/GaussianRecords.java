package io.gapwatch.benchmarks;

import java.util.Random;

/**
 * The input of the per-record benchmarks: a fixed ring of records with standard normal features
 * and target, walked round and round so that each call sees a different row without generating one.
 */
final class GaussianRecords {

    /** A power of two, so that the next index is a mask rather than a division. */
    static final int COUNT = 1024;

    final double[][] rows;
    final double[] targets;
    private int next;

    GaussianRecords(int features, long seed) {
        final Random random = new Random(seed);
        rows = new double[COUNT][features];
        targets = new double[COUNT];
        for (int i = 0; i < COUNT; i++) {
            for (int j = 0; j < features; j++) {
                rows[i][j] = random.nextGaussian();
            }
            targets[i] = random.nextGaussian();
        }
    }

    /** The index of the next record, round the ring. */
    int next() {
        final int i = next;
        next = (i + 1) & (COUNT - 1);
        return i;
    }
}
