package clipstream.alerts.outputs;

import clipstream.alerts.engine.CameraHealthWatch;
import clipstream.alerts.engine.RuleEngine;
import clipstream.schema.Alert;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The live view: one line per alert, readable by a person — time, camera, the person (track) when the alert is about
 * one, label, score, rule; for a camera health alert, time, camera, offline/degraded/recovered, rule and reason — with
 * ANSI colour only when writing to a terminal.
 */
public final class TerminalOutput {
    private static final String RESET = "\u001b[0m";
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[1;31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";
    private static final String GREEN = "\u001b[1;32m";

    private final PrintStream out;
    private final boolean colour;
    private final DateTimeFormatter time;

    public TerminalOutput(PrintStream out, boolean colour, ZoneId zone) {
        this.out = out;
        this.colour = colour;
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS xxx", Locale.ROOT).withZone(zone);
    }

    /** Standard output, coloured when it is a terminal, times in the local zone. */
    public static TerminalOutput stdout() {
        return new TerminalOutput(System.out, System.console() != null, ZoneId.systemDefault());
    }

    public void print(Alert alert) {
        out.println(format(alert));
        out.flush();
    }

    /**
     * E.g. {@code 2025-11-24 17:00:01.240 +01:00  cam-7  falling  0.93  rule=fall-detected  (3 events)}, and for a
     * person's alert {@code 2025-11-24 17:00:01.240 +01:00  cam-7  person 12  fall  0.91  rule=person-fell  (1 event)},
     * and for a camera health alert (the time is the end of the camera's latest event)
     * {@code 2025-11-24 17:00:01.240 +01:00  cam-7  offline  rule=camera-down  no clip event for 31s
     * (offline-after 30s)}.
     */
    public String format(Alert alert) {
        if (!RuleEngine.KIND_ACTION.equals(alert.getKind())) {
            return paint(DIM, time.format(alert.getLastEventTime()))
                    + "  " + paint(BOLD, alert.getCameraId())
                    + "  " + paint(alert.getKind().equals(CameraHealthWatch.KIND_RECOVERED) ? GREEN : RED,
                            alert.getLabel())
                    + "  rule=" + paint(CYAN, alert.getRule())
                    + (alert.getReason() == null ? "" : "  " + alert.getReason());
        }
        return paint(DIM, time.format(alert.getLastEventTime()))
                + "  " + paint(BOLD, alert.getCameraId())
                + (alert.getTrackId() == null ? "" : "  " + paint(BOLD, "person " + alert.getTrackId()))
                + "  " + paint(RED, alert.getLabel())
                + "  " + paint(YELLOW, String.format(Locale.ROOT, "%.2f", alert.getScore()))
                + "  rule=" + paint(CYAN, alert.getRule())
                + "  (" + alert.getEventCount() + (alert.getEventCount() == 1 ? " event)" : " events)");
    }

    private String paint(String style, String text) {
        return colour ? style + text + RESET : text;
    }
}
