package clipstream.schema.flink;

import clipstream.schema.codec.RecordEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Flink {@link SerializationSchema} for our records, in Avro single-object encoding. */
public final class AvroSerializationSchema<T extends SpecificRecord> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient RecordEncoder<T> encoder;

    public AvroSerializationSchema(Class<T> type) {
        this.type = type;
    }

    @Override
    public void open(InitializationContext context) {
        encoder = RecordEncoder.of(type);
    }

    @Override
    public byte[] serialize(T element) {
        if (encoder == null) {
            encoder = RecordEncoder.of(type);
        }
        return encoder.toBytes(element);
    }
}
