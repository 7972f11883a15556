package clipstream.job.config;

/** A configuration value that cannot work; the message names the flag and says what would. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new ConfigException(message);
        }
    }

    static void requireText(String value, String flag) {
        require(value != null && !value.isBlank(), flag + " must not be empty");
    }
}
