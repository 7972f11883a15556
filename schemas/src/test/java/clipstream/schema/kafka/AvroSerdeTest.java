package clipstream.schema.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.schema.ClipEvent;
import clipstream.schema.LabelScore;
import clipstream.schema.codec.DecodeFailure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static ClipEvent event() {
        return ClipEvent.newBuilder()
                .setEventId("e-1").setCameraId("cam-1").setFirstSeq(0).setLastSeq(31)
                .setStartTime(Instant.ofEpochMilli(1000)).setEndTime(Instant.ofEpochMilli(2240))
                .setLabel("up").setScore(0.8f).setTopK(List.of(new LabelScore("up", 0.8f)))
                .setModelName("c3d-small").setModelVersion("1").setFramesFilled(0).setInferenceMs(3f)
                .build();
    }

    @Test
    void serializerAndDeserializerRoundTrip() {
        ClipEvent event = event();
        byte[] bytes = new AvroSerializer<>(ClipEvent.class).serialize("clip-events", event);

        assertThat(new AvroDeserializer<>(ClipEvent.class).deserialize("clip-events", bytes)).isEqualTo(event);
    }

    @Test
    void nullStaysNull() {
        assertThat(new AvroSerializer<>(ClipEvent.class).serialize("t", null)).isNull();
        assertThat(new AvroDeserializer<>(ClipEvent.class).deserialize("t", null)).isNull();
    }

    @Test
    void undecodableValuesRaiseASerializationExceptionWithTheTypedCause() {
        AvroDeserializer<ClipEvent> deserializer = new AvroDeserializer<>(ClipEvent.class);

        assertThatThrownBy(() -> deserializer.deserialize("clip-events", new byte[] {1, 2, 3}))
                .isInstanceOf(AvroDeserializer.RecordSerializationException.class)
                .hasMessageContaining("clip-events")
                .satisfies(e -> assertThat(((AvroDeserializer.RecordSerializationException) e)
                        .decodeException().failure()).isEqualTo(DecodeFailure.NOT_SINGLE_OBJECT));
    }
}
