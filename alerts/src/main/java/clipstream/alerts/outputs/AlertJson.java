package clipstream.alerts.outputs;

import clipstream.schema.Alert;
import clipstream.schema.PersonBox;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The JSON body a webhook receives: the Alert's fields under their schema names, times as ISO-8601 UTC strings,
 * e.g. {@code {"alert_id":"…","rule":"fall","camera_id":"cam-7","label":"falling","score":0.93,
 * "first_event_time":"2025-11-24T16:00:00Z","last_event_time":"…","event_count":3,"event_ids":["…"],
 * "track_id":null,"box":null,"kind":"action","reason":null,"frame_rate":null}}; for a person's alert
 * {@code "track_id":12,"box":{"x_min":80.0,"y_min":40.0,"x_max":200.0,"y_max":470.0,"frame_width":640,
 * "frame_height":480}}; for a camera health alert {@code "label":"offline","kind":"camera_offline",
 * "reason":"no clip event for 31s (offline-after 30s)"} (and {@code "frame_rate":24.8} where degraded or recovered).
 */
public final class AlertJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertJson() {
    }

    public static String toJson(Alert alert) {
        ObjectNode node = JSON.createObjectNode();
        node.put("alert_id", alert.getAlertId());
        node.put("rule", alert.getRule());
        node.put("camera_id", alert.getCameraId());
        node.put("label", alert.getLabel());
        node.put("score", alert.getScore());
        node.put("first_event_time", alert.getFirstEventTime().toString());
        node.put("last_event_time", alert.getLastEventTime().toString());
        node.put("event_count", alert.getEventCount());
        ArrayNode ids = node.putArray("event_ids");
        alert.getEventIds().forEach(ids::add);
        if (alert.getTrackId() == null) {
            node.putNull("track_id");
        } else {
            node.put("track_id", alert.getTrackId());
        }
        PersonBox box = alert.getBox();
        if (box == null) {
            node.putNull("box");
        } else {
            node.putObject("box").put("x_min", box.getXMin()).put("y_min", box.getYMin()).put("x_max", box.getXMax())
                    .put("y_max", box.getYMax()).put("frame_width", box.getFrameWidth())
                    .put("frame_height", box.getFrameHeight());
        }
        node.put("kind", alert.getKind());
        node.put("reason", alert.getReason());
        if (alert.getFrameRate() == null) {
            node.putNull("frame_rate");
        } else {
            node.put("frame_rate", alert.getFrameRate());
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write alert as JSON", e);
        }
    }
}
