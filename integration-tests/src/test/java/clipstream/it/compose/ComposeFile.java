package clipstream.it.compose;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A docker-compose file as the compose test reads it: its services (with YAML merge keys applied) and declared
 * named volumes. Only the parts the checks need; the schema itself is checked by {@code docker-compose config}.
 */
record ComposeFile(Path directory, Map<String, Service> services, Set<String> namedVolumes) {

    /** One service: how its image is made, what it runs, mounts, publishes and waits for. */
    record Service(String name, Optional<String> image, Optional<Build> build, List<String> entrypoint,
                   List<String> command, List<Mount> mounts, List<PublishedPort> ports,
                   Map<String, String> dependsOn, boolean hasHealthcheck, Optional<String> restart,
                   Map<String, String> environment) {

        /** Entrypoint then command: the whole argument vector the container starts with (as far as compose says). */
        List<String> arguments() {
            List<String> all = new ArrayList<>(entrypoint);
            all.addAll(command);
            return all;
        }

        /** The value after {@code flag} in the arguments ({@code --flag VALUE} or {@code --flag=VALUE}). */
        Optional<String> argumentAfter(String flag) {
            List<String> args = arguments();
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).equals(flag) && i + 1 < args.size()) {
                    return Optional.of(args.get(i + 1));
                }
                if (args.get(i).startsWith(flag + "=")) {
                    return Optional.of(args.get(i).substring(flag.length() + 1));
                }
            }
            return Optional.empty();
        }
    }

    /** A build section: context folder and Dockerfile, relative to the compose file and the context. */
    record Build(String context, String dockerfile) {
    }

    /** A volume entry: a host path (bind) or a named volume, mounted at {@code target}. */
    record Mount(String source, String target, boolean bind) {
    }

    /** A published port: {@code host} on the host forwards to {@code container}. */
    record PublishedPort(int host, int container) {
    }

    static ComposeFile read(Path file) throws IOException {
        Map<String, Object> root;
        try (Reader in = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        Map<String, Service> services = new LinkedHashMap<>();
        map(root.get("services")).forEach((name, definition) -> services.put(name, service(name, map(definition))));
        return new ComposeFile(file.getParent(), services, new TreeSet<>(map(root.get("volumes")).keySet()));
    }

    private static Service service(String name, Map<String, Object> s) {
        Optional<Build> build = Optional.ofNullable(s.get("build")).map(b -> b instanceof String context
                ? new Build(context, "Dockerfile")
                : new Build(String.valueOf(map(b).getOrDefault("context", ".")),
                        String.valueOf(map(b).getOrDefault("dockerfile", "Dockerfile"))));
        Map<String, String> dependsOn = new LinkedHashMap<>();
        Object depends = s.get("depends_on");
        if (depends instanceof List<?> names) {
            names.forEach(n -> dependsOn.put(String.valueOf(n), "service_started"));
        } else if (depends != null) {
            map(depends).forEach((n, c) -> dependsOn.put(n, String.valueOf(map(c).getOrDefault("condition", "service_started"))));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        Object env = s.get("environment");
        if (env instanceof List<?> entries) {
            entries.forEach(e -> {
                String entry = String.valueOf(e);
                int eq = entry.indexOf('=');
                environment.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            });
        } else if (env != null) {
            map(env).forEach((k, v) -> environment.put(k, String.valueOf(v)));
        }
        return new Service(name, Optional.ofNullable((String) s.get("image")), build, words(s.get("entrypoint")),
                words(s.get("command")), list(s.get("volumes")).stream().map(ComposeFile::mount).toList(),
                list(s.get("ports")).stream().map(ComposeFile::port).flatMap(Optional::stream).toList(),
                dependsOn, s.containsKey("healthcheck"), Optional.ofNullable(s.get("restart")).map(String::valueOf),
                environment);
    }

    /** Short syntax {@code SOURCE:TARGET[:MODE]} or long syntax {@code {type, source, target}}. */
    private static Mount mount(Object volume) {
        if (volume instanceof String spec) {
            String[] parts = spec.split(":");
            if (parts.length == 1) {
                return new Mount("", parts[0], false); // anonymous volume
            }
            return new Mount(parts[0], parts[1], isHostPath(parts[0]));
        }
        Map<String, Object> v = map(volume);
        String source = String.valueOf(v.getOrDefault("source", ""));
        return new Mount(source, String.valueOf(v.get("target")), "bind".equals(v.get("type")));
    }

    private static boolean isHostPath(String source) {
        return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
    }

    /** {@code [IP:]HOST:CONTAINER[/PROTO]}, or the long syntax; a container-only port publishes nothing fixed. */
    private static Optional<PublishedPort> port(Object port) {
        if (port instanceof Map<?, ?> p) {
            Object published = p.get("published");
            return published == null ? Optional.empty()
                    : Optional.of(new PublishedPort(Integer.parseInt(String.valueOf(published)),
                            Integer.parseInt(String.valueOf(p.get("target")))));
        }
        String[] parts = String.valueOf(port).replaceAll("/(tcp|udp)$", "").split(":");
        if (parts.length < 2) {
            return Optional.empty();
        }
        return Optional.of(new PublishedPort(Integer.parseInt(parts[parts.length - 2]),
                Integer.parseInt(parts[parts.length - 1])));
    }

    /** A command or entrypoint: a list as it is, a string split on blanks (as compose does without a shell). */
    private static List<String> words(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value).trim().split("\\s+"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }
}
