package clipstream.alerts.rules;

/** A rules file that cannot be used; the message names the file, line, column and field at fault. */
public final class RulesFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public RulesFileException(String message) {
        super(message);
    }

    public RulesFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
