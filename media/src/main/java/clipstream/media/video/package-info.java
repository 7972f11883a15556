/** The one video decoder of clipstream (FFmpeg through JavaCV), shared by ingest and model-store, and a writer for test footage. */
package clipstream.media.video;
