package io.gapwatch.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What start-up says about an input topic a restore must read back from. */
class RetentionWarningsTest {

    static final long LAG_MS = 600_000;

    @Test
    void shouldSayNothingOfATopicThatKeepsRecordsLongEnough() {
        assertThat(GapwatchService.retentionWarnings("obs", "delete", 7 * 86_400_000L, -1, LAG_MS, 100_000)).isEmpty();
        assertThat(GapwatchService.retentionWarnings("obs", "delete", -1, -1, LAG_MS, 100_000)).as("kept forever").isEmpty();
        assertThat(GapwatchService.retentionWarnings("obs", "delete", 2 * LAG_MS, -1, LAG_MS, 100_000)).as("exactly twice").isEmpty();
    }

    @Test
    void shouldWarnOfRetentionShorterThanTwiceTheSnapshotLag() {
        assertThat(GapwatchService.retentionWarnings("obs", "delete", 2 * LAG_MS - 1, -1, LAG_MS, 100_000))
                .singleElement().asString().contains("retention.ms", "1199999 ms", "snapshot.lag.ms = 600000");
    }

    @Test
    void shouldWarnOfCompactionAndOfASizeLimit() {
        assertThat(GapwatchService.retentionWarnings("obs", "compact,delete", -1, 1L << 30, LAG_MS, 100_000))
                .hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("compacted", "cleanup.policy=compact,delete"))
                .anySatisfy(w -> assertThat(w).contains("retention.bytes = 1073741824", "snapshot.lag.records = 100000"));
    }
}
