package clipstream.alerts.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.engine.CameraHealthWatch;
import clipstream.alerts.fixtures.ClipEvents;
import clipstream.schema.Alert;
import clipstream.schema.PersonBox;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalOutputTest {

    static Alert alert() {
        return Alert.newBuilder().setAlertId("id-1").setRule("fall").setCameraId("cam-7").setLabel("falling")
                .setScore(0.934f).setFirstEventTime(ClipEvents.at(0)).setLastEventTime(ClipEvents.at(3))
                .setEventCount(3).setEventIds(List.of("e1", "e2", "e3")).build();
    }

    @Test
    void plainLineHasTimeCameraLabelScoreAndRule() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TerminalOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC).print(alert());
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("2025-11-24 16:00:03.000 +00:00  cam-7  falling  0.93  rule=fall  (3 events)"
                        + System.lineSeparator());
    }

    @Test
    void colourOnlyWhenAsked() {
        String coloured = new TerminalOutput(System.out, true, ZoneOffset.UTC).format(alert());
        assertThat(coloured).contains("\u001b[").contains("cam-7").contains("falling");
        assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", ""))
                .isEqualTo(new TerminalOutput(System.out, false, ZoneOffset.UTC).format(alert()));
        assertThat(new TerminalOutput(System.out, false, ZoneOffset.UTC).format(alert())).doesNotContain("\u001b");
    }

    @Test
    void webhookJsonCarriesEveryAlertField() throws Exception {
        JsonNode json = new ObjectMapper().readTree(AlertJson.toJson(alert()));
        assertThat(json.get("alert_id").asText()).isEqualTo("id-1");
        assertThat(json.get("rule").asText()).isEqualTo("fall");
        assertThat(json.get("camera_id").asText()).isEqualTo("cam-7");
        assertThat(json.get("label").asText()).isEqualTo("falling");
        assertThat(json.get("score").floatValue()).isEqualTo(0.934f);
        assertThat(json.get("first_event_time").asText()).isEqualTo("2025-11-24T16:00:00Z");
        assertThat(json.get("last_event_time").asText()).isEqualTo("2025-11-24T16:00:03Z");
        assertThat(json.get("event_count").asInt()).isEqualTo(3);
        assertThat(json.get("event_ids")).extracting(JsonNode::asText).containsExactly("e1", "e2", "e3");
    }

    static Alert personsAlert() {
        return Alert.newBuilder(alert()).setRule("person-fell").setLabel("fall").setScore(0.91f).setEventCount(1)
                .setEventIds(List.of("e3")).setTrackId(12L).setBox(new PersonBox(80f, 40f, 200f, 470f, 640, 480))
                .build();
    }

    @Test
    void aPersonsAlertNamesThePersonAfterTheCamera() {
        assertThat(new TerminalOutput(System.out, false, ZoneOffset.UTC).format(personsAlert()))
                .isEqualTo("2025-11-24 16:00:03.000 +00:00  cam-7  person 12  fall  0.91  rule=person-fell  (1 event)");
        assertThat(new TerminalOutput(System.out, false, ZoneOffset.UTC).format(alert())).doesNotContain("person");
    }

    @Test
    void webhookJsonCarriesThePersonAndTheirBox() throws Exception {
        JsonNode json = new ObjectMapper().readTree(AlertJson.toJson(personsAlert()));
        assertThat(json.get("track_id").asLong()).isEqualTo(12L);
        assertThat(json.get("box").get("x_min").floatValue()).isEqualTo(80f);
        assertThat(json.get("box").get("y_max").floatValue()).isEqualTo(470f);
        assertThat(json.get("box").get("frame_width").asInt()).isEqualTo(640);
        assertThat(json.get("box").get("frame_height").asInt()).isEqualTo(480);

        JsonNode camerasAlert = new ObjectMapper().readTree(AlertJson.toJson(alert()));
        assertThat(camerasAlert.get("track_id").isNull()).isTrue();
        assertThat(camerasAlert.get("box").isNull()).isTrue();
    }

    static Alert offlineAlert() {
        return Alert.newBuilder().setAlertId("id-9").setRule("camera-down").setCameraId("cam-7").setLabel("offline")
                .setScore(1f).setFirstEventTime(ClipEvents.at(3)).setLastEventTime(ClipEvents.at(3)).setEventCount(0)
                .setEventIds(List.of()).setKind(CameraHealthWatch.KIND_OFFLINE)
                .setReason("no clip event for 31s (offline-after 30s)").build();
    }

    @Test
    void aCameraHealthAlertShowsItsConditionAndReason() throws Exception {
        TerminalOutput plain = new TerminalOutput(System.out, false, ZoneOffset.UTC);
        assertThat(plain.format(offlineAlert())).isEqualTo("2025-11-24 16:00:03.000 +00:00  cam-7  offline"
                + "  rule=camera-down  no clip event for 31s (offline-after 30s)");
        Alert recovered = offlineAlert();
        recovered.setKind(CameraHealthWatch.KIND_RECOVERED);
        recovered.setLabel("recovered");
        recovered.setReason("clip events again for 60s (recovered-after 1m), at 25.0 fps");
        recovered.setFrameRate(25f);
        assertThat(new TerminalOutput(System.out, true, ZoneOffset.UTC).format(recovered)).contains("\u001b[1;32m");

        JsonNode json = new ObjectMapper().readTree(AlertJson.toJson(recovered));
        assertThat(json.get("kind").asText()).isEqualTo("camera_recovered");
        assertThat(json.get("label").asText()).isEqualTo("recovered");
        assertThat(json.get("reason").asText()).startsWith("clip events again for 60s");
        assertThat(json.get("frame_rate").floatValue()).isEqualTo(25f);
        JsonNode action = new ObjectMapper().readTree(AlertJson.toJson(alert()));
        assertThat(action.get("kind").asText()).isEqualTo("action");
        assertThat(action.get("reason").isNull()).isTrue();
        assertThat(action.get("frame_rate").isNull()).isTrue();
    }
}
