package clipstream.alerts.outputs;

import clipstream.schema.Alert;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The JSON body a webhook receives: the Alert's fields under their schema names, times as ISO-8601 UTC strings,
 * e.g. {@code {"alert_id":"…","rule":"fall","camera_id":"cam-7","label":"falling","score":0.93,
 * "first_event_time":"2025-11-24T16:00:00Z","last_event_time":"…","event_count":3,"event_ids":["…"]}}.
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
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write alert as JSON", e);
        }
    }
}
