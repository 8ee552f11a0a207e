package io.gapwatch.replay;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long read on stderr. Quiet for the first second, so small files print nothing;
 * then a line per second, rewritten in place on a terminal and appended (every 5 s) in a log.
 */
public final class Progress {

    private static final long QUIET_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final String label;
    private final boolean terminal;
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long lastPrinted = started;
    private boolean printed;

    public Progress(PrintStream out, String label, boolean terminal) {
        this.out = out;
        this.label = label;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 1_000_000_000L : 5_000_000_000L;
    }

    /** For the command line: stderr, in-place updates when a console is attached. */
    public static Progress onStderr(String label) {
        return new Progress(System.err, label, System.console() != null);
    }

    /** Cheap enough to call every record: it looks at the clock only every 4096 records. */
    public void update(long records, double fractionDone) {
        if ((records & 4095) != 0) {
            return;
        }
        final long now = System.nanoTime();
        if (now - started < QUIET_NANOS || now - lastPrinted < intervalNanos) {
            return;
        }
        lastPrinted = now;
        printed = true;
        final double seconds = (now - started) / 1e9;
        final String line = String.format(Locale.ROOT, "%s: %,d records, %.0f%% of the file, %,.0f records/s",
                label, records, 100 * fractionDone, records / seconds);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    public void done(long records) {
        if (printed) {
            final double seconds = (System.nanoTime() - started) / 1e9;
            final String line = String.format(Locale.ROOT, "%s: %,d records in %.1f s", label, records, seconds);
            out.println(terminal ? "\r" + line : line);
        }
    }
}
