package clipstream.local.demo;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One camera's people as the demo reads them back: the tracks on the poses topic, and the person events (a tracked
 * person's clip labelled by the people model) with their labels, per track in clip order, and for those with a
 * ground truth, how many were right and what each true action was taken for. Not thread-safe: {@link EventTally}
 * guards it.
 */
final class PersonEventTally {
    private final Set<Long> tracksInPoses = new HashSet<>();
    private final Set<Long> tracksInEvents = new HashSet<>();
    private final Map<String, Long> labels = new TreeMap<>();
    /** Per track: its clips' labels by first seq. */
    private final Map<Long, TreeMap<Long, String>> trackLabels = new TreeMap<>();
    /** Ground truth → label given → person events. */
    private final Map<String, Map<String, Long>> confusion = new TreeMap<>();
    private long events;
    private long scorable;
    private long correct;

    void poseOf(long trackId) {
        tracksInPoses.add(trackId);
    }

    /** A person event: {@code truth} is the label it should have, when its clip has a ground truth. */
    void event(long trackId, long firstSeq, String label, Optional<String> truth) {
        events++;
        tracksInEvents.add(trackId);
        labels.merge(label, 1L, Long::sum);
        trackLabels.computeIfAbsent(trackId, t -> new TreeMap<>()).put(firstSeq, label);
        if (truth.isPresent()) {
            scorable++;
            confusion.computeIfAbsent(truth.get(), t -> new TreeMap<>()).merge(label, 1L, Long::sum);
            if (truth.get().equals(label)) {
                correct++;
            }
        }
    }

    long tracksInPoses() {
        return tracksInPoses.size();
    }

    DemoSummary.CameraPeople snapshot() {
        Set<Long> tracks = new HashSet<>(tracksInPoses);
        tracks.addAll(tracksInEvents);
        Map<Long, List<String>> sequences = new TreeMap<>();
        trackLabels.forEach((track, bySeq) -> sequences.put(track, List.copyOf(bySeq.values())));
        Map<String, Map<String, Long>> truthToLabels = new TreeMap<>();
        confusion.forEach((truth, given) -> truthToLabels.put(truth, Map.copyOf(given)));
        return new DemoSummary.CameraPeople(events, scorable, correct, new TreeMap<>(labels), tracks.size(),
                tracksInPoses.size(), tracksInEvents.size(), sequences, truthToLabels);
    }
}
