package io.gapwatch.it;

import io.gapwatch.app.GapwatchConfig;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.stream.FaultInjection;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code gapwatch run} that kills its own JVM — {@code Runtime.halt}, as abrupt as SIGKILL: no
 * close, no commit, no shutdown hook — the n-th time it reaches one point of the exactly-once
 * protocol: {@code after-snapshot} (a snapshot is in its store, the transaction holding it is
 * open) or {@code during-reread} (a restore is part-way through reading the input back).
 *
 * <p>Arguments: CONFIG_FILE POINT N.
 */
public final class HaltingProcessor {

    /** The exit status a halt leaves, the same as a SIGKILL's. */
    static final int HALTED = 137;

    private HaltingProcessor() {
    }

    public static void main(String[] args) throws Exception {
        final String point = args[1];
        final long n = Long.parseLong(args[2]);
        final AtomicLong reached = new AtomicLong();
        final Runnable count = () -> {
            if (reached.incrementAndGet() == n) {
                System.out.println("halting at " + point + " #" + n);
                System.out.flush();
                Runtime.getRuntime().halt(HALTED);
            }
        };
        final FaultInjection faults = new FaultInjection() {
            @Override
            public void afterLearning(String model, String recordId) {
            }

            @Override
            public void afterSnapshot(String model) {
                if (point.equals("after-snapshot")) {
                    count.run();
                }
            }

            @Override
            public void duringReread(String model, long offset) {
                if (point.equals("during-reread")) {
                    count.run();
                }
            }
        };
        final GapwatchConfig config = GapwatchConfig.load(Path.of(args[0]), Map.of());
        final GapwatchService service = GapwatchService.start(config, new PrintWriter(System.out, true), faults);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close));
        Thread.currentThread().join();
    }
}
