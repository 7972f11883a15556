package clipstream.alerts.state;

import clipstream.alerts.engine.CameraSnapshot;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads and writes a {@link CameraSnapshot} as the JSON stored on the state topic. */
public final class SnapshotCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private SnapshotCodec() {
    }

    public static byte[] encode(CameraSnapshot snapshot) {
        try {
            return JSON.writeValueAsBytes(snapshot);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write rule state as JSON", e);
        }
    }

    public static CameraSnapshot decode(byte[] json) throws IOException {
        return JSON.readValue(json, CameraSnapshot.class);
    }
}
