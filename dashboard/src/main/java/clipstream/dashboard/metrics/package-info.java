/** The dashboard's own Prometheus metrics ({@code ./clipstream dashboard --metrics-port PORT}). */
package clipstream.dashboard.metrics;
