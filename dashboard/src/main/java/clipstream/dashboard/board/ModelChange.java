package clipstream.dashboard.board;

/** A model whose events started carrying a version not seen before: {@code from} (null: none) to {@code to}. */
public record ModelChange(String name, String from, String to, long at) {
}
