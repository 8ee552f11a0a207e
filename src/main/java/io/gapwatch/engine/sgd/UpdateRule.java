package io.gapwatch.engine.sgd;

/**
 * An optimizer's update rule with the per-coordinate state it keeps. θ is (b, w) with the
 * intercept at index 0 when the learner has one; the intercept may step at its own rate.
 *
 * <p>Implementations allocate only in their constructor: {@link #step} is on the per-record path.
 */
public interface UpdateRule {

    /**
     * θ ← θ − Δ(g).
     *
     * @param theta         coefficients; Modified
     * @param gradient      ∂loss/∂θ at θ, length of θ; Not modified
     * @param rate          η_t for the weights
     * @param interceptRate η_t for θ[0] when {@code intercept}
     * @param intercept     whether θ[0] is an intercept
     */
    void step(double[] theta, double[] gradient, double rate, double interceptRate, boolean intercept);

    /** Forgets all state, as at construction. */
    void reset();

    /** The state as flat arrays (for snapshots); the order is the implementation's own. */
    double[][] state();

    /** Creates the rule a config asks for, for {@code p} coefficients. */
    static UpdateRule of(LearnerConfig config, int p) {
        return switch (config.optimizer()) {
            case SGD -> new GradientDescent();
            case MOMENTUM -> new Momentum(p, config.momentum(), false);
            case NESTEROV -> new Momentum(p, config.momentum(), true);
            case ADAGRAD -> new Adagrad(p, config.eps(), config.epsForm() == LearnerConfig.EpsForm.KERAS, config.accumulatorInit());
            case RMSPROP -> new RmsProp(p, config.beta2(), config.eps(), config.epsForm() == LearnerConfig.EpsForm.KERAS);
            case ADAM, ADAMW -> new Adam(p, config.beta1(), config.beta2(), config.eps(), config.amsgrad(),
                    config.epsForm() == LearnerConfig.EpsForm.KERAS);
        };
    }

    /**
     * Steps coordinates [from, to) at one rate. Rules implement this; {@link #step} calls it for the
     * intercept and then for the weights, so the loop over the weights has no branch in it and the
     * JIT can vectorize it.
     */
    void stepRange(double[] theta, double[] gradient, double rate, int from, int to);

    /** Rules whose state is per coordinate: the intercept, then the weights. */
    abstract class PerCoordinate implements UpdateRule {
        @Override
        public void step(double[] theta, double[] gradient, double rate, double interceptRate, boolean intercept) {
            beforeStep();
            final int from = intercept ? 1 : 0;
            if (intercept) {
                stepRange(theta, gradient, interceptRate, 0, 1);
            }
            stepRange(theta, gradient, rate, from, theta.length);
        }

        /** Per-step bookkeeping shared by all coordinates (Adam's bias-correction powers). */
        void beforeStep() {
        }
    }

    /** θ ← θ − η g. */
    final class GradientDescent extends PerCoordinate {
        @Override
        public void stepRange(double[] theta, double[] gradient, double rate, int from, int to) {
            for (int i = from; i < to; i++) {
                theta[i] -= rate * gradient[i];
            }
        }

        @Override
        public void reset() {
        }

        @Override
        public double[][] state() {
            return new double[0][];
        }
    }

    /**
     * Heavy ball, as PyTorch's SGD(momentum=μ) writes it: v ← μ v + g, θ ← θ − η v.
     * Nesterov: θ ← θ − η (g + μ v) with the new v.
     */
    final class Momentum extends PerCoordinate {
        private final double mu;
        private final boolean nesterov;
        private final double[] velocity;

        Momentum(int p, double mu, boolean nesterov) {
            this.mu = mu;
            this.nesterov = nesterov;
            this.velocity = new double[p];
        }

        @Override
        public void stepRange(double[] theta, double[] gradient, double rate, int from, int to) {
            if (nesterov) {
                for (int i = from; i < to; i++) {
                    final double g = gradient[i];
                    final double v = mu * velocity[i] + g;
                    velocity[i] = v;
                    theta[i] -= rate * (g + mu * v);
                }
            } else {
                for (int i = from; i < to; i++) {
                    final double v = mu * velocity[i] + gradient[i];
                    velocity[i] = v;
                    theta[i] -= rate * v;
                }
            }
        }

        @Override
        public void reset() {
            java.util.Arrays.fill(velocity, 0.0);
        }

        @Override
        public double[][] state() {
            return new double[][] {velocity};
        }
    }

    /**
     * Duchi et al. 2011: G ← G + g², θ ← θ − η g / (√G + ε) (PyTorch, G₀ = 0), or
     * θ ← θ − η g / √(G + ε) (Keras, G₀ = 0.1).
     */
    final class Adagrad extends PerCoordinate {
        private final double eps;
        private final boolean epsInsideRoot;
        private final double initial;
        private final double[] sumOfSquares;

        Adagrad(int p, double eps, boolean epsInsideRoot, double initial) {
            this.eps = eps;
            this.epsInsideRoot = epsInsideRoot;
            this.initial = initial;
            this.sumOfSquares = new double[p];
            java.util.Arrays.fill(sumOfSquares, initial);
        }

        @Override
        public void stepRange(double[] theta, double[] gradient, double rate, int from, int to) {
            if (epsInsideRoot) {
                for (int i = from; i < to; i++) {
                    final double g = gradient[i];
                    final double s = sumOfSquares[i] + g * g;
                    sumOfSquares[i] = s;
                    theta[i] -= rate * g / Math.sqrt(s + eps);
                }
            } else {
                for (int i = from; i < to; i++) {
                    final double g = gradient[i];
                    final double s = sumOfSquares[i] + g * g;
                    sumOfSquares[i] = s;
                    theta[i] -= rate * g / (Math.sqrt(s) + eps);
                }
            }
        }

