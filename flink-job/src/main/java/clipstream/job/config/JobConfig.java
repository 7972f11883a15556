package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;

/**
 * Everything the job is told at start, validated once: each part is handed to the operators that need it.
 * Built by the CLI from flags and an optional properties file.
 */
public record JobConfig(
        KafkaSettings kafka,
        ClipSettings clips,
        ModelSettings model,
        BatchSettings batching,
        RuntimeSettings runtime) implements Serializable {

    public JobConfig {
        require(kafka != null && clips != null && model != null && batching != null && runtime != null,
                "every part of the configuration must be set");
        if (kafka.exactlyOnce()) {
            require(kafka.transactionTimeout().compareTo(runtime.checkpointInterval()) > 0,
                    "--transaction-timeout (" + kafka.transactionTimeout() + ") must be longer than"
                            + " --checkpoint-interval (" + runtime.checkpointInterval()
                            + "): exactly-once transactions stay open from one checkpoint to the next");
        }
    }

    public JobConfig withClips(ClipSettings newClips) {
        return new JobConfig(kafka, newClips, model, batching, runtime);
    }

    public JobConfig withModel(ModelSettings newModel) {
        return new JobConfig(kafka, clips, newModel, batching, runtime);
    }
}
