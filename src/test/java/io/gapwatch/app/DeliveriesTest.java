package io.gapwatch.app;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveriesTest {

    private static final RecordMetadata DELIVERED = new RecordMetadata(new TopicPartition("t", 0), 0, 0, 0, 1, 1);

    @Test
    void shouldPassWhenEveryRecordArrived() {
        final ObservationSender.Deliveries deliveries = new ObservationSender.Deliveries();
        deliveries.onCompletion(DELIVERED, null);
        deliveries.onCompletion(DELIVERED, null);
        assertThatCode(() -> deliveries.check(2, "t")).doesNotThrowAnyException();
    }

    @Test
    void shouldNameHowManyRecordsWereLostAndTheFirstReason() {
        final ObservationSender.Deliveries deliveries = new ObservationSender.Deliveries();
        deliveries.onCompletion(DELIVERED, null);
        deliveries.onCompletion(null, new OutOfOrderSequenceException("out of order sequence on t-3"));
        deliveries.onCompletion(null, new TimeoutException("expired"));
        assertThatThrownBy(() -> deliveries.check(3, "observations"))
                .isInstanceOf(UserError.class)
                .hasMessage("2 of 3 records were not delivered to observations: out of order sequence on t-3");
    }
}
