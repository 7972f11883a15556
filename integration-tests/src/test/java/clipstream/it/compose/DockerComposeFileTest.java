package clipstream.it.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import clipstream.alerts.pipeline.AlertsConfig;
import clipstream.it.compose.ComposeFile.Mount;
import clipstream.it.compose.ComposeFile.PublishedPort;
import clipstream.it.compose.ComposeFile.Service;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks docker-compose.yml against the repository without a Docker engine: every image it builds has its
 * Dockerfile and copied files here, every mounted host path exists, host ports are unique, the main classes it
 * runs exist, and the topics it creates are exactly the ones the code uses by default.
 */
class DockerComposeFileTest {
    private static final Pattern MAIN_CLASS = Pattern.compile("\\bclipstream(\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*");
    private static final Pattern TOPIC_SPEC = Pattern.compile("([A-Za-z0-9._-]+):(\\d+)(?::(.*))?");
    private static final String TOPIC_SCRIPT = "create-topics.sh";

    private static Path root;
    private static ComposeFile compose;

    @BeforeAll
    static void readComposeFile() throws IOException {
        root = repositoryRoot();
        compose = ComposeFile.read(root.resolve("docker-compose.yml"));
    }

    @Test
    void everyServiceRunsAPinnedImageOrOneBuiltFromThisRepository() throws IOException {
        for (Service service : compose.services().values()) {
            assertThat(service.image().isPresent() || service.build().isPresent())
                    .as("service %s has an image or a build", service.name()).isTrue();
            if (service.build().isEmpty()) {
                assertPinned(service.image().get(), "image of service " + service.name());
                continue;
            }
            Path context = insideRepository(compose.directory().resolve(service.build().get().context()),
                    "build context of " + service.name());
            Path dockerfilePath = context.resolve(service.build().get().dockerfile());
            assertThat(dockerfilePath).as("Dockerfile of service %s", service.name()).isRegularFile();
            Dockerfile dockerfile = Dockerfile.read(dockerfilePath);
            dockerfile.baseImages().forEach(image -> assertPinned(image, "FROM in " + root.relativize(dockerfilePath)));
            for (Dockerfile.Copy copy : dockerfile.copies()) {
                if (copy.fromStage() == null) {
                    copy.sources().forEach(source -> assertThat(context.resolve(source))
                            .as("%s copies %s from the build context", root.relativize(dockerfilePath), source)
                            .exists());
                }
            }
        }
    }

    @Test
    void scriptsTheServicesRunAreInTheirImageOrMounted() throws IOException {
        for (Service service : compose.services().values()) {
            Set<String> provided = new HashSet<>();
            service.mounts().forEach(m -> provided.add(m.target()));
            if (service.build().isPresent()) {
                Path context = compose.directory().resolve(service.build().get().context());
                Dockerfile.read(context.resolve(service.build().get().dockerfile())).copies()
                        .forEach(c -> provided.add(c.destination()));
            }
            service.arguments().stream().filter(a -> a.startsWith("/opt/clipstream/") && a.endsWith(".sh"))
                    .forEach(script -> assertThat(provided)
                            .as("service %s runs %s: copied into its image or mounted", service.name(), script)
                            .contains(script));
        }
    }

    @Test
    void everyMountedHostPathExistsInTheRepository() {
        List<String> checked = new ArrayList<>();
        for (Service service : compose.services().values()) {
            for (Mount mount : service.mounts()) {
                if (mount.bind()) {
                    Path source = insideRepository(compose.directory().resolve(mount.source()),
                            "mount of service " + service.name());
                    assertThat(source).as("host path %s mounted by %s", mount.source(), service.name()).exists();
                    checked.add(mount.source());
                } else if (!mount.source().isEmpty()) {
                    assertThat(compose.namedVolumes()).as("named volume of service %s", service.name())
                            .contains(mount.source());
                }
            }
        }
        assertThat(checked).as("host paths mounted").isNotEmpty();
    }

