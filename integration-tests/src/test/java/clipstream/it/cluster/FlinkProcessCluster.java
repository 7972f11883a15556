package clipstream.it.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink session cluster from the Maven jars, each part its own JVM as {@code bin/jobmanager.sh} and
 * {@code bin/taskmanager.sh} would start it: {@code StandaloneSessionClusterEntrypoint --configDir DIR} and
 * {@code TaskManagerRunner --configDir DIR -D ...}, with the JVM flags and memory settings that {@code BashJavaUtils}
 * computes from {@code config.yaml}. Everything binds to 127.0.0.1; jobs are submitted through the client
 * ({@code CliFrontend run}, {@code FLINK_CONF_DIR} set).
 */
final class FlinkProcessCluster {
    /** Flink's usual opens for Java 17 (flink-dist's {@code env.java.opts.all}): Kryo, the client's translators. */
    static final List<String> JAVA_17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);

    private final ChildJvms jvms;
    private final String classpath;
    private final Path confDir;
    private final Path dir;
    private final int rpcPort;
    private final int restPort;
    private final FlinkRest rest;
    private JvmProcess jobManager;
    private final Map<String, JvmProcess> taskManagers = new LinkedHashMap<>();

    private FlinkProcessCluster(ChildJvms jvms, String classpath, Path dir, int rpcPort, int restPort) {
        this.jvms = jvms;
        this.classpath = classpath;
        this.dir = dir;
        this.confDir = dir.resolve("conf");
        this.rpcPort = rpcPort;
        this.restPort = restPort;
        this.rest = new FlinkRest(URI.create("http://" + FreePorts.LOOPBACK + ":" + restPort + "/"));
    }

    /**
     * Writes {@code conf/config.yaml} and starts a JobManager and {@code taskManagers} TaskManagers (one slot each);
     * returns at once (see {@link #awaitTaskManagers}).
     */
    static FlinkProcessCluster start(ChildJvms jvms, String classpath, Path dir, int taskManagers, Path checkpoints)
            throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        FlinkProcessCluster cluster = new FlinkProcessCluster(jvms, classpath, dir, ports.get(0), ports.get(1));
        cluster.writeConfig(checkpoints);
        List<List<String>> jm = cluster.resourceParams("GET_JM_RESOURCE_PARAMS", "flink-jm-resources");
        List<List<String>> tm = cluster.resourceParams("GET_TM_RESOURCE_PARAMS", "flink-tm-resources");
        cluster.jobManager = jvms.start("flink-jobmanager", classpath, cluster.jvmArgs(jm.get(0), "flink-jobmanager"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                cluster.entrypointArgs(jm.get(1), List.of()), Map.of());
        for (int i = 1; i <= taskManagers; i++) {
            String id = "tm-" + i;
            cluster.taskManagers.put(id, jvms.start("flink-taskmanager-" + i, classpath,
                    cluster.jvmArgs(tm.get(0), "flink-taskmanager-" + i),
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                    cluster.entrypointArgs(tm.get(1), List.of("-D", "taskmanager.resource-id=" + id)),
                    Map.of("TF_CPP_MIN_LOG_LEVEL", "2")));
        }
        return cluster;
    }

    private void writeConfig(Path checkpoints) throws IOException {
        Files.createDirectories(confDir);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String config = String.join("\n",
                "jobmanager.rpc.address: " + FreePorts.LOOPBACK,
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: " + FreePorts.LOOPBACK,
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.host: " + FreePorts.LOOPBACK,
                "taskmanager.bind-host: " + FreePorts.LOOPBACK,
                "taskmanager.numberOfTaskSlots: 1",
                // TensorFlow's memory is native and outside Flink's budget; no managed memory (no RocksDB)
                "taskmanager.memory.process.size: 1200m",
                "taskmanager.memory.managed.size: 0m",
                "rest.address: " + FreePorts.LOOPBACK,
                "rest.bind-address: " + FreePorts.LOOPBACK,
                "rest.port: " + restPort,
                "blob.server.port: \"0\"",
                "parallelism.default: 1",
                // the REST API caches job views for the refresh interval (3 s by default): fresher views, sharper timings
                "web.refresh-interval: 500 ms",
                "rest.cache.checkpoint-statistics.timeout: 500 ms",
                "io.tmp.dirs: " + tmp,
                "web.tmpdir: " + tmp,
                // a lost TaskManager is noticed within seconds, and the job restarts from its last checkpoint
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 5000",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 5",
                "restart-strategy.fixed-delay.delay: 1 s",
                "execution.checkpointing.dir: " + checkpoints.toUri(),
                "execution.checkpointing.interval: 2 s",
                "");
        Files.writeString(confDir.resolve("config.yaml"), config);
    }

    /** Runs {@code BashJavaUtils COMMAND}: [JVM flags, dynamic properties], as the bash scripts read them. */
    private List<List<String>> resourceParams(String command, String name) throws Exception {
        List<String> jvmArgs = new ArrayList<>(ChildJvms.SHORT_LIVED);
        jvmArgs.addAll(ProcessLogging.jvmFlags(dir));
        JvmProcess tool = jvms.run(name, classpath, jvmArgs,
                "org.apache.flink.runtime.util.bash.BashJavaUtils", List.of(command, "--configDir", confDir.toString()),
                Map.of(), TOOL_TIMEOUT);
        List<List<String>> results = new ArrayList<>();
        for (String line : Files.readAllLines(tool.log(), StandardCharsets.UTF_8)) {
            int at = line.indexOf(RESULT_PREFIX);
            if (at >= 0) {
                String value = line.substring(at + RESULT_PREFIX.length()).strip();
                results.add(value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+")));
            }
        }
        if (results.size() < 2) {
            throw new IllegalStateException("BashJavaUtils " + command + " gave " + results.size()
                    + " result lines, expected 2\n" + tool.logTail(40));
        }
        return results.subList(results.size() - 2, results.size());
    }

    private List<String> jvmArgs(List<String> memoryFlags, String logName) throws IOException {
        List<String> args = new ArrayList<>(memoryFlags);
        args.addAll(JAVA_17_OPENS);
        args.addAll(ProcessLogging.jvmFlags(confDir));
        args.add("-Dlog.file=" + dir.resolve(logName + ".log"));
        return args;
    }

    private List<String> entrypointArgs(List<String> dynamicProperties, List<String> more) {
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(dynamicProperties);
        args.addAll(more);
        return args;
    }

    FlinkRest rest() {
        return rest;
    }

    JvmProcess jobManager() {
        return jobManager;
    }

    JvmProcess taskManager(String id) {
        JvmProcess process = taskManagers.get(id);
        if (process == null) {
            throw new IllegalArgumentException("No TaskManager " + id + " (have " + taskManagers.keySet() + ")");
        }
        return process;
    }

    Map<String, JvmProcess> taskManagers() {
        return taskManagers;
    }

    List<Integer> ports() {
        return List.of(rpcPort, restPort);
    }

    /** Fails fast when the JobManager or a TaskManager that should run has died, with its log. */
    void checkAlive(Set<String> killedTaskManagers) {
        if (!jobManager.isAlive()) {
            throw new AssertionError("The Flink JobManager died\n" + jobManager.logTail(80));
        }
        taskManagers.forEach((id, process) -> {
            if (!killedTaskManagers.contains(id) && !process.isAlive()) {
                throw new AssertionError("Flink TaskManager " + id + " died\n" + process.logTail(80));
            }
        });
    }

    /**
     * Submits a job jar through Flink's client, detached ({@code flink run -d -c MAIN JAR ARGS}); returns the job id.
     */
    String submit(Path jobJar, String mainClass, List<String> args, Duration timeout) throws Exception {
        List<String> cli = new ArrayList<>(List.of("run", "-d", "-c", mainClass, jobJar.toString()));
        cli.addAll(args);
        List<String> jvmArgs = new ArrayList<>(ChildJvms.SHORT_LIVED);
        jvmArgs.addAll(JAVA_17_OPENS);
        jvmArgs.addAll(ProcessLogging.jvmFlags(confDir));
        JvmProcess client = jvms.run("flink-client", classpath, jvmArgs, "org.apache.flink.client.cli.CliFrontend", cli,
                Map.of("FLINK_CONF_DIR", confDir.toString()), timeout);
        Matcher id = SUBMITTED.matcher(Files.readString(client.log(), StandardCharsets.UTF_8));
        if (!id.find()) {
            throw new IllegalStateException("The client did not print a job id\n" + client.logTail(60));
        }
        return id.group(1);
    }
}
