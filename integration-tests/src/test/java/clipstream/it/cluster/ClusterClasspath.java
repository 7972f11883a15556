package clipstream.it.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The test's class path (surefire's {@code java.class.path}: sibling modules as {@code target/classes} in a reactor
 * build, as jars from the local repository with {@code -pl}) split the way a real deployment splits it, the way
 * flink-job's {@code -Pjob-jars} cluster jar does:
 * <ul>
 *   <li>Flink's {@code lib/} (JobManager, TaskManagers, client): Flink, logging, and DJL/TensorFlow with its CPU
 *       natives, loaded parent-first so TensorFlow loads once per TaskManager; no clipstream code, no Kafka;</li>
 *   <li>the job jar: the job's modules (flink-job, model-store, model-manifest, media, schemas, common) at its root, and what the cluster jar
 *       bundles besides (Avro, kafka-clients, the Kafka connector, picocli, Jackson) as jars under {@code lib/},
 *       which {@code flink run} ships with the job;</li>
 *   <li>the brokers: the whole test class path (the Kafka server jars are only there).</li>
 * </ul>
 */
final class ClusterClasspath {
    static final String JOB_MAIN_CLASS = "clipstream.job.cli.JobCommand";
    private static final Set<String> JOB_MODULES = Set.of("flink-job", "model-store", "model-manifest", "media", "schemas",
            "common");
    private static final Set<String> OTHER_MODULES = Set.of("ingest", "alerts", "embedded-kafka", "local-stack", "bench",
            "integration-tests");
    private static final Set<String> JOB_LIBRARIES = Set.of("avro", "kafka-clients", "flink-connector-kafka", "picocli");
    /** Group folders of what is neither Flink's lib/ nor the job: the brokers' server jars, Scala, test libraries. */
    private static final List<String> NOT_IN_FLINK_LIB = List.of("/org/apache/kafka/", "/org/scala-lang/",
            "/com/typesafe/scala-logging/", "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/org/assertj/",
            "/net/bytebuddy/");

    private final List<Path> all;
    private final List<Path> flinkLib = new ArrayList<>();
    private final List<Path> jobModules = new ArrayList<>();
    private final List<Path> jobLibraries = new ArrayList<>();

    private ClusterClasspath(List<Path> all) {
        this.all = all;
        for (Path entry : all) {
            String artifact = artifactId(entry);
            String path = entry.toAbsolutePath().toString().replace(File.separatorChar, '/');
            if (JOB_MODULES.contains(artifact)) {
                jobModules.add(entry);
            } else if (JOB_LIBRARIES.contains(artifact) || artifact.startsWith("jackson-")) {
                jobLibraries.add(entry);
            } else if (!OTHER_MODULES.contains(artifact) && NOT_IN_FLINK_LIB.stream().noneMatch(path::contains)) {
                flinkLib.add(entry);
            }
        }
        if (jobModules.size() != JOB_MODULES.size()) {
            throw new IllegalStateException("Expected the modules " + JOB_MODULES + " on the test class path, found "
                    + jobModules);
        }
    }

    /** The split of this JVM's class path, as surefire set it. */
    static ClusterClasspath ofThisJvm() {
        List<Path> entries = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank()).map(Path::of).toList();
        return new ClusterClasspath(entries);
    }

    /** What a Flink distribution's {@code lib/} would hold here, as a class path. */
    String flinkLib() {
        return join(flinkLib);
    }

    /** The whole test class path (the Kafka brokers run from it). */
    String everything() {
        return join(all);
    }

    /**
     * Writes the job jar: the job's modules at the root (main class {@value #JOB_MAIN_CLASS} in the manifest) and
     * the libraries the cluster jar bundles as {@code lib/*.jar}, which Flink's client extracts and ships.
     */
    Path writeJobJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, JOB_MAIN_CLASS);
        Set<String> written = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            written.add(JarFile.MANIFEST_NAME);
            for (Path module : jobModules) {
                if (Files.isDirectory(module)) {
                    copyFolder(module, out, written);
                } else {
                    copyJar(module, out, written);
                }
            }
            for (Path library : jobLibraries) {
                out.putNextEntry(new JarEntry("lib/" + library.getFileName()));
                Files.copy(library, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /** The artifact an entry is: {@code .../ARTIFACT/VERSION/ARTIFACT-VERSION.jar} or {@code .../MODULE/target/classes}. */
    private static String artifactId(Path entry) {
        Path parent = entry.getParent();
        if (Files.isDirectory(entry) && parent != null && parent.getFileName().toString().equals("target")
                && parent.getParent() != null) {
            return parent.getParent().getFileName().toString();
        }
        if (parent != null && parent.getParent() != null) {
            return parent.getParent().getFileName().toString();
        }
        return entry.getFileName().toString();
    }

    private static void copyFolder(Path folder, JarOutputStream out, Set<String> written) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = folder.relativize(file).toString().replace(File.separatorChar, '/');
                try (InputStream in = Files.newInputStream(file)) {
                    copyEntry(name, in, out, written);
                }
            }
        }
    }

    private static void copyJar(Path jar, JarOutputStream out, Set<String> written) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            for (JarEntry entry : in.stream().filter(e -> !e.isDirectory()).toList()) {
                try (InputStream data = in.getInputStream(entry)) {
                    copyEntry(entry.getName(), data, out, written);
                }
            }
        }
    }

    /** Copies one file; like the cluster jar, no logging configuration, no signatures, first copy of a name wins. */
    private static void copyEntry(String name, InputStream in, JarOutputStream out, Set<String> written)
            throws IOException {
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (base.startsWith("log4j2") || name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)") || !written.add(name)) {
            return;
        }
        out.putNextEntry(new JarEntry(name));
        in.transferTo(out);
        out.closeEntry();
    }

    private static String join(List<Path> entries) {
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

}
