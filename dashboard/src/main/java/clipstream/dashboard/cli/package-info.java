/** The command line: {@code ./clipstream dashboard --bootstrap HOST:PORT [--port N]}. */
package clipstream.dashboard.cli;
