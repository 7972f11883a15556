package clipstream.model.store;

/** A clip's shape as the model takes it: frames × height × width × channels (NDHWC without the batch). */
public record InputShape(int frames, int height, int width, int channels) {

    public InputShape {
        if (frames < 1 || height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("Input shape must be positive, got " + this);
        }
    }

    /** Parses {@code TxHxWxC}, e.g. {@code 32x64x64x3}. */
    public static InputShape parse(String text) {
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length != 4) {
            throw new IllegalArgumentException("Input shape must be TxHxWxC (e.g. 32x64x64x3), got '" + text + "'");
        }
        try {
            return new InputShape(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()),
                    Integer.parseInt(parts[2].strip()), Integer.parseInt(parts[3].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Input shape must be TxHxWxC (e.g. 32x64x64x3), got '" + text + "'", e);
        }
    }

    public int clipBytes() {
        return frames * height * width * channels;
    }

    @Override
    public String toString() {
        return frames + "x" + height + "x" + width + "x" + channels;
    }
}
