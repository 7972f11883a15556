package clipstream.common.time;

import java.time.Duration;
import picocli.CommandLine;

/** Reads a command-line flag's value as a {@link Durations} duration. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Durations.tryParse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a " + Durations.SYNTAX));
    }
}
