package clipstream.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.dashboard.Dashboard;
import clipstream.dashboard.DashboardSettings;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.LabelScore;
import clipstream.schema.codec.RecordEncoder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's grid with 64 cameras in a real browser: pages of 16 in camera order, paging forward, a page of all
 * 64, and an alert's camera link that turns to the camera's page. Events come straight from a producer on the
 * embedded broker: the page is what is tested here, not the job.
 */
class DashboardPagingTest {
    private static final int CAMERAS = 64;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void sixtyFourCamerasArePagedInCameraOrderAndAnAlertLinkTurnsToItsCamerasPage() throws Exception {
        Browser.requireInstalled();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of("clip-events", 4, "alerts", 1));
            DashboardSettings settings = DashboardSettings.defaults(kafka.bootstrapServers(), 0, "clipstream-job");
            try (Dashboard dashboard = Dashboard.start(settings, false);
                 KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers());
                 Browser browser = Browser.open(1400, 1000)) {
                long now = System.currentTimeMillis();
                RecordEncoder<ClipEvent> events = RecordEncoder.of(ClipEvent.class);
                for (int i = 1; i <= CAMERAS; i++) {
                    producer.send(new ProducerRecord<>("clip-events", "cam-" + i,
                            events.toBytes(event("cam-" + i, i % 2 == 0 ? "left" : "right", now))));
                }
                producer.send(new ProducerRecord<>("alerts", "cam-50", RecordEncoder.of(Alert.class)
                        .toBytes(alert("cam-50", now)))).get();

                WebDriver page = browser.driver();
                page.get(dashboard.url().toString());
                WebDriverWait wait = new WebDriverWait(page, WAIT);
                wait.ignoring(StaleElementReferenceException.class);
                wait.until(d -> d.findElement(By.id("camera-count")).getText().equals(CAMERAS + " cameras")
                        && d.findElements(By.cssSelector("#alerts .alert")).size() == 1);

                assertThat(page.findElement(By.id("page-label")).getText()).isEqualTo("page 1 / 4");
                assertThat(shownCameras(page)).isEqualTo(range(1, 16));
                assertThat(page.findElement(By.cssSelector(".tile[data-camera='cam-2'] .label")).getText())
                        .isEqualTo("left");

                page.findElement(By.id("next-page")).click();
                wait.until(d -> shownCameras(d).equals(range(17, 32)));
                assertThat(page.findElement(By.id("page-label")).getText()).isEqualTo("page 2 / 4");

                new Select(page.findElement(By.id("page-size"))).selectByVisibleText("64");
                wait.until(d -> shownCameras(d).equals(range(1, 64)));
                assertThat(page.findElement(By.id("page-label")).getText()).isEqualTo("page 1 / 1");

                new Select(page.findElement(By.id("page-size"))).selectByVisibleText("16");
                page.findElement(By.cssSelector("#alerts .alert a.alert-camera")).click();
                wait.until(d -> shownCameras(d).equals(range(49, 64)));
                assertThat(page.findElement(By.cssSelector(".tile[data-camera='cam-50']")).getAttribute("class"))
                        .contains("flash");

                new Select(page.findElement(By.id("alert-camera"))).selectByValue("cam-50");
                assertThat(page.findElements(By.cssSelector("#alerts .alert"))).hasSize(1);
            }
        }
    }

    private static List<String> shownCameras(WebDriver page) {
        return page.findElements(By.cssSelector("#grid .tile")).stream().map(t -> t.getAttribute("data-camera"))
                .toList();
    }

    private static List<String> range(int first, int last) {
        return IntStream.rangeClosed(first, last).mapToObj(i -> "cam-" + i).toList();
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static ClipEvent event(String camera, String label, long time) {
        return ClipEvent.newBuilder().setEventId(camera + "-" + time).setCameraId(camera).setFirstSeq(0)
                .setLastSeq(31).setStartTime(Instant.ofEpochMilli(time - 1280)).setEndTime(Instant.ofEpochMilli(time))
                .setLabel(label).setScore(0.9f).setTopK(List.of(new LabelScore(label, 0.9f)))
                .setModelName("c3d-small").setModelVersion("2").setFramesFilled(0).setInferenceMs(4f).build();
    }

    private static Alert alert(String camera, long time) {
        return Alert.newBuilder().setAlertId("alert-" + camera).setRule("moving-left").setCameraId(camera)
                .setLabel("left").setScore(0.9f).setFirstEventTime(Instant.ofEpochMilli(time))
                .setLastEventTime(Instant.ofEpochMilli(time)).setEventCount(1).setEventIds(List.of()).build();
    }
}
