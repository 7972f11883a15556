package clipstream.schema.flink;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for our records: they travel between tasks and sit in state in the same
 * single-object encoding as on Kafka, so state written by an older schema stays readable (by fingerprint).
 */
public final class AvroRecordTypeInfo<T extends SpecificRecord> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    public AvroRecordTypeInfo(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new AvroRecordSerializer<>(type);
    }

    @Override
    public String toString() {
        return "AvroRecord<" + type.getName() + ">";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof AvroRecordTypeInfo<?> other && other.canEqual(this) && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof AvroRecordTypeInfo;
    }
}
