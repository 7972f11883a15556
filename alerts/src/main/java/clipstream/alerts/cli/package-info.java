/** The command line: {@code ./clipstream alerts --bootstrap HOST:PORT --rules rules.yaml}. */
package clipstream.alerts.cli;
