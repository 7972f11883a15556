package clipstream.alerts.outputs;

import clipstream.schema.Alert;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The live view: one line per alert, readable by a person — time, camera, the person (track) when the alert is about
 * one, label, score, rule — with ANSI colour only when writing to a terminal.
 */
public final class TerminalOutput {
    private static final String RESET = "\u001b[0m";
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[1;31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";

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
     * person's alert {@code 2025-11-24 17:00:01.240 +01:00  cam-7  person 12  fall  0.91  rule=person-fell  (1 event)}.
     */
    public String format(Alert alert) {
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
