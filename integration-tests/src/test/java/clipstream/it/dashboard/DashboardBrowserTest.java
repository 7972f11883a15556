package clipstream.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clipstream.common.stats.Percentiles;
import clipstream.local.demo.Demo;
import clipstream.local.demo.DemoSettings;
import clipstream.local.demo.DemoSummary;
import clipstream.model.store.ModelStore;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.codec.RecordDecoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard on the real stack, in a real browser: {@code ./clipstream demo} with 2 synthetic cameras (embedded
 * Kafka, the job on a local Flink MiniCluster, the committed default model, the alerting consumer) serves its
 * dashboard; headless Chromium opens it and waits for both camera tiles, their labels and alerts. Every label and
 * alert the page shows must be one on the topics (read here with a consumer of the test's own), every alert
 * committed before the page was read must be on it, and the page's event-to-screen latency is printed. The window is
 * saved as {@code target/dashboard/dashboard.png} ({@code -Dclipstream.dashboard.screenshot=FILE} copies it there
 * too, as {@code docs/dashboard.png} was made).
 */
class DashboardBrowserTest {
    private static final Path STORE = Path.of(System.getProperty("clipstream.model-store", "../model-store"));
    private static final String MODEL = "c3d-small";
    private static final List<String> CAMERAS = List.of("cam-1", "cam-2");
    private static final Duration WAIT = Duration.ofMinutes(3);
    /** Labels put on the page before the latency is read: a few clips per camera. */
    private static final int LATENCY_SAMPLES = 16;
    private static final Pattern BROKER = Pattern.compile("Kafka broker: (\\S+)");

    @Test
    void theDemosDashboardShowsBothCamerasWithTheLabelsAndAlertsOnTheTopics(@TempDir Path dir) throws Exception {
        Browser.requireInstalled();
        assumeTrue(Files.isRegularFile(STORE.resolve("models").resolve(MODEL).resolve("CURRENT")),
                "Skipped: no " + MODEL + " CURRENT in " + STORE.toAbsolutePath().normalize());
        List<String> labels = new ModelStore(STORE).describe(MODEL, null).manifest().labels();
        // one rule over every label: each event raises an alert, so both cameras have some within seconds
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules:\n  - name: every-clip\n    labels: ["
                + String.join(", ", labels) + "]\n    min-consecutive: 1\n");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoSettings settings = new DemoSettings(CAMERAS.size(), Duration.ZERO, OptionalLong.empty(), List.of(),
                STORE, MODEL, 25, 0, Duration.ofSeconds(1), Optional.of(rules), dir.resolve("summary.json"),
                Duration.ofSeconds(90), new PrintStream(printed, true, StandardCharsets.UTF_8))
                .withDashboard(new DemoSettings.DashboardPort(0, false));
        Demo demo = new Demo(settings);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        Future<DemoSummary> run = runner.submit(demo::run);
        Shown shown;
        Topics onTopics;
        try {
            URI url = demo.dashboardUrl().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String output = printed.toString(StandardCharsets.UTF_8);
            assertThat(output).contains("Dashboard: " + url);
            Matcher broker = BROKER.matcher(output);
            assertThat(broker.find()).as(output).isTrue();
            try (Browser browser = Browser.open(1280, 900)) {
                WebDriver page = browser.driver();
                page.get(url.toString());
                WebDriverWait wait = new WebDriverWait(page, WAIT);
                wait.ignoring(StaleElementReferenceException.class);

                wait.until(d -> running(run) && CAMERAS.stream().allMatch(camera -> !label(d, camera).isEmpty()
                        && alertsShown(d).stream().anyMatch(a -> a.get("camera").equals(camera))));
                Topics before = Topics.read(broker.group(1));
                // everything committed so far must reach the page: each alert, and each camera's latest label or a newer one
                wait.until(d -> running(run) && alertIds(d).containsAll(before.alerts.keySet())
                        && CAMERAS.stream().allMatch(camera -> before.atLeastLatest(camera, eventId(d, camera))));
                wait.until(d -> running(run) && latencies(d).size() >= LATENCY_SAMPLES);
                // the page re-renders as events arrive: a snapshot that met an element being replaced is read again
                shown = wait.until(Shown::read);
                onTopics = Topics.read(broker.group(1));

                Path screenshot = browser.screenshot(Path.of("target", "dashboard", "dashboard.png"));
                String copy = System.getProperty("clipstream.dashboard.screenshot");
                if (copy != null) {
                    Files.copy(screenshot, Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
                }
                // an event record's timestamp is its clip's end (the capture time of its last frame)
                System.out.printf("DashboardBrowserTest: %s%n  on screen after its clip's last frame was captured: %s"
                        + "%n  on screen after the dashboard read it: %s%n  screenshot: %s%n", shown,
                        milliseconds(shown.fromRecordMs), milliseconds(shown.fromReadMs), screenshot.toAbsolutePath());
            }
        } finally {
            demo.requestStop();
            runner.shutdown();
        }
        DemoSummary summary = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(shown.tiles.keySet()).containsExactlyInAnyOrderElementsOf(CAMERAS);
        shown.tiles.forEach((camera, tile) -> {
            ClipEvent event = onTopics.events.get(tile.get("eventId"));
            assertThat(event).as("%s shows event %s, which is not on the events topic", camera, tile).isNotNull();
            assertThat(event.getCameraId()).isEqualTo(camera);
            assertThat(tile.get("label")).isEqualTo(event.getLabel());
            assertThat(Double.parseDouble(tile.get("score"))).as("%s's score, shown to 2 decimals", camera)
                    .isCloseTo(event.getScore(), within(0.0051));
            assertThat(tile.get("state")).isEqualTo("live");
            assertThat(tile.get("thumbnail")).as("%s has a thumbnail", camera).isEqualTo("true");
            assertThat(tile.get("health")).as("the demo's cameras drop no frame").contains("dropped 0")
                    .containsPattern("[1-9]\\d*\\.\\d frames/s");
        });
        assertThat(shown.alerts).isNotEmpty().allSatisfy(alert -> {
            Alert onTopic = onTopics.alerts.get(alert.get("alertId"));
            assertThat(onTopic).as("alert %s is not on the alerts topic", alert).isNotNull();
            assertThat(alert.get("camera")).isEqualTo(onTopic.getCameraId());
            assertThat(alert.get("rule")).isEqualTo(onTopic.getRule()).isEqualTo("every-clip");
            assertThat(alert.get("label")).isEqualTo(onTopic.getLabel());
        });
        assertThat(shown.model).isEqualTo(MODEL + " v" + onTopics.events.values().iterator().next().getModelVersion());
        assertThat(summary.events()).isPositive();
        assertThat(summary.deadLetters()).isZero();
    }

    private static String milliseconds(List<Long> samples) {
        Percentiles p = Percentiles.of(samples);
        return String.format(Locale.ROOT, "p50 %.0f ms, p95 %.0f ms, max %.0f ms (%d labels)", p.p50(), p.p95(),
                p.max(), p.count());
    }

    private static boolean running(Future<DemoSummary> run) {
        if (run.isDone()) {
            try {
                run.get();
            } catch (Exception e) {
                throw new IllegalStateException("The demo stopped: " + e.getMessage(), e);
            }
            throw new IllegalStateException("The demo stopped before the page showed the cameras");
        }
        return true;
    }

    private static String label(WebDriver page, String camera) {
        List<WebElement> tiles = page.findElements(By.cssSelector(".tile[data-camera='" + camera + "'] .label"));
        return tiles.isEmpty() || tiles.get(0).getAttribute("data-event-id") == null ? "" : tiles.get(0).getText();
    }

    private static String eventId(WebDriver page, String camera) {
        List<WebElement> tiles = page.findElements(By.cssSelector(".tile[data-camera='" + camera + "'] .label"));
        return tiles.isEmpty() ? null : tiles.get(0).getAttribute("data-event-id");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alertsShown(WebDriver page) {
        return (List<Map<String, Object>>) ((JavascriptExecutor) page).executeScript(
                "return [...document.querySelectorAll('#alerts .alert')].map(a => ({alertId: a.dataset.alertId,"
                        + " camera: a.dataset.camera, rule: a.dataset.rule, label: a.dataset.label}));");
    }

    private static List<String> alertIds(WebDriver page) {
        return alertsShown(page).stream().map(a -> (String) a.get("alertId")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> latencies(WebDriver page) {
        return (List<Map<String, Object>>) ((JavascriptExecutor) page).executeScript(
                "return window.clipstreamLatency;");
    }

    /** What the page showed at one moment. */
    private record Shown(Map<String, Map<String, String>> tiles, List<Map<String, String>> alerts, String model,
                         List<Long> fromRecordMs, List<Long> fromReadMs) {
        static Shown read(WebDriver page) {
            Map<String, Map<String, String>> tiles = new LinkedHashMap<>();
            for (WebElement tile : page.findElements(By.cssSelector("#grid .tile"))) {
                WebElement label = tile.findElement(By.className("label"));
                String thumbnail = String.valueOf(!tile.findElement(By.tagName("img")).getAttribute("src").isEmpty()
                        && tile.findElement(By.tagName("img")).getAttribute("data-version") != null);
                tiles.put(tile.getAttribute("data-camera"), Map.of("label", label.getText(),
                        "eventId", label.getAttribute("data-event-id"),
                        "score", tile.findElement(By.className("score")).getText(),
                        "state", tile.findElement(By.className("state")).getText().toLowerCase(Locale.ROOT),
                        "thumbnail", thumbnail,
                        "health", tile.findElement(By.className("health")).getText()));
            }
            List<Map<String, String>> alerts = alertsShown(page).stream().map(a -> a.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())))).toList();
            List<Long> fromRecord = new ArrayList<>();
            List<Long> fromRead = new ArrayList<>();
            for (Map<String, Object> sample : latencies(page)) {
                fromRecord.add(((Number) sample.get("fromRecordMs")).longValue());
                fromRead.add(((Number) sample.get("fromReadMs")).longValue());
            }
            return new Shown(tiles, alerts, page.findElement(By.cssSelector("#models .model")).getText(), fromRecord,
                    fromRead);
        }

        @Override
        public String toString() {
            return tiles.size() + " tiles " + tiles + ", " + alerts.size() + " alerts, model " + model + ", "
                    + fromRecordMs.size() + " labels timed";
        }
    }

    /** The events and alerts committed on the demo's topics, read with a consumer of the test's own. */
    private record Topics(Map<String, ClipEvent> events, Map<String, Alert> alerts,
                          Map<String, List<String>> eventOrder) {
        static Topics read(String bootstrap) {
            Map<String, ClipEvent> events = new HashMap<>();
            Map<String, List<String>> order = new HashMap<>();
            RecordDecoder<ClipEvent> eventDecoder = RecordDecoder.of(ClipEvent.class);
            for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, "clip-events")) {
                ClipEvent event = decode(eventDecoder, record.value());
                events.put(event.getEventId(), event);
                order.computeIfAbsent(event.getCameraId(), c -> new ArrayList<>()).add(event.getEventId());
            }
            Map<String, Alert> alerts = new HashMap<>();
            RecordDecoder<Alert> alertDecoder = RecordDecoder.of(Alert.class);
            for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, "alerts")) {
                Alert alert = decode(alertDecoder, record.value());
                alerts.put(alert.getAlertId(), alert);
            }
            return new Topics(events, alerts, order);
        }

        /** Whether {@code eventId} is the camera's latest event here, or one that came after these. */
        boolean atLeastLatest(String camera, String eventId) {
            List<String> ids = eventOrder.getOrDefault(camera, List.of());
            return eventId != null && (ids.isEmpty() || !events.containsKey(eventId)
                    || ids.get(ids.size() - 1).equals(eventId));
        }

        private static <T extends SpecificRecord> T decode(RecordDecoder<T> decoder, byte[] bytes) {
            try {
                return decoder.decode(bytes);
            } catch (Exception e) {
                throw new AssertionError("Undecodable record on the demo's topics", e);
            }
        }

        private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                // read_committed: the end offsets are the last stable offsets, what a committed read can reach
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("Could not read " + topic + " to its end " + end);
                    }
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
            }
            return records;
        }
    }
}
