package clipstream.ingest.publish;

/**
 * The largest record Kafka accepts for the frames topic and the setting that imposes it: the producer's
 * {@code max.request.size} or the topic's {@code max.message.bytes} (the broker's {@code message.max.bytes} when
 * the topic has no override), whichever is smaller.
 */
public record MessageSizeLimit(int bytes, String setting, String howToRaise) {

    /** The producer's own limit. */
    public static MessageSizeLimit producer(int maxRequestSize) {
        return new MessageSizeLimit(maxRequestSize, "the producer's max.request.size",
                "it with --producer-property max.request.size=N (and the topic's max.message.bytes to match)");
    }

    /** The topic's limit. */
    public static MessageSizeLimit topic(String topic, int maxMessageBytes) {
        return new MessageSizeLimit(maxMessageBytes, "topic '" + topic + "' max.message.bytes",
                "it (kafka-configs.sh --alter --entity-type topics --entity-name " + topic
                        + " --add-config max.message.bytes=N) and --producer-property max.request.size=N");
    }

    /** The stricter of two limits. */
    public MessageSizeLimit min(MessageSizeLimit other) {
        return other.bytes < bytes ? other : this;
    }
}
