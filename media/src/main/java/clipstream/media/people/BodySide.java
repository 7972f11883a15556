package clipstream.media.people;

/** A side of the body, the person's own (a person facing the camera has their left on the image's right). */
public enum BodySide {
    LEFT(1), RIGHT(-1);

    private final int sign;

    BodySide(int sign) {
        this.sign = sign;
    }

    /** +1 for the left, -1 for the right: in a person's own frame their left is +x. */
    public int sign() {
        return sign;
    }

    public BodySide other() {
        return this == LEFT ? RIGHT : LEFT;
    }
}
