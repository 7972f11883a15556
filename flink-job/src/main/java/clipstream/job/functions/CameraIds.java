package clipstream.job.functions;

import java.util.regex.Pattern;

/** The rule for camera ids (schemas/Frame.avsc): 1-128 characters of [A-Za-z0-9._:-]. */
public final class CameraIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private CameraIds() {
    }

    public static boolean isValid(String cameraId) {
        return cameraId != null && VALID.matcher(cameraId).matches();
    }

    /** The id as it may appear in a message: shortened, control characters escaped. */
    static String quoted(String cameraId) {
        String shown = cameraId.length() > 40 ? cameraId.substring(0, 40) + "…(" + cameraId.length() + " chars)" : cameraId;
        StringBuilder out = new StringBuilder("'");
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }
}