        @Override
        public void reset() {
            java.util.Arrays.fill(sumOfSquares, initial);
        }

        @Override
        public double[][] state() {
            return new double[][] {sumOfSquares};
        }
    }

    /**
     * Tieleman &amp; Hinton 2012: E ← ρ E + (1 − ρ) g², θ ← θ − η g / (√E + ε) (PyTorch), or
     * θ ← θ − η g / √(E + ε) (Keras).
     */
    final class RmsProp extends PerCoordinate {
        private final double rho;
        private final double eps;
        private final boolean epsInsideRoot;
        private final double[] meanSquare;

        RmsProp(int p, double rho, double eps, boolean epsInsideRoot) {
            this.rho = rho;
            this.eps = eps;
            this.epsInsideRoot = epsInsideRoot;
            this.meanSquare = new double[p];
        }

        @Override
        public void stepRange(double[] theta, double[] gradient, double rate, int from, int to) {
            if (epsInsideRoot) {
                for (int i = from; i < to; i++) {
                    final double g = gradient[i];
                    final double e = rho * meanSquare[i] + (1 - rho) * g * g;
                    meanSquare[i] = e;
                    theta[i] -= rate * g / Math.sqrt(e + eps);
                }
            } else {
                for (int i = from; i < to; i++) {
                    final double g = gradient[i];
                    final double e = rho * meanSquare[i] + (1 - rho) * g * g;
                    meanSquare[i] = e;
                    theta[i] -= rate * g / (Math.sqrt(e) + eps);
                }
            }
        }

        @Override
        public void reset() {
            java.util.Arrays.fill(meanSquare, 0.0);
        }

        @Override
        public double[][] state() {
            return new double[][] {meanSquare};
        }
    }

    /**
     * Kingma &amp; Ba 2015, Algorithm 1 with bias correction, in the efficient order of their §2:
     * <pre>
     *   m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²        (AMSGrad: v ← max(v_max, v))
     *   α_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ),   ε̂_t = ε √(1 − β₂ᵗ)
     *   θ ← θ − α_t m / (√v + ε̂_t)
     * </pre>
     * which is exactly θ − η m̂ / (√v̂ + ε) with m̂, v̂ the bias-corrected moments (PyTorch's form),
     * with one square root and one division per coordinate instead of two divisions. β₁ᵗ and β₂ᵗ
     * are kept as running products, not computed with pow, so that the golden trajectories of
     * scripts/golden_trajectories.py reproduce to the last bit. Keras and scikit-learn's MLP add
     * their ε in this efficient form as it stands, ε̂_t = ε ({@code eps-form=keras}): a different
     * optimizer whenever √v is as small as ε.
     */
    final class Adam extends PerCoordinate {
        private final double beta1;
        private final double beta2;
        private final double eps;
        private final boolean amsgrad;
        private final boolean epsUnscaled;
        private final double[] first;
        private final double[] second;
        private final double[] secondMax;
        /** [β₁ᵗ, β₂ᵗ]. */
        private final double[] powers = {1.0, 1.0};
        private double rootCorrection2;
        private double over1;

        Adam(int p, double beta1, double beta2, double eps, boolean amsgrad, boolean epsUnscaled) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.amsgrad = amsgrad;
            this.epsUnscaled = epsUnscaled;
            this.first = new double[p];
            this.second = new double[p];
            this.secondMax = new double[amsgrad ? p : 0];
        }

        @Override
        void beforeStep() {
            powers[0] *= beta1;
            powers[1] *= beta2;
            rootCorrection2 = Math.sqrt(1 - powers[1]);
            over1 = rootCorrection2 / (1 - powers[0]);
        }

        @Override
        public void stepRange(double[] theta, double[] gradient, double rate, int from, int to) {
            final double stepSize = rate * over1;
            final double epsHat = epsUnscaled ? eps : eps * rootCorrection2;
            if (amsgrad) {
                for (int i = from; i < to; i++) {
                    final double g = gradient[i];
                    final double m = beta1 * first[i] + (1 - beta1) * g;
                    final double s = beta2 * second[i] + (1 - beta2) * g * g;
                    final double v = Math.max(secondMax[i], s);
                    first[i] = m;
                    second[i] = s;
                    secondMax[i] = v;
                    theta[i] -= stepSize * m / (Math.sqrt(v) + epsHat);
                }
            } else {
                for (int i = from; i < to; i++) {
                    final double g = gradient[i];
                    final double m = beta1 * first[i] + (1 - beta1) * g;
                    final double s = beta2 * second[i] + (1 - beta2) * g * g;
                    first[i] = m;
                    second[i] = s;
                    theta[i] -= stepSize * m / (Math.sqrt(s) + epsHat);
                }
            }
        }

        @Override
        public void reset() {
            java.util.Arrays.fill(first, 0.0);
            java.util.Arrays.fill(second, 0.0);
            java.util.Arrays.fill(secondMax, 0.0);
            powers[0] = 1.0;
            powers[1] = 1.0;
            rootCorrection2 = 0.0;
            over1 = 0.0;
        }

        @Override
        public double[][] state() {
            return new double[][] {first, second, secondMax, powers};
        }
    }
}
