package clipstream.schema.flink;

import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.io.IOException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Flink {@link TypeSerializer} writing a record as a length-prefixed single-object encoding. */
public final class AvroRecordSerializer<T extends SpecificRecord> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient RecordEncoder<T> encoder;
    private transient RecordDecoder<T> decoder;

    public AvroRecordSerializer(Class<T> type) {
        this.type = type;
    }

    private RecordEncoder<T> encoder() {
        if (encoder == null) {
            encoder = RecordEncoder.of(type);
        }
        return encoder;
    }

    private RecordDecoder<T> decoder() {
        if (decoder == null) {
            decoder = RecordDecoder.of(type);
        }
        return decoder;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return new AvroRecordSerializer<>(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T createInstance() {
        return (T) SpecificData.newInstance(type, SpecificData.getForClass(type).getSchema(type));
    }

    @Override
    public T copy(T from) {
        decoder(); // a deep copy instantiates the record class: the decoder registers it with Avro's trusted classes
        return SpecificData.getForClass(type).deepCopy(SpecificData.getForClass(type).getSchema(type), from);
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        byte[] bytes = encoder().toBytes(record);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        return deserialize(null, source);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        try {
            return decoder().decode(bytes, reuse);
        } catch (RecordDecodeException e) {
            throw new IOException("Cannot restore a " + type.getSimpleName() + " from Flink state or network: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof AvroRecordSerializer<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(type);
    }

    /** Remembers the record class; old versions decode through the schema history, so any snapshot is compatible. */
    public static final class Snapshot<T extends SpecificRecord> implements TypeSerializerSnapshot<T> {
        private Class<T> type;

        /** For Flink's reflective restore. */
        public Snapshot() {
        }

        Snapshot(Class<T> type) {
            this.type = type;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
            String name = in.readUTF();
            try {
                type = (Class<T>) Class.forName(name, false, userCodeClassLoader);
            } catch (ClassNotFoundException e) {
                throw new IOException("State holds records of " + name + ", which is not on the class path", e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new AvroRecordSerializer<>(type);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
            return oldSnapshot instanceof Snapshot<T> old && old.type.equals(type)
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
