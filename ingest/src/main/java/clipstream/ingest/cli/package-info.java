/** The ./clipstream ingest command line. */
package clipstream.ingest.cli;
