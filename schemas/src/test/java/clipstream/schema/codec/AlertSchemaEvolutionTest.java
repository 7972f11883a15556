package clipstream.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.Alert;
import clipstream.schema.PersonBox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** Alert version 2 (track_id and box, for alerts about one person) and readers and writers of version 1. */
class AlertSchemaEvolutionTest {

    private static Schema first() {
        return SchemaHistory.load().stream().filter(s -> s.getFullName().equals(Alert.getClassSchema().getFullName()))
                .findFirst().orElseThrow(() -> new AssertionError("Alert version 1 is not in the schema history"));
    }

    @Test
    void theFirstAlertSchemaIsInTheHistoryWithoutThePerson() {
        assertThat(first().getField("track_id")).isNull();
        assertThat(first().getField("box")).isNull();
        assertThat(Alert.getClassSchema().getField("track_id")).isNotNull();
    }

    @Test
    void aReaderOfTheFirstAlertSchemaReadsAPersonsAlertAsAnAlert() throws IOException {
        Alert alert = Alert.newBuilder().setAlertId("a-1").setRule("person-fell").setCameraId("cam-7").setLabel("fall")
                .setScore(0.91f).setFirstEventTime(Instant.ofEpochMilli(1_000))
                .setLastEventTime(Instant.ofEpochMilli(2_280)).setEventCount(1).setEventIds(List.of("cam-7:16:7"))
                .setTrackId(7L).setBox(new PersonBox(10f, 20f, 110f, 220f, 640, 480)).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(Alert.class).write(alert, encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(Alert.getClassSchema(), first())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.get("alert_id")).hasToString("a-1");
        assertThat(read.get("label")).hasToString("fall");
        assertThat(read.get("event_ids")).asString().contains("cam-7:16:7");
        assertThat(read.getSchema().getField("track_id")).isNull();
    }

    @Test
    void anAlertWrittenWithTheFirstSchemaDecodesWithoutAPerson() throws Exception {
        Schema first = first();
        GenericRecord alert = new GenericData.Record(first);
        alert.put("alert_id", "a-2");
        alert.put("rule", "something-approaching");
        alert.put("camera_id", "lobby-1");
        alert.put("label", "approach");
        alert.put("score", 0.8f);
        alert.put("first_event_time", 1_000L);
        alert.put("last_event_time", 3_000L);
        alert.put("event_count", 2);
        alert.put("event_ids", List.of("e-1", "e-2"));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), first).encode(alert).array();

        Alert read = RecordDecoder.of(Alert.class).decode(bytes);

        assertThat(read.getCameraId()).isEqualTo("lobby-1");
        assertThat(read.getEventIds()).containsExactly("e-1", "e-2");
        assertThat(read.getTrackId()).isNull();
        assertThat(read.getBox()).isNull();
    }
}
