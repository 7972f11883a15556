package clipstream.alerts.outputs;

/** How one alert's delivery to one webhook ended. */
public sealed interface WebhookOutcome {
    /** The webhook answered 2xx on attempt {@code attempt}. */
    record Delivered(int attempt) implements WebhookOutcome {
    }

    /** Every attempt failed, or the webhook refused the alert for good (a 4xx other than 408/429). */
    record GaveUp(int attempts, String reason) implements WebhookOutcome {
    }
}
