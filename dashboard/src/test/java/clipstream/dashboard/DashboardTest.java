package clipstream.dashboard;

import static clipstream.dashboard.fixtures.Records.alert;
import static clipstream.dashboard.fixtures.Records.event;
import static clipstream.dashboard.fixtures.Records.poses;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.dashboard.board.BoardLimits;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard on the project's embedded broker: records of every topic it reads reach the page's JSON, thumbnails
 * and the update stream; a garbage frame is counted as unreadable and makes no camera.
 */
class DashboardTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;
    private static Dashboard dashboard;
    private static KafkaProducer<String, byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(Map.of("frames", 2, "clip-events", 2, "poses", 1, "alerts", 1, "frames-dlq", 1));
        DashboardSettings settings = new DashboardSettings(kafka.bootstrapServers(), "127.0.0.1", 0,
                DashboardTopics.DEFAULTS, DashboardSettings.newGroup(), "clipstream-job", Duration.ofMillis(100),
                Duration.ofMillis(20), 320, BoardLimits.DEFAULTS);
        dashboard = Dashboard.start(settings, false);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyTopicReachesThePageAndGarbageMakesNoCamera() throws Exception {
        // the group is assigned its partitions in the background: send until the page has seen a frame
        long now = System.currentTimeMillis();
        awaitState(state -> {
            send("frames", "cam-1", RecordEncoder.of(Frame.class).toBytes(frame("cam-1", now)));
            return state.get("health").size() == 1;
        });
        send("frames", "garbage", new byte[] {1, 2, 3});
        send("clip-events", "cam-1", RecordEncoder.of(ClipEvent.class).toBytes(
                event("cam-1", "approach", 0.93f, "c3d-small", "2", now)));
        send("poses", "cam-2", RecordEncoder.of(PersonPoses.class).toBytes(poses("cam-2", 3, 2)));
        send("alerts", "cam-1", RecordEncoder.of(Alert.class).toBytes(alert("a-1", "something-approaching",
                "cam-1", "approach", now)));
        send("frames-dlq", "cam-1", RecordEncoder.of(DeadLetter.class).toBytes(DeadLetter.newBuilder()
                .setSourceTopic("frames").setSourcePartition(0).setSourceOffset(7)
                .setKey(ByteBuffer.wrap("cam-1".getBytes(StandardCharsets.UTF_8))).setValue(null)
                .setReason(DeadLetterReason.CORRUPT_IMAGE).setMessage("bad JPEG").setTime(Instant.now()).build()));

        JsonNode state = awaitState(s -> s.get("alerts").size() == 1 && s.get("health").size() == 2
                && s.path("totals").path("deadLetters").has("CORRUPT_IMAGE")
                && s.path("totals").path("unreadable").has("frames"));
        JsonNode cam1 = tile(state, "cam-1");
        assertThat(cam1.get("event").get("label").asText()).isEqualTo("approach");
        assertThat(cam1.get("thumbnailVersion").asLong()).isPositive();
        assertThat(tile(state, "cam-2").get("people").get("people")).hasSize(2);
        assertThat(state.get("alerts").get(0).get("rule").asText()).isEqualTo("something-approaching");
        assertThat(state.get("models").get(0).get("name").asText()).isEqualTo("c3d-small");
        assertThat(state.get("health").findValuesAsText("id")).containsExactlyInAnyOrder("cam-1", "cam-2");
        assertThat(state.get("health").get(0).get("state").asText()).isIn("LIVE", "STALLED");

        HttpResponse<byte[]> thumbnail = http.send(get("api/thumbnail?camera=cam-1"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(thumbnail.body()[0] & 0xff).isEqualTo(0xff);
        assertThat(http.send(get("api/thumbnail?camera=nobody"), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(404);
        assertThat(http.send(get("nothing-here"), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(404);
        String page = http.send(get(""), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page).contains("<script src=\"dashboard.js\"></script>");
        assertThat(http.send(get("dashboard.js"), HttpResponse.BodyHandlers.ofString()).body())
                .contains("EventSource('/api/updates')");
    }

    @Test
    void theUpdateStreamStartsWithTheWholeBoard() throws Exception {
        HttpResponse<InputStream> response = http.send(get("api/updates"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line = lines.readLine();
            assertThat(line).startsWith("data: ");
            JsonNode view = JSON.readTree(line.substring("data: ".length()));
            assertThat(view.get("full").asBoolean()).isTrue();
            assertThat(view.has("health")).isTrue();
        }
    }

    @Test
    void statsSayWhatTheDashboardCosts() throws Exception {
        JsonNode stats = JSON.readTree(http.send(get("api/stats"), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(stats.get("uptimeMs").asLong()).isPositive();
        assertThat(stats.get("feedCpuMs").asLong()).isNotNegative();
    }

    private JsonNode awaitState(Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode state = null;
        while (System.nanoTime() < deadline) {
            state = JSON.readTree(http.send(get("api/state"), HttpResponse.BodyHandlers.ofString()).body());
            if (done.test(state)) {
                return state;
            }
            dashboard.board().awaitChange(dashboard.board().version(), 200);
        }
        throw new AssertionError("The page's state did not get there within " + WAIT + ": " + state);
    }

    private static JsonNode tile(JsonNode state, String camera) {
        for (JsonNode tile : state.get("cameras")) {
            if (tile.get("id").asText().equals(camera)) {
                return tile;
            }
        }
        throw new AssertionError("No tile for " + camera + " in " + state);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(dashboard.url() + path)).timeout(Duration.ofSeconds(10)).build();
    }

    private static void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Frame frame(String camera, long time) {
        byte[] rgb = new byte[64 * 48 * 3];
        return Frame.newBuilder().setCameraId(camera).setSeq(time).setCaptureTime(Instant.ofEpochMilli(time))
                .setWidth(64).setHeight(48).setEncoding(FrameEncoding.RGB24).setData(ByteBuffer.wrap(rgb)).build();
    }
}