    @Test
    void hostPortsAreUniqueAndPublishTheFlinkUiAndKafka() {
        Map<Integer, String> byHostPort = new TreeMap<>();
        for (Service service : compose.services().values()) {
            for (PublishedPort port : service.ports()) {
                String previous = byHostPort.put(port.host(), service.name());
                assertThat(previous).as("host port %d published by %s and %s", port.host(), previous, service.name())
                        .isNull();
            }
        }
        Service jobmanager = compose.services().get("jobmanager");
        assertThat(jobmanager.ports()).as("Flink web UI").contains(new PublishedPort(8081, 8081));

        Service kafka = compose.services().get("kafka");
        Matcher advertised = Pattern.compile("//localhost:(\\d+)")
                .matcher(kafka.environment().getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
        assertThat(advertised.find()).as("Kafka advertises a listener for the host").isTrue();
        int external = Integer.parseInt(advertised.group(1));
        assertThat(kafka.ports()).as("Kafka's external listener is published on the port it advertises")
                .contains(new PublishedPort(external, external));
    }

    @Test
    void mainClassesNamedInCommandsExistAsSourceFiles() throws IOException {
        Set<String> mains = new TreeSet<>();
        for (Service service : compose.services().values()) {
            for (String argument : service.arguments()) {
                Matcher m = MAIN_CLASS.matcher(argument);
                while (m.find()) {
                    mains.add(m.group());
                }
            }
        }
        assertThat(mains).as("the stack runs the job, ingest and alerts").contains(
                "clipstream.job.cli.JobCommand", "clipstream.ingest.cli.IngestCommand",
                "clipstream.alerts.cli.AlertsCommand");
        for (String main : mains) {
            Optional<Path> source = mainSource(main);
            assertThat(source).as("source of %s in some module's src/main/java", main).isPresent();
            assertThat(Files.readString(source.get())).as("%s has a main method", main)
                    .contains("public static void main(String[] args)");
        }
    }

    @Test
    void createdTopicsAreExactlyTheTopicsTheCodeUsesByDefault() throws IOException {
        Map<String, TopicSpec> created = createdTopics();
        Map<String, String> defaults = CodeTopics.defaults(root);
        assertThat(defaults).as("topic defaults found in the code").isNotEmpty();
        assertThat(created.keySet()).as("topics created by %s vs. defaults in the code %s", TOPIC_SCRIPT, defaults)
                .containsExactlyInAnyOrderElementsOf(new TreeSet<>(defaults.values()));

        String stateTopic = defaults.get("AlertsConfig.DEFAULT_STATE_TOPIC");
        String eventsTopic = defaults.get("AlertsConfig.DEFAULT_INPUT_TOPIC");
        assertThat(created.get(stateTopic).configs())
                .as("the alerts state topic is compacted with small segments, as the consumer creates it")
                .containsAllEntriesOf(AlertsConfig.STATE_TOPIC_CONFIGS);
        assertThat(created.get(stateTopic).partitions())
                .as("alerts-state needs at least as many partitions as clip-events (alerts TopicSetup)")
                .isGreaterThanOrEqualTo(created.get(eventsTopic).partitions());
    }

    @Test
    void topicsNamedByServicesAndTheMountedRulesAreCreated() throws IOException {
        Set<String> created = createdTopics().keySet();
        for (Service service : compose.services().values()) {
            List<String> args = service.arguments();
            for (int i = 0; i < args.size() - 1; i++) {
                if (args.get(i).matches("--([a-z]+-)?topic")) {
                    assertThat(created).as("%s %s of service %s", args.get(i), args.get(i + 1), service.name())
                            .contains(args.get(i + 1));
                }
            }
        }
        Service alerts = compose.services().get("alerts");
        String rulesInContainer = alerts.argumentAfter("--rules").orElseThrow();
        Mount rulesMount = alerts.mounts().stream().filter(m -> m.target().equals(rulesInContainer)).findFirst()
                .orElseThrow(() -> new AssertionError("alerts reads " + rulesInContainer + " but nothing is mounted there"));
        for (String topic : ruleTopics(compose.directory().resolve(rulesMount.source()))) {
            assertThat(created).as("topic %s of a rule in %s", topic, rulesMount.source()).contains(topic);
        }
    }

    @Test
    void dependsOnConditionsCanBeMet() {
        for (Service service : compose.services().values()) {
            service.dependsOn().forEach((name, condition) -> {
                Service target = compose.services().get(name);
                assertThat(target).as("%s depends on service %s", service.name(), name).isNotNull();
                switch (condition) {
                    case "service_healthy" -> assertThat(target.hasHealthcheck())
                            .as("%s waits for %s to be healthy: it needs a healthcheck", service.name(), name).isTrue();
                    case "service_completed_successfully" -> assertThat(target.restart().orElse("no"))
                            .as("%s waits for one-shot %s to complete: it must not restart always", service.name(), name)
                            .isIn("no", "on-failure");
                    default -> assertThat(condition).isEqualTo("service_started");
                }
            });
        }
    }

    /** Runs {@code docker-compose config} where it is installed (CI installs it; .ci/run runs it too). */
    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Optional<Path> dockerCompose = onPath("docker-compose");
        assumeThat(dockerCompose).as("docker-compose on PATH (apt-get install docker-compose)").isPresent();
        Process process = new ProcessBuilder(dockerCompose.get().toString(), "-f", "docker-compose.yml", "config", "-q")
                .directory(root.toFile()).redirectErrorStream(true).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("docker-compose config finished").isTrue();
        assertThat(process.exitValue()).as("docker-compose config: %s", output).isZero();
    }

