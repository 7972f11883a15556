package clipstream.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.LabelScore;
import clipstream.schema.PersonBox;
import clipstream.schema.PersonPoses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** Guards the wire contract: a schema change must be deliberate and keep old records readable. */
class SchemaContractTest {
    private static final List<Schema> CURRENT = List.of(
            Frame.getClassSchema(), ClipEvent.getClassSchema(), DeadLetter.getClassSchema(), Alert.getClassSchema(),
            PersonPoses.getClassSchema());

    @Test
    void everyCurrentSchemaIsAReleasedVersion() throws IOException {
        Map<String, String> released = releasedFingerprints();
        for (Schema schema : CURRENT) {
            String fingerprint = String.format("%016x", SchemaNormalization.parsingFingerprint64(schema));
            assertThat(released.get(schema.getName() + "@" + fingerprint))
                    .as("%s changed (fingerprint %s). Copy its previous text into "
                            + "schemas/src/main/resources/clipstream/schema/history/, list it in index.txt, and add "
                            + "'%s <version> %s' to released-fingerprints.txt", schema.getName(), fingerprint,
                            schema.getName(), fingerprint)
                    .isNotNull();
        }
    }

    @Test
    void everyHistoricalSchemaCanBeReadByTheCurrentReader() {
        for (Schema writer : SchemaHistory.load()) {
            Schema reader = CURRENT.stream().filter(s -> s.getFullName().equals(writer.getFullName()))
                    .findFirst().orElseThrow(() -> new AssertionError("history holds an unknown type " + writer.getFullName()));
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
                    .as("current %s reading history version %s", reader.getName(), writer)
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void everyFieldIsDocumented() {
        for (Schema schema : CURRENT) {
            assertThat(schema.getDoc()).as(schema.getName()).isNotBlank();
            schema.getFields().forEach(f -> assertThat(f.doc()).as(schema.getName() + "." + f.name()).isNotBlank());
        }
    }

    @Test
    void aReaderOfTheFirstDeadLetterSchemaReadsAWebhookFailureAsOther() throws IOException {
        Schema first = SchemaHistory.load().stream().filter(s -> s.getName().equals("DeadLetter")).findFirst()
                .orElseThrow();
        DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("alerts").setSourcePartition(0).setSourceOffset(7)
                .setKey(null).setValue(ByteBuffer.wrap(new byte[] {1, 2})).setReason(DeadLetterReason.WEBHOOK_FAILED)
                .setMessage("http://127.0.0.1:1/ failed 5 attempt(s)").setTime(Instant.ofEpochMilli(1_000)).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(DeadLetter.class).write(letter, encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(DeadLetter.getClassSchema(), first)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.get("reason")).hasToString("OTHER");
        assertThat(read.get("message")).hasToString("http://127.0.0.1:1/ failed 5 attempt(s)");
    }

    @Test
    void aReaderOfTheFirstClipEventSchemaReadsAPersonsEventAsAClipEvent() throws IOException {
        Schema first = SchemaHistory.load().stream().filter(s -> s.getName().equals("ClipEvent")).findFirst()
                .orElseThrow();
        ClipEvent event = ClipEvent.newBuilder().setEventId("e-1").setCameraId("cam-1").setFirstSeq(10).setLastSeq(41)
                .setStartTime(Instant.ofEpochMilli(1_000)).setEndTime(Instant.ofEpochMilli(2_240)).setLabel("fall")
                .setScore(0.9f).setTopK(List.of(new LabelScore("fall", 0.9f))).setModelName("posec3d-small")
                .setModelVersion("1").setFramesFilled(2).setInferenceMs(3f).setTrackId(7L)
                .setBox(new PersonBox(10f, 20f, 110f, 220f, 640, 480)).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ClipEvent.class).write(event, encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(ClipEvent.getClassSchema(), first)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.get("label")).hasToString("fall");
        assertThat(read.get("last_seq")).isEqualTo(41L);
        assertThat(read.getSchema().getField("track_id")).isNull();
    }

    @Test
    void readersOfTheEarlierDeadLetterSchemasReadThePoseAndCapacityReasonsAsOther() throws IOException {
        for (String version : List.of("DeadLetter.v1.avsc", "DeadLetter.v2.avsc")) {
            Schema earlier = historical(version);
            for (DeadLetterReason reason : List.of(DeadLetterReason.INVALID_POSES, DeadLetterReason.OVER_CAPACITY)) {
                DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("edge-poses").setSourcePartition(1)
                        .setSourceOffset(42).setKey(ByteBuffer.wrap("cam-1".getBytes(StandardCharsets.UTF_8)))
                        .setValue(null).setReason(reason).setMessage("refused: " + reason)
                        .setTime(Instant.ofEpochMilli(2_000)).build();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
                new SpecificDatumWriter<>(DeadLetter.class).write(letter, encoder);
                encoder.flush();

                GenericRecord read = new GenericDatumReader<GenericRecord>(DeadLetter.getClassSchema(), earlier)
                        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

                assertThat(read.get("reason")).as("%s read by %s", reason, version).hasToString("OTHER");
                assertThat(read.get("message")).hasToString("refused: " + reason);
            }
        }
    }

    @Test
    void aDeadLetterWrittenWithTheSecondSchemaDecodesWithTheCurrentOne() throws Exception {
        Schema second = historical("DeadLetter.v2.avsc");
        GenericRecord letter = new GenericData.Record(second);
        letter.put("source_topic", "alerts");
        letter.put("source_partition", 0);
        letter.put("source_offset", 9L);
        letter.put("key", null);
        letter.put("value", ByteBuffer.wrap(new byte[] {7}));
        letter.put("reason", new GenericData.EnumSymbol(second.getField("reason").schema(), "WEBHOOK_FAILED"));
        letter.put("message", "gave up");
        letter.put("time", 3_000L);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), second).encode(letter).array();

        DeadLetter read = RecordDecoder.of(DeadLetter.class).decode(bytes);

        assertThat(read.getReason()).isEqualTo(DeadLetterReason.WEBHOOK_FAILED);
        assertThat(read.getSourceOffset()).isEqualTo(9L);
        assertThat(read.getTime()).isEqualTo(Instant.ofEpochMilli(3_000));
    }

    /** One file of the schema history, by name. */
    private static Schema historical(String file) throws IOException {
        try (InputStream in = SchemaContractTest.class.getClassLoader()
                .getResourceAsStream(SchemaHistory.FOLDER + file)) {
            assertThat(in).as("history file %s", file).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }

    private static Map<String, String> releasedFingerprints() throws IOException {
        Map<String, String> released = new HashMap<>();
        try (InputStream in = SchemaContractTest.class.getResourceAsStream("/released-fingerprints.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 3 && !parts[0].startsWith("#")) {
                    released.put(parts[0] + "@" + parts[2], parts[1]);
                }
            }
        }
        return released;
    }
}
