package clipstream.schema.flink;

import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink {@link DeserializationSchema} for our records. A bad value fails with an {@link IOException}
 * whose cause is the typed {@link RecordDecodeException}; the streaming job reads raw records and
 * dead-letters them instead, so this is for consumers of trusted topics (events, alerts).
 */
public final class AvroDeserializationSchema<T extends SpecificRecord> implements DeserializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient RecordDecoder<T> decoder;

    public AvroDeserializationSchema(Class<T> type) {
        this.type = type;
    }

    @Override
    public void open(InitializationContext context) {
        decoder = RecordDecoder.of(type);
    }

    @Override
    public T deserialize(byte[] message) throws IOException {
        if (decoder == null) {
            decoder = RecordDecoder.of(type);
        }
        try {
            return decoder.decode(message);
        } catch (RecordDecodeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroRecordTypeInfo<>(type);
    }
}
