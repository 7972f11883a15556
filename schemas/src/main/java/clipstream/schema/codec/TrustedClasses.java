package clipstream.schema.codec;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Tells Avro (1.12.2+) that our generated classes may be instantiated while decoding.
 *
 * <p>Avro refuses to create classes it does not trust. Rather than switching that check off, the codec
 * adds exactly the named types reachable from the schema it decodes to the JVM-wide predicate, once.
 */
final class TrustedClasses {
    private static final Set<String> TRUSTED = new HashSet<>();

    private TrustedClasses() {
    }

    static synchronized void trust(Schema schema) {
        Set<String> names = new HashSet<>();
        collectNamedTypes(schema, names);
        names.removeAll(TRUSTED);
        if (names.isEmpty()) {
            return;
        }
        ClassSecurityValidator.Builder builder = ClassSecurityValidator.builder();
        names.forEach(builder::add);
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), builder.build()));
        TRUSTED.addAll(names);
    }

    private static void collectNamedTypes(Schema schema, Set<String> names) {
        switch (schema.getType()) {
            case RECORD -> {
                if (names.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> collectNamedTypes(f.schema(), names));
                }
            }
            case ENUM, FIXED -> names.add(schema.getFullName());
            case ARRAY -> collectNamedTypes(schema.getElementType(), names);
            case MAP -> collectNamedTypes(schema.getValueType(), names);
            case UNION -> schema.getTypes().forEach(t -> collectNamedTypes(t, names));
            default -> {
            }
        }
    }
}
