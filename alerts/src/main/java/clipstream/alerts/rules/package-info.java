/**
 * The rules file: what an alert is for ({@link clipstream.alerts.rules.Rule}), how it is read and
 * validated from YAML ({@link clipstream.alerts.rules.RulesLoader}) and how a changed file is picked
 * up without a restart ({@link clipstream.alerts.rules.RulesWatcher}).
 *
 * <pre>
 * rules:
 *   - name: fall-detected          # unique
 *     labels: [falling, fall_down] # one or more labels that match
 *     min-score: 0.8               # top-1 score at least this (0..1, default 0)
 *     cameras: all                 # or a list of ids / globs: [cam-7, "lobby-*"] (default all)
 *     min-consecutive: 3           # matching events in a row on one camera (default 1)
 *     cooldown: 60s                # ms, s, m, h or ISO-8601 (PT1M); default 0 (per camera, or per person)
 *     outputs:
 *       topic: alerts              # Kafka topic, always written (default alerts)
 *       stdout: true               # the live view (default true)
 *       webhook:                   # optional; one map or a list of maps
 *         url: http://host/hook
 *         timeout: 2s              # per attempt (default 5s)
 *         attempts: 5              # then dead-lettered (default 5)
 *         backoff: 500ms           # doubled after each failure, capped at max-backoff (default 500ms)
 *         max-backoff: 10s         # (default 10s)
 *
 *   - name: camera-health          # a camera health rule: 'health' instead of labels, min-score, min-consecutive
 *     health:                      # and cooldown; cameras and outputs as above
 *       offline-after: 30s         # no clip event for this long (wall clock) = offline; optional
 *       degraded-below-fps: 10     # whole-frame clips below this frame rate ... (optional; at least one of the two)
 *       degraded-for: 1m           # ... for this long = degraded (default 30s)
 *       recovered-after: 1m        # healthy again this long = recovered (default 1m; 0: at once)
 * </pre>
 *
 * <p>Person events (the people model's, with a {@code track_id}) need no option: for them {@code min-consecutive}
 * counts one person's events in a row, whatever the camera's other people do, and {@code cooldown} holds back that
 * person's next alert only (see {@link clipstream.alerts.engine.RuleEngine}). Example:
 * {@code alerts/rules.people.example.yaml}.
 *
 * <p>A camera health rule ({@link clipstream.alerts.rules.HealthCheck}) raises {@code offline}, {@code degraded} and
 * {@code recovered} alerts about the selected cameras (Alert {@code kind} {@code camera_offline},
 * {@code camera_degraded}, {@code camera_recovered}), delivered like any alert; see
 * {@link clipstream.alerts.engine.CameraHealthWatch} for what is watched and the exact semantics.
 */
package clipstream.alerts.rules;
