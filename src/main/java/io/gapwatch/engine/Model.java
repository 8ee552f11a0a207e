package io.gapwatch.engine;

import io.gapwatch.engine.exact.SpectrumCheckpoint;
import io.gapwatch.engine.exact.SpectrumCheckpointCodec;
import io.gapwatch.engine.exact.StreamingLeastSquares;
import io.gapwatch.engine.exact.StructuralBreaks;
import io.gapwatch.engine.exact.StructuralBreaksCodec;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.OnlineLearner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One model key's state: the exact least-squares fit and the user's learners over the same
 * records, scored test-then-train. This is the one code path that replay and the stream
 * processor both drive, so the same records in the same order give the same numbers, bit for bit.
 *
 * <p>Per record: every predictor predicts, then every predictor learns. Work is O(p²) for the
 * exact fit and O(p) per learner (O(p²) for a whitening one), with no allocation. Everything the
 * diagnostics read is a function of the record sequence alone — running scores, health averages
 * over a fixed window, drift between checkpoints every {@code window} records — never of when a
 * report was asked for.
 *
 * <h2>Records and passes</h2>
 * A user who trains for several epochs shows the learners the same records again. The exact fit is
 * the least-squares answer over the <em>data</em>, so it sees each record once ({@link #observe}); a
 * record seen before goes to the learners only ({@link #revisit}), and neither the exact fit nor any
 * prequential score counts it again. Repeating records in the exact fit would leave its solution
 * unchanged in exact arithmetic but inflate n, which moves the rank tolerance (ε·n·σ_max) and the
 * roundoff, and can change the rank of a design with about as many records as coefficients.
 */
public final class Model {

    private final List<String> featureNames;
    private final ModelOptions options;
    private final StreamingLeastSquares exact;
    /** CUSUM and CUSUM of squares of the exact fit's recursive residuals: did the relationship change? */
    private StructuralBreaks breaks;
    /** The spectrum at the last multiple of {@link SpectrumCheckpoint#EVERY_RECORDS} records, when that design was well determined; else null. */
    private SpectrumCheckpoint spectrum;
    private final List<OnlineLearner> learners;
    private final Prequential exactScore = new Prequential();
    private final Prequential[] learnerScores;
    /** Predictions of the last record: index 0 the exact fit (NaN when not determined), then each learner. */
    private final double[] predictions;
    private final RecentPredictions recent;

    private final double[] exactCheckpoint;
    private final double[][] learnerCheckpoints;
    private final double[] learnerDriftAbsolute;
    private final double[] learnerDriftRelative;
    private double exactDriftAbsolute = Double.NaN;
    private double exactDriftRelative = Double.NaN;
    private long checkpointAt = -1;
    /** Records presented to the learners: first sight and revisits alike; drift windows count these. */
    private long presented;
    /** Passes over the data: 1 from the first record, +1 at every {@link #startPass()}. */
    private int passes;
    /** Records it learned that a restore could not read back (the input's retention had removed them): it went on without them. */
    private long lostRecords;
    private final double[] scratch;
    /** Created once: a method reference evaluated per record would allocate. */
    private final io.gapwatch.engine.sgd.Preconditioner whitening;

    /**
     * @throws IllegalArgumentException if a learner cannot run on this model (the message names it; {@link ModelSpec#check})
     */
    public Model(ModelSpec spec, List<String> featureNames) {
        this(featureNames, spec.options(), spec.learners());
    }

    /**
     * @throws IllegalArgumentException if a learner cannot run on this model (the message names it; {@link ModelSpec#check})
     */
    public Model(List<String> featureNames, ModelOptions options, Map<String, LearnerConfig> learnerConfigs) {
        this.featureNames = List.copyOf(featureNames);
        this.options = options;
        final int d = featureNames.size();
        this.exact = new StreamingLeastSquares(d, options.exact());
        this.breaks = new StructuralBreaks(options.exact());
        this.learners = new ArrayList<>();
        new ModelSpec(featureNames, options, learnerConfigs).check();
        for (Map.Entry<String, LearnerConfig> entry : learnerConfigs.entrySet()) {
            learners.add(new OnlineLearner(entry.getKey(), entry.getValue(), d, options.window()));
        }
        this.learnerScores = new Prequential[learners.size()];
        for (int i = 0; i < learnerScores.length; i++) {
            learnerScores[i] = new Prequential();
        }
        this.predictions = new double[1 + learners.size()];
        this.recent = new RecentPredictions(1 + learners.size());
        this.exactCheckpoint = new double[exact.parameters()];
        this.learnerCheckpoints = new double[learners.size()][exact.parameters()];
        this.learnerDriftAbsolute = new double[learners.size()];
        this.learnerDriftRelative = new double[learners.size()];
        java.util.Arrays.fill(learnerDriftAbsolute, Double.NaN);
        java.util.Arrays.fill(learnerDriftRelative, Double.NaN);
        this.scratch = new double[exact.parameters()];
        this.whitening = exact::applyInverseSecondMoment;
    }

    /**
     * Test-then-train on one record: predictions first, then every predictor learns.
     *
     * @param x features, length d, finite; Not modified
     * @param y target, finite
     * @return the predictions made before learning: index 0 the exact fit (NaN while it cannot
     *         determine one), then the learners in order. The array is reused by the next call.
     */
    public double[] observe(double[] x, double y) {
        if (passes == 0) {
            passes = 1;
        }
        final double exactPrediction = exact.update(x, y);
        breaks.add(exact.recursiveResidual());
        predictions[0] = exactPrediction;
        final double lambda = options.exact().forgetting();
        if (!Double.isNaN(exactPrediction)) {
            exactScore.add(y, exactPrediction, lambda);
        }
        // each learner predicts before its own step; the exact fit's update before it changes
        // nothing a learner sees except the whitening factor, which includes the current record
        for (int i = 0; i < learners.size(); i++) {
            predictions[1 + i] = learners.get(i).observe(x, y, whitening);
            learnerScores[i].add(y, predictions[1 + i], lambda);
        }
        recent.add(y, predictions);
        countPresented();
        if (SpectrumCheckpoint.due(exact.count())) {
            takeSpectrum();
        }
        return predictions;
    }

    // O(p³), once every EVERY_RECORDS records; a failure costs only the reuse: reports then decompose
    private void takeSpectrum() {
        try {
            spectrum = SpectrumCheckpoint.take(exact, featureNames);
        } catch (RuntimeException e) {
            spectrum = null;
        }
    }

    /**
     * A record the model has seen before, in a later pass over the same data (an epoch): every
     * learner takes its step on it; the exact fit and the prequential scores, which are about the
     * data and about predicting unseen records, leave it alone. The recent predictions take it,
     * so that they show where the learners are now: each learner's prediction before its step, and
     * the exact fit's in-sample one. No allocation.
     *
     * @param x features, length d, finite; Not modified
     * @param y target, finite
     */
    public void revisit(double[] x, double y) {
        predictions[0] = exact.predictIfDetermined(x);
        for (int i = 0; i < learners.size(); i++) {
            predictions[1 + i] = learners.get(i).observe(x, y, whitening);
        }
        recent.add(y, predictions);
        countPresented();
    }

    /** The next records are a new pass over data already observed: feed them with {@link #revisit}. */
    public void startPass() {
        passes++;
    }

    private void countPresented() {
        presented++;
        if (presented % options.window() == 0) {
            checkpoint();
        }
    }

    /**
     * Predictions for a record without a target; nothing learns.
     *
     * @return as {@link #observe}; reused by the next call
     */
    public double[] score(double[] x) {
        predictions[0] = exact.predictIfDetermined(x);
        for (int i = 0; i < learners.size(); i++) {
            predictions[1 + i] = learners.get(i).predict(x);
        }
        return predictions;
    }

    // Drift over the last window: ‖θ_now − θ_checkpoint‖, absolute and relative to the checkpoint.
    private void checkpoint() {
        exact.coefficients(scratch);
        if (checkpointAt >= 0) {
            exactDriftAbsolute = distance(scratch, exactCheckpoint);
            exactDriftRelative = relative(exactDriftAbsolute, exactCheckpoint);
        }
        System.arraycopy(scratch, 0, exactCheckpoint, 0, scratch.length);
        final boolean slot = options.exact().intercept();
        for (int i = 0; i < learners.size(); i++) {
            learners.get(i).coefficients(scratch, slot);
            if (checkpointAt >= 0) {
                learnerDriftAbsolute[i] = distance(scratch, learnerCheckpoints[i]);
                learnerDriftRelative[i] = relative(learnerDriftAbsolute[i], learnerCheckpoints[i]);
            }
            System.arraycopy(scratch, 0, learnerCheckpoints[i], 0, scratch.length);
        }
        checkpointAt = presented;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double relative(double absolute, double[] reference) {
        double s = 0.0;
        for (double v : reference) {
            s += v * v;
        }
        return s == 0.0 ? Double.NaN : absolute / Math.sqrt(s);
    }

    // ---------------------------------------------------------------- state, for snapshots
    //
    //   int    magic 'GWMD', short format version
    //   spec   (see writeSpec)
    //   bytes  the exact fit (EstimatorCodec), length-prefixed
    //   double[5] the exact fit's prequential sums; long checkpointAt; double[p] θ* at the checkpoint;
    //             double drift, drift relative; long records presented; int passes (format 2);
    //             long records lost (format 3); the recent predictions (format 2)
    //   per learner: double[5] prequential sums; double[p] checkpoint; double drift, drift relative;
    //             its own state (OnlineLearner.writeState)
    //   bytes  the structural-break test (StructuralBreaksCodec), length-prefixed (format 4). A state of
    //          format 1 to 3 starts a fresh test over the records that follow the restore: status
    //          on_since_restore when the records before it may have had recursive residuals, else the full test
    //   bytes  the spectrum checkpoint (SpectrumCheckpointCodec), length-prefixed, length 0 for none (format 5).
    //          A state of format 1 to 4 has none: its reports decompose the factor until the next checkpoint
    //
    // Doubles are raw IEEE bits: a model read back continues exactly as the one written would have.

    static final int MAGIC = 0x47574D44; // "GWMD"
    /** Version of the binary state written by {@link #write}; a reader refuses any other. */
    public static final short FORMAT = 5;

    /** The definition a fresh model is built from: feature names, options, learners and their settings. */
    public void writeSpec(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(featureNames.size());
        for (String name : featureNames) {
            out.writeUTF(name);
        }
        out.writeBoolean(options.exact().intercept());
        out.writeLong(Double.doubleToRawLongBits(options.exact().forgetting()));
        out.writeLong(Double.doubleToRawLongBits(options.exact().ridge()));
        out.writeInt(options.window());
        out.writeInt(learners.size());
        for (OnlineLearner learner : learners) {
            out.writeUTF(learner.name());
            final Map<String, String> settings = new java.util.LinkedHashMap<>();
            LearnerConfig.asText(learner.config()).forEach((k, v) -> {
                if (!v.isEmpty()) {
                    settings.put(k, v);
                }
            });
            out.writeInt(settings.size());
            for (Map.Entry<String, String> e : settings.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        }
    }

    /** A fresh model from a spec written by {@link #writeSpec}. */
    public static Model readSpec(java.io.DataInput in) throws java.io.IOException {
        final int d = in.readInt();
        final List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            names.add(in.readUTF());
        }
        final boolean intercept = in.readBoolean();
        final double forgetting = Double.longBitsToDouble(in.readLong());
        final double ridge = Double.longBitsToDouble(in.readLong());
        final int window = in.readInt();
        final int count = in.readInt();
        final Map<String, LearnerConfig> learnerConfigs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            final String name = in.readUTF();
            final int settings = in.readInt();
            final Map<String, String> map = new java.util.LinkedHashMap<>();
            for (int k = 0; k < settings; k++) {
                map.put(in.readUTF(), in.readUTF());
            }
            learnerConfigs.put(name, LearnerConfig.parse(map));
        }
        try {
            return new Model(names, new ModelOptions(new io.gapwatch.engine.exact.LeastSquaresOptions(intercept, forgetting, ridge), window),
                    learnerConfigs);
        } catch (IllegalArgumentException e) {
            throw new java.io.IOException("corrupt model spec: " + e.getMessage(), e);
        }
    }

    /** The complete state, bit for bit. */
    public void write(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(MAGIC);
        out.writeShort(FORMAT);
        writeSpec(out);
        final java.io.ByteArrayOutputStream exactBytes = new java.io.ByteArrayOutputStream();
        io.gapwatch.engine.exact.EstimatorCodec.write(exact, new java.io.DataOutputStream(exactBytes));
        out.writeInt(exactBytes.size());
        out.write(exactBytes.toByteArray());
        writeDoubles(out, exactScore.state());
        out.writeLong(checkpointAt);
        writeDoubles(out, exactCheckpoint);
        writeDoubles(out, new double[] {exactDriftAbsolute, exactDriftRelative});
        out.writeLong(presented);
        out.writeInt(passes);
        out.writeLong(lostRecords);
        recent.write(out);
        for (int i = 0; i < learners.size(); i++) {
            writeDoubles(out, learnerScores[i].state());
            writeDoubles(out, learnerCheckpoints[i]);
            writeDoubles(out, new double[] {learnerDriftAbsolute[i], learnerDriftRelative[i]});
            learners.get(i).writeState(out);
        }
        final java.io.ByteArrayOutputStream breakBytes = new java.io.ByteArrayOutputStream();
        StructuralBreaksCodec.write(breaks, new java.io.DataOutputStream(breakBytes));
        out.writeInt(breakBytes.size());
        out.write(breakBytes.toByteArray());
        final java.io.ByteArrayOutputStream spectrumBytes = new java.io.ByteArrayOutputStream();
        if (spectrum != null) {
            SpectrumCheckpointCodec.write(spectrum, new java.io.DataOutputStream(spectrumBytes));
        }
        out.writeInt(spectrumBytes.size());
        out.write(spectrumBytes.toByteArray());
    }

    /**
     * Reads a model written by {@link #write}.
     *
     * @throws java.io.IOException on foreign bytes, another format version, or a truncated or inconsistent state
     */
    public static Model read(java.io.DataInput in) throws java.io.IOException {
        if (in.readInt() != MAGIC) {
            throw new java.io.IOException("not a gapwatch model state");
        }
        final short format = in.readShort();
        if (format < 1 || format > FORMAT) {
            throw new java.io.IOException("model state format " + format + " is not one this build reads (1 to " + FORMAT + ")");
        }
        final Model model = readSpec(in);
        final byte[] exactBytes = new byte[in.readInt()];
        in.readFully(exactBytes);
        final StreamingLeastSquares exact = io.gapwatch.engine.exact.EstimatorCodec.read(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(exactBytes)));
        model.exact.restoreFrom(exact);
        model.exactScore.restore(readDoubles(in, 5));
        model.checkpointAt = in.readLong();
        System.arraycopy(readDoubles(in, model.exactCheckpoint.length), 0, model.exactCheckpoint, 0, model.exactCheckpoint.length);
        final double[] drift = readDoubles(in, 2);
        model.exactDriftAbsolute = drift[0];
        model.exactDriftRelative = drift[1];
        if (format >= 2) {
            model.presented = in.readLong();
            model.passes = in.readInt();
            model.lostRecords = format >= 3 ? in.readLong() : 0; // format 2 had no restores that lost records
            model.recent.read(in);
        } else { // format 1 had no revisits: every record was presented once, in one pass
            model.presented = model.exact.count();
            model.passes = model.presented > 0 ? 1 : 0;
        }
        for (int i = 0; i < model.learners.size(); i++) {
            model.learnerScores[i].restore(readDoubles(in, 5));
            System.arraycopy(readDoubles(in, model.learnerCheckpoints[i].length), 0, model.learnerCheckpoints[i], 0,
                    model.learnerCheckpoints[i].length);
            final double[] learnerDrift = readDoubles(in, 2);
            model.learnerDriftAbsolute[i] = learnerDrift[0];
            model.learnerDriftRelative[i] = learnerDrift[1];
            model.learners.get(i).readState(in);
        }
        if (format >= 4) {
            final int length = in.readInt();
            if (length < 0 || length > 1 << 20) {
                throw new java.io.IOException("model state holds a structural-break test of " + length + " bytes");
            }
            final byte[] breakBytes = new byte[length];
            in.readFully(breakBytes);
            model.breaks = StructuralBreaksCodec.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(breakBytes)),
                    model.options.exact());
        } else {
            // written before the test existed: it runs over the records from here on (a later stretch of the stream)
            final StreamingLeastSquares fit = model.exact;
            model.breaks = StructuralBreaks.startedAfter(model.options.exact(), fit.count(),
                    fit.count() > fit.parameters() && fit.certifiedFullRank());
        }
        if (format >= 5) {
            final int length = in.readInt();
            if (length < 0 || length > 1 << 24) {
                throw new java.io.IOException("model state holds a spectrum checkpoint of " + length + " bytes");
            }
            if (length > 0) {
                final byte[] spectrumBytes = new byte[length];
                in.readFully(spectrumBytes);
                model.spectrum = SpectrumCheckpointCodec.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(spectrumBytes)));
            }
        }
        return model;
    }

    private static void writeDoubles(java.io.DataOutput out, double[] values) throws java.io.IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    private static double[] readDoubles(java.io.DataInput in, int expected) throws java.io.IOException {
        final int length = in.readInt();
        if (length != expected) {
            throw new java.io.IOException("model state holds " + length + " values where " + expected + " were expected");
        }
        final double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = Double.longBitsToDouble(in.readLong());
        }
        return values;
    }

    // ---------------------------------------------------------------- read by diagnostics

    public List<String> featureNames() {
        return featureNames;
    }

    public ModelOptions options() {
        return options;
    }

    public StreamingLeastSquares exact() {
        return exact;
    }

    public List<OnlineLearner> learners() {
        return learners;
    }

    /**
     * The structural-break tests (CUSUM and CUSUM of squares) on the exact fit's recursive residuals:
     * {@link StructuralBreaks#summary()} has everything a report shows.
     */
    public StructuralBreaks structuralBreaks() {
        return breaks;
    }

    /** The spectrum at the model's last checkpoint, or null: what reports reuse while it holds ({@link SpectrumCheckpoint}). */
    public SpectrumCheckpoint spectrumCheckpoint() {
        return spectrum;
    }

    public Prequential exactScore() {
        return exactScore;
    }

    public Prequential learnerScore(int i) {
        return learnerScores[i];
    }

    /**
     * What this model holds on the heap, in bytes, approximately: the exact fit, the learners, the
     * recent predictions, the drift checkpoints and the spectrum checkpoint. What a cache of models weighs each by.
     */
    public long heapBytes() {
        long bytes = exact.heapBytes() + breaks.heapBytes() + 1024;
        for (OnlineLearner learner : learners) {
            bytes += learner.heapBytes() + 2 * (16L + 8L * exact.parameters());
        }
        bytes += (2L + learners.size()) * (16L + 8L * RecentPredictions.CAPACITY);
        // a spectrum checkpoint (three p-vectors and its records) counted whether taken yet or not, so
        // that the weight a cache gave the model when it came in stays true after its next checkpoint
        bytes += 3 * (16L + 8L * exact.parameters()) + 256;
        return bytes;
    }

    /** The last records learned, with every predictor's prediction of each. */
    public RecentPredictions recent() {
        return recent;
    }

    /** ‖Δθ*‖ over the last complete window (NaN before two checkpoints). */
    public double exactDriftAbsolute() {
        return exactDriftAbsolute;
    }

    /** ‖Δθ*‖ / ‖θ*‖ over the last complete window. */
    public double exactDriftRelative() {
        return exactDriftRelative;
    }

    public double learnerDriftAbsolute(int i) {
        return learnerDriftAbsolute[i];
    }

    public double learnerDriftRelative(int i) {
        return learnerDriftRelative[i];
    }

    /** Distinct records observed (with a target): what the exact fit has seen. */
    public long count() {
        return exact.count();
    }

    /** Records presented to the learners: {@link #count()} times the passes, when every pass is complete. */
    public long presented() {
        return presented;
    }

    /** Passes over the data: 1 for a stream. */
    public int passes() {
        return passes;
    }

    /**
     * Records this model once learned that could not be read back when it was restored: the input
     * topic no longer held them. It continues from what it could rebuild; its findings say so.
     */
    public long lostRecords() {
        return lostRecords;
    }

    /** Counts records a restore could not read back. */
    public void lost(long records) {
        if (records < 0) {
            throw new IllegalArgumentException("negative count of lost records: " + records);
        }
        lostRecords += records;
    }
}
