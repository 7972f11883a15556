package clipstream.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.Alert;
import clipstream.schema.PersonBox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

/**
 * Alert version 2 (track_id and box, for alerts about one person), version 3 (kind, reason and frame_rate, for camera
 * health alerts) and readers and writers of the earlier versions.
 */
class AlertSchemaEvolutionTest {

    private static Schema first() {
        return SchemaHistory.load().stream().filter(s -> s.getFullName().equals(Alert.getClassSchema().getFullName()))
                .findFirst().orElseThrow(() -> new AssertionError("Alert version 1 is not in the schema history"));
    }

    private static Schema second() throws IOException {
        try (InputStream in = AlertSchemaEvolutionTest.class.getClassLoader()
                .getResourceAsStream(SchemaHistory.FOLDER + "Alert.v2.avsc")) {
            assertThat(in).as("Alert version 2 in the schema history").isNotNull();
            return new Schema.Parser().parse(in);
        }
    }

    private static Alert offline() {
        return Alert.newBuilder().setAlertId("a-3").setRule("camera-down").setCameraId("cam-2").setLabel("offline")
                .setScore(1f).setFirstEventTime(Instant.ofEpochMilli(5_000))
                .setLastEventTime(Instant.ofEpochMilli(5_000)).setEventCount(0).setEventIds(List.of())
                .setKind("camera_offline")
                .setReason("no clip event for 31s (offline-after 30s)").build();
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

    @Test
    void theSecondAlertSchemaIsInTheHistoryWithThePersonButWithoutTheKind() throws IOException {
        Schema second = second();

        assertThat(second.getField("track_id")).isNotNull();
        assertThat(second.getField("kind")).isNull();
        assertThat(second.getField("reason")).isNull();
        assertThat(Alert.getClassSchema().getField("kind")).isNotNull();
    }

    @Test
    void aReaderOfTheSecondAlertSchemaReadsACameraHealthAlertAsAnAlert() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(Alert.class).write(offline(), encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(Alert.getClassSchema(), second())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.get("label")).hasToString("offline");
        assertThat(read.get("rule")).hasToString("camera-down");
        assertThat(read.get("track_id")).isNull();
        assertThat(read.getSchema().getField("kind")).isNull();
    }

    @Test
    void anAlertWrittenWithTheSecondSchemaDecodesAsAnActionAlert() throws Exception {
        Schema second = second();
        GenericRecord alert = new GenericData.Record(second);
        alert.put("alert_id", "a-4");
        alert.put("rule", "person-fell");
        alert.put("camera_id", "cam-7");
        alert.put("label", "fall");
        alert.put("score", 0.9f);
        alert.put("first_event_time", 1_000L);
        alert.put("last_event_time", 2_000L);
        alert.put("event_count", 1);
        alert.put("event_ids", List.of("e-9"));
        alert.put("track_id", 7L);
        alert.put("box", null);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), second).encode(alert).array();

        Alert read = RecordDecoder.of(Alert.class).decode(bytes);

        assertThat(read.getTrackId()).isEqualTo(7L);
        assertThat(read.getKind()).isEqualTo("action");
        assertThat(read.getReason()).isNull();
        assertThat(read.getFrameRate()).isNull();
    }

    @Test
    void aCameraHealthAlertRoundTripsThroughTheCodec() throws Exception {
        Alert alert = offline();

        Alert read = RecordDecoder.of(Alert.class).decode(RecordEncoder.of(Alert.class).toBytes(alert));

        assertThat(read).isEqualTo(alert);
        assertThat(read.getKind()).isEqualTo("camera_offline");
    }
}
