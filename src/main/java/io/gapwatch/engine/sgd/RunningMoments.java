package io.gapwatch.engine.sgd;

/**
 * Running mean and variance of each of k variables (Welford 1962), for online standardization.
 * The standard deviation of a variable that has not varied yet is taken as 1, so that the first
 * records pass through unscaled instead of dividing by zero.
 */
final class RunningMoments {

    private long count;
    private final double[] mean;
    private final double[] sumSquaredDeviations;

    RunningMoments(int k) {
        this.mean = new double[k];
        this.sumSquaredDeviations = new double[k];
    }

    //   n ← n + 1,  δ = x − mean,  mean ← mean + δ/n,  M2 ← M2 + δ(x − mean)
    void add(double[] x) {
        count++;
        for (int j = 0; j < mean.length; j++) {
            final double delta = x[j] - mean[j];
            mean[j] += delta / count;
            sumSquaredDeviations[j] += delta * (x[j] - mean[j]);
        }
    }

    void add(double x) {
        count++;
        final double delta = x - mean[0];
        mean[0] += delta / count;
        sumSquaredDeviations[0] += delta * (x - mean[0]);
    }

    double mean(int j) {
        return mean[j];
    }

    /** Population standard deviation √(M2/n), or 1 while it is 0. */
    double scale(int j) {
        if (count == 0) {
            return 1.0;
        }
        final double sd = Math.sqrt(sumSquaredDeviations[j] / count);
        return sd > 0.0 ? sd : 1.0;
    }

    long count() {
        return count;
    }

    double[][] state() {
        return new double[][] {mean, sumSquaredDeviations};
    }

    void restore(long count, double[] mean, double[] sumSquaredDeviations) {
        this.count = count;
        System.arraycopy(mean, 0, this.mean, 0, this.mean.length);
        System.arraycopy(sumSquaredDeviations, 0, this.sumSquaredDeviations, 0, this.sumSquaredDeviations.length);
    }
}
