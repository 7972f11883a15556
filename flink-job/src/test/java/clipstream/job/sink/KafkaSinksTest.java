package clipstream.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.LabelScore;
import clipstream.schema.codec.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {
    private static final Instant NOW = Instant.parse("2026-12-04T18:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final long YEAR_3000 = Instant.parse("3000-01-01T00:00:00Z").toEpochMilli();

    private static ClipEvent event(Instant endTime) {
        return ClipEvent.newBuilder().setEventId("e").setCameraId("cam-1").setFirstSeq(0).setLastSeq(31)
                .setStartTime(endTime.minusMillis(1_240)).setEndTime(endTime).setLabel("still").setScore(0.9f)
                .setTopK(List.of(new LabelScore("still", 0.9f))).setModelName("m").setModelVersion("1")
                .setFramesFilled(0).setInferenceMs(1f).build();
    }

    private static ProducerRecord<byte[], byte[]> written(ClipEvent event, Long streamTimestamp) {
        return KafkaSinks.clipEventRecords("events", CLOCK).serialize(event, null, streamTimestamp);
    }

    @Test
    void anEventIsStampedWithItsEndTime() throws Exception {
        Instant end = NOW.minusSeconds(3);
        ProducerRecord<byte[], byte[]> record = written(event(end), end.toEpochMilli());

        assertThat(record.timestamp()).isEqualTo(end.toEpochMilli());
        assertThat(record.topic()).isEqualTo("events");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
        assertThat(RecordDecoder.of(ClipEvent.class).decode(record.value())).isEqualTo(event(end));
    }

    @Test
    void anEventEndingAheadOfTheWriteTimeOrBefore1970IsStampedWithTheWriteTime() {
        // a camera clock a few minutes fast passes validation; brokers may refuse timestamps ahead of their clock
        assertThat(written(event(NOW.plusSeconds(240)), NOW.plusSeconds(240).toEpochMilli()).timestamp())
                .isEqualTo(NOW.toEpochMilli());
        assertThat(written(event(Instant.ofEpochMilli(YEAR_3000)), YEAR_3000).timestamp()).isEqualTo(NOW.toEpochMilli());
        assertThat(written(event(Instant.ofEpochMilli(-5)), -5L).timestamp()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void aDeadLetterIsStampedWithWhenItWasDeadLetteredNeverWithTheFramesCaptureTime() {
        Instant deadLettered = NOW.minusMillis(20);
        DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("frames").setSourcePartition(0).setSourceOffset(7)
                .setKey(ByteBuffer.wrap("cam-1".getBytes(StandardCharsets.UTF_8))).setValue(null)
                .setReason(DeadLetterReason.INVALID_FRAME).setMessage("capture time in the year 3000")
                .setTime(deadLettered).build();

        // the stream record of a letter may carry the refused frame's capture time: the year 3000, or before 1970
        for (Long streamTimestamp : new Long[] {YEAR_3000, -5L, null}) {
            ProducerRecord<byte[], byte[]> record = KafkaSinks.deadLetterRecords("dlq", CLOCK)
                    .serialize(letter, null, streamTimestamp);
            assertThat(record.timestamp()).isEqualTo(deadLettered.toEpochMilli());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
        }
    }
}