    private record TopicSpec(int partitions, Map<String, String> configs) {
    }

    /** The topics the topic-creation service creates: arguments NAME:PARTITIONS[:CONFIG=VALUE,...]. */
    private static Map<String, TopicSpec> createdTopics() {
        List<Service> creators = compose.services().values().stream()
                .filter(s -> s.arguments().stream().anyMatch(a -> a.endsWith(TOPIC_SCRIPT))).toList();
        assertThat(creators).as("one service runs %s", TOPIC_SCRIPT).hasSize(1);
        Map<String, TopicSpec> topics = new TreeMap<>();
        for (String argument : creators.get(0).command()) {
            Matcher m = TOPIC_SPEC.matcher(argument);
            if (m.matches()) {
                Map<String, String> configs = new HashMap<>();
                if (m.group(3) != null) {
                    for (String pair : m.group(3).split(",")) {
                        String[] kv = pair.split("=", 2);
                        configs.put(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                }
                topics.put(m.group(1), new TopicSpec(Integer.parseInt(m.group(2)), configs));
            }
        }
        return topics;
    }

    /** The output topic of every rule in a rules file ({@code alerts} when a rule names none, as the code does). */
    private static Set<String> ruleTopics(Path rulesFile) throws IOException {
        assertThat(rulesFile).as("rules file mounted into alerts").isRegularFile();
        Map<String, Object> rules;
        try (Reader in = Files.newBufferedReader(rulesFile)) {
            rules = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        String defaultTopic = CodeTopics.defaults(root).get("RuleOutputs.DEFAULT_TOPIC");
        Set<String> topics = new TreeSet<>();
        for (Object rule : ComposeFile.list(rules.get("rules"))) {
            Object topic = ComposeFile.map(ComposeFile.map(rule).get("outputs")).get("topic");
            topics.add(topic == null ? defaultTopic : String.valueOf(topic));
        }
        assertThat(topics).as("rules in %s", rulesFile).isNotEmpty();
        return topics;
    }

    private static Optional<Path> mainSource(String className) throws IOException {
        String relative = "src/main/java/" + className.replace('.', '/') + ".java";
        try (Stream<Path> modules = Files.list(root)) {
            return modules.map(module -> module.resolve(relative)).filter(Files::isRegularFile).findFirst();
        }
    }

    private static void assertPinned(String image, String what) {
        String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
        assertThat(tag).as("%s (%s) names a version tag", what, image).isNotEmpty().isNotEqualTo("latest");
    }

    private static Path insideRepository(Path path, String what) {
        Path normalized = path.toAbsolutePath().normalize();
        assertThat(normalized.startsWith(root)).as("%s (%s) lies inside the repository", what, normalized).isTrue();
        return normalized;
    }

    private static Optional<Path> onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }

    /** The folder holding docker-compose.yml and the root pom.xml, from the working directory upwards. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.normalize();
            }
        }
        throw new AssertionError("No docker-compose.yml next to a pom.xml above " + Path.of("").toAbsolutePath());
    }
}
