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
    /** √(M2/n), or 1 while 0: kept with the moments so a record costs one square root per variable. */
    private final double[] scale;

    RunningMoments(int k) {
        this.mean = new double[k];
        this.sumSquaredDeviations = new double[k];
        this.scale = new double[k];
        java.util.Arrays.fill(scale, 1.0);
    }

    //   n ← n + 1,  δ = x − mean,  mean ← mean + δ/n,  M2 ← M2 + δ(x − mean)
    void add(double[] x) {
        count++;
        for (int j = 0; j < mean.length; j++) {
            final double delta = x[j] - mean[j];
            mean[j] += delta / count;
            sumSquaredDeviations[j] += delta * (x[j] - mean[j]);
            scale[j] = scaleOf(sumSquaredDeviations[j]);
        }
    }

    void add(double x) {
        count++;
        final double delta = x - mean[0];
        mean[0] += delta / count;
        sumSquaredDeviations[0] += delta * (x - mean[0]);
        scale[0] = scaleOf(sumSquaredDeviations[0]);
    }

    private double scaleOf(double m2) {
        final double sd = Math.sqrt(m2 / count);
        return sd > 0.0 ? sd : 1.0;
    }

    double mean(int j) {
        return mean[j];
    }

    /** Population standard deviation √(M2/n), or 1 while it is 0. */
    double scale(int j) {
        return scale[j];
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
        for (int j = 0; j < scale.length; j++) {
            scale[j] = count == 0 ? 1.0 : scaleOf(sumSquaredDeviations[j]);
        }
    }
}
