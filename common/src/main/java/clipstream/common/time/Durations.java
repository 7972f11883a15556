package clipstream.common.time;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of clipstream, for every command-line flag and the alerts rules file:
 * <ul>
 *   <li>{@code 0};</li>
 *   <li>a number (whole or decimal) followed by a unit {@code ms}, {@code s}, {@code m} or {@code h}:
 *       {@code 250ms}, {@code 30s}, {@code 1.5m}, {@code 2h} (a space between them is allowed, case does not
 *       matter; a fraction of a millisecond is rounded to the nearest one);</li>
 *   <li>ISO-8601: {@code PT30S}, {@code PT1M30S}, {@code P1D}.</li>
 * </ul>
 * A negative duration, a bare number other than 0 (seconds or milliseconds?) and a value beyond
 * {@link Duration}'s range are refused.
 */
public final class Durations {
    /** What {@link #parse} reads, for error messages. */
    public static final String SYNTAX = "duration such as 500ms, 30s, 1.5m, 1h or PT1M (not negative)";

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
    private static final BigDecimal MILLIS_PER_SECOND = BigDecimal.valueOf(1_000);
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {
    }

    /** The duration {@code text} names, or empty when it is not in the grammar above. */
    public static Optional<Duration> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.strip().toLowerCase(Locale.ROOT);
        if (trimmed.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher m = WITH_UNIT.matcher(trimmed);
        if (m.matches()) {
            BigDecimal millis = new BigDecimal(m.group(1)).multiply(switch (m.group(2)) {
                case "ms" -> BigDecimal.ONE;
                case "s" -> MILLIS_PER_SECOND;
                case "m" -> BigDecimal.valueOf(60_000);
                default -> BigDecimal.valueOf(3_600_000);
            });
            if (millis.compareTo(MAX_MILLIS) > 0) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(millis.setScale(0, java.math.RoundingMode.HALF_UP).longValue()));
        }
        if (!trimmed.startsWith("p")) {
            return Optional.empty();
        }
        try {
            Duration duration = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            return duration.isNegative() ? Optional.empty() : Optional.of(duration);
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /**
     * The duration {@code text} names; {@link IllegalArgumentException} saying what {@code what} (a flag or a
     * field) must look like otherwise.
     */
    public static Duration parse(String text, String what) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                what + " must be a " + SYNTAX + ", got '" + text + "'"));
    }

    /**
     * {@code duration} in the grammar above, in its shortest exact form with one unit: {@code 0}, {@code 250ms},
     * {@code 30s}, {@code 90s}, {@code 5m}, {@code 2h} (for messages that quote a value back as it would be written).
     */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }
}
