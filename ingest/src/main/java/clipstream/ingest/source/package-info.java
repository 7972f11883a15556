/** Where frames come from: video files and FFmpeg URLs (through media's VideoDecoder), live streams with reconnect, image folders, synthetic cameras. */
package clipstream.ingest.source;
