package clipstream.schema.kafka;

import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} for our records. A value that does not decode raises a
 * {@link RecordSerializationException} carrying the typed cause; consumers that must dead-letter bad
 * records read raw bytes and use {@link RecordDecoder} instead.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final RecordDecoder<T> decoder;

    public AvroDeserializer(Class<T> type) {
        this.decoder = RecordDecoder.of(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return decoder.decode(data);
        } catch (RecordDecodeException e) {
            throw new RecordSerializationException(topic, e);
        }
    }

    /** The Kafka-side wrapper of a {@link RecordDecodeException}. */
    public static final class RecordSerializationException extends SerializationException {
        private static final long serialVersionUID = 1L;

        RecordSerializationException(String topic, RecordDecodeException cause) {
            super("Cannot decode a record of topic " + topic + ": " + cause.getMessage(), cause);
        }

        public RecordDecodeException decodeException() {
            return (RecordDecodeException) getCause();
        }
    }
}
