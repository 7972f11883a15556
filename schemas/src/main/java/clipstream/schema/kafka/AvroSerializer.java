package clipstream.schema.kafka;

import clipstream.schema.codec.RecordEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka {@link Serializer} for our records, in Avro single-object encoding. Null stays null (a tombstone). */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final RecordEncoder<T> encoder;

    public AvroSerializer(Class<T> type) {
        this.encoder = RecordEncoder.of(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : encoder.toBytes(data);
    }
}
