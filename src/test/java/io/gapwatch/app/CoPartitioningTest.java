package io.gapwatch.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The weights topic must reach the task that holds the model: the same partition count as the observations. */
class CoPartitioningTest {

    @Test
    void shouldAcceptTheSamePartitionCountAndNameBothTopicsAndTheFixOtherwise() {
        assertThat(GapwatchService.coPartitioningProblem("w", 4, "obs", 4)).isNull();
        final String problem = GapwatchService.coPartitioningProblem("w", 3, "obs", 4);
        assertThat(problem).contains("weights.topic w has 3 partitions", "observations.topic obs has 4", "recreate w with 4 partitions")
                .doesNotContain("\n");
    }
}
