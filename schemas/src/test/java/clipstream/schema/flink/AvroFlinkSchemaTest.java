package clipstream.schema.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.schema.Alert;
import clipstream.schema.codec.RecordDecodeException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class AvroFlinkSchemaTest {

    @Test
    void schemasSurviveJavaSerializationAndRoundTrip() throws Exception {
        Alert alert = Alert.newBuilder()
                .setAlertId("a").setRule("r").setCameraId("cam").setLabel("left").setScore(0.5f)
                .setFirstEventTime(Instant.ofEpochMilli(1)).setLastEventTime(Instant.ofEpochMilli(2))
                .setEventCount(1).setEventIds(List.of("e"))
                .build();
        // Flink ships schemas to task managers with Java serialization
        AvroSerializationSchema<Alert> out = InstantiationUtil.clone(new AvroSerializationSchema<>(Alert.class));
        AvroDeserializationSchema<Alert> in = InstantiationUtil.clone(new AvroDeserializationSchema<>(Alert.class));

        assertThat(in.deserialize(out.serialize(alert))).isEqualTo(alert);
        assertThat(in.getProducedType().getTypeClass()).isEqualTo(Alert.class);
    }

    @Test
    void recordsTravelThroughFlinksTypeSerializer() throws Exception {
        Alert alert = Alert.newBuilder()
                .setAlertId("a").setRule("r").setCameraId("cam").setLabel("left").setScore(0.5f)
                .setFirstEventTime(Instant.ofEpochMilli(1)).setLastEventTime(Instant.ofEpochMilli(2))
                .setEventCount(1).setEventIds(List.of("e"))
                .build();
        TypeSerializer<Alert> serializer = new AvroRecordTypeInfo<>(Alert.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);

        serializer.serialize(alert, out);
        Alert back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, serializer.snapshotConfiguration());
        TypeSerializer<Alert> restored = TypeSerializerSnapshot.<Alert>readVersionedSnapshot(
                new DataInputDeserializer(snapshot.getCopyOfBuffer()), getClass().getClassLoader()).restoreSerializer();

        assertThat(back).isEqualTo(alert);
        assertThat(serializer.copy(alert)).isEqualTo(alert).isNotSameAs(alert);
        assertThat(restored).isEqualTo(serializer);
    }

    @Test
    void badBytesFailWithTheTypedCause() {
        AvroDeserializationSchema<Alert> in = new AvroDeserializationSchema<>(Alert.class);

        assertThatThrownBy(() -> in.deserialize(new byte[0]))
                .isInstanceOf(IOException.class)
                .hasCauseInstanceOf(RecordDecodeException.class);
    }
}
