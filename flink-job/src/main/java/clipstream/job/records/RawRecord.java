package clipstream.job.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record exactly as it arrived on the frames topic: where it came from and its undecoded bytes,
 * so a record that fails validation is dead-lettered with its original key and value.
 */
public record RawRecord(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value) {

    /** The record's position, for log lines and dead letters. */
    public String origin() {
        return topic + "/" + partition + "@" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord other && partition == other.partition && offset == other.offset
                && kafkaTimestamp == other.kafkaTimestamp && Objects.equals(topic, other.topic)
                && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "RawRecord[" + origin() + ", value " + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
