package clipstream.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
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
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
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
