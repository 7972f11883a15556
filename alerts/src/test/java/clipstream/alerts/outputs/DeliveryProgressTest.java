package clipstream.alerts.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeliveryProgressTest {
    private static final TopicPartition P0 = new TopicPartition("alerts", 0);

    private static ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>(P0.topic(), P0.partition(), offset, new byte[0], new byte[0]);
    }

    @Test
    void commitsUpToTheOldestAlertAWebhookStillOwes() {
        DeliveryProgress progress = new DeliveryProgress();
        DeliveryProgress.Pending first = progress.polled(record(0), 2);   // a healthy and a dead webhook
        DeliveryProgress.Pending second = progress.polled(record(1), 2);
        progress.polled(record(2), 0);                                     // no webhook for this one

        first.done();
        second.done();
        second.done();                                                     // both done with the second alert
        assertThat(progress.committable()).as("the first still owed to one webhook").isEqualTo(Map.of(P0, at(0)));

        first.done();
        assertThat(progress.committable()).isEqualTo(Map.of(P0, at(3)));
        progress.committed(progress.committable());
        assertThat(progress.committable()).as("nothing new").isEmpty();
    }

    @Test
    void theConsumerPositionCarriesTheCommitPastTransactionMarkers() {
        DeliveryProgress progress = new DeliveryProgress();
        progress.polled(record(4), 1).done();
        progress.positionIs(P0, 6);
        assertThat(progress.committable()).isEqualTo(Map.of(P0, at(6)));
    }

    @Test
    void aPartitionGivenUpCancelsItsUnfinishedAlertsAndCommitsNothingMore() {
        DeliveryProgress progress = new DeliveryProgress();
        DeliveryProgress.Pending pending = progress.polled(record(0), 1);

        progress.forget(List.of(P0));

        assertThat(pending.cancelled()).isTrue();
        pending.done();
        assertThat(progress.committable()).isEmpty();
        assertThat(progress.partitions()).isEmpty();
    }

    private static OffsetAndMetadata at(long offset) {
        return new OffsetAndMetadata(offset);
    }
}
